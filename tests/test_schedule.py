"""SSJ-SCHED-1: dates on working days, spread evenly, capped per inspector, around unavailability."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from helpers import Inspector, Roster

from ssjlang.diagnostics import InputError
from ssjlang.interpret import registry
from ssjlang.interpret.schedule import MAX_LISTED_UNSCHEDULED, schedule_visits
from ssjlang.interpret.teams import RosterIndex
from ssjlang.interpret.visits import Selection, TaskInfo, plan_visits
from ssjlang.interpret.workdays import is_workday, workdays_between

SEED = "5eed" * 16
OCTOBER = (date(2024, 10, 8), date(2024, 10, 31))   # 19 working days, 调休 Saturday 10-12 included


def subjects(n: int) -> list[str]:
    return [f"91140502MA0K{k:06d}" for k in range(n)]


def people(dept: str, n: int) -> list[registry.Inspector]:
    return [Inspector(f"{dept}{k:02d}", f"{dept}{k}", dept) for k in range(n)]


def test_dates_spread_evenly_over_the_working_days() -> None:
    roster = Roster(tuple(people("L", 10) + people("A", 10)))
    tasks = {1: TaskInfo(1, "t", "L", ("A",), ("i",))}
    plan = plan_visits([Selection(1, 1, s, *OCTOBER) for s in subjects(30)], tasks, roster, SEED, 2024)
    days = Counter(v.date for v in plan.visits)
    assert all(is_workday(d) for d in days)
    assert set(days) == set(workdays_between(*OCTOBER))          # every working day used
    assert max(days.values()) - min(days.values()) <= 1           # 30 over 19 days: 1 or 2 each
    assert date(2024, 10, 12) in days                             # the 调休 Saturday is a working day


def test_daily_cap_per_inspector() -> None:
    # L alone: every visit needs both of L's inspectors, one visit per day with per_day=1
    roster = Roster(tuple(people("L", 2)))
    tasks = {1: TaskInfo(1, "t", "L", (), ("i",))}
    window = (date(2024, 10, 8), date(2024, 10, 14))             # 6 working days
    six = [Selection(1, 1, s, *window) for s in subjects(6)]
    plan = plan_visits(six, tasks, roster, SEED, 2024, per_day=1)
    assert sorted(v.date for v in plan.visits) == workdays_between(*window)
    with pytest.raises(InputError) as caught:
        plan_visits([Selection(1, 1, s, *window) for s in subjects(7)], tasks, roster, SEED, 2024, per_day=1)
    [d] = caught.value.diagnostics
    assert d.code == "SSJ346" and "当天都已有 1 次检查" in d.message


def test_default_cap_is_two_visits_per_inspector_per_day() -> None:
    roster = Roster(tuple(people("L", 2)))
    tasks = {1: TaskInfo(1, "t", "L", (), ("i",))}
    one_day = (date(2024, 10, 8), date(2024, 10, 8))
    plan = plan_visits([Selection(1, 1, s, *one_day) for s in subjects(2)], tasks, roster, SEED, 2024)
    assert [v.date for v in plan.visits] == [one_day[0]] * 2
    with pytest.raises(InputError):
        plan_visits([Selection(1, 1, s, *one_day) for s in subjects(3)], tasks, roster, SEED, 2024)


def test_unavailable_inspector_moves_the_date() -> None:
    window = (date(2024, 10, 8), date(2024, 10, 10))             # 3 working days
    away = frozenset({date(2024, 10, 8), date(2024, 10, 10)})
    roster = Roster((Inspector("1", "a", "L", unavailable=away), Inspector("2", "b", "L")))
    tasks = {1: TaskInfo(1, "t", "L", (), ("i",))}
    for seed in (SEED, "1" * 64, "2" * 64):
        plan = plan_visits([Selection(1, 1, subjects(1)[0], *window)], tasks, roster, seed, 2024)
        assert plan.visits[0].date == date(2024, 10, 9)


def test_unavailable_inspector_is_replaced_by_a_colleague() -> None:
    day = (date(2024, 10, 9), date(2024, 10, 9))
    roster = Roster((Inspector("1", "a", "L", unavailable=frozenset({day[0]})), Inspector("2", "b", "L"),
                     Inspector("3", "c", "A")))
    tasks = {1: TaskInfo(1, "t", "L", ("A",), ("i",))}
    plan = plan_visits([Selection(1, 1, subjects(1)[0], *day)], tasks, roster, SEED, 2024)
    assert [m.badge for m in plan.visits[0].team] == ["2", "3"]


def test_many_unschedulable_visits_are_summed_up() -> None:
    roster = Roster(tuple(people("L", 2)))
    tasks = {1: TaskInfo(1, "t", "L", (), ("i",))}
    one_day = (date(2024, 10, 8), date(2024, 10, 8))
    with pytest.raises(InputError) as caught:
        plan_visits([Selection(1, 1, s, *one_day) for s in subjects(40)], tasks, roster, SEED, 2024)
    diagnostics = caught.value.diagnostics
    assert len(diagnostics) == MAX_LISTED_UNSCHEDULED + 1
    summary = diagnostics[-1] if diagnostics[-1].message.startswith("另有") else diagnostics[0]
    assert summary.message.startswith("另有 28 次检查因同类原因无法排期 (28 more visits cannot be scheduled)")
    assert "L（28）" in summary.message


def test_cap_must_be_positive() -> None:
    with pytest.raises(ValueError):
        schedule_visits([], RosterIndex(Roster(())), SEED, per_day=0)


def test_real_plan_size_is_fast_and_sound() -> None:
    """~2,000 visits and ~150 inspectors, the size of the 城区 2024 plan."""
    rng = random.Random(2024)
    departments = [f"城区部门{i:02d}" for i in range(16)]
    roster_people: list[Inspector] = []
    for dept in departments:
        for k in range(rng.randint(6, 12)):
            leave = {date(2024, 6, 3) + timedelta(days=i) for i in range(10)}
            away = frozenset(leave) if k == 0 else frozenset()
            roster_people.append(Inspector(f"{len(roster_people):05d}", f"员{k}", dept, unavailable=away))
    roster = Roster(tuple(roster_people))
    tasks = {}
    windows = {}
    for no in range(1, 28):
        lead = departments[no % 16]
        tasks[no] = TaskInfo(no, f"任务{no}", lead, (departments[(no * 7 + 3) % 16],), ("事项",))
        windows[no] = ((date(2024, 3, 1), date(2024, 11, 30)) if no != 20
                       else (date(2024, 12, 1), date(2025, 2, 28)))
    ids = subjects(2400)
    chosen = {(rng.randint(1, 27), rng.choice(ids)) for _ in range(2300)}
    selections = [Selection(no, 1, sid, *windows[no]) for no, sid in sorted(chosen)]
    plan = plan_visits(selections, tasks, roster, SEED, 2024)
    assert len(plan.visits) > 1500
    badges = {i.badge: i for i in roster.inspectors}
    per_day = Counter((m.badge, v.date) for v in plan.visits for m in v.team)
    assert max(per_day.values()) <= 2
    for visit in plan.visits:
        assert visit.window_start <= visit.date <= visit.window_end and is_workday(visit.date)
        assert all(visit.date not in badges[m.badge].unavailable for m in visit.team)
    loads: dict[str, list[int]] = {}
    for row in plan.workload:
        loads.setdefault(row.department, []).append(row.visits)
    assert all(max(v) - min(v) <= 2 for v in loads.values())
