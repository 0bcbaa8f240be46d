"""Inspector teams (随机选派执法检查人员): SSJ-TEAM-2 (docs/spec/SSJ-TEAM-2.md), SSJ-TEAM-1 (docs/teams.md).

A joint visit needs at least two qualified inspectors (食品生产经营监督检查管理办法 第二十三条), one per
department taking part — the lead department (发起部门) of every task in the visit and each assisting
department (配合部门) — and one of them is the 主检 (lead inspector). Inspectors with a direct interest
in the subject recuse themselves (回避). Who goes is chosen by a published rule from the draw seed S,
so the choice can be recomputed by anyone and cannot be steered: among the eligible inspectors of the
department with the fewest visits so far, the one with the smallest H(S|team|subject|department|badge).

SSJ-TEAM-1 hashes every tied inspector for every slot (O(pool) SHA-256 per slot: 86 % of `ssj draw` at
10^7 subjects); SSJ-TEAM-2 keys an inspector by the department's stream and the inspector's load, so one
heap per department keyed by (load, key, badge) answers a slot in O(log pool) (`TeamHeaps`). New draws use
SSJ-TEAM-2 and name it in the record's `extensions`; a record without it was made with SSJ-TEAM-1, which
stays here to verify it.

This module holds the roster view the scheduler needs (`RosterIndex`), the team slots of a visit
(`plan_slots`), the choice rules (`choose_inspector`, `assign_team` for SSJ-TEAM-1; `TeamHeaps` for
SSJ-TEAM-2), and the department-level diagnostics (SSJ340–SSJ344). It works with `registry.Roster` /
`registry.Inspector` and with anything that has the same attributes.
"""

from __future__ import annotations

import hashlib
import heapq
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from os import PathLike
from typing import Protocol

from ..diagnostics import Diagnostic, Related, cell_span, error, warning
from ..language.nodes import NO_SPAN, Span
from . import stages

# Department-level problems found before any visit is scheduled.
SSJ340 = "SSJ340"  # a lead department (发起部门) has no inspectors in the roster
SSJ341 = "SSJ341"  # a lead department has inspectors but none with 执法资格
SSJ342 = "SSJ342"  # a visit needs two inspectors from one department that has only one qualified inspector
SSJ343 = "SSJ343"  # warning: an assisting department (配合部门) has no inspectors in the roster
SSJ344 = "SSJ344"  # warning: an assisting department has inspectors but none with 执法资格
SSJ345 = "SSJ345"  # recusals (回避) leave a department too few inspectors for a visit


class InspectorLike(Protocol):
    """What SSJ-TEAM-1 reads from a roster row (`registry.Inspector` has all of it)."""

    @property
    def badge(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def qualified(self) -> bool: ...
    @property
    def recusals(self) -> frozenset[str]: ...
    @property
    def unavailable(self) -> frozenset[date]: ...
    @property
    def row(self) -> int: ...


class RosterLike(Protocol):
    """What the team stage reads from the roster (`registry.Roster`)."""

    @property
    def path(self) -> str | PathLike[str]: ...
    @property
    def inspectors(self) -> Sequence[InspectorLike]: ...


def sha256_hex(text: str) -> str:
    """H(x) of SSJ-DRAW-1: lowercase hex SHA-256 of the UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


TEAM_1 = "SSJ-TEAM-1"
TEAM_2 = "SSJ-TEAM-2"
"""The team rule a record names in `extensions` (a record without it was made with SSJ-TEAM-1)."""


def department_stream(seed: str, department: str) -> str:
    """SSJ-TEAM-2 department stream: S_D = H(S + "|team2|" + D)."""
    return sha256_hex(seed + "|team2|" + department)


def team2_key(stream: str, load: int, badge: str) -> str:
    """SSJ-TEAM-2 key of an inspector with `load` visits so far: H(S_D + "|" + load + "|" + badge)."""
    return sha256_hex(stream + "|" + str(load) + "|" + badge)


class TeamHeaps:
    """SSJ-TEAM-2: per department a heap of (load, key at that load, badge) over its qualified inspectors.

    A slot pops the smallest entries until one is eligible (not blocked that day, not already in the team),
    takes it, and pushes it back with load + 1 and its key at the new load; the ineligible ones popped on
    the way go back unchanged. Each slot costs O((1 + blocked) · log pool) and one SHA-256.
    """

    def __init__(self, seed: str, index: RosterIndex) -> None:
        self.seed = seed
        self.index = index
        self._streams: dict[str, str] = {}
        self._heaps: dict[str, list[tuple[int, str, str]]] = {}

    def _heap(self, department: str) -> list[tuple[int, str, str]]:
        heap = self._heaps.get(department)
        if heap is None:
            stream = self._streams[department] = department_stream(self.seed, department)
            heap = [(0, team2_key(stream, 0, i.badge), i.badge) for i in self.index.pool(department)]
            heapq.heapify(heap)
            self._heaps[department] = heap
        return heap

    def assign(self, slots: Sequence[Slot], blocked: Callable[[str], set[str] | frozenset[str]],
               load: dict[str, int]) -> tuple[TeamMember, ...]:
        """Fill the slots in order; `blocked(department)` names who cannot go that day (recused, on leave,
        at the daily cap). The caller has checked that every slot can be filled. `load` is updated."""
        start = time.perf_counter()
        chosen: set[str] = set()
        members: list[TeamMember] = []
        for slot in slots:
            heap = self._heap(slot.department)
            away = blocked(slot.department)
            aside: list[tuple[int, str, str]] = []
            while True:
                entry = heapq.heappop(heap)
                if entry[2] in away or entry[2] in chosen:
                    aside.append(entry)
                    continue
                break
            for other in aside:
                heapq.heappush(heap, other)
            count, _key, badge = entry
            assert load.get(badge, 0) == count, "load and heap out of step"
            load[badge] = count + 1
            key = team2_key(self._streams[slot.department], count + 1, badge)
            heapq.heappush(heap, (count + 1, key, badge))
            chosen.add(badge)
            inspector = self.index.inspector(badge)
            members.append(TeamMember(badge, inspector.name, slot.department, slot.lead))
        stages.add("teams", time.perf_counter() - start)
        return tuple(members)


def team_key(seed: str, subject_id: str, department: str, badge: str) -> str:
    """SSJ-TEAM-1 tie-break key: H(S + "|team|" + subject id + "|" + department + "|" + badge)."""
    return sha256_hex(seed + "|team|" + subject_id + "|" + department + "|" + badge)


@dataclass(frozen=True)
class TeamMember:
    """One inspector of a visit's team; `lead` marks the 主检."""

    badge: str
    name: str
    department: str
    lead: bool

    def to_json(self) -> dict[str, object]:
        """The member as it stands in a record's visit team."""
        return {"badge": self.badge, "name": self.name, "department": self.department, "lead": self.lead}


@dataclass(frozen=True)
class Slot:
    """One place in a team: a department to draw from. `role` is lead (发起), assist (配合) or second."""

    department: str
    role: str
    lead: bool = False


class RosterIndex:
    """The roster arranged for SSJ-TEAM-1: qualified inspectors per department in badge order."""

    def __init__(self, roster: RosterLike) -> None:
        self.path = str(roster.path)
        all_by_department: dict[str, list[InspectorLike]] = {}
        for inspector in roster.inspectors:
            all_by_department.setdefault(inspector.department, []).append(inspector)
        self.all_by_department: dict[str, tuple[InspectorLike, ...]] = {
            dept: tuple(sorted(people, key=lambda i: i.badge)) for dept, people in all_by_department.items()
        }
        self.pools: dict[str, tuple[InspectorLike, ...]] = {
            dept: tuple(i for i in people if i.qualified) for dept, people in self.all_by_department.items()
        }
        self.qualified: tuple[InspectorLike, ...] = tuple(
            sorted((i for pool in self.pools.values() for i in pool), key=lambda i: i.badge)
        )
        recused: dict[str, dict[str, list[InspectorLike]]] = {}
        for inspector in self.qualified:
            for subject_id in inspector.recusals:
                recused.setdefault(subject_id, {}).setdefault(inspector.department, []).append(inspector)
        self._recused: dict[str, dict[str, tuple[InspectorLike, ...]]] = {
            subject: {dept: tuple(people) for dept, people in by_dept.items()}
            for subject, by_dept in recused.items()
        }

    def inspector(self, badge: str) -> InspectorLike:
        """The qualified inspector with this badge."""
        if not hasattr(self, "_by_badge"):
            self._by_badge = {i.badge: i for i in self.qualified}
        return self._by_badge[badge]

    def has_department(self, department: str) -> bool:
        """Whether the roster has any inspector (qualified or not) of the department."""
        return department in self.all_by_department

    def first_row(self, department: str) -> InspectorLike | None:
        """The department's first inspector in file order: where a department-level message points."""
        people = self.all_by_department.get(department, ())
        return min(people, key=lambda i: i.row) if people else None

    def column_span(self, column: str) -> Span:
        """The roster's header cell of `column` (row 1), or no position when the column is unknown.

        Where a department is missing from the roster altogether there is no row to blame; the
        部门 column is where its name would have to be."""
        anyone = next((people[0] for people in self.all_by_department.values()), None)
        columns: Mapping[str, int] = getattr(anyone, "columns", None) or {}
        position = columns.get(column)
        return NO_SPAN if position is None else cell_span(1, position + 1)

    def pool(self, department: str) -> tuple[InspectorLike, ...]:
        """Qualified inspectors of the department (执法资格 是), badge order; empty if none."""
        return self.pools.get(department, ())

    def recused(self, subject_id: str, department: str) -> tuple[InspectorLike, ...]:
        """The department's qualified inspectors who recuse themselves (回避) from the subject."""
        return self._recused.get(subject_id, {}).get(department, ())


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        if name not in seen:
            seen.add(name)
            result.append(name)
    return result


def plan_slots(leads: Sequence[str], assists: Sequence[str], index: RosterIndex) -> tuple[Slot, ...]:
    """The team slots of a visit, in SSJ-TEAM-1 order.

    `leads`/`assists` are the lead and assisting departments of the visit's tasks in task order.
    Slot 1 (主检) is the first task's lead department; then the other lead departments; then the
    assisting departments that have qualified inspectors (others are skipped with SSJ343/SSJ344).
    A team of one gets a second slot from the first lead department: never fewer than two inspectors.
    """
    lead_departments = _unique(leads)
    slots = [Slot(lead_departments[0], "lead", lead=True)]
    slots.extend(Slot(dept, "lead") for dept in lead_departments[1:])
    slots.extend(
        Slot(dept, "assist")
        for dept in _unique(assists)
        if dept not in lead_departments and index.pool(dept)
    )
    if len(slots) < 2:
        slots.append(Slot(lead_departments[0], "second"))
    return tuple(slots)


def needs_by_department(slots: Sequence[Slot]) -> dict[str, int]:
    """How many inspectors each department supplies (2 only for the 'second' slot)."""
    needs: dict[str, int] = {}
    for slot in slots:
        needs[slot.department] = needs.get(slot.department, 0) + 1
    return needs


def choose_inspector(seed: str, subject_id: str, department: str, eligible: Sequence[InspectorLike],
                     load: Mapping[str, int]) -> InspectorLike:
    """SSJ-TEAM-1 step: the fewest visits so far first, then the smallest team key (then badge)."""
    if not eligible:
        raise ValueError(f"no eligible inspector of {department} for {subject_id}")
    least = min(load.get(i.badge, 0) for i in eligible)
    tied = [i for i in eligible if load.get(i.badge, 0) == least]
    if len(tied) == 1:
        return tied[0]
    return min(tied, key=lambda i: (team_key(seed, subject_id, department, i.badge), i.badge))


def assign_team(seed: str, subject_id: str, slots: Sequence[Slot],
                eligible_for: Callable[[str], Sequence[InspectorLike]],
                load: dict[str, int]) -> tuple[TeamMember, ...]:
    """Fill the slots in order by SSJ-TEAM-1; `load` (badge → visits so far) is updated in place.

    `eligible_for(department)` gives the department's inspectors who may go on this visit's date
    (qualified, not recused, not unavailable, under the daily cap); inspectors already in the team
    are excluded here. The caller has checked that every slot can be filled.
    """
    chosen: set[str] = set()
    members: list[TeamMember] = []
    for slot in slots:
        eligible = [i for i in eligible_for(slot.department) if i.badge not in chosen]
        inspector = choose_inspector(seed, subject_id, slot.department, eligible, load)
        chosen.add(inspector.badge)
        load[inspector.badge] = load.get(inspector.badge, 0) + 1
        members.append(TeamMember(inspector.badge, inspector.name, slot.department, slot.lead))
    return tuple(members)


def _task_list(numbers: Iterable[int | str]) -> str:
    """任务4、6: how messages name the tasks a department takes part in (whole numbers in numeric order;
    other task labels, such as 1.2 for a sub-row, in the order given)."""
    items = list(dict.fromkeys(numbers))
    if all(isinstance(n, int) for n in items):
        items = sorted(items)
    return "任务" + "、".join(str(n) for n in items)


def _none_qualified(count: int) -> str:
    """How SSJ341/SSJ344 say that nobody of the department holds 执法资格."""
    if count == 1:
        return "名录中该部门唯一的人员没有执法资格（执法资格 = 否）"
    return f"名录中该部门的 {count} 名人员都没有执法资格（执法资格 = 否）"


def department_diagnostics(lead_tasks: Mapping[str, Sequence[int | str]],
                           assist_tasks: Mapping[str, Sequence[int | str]],
                           index: RosterIndex) -> list[Diagnostic]:
    """Roster gaps that affect every visit of a task: SSJ340/341 (errors) and SSJ343/344 (warnings).

    `lead_tasks`/`assist_tasks` map a department to the numbers of the drawn tasks it leads / assists.
    """
    found = [_roster_gap(dept, lead_tasks[dept], True, index) for dept in sorted(lead_tasks)]
    found += [_roster_gap(dept, assist_tasks[dept], False, index)
              for dept in sorted(assist_tasks) if dept not in lead_tasks]
    return [diagnostic for diagnostic in found if diagnostic is not None]


def _roster_gap(dept: str, numbers: Sequence[int | str], lead: bool, index: RosterIndex) -> Diagnostic | None:
    """A department without (qualified) inspectors: an error for a 发起部门, a warning for a 配合部门.

    The errors point into the roster (the 部门 header, the first 执法资格 = 否 cell); the warnings keep no
    position, as they stand in draw records whose text must not change."""
    tasks = _task_list(numbers)
    role = f"{dept}是{tasks}的发起部门" if lead else f"{dept}配合{tasks}"
    kind = "lead" if lead else "assisting"
    outcome = ("每次检查都需要发起部门一名有执法资格的人员" if lead
               else f"这些任务的检查将没有{dept}的人员参加")
    make = error if lead else warning
    if not index.has_department(dept):
        hint = (f"在名录中加入{dept}的执法检查人员（部门 = {dept}），或核对名录中的部门名称是否与计划一致"
                if lead else f"如{dept}参加检查，在名录中加入该部门的执法检查人员")
        return make(SSJ340 if lead else SSJ343,
                    f"{role}，但执法检查人员名录中没有该部门的人员 ({kind} department has no inspectors "
                    f"in the roster)；{outcome}", index.path, index.column_span("部门") if lead else NO_SPAN,
                    hint=hint)
    if index.pool(dept):
        return None
    people = sorted(index.all_by_department[dept], key=lambda i: i.row)
    related = tuple(Related(f"{i.badge} {i.name}：执法资格 否", row_span(i, "执法资格"), index.path)
                    for i in people[:5]) if lead else ()
    hint = f"将{dept}持有执法证的人员标为 执法资格 = 是" + ("，或加入持有执法证的人员" if lead else "")
    return make(SSJ341 if lead else SSJ344,
                f"{role}，但{_none_qualified(len(people))} ({kind} department has no qualified inspector)；"
                f"{outcome}", index.path, row_span(people[0], "执法资格") if lead else NO_SPAN, hint=hint,
                related=related)


def row_span(inspector: InspectorLike, column: str = "执法证号") -> Span:
    """The inspector's roster cell in `column` (a standard roster header), or column 1 when unknown.

    `registry.Inspector.columns` maps the standard header to its 0-based position; stand-ins without
    it point at the row.
    """
    columns: Mapping[str, int] = getattr(inspector, "columns", None) or {}
    position = columns.get(column)
    return cell_span(inspector.row, 1 if position is None else position + 1)
