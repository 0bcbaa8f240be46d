"""进一次门、查多项: turning the subject draw into visits, each with a date, a team and a deadline.

Tasks draw independently (SSJ-DRAW-1), so one business can be drawn by several tasks. Knocking on its
door once for all of them is the policy goal (优化营商环境条例 第五十四条), so selections of the same
subject whose windows overlap become one visit covering every item of every task — by a fixed rule
(SSJ-MERGE-1 in docs/teams.md), never by changing the draw. Two rounds of the same task stay apart:
a task drawn twice a year means two inspections. `plan_visits` then runs SSJ-SCHED-1 (dates and teams)
and returns the "visits", "workload" and "warnings" parts of the draw record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, InputError, has_errors, sorted_diagnostics, warning
from ..language.nodes import NO_SPAN
from .schedule import DEFAULT_PER_DAY, SSJ348, VisitRequest, schedule_visits
from .teams import TEAM_1, RosterIndex, TeamMember, department_diagnostics, plan_slots
from .workdays import add_workdays, coverage_warning, has_workday

if TYPE_CHECKING:
    from .registry import Roster  # or anything shaped like it (teams.RosterLike)

#: Working days within which results are published (企业信息公示暂行条例 第六条).
PUBLISH_WITHIN_WORKDAYS = 20


TaskNo = int | str
"""A task's number as the record writes it: 4, or a code written as text (SJ-2023-01)."""
UnitKey = tuple[TaskNo, int | None]
"""A draw unit: (task number, sub-row number or None for the task itself)."""


def no_order(no: TaskNo) -> tuple[int, int, str]:
    """Numbers in numeric order, then codes written as text in byte order."""
    return (0, no, "") if isinstance(no, int) else (1, 0, no)


def unit_order(unit: UnitKey) -> tuple[tuple[int, int, str], int]:
    return no_order(unit[0]), unit[1] or 0


def unit_text(unit: UnitKey) -> str:
    """4, or 1.2 for sub-row 2 of task 1: how visit keys and messages write a unit."""
    no, sub = unit
    return f"{no}" if sub is None else f"{no}.{sub}"


@dataclass(frozen=True)
class Selection:
    """One subject drawn by one round of one task (or sub-row), with that round's window.

    `inspect` are the roster departments that inspect this subject for the task — the task's
    inspecting bodies with a level resolved to the office of the subject's area (SSJ-ORG-1) — and
    `assist` the assisting ones; both empty mean the task's own lead and assisting departments."""

    task_no: TaskNo
    round: int
    subject_id: str
    window_start: date
    window_end: date
    sub: int | None = None
    inspect: tuple[str, ...] = ()
    assist: tuple[str, ...] = ()
    items: tuple[str, ...] | None = None
    """The task's items that apply to this subject (an item with its own 对象 筛选); None: all of them."""

    @property
    def unit(self) -> UnitKey:
        return (self.task_no, self.sub)


@dataclass(frozen=True)
class TaskInfo:
    """What the visit stage needs of a task: its departments (canonical names) and its check items."""

    no: TaskNo
    name: str
    lead: str
    assist: tuple[str, ...]
    items: tuple[str, ...]
    sub: int | None = None


@dataclass(frozen=True)
class MergedVisit:
    """Selections of one subject merged by SSJ-MERGE-1; the window is their intersection."""

    subject_id: str
    selections: tuple[Selection, ...]   # in (task no, round) order
    window_start: date
    window_end: date

    @property
    def tasks(self) -> tuple[tuple[UnitKey, int], ...]:
        """(unit, round) of every selection merged into this visit."""
        return tuple((s.unit, s.round) for s in self.selections)

    @property
    def key(self) -> str:
        """subject id + "|" + "no-round" joined by ",": unique per visit, used by SSJ-SCHED-1's hashes
        (a sub-row writes no.sub, SSJ-DRAW-X1)."""
        return self.subject_id + "|" + ",".join(f"{unit_text(unit)}-{r}" for unit, r in self.tasks)

    def label(self) -> str:
        """How messages name the visit: subject, tasks (round when not the first) and window.

        "91140502MA0K000001 的检查（任务4、6第2轮；2024-03-01—2024-11-30）"
        """
        tasks = "、".join(unit_text(unit) if r == 1 else f"{unit_text(unit)}第{r}轮"
                         for unit, r in self.tasks)
        return (f"{self.subject_id} 的检查（任务{tasks}；"
                f"{self.window_start.isoformat()}—{self.window_end.isoformat()}）")


def merge_order(selection: Selection) -> tuple[date, tuple[tuple[int, int, str], int], int]:
    """SSJ-MERGE-1 order within a subject: window start, then task number (and sub-row), then round."""
    return (selection.window_start, unit_order(selection.unit), selection.round)


def merge_selections(selections: Sequence[Selection]) -> list[MergedVisit]:
    """SSJ-MERGE-1: first-fit merging of each subject's selections; result in (subject id, key) order.

    Each subject's selections are taken in `merge_order`; each joins the first visit (in the order
    visits were opened) that has no selection of the same task and whose window shares at least one
    official working day with its own, the visit window shrinking to the intersection; otherwise it
    opens a new visit. (An overlap of a weekend alone would make a visit that cannot take place.)
    The outcome does not depend on the order of `selections`.
    """
    by_subject: dict[str, list[Selection]] = {}
    seen: set[tuple[str, int, int]] = set()
    for selection in selections:
        ident = (selection.subject_id, selection.unit, selection.round)
        if ident in seen:
            raise ValueError(f"subject {selection.subject_id} selected twice by task {selection.task_no} "
                             f"round {selection.round}")
        seen.add(ident)
        by_subject.setdefault(selection.subject_id, []).append(selection)
    visits: list[MergedVisit] = []
    for subject_id in sorted(by_subject):
        open_visits: list[tuple[list[Selection], date, date]] = []
        for selection in sorted(by_subject[subject_id], key=merge_order):
            for position, (members, start, end) in enumerate(open_visits):
                new_start = max(start, selection.window_start)
                new_end = min(end, selection.window_end)
                if has_workday(new_start, new_end) and all(m.unit != selection.unit for m in members):
                    members.append(selection)
                    open_visits[position] = (members, new_start, new_end)
                    break
            else:
                open_visits.append(([selection], selection.window_start, selection.window_end))
        merged = [
            MergedVisit(subject_id, tuple(sorted(members, key=lambda s: (unit_order(s.unit), s.round))),
                        start, end)
            for members, start, end in open_visits
        ]
        visits.extend(sorted(merged, key=lambda v: v.key))
    return visits


@dataclass(frozen=True)
class Visit:
    """A scheduled visit: one door, every item of every task that drew the subject in this window."""

    number: str                              # V0001…
    subject_id: str
    tasks: tuple[tuple[UnitKey, int], ...]   # ((task no, sub-row), round), ascending
    items: tuple[tuple[UnitKey, str], ...]   # ((task no, sub-row), item), task order then item order
    window_start: date
    window_end: date
    date: date
    publish_by: date
    team: tuple[TeamMember, ...]             # 主检 first

    def to_json(self) -> dict[str, object]:
        """The visit as it stands in the record's `visits` list."""
        return {
            "visit": self.number,
            "subject": self.subject_id,
            "tasks": [{"no": no, "round": r} if sub is None else {"no": no, "sub": sub, "round": r}
                      for (no, sub), r in self.tasks],
            "items": [{"task": no, "item": item} if sub is None else {"task": no, "sub": sub, "item": item}
                      for (no, sub), item in self.items],
            "window": {"start": self.window_start.isoformat(), "end": self.window_end.isoformat()},
            "date": self.date.isoformat(),
            "publish_by": self.publish_by.isoformat(),
            "team": [member.to_json() for member in self.team],
        }


@dataclass(frozen=True)
class WorkloadRow:
    """How many visits one qualified inspector goes on in the year."""

    badge: str
    name: str
    department: str
    visits: int

    def to_json(self) -> dict[str, object]:
        """The row as it stands in the record's `workload` list."""
        return {"badge": self.badge, "name": self.name, "department": self.department, "visits": self.visits}


@dataclass(frozen=True)
class VisitPlan:
    """The visits part of the draw record; `diagnostics` are the warnings as Diagnostic values."""

    visits: tuple[Visit, ...]
    workload: tuple[WorkloadRow, ...]
    warnings: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The visits, workload and warnings entries of the draw record."""
        return {
            "visits": [visit.to_json() for visit in self.visits],
            "workload": [row.to_json() for row in self.workload],
            "warnings": list(self.warnings),
        }


def _inspecting(selection: Selection, tasks: Mapping[UnitKey, TaskInfo]) -> tuple[str, ...]:
    return selection.inspect or (tasks[selection.unit].lead,)


def _assisting(selection: Selection, tasks: Mapping[UnitKey, TaskInfo]) -> tuple[str, ...]:
    return selection.assist if selection.inspect else tasks[selection.unit].assist


def _departments(visit: MergedVisit, tasks: Mapping[UnitKey, TaskInfo]) -> tuple[list[str], list[str]]:
    """The departments that inspect (the first one's inspector is the 主检) and that assist, in order."""
    leads = [dept for s in visit.selections for dept in _inspecting(s, tasks)]
    assists = [dept for s in visit.selections for dept in _assisting(s, tasks)]
    return leads, assists


def plan_visits(selections: Sequence[Selection], tasks: Mapping[Any, TaskInfo], roster: Roster,
                seed: str, year: int, per_day: int = DEFAULT_PER_DAY, team_rule: str = TEAM_1) -> VisitPlan:
    """Merge, date and staff the drawn selections (SSJ-MERGE-1, SSJ-SCHED-1, SSJ-TEAM-2 or SSJ-TEAM-1).

    Raises `InputError` with SSJ34x diagnostics (file = the roster) when some visit cannot get a
    team or a date; warnings (SSJ343, SSJ344, SSJ348, SSJ349) come back in the plan.
    """
    tasks = {(info.no, info.sub): info for info in tasks.values()}  # callers may key by number alone
    missing = sorted({unit_text(s.unit) for s in selections if s.unit not in tasks})
    if missing:
        raise ValueError(f"selections refer to tasks without TaskInfo: {missing}")
    index = RosterIndex(roster)
    merged = merge_selections(selections)

    lead_tasks: dict[str, dict[UnitKey, None]] = {}
    assist_tasks: dict[str, dict[UnitKey, None]] = {}
    for selection in sorted(selections, key=lambda s: unit_order(s.unit)):
        for dept in _inspecting(selection, tasks):
            lead_tasks.setdefault(dept, {})[selection.unit] = None
        for dept in _assisting(selection, tasks):
            assist_tasks.setdefault(dept, {})[selection.unit] = None

    def names(units: dict[UnitKey, None]) -> list[str]:
        return [unit_text(u) for u in sorted(units, key=unit_order)]

    diagnostics: list[Diagnostic] = department_diagnostics(
        {d: names(n) for d, n in lead_tasks.items()}, {d: names(n) for d, n in assist_tasks.items()}, index)
    if has_errors(diagnostics):
        raise InputError(diagnostics)

    requests: list[VisitRequest] = []
    for visit in merged:
        leads, assists = _departments(visit, tasks)
        requests.append(VisitRequest(visit.key, visit.subject_id, visit.label(), visit.window_start,
                                     visit.window_end, plan_slots(leads, assists, index)))
    result = schedule_visits(requests, index, seed, per_day, team_rule)
    diagnostics.extend(result.diagnostics)
    if has_errors(diagnostics):
        raise InputError(diagnostics)

    scheduled: list[tuple[date, str, str, MergedVisit]] = sorted(
        (result.assignments[v.key].date, v.subject_id, v.key, v) for v in merged)
    visits: list[Visit] = []
    for number, (day, _subject, key, visit) in enumerate(scheduled, start=1):
        items = tuple((s.unit, item) for s in visit.selections
                      for item in (s.items if s.items is not None else tasks[s.unit].items))
        visits.append(Visit(f"V{number:04d}", visit.subject_id, visit.tasks, items, visit.window_start,
                            visit.window_end, day, add_workdays(day, PUBLISH_WITHIN_WORKDAYS),
                            result.assignments[key].team))

    years = {year}
    for visit in visits:
        years.update({visit.window_start.year, visit.window_end.year, visit.publish_by.year})
    coverage = coverage_warning(years)
    if coverage is not None:
        diagnostics.append(warning(SSJ348, coverage, index.path, NO_SPAN,
                                   hint="国务院办公厅公布该年度放假安排后，升级 chinesecalendar 软件包"))

    counts: dict[str, int] = {i.badge: 0 for i in index.qualified}
    for visit in visits:
        for member in visit.team:
            counts[member.badge] += 1
    workload = tuple(WorkloadRow(i.badge, i.name, i.department, counts[i.badge]) for i in index.qualified)
    ordered = sorted_diagnostics(diagnostics)
    warnings = tuple(f"{d.code}: {d.message}" for d in ordered)
    return VisitPlan(tuple(visits), workload, warnings, tuple(ordered))
