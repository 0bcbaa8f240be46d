"""Official working days: the 2024 State Council schedule with its 调休 make-up days, and the fallback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssjlang.interpret.workdays import (
    FIRST_COVERED_YEAR,
    LAST_COVERED_YEAR,
    add_workdays,
    coverage_warning,
    has_workday,
    is_workday,
    workdays_between,
)


@pytest.mark.parametrize("day", [
    date(2024, 2, 4),    # Sunday, 调休 for 春节
    date(2024, 2, 18),   # Sunday, 调休 for 春节
    date(2024, 4, 7),    # Sunday, 调休 for 清明
    date(2024, 4, 28),   # Sunday, 调休 for 劳动节
    date(2024, 5, 11),   # Saturday, 调休 for 劳动节
    date(2024, 9, 14),   # Saturday, 调休 for 中秋
    date(2024, 9, 29),   # Sunday, 调休 for 国庆
    date(2024, 10, 12),  # Saturday, 调休 for 国庆
    date(2024, 3, 4),    # an ordinary Monday
])
def test_working_days_2024(day: date) -> None:
    assert is_workday(day)


@pytest.mark.parametrize("day", [
    *[date(2024, 10, d) for d in range(1, 8)],   # 国庆 holidays, weekdays included
    *[date(2024, 2, d) for d in range(10, 18)],  # 春节
    date(2024, 5, 1), date(2024, 6, 10), date(2024, 9, 16), date(2024, 9, 17),
    date(2024, 3, 2), date(2024, 3, 3),          # an ordinary weekend
])
def test_days_off_2024(day: date) -> None:
    assert not is_workday(day)


def test_workdays_between_national_day_week() -> None:
    days = workdays_between(date(2024, 9, 28), date(2024, 10, 14))
    october = [date(2024, 10, d) for d in (8, 9, 10, 11, 12, 14)]
    assert days == [date(2024, 9, 29), date(2024, 9, 30), *october]
    assert workdays_between(date(2024, 10, 1), date(2024, 10, 7)) == []
    assert workdays_between(date(2024, 10, 9), date(2024, 10, 8)) == []
    assert not has_workday(date(2024, 10, 1), date(2024, 10, 7))
    assert has_workday(date(2024, 10, 1), date(2024, 10, 8))
    assert not has_workday(date(2024, 10, 9), date(2024, 10, 8))


def test_workdays_between_across_years() -> None:
    days = workdays_between(date(2024, 12, 30), date(2025, 1, 3))
    assert days == [date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 2), date(2025, 1, 3)]


def test_add_workdays_is_the_nth_working_day_after() -> None:
    assert add_workdays(date(2024, 9, 27), 1) == date(2024, 9, 29)     # the 调休 Sunday counts
    assert add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)     # the 国庆 week does not
    assert add_workdays(date(2024, 10, 10), 20) == date(2024, 11, 6)   # publication deadline
    assert add_workdays(date(2024, 12, 20), 20) == date(2025, 1, 20)   # across the year, 元旦 off
    assert add_workdays(date(2024, 10, 5), 0) == date(2024, 10, 5)
    with pytest.raises(ValueError):
        add_workdays(date(2024, 10, 5), -1)


@settings(max_examples=60, deadline=None)
@given(st.dates(date(FIRST_COVERED_YEAR, 1, 1), date(LAST_COVERED_YEAR + 1, 12, 31)),
       st.integers(min_value=1, max_value=45))
def test_add_workdays_agrees_with_counting_day_by_day(start: date, n: int) -> None:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += is_workday(day)
    assert add_workdays(start, n) == day
    assert workdays_between(start + timedelta(days=1), day)[-1] == day
    assert len(workdays_between(start + timedelta(days=1), day)) == n


def test_beyond_the_calendar_weekends_only_with_a_warning() -> None:
    year = LAST_COVERED_YEAR + 1
    monday = next(date(year, 1, d) for d in range(1, 8) if date(year, 1, d).weekday() == 0)
    assert is_workday(monday)          # even 1 January: the schedule is unknown, so no holidays
    assert not is_workday(monday - timedelta(days=1))
    assert is_workday(date(year, 1, 1)) == (date(year, 1, 1).weekday() < 5)
    assert coverage_warning([2024, LAST_COVERED_YEAR]) is None
    text = coverage_warning([2024, year, year])
    assert text is not None
    assert f"{FIRST_COVERED_YEAR}–{LAST_COVERED_YEAR}" in text
    assert f"working days in {year} are counted as Monday–Friday" in text
    assert "2024" not in text.split("only;")[1]
