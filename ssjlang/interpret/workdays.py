"""Official working days (工作日) per the State Council holiday schedule, 调休 make-up days included.

Inspection dates must fall on working days, and results are published within 20 working days
(企业信息公示暂行条例 第六条). "Working day" follows the 国务院办公厅 annual notice on public holidays:
a weekday can be a holiday (国庆 2024-10-01…07) and a weekend day can be a make-up working day
(调休: 2024-02-04, 2024-02-18, 2024-10-12). The `chinesecalendar` package carries those notices up to
its last supported year; beyond it we fall back to Monday–Friday and say so (`coverage_warning`),
because a silent guess at a future year's 调休 would put inspections on holidays.
"""

from __future__ import annotations

import bisect
import importlib.metadata
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from chinese_calendar import constants as _calendar_data

#: The years the installed calendar covers (the package's own rule: the years of its holiday table).
FIRST_COVERED_YEAR: int = min(_calendar_data.holidays).year
LAST_COVERED_YEAR: int = max(_calendar_data.holidays).year


def calendar_version() -> str:
    """The installed chinesecalendar version: a new release can move 调休 days, so records state it."""
    try:
        return importlib.metadata.version("chinesecalendar")
    except importlib.metadata.PackageNotFoundError:  # run from a copy that is not an installed distribution
        return str(getattr(chinese_calendar, "__version__", "unknown"))


def calendar_info() -> dict[str, object]:
    """The holiday-calendar data a schedule was made with, as the draw record's "calendar" entry."""
    return {"source": "chinesecalendar", "version": calendar_version(),
            "covered_years": [FIRST_COVERED_YEAR, LAST_COVERED_YEAR]}


def is_covered(year: int) -> bool:
    """True when the State Council schedule for `year` is known to the installed calendar."""
    return FIRST_COVERED_YEAR <= year <= LAST_COVERED_YEAR


def is_workday(d: date) -> bool:
    """Official working day: the State Council schedule where covered, else Monday–Friday."""
    if is_covered(d.year):
        return bool(chinese_calendar.is_workday(d))
    return d.weekday() < 5


@cache
def _year_workdays(year: int) -> tuple[date, ...]:
    """All working days of one year, ascending (cached: a plan asks thousands of times)."""
    day = date(year, 1, 1)
    days: list[date] = []
    while day.year == year:
        if is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def workdays_between(start: date, end: date) -> list[date]:
    """Working days d with start <= d <= end (both ends included), ascending; empty when start > end."""
    result: list[date] = []
    if start > end:
        return result
    for year in range(start.year, end.year + 1):
        days = _year_workdays(year)
        lo = bisect.bisect_left(days, start)
        hi = bisect.bisect_right(days, end)
        result.extend(days[lo:hi])
    return result


def has_workday(start: date, end: date) -> bool:
    """True when [start, end] contains at least one working day (cheap: no list is built)."""
    for year in range(start.year, end.year + 1) if start <= end else ():
        days = _year_workdays(year)
        lo = bisect.bisect_left(days, start)
        if lo < len(days) and days[lo] <= end:
            return True
    return False


def add_workdays(d: date, n: int) -> date:
    """The n-th working day after `d` (d itself never counts; n = 0 gives d).

    The publication deadline of an inspection on d is `add_workdays(d, 20)`: "within 20 working
    days" counted from the day after the inspection, so the 20th working day after it is the last day.
    """
    if n < 0:
        raise ValueError(f"add_workdays counts forward only, got n={n}")
    if n == 0:
        return d
    year = d.year
    remaining = n
    after = d
    while True:
        days = _year_workdays(year)
        lo = bisect.bisect_right(days, after)
        available = len(days) - lo
        if remaining <= available:
            return days[lo + remaining - 1]
        remaining -= available
        year += 1
        after = date(year, 1, 1) - timedelta(days=1)


def coverage_warning(years: Iterable[int]) -> str | None:
    """The warning text when any of `years` lies outside the calendar's coverage, else None.

    Returned, not printed: the caller puts it in the draw record's "warnings" and the diagnostics.
    """
    outside = sorted({y for y in years if not is_covered(y)})
    if not outside:
        return None
    listed = "、".join(str(y) for y in outside)
    covered = f"{FIRST_COVERED_YEAR}—{LAST_COVERED_YEAR}"
    return (
        f"已安装的节假日日历 (chinesecalendar) 只包含 {covered} 年的国务院放假安排，"
        f"{listed} 年的工作日按周一至周五计算，不含法定节假日和调休 (the installed calendar covers "
        f"{FIRST_COVERED_YEAR}–{LAST_COVERED_YEAR} only; "
        f"working days in {listed} are counted as Monday–Friday)。"
        f"国务院办公厅公布该年度放假安排后，核对 {listed} 年的检查日期，调整落在节假日的检查；"
        f"这些年份的公示截止日 (publish_by) 未计节假日，只会偏早，不会偏晚"
    )
