"""The draw record (抽查记录): everything needed to publish a draw and to recompute it.

From the inputs `pipeline.load_inputs` reads: `commitment_json` gives T and C before the beacon value
exists; `build_record` runs the interpret stage (subject draw → visits, teams, dates) and returns the
record as a JSON-ready dict in the schema of docs/spec/record.schema.json; `write_record` writes it with
its CSV lists atomically; `recompute_and_compare` recomputes a published record and names the first
difference in words. Nothing in a record depends on the clock or on file paths beyond
base names, so the same inputs always give a byte-identical record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring as _enc
from pathlib import Path
from typing import Any

from .. import __version__
from ..canonical import canonical_text
from ..check.checker import CheckedPlan
from ..check.export import number
from ..check.resolved import Body, BodyKind, DrawUnit, Organisation, ResolvedPlan
from ..diagnostics import Diagnostic, InputError, error
from ..inputs import RECORD as RECORD_LIMIT
from ..inputs import read_limited
from ..language.nodes import RiskClass, Span
from ..output import csv_bytes, write_directory_atomic
from . import draw
from .engine_draw import draw_registry
from .recordschema import JsonPath, Problem, RecordSyntaxError, parse_record, schema_problem, short, where
from .stages import stage
from .teams import TEAM_1, TEAM_2
from .workdays import calendar_info

BAD_RECORD = "SSJ320"
"""The record file is not a readable SSJ-DRAW-1 record."""
PLAN_MISMATCH = "SSJ423"
"""The --record of `ssj compile` was not drawn from the plan being compiled (another P, other tasks)."""
NO_ROSTER_GIVEN = "SSJ321"
"""Warning: drawn without an inspector roster, so no teams and no dates."""

RECORD_FILE = "record.json"
VISITS_FILE = "visits.csv"
NO_ROSTER = "-"
IGNORED_IN_VERIFY = frozenset({("generator",), ("calendar",), ("plan", "file"), ("registry", "file"),
                               ("roster", "file")})
"""Record entries that may differ without changing the draw: the program and holiday-calendar versions
and file base names. (A calendar version that does change the dates is named in the difference.)"""
CALENDAR_DEPENDENT = frozenset({"visits", "workload", "warnings"})
"""Top-level record entries that depend on the holiday calendar (dates, the teams chosen for those dates,
the calendar-coverage warning SSJ348)."""


# ---------------------------------------------------------------- loading the inputs


@dataclass(frozen=True)
class Inputs:
    """The loaded plan, registry and roster (None without one), their digests P, R, Q and the paths they
    came from (`pipeline.load_inputs` reads them)."""

    checked: CheckedPlan
    registry: Any
    roster: Any | None
    plan_digest: str
    registry_digest: str
    roster_digest: str
    plan_path: Path
    registry_path: Path
    roster_path: Path | None


def commitment_json(inputs: Inputs, descriptor: str) -> dict[str, str]:
    """T, C and the digests P, R, Q, to publish before the beacon value exists (§3)."""
    text = draw.commitment_text(inputs.plan_digest, inputs.registry_digest, inputs.roster_digest, descriptor)
    return {"text": text, "digest": draw.H(text), "plan": inputs.plan_digest,
            "registry": inputs.registry_digest, "roster": inputs.roster_digest,
            "beacon": draw.canonical_descriptor(descriptor)}


# ---------------------------------------------------------------- the record


def roster_departments(organisation: Organisation) -> dict[str, str]:
    """Every department and unit name or alias → its declared name: what a roster's 部门 may say."""
    return {name: body.name for name, body in organisation.index.items() if body.kind is not BodyKind.LEVEL}


def record_no(unit: DrawUnit) -> int | str:
    """A task's number as the record writes it: the integer for a numbered task, else its code."""
    return unit.code.number if unit.code.number is not None else unit.code.text


def _unit_json(result: draw.UnitResult) -> dict[str, Any]:
    design = result.design
    unit = design.unit
    first = result.round_one_selected()
    whole = next((f for f in design.floors if f.group is None), None)
    no = record_no(unit)
    entry: dict[str, Any] = {"no": no}
    if unit.code.text != str(no):
        entry["code"] = unit.code.text
    if unit.sub is not None:
        entry["sub"] = unit.sub
        entry["label"] = unit.label
    if unit.joint:
        entry["joint"] = [record_no(member) for member in unit.joint]
    entry["name"] = unit.name
    entry["lead"] = unit.lead.name
    entry["assist"] = [body.name for body in unit.assist]
    if unit.inspect:
        entry["inspect"] = [body.name for body in unit.inspect]
    entry.update({
        "rate_text": unit.rate.text,
        "floor_percent": number(whole.percent) if whole is not None else None,
        "population": design.population,
        "selected": result.selected,
        "realised_percent": number(draw.realised_percent(first, design.population)),
        "floors": [{"group": f.group, "floor_percent": number(f.percent), "population": n, "selected": k,
                    "realised_percent": number(draw.realised_percent(k, n))} for f, k, n in result.realised],
    })
    if design.totals:
        entry["totals"] = [{"group": t.group, "total": t.total, "basis": t.basis, "planned": t.planned,
                            "approx": t.approx, "inspectors": t.inspectors} for t in design.totals]
    entry["rounds"] = [r.to_json() for r in result.rounds]
    return entry


def _subject_json(subject: Any) -> dict[str, str]:
    risk = subject.risk.value if isinstance(subject.risk, RiskClass) else str(subject.risk)
    return {"name": subject.name, "type": subject.type, "address": subject.address, "risk": risk,
            "legal_rep": subject.legal_rep, "phone": subject.phone}


def _warning_text(diagnostic: Diagnostic, source: str) -> str:
    """A warning as it stands in the record: code, where (without the file path: records travel), message."""
    span = diagnostic.span
    if span.line <= 0:
        return f"{diagnostic.code}: {diagnostic.message}"
    return f"{diagnostic.code}: {source}第{span.line}行第{span.column}列：{diagnostic.message}"


def build_record(inputs: Inputs, descriptor: str, beacon_value: str,
                 progress: Callable[[str], None] | None = None, team_rule: str = TEAM_2) -> dict[str, Any]:
    """The whole draw record from loaded inputs: subject draw → visits, teams, dates (raises InputError)."""
    plan: ResolvedPlan = inputs.checked.resolved
    file = inputs.checked.file
    roster_path = inputs.roster_path
    commitment = commitment_json(inputs, descriptor)
    value = draw.canonical_beacon_value(beacon_value)
    seed = draw.seed(commitment["digest"], value)
    year = plan.year
    teams = _Teams(inputs.roster) if inputs.roster is not None else None
    with stage("subject draw"):
        result = draw_registry(plan, inputs.registry, seed, file,
                               teams.headcount if teams is not None else None, office_of, progress)
    tasks_json = [_unit_json(r) for r in result.units]
    drawn = sorted({p.id for r in result.units for rd in r.rounds for s in rd.strata for p in s.selected})
    with stage("record"):
        by_id = inputs.registry.lookup(drawn)
    visits: dict[str, Any] = {"visits": [], "workload": [], "warnings": []}
    roster_warnings = list(inputs.roster.warnings) if inputs.roster is not None else []
    warnings = ([_warning_text(d, "名录库") for d in inputs.registry.warnings]
                + [_warning_text(d, "执法人员名录") for d in roster_warnings]
                + [_warning_text(d, "计划") for d in result.warnings])
    if inputs.roster is not None and teams is not None:
        if progress is not None:
            progress("合并走访、组队、排期")
        with stage("visits"):
            visits = _plan_visits(result, inputs.roster, teams, by_id, seed, year, file, plan.fields,
                                  team_rule)
    else:
        warnings.append(f"{NO_ROSTER_GIVEN}: 没有提供执法检查人员名录（--roster），"
                        "只抽取检查对象，未组队排期 (no roster: subjects drawn, no teams or schedule)")
    record: dict[str, Any] = {"spec": draw.SPEC}
    staffed = inputs.roster is not None
    extensions = [*result.extensions, *([ORG_EXTENSION] if staffed and organised(plan) else []),
                  *([TEAM_2] if staffed and team_rule == TEAM_2 else [])]
    if extensions:
        record["extensions"] = extensions
    record.update({
        "generator": f"ssjlang {__version__}",
        "commitment": commitment,
        "beacon_value": value,
        "seed": seed,
        "plan": {"file": inputs.plan_path.name, "title": plan.title, "year": year,
                 "region": plan.region or ""},
        "registry": {"file": inputs.registry_path.name, "subjects": inputs.registry.count},
        "roster": ({"file": Path(roster_path).name, "inspectors": len(inputs.roster.inspectors)}
                   if inputs.roster is not None and roster_path is not None else None),
        "calendar": calendar_info(),
        "tasks": tasks_json,
        "subjects": {i: _subject_json(by_id[i]) for i in drawn},
        "visits": visits["visits"],
        "workload": visits["workload"],
        "warnings": warnings + list(visits["warnings"]),
    })
    return record


def team_rule_of(record: Mapping[str, Any]) -> str:
    """The team rule a record was made with: SSJ-TEAM-2 when its `extensions` name it, else SSJ-TEAM-1
    (every record made before SSJ-TEAM-2 existed)."""
    extensions = record.get("extensions")
    return TEAM_2 if isinstance(extensions, list) and TEAM_2 in extensions else TEAM_1


ORG_EXTENSION = "SSJ-ORG-1"
"""Teams and visits of inspecting bodies, units, levels and per-item departments: docs/spec/SSJ-ORG-1.md."""


def organised(plan: ResolvedPlan) -> bool:
    """Whether a plan's visits follow SSJ-ORG-1: some task names an inspecting body (检查), a unit or a level
    among its bodies, or items with their own department or subjects."""
    return any(unit_organised(unit) for unit in plan.units)


def unit_organised(unit: DrawUnit) -> bool:
    """Whether a unit's visits follow SSJ-ORG-1 rather than SSJ-TEAM-1's lead and assisting departments."""
    return bool(unit.inspect) or any(b.kind is not BodyKind.DEPARTMENT for b in (unit.lead, *unit.assist)) \
        or any(item.inspect or item.selector is not None for item in unit.items)


def office_of(body: Body, subject: Any) -> str | None:
    """SSJ-ORG-1 §1: the office of a level that takes a subject — the member whose 辖区 holds the
    subject's value of the level's registry field (canonical text) — or None."""
    if not body.is_level or body.route_field is None:
        return None
    fields = getattr(subject, "fields", {})
    value = canonical_text(str(fields.get(body.route_field, "") or ""))
    for member in body.members:
        if value in body.areas.get(member, ()):
            return member
    return None


class _Teams:
    """Which roster department staffs a body (SSJ-ORG-1 §2), and how many qualified inspectors it has."""

    def __init__(self, roster: Any) -> None:
        self.pools: dict[str, int] = {}
        for inspector in roster.inspectors:
            self.pools.setdefault(inspector.department, 0)
            if inspector.qualified:
                self.pools[inspector.department] += 1

    def department(self, body: Body, office: str | None = None) -> str:
        """A department staffs itself; a unit staffs from the inspectors the roster lists under the unit,
        else from its department's; a level from the office of the subject's area."""
        if body.is_level:
            return office or ""
        if body.kind is BodyKind.UNIT and body.name not in self.pools and body.department is not None:
            return body.department
        return body.name

    def headcount(self, body: Body, office: str | None) -> int | None:
        return self.pools.get(self.department(body, office), 0)


def _item_test(selector: Any, kinds: Mapping[str, Any]) -> Any:
    """The compiled 对象 筛选 of an item, or None for an item that applies to every subject."""
    if selector is None:
        return None
    from .selector import compile_selector

    return compile_selector(selector, kinds)


def _plan_visits(result: draw.PlanDraw, roster: Any, teams: _Teams, by_id: Mapping[str, Any], seed: str,
                 year: int, file: str, kinds: Mapping[str, Any], team_rule: str) -> dict[str, Any]:
    from .visits import Selection, TaskInfo, plan_visits

    selections: list[Selection] = []
    infos: dict[tuple[int | str, int | None], TaskInfo] = {}
    for r in result.units:
        drawn = r.design.unit
        members = drawn.joint or (drawn,)  # a joint draw's subjects: inspected for each task that holds them
        tests = [_item_test(m.selector, kinds) if drawn.joint else None for m in members]
        prepared = [_UnitVisits.of(m, kinds) for m in members]
        for unit in members:
            infos[(record_no(unit), unit.sub)] = TaskInfo(
                record_no(unit), unit.name, teams.department(unit.inspecting[0]),
                tuple(teams.department(b) for b in unit.assist), tuple(i.text for i in unit.items), unit.sub)
        for rd in r.rounds:
            if rd.window is None:
                continue
            batch_of = {i: b for b in rd.batches for i in b.ids}
            for s in rd.strata:
                for p in s.selected:
                    start, end = rd.window
                    if p.id in batch_of:
                        start, end = batch_of[p.id].window
                    subject = by_id[p.id]
                    for how, test in zip(prepared, tests, strict=True):
                        if test is None or test(subject):
                            selections.append(how.selection(teams, subject, p.id, rd.round, (start, end)))
    return plan_visits(selections, infos, roster, seed, year, team_rule=team_rule).to_json()


@dataclass(frozen=True)
class _UnitVisits:
    """How one task's selections become visits, prepared once per task: whether SSJ-ORG-1 routes them, the
    bodies its items add, and its items' compiled 对象 筛选 (None: every item applies to every subject)."""

    unit: DrawUnit
    routed: bool
    item_bodies: tuple[Body, ...]
    item_tests: tuple[tuple[str, Any], ...] | None

    @classmethod
    def of(cls, unit: DrawUnit, kinds: Mapping[str, Any]) -> _UnitVisits:
        tests = tuple((item.text, _item_test(item.selector, kinds)) for item in unit.items)
        bodies = tuple(dict.fromkeys(b for item in unit.items for b in item.inspect))
        return cls(unit, unit_organised(unit), bodies,
                   tests if any(test is not None for _, test in tests) else None)

    def selection(self, teams: _Teams, subject: Any, subject_id: str, round_no: int,
                  window: tuple[Any, Any]) -> Any:
        """The task's selection of a drawn subject: its window, the offices that inspect and assist (levels
        routed by the subject's area; the draw made sure one covers it), the items that apply to it and the
        bodies of those items."""
        from .visits import Selection

        unit = self.unit
        applies = [test is None or test(subject) for _, test in self.item_tests] if self.item_tests else None
        inspect: tuple[str, ...] = ()
        assist: tuple[str, ...] = ()
        if self.routed:
            bodies = self.item_bodies if applies is None else tuple(dict.fromkeys(
                b for item, ok in zip(unit.items, applies, strict=True) if ok for b in item.inspect))
            inspect = tuple(teams.department(b, office_of(b, subject)) for b in unit.inspecting)
            assist = tuple(teams.department(b, office_of(b, subject)) for b in (*unit.assist, *bodies))
        items = (tuple(text for (text, _), ok in zip(self.item_tests, applies, strict=True) if ok)
                 if self.item_tests is not None and applies is not None else None)
        return Selection(record_no(unit), round_no, subject_id, window[0], window[1], unit.sub, inspect,
                         assist, items)


def record_json(record: Mapping[str, Any]) -> str:
    """The record file's text: UTF-8 JSON, keys in schema order, 2-space indent, final newline."""
    return indented_json(record) + "\n"


def indented_json(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, byte for byte, at twice its speed: the standard
    library encodes with its pure-Python encoder whenever an indent is asked for (a third of `ssj draw`
    at 10^6 subjects). Strings go through the same C escaping function (tested against json.dumps). Each
    container is joined as soon as it is done, so a record of 10^5 visits never lies in 10^7 pieces."""
    enc = _enc

    def walk(o: Any, ind: str) -> str:
        if isinstance(o, str):
            return enc(o)
        if o is None:
            return "null"
        if o is True:
            return "true"
        if o is False:
            return "false"
        if isinstance(o, int):
            return int.__repr__(o)
        if isinstance(o, float):
            return json.dumps(o)
        inner = ind + "  "
        if isinstance(o, dict):
            if not o:
                return "{}"
            items = [enc(k) + ": " + (enc(v) if isinstance(v, str) else walk(v, inner)) for k, v in o.items()]
            return "{\n" + inner + (",\n" + inner).join(items) + "\n" + ind + "}"
        if isinstance(o, list | tuple):
            if not o:
                return "[]"
            return "[\n" + inner + (",\n" + inner).join([walk(v, inner) for v in o]) + "\n" + ind + "]"
        return json.dumps(o, ensure_ascii=False, indent=2)

    return walk(value, "")


# ---------------------------------------------------------------- files


LIST_HEADER = ("分层", "序号", "统一社会信用代码", "名称", "地址", "风险等级", "随机键")
VISITS_HEADER = ("编号", "检查日期", "公示截止", "统一社会信用代码", "名称", "地址", "任务（轮次）",
                 "检查事项", "检查人员", "主检")


def list_file_name(task_no: int | str, round_no: int, sub: int | None = None) -> str:
    """名单-任务04-第1轮.csv: the draw list file of one task round (zero-padded so names sort);
    名单-任务01-子项2-第1轮.csv for a sub-row, 名单-任务SJ-2023-01-第1轮.csv for a text code (characters a
    file name cannot hold become _, and a short digest of the code then keeps two such codes apart)."""
    if isinstance(task_no, int):
        task = f"{task_no:02d}"
    else:
        task = _FILE_UNSAFE.sub("_", task_no).strip(".") or "_"
        if task != task_no:
            task += "-" + draw.H(task_no)[:8]
    part = f"-子项{sub}" if sub is not None else ""
    return f"名单-任务{task}{part}-第{round_no}轮.csv"


_FILE_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s]')
"""Characters a draw list's file name cannot hold (path separators, Windows-reserved, control, space)."""


def _risk_name(letter: str) -> str:
    try:
        return RiskClass(letter).chinese
    except ValueError:
        return letter


def record_files(record: Mapping[str, Any]) -> dict[str, bytes]:
    """record.json, one draw list per task round and visits.csv, as bytes by file name."""
    files: dict[str, bytes] = {RECORD_FILE: record_json(record).encode("utf-8")}
    subjects = record["subjects"]
    for task in record["tasks"]:
        for rd in task["rounds"]:
            rows = []
            for stratum in rd["strata"]:
                for pick in stratum["selected"]:
                    s = subjects.get(pick["id"], {})
                    rows.append((stratum["label"], pick["rank"], pick["id"], s.get("name", ""),
                                 s.get("address", ""), _risk_name(s.get("risk", "")), pick["key"]))
            files[list_file_name(task["no"], rd["round"], task.get("sub"))] = csv_bytes(LIST_HEADER, rows)
    visit_rows = []
    for visit in record["visits"]:
        s = subjects.get(visit["subject"], {})
        tasks = "、".join(f"任务{t['no']}（第{t['round']}轮）" for t in visit["tasks"])
        items = "；".join(f"任务{i['task']}：{i['item']}" for i in visit["items"])
        team = "、".join(f"{m['name']}（{m['department']}）" for m in visit["team"])
        lead = "、".join(m["name"] for m in visit["team"] if m.get("lead"))
        visit_rows.append((visit["visit"], visit["date"], visit["publish_by"], visit["subject"],
                           s.get("name", ""), s.get("address", ""), tasks, items, team, lead))
    files[VISITS_FILE] = csv_bytes(VISITS_HEADER, visit_rows)
    return files


def write_record(record: dict[str, Any], out_dir: Path, force: bool) -> list[Path]:
    """Write the record directory atomically (raises OutputExistsError when it exists without force)."""
    return write_directory_atomic(Path(out_dir), record_files(record), force)


# ---------------------------------------------------------------- verification


def load_record(record_path: Path, complete: bool = False, plan: CheckedPlan | None = None) -> dict[str, Any]:
    """A record file (or a record directory holding record.json) as a dict; SSJ320 when unusable, OSError
    when it cannot be read at all (missing, not a regular file, over its size cap).

    Nothing reads a record before it is whole: the file is read within its size cap (inputs.RECORD),
    parsed without the hazards of plain JSON parsing and validated against docs/spec/record.schema.json
    (recordschema), so a damaged or hand-edited record is refused with the place named instead of breaking
    a document. `complete` (for rendering documents from it) also demands what a schema cannot say: every
    drawn or visited subject is described, and the record is consistent in itself — C = H(T), T made of
    the committed digests and descriptor, S from C and the beacon value, every stream and key from S (an
    altered record is refused). Verification leaves that off: it recomputes all of it and names the
    first difference instead. `plan` (the checked plan the documents are rendered for) also demands that
    the record was drawn from that very plan: its committed P equals the plan's and its tasks are the
    plan's tasks (SSJ423)."""
    path = Path(record_path)
    if path.is_dir():
        path = path / RECORD_FILE
    hint = "给出 ssj draw 写出的 record.json 或其所在目录"
    try:
        data = parse_record(read_limited(path, RECORD_LIMIT))  # OSError (I/O: exit 2) passes through
    except RecordSyntaxError as exc:
        span = Span(exc.line, exc.column, exc.line, exc.column, 0, 0)
        raise InputError([error(BAD_RECORD, f"无法读取抽查记录：{exc.chinese} (cannot read the record: "
                                            f"{exc.english})", str(path), span, hint=hint)]) from exc
    if not (isinstance(data, dict) and data.get("spec") == draw.SPEC):
        raise InputError([error(BAD_RECORD,
                                f"{path.name} 不是 {draw.SPEC} 抽查记录 (not a {draw.SPEC} record)",
                                str(path), hint="给出 ssj draw 写出的 record.json")])
    problem = schema_problem(data)
    if problem is None and plan is not None:  # "another plan" says more than "altered": checked first
        mismatch = plan_mismatch(data, plan, str(path))
        if mismatch is not None:
            raise InputError([mismatch])
    if problem is None and complete:
        problem = record_shape_problem(data) or record_consistency_problem(data)
    if problem is not None:
        place, what, gloss = problem
        raise InputError([error(BAD_RECORD, f"抽查记录 {path.name} 的 {where(place, data)} {what} "
                                            f"(damaged record: {gloss})", str(path),
                                hint="记录已损坏或被手工改动：用 ssj draw 重新生成的 record.json，"
                                     "或从公示的原件重新下载")])
    return data


def plan_mismatch(record: Mapping[str, Any], plan: CheckedPlan, record_file: str) -> Diagnostic | None:
    """SSJ423 when a (well-formed) record was not drawn from `plan`: another plan digest P, or tasks
    that are not the plan's tasks (a hand-edited record); None when they belong together."""
    plan_name = Path(plan.file).name
    committed = record["commitment"].get("plan")
    actual = draw.plan_digest(plan.source)
    if committed != actual:
        return error(PLAN_MISMATCH,
                     f"抽查记录 {record_file} 不是用计划 {plan_name} 抽取的 (drawn from a different plan)："
                     f"记录承诺的 P={committed}，{plan_name} 的 P={actual}", record_file,
                     hint="用抽取时的计划文件生成文书，或用本计划重新抽取 (ssj draw)")
    planned = [_unit_key(record_no(u), u.sub) for u in sorted(plan.resolved.units,
                                                                 key=lambda u: (u.code.sort_key, u.sub or 0))]
    recorded = [_unit_key(t.get("no"), t.get("sub")) for t in record["tasks"]]
    extra = sorted({n for n in recorded if n not in planned}, key=_number_order)
    missing = [n for n in planned if n not in recorded]
    repeated = sorted({n for n in recorded if recorded.count(n) > 1}, key=_number_order)
    if not (extra or missing or repeated):
        return None
    parts: list[str] = []
    if extra:
        parts.append(f"记录中有任务 {_numbers(extra)}，计划中没有")
    if missing:
        parts.append(f"计划的任务 {_numbers(missing)} 不在记录中")
    if repeated:
        parts.append(f"任务 {_numbers(repeated)} 在记录中出现多次")
    return error(PLAN_MISMATCH,
                 f"抽查记录 {record_file} 的任务与计划 {plan_name} 的任务不符 "
                 f"(record tasks are not the plan's tasks)：" + "；".join(parts), record_file,
                 hint="记录已被手工改动：用 ssj draw 写出的原始 record.json，或从公示的原件重新下载")


def _unit_key(no: object, sub: object) -> str:
    """4, or 1.2 for sub-row 2 of task 1: a record's task entry as a message names it."""
    return f"{no}" if sub is None else f"{no}.{sub}"


def _number_order(text: str) -> tuple[int, int, str]:
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _numbers(numbers: list[str]) -> str:
    """4、6、9: task numbers as a message lists them."""
    return "、".join(numbers)


def record_shape_problem(record: Mapping[str, Any]) -> Problem | None:
    """What the record schema cannot say about a schema-valid record: every drawn or visited subject is
    described in `subjects` (the documents show its name and address)."""
    subjects = record["subjects"]
    for t, task in enumerate(record["tasks"]):
        for r, rnd in enumerate(task["rounds"]):
            for s, stratum in enumerate(rnd["strata"]):
                for i, sel in enumerate(stratum["selected"]):
                    if sel["id"] not in subjects:
                        return (("tasks", t, "rounds", r, "strata", s, "selected", i, "id"),
                                f"{short(sel['id'])} 不在 subjects 中", "subject not described in the record")
    for v, visit in enumerate(record["visits"]):
        if visit["subject"] not in subjects:
            return (("visits", v, "subject"),
                    f"{short(visit['subject'])} 不在 subjects 中", "subject not described in the record")
    return None


def record_consistency_problem(record: Mapping[str, Any]) -> Problem | None:
    """The first place where a schema-valid record contradicts itself (SSJ-DRAW-1 §3–§5): T is made of the
    committed digests and descriptor, C = H(T), S = H(C and the beacon value), every stream S_tr and every
    key K follows from S, every stratum lists k selections, every visit number is used once. An altered
    record fails here even when its plan digest is right."""
    committed = record["commitment"]
    try:
        text = draw.commitment_text(committed["plan"], committed["registry"], committed["roster"],
                                    committed["beacon"])
        seed = draw.seed(committed["digest"], record["beacon_value"])
    except InputError:
        return ("commitment", "beacon"), "或 beacon_value 为空", "empty beacon descriptor or value"
    if committed["text"] != text:
        return (("commitment", "text"), "与承诺中的摘要 P、R、Q 和随机源描述不符",
                "T does not match the committed digests")
    if committed["digest"] != draw.H(text):
        return ("commitment", "digest"), "不等于 H(T)", "C is not H(T)"
    if record["seed"] != seed:
        return ("seed",), "不等于由 C 和随机源数值算出的种子", "S does not follow from C and the beacon value"
    for t, task in enumerate(record["tasks"]):
        for r, rnd in enumerate(task["rounds"]):
            stream = draw.stream(seed, task["no"], rnd["round"], task.get("sub"))
            if rnd["stream"] != stream:
                return (("tasks", t, "rounds", r, "stream"), "不等于由种子 S 算出的随机流",
                        "S_tr does not follow from S")
            for s, stratum in enumerate(rnd["strata"]):
                if len(stratum["selected"]) != stratum["k"]:
                    return (("tasks", t, "rounds", r, "strata", s, "k"),
                            f"为 {stratum['k']}，但抽中名单有 {len(stratum['selected'])} 户",
                            "k differs from the selections listed")
                for i, pick in enumerate(stratum["selected"]):
                    if pick["key"] != draw.subject_key(stream, pick["id"]):
                        return (("tasks", t, "rounds", r, "strata", s, "selected", i, "key"),
                                "不等于由随机流和统一社会信用代码算出的随机键",
                                "K does not follow from S_tr and the id")
    seen: set[str] = set()
    for v, visit in enumerate(record["visits"]):
        if visit["visit"] in seen:
            return ("visits", v, "visit"), f"{visit['visit']} 重复", "visit number used twice"
        seen.add(visit["visit"])
    return None


def _walk(path: JsonPath, recorded: Any, computed: Any,
          top: Mapping[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    """Differences between two JSON values (where, and what in words), depth first in the recomputed
    record's key order; places are named as in the recomputed record `top` (a task by its number)."""
    if isinstance(computed, dict) and isinstance(recorded, dict):
        for key in computed:
            if (*path, key) in IGNORED_IN_VERIFY:
                continue
            if key not in recorded:
                yield (*path, key), f"记录中缺少 {where((*path, key), top)} (missing from the record)"
                return
            yield from _walk((*path, key), recorded[key], computed[key], top)
        extra = [k for k in recorded if k not in computed and (*path, k) not in IGNORED_IN_VERIFY]
        if extra:
            yield ((*path, extra[0]), f"记录中的 {where((*path, extra[0]), top)} 在重新计算的结果中不存在 "
                                      f"(not in the recomputed draw)")
        return
    if isinstance(computed, list) and isinstance(recorded, list):
        for i, (a, b) in enumerate(zip(recorded, computed, strict=False)):
            yield from _walk((*path, i), a, b, top)
        if len(recorded) != len(computed):
            yield path, (f"{where(path, top)} 在记录中有 {len(recorded)} 项，重新计算为 {len(computed)} 项 "
                         f"(entry count differs)")
        return
    if recorded != computed or type(recorded) is not type(computed):
        mine, theirs = short_pair(recorded, computed)
        yield path, f"{where(path, top)} 不一致 (differs)：记录中为 {mine}，重新计算为 {theirs}"


def short_pair(recorded: object, computed: object) -> tuple[str, str]:
    """Two differing values as a message shows them: shortened (`short`), but never so short that they
    look the same — two keys sharing their first 8 hex digits are shown to 4 digits past the first one
    that differs."""
    mine, theirs = short(recorded), short(computed)
    if mine != theirs or not (isinstance(recorded, str) and isinstance(computed, str)):
        return mine, theirs
    same = next((i for i, (x, y) in enumerate(zip(recorded, computed, strict=False)) if x != y),
                min(len(recorded), len(computed)))
    cut = same + 5
    return ((recorded[:cut] + "…" if len(recorded) > cut else recorded),
            (computed[:cut] + "…" if len(computed) > cut else computed))


def _calendar_note(record: Mapping[str, Any], recomputed: Mapping[str, Any], place: JsonPath) -> str:
    """Why a date-dependent difference may be innocent: the record was drawn with another holiday calendar.

    Said only when the difference lies in the calendar-dependent part and the versions differ; a
    calendar version difference alone (same schedule) is no difference at all.
    """
    if not place or place[0] not in CALENDAR_DEPENDENT:
        return ""
    mine = recomputed.get("calendar") or {}
    theirs = record.get("calendar")
    if not isinstance(theirs, dict):
        return (f"；记录中未写明节假日日历版本，本机为 chinesecalendar {mine.get('version')} "
                f"(calendar version unknown)：检查日期取决于国务院放假安排数据，请用抽取时的版本重新核验")
    if theirs.get("version") == mine.get("version"):
        return ""
    used = f"{theirs.get('source', 'chinesecalendar')} {theirs.get('version')}"
    return (f"；节假日日历版本不同 (calendar version differs)：记录使用 {used}，"
            f"本机为 {mine.get('source')} {mine.get('version')}——检查日期按国务院放假安排计算，"
            f"请安装记录所用版本 (pip install chinesecalendar=={theirs.get('version')}) 后重新核验")


def subject_draw_sql(record: Mapping[str, Any], inputs: Inputs, record_name: str = RECORD_FILE) -> str:
    """The subject draw of a (verified) record as plain SQL for an auditor's database (draw_sql)."""
    from .draw_sql import script

    teams = _Teams(inputs.roster) if inputs.roster is not None else None
    return script(inputs.checked.resolved, inputs.registry, str(record["seed"]), inputs.checked.file,
                  record_name, teams.headcount if teams is not None else None, office_of)


def recompute_and_compare(record: Mapping[str, Any], inputs: Inputs) -> list[str]:
    """Recompute a published draw from its inputs: [] when it matches, else the first difference in words.

    Digests are compared first so the message names the input that differs; then T, C and the
    seed; then the whole recomputed record against the published one. A different holiday-calendar
    version is reported only when the recomputed dates (or what depends on them) differ.
    """
    committed = record["commitment"]
    for key, name, english, mine in (
            ("plan", "计划文件", "plan", inputs.plan_digest),
            ("registry", "检查对象名录库", "registry", inputs.registry_digest),
            ("roster", "执法检查人员名录", "roster", inputs.roster_digest)):
        if committed.get(key) != mine:
            theirs, ours = short_pair(committed.get(key), mine)
            return [f"{name}摘要不一致 ({english} digest differs)：记录中为 {theirs}，"
                    f"重新计算为 {ours}——所给的{name}不是承诺时的那一份"]
    descriptor = str(committed.get("beacon", ""))
    try:
        expected = commitment_json(inputs, descriptor)
    except InputError as exc:
        return [f"承诺中的随机源描述无法使用 (beacon descriptor unusable)：{exc.diagnostics[0].message}"]
    if committed.get("text") != expected["text"]:
        return ["承诺文本 T 与其中的摘要和随机源描述不符 (commitment text differs)——公布的承诺被改动过"]
    if committed.get("digest") != expected["digest"]:
        theirs, ours = short_pair(committed.get("digest"), expected["digest"])
        return [f"承诺摘要 C 不一致 (commitment digest differs)：记录中为 {theirs}，"
                f"重新计算为 {ours}——C 不等于 H(T)"]
    value = str(record.get("beacon_value", ""))
    try:
        seed = draw.seed(expected["digest"], value)
    except InputError as exc:
        return [f"随机源数值无法使用 (beacon value unusable)：{exc.diagnostics[0].message}"]
    if record.get("seed") != seed:
        theirs, ours = short_pair(record.get("seed"), seed)
        return [f"种子 S 不一致 (seed differs)：记录中为 {theirs}，"
                f"重新计算为 {ours}——记录中的随机源数值或种子被改动过"]
    recomputed = build_record(inputs, descriptor, value, None, team_rule_of(record))
    for place, difference in _walk((), record, recomputed, recomputed):
        return [difference + "——记录与其输入文件得出的抽取结果不符 (the record does not match its inputs)"
                + _calendar_note(record, recomputed, place)]
    return []
