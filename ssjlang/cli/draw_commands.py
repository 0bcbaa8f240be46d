"""`ssj commit`, `ssj draw`, `ssj verify`: the public, verifiable draw (SSJ-DRAW-1) on the command line.

The order of use is the order of trust: `commit` prints T and C to publish *before* the beacon
value exists; `draw` makes the record once the value is public; anyone runs `verify` on the
published record with the same inputs. Exit codes: 0 success, 1 the inputs have errors (or the
record does not verify), 2 usage or I/O problems.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import click

from ..diagnostics import Diagnostic, InputError, Severity
from ..output import OutputExistsError, write_text_atomic

EXIT_INPUT = 1
EXIT_IO = 2

_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)
_encoding_option = click.option("--encoding", metavar="E", default=None,
                                help="Encoding of CSV inputs (default: detect UTF-8 / GB18030).")
_registry_option = click.option("--registry", "registry", type=_existing_file, required=True,
                                help="The subject registry (检查对象名录库), CSV or XLSX.")
_beacon_option = click.option("--beacon", "descriptor", metavar="DESCRIPTOR", required=True,
                              help='Where the public random value will come from, e.g. "dice:d10x20".')


def _sources(paths: Sequence[Path | None]) -> dict[str, str | None]:
    """Source text of text inputs, so diagnostics can show the offending line."""
    out: dict[str, str | None] = {}
    for path in paths:
        if path is not None and path.suffix.lower() == ".ssj":
            try:
                out[str(path)] = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                out[str(path)] = None
    return out


def _emit(diagnostics: Sequence[Diagnostic], sources: dict[str, str | None]) -> None:
    """Diagnostics on stderr as `file:line:col: error[CODE]: message` with the source line."""
    from ..report import render_text, summary

    color = sys.stderr.isatty()
    click.echo(render_text(diagnostics, sources, color=color), err=True, nl=False)
    click.echo(summary(diagnostics), err=True)


def _fail_input(exc: InputError, paths: Sequence[Path | None]) -> NoReturn:
    _emit(exc.diagnostics, _sources(paths))
    raise SystemExit(EXIT_INPUT)


def _fail_io(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(EXIT_IO)


def _progress() -> Callable[[str], None] | None:
    """Progress lines on stderr, only when a person is watching a terminal."""
    if not sys.stderr.isatty():
        return None
    return lambda message: click.echo(f"… {message}", err=True)


@click.command("commit")
@click.argument("plan", type=_existing_file)
@_registry_option
@click.option("--roster", type=_existing_file, default=None,
              help="The inspector roster (执法检查人员名录库).")
@_beacon_option
@_encoding_option
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Also write the commitment as JSON to this file.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def commit_command(plan: Path, registry: Path, roster: Path | None, descriptor: str, encoding: str | None,
                   output: Path | None, force: bool) -> None:
    """Print the commitment T and its digest C, to publish before the beacon value exists."""
    from ..record import make_commitment

    try:
        commitment = make_commitment(plan, registry, roster, descriptor, encoding)
    except InputError as exc:
        _fail_input(exc, [plan, registry, roster])
    except OSError as exc:
        _fail_io(str(exc))
    click.echo(commitment["text"], nl=False)
    click.echo(f"C={commitment['digest']}")
    if output is not None:
        try:
            write_text_atomic(output, json.dumps(commitment, ensure_ascii=False, indent=2) + "\n", force)
        except OutputExistsError as exc:
            _fail_io(f"{exc.path} already exists; use --force to replace it")
        except OSError as exc:
            _fail_io(f"cannot write {output}: {exc}")
        click.echo(f"wrote {output}", err=True)


@click.command("draw")
@click.argument("plan", type=_existing_file)
@_registry_option
@click.option("--roster", type=_existing_file, required=True,
              help="The inspector roster (执法检查人员名录库).")
@_beacon_option
@click.option("--beacon-value", "beacon_value", metavar="V", required=True,
              help="The public random value, once published (e.g. the lottery numbers).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="Directory to write the record and the CSV lists into.")
@click.option("--force", is_flag=True, help="Replace an existing output directory.")
@_encoding_option
def draw_command(plan: Path, registry: Path, roster: Path, descriptor: str, beacon_value: str, output: Path,
                 force: bool, encoding: str | None) -> None:
    """Draw the subjects, teams and dates; write record.json and the CSV lists to DIR."""
    from ..record import make_record, write_record

    if output.exists() and not force:
        _fail_io(f"{output} already exists; use --force to replace it")
    try:
        record = make_record(plan, registry, roster, descriptor, beacon_value, encoding, _progress())
    except InputError as exc:
        _fail_input(exc, [plan, registry, roster])
    except OSError as exc:
        _fail_io(str(exc))
    try:
        paths = write_record(record, output, force)
    except OutputExistsError as exc:
        _fail_io(f"{exc.path} already exists; use --force to replace it")
    except OSError as exc:
        _fail_io(f"cannot write {output}: {exc}")
    lists = [p for p in paths if p.name.startswith("名单-")]
    for path in paths:
        if path not in lists:
            click.echo(f"wrote {path}")
    click.echo(f"wrote {len(lists)} draw lists {output / '名单-任务NN-第R轮.csv'}")
    drawn = len(record["subjects"])
    picks = sum(t["selected"] for t in record["tasks"])
    click.echo(f"seed S={record['seed']}")
    click.echo(f"{len(record['tasks'])} tasks, {picks} selections of {drawn} subjects, "
               f"{len(record['visits'])} visits（{len(record['tasks'])} 个任务，抽中 {drawn} 户，"
               f"{len(record['visits'])} 次检查）")
    for text in record["warnings"]:
        click.echo(f"warning: {text}", err=True)


@click.command("verify")
@click.argument("record", type=click.Path(exists=True, path_type=Path))
@click.option("--plan", "plan", type=_existing_file, required=True, help="The plan file the record names.")
@_registry_option
@click.option("--roster", type=_existing_file, default=None, help="The inspector roster the record names.")
@_encoding_option
def verify_command(record: Path, plan: Path, registry: Path, roster: Path | None,
                   encoding: str | None) -> None:
    """Recompute a published draw: prints "verified", or the first difference (exit 1)."""
    from ..record import BAD_RECORD, verify_record

    try:
        differences = verify_record(record, plan, registry, roster, encoding)
    except InputError as exc:
        if all(d.severity is Severity.ERROR and d.code == BAD_RECORD for d in exc.diagnostics):
            _emit(exc.diagnostics, {})
            raise SystemExit(EXIT_IO) from exc
        _fail_input(exc, [plan, registry, roster])
    except OSError as exc:
        _fail_io(str(exc))
    if differences:
        for line in differences:
            click.echo(f"not verified: {line}")
        raise SystemExit(EXIT_INPUT)
    click.echo("verified")


COMMANDS: list[click.Command] = [commit_command, draw_command, verify_command]
