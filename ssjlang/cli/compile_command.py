"""`ssj compile`: the official documents (工作计划表, 抽查名单, 检查通知书, 公示, 汇总) from a plan.

check → draw (with --registry/--roster/--beacon/--beacon-value, or an existing --record) → render →
write DIR atomically (everything is rendered into a temporary directory beside DIR and renamed into
place; an existing DIR is replaced only with --force). Exit codes: 0 success (warnings allowed), 1 the
inputs (plan, registry, roster, record, results, templates) have errors, 2 usage or I/O problems.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ..diagnostics import Diagnostic, InputError
from ..render import DEFAULT_FORMATS, FORMATS, RenderOptions, render_documents
from .common import (
    already_exists,
    cannot_read,
    cannot_write,
    check_output_target,
    emit_diagnostics,
    encoding_option,
    existing_file,
    fail_input,
    fail_io,
    terminal_progress,
)


def _parse_formats(text: str) -> frozenset[str]:
    wanted = frozenset(part.strip().lower() for part in text.replace("，", ",").split(",") if part.strip())
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise click.BadParameter(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from " + ", ".join(FORMATS),
            param_hint="--format",
        )
    return wanted


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    from ..canonical import FIRST_YEAR, LAST_YEAR, in_date_range

    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(
            f"{text!r} is not a date; write it as 2024-03-05", param_hint="--date"
        ) from exc
    if not in_date_range(day):
        raise click.BadParameter(f"{text} 不在 {FIRST_YEAR}—{LAST_YEAR} 年之间 (date out of range)",
                                 param_hint="--date")
    return day


@click.command("compile")
@click.argument("plan", type=existing_file)
@click.option(
    "--registry", type=existing_file, default=None, help="Subject registry (检查对象名录库), to draw now."
)
@click.option(
    "--roster", type=existing_file, default=None, help="Inspector roster (执法检查人员名录库), to draw now."
)
@click.option(
    "--beacon",
    "descriptor",
    metavar="DESCRIPTOR",
    default=None,
    help="The committed source of the public random value, to draw now.",
)
@click.option("--beacon-value", "beacon_value", metavar="V", default=None, help="The public random value.")
@click.option(
    "--record",
    "record_path",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="An existing draw record (record.json or its directory) instead of drawing.",
)
@click.option(
    "--results",
    "results_path",
    type=existing_file,
    default=None,
    help="Inspection results (CSV/XLSX) for the 抽查结果公示.",
)
@click.option(
    "--templates",
    "templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Directory of templates that override the built-in ones (same file names).",
)
@click.option(
    "--format",
    "formats",
    default=",".join(sorted(DEFAULT_FORMATS)),
    show_default=True,
    help="Comma-separated formats: " + ", ".join(FORMATS) + ".",
)
@click.option(
    "--date",
    "date_text",
    metavar="YYYY-MM-DD",
    default=None,
    help="成文日期 of the documents (default: the plan's first window start; notices: the visit date).",
)
@click.option(
    "--first-number",
    "first_number",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="The {号} of the first inspection notice.",
)
@encoding_option
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    required=True,
    help="Directory to write the documents into.",
)
@click.option("--force", is_flag=True, help="Replace an existing output directory.")
def compile_command(
    plan: Path,
    registry: Path | None,
    roster: Path | None,
    descriptor: str | None,
    beacon_value: str | None,
    record_path: Path | None,
    results_path: Path | None,
    templates: Path | None,
    formats: str,
    date_text: str | None,
    first_number: int,
    encoding: str | None,
    output: Path,
    force: bool,
) -> None:
    """Render the official documents of PLAN into DIR (-o), drawing first when draw inputs are given."""
    from ..checker import load_plan
    from ..export import export_plan
    from ..output import OutputExistsError, write_directory_atomic

    wanted = _parse_formats(formats)
    day = _parse_date(date_text)
    draw_inputs = {
        "--registry": registry,
        "--roster": roster,
        "--beacon": descriptor,
        "--beacon-value": beacon_value,
    }
    given = [name for name, value in draw_inputs.items() if value is not None]
    if given and record_path is not None:
        raise click.UsageError(
            "give either the draw inputs (--registry --roster --beacon --beacon-value) or --record, not both"
        )
    if given and len(given) != len(draw_inputs):
        missing = [name for name, value in draw_inputs.items() if value is None]
        raise click.UsageError(f"drawing needs {', '.join(missing)} as well (or pass --record)")
    if results_path is not None and not given and record_path is None:
        raise click.UsageError("--results needs a draw: pass --record or the draw inputs")
    check_output_target(output, force, directory=True)

    try:
        checked = load_plan(plan)
    except InputError as exc:
        fail_input(exc, [plan])
    except OSError as exc:
        fail_io(str(exc))
    warnings: list[Diagnostic] = list(checked.warnings)
    plan_data = export_plan(checked.resolved)

    record: dict[str, Any] | None = None
    try:
        if given:
            from ..record import make_record

            progress = terminal_progress()
            record = make_record(plan, registry, roster, descriptor, beacon_value, encoding, progress)
        elif record_path is not None:
            from ..record import load_record

            record = load_record(record_path, complete=True, plan=checked)
    except InputError as exc:
        fail_input(InputError([*warnings, *exc.diagnostics]), [plan])
    except OSError as exc:
        fail_io(str(exc))

    results = None
    if results_path is not None and record is not None:
        from ..results import load_results

        try:
            results, result_warnings = load_results(results_path, record, day, encoding)
        except InputError as exc:
            fail_input(InputError([*warnings, *exc.diagnostics]), [plan])
        except OSError as exc:
            fail_io(cannot_read(results_path, exc))
        warnings.extend(result_warnings)

    options = RenderOptions(
        formats=wanted, templates=templates, date=day, first_number=first_number, plan_file=str(plan)
    )
    try:
        rendered = render_documents(plan_data, record, results, options)
    except InputError as exc:
        fail_input(InputError([*warnings, *exc.diagnostics]), [plan])
    warnings.extend(rendered.warnings)

    files = dict(rendered.files)
    if record is not None:
        from ..record import record_files

        for name, data in record_files(record).items():
            files[f"record/{name}"] = data
    try:
        paths = write_directory_atomic(output, dict(sorted(files.items())), force)
    except OutputExistsError:
        fail_io(already_exists(output))
    except OSError as exc:
        fail_io(cannot_write(output, exc))
    if warnings:
        emit_diagnostics(warnings, [plan])
    for path in sorted(paths, key=lambda p: p.as_posix()):
        click.echo(path.as_posix())


COMMANDS: list[click.Command] = [compile_command]
