"""The pipeline: one function per job a user runs, each running the stages in their one order.

    source → parse → AST → check → resolved plan → interpret (draw, teams, schedule) → record → render → write

`check_plan` (a file) and `check_text` end at the resolved plan every later stage takes (the checker owns
every rule; nothing downstream re-resolves a window, rate or department). `make_commitment`, `make_record`,
`verify_record` and `verify_and_sql` load the draw's inputs once (`load_inputs`: plan, registry, roster and
their digests P, R, Q) and hand them to the interpret and record stages; `compile_documents` adds the
documents stage and `write_documents` the last one. `plan_diagnostics` is `ssj check`'s stage (parse and
check, every diagnostic), and `import_table` runs before the pipeline: an office's table becomes source text.

Nothing here prints or exits. A job raises `InputError` when its inputs have errors (diagnostics with
file:line:column or file:row:column) and `OSError` when a file cannot be read or written; the command line
maps them to exit codes in one place (`cli.LazyGroup.main`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check.checker import CheckedPlan, load_plan
from .diagnostics import Diagnostic, InputError
from .interpret.stages import stage

if TYPE_CHECKING:
    from .documents.render import Rendered, RenderOptions
    from .interpret.record import Inputs

Progress = Callable[[str], None] | None
"""Where a long job says what it is doing (the terminal, when a person watches), or None."""


# ---------------------------------------------------------------- check


def check_plan(plan_path: Path) -> CheckedPlan:
    """Read, parse, check and resolve a plan file (raises InputError with every diagnostic)."""
    return load_plan(Path(plan_path))


def check_text(text: str, file: str) -> tuple[CheckedPlan | None, list[Diagnostic]]:
    """Parse, check and resolve plan text: the checked plan (None when it has errors) and every diagnostic."""
    from .check.checker import check_source

    return check_source(text, file)


def plan_diagnostics(text: str, file: str) -> list[Diagnostic]:
    """What `ssj check` reports for plan text: the parser's diagnostics and, when the parse gave a whole plan,
    the checker's, sorted by place (no resolution: `ssj check` needs no resolved plan)."""
    from .check.checker import parse_and_check

    return parse_and_check(text, file)[1]


# ---------------------------------------------------------------- import (before the pipeline)


def import_table(path: Path, options: Any, *, table: int | None = None, sheet: str | None = None,
                 encoding: str | None = None) -> Any:
    """A plan table an office has (DOCX, XLSX, CSV, HTML) → a `.ssj` draft (`importer.import_table`: read,
    header, cells, build, format, and the draft checked to parse back to the same tree)."""
    from .importer import import_table as run_import

    return run_import(path, options, table=table, sheet=sheet, encoding=encoding)


# ---------------------------------------------------------------- interpret → record


def load_inputs(plan_path: Path, registry_path: Path, roster_path: Path | None, encoding: str | None = None,
                progress: Progress = None, checked: CheckedPlan | None = None) -> Inputs:
    """The checked plan, the registry and the roster (None without one), read once, with their digests.
    `checked` is the plan at `plan_path` when the job has checked it already."""
    from .interpret import draw
    from .interpret.record import NO_ROSTER, Inputs, roster_departments
    from .interpret.registry import load_registry, load_roster

    say = progress or (lambda _m: None)
    say(f"读取计划 {plan_path}")
    if checked is None:
        with stage("plan"):
            checked = check_plan(plan_path)
    say(f"读取名录库 {registry_path}")
    with stage("registry"):
        registry = load_registry(Path(registry_path), encoding=encoding)
    roster = None
    if roster_path is not None:
        say(f"读取执法人员名录 {roster_path}")
        with stage("roster"):
            roster = load_roster(Path(roster_path), roster_departments(checked.resolved.organisation),
                                 encoding=encoding)
    return Inputs(checked, registry, roster, draw.plan_digest(checked.source), registry.digest,
                  roster.digest if roster is not None else NO_ROSTER,
                  Path(plan_path), Path(registry_path),
                  Path(roster_path) if roster_path is not None else None)


def make_commitment(plan_path: Path, registry_path: Path, roster_path: Path | None, descriptor: str,
                    encoding: str | None = None) -> dict[str, str]:
    """T, C and the digests P, R, Q, to publish before the beacon value exists (SSJ-DRAW-1 §3)."""
    from .interpret.record import commitment_json

    return commitment_json(load_inputs(plan_path, registry_path, roster_path, encoding), descriptor)


def make_record(plan_path: Path, registry_path: Path, roster_path: Path | None, descriptor: str,
                beacon_value: str, encoding: str | None = None, progress: Progress = None,
                checked: CheckedPlan | None = None) -> dict[str, Any]:
    """The whole draw record: subjects, teams and dates (raises InputError with diagnostics on bad input)."""
    from .interpret.record import build_record

    inputs = load_inputs(plan_path, registry_path, roster_path, encoding, progress, checked)
    return build_record(inputs, descriptor, beacon_value, progress)


def verify_record(record: Path | Mapping[str, Any], plan_path: Path, registry_path: Path,
                  roster_path: Path | None, encoding: str | None = None) -> list[str]:
    """Recompute a published draw from its inputs: [] when it matches, else the first difference in words."""
    return verify_and_sql(record, plan_path, registry_path, roster_path, encoding, sql=False)[0]


def verify_and_sql(record: Path | Mapping[str, Any], plan_path: Path, registry_path: Path,
                   roster_path: Path | None, encoding: str | None = None, *, sql: bool = True,
                   record_name: str | None = None) -> tuple[list[str], str | None]:
    """Verify a record and, when it verifies and `sql` is asked for, give its subject draw as plain SQL for
    an auditor's own database (docs/spec/SSJ-DRAW-SQL.md) — the inputs read once for both."""
    from .interpret.record import RECORD_FILE, load_record, recompute_and_compare, subject_draw_sql

    data = record if isinstance(record, Mapping) else load_record(Path(record))
    inputs = load_inputs(plan_path, registry_path, roster_path, encoding)
    differences = recompute_and_compare(data, inputs)
    if differences or not sql:
        return differences, None
    return [], subject_draw_sql(data, inputs, record_name or RECORD_FILE)


def write_draw(record: dict[str, Any], output: Path, force: bool) -> list[Path]:
    """record.json, visits.csv and the draw lists, written into `output` atomically."""
    from .interpret.record import write_record

    with stage("write"):
        return write_record(record, output, force)


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class DrawRequest:
    """The inputs of a draw made now (`ssj compile --registry … --roster … --beacon … --beacon-value …`)."""

    registry: Path
    roster: Path
    descriptor: str
    beacon_value: str


@dataclass(frozen=True)
class CompileRequest:
    """What `ssj compile` renders: the plan, a draw made now or an existing record (or neither: the plan
    table only), the results files, the issuing details and draw session, and the render options."""

    plan: Path
    options: RenderOptions
    draw: DrawRequest | None = None
    record: Path | None = None
    results: Sequence[Path] = ()
    issuers: Path | None = None
    session: Path | None = None
    encoding: str | None = None


@dataclass
class Compiled:
    """The rendered documents and every warning of the job (plan, inputs, results, rendering), in order."""

    rendered: Rendered
    warnings: list[Diagnostic] = field(default_factory=list)


def compile_documents(request: CompileRequest, progress: Progress = None) -> Compiled:
    """check → draw (or the given record) → results → render. An error raises InputError carrying the
    warnings found before it too, so the person fixing the error sees them all at once."""
    from dataclasses import replace

    from .check.export import export_plan
    from .documents.render import render_documents
    from .interpret.record import load_record, record_files

    with stage("plan"):
        checked = check_plan(request.plan)
    warnings: list[Diagnostic] = list(checked.warnings)
    try:
        plan_data = export_plan(checked.resolved)
        issuers, session = _issuers_and_session(request, plan_data, warnings)
        record: dict[str, Any] | None = None
        if request.draw is not None:
            d = request.draw
            record = make_record(request.plan, d.registry, d.roster, d.descriptor, d.beacon_value,
                                 request.encoding, progress, checked)
        elif request.record is not None:
            record = load_record(request.record, complete=True, plan=checked)
        results = None
        if request.results and record is not None:
            from .documents.results import load_results

            results, result_warnings = load_results(list(request.results), record, request.options.date,
                                                    request.encoding, plan_data)
            warnings.extend(result_warnings)
        options = replace(request.options, issuers=issuers, session=session)
        extra = ({f"record/{name}": data for name, data in record_files(record).items()}
                 if record is not None else {})
        rendered = render_documents(plan_data, record, results, options, extra, warnings)
    except InputError as exc:
        raise InputError([*warnings, *exc.diagnostics]) from exc
    warnings.extend(rendered.warnings)
    return Compiled(rendered, warnings)


def _issuers_and_session(request: CompileRequest, plan_data: dict[str, Any],
                         warnings: list[Diagnostic]) -> tuple[Any, Any]:
    """The --issuers table and the --session file, read and checked."""
    from .documents.issuers import load_issuers, load_session

    issuers = session = None
    if request.issuers is not None:
        issuers, issuer_warnings = load_issuers(request.issuers, plan_data, request.encoding)
        warnings.extend(issuer_warnings)
    if request.session is not None:
        session = load_session(request.session)
    return issuers, session


def write_documents(output: Path, compiled: Compiled, force: bool) -> list[Path]:
    """Every rendered file into `output`, atomically (all of them or none)."""
    from .output import write_directory_atomic

    return write_directory_atomic(output, dict(sorted(compiled.rendered.files.items())), force)
