"""Visit dates on official working days, with their teams: SSJ-SCHED-1, specified in docs/teams.md.

Dates and teams are decided together, one visit at a time, because each constrains the other: an
inspector on leave (不可用日期) or already at the daily cap cannot go that day, and a date is only usable
if every department of the visit can send someone. Visits with the narrowest windows go first (they
have the fewest choices); each takes the working day of its window on which its departments have the
fewest visits so far (spreading the year's work evenly), ties broken by a seed-derived rotation so the
date is as unpredictable to the subject as the draw itself; then SSJ-TEAM-1 picks the team for that day.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..diagnostics import Diagnostic, Related, error, warning
from ..language.nodes import NO_SPAN, Span
from .teams import (
    SSJ342,
    SSJ345,
    TEAM_1,
    TEAM_2,
    InspectorLike,
    RosterIndex,
    Slot,
    TeamHeaps,
    TeamMember,
    assign_team,
    needs_by_department,
    row_span,
    sha256_hex,
)
from .workdays import workdays_between

SSJ346 = "SSJ346"  # no working day in the visit's window on which a full team is available
SSJ347 = "SSJ347"  # the visit's window contains no official working day at all
SSJ348 = "SSJ348"  # warning: the holiday calendar does not cover a year the plan's dates reach
SSJ349 = "SSJ349"  # warning: a department's workload could not be balanced to within one visit

#: Default cap: visits per inspector per day (a joint visit takes half a working day).
DEFAULT_PER_DAY = 2


@dataclass(frozen=True)
class VisitRequest:
    """A merged visit waiting for a date and a team."""

    key: str                 # subject id + "|" + "no-round,no-round" (docs/teams.md §1)
    subject_id: str
    label: str               # how messages name it: "<id> 的检查（任务4、6；2024-03-01—2024-11-30）"
    start: date
    end: date
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Assignment:
    """The date and team SSJ-SCHED-1 gave one visit."""

    date: date
    team: tuple[TeamMember, ...]


@dataclass(frozen=True)
class ScheduleResult:
    """Every visit scheduled (by VisitRequest.key) and the diagnostics of those that could not be."""

    assignments: dict[str, Assignment]   # by VisitRequest.key
    diagnostics: list[Diagnostic]


def order_key(seed: str, request: VisitRequest, working_days: int) -> tuple[int, str, str]:
    """Processing order: fewest working days in the window first, then H(S + "|order|" + key)."""
    return (working_days, sha256_hex(seed + "|order|" + request.key), request.key)


def date_offset(seed: str, key: str, working_days: int) -> int:
    """Where the tie-break rotation starts: int(H(S + "|date|" + key), 16) mod the window's working days."""
    return int(sha256_hex(seed + "|date|" + key), 16) % working_days


class _State:
    """Running counts: visits per department per day, per inspector per day, per inspector overall."""

    def __init__(self, index: RosterIndex, days: Sequence[date], per_day: int) -> None:
        self.index = index
        self.per_day = per_day
        self.position = {d: i for i, d in enumerate(days)}
        self.department_day: dict[str, list[int]] = {}
        self.inspector_day: dict[tuple[str, int], int] = {}
        self.capped: dict[str, dict[int, set[str]]] = {}
        self.unavailable: dict[str, dict[int, set[str]]] = {}
        self.load: dict[str, int] = {i.badge: 0 for i in index.qualified}
        self.size = len(days)
        for inspector in index.qualified:
            for day in inspector.unavailable:
                where = self.position.get(day)
                if where is not None:
                    self.unavailable.setdefault(inspector.department, {}).setdefault(where, set()).add(
                        inspector.badge)

    def counts(self, department: str) -> list[int]:
        found = self.department_day.get(department)
        if found is None:
            found = self.department_day[department] = [0] * self.size
        return found

    def blocked(self, department: str, day: int, recused: frozenset[str]) -> set[str]:
        """Badges of the department who cannot go on `day`: recused, unavailable or at the cap."""
        result = set(recused)
        result |= self.unavailable.get(department, {}).get(day, set())
        result |= self.capped.get(department, {}).get(day, set())
        return result

    def eligible(self, department: str, day: int, recused: frozenset[str]) -> list[InspectorLike]:
        blocked = self.blocked(department, day, recused)
        return [i for i in self.index.pool(department) if i.badge not in blocked]

    def feasible(self, needs: dict[str, int], day: int, recused: dict[str, frozenset[str]]) -> bool:
        for department, need in needs.items():
            pool = self.index.pool(department)
            if len(pool) - len(self.blocked(department, day, recused[department])) < need:
                return False
        return True

    def commit(self, needs: dict[str, int], day: int, team: Sequence[TeamMember]) -> None:
        for department in needs:
            self.counts(department)[day] += 1
        for member in team:
            slot = (member.badge, day)
            self.inspector_day[slot] = self.inspector_day.get(slot, 0) + 1
            if self.inspector_day[slot] >= self.per_day:
                self.capped.setdefault(member.department, {}).setdefault(day, set()).add(member.badge)


def schedule_visits(requests: Sequence[VisitRequest], index: RosterIndex, seed: str,
                    per_day: int = DEFAULT_PER_DAY, team_rule: str = TEAM_1) -> ScheduleResult:
    """SSJ-SCHED-1: a date and a team for every visit, or diagnostics naming the visits that cannot.

    Teams follow `team_rule`: SSJ-TEAM-2 (new draws) or SSJ-TEAM-1 (to verify a record made with it)."""
    if team_rule not in (TEAM_1, TEAM_2):
        raise ValueError(f"unknown team rule {team_rule}")
    heaps = TeamHeaps(seed, index) if team_rule == TEAM_2 else None
    if per_day < 1:
        raise ValueError(f"per_day must be at least 1, got {per_day}")
    if len({r.key for r in requests}) != len(requests):
        raise ValueError("visit keys must be unique")
    diagnostics: list[Diagnostic] = []
    assignments: dict[str, Assignment] = {}
    if not requests:
        return ScheduleResult(assignments, diagnostics)
    days = workdays_between(min(r.start for r in requests), max(r.end for r in requests))
    state = _State(index, days, per_day)
    windows = {r.key: (bisect.bisect_left(days, r.start), bisect.bisect_right(days, r.end)) for r in requests}
    ordered = sorted(requests, key=lambda r: order_key(seed, r, _width(windows[r.key])))
    single_inspector: dict[str, list[VisitRequest]] = {}
    unscheduled: list[tuple[Diagnostic, tuple[str, ...]]] = []
    for request in ordered:
        first, last = windows[request.key]
        if last <= first:
            diagnostics.append(error(
                SSJ347,
                f"{request.label}：检查时间内没有法定工作日，只有周末和节假日 (no working day in the window)",
                index.path, NO_SPAN,
                hint="在计划中放宽该任务的抽查检查起止时间，使其包含工作日"))
            continue
        needs = needs_by_department(request.slots)
        recused = {
            dept: frozenset(i.badge for i in index.recused(request.subject_id, dept)) for dept in needs
        }
        problem = _staffing_problem(request, needs, index)
        if problem is not None:
            if problem == SSJ342:
                single_inspector.setdefault(request.slots[0].department, []).append(request)
            else:
                diagnostics.append(_recusal_diagnostic(request, needs, index))
            continue
        width = last - first
        departments = sorted(needs)
        columns = [state.counts(dept)[first:last] for dept in departments]
        costs = columns[0] if len(columns) == 1 else list(map(sum, zip(*columns, strict=True)))
        offset = date_offset(seed, request.key, width)
        # rank (cost, (j - offset) mod width): the best day is found in C-level passes, and usually it is
        # feasible, so the full ranking is made only when it is not
        keys = list(zip(costs, [*range(width - offset, width), *range(0, width - offset)], strict=True))
        best = min(range(width), key=keys.__getitem__)
        if state.feasible(needs, first + best, recused):
            chosen: int | None = first + best
        else:
            candidates = sorted(range(width), key=keys.__getitem__)
            chosen = next((first + j for j in candidates if state.feasible(needs, first + j, recused)), None)
        if chosen is None:
            unscheduled.append(_no_day_diagnostic(request, needs, recused, state, first, last, index))
            continue
        day = chosen
        if heaps is not None:
            team = heaps.assign(request.slots, lambda dept, day=day, recused=recused: state.blocked(
                dept, day, recused[dept]), state.load)
        else:
            team = assign_team(seed, request.subject_id, request.slots,
                               lambda dept, day=day, recused=recused: state.eligible(
                                   dept, day, recused[dept]), state.load)
        state.commit(needs, day, team)
        assignments[request.key] = Assignment(days[day], team)
    diagnostics.extend(_unscheduled_diagnostics(unscheduled, index))
    diagnostics.extend(_single_inspector_diagnostics(single_inspector, index))
    diagnostics.extend(_balance_warnings(state, index))
    return ScheduleResult(assignments, diagnostics)


def _width(window: tuple[int, int]) -> int:
    return max(0, window[1] - window[0])


def _staffing_problem(request: VisitRequest, needs: dict[str, int], index: RosterIndex) -> str | None:
    """SSJ342 when a department is simply too small, SSJ345 when recusals make it so, else None."""
    for department, need in needs.items():
        pool = index.pool(department)
        if len(pool) < need:
            return SSJ342
        if len(pool) - len(index.recused(request.subject_id, department)) < need:
            return SSJ345
    return None




def _recusal_diagnostic(request: VisitRequest, needs: dict[str, int], index: RosterIndex) -> Diagnostic:
    reasons: list[str] = []
    related: list[Related] = []
    for department in sorted(needs):
        pool = index.pool(department)
        recused = index.recused(request.subject_id, department)
        need = needs[department]
        if len(pool) - len(recused) >= need:
            continue
        if len(pool) == 1 and recused:
            only = pool[0]
            reasons.append(f"{department}唯一有执法资格的人员 {only.name}（{only.badge}）须回避 "
                           f"{request.subject_id}，而本次检查需要该部门 {need} 人")
        elif len(recused) == len(pool):
            reasons.append(f"{department}的 {len(pool)} 名有执法资格的人员都须回避 {request.subject_id}，"
                           f"而本次检查需要该部门 {need} 人")
        else:
            reasons.append(f"{department}有 {len(pool)} 名有执法资格的人员，其中 {len(recused)} 名须回避 "
                           f"{request.subject_id}，而本次检查需要该部门 {need} 人")
        related.extend(Related(f"{i.badge} {i.name}（{department}）须回避 {request.subject_id}",
                               row_span(i, "回避对象"), index.path)
                       for i in sorted(recused, key=lambda i: i.row))
    first = related[0].span if related else NO_SPAN
    return error(
        SSJ345, f"{request.label}无法组成检查组 (recusals leave too few inspectors)：" + "；".join(reasons),
        index.path, first,
        hint="在名录中为该部门增加一名有执法资格的人员，或核对「回避对象」列；计划本身无误",
        related=tuple(related))


def _single_inspector_diagnostics(by_department: dict[str, list[VisitRequest]],
                                  index: RosterIndex) -> list[Diagnostic]:
    """One SSJ342 per department (not per visit): the cause and the fix are the same for all of them."""
    diagnostics: list[Diagnostic] = []
    for department in sorted(by_department):
        visits = sorted(by_department[department], key=lambda r: r.key)
        pool = index.pool(department)
        shown = "；".join(r.label for r in visits[:3]) + ("；…" if len(visits) > 3 else "")
        diagnostics.append(error(
            SSJ342,
            f"{department}只有 {len(pool)} 名有执法资格的人员，但 {len(visits)} 次检查需要该部门派出两人 "
            f"(one qualified inspector, two needed)：没有其他部门参加，而每次检查至少需要两名执法人员："
            f"{shown}",
            index.path, row_span(pool[0]) if pool else NO_SPAN,
            hint=f"在名录中为{department}增加一名有执法资格的人员，或在计划中为该任务指定配合部门"))
    return diagnostics


def _no_day_diagnostic(request: VisitRequest, needs: dict[str, int], recused: dict[str, frozenset[str]],
                       state: _State, first: int, last: int,
                       index: RosterIndex) -> tuple[Diagnostic, tuple[str, ...]]:
    """SSJ346, saying per department on how many days leave or the daily cap stood in the way.

    Returned with the departments that stood in the way, for the summary of `_unscheduled_diagnostics`.
    """
    reasons: list[str] = []
    short: list[str] = []
    where: Span | None = None
    width = last - first
    for department in sorted(needs):
        need = needs[department]
        pool = index.pool(department)
        on_leave = capped = 0
        on_leave_badges: set[str] = set()
        for day in range(first, last):
            leave = state.unavailable.get(department, {}).get(day, set())
            away = set(recused[department]) | leave
            if len(pool) - len(away) < need:
                on_leave += 1
                on_leave_badges |= leave
            elif len(pool) - len(state.blocked(department, day, recused[department])) < need:
                capped += 1
        parts = []
        if on_leave:
            parts.append(f"其中 {on_leave} 天可去的人员不足（不可用日期、回避）")
        if capped:
            parts.append(f"其中 {capped} 天可去的人员当天都已有 {state.per_day} 次检查")
        if parts:
            short.append(department)
            reasons.append(f"{department}：" + "，".join(parts))
            if where is None:
                where = _blame_span(index, department, on_leave_badges, recused[department])
    diagnostic = error(
        SSJ346,
        f"{request.label}无法排期 (no day with a full team)：检查时间内的 {width} 个工作日都凑不齐检查组——"
        + "；".join(reasons),
        index.path, where or NO_SPAN,
        hint="在名录中增加人员、缩短其不可用日期、在计划中放宽该任务的检查时间，或提高每人每天的检查次数上限")
    return diagnostic, tuple(short)


def _blame_span(index: RosterIndex, department: str, on_leave: set[str], recused: frozenset[str]) -> Span:
    """Where SSJ346 points for a department short of people: the first inspector (file order) whose
    不可用日期 kept them away, else whose 回避对象 did, else the department's first row (the daily cap)."""
    people = sorted(index.pool(department), key=lambda i: i.row)
    for badges, column in ((on_leave, "不可用日期"), (recused, "回避对象")):
        blamed = next((i for i in people if i.badge in badges), None)
        if blamed is not None:
            return row_span(blamed, column)
    return _department_span(index, department, "执法证号")


def _department_span(index: RosterIndex, department: str, column: str) -> Span:
    """The department's first roster row (file order), at `column`: where a department-level error points."""
    inspector = index.first_row(department)
    return NO_SPAN if inspector is None else row_span(inspector, column)


#: How many unschedulable visits are reported one by one before the rest are summed up.
MAX_LISTED_UNSCHEDULED = 10


def _unscheduled_diagnostics(unscheduled: list[tuple[Diagnostic, tuple[str, ...]]],
                             index: RosterIndex) -> list[Diagnostic]:
    """The first SSJ346 diagnostics one by one, the rest as one summary (thousands of lines help nobody)."""
    listed = [diagnostic for diagnostic, _ in unscheduled[:MAX_LISTED_UNSCHEDULED]]
    rest = unscheduled[MAX_LISTED_UNSCHEDULED:]
    if rest:
        by_department: dict[str, int] = {}
        for _, departments in rest:
            for department in departments:
                by_department[department] = by_department.get(department, 0) + 1
        detail = "、".join(f"{dept}（{count}）" for dept, count in sorted(by_department.items()))
        most = min(by_department, key=lambda dept: (-by_department[dept], dept)) if by_department else None
        listed.append(error(
            SSJ346,
            f"另有 {len(rest)} 次检查因同类原因无法排期 ({len(rest)} more visits cannot be scheduled)；"
            f"人员不足的部门（受影响的检查次数）：{detail}",
            index.path, NO_SPAN if most is None else _department_span(index, most, "执法证号"),
            hint="名录人数不足以覆盖计划的检查时间：增加人员，或提高每人每天的检查次数上限"))
    return listed


def _balance_warnings(state: _State, index: RosterIndex) -> list[Diagnostic]:
    """SSJ349 where recusals, leave or the cap kept a department's loads from differing by at most one."""
    diagnostics: list[Diagnostic] = []
    for department in sorted(index.pools):
        pool = index.pools[department]
        if not pool:
            continue
        loads = [state.load[i.badge] for i in pool]
        if max(loads) - min(loads) > 1:
            diagnostics.append(warning(
                SSJ349,
                f"{department}每名人员的检查次数从 {min(loads)} 到 {max(loads)} 次不等 "
                f"(workload not balanced)：回避、不可用日期或每日上限使检查最少的人员未能参加部分检查",
                index.path, NO_SPAN,
                hint="名录无误则无需处理；缩短较长的不可用日期可使负担更均衡"))
    return diagnostics
