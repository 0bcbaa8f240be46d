"""`ssj commit`, `ssj draw`, `ssj verify`: the public, verifiable draw (SSJ-DRAW-1) on the command line.

The order of use is the order of trust: `commit` prints T and C to publish *before* the beacon
value exists; `draw` makes the record once the value is public; anyone runs `verify` on the
published record with the same inputs. Exit codes: 0 success, 1 the inputs have errors (or the
record does not verify), 2 usage or I/O problems.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..diagnostics import InputError, Severity
from ..interpret.stages import dump as dump_stages
from ..output import OutputExistsError, write_text_atomic
from .common import (
    EXIT_INPUT,
    EXIT_USAGE,
    already_exists,
    cannot_write,
    check_output_target,
    emit_diagnostics,
    encoding_option,
    existing_file,
    fail_io,
    terminal_progress,
)

_registry_option = click.option("--registry", "registry", type=existing_file, required=True,
                                help="The subject registry (检查对象名录库), CSV or XLSX.")
_threads_option = click.option(
    "--engine-threads", "engine_threads", type=click.IntRange(min=1), default=None, metavar="N",
    help="Threads of the engine (DuckDB) that reads the registry and draws; default: every core "
         "(also $SSJ_ENGINE_THREADS). The result never depends on it.")


def _engine(threads: int | None, spill_next_to: Path | None = None) -> None:
    """Configure the engine: its threads, and for a draw a spill directory next to the output (so a
    registry larger than memory spills onto the disk the record goes to)."""
    from ..interpret import engine

    engine.configure(threads=threads, temp_dir=spill_next_to)


_beacon_option = click.option("--beacon", "descriptor", metavar="DESCRIPTOR", required=True,
                              help='Where the public random value will come from, e.g. "dice:d10x20".')


@click.command("commit")
@click.argument("plan", type=existing_file)
@_registry_option
@click.option("--roster", type=existing_file, default=None,
              help="The inspector roster (执法检查人员名录库).")
@_beacon_option
@encoding_option
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Also write the commitment as JSON to this file.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@_threads_option
def commit_command(plan: Path, registry: Path, roster: Path | None, descriptor: str, encoding: str | None,
                   output: Path | None, force: bool, engine_threads: int | None) -> None:
    """Print the commitment T and its digest C, to publish before the beacon value exists."""
    from ..pipeline import make_commitment

    _engine(engine_threads)
    if output is not None:
        check_output_target(output, force, directory=False)
    commitment = make_commitment(plan, registry, roster, descriptor, encoding)
    click.echo(commitment["text"], nl=False)
    click.echo(f"C={commitment['digest']}")
    if output is not None:
        try:
            write_text_atomic(output, json.dumps(commitment, ensure_ascii=False, indent=2) + "\n", force)
        except OutputExistsError as exc:
            fail_io(already_exists(exc.path))
        except OSError as exc:
            fail_io(cannot_write(output, exc))
        click.echo(f"wrote {output}", err=True)


@click.command("draw")
@click.argument("plan", type=existing_file)
@_registry_option
@click.option("--roster", type=existing_file, required=True,
              help="The inspector roster (执法检查人员名录库).")
@_beacon_option
@click.option("--beacon-value", "beacon_value", metavar="V", required=True,
              help="The public random value, once published (e.g. the lottery numbers).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="Directory to write the record and the CSV lists into.")
@click.option("--force", is_flag=True, help="Replace an existing output directory.")
@encoding_option
@_threads_option
def draw_command(plan: Path, registry: Path, roster: Path, descriptor: str, beacon_value: str, output: Path,
                 force: bool, encoding: str | None, engine_threads: int | None) -> None:
    """Draw the subjects, teams and dates; write record.json and the CSV lists to DIR."""
    from ..pipeline import make_record, write_draw

    check_output_target(output, force, directory=True)
    _engine(engine_threads, output.absolute().parent)
    record = make_record(plan, registry, roster, descriptor, beacon_value, encoding, terminal_progress())
    try:
        paths = write_draw(record, output, force)
    except OutputExistsError as exc:
        fail_io(already_exists(exc.path))
    except OSError as exc:
        fail_io(cannot_write(output, exc))
    dump_stages()
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
@click.option("--plan", "plan", type=existing_file, required=True, help="The plan file the record names.")
@_registry_option
@click.option("--roster", type=existing_file, default=None,
              help="The inspector roster the record names; required when the record commits to one "
                   "(its roster digest Q is not -).")
@encoding_option
@_threads_option
@click.option("--sql", "sql", is_flag=True,
              help="Print the subject draw of the record as plain SQL (docs/spec/SSJ-DRAW-SQL.md) for an "
                   "auditor's own database, instead of verifying.")
def verify_command(record: Path, plan: Path, registry: Path, roster: Path | None,
                   encoding: str | None, engine_threads: int | None, sql: bool) -> None:
    """Recompute a published draw: prints "verified", or the first difference (exit 1)."""
    from ..interpret.record import BAD_RECORD, NO_ROSTER, load_record
    from ..pipeline import verify_and_sql

    _engine(engine_threads)
    try:
        data = load_record(record)
    except InputError as exc:
        if all(d.severity is Severity.ERROR and d.code == BAD_RECORD for d in exc.diagnostics):
            emit_diagnostics(exc.diagnostics, [])  # a record that is not one: the file given is wrong (usage)
            raise SystemExit(EXIT_USAGE) from exc
        raise
    committed_roster = data["commitment"]["roster"]
    if roster is None and committed_roster != NO_ROSTER:
        raise click.UsageError(f"记录承诺了执法检查人员名录（Q={committed_roster[:8]}…），"
                               "核验需要 --roster (the record was drawn with a roster: give --roster)")
    differences, script = verify_and_sql(data, plan, registry, roster, encoding, sql=sql,
                                         record_name=Path(record).name)
    if differences:
        for line in differences:
            click.echo(f"not verified: {line}")
        raise SystemExit(EXIT_INPUT)
    if script is not None:
        click.echo(script, nl=False)
        click.echo("-- verified", err=True)
        return
    click.echo("verified")


COMMANDS: list[click.Command] = [commit_command, draw_command, verify_command]
