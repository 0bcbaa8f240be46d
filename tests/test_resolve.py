"""The resolve stage: what each construct of the language means once checked (ssjlang/check/resolve.py).

Every later stage reads the resolved plan and nothing else, so each construct's meaning is pinned here once,
on the smallest plan that writes it: the dates a window stands for, the rule a rate becomes, the rounds and
their windows, sub-rows, organisation and routing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ssjlang.check.checker import check_source
from ssjlang.check.resolved import BatchMode, BodyKind, RateForm, ResolvedPlan

HEADER = """计划 "测试计划" {
  年度 2024
  地区 "测试区"
}
部门 区市场监管局
部门 区农业农村局
"""

TASK = """任务 1 "测试任务" {{
  事项 {{ "事项一" }}
  对象 "企业" 筛选 类型 = "企业"
  比例 {rate}
  频次 {rounds}
  风险 无
  时间 {window}
  定向
  发起 区市场监管局
  配合 区农业农村局
  模式 区抽区查
{extra}}}
"""


def resolved(source: str) -> ResolvedPlan:
    checked, diagnostics = check_source(source, "t.ssj")
    errors = [f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in diagnostics if d.is_error]
    assert checked is not None and not errors, errors
    return checked.resolved


def one_task(rate: str = "5%", rounds: str = "1次/年", window: str = "3月—11月", extra: str = "",
             header: str = HEADER) -> ResolvedPlan:
    return resolved(header + TASK.format(rate=rate, rounds=rounds, window=window, extra=extra))


# ---------------------------------------------------------------- windows


@pytest.mark.parametrize(("written", "start", "end"), [
    ("3月—11月", date(2024, 3, 1), date(2024, 11, 30)),
    ("4月", date(2024, 4, 1), date(2024, 4, 30)),
    ("2月", date(2024, 2, 1), date(2024, 2, 29)),                     # a leap year's February
    ("12月至次年2月", date(2024, 12, 1), date(2025, 2, 28)),
    ("2024年3月至10月", date(2024, 3, 1), date(2024, 10, 31)),
    ("2024年2月24日—2024年11月30日", date(2024, 2, 24), date(2024, 11, 30)),
    ("2024.04.01—2024.10.31", date(2024, 4, 1), date(2024, 10, 31)),
    ("2024/5/20—2024/12/20", date(2024, 5, 20), date(2024, 12, 20)),
    ("10月31日前", date(2024, 1, 1), date(2024, 10, 31)),              # a deadline: from the year's start
    ("12月前", date(2024, 1, 1), date(2024, 11, 30)),                  # before December: November is last
    ("10月底前", date(2024, 1, 1), date(2024, 10, 31)),
    ("年底前", date(2024, 1, 1), date(2024, 12, 31)),
    ("全年", date(2024, 1, 1), date(2024, 12, 31)),
])
def test_window_dates(written: str, start: date, end: date) -> None:
    unit = one_task(window=written).units[0]
    assert (unit.window.start, unit.window.end) == (start, end)
    assert not unit.window.tentative


def test_tentative_window_is_marked() -> None:
    unit = one_task(window="暂定 2024年9月").units[0]
    assert (unit.window.start, unit.window.end, unit.window.tentative) == (date(2024, 9, 1),
                                                                         date(2024, 9, 30), True)


# ---------------------------------------------------------------- rounds


def test_rounds_split_the_window_into_equal_pieces() -> None:
    unit = one_task(rounds="2次/年", window="3月—6月").units[0]
    assert unit.rounds == 2
    assert unit.round_windows == ((date(2024, 3, 1), date(2024, 4, 30)),
                                  (date(2024, 5, 1), date(2024, 6, 30)))


def test_rounds_per_quarter_follow_the_calendar_quarters_the_window_meets() -> None:
    unit = one_task(rounds="每季度1次", window="2月—11月").units[0]
    assert unit.rounds == 4
    assert unit.round_windows == ((date(2024, 2, 1), date(2024, 3, 31)),
                                  (date(2024, 4, 1), date(2024, 6, 30)),
                                  (date(2024, 7, 1), date(2024, 9, 30)),
                                  (date(2024, 10, 1), date(2024, 11, 30)))


def test_rounds_per_month_and_independent_rounds() -> None:
    unit = one_task(rounds="每月1次 各轮独立", window="3月—5月").units[0]
    assert unit.rounds == 3 and unit.rounds_spec.independent
    assert [w[0].month for w in unit.round_windows] == [3, 4, 5]


def test_floor_on_rounds_is_kept() -> None:
    spec = one_task(rounds="不少于 2次/年").units[0].rounds_spec
    assert (spec.times, spec.at_least) == (2, True)


# ---------------------------------------------------------------- rates


@pytest.mark.parametrize(("written", "form", "ppm", "extra"), [
    ("5%", RateForm.PERCENT, 50_000, {}),
    ("不低于 10%", RateForm.PERCENT, 100_000, {"at_least": True}),
    ("3% (约 1200户)", RateForm.PERCENT, 30_000, {"planned": (1200, True)}),
    ("40% (13户)", RateForm.PERCENT, 400_000, {"planned": (13, False)}),
    ("10% (不高于 20%)", RateForm.PERCENT, 100_000, {"upper_ppm": 200_000}),
    ("10%—20%", RateForm.PERCENT, 100_000, {"upper_ppm": 200_000}),
    ("全年 不低于 40%", RateForm.PERCENT, 400_000, {"annual": True, "at_least": True}),
])
def test_percent_rates(written: str, form: RateForm, ppm: int, extra: dict[str, object]) -> None:
    rule = one_task(rate=written).units[0].rate
    assert (rule.form, rule.ppm) == (form, ppm)
    for name, value in extra.items():
        got = getattr(rule, name)
        if name == "planned":
            got = (got.count, got.approx)
        assert got == value, name


@pytest.mark.parametrize(("written", "count", "extra"), [
    ("20户", 20, {}),
    ("不少于 2户", 2, {"at_least": True}),
    ("60—70家", 60, {"upper_count": 70}),
])
def test_count_rates(written: str, count: int, extra: dict[str, object]) -> None:
    rule = one_task(rate=written).units[0].rate
    assert rule.count == count
    for name, value in extra.items():
        assert getattr(rule, name) == value, name


def test_headcount_rates() -> None:
    per = one_task(rate="每名执法人员 不少于 10户").units[0].rate
    assert (per.form, per.count, per.at_least) == (RateForm.PER_INSPECTOR, 10, True)
    ratio = one_task(rate="人员比 1:2.5").units[0].rate
    assert (ratio.form, ratio.staff_ratio) == (RateForm.STAFF_RATIO, (Decimal(1), Decimal("2.5")))


def test_unstated_rate_with_a_ceiling() -> None:
    rule = one_task(rate='待定 "由各级自行确定" (不高于 10%)').units[0].rate
    assert (rule.form, rule.upper_ppm, rule.note) == (RateForm.UNSTATED, 100_000, "由各级自行确定")


def test_subgroup_rates_carry_names_and_the_planned_total() -> None:
    written = '按对象 { "企业" 类型 = "企业": 40% (13户); 类型 = "个体工商户": 80% } (20户)'
    spec = one_task(rate=written).units[0].rate
    assert [g.name for g in spec.rules] == ["企业", "第2组"]
    assert [g.rate.ppm for g in spec.rules] == [400_000, 800_000]
    assert spec.planned is not None and (spec.planned.count, spec.planned.approx) == (20, False)


# ---------------------------------------------------------------- sub-rows, base, batches


def test_sub_rows_inherit_the_task_and_override_their_own_fields() -> None:
    extra = '  子项 "大型" { 对象 "大型企业" 筛选 注册资本 >= 1000万元 比例 20% }\n' \
            '  子项 "小型" { 比例 2% }\n'
    plan = one_task(extra=extra)
    assert [(u.sub, u.label, u.rate.ppm) for u in plan.units] == [(1, "大型", 200_000), (2, "小型", 20_000)]
    large, small = plan.units
    assert large.scope_text == "大型企业" and small.scope_text == "企业"
    assert large.window == small.window and large.items == small.items


def test_base_is_kept() -> None:
    source = HEADER + TASK.format(rate="5%", rounds="1次/年", window="3月—11月", extra="").replace(
        '筛选 类型 = "企业"', '筛选 类型 = "企业" 基数 约 40065户 "动态更新"')
    base = resolved(source).units[0].base
    assert base is not None and (base.count, base.approx, base.note) == (40065, True, "动态更新")


def test_batches_split_one_round_by_their_deadlines() -> None:
    extra = '  批次 "第一批" 截止 6月30日\n  批次 "第二批" 截止 11月30日\n'
    unit = one_task(extra=extra).units[0]
    assert unit.batch_mode is BatchMode.SPLIT
    assert [(b.name, b.start, b.end) for b in unit.batches] == [
        ("第一批", date(2024, 3, 1), date(2024, 6, 30)), ("第二批", date(2024, 7, 1), date(2024, 11, 30))]


# ---------------------------------------------------------------- organisation


ORGANISED = """计划 "测试计划" {
  年度 2024
  地区 "测试市"
}
部门 市市场监管局 {
  单位 稽查支队 又称 支队
}
部门 甲区市场监管局 { 辖区 "甲区" }
部门 乙区市场监管局 { 辖区 "乙区"、"丙区" }
层级 各区市场监管部门 "各区市场监管部门" {
  按 所属区域
  成员 甲区市场监管局、乙区市场监管局
}
"""


def test_levels_route_by_area() -> None:
    source = ORGANISED + TASK.format(rate="5%", rounds="1次/年", window="3月—11月", extra="").replace(
        "发起 区市场监管局", "发起 支队").replace("配合 区农业农村局", "检查 各区市场监管部门").replace(
        "区抽区查", "市抽县(区)查")
    plan = resolved(source)
    unit = plan.units[0]
    assert unit.lead.kind is BodyKind.UNIT and unit.lead.department == "市市场监管局"
    (level,) = unit.inspecting
    assert level.kind is BodyKind.LEVEL and level.route_field == "所属区域"
    assert level.members == ("甲区市场监管局", "乙区市场监管局")
    assert dict(level.areas) == {"甲区市场监管局": ("甲区",), "乙区市场监管局": ("乙区", "丙区")}
