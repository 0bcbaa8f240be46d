"""进一次门、查多项: SSJ-MERGE-1 and the visits part of the record."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from helpers import Inspector, Roster
from hypothesis import given, settings
from hypothesis import strategies as st

from ssjlang.interpret.visits import MergedVisit, Selection, TaskInfo, merge_selections, plan_visits
from ssjlang.interpret.workdays import LAST_COVERED_YEAR, add_workdays, has_workday

A = "91140502MA0K000001"
B = "91140502MA0K000002"
SEED = "0" * 64


def sel(task: int, start: tuple[int, int], end: tuple[int, int], subject: str = A, rnd: int = 1,
        year: int = 2024) -> Selection:
    return Selection(task, rnd, subject, date(year, *start), date(year, *end))


def shape(visits: list[MergedVisit]) -> list[tuple[str, tuple[tuple[int, int], ...], str, str]]:
    return [(v.subject_id, tuple((unit[0] if unit[1] is None else unit, r) for unit, r in v.tasks),
             v.window_start.isoformat(), v.window_end.isoformat()) for v in visits]


def test_overlapping_windows_merge_into_one_visit() -> None:
    visits = merge_selections([sel(6, (4, 1), (12, 31)), sel(4, (3, 1), (11, 30))])
    assert shape(visits) == [(A, ((4, 1), (6, 1)), "2024-04-01", "2024-11-30")]
    assert visits[0].key == A + "|4-1,6-1"


def test_disjoint_windows_stay_apart() -> None:
    visits = merge_selections([sel(4, (3, 1), (4, 30)), sel(6, (5, 1), (6, 30))])
    assert shape(visits) == [(A, ((4, 1),), "2024-03-01", "2024-04-30"),
                             (A, ((6, 1),), "2024-05-01", "2024-06-30")]


def test_rounds_of_one_task_never_merge_but_others_join_the_first() -> None:
    visits = merge_selections([sel(4, (3, 1), (12, 31), rnd=2), sel(4, (3, 1), (12, 31)),
                               sel(10, (5, 1), (8, 31))])
    assert shape(visits) == [(A, ((4, 1), (10, 1)), "2024-05-01", "2024-08-31"),
                             (A, ((4, 2),), "2024-03-01", "2024-12-31")]


def test_first_fit_in_window_start_order() -> None:
    # A+B overlap in May; C overlaps B but not the merged May window → its own visit.
    visits = merge_selections([sel(3, (6, 1), (9, 30)), sel(2, (5, 1), (8, 31)), sel(1, (3, 1), (5, 31))])
    assert shape(visits) == [(A, ((1, 1), (2, 1)), "2024-05-01", "2024-05-31"),
                             (A, ((3, 1),), "2024-06-01", "2024-09-30")]


def test_touching_windows_merge_on_a_working_day_but_not_on_a_holiday() -> None:
    # 2024-10-08 (Tuesday) is a working day; the shared day 2024-10-05 is in the 国庆 holiday.
    assert len(merge_selections([sel(1, (9, 1), (10, 8)), sel(2, (10, 8), (11, 30))])) == 1
    assert len(merge_selections([sel(1, (9, 1), (10, 5)), sel(2, (10, 5), (11, 30))])) == 2


def test_subjects_are_separate_and_sorted() -> None:
    visits = merge_selections([sel(4, (3, 1), (11, 30), subject=B), sel(4, (3, 1), (11, 30))])
    assert [v.subject_id for v in visits] == [A, B]


def test_duplicate_selection_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        merge_selections([sel(4, (3, 1), (11, 30)), sel(4, (3, 1), (11, 30))])


windows = st.tuples(st.integers(0, 300), st.integers(0, 120)).map(
    lambda p: (date(2024, 1, 1) + timedelta(days=p[0]), date(2024, 1, 1) + timedelta(days=p[0] + p[1])))
selection_lists = st.lists(
    st.tuples(st.integers(1, 6), st.integers(1, 2), st.sampled_from([A, B]), windows),
    unique_by=lambda t: (t[0], t[1], t[2]), max_size=14,
).map(lambda items: [Selection(t, r, s, w[0], w[1]) for t, r, s, w in items])


@settings(max_examples=80, deadline=None)
@given(selection_lists, st.randoms(use_true_random=False))
def test_merge_is_independent_of_input_order_and_sound(
    selections: list[Selection], rnd: random.Random
) -> None:
    shuffled = list(selections)
    rnd.shuffle(shuffled)
    visits = merge_selections(selections)
    assert merge_selections(shuffled) == visits
    seen = [s for v in visits for s in v.selections]
    assert sorted(seen, key=repr) == sorted(selections, key=repr)
    for visit in visits:
        assert len({s.task_no for s in visit.selections}) == len(visit.selections)
        assert visit.window_start == max(s.window_start for s in visit.selections)
        assert visit.window_end == min(s.window_end for s in visit.selections)
        assert len(visit.selections) == 1 or has_workday(visit.window_start, visit.window_end)


# ---------------------------------------------------------------- plan_visits and the record


ROSTER = Roster((Inspector("01", "甲", "城区商务局"), Inspector("02", "乙", "城区商务局"),
                 Inspector("11", "丙", "城区市场监管局"),
                 Inspector("12", "丁", "城区市场监管局", qualified=False)))
TASKS = {
    4: TaskInfo(4, "汽车", "城区商务局", ("城区市场监管局",), ("汽车销售检查", "公示信息检查")),
    6: TaskInfo(6, "二手车", "城区商务局", ("城区市场监管局",), ("二手车检查",)),
}


def test_record_shape_and_order() -> None:
    selections = [sel(4, (3, 1), (11, 30)), sel(6, (4, 1), (12, 31)), sel(4, (3, 1), (11, 30), subject=B)]
    plan = plan_visits(selections, TASKS, ROSTER, SEED, 2024).to_json()
    assert list(plan) == ["visits", "workload", "warnings"]
    visits = plan["visits"]
    assert [v["visit"] for v in visits] == ["V0001", "V0002"]
    assert [(v["date"], v["subject"]) for v in visits] == sorted((v["date"], v["subject"]) for v in visits)
    merged = next(v for v in visits if v["subject"] == A)
    assert list(merged) == ["visit", "subject", "tasks", "items", "window", "date", "publish_by", "team"]
    assert merged["tasks"] == [{"no": 4, "round": 1}, {"no": 6, "round": 1}]
    assert merged["items"] == [{"task": 4, "item": "汽车销售检查"}, {"task": 4, "item": "公示信息检查"},
                               {"task": 6, "item": "二手车检查"}]
    assert merged["window"] == {"start": "2024-04-01", "end": "2024-11-30"}
    for visit in visits:
        assert visit["publish_by"] == add_workdays(date.fromisoformat(visit["date"]), 20).isoformat()
        assert list(visit["team"][0]) == ["badge", "name", "department", "lead"]
        assert visit["team"][0]["lead"] and visit["team"][0]["department"] == "城区商务局"
    # the unqualified inspector is not in the workload; everyone qualified is, in badge order
    assert [(w["badge"], w["visits"]) for w in plan["workload"]] == [("01", 1), ("02", 1), ("11", 2)]
    assert plan["warnings"] == []
    json.dumps(plan, ensure_ascii=False)


def test_visits_numbered_by_date_then_subject() -> None:
    # one working day: both visits fall on it, so the subject id decides
    selections = [sel(4, (10, 8), (10, 8), subject=B), sel(4, (10, 8), (10, 8))]
    plan = plan_visits(selections, TASKS, ROSTER, SEED, 2024).to_json()
    assert [(v["visit"], v["subject"], v["date"]) for v in plan["visits"]] == [
        ("V0001", A, "2024-10-08"), ("V0002", B, "2024-10-08")]


def test_no_selections_gives_an_empty_plan_with_the_workload_pool() -> None:
    plan = plan_visits([], TASKS, ROSTER, SEED, 2024).to_json()
    assert plan["visits"] == [] and [w["visits"] for w in plan["workload"]] == [0, 0, 0]


def test_calendar_coverage_warning_in_the_record() -> None:
    year = LAST_COVERED_YEAR + 1
    plan = plan_visits([sel(4, (3, 1), (11, 30), year=year)], TASKS, ROSTER, SEED, year)
    assert [d.code for d in plan.diagnostics] == ["SSJ348"]
    assert plan.to_json()["warnings"][0].startswith("SSJ348: ") and str(year) in plan.warnings[0]


def test_deadline_running_past_the_calendar_also_warns() -> None:
    year = LAST_COVERED_YEAR
    plan = plan_visits([sel(4, (12, 20), (12, 31), year=year)], TASKS, ROSTER, SEED, year)
    assert plan.visits[0].publish_by.year == year + 1
    assert [d.code for d in plan.diagnostics] == ["SSJ348"]


def test_unknown_task_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        plan_visits([sel(99, (3, 1), (11, 30))], TASKS, ROSTER, SEED, 2024)
