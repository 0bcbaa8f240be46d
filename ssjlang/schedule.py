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

from .diagnostics import Diagnostic, Related, error, warning
from .nodes import NO_SPAN
from .teams import (
    SSJ342,
    SSJ345,
    InspectorLike,
    RosterIndex,
    Slot,
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
    label: str               # how messages name it: "the visit to <id> (tasks 4, 6; 2024-03-01–2024-11-30)"
    start: date
    end: date
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Assignment:
    date: date
    team: tuple[TeamMember, ...]


@dataclass(frozen=True)
class ScheduleResult:
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
                    per_day: int = DEFAULT_PER_DAY) -> ScheduleResult:
    """SSJ-SCHED-1: a date and a team for every visit, or diagnostics naming the visits that cannot."""
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
                f"{request.label} has no official working day in its window (only weekends and public "
                f"holidays)",
                index.path, NO_SPAN,
                hint="widen the task's window (抽查检查起止时间) in the plan so that it has working days"))
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
        costs = columns[0] if len(columns) == 1 else [sum(values) for values in zip(*columns, strict=True)]
        offset = date_offset(seed, request.key, width)
        candidates = sorted(range(width), key=lambda j: (costs[j], (j - offset) % width))
        chosen = next((first + j for j in candidates if state.feasible(needs, first + j, recused)), None)
        if chosen is None:
            unscheduled.append(_no_day_diagnostic(request, needs, recused, state, first, last, index))
            continue
        day = chosen
        team = assign_team(seed, request.subject_id, request.slots,
                           lambda dept, day=day, recused=recused: state.eligible(dept, day, recused[dept]),
                           state.load)
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


def _inspectors(count: int) -> str:
    return f"{count} qualified inspector" + ("" if count == 1 else "s")


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
            reasons.append(f"{department}'s only qualified inspector, {only.name} ({only.badge}), is recused "
                           f"(回避) for {request.subject_id}; the visit needs {need}")
        elif len(recused) == len(pool):
            reasons.append(f"all of {department}'s {_inspectors(len(pool))} are recused (回避) for "
                           f"{request.subject_id}; the visit needs {need}")
        else:
            reasons.append(f"{department} has {_inspectors(len(pool))}, {len(recused)} of them recused "
                           f"(回避) for {request.subject_id}; the visit needs {need}")
        related.extend(Related(f"{i.badge} {i.name} ({department}) is recused for {request.subject_id}",
                               row_span(i, "回避对象"), index.path) for i in recused)
    first = related[0].span if related else NO_SPAN
    return error(
        SSJ345, f"{request.label} cannot have a team: " + "; ".join(reasons), index.path, first,
        hint="add another qualified inspector of that department to the roster, or check the 回避对象 "
             "column; the plan itself is fine",
        related=tuple(related))


def _single_inspector_diagnostics(by_department: dict[str, list[VisitRequest]],
                                  index: RosterIndex) -> list[Diagnostic]:
    """One SSJ342 per department (not per visit): the cause and the fix are the same for all of them."""
    diagnostics: list[Diagnostic] = []
    for department in sorted(by_department):
        visits = sorted(by_department[department], key=lambda r: r.key)
        pool = index.pool(department)
        shown = "; ".join(r.label for r in visits[:3]) + ("; …" if len(visits) > 3 else "")
        count = len(visits)
        diagnostics.append(error(
            SSJ342,
            f"{department} has {_inspectors(len(pool))} but {count} visit{'s' if count != 1 else ''} "
            f"need{'s' if count == 1 else ''} two inspectors from it (no other department takes part, and "
            f"every inspection needs at least two): {shown}",
            index.path, row_span(pool[0]) if pool else NO_SPAN,
            hint=f"add a second qualified inspector of {department} to the roster, or name an assisting "
                 f"department (配合部门) for the task in the plan"))
    return diagnostics


def _no_day_diagnostic(request: VisitRequest, needs: dict[str, int], recused: dict[str, frozenset[str]],
                       state: _State, first: int, last: int,
                       index: RosterIndex) -> tuple[Diagnostic, tuple[str, ...]]:
    """SSJ346, saying per department on how many days leave or the daily cap stood in the way.

    Returned with the departments that stood in the way, for the summary of `_unscheduled_diagnostics`.
    """
    reasons: list[str] = []
    short: list[str] = []
    width = last - first
    for department in sorted(needs):
        need = needs[department]
        pool = index.pool(department)
        on_leave = capped = 0
        for day in range(first, last):
            away = set(recused[department]) | state.unavailable.get(department, {}).get(day, set())
            if len(pool) - len(away) < need:
                on_leave += 1
            elif len(pool) - len(state.blocked(department, day, recused[department])) < need:
                capped += 1
        parts = []
        if on_leave:
            parts.append(f"on {on_leave} of them too few of its inspectors are available (不可用日期, 回避)")
        if capped:
            parts.append(f"on {capped} of them every available inspector already has {state.per_day} visits")
        if parts:
            short.append(department)
            reasons.append(f"{department}: " + ", ".join(parts))
    return error(
        SSJ346,
        f"{request.label} cannot be scheduled: none of the {width} working days of its window has a full "
        f"team — " + "; ".join(reasons),
        index.path, NO_SPAN,
        hint="add inspectors to the roster, shorten their 不可用日期, widen the task's window in the plan, "
             "or allow more visits per inspector per day"), tuple(short)


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
        detail = ", ".join(f"{dept} ({count})" for dept, count in sorted(by_department.items()))
        listed.append(error(
            SSJ346,
            f"{len(rest)} more visits cannot be scheduled for the same kind of reason; departments short "
            f"of inspectors (visits affected): {detail}",
            index.path, NO_SPAN,
            hint="the roster is too small for the plan's windows: add inspectors, or allow more visits per "
                 "inspector per day"))
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
                f"{department}'s workload ranges from {min(loads)} to {max(loads)} visits per inspector: "
                f"recusals (回避), unavailable dates or the daily cap kept the least-loaded inspectors from "
                f"some visits",
                index.path, NO_SPAN,
                hint="nothing to fix if the roster is right; shorten long 不可用日期 periods to even it out"))
    return diagnostics
