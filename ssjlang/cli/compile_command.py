"""`ssj compile`: the official documents (工作计划表, 抽查名单, 检查通知书, 记录表, 公示, 汇总) from a plan.

check → draw (with --registry/--roster/--beacon/--beacon-value, or an existing --record) → render →
write DIR atomically (everything is rendered into a temporary directory beside DIR and renamed into
place; an existing DIR is replaced only with --force). Exit codes: 0 success (warnings allowed), 1 the
inputs (plan, registry, roster, record, results, issuers, session, templates) have errors, 2 usage or I/O.

The terminal gets a short summary: files per kind, the warnings (one line each, at the end where they do
not scroll away) and the index to open; `--verbose` prints the warnings in full and every file written.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..diagnostics import Diagnostic
from ..documents.render import (
    DEFAULT_FORMATS,
    EDITIONS,
    FORMATS,
    KINDS,
    Rendered,
    RenderOptions,
)
from ..output import OutputExistsError
from .common import (
    already_exists,
    cannot_write,
    check_output_target,
    emit_diagnostics,
    encoding_option,
    existing_file,
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
    "results_paths",
    type=existing_file,
    multiple=True,
    help="Inspection results (CSV/XLSX) for each department's 抽查结果公示; may be repeated.",
)
@click.option(
    "--edition",
    type=click.Choice(EDITIONS),
    default="public",
    show_default=True,
    help="public: no subject's credit-risk class (unless the plan says 公开风险分类); internal: everything.",
)
@click.option(
    "--issuers",
    "issuers_path",
    type=existing_file,
    default=None,
    help="Table of issuing details (部门,全称,文号,联系人,电话,地址,网站,起始号) the plan does not give.",
)
@click.option(
    "--session",
    "session_path",
    type=existing_file,
    default=None,
    help="The draw session (时间, 地点, 主持, 见证, 随机数; one 键：值 per line) for the 抽查情况公示.",
)
@click.option("--cite-tool", is_flag=True, help="Name the program and `ssj verify` in the 抽查情况公示.")
@click.option("-v", "--verbose", is_flag=True, help="Print warnings in full and every file written.")
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
    help="The {号} of each issuer's first inspection notice.",
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
    results_paths: tuple[Path, ...],
    edition: str,
    issuers_path: Path | None,
    session_path: Path | None,
    cite_tool: bool,
    verbose: bool,
    templates: Path | None,
    formats: str,
    date_text: str | None,
    first_number: int,
    encoding: str | None,
    output: Path,
    force: bool,
) -> None:
    """Render the official documents of PLAN into DIR (-o), drawing first when draw inputs are given."""
    from ..pipeline import CompileRequest, DrawRequest, compile_documents, write_documents

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
    if results_paths and not given and record_path is None:
        raise click.UsageError("--results needs a draw: pass --record or the draw inputs")
    check_output_target(output, force, directory=True)

    draw = (DrawRequest(registry, roster, descriptor, beacon_value)  # type: ignore[arg-type]
            if given else None)
    options = RenderOptions(formats=wanted, templates=templates, date=day, first_number=first_number,
                            plan_file=str(plan), edition=edition, cite_tool=cite_tool)
    request = CompileRequest(plan, options, draw, record_path, results_paths, issuers_path, session_path,
                             encoding)
    compiled = compile_documents(request, terminal_progress())
    try:
        paths = write_documents(output, compiled, force)
    except OutputExistsError:
        fail_io(already_exists(output))
    except OSError as exc:
        fail_io(cannot_write(output, exc))
    if verbose:
        if compiled.warnings:
            emit_diagnostics(compiled.warnings, [plan])
        for path in sorted(paths, key=lambda p: p.as_posix()):
            click.echo(path.as_posix())
    _summary(output, compiled.rendered, edition, compiled.warnings, verbose)


#: Warnings listed one per line at the end of the summary; more are counted and left to the index.
SHORT_WARNINGS = 8


def _summary(output: Path, rendered: Rendered, edition: str, warnings: list[Diagnostic],
             verbose: bool) -> None:
    """The terminal summary: files per kind, the warnings again (one line each), the index to open."""
    from ..diagnostics import sorted_diagnostics

    counts = {kind: sum(1 for e in rendered.catalogue if e.kind == kind) for kind in KINDS}
    label = "公开版" if edition == "public" else "内部版"
    click.echo(f"已写入 {output.as_posix()}：{len(rendered.files)} 个文件，{label} (documents written)")
    for kind, name in KINDS.items():
        if counts[kind]:
            departments = {e.department for e in rendered.catalogue if e.kind == kind and e.department}
            by = f"（{len(departments)} 个部门）" if kind in ("results", "entry") else ""
            click.echo(f"  {name}{by}：{counts[kind]}")
    sys.stdout.flush()
    ordered = sorted_diagnostics(warnings)
    if ordered:
        click.echo(f"{len(ordered)} 个警告 (warnings)：", err=True)
        for d in ordered if verbose else ordered[:SHORT_WARNINGS]:
            where = f"{d.file}:{d.span.line}:{d.span.column}" if d.span.line > 0 else d.file
            click.echo(f"  {where}: warning[{d.code}]: {d.message}", err=True)
        if not verbose and len(ordered) > SHORT_WARNINGS:
            click.echo(f"  另有 {len(ordered) - SHORT_WARNINGS} 个警告，见 index.html 或加 --verbose "
                       f"({len(ordered) - SHORT_WARNINGS} more)", err=True)
        sys.stderr.flush()
    click.echo(f"先打开 (open first)：{(output / 'index.html').as_posix()}")


COMMANDS: list[click.Command] = [compile_command]
