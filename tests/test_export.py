"""`export_plan`: the documented JSON shape, and plans/chengqu2024.ssj against the seed table task by task."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest
from seed import SEED_CORRECTIONS, read_seed
from test_checker import (
    FieldDecl,
    FieldKind,
    Plan,
    contains,
    count,
    name,
    pct,
    plan,
    point,
    profile,
    sp,
    task,
    text,
    window,
)

from ssjlang.check.checker import check
from ssjlang.check.export import export_plan as export_resolved
from ssjlang.check.resolve import resolve_plan
from ssjlang.diagnostics import Severity
from ssjlang.language.nodes import (
    And,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    Department,
    Money,
    Not,
    RiskRef,
    Rounds,
    Scope,
    SubgroupRates,
    SubgroupRule,
    ValueList,
)
from ssjlang.language.wording import window_text

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "chengqu2024.ssj"
"""The seed's two known department mistakes and what the plan must say instead."""


# ---------------------------------------------------------------- shape


def export_plan(plan: Plan) -> dict[str, object]:
    """The export of a hand-built AST (which must check without errors), through the resolved plan."""
    problems = [d for d in check(plan, "t.ssj") if d.severity is Severity.ERROR]
    assert not problems, problems
    return export_resolved(resolve_plan(plan))



def test_keys_in_documented_order() -> None:
    data = export_plan(plan(task(4, risk=RiskRef(name("信用分类"), None, sp())), profiles=(profile(),)))
    # the keys of the first version come first, in their order; language v2's additions follow
    assert list(data) == ["plan", "fields", "departments", "profiles", "tasks", "levels", "joints"]
    assert list(data["plan"]) == ["title", "year", "region", "division_code", "authority", "doc_number",
                                  "contact", "plan_no", "phone", "address", "site", "witnesses",
                                  "publish_risk", "materials"]
    exported = data["tasks"][0]
    assert list(exported)[:15] == ["no", "name", "items", "scope", "rate", "rounds_per_year", "rounds_text",
                                   "risk_profile", "risk_text", "window", "batches", "directed", "lead",
                                   "assist", "mode"]
    assert list(exported)[15:] == ["item_details", "base", "rounds", "risk_label", "draw_window", "draw_note",
                                   "batch_mode", "guide", "inspect", "modes", "methods", "category",
                                   "remarks", "materials", "group", "round_windows", "round_draw_days",
                                   "round_draw_windows", "assist_unstated", "code", "parts", "joint"]
    assert list(exported["rate"])[:8] == ["percent", "at_least", "count", "min_count", "count_unit",
                                          "subgroups", "by_count", "text"]
    assert {k: v for k, v in exported["rate"].items() if k in list(exported["rate"])[:8]} == {
        "percent": 20, "at_least": True, "count": None, "min_count": None, "count_unit": None,
        "subgroups": None, "by_count": None, "text": "不低于20%"}
    assert exported["scope"] == {"text": "全区汽车销售企业",
                                 "selector": {"op": "包含", "field": "行业类别", "value": "汽车销售"}}
    assert exported["window"] == {"start": "2024-03-01", "end": "2024-12-31", "text": "3月—12月"}
    assert exported["risk_text"] == "根据企业信用风险分类结果…分别递加抽查比例、频次"
    assert data["profiles"][0]["levels"][1] == {"risk": "B", "risk_name": "一般风险", "multiplier": 1.5,
                                                "rate": None, "rounds_per_year": None, "exclude": False}
    json.dumps(data, ensure_ascii=False)  # plain JSON data all the way down


@pytest.mark.parametrize("rate, expected_text, percent", [
    (lambda: pct("10", at_least=True), "不低于10%", 10),
    (lambda: pct("20"), "20%", 20),
    (lambda: pct("12.5"), "12.5%", 12.5),
    (lambda: pct("20.0"), "20%", 20),
    (lambda: count(20), "20户", None),
    (lambda: pct("10", min_count=2), "10%（不少于2户）", 10),
    (lambda: replace(pct("10", min_count=2), count_unit="所"), "10%（不少于2所）", 10),
    (lambda: replace(count(20), count_unit="家"), "20家", None),
    (lambda: replace(count(2), at_least=True, count_unit="所"), "不少于2所", None),
])
def test_rate_texts_and_numbers(rate: object, expected_text: str, percent: int | float | None) -> None:
    assert callable(rate)
    exported = export_plan(plan(task(1, rate=rate())))["tasks"][0]["rate"]
    assert exported["text"] == expected_text
    assert exported["percent"] == percent
    source = rate()
    has_count = source.count is not None or source.min_count is not None
    assert exported["count_unit"] == (source.count_unit if has_count else None)
    assert type(exported["percent"]) is type(percent)


@pytest.mark.parametrize("make, expected", [
    (lambda: window(point(3), point(11)), "3月—11月"),
    (lambda: window(point(12), point(2, next_year=True)), "12月至次年2月"),
    (lambda: window(point(4)), "4月"),
    (lambda: window(point(2, 24, year=2026), point(11, 30, year=2026)), "2026年2月24日—2026年11月30日"),
])
def test_window_texts(make: object, expected: str) -> None:
    assert callable(make)
    assert window_text(make()) == expected


def test_departments_are_canonical_and_selectors_are_data() -> None:
    departments = (Department(name("城区人社局"), (name("区人社局"),), sp()),
                   Department(name("城区公安局"), (), sp()))
    selector = And((Compare(name("capital"), CompareOp.GE, Money(Decimal(3000), sp()), sp()),
                    Not(Compare(name("类型"), CompareOp.EQ, text("个体工商户"), sp()), sp()),
                    Compare(name("行业类别"), CompareOp.IN, ValueList((text("甲"), text("乙")), sp()),
                            sp())), sp())
    exported = export_plan(plan(task(18, lead=name("城区公安局"), assist=(name("区人社局"),),
                                     scope=Scope(text("x"), selector, sp())), departments=departments))
    assert [{k: d[k] for k in ("name", "aliases")} for d in exported["departments"]] == [
        {"name": "城区人社局", "aliases": ["区人社局"]}, {"name": "城区公安局", "aliases": []}]
    first = exported["tasks"][0]
    assert first["lead"] == "城区公安局" and first["assist"] == ["城区人社局"]
    assert first["scope"]["selector"] == {"op": "and", "operands": [
        {"op": ">=", "field": "注册资本", "value": {"wan_yuan": 3000}},
        {"op": "not", "operand": {"op": "=", "field": "类型", "value": "个体工商户"}},
        {"op": "属于", "field": "行业类别", "value": ["甲", "乙"]},
    ]}


def test_subgroup_and_count_rates() -> None:
    subgroups = SubgroupRates((SubgroupRule(text("三级"), contains("机构等级", "三级"), pct("50",
                                                                                    at_least=True),
                                            sp()),), sp())
    by_count = CountRates((CountRule(CompareOp.LE, 10, replace(count(2)), sp()),
                           CountRule(CompareOp.GT, 10, pct("50", at_least=True), sp())), sp())
    grade = (FieldDecl(name("机构等级"), FieldKind.TEXT, sp()),)
    first = export_plan(plan(task(1, rate=subgroups), fields=grade))["tasks"][0]["rate"]
    [rule] = first["subgroups"]
    assert (rule["label"], rule["name"], rule["selector"]) == (
        "三级", "三级", {"op": "包含", "field": "机构等级", "value": "三级"})
    assert {k: rule["rate"][k]
            for k in ("percent", "at_least", "count", "min_count", "count_unit", "text")} == {
        "percent": 50, "at_least": True, "count": None, "min_count": None, "count_unit": None,
        "text": "不低于50%"}
    assert first["text"] == "三级：不低于50%"
    unlabelled = replace(subgroups, rules=(replace(subgroups.rules[0], label=None),))
    [nameless] = export_plan(plan(task(1, rate=unlabelled), fields=grade))["tasks"][0]["rate"]["subgroups"]
    assert (nameless["label"], nameless["name"]) == (None, "第1组")  # the name the draw's strata carry
    assert first["count_unit"] is None
    second = export_plan(plan(task(1, rate=by_count)))["tasks"][0]["rate"]
    assert [rule["op"] for rule in second["by_count"]] == ["<=", ">"]
    assert second["text"] == "总数不超过10：2户；总数超过10：不低于50%"


def test_risk_text_rules() -> None:
    prof = profile()
    tasks = (task(1, risk=None), task(2, risk=RiskRef(None, text("/"), sp())),
             task(3, risk=RiskRef(name("信用分类"), text("另行规定"), sp())),
             task(4, risk=RiskRef(name("信用分类"), None, sp())))
    exported = export_plan(plan(*tasks, profiles=(prof,)))["tasks"]
    assert [t["risk_text"] for t in exported] == ["", "/", "另行规定",
                                                  prof.description.value]  # type: ignore[union-attr]
    assert [t["risk_profile"] for t in exported] == [None, None, "信用分类", "信用分类"]


def test_directed_defaults_to_having_a_selector() -> None:
    with_selector = task(1, directed=None)
    without = task(2, directed=None, scope=Scope(text("全区"), None, sp()))
    undirected = task(3, directed=False, scope=Scope(text("全区"), None, sp()))
    exported = export_plan(plan(with_selector, without, undirected))["tasks"]
    assert [t["directed"] for t in exported] == [True, False, False]


def test_rounds_text() -> None:
    assert export_plan(plan(task(1, rounds=Rounds(2, sp()))))["tasks"][0]["rounds_text"] == "2次/年"


# ---------------------------------------------------------------- the seed table


@dataclass(frozen=True)
class SeedRow:
    number: int
    name: str
    items: str
    scope: str
    rate: str
    risk: str
    window: str
    lead: str
    assist: str
    mode: str


def parse_seed() -> list[SeedRow]:
    """The seed's task rows, cells stripped."""
    rows = []
    for cells in read_seed().rows:
        assert len(cells) == 10, cells
        rows.append(SeedRow(int(cells[0]), *(cell.strip() for cell in cells[1:])))
    return rows


def squash(value: str) -> str:
    """Text without numbering (1. 2、 3), punctuation or white space: the words only."""
    value = re.sub(r"\d+[.．、]?", "", value)
    return "".join(c for c in value if not unicodedata.category(c).startswith(("P", "Z",
                                                                               "C")) and not c.isspace())


def seed_rate(cell: str) -> tuple[float, bool, int]:
    match = re.search(r"(不低于)?\s*(\d+(?:\.\d+)?)%", cell)
    rounds = re.search(r"(\d+)次/年", cell)
    assert match and rounds, cell
    return float(match.group(2)), match.group(1) is not None, int(rounds.group(1))


def test_seed_parser_reads_all_27_tasks() -> None:
    rows = parse_seed()
    assert [row.number for row in rows] == list(range(1, 28))
    assert rows[19].items.startswith("是否取得高危经营许可证")  # a cell continued on the next line
    assert seed_rate(rows[19].rate) == (50.0, False, 1)
    assert rows[17].assist == "区人社局" and rows[8].assist == "城区消防救援支队"


@pytest.fixture(scope="module")
def chengqu() -> dict[str, object]:
    from ssjlang.check.checker import load_plan

    assert PLAN.exists(), "plans/chengqu2024.ssj is part of the project"
    return export_resolved(load_plan(PLAN).resolved)


def test_chengqu_matches_the_seed_task_by_task(chengqu: dict[str, object]) -> None:
    tasks = chengqu["tasks"]
    assert isinstance(tasks, list)
    rows = parse_seed()
    assert [t["no"] for t in tasks] == [row.number for row in rows]
    for row, exported in zip(rows, tasks, strict=True):
        where = f"task {row.number}"
        assert exported["name"] == row.name, where
        assert squash("".join(exported["items"])) == squash(row.items), where
        assert exported["scope"]["text"] == row.scope, where
        percent, at_least, rounds = seed_rate(row.rate)
        assert (exported["rate"]["percent"], exported["rate"]["at_least"]) == (percent, at_least), where
        assert exported["rounds_per_year"] == rounds, where
        months = [int(m) for m in re.findall(r"(\d+)月", row.window)]
        start, end = exported["window"]["start"], exported["window"]["end"]
        assert [int(start[5:7]), int(end[5:7])] == months, where
        assert (int(end[:4]) - int(start[:4])) == (1 if "次年" in row.window else 0), where
        assert exported["lead"] == row.lead, where
        assert exported["assist"] == [SEED_CORRECTIONS.get(row.assist, row.assist)], where
        assert exported["mode"] == row.mode, where
        assert squash(exported["risk_text"]) == squash(row.risk), where


def test_chengqu_checks_with_exactly_the_expected_warnings() -> None:
    from ssjlang.check.checker import load_plan
    from ssjlang.language.parser import parse, read_source

    checked = load_plan(PLAN)
    assert all(d.severity is Severity.WARNING for d in checked.warnings)
    source, _ = read_source(PLAN)
    assert source is not None
    parsed = parse(source, str(PLAN)).plan
    assert parsed is not None
    assert check(parsed, str(PLAN)) == list(checked.warnings)

    def task_of(line: int) -> int:
        return next(int(t.code.text) for t in parsed.tasks if t.span.line <= line <= t.span.end_line)

    found = sorted((d.code, task_of(d.span.line)) for d in checked.warnings)
    assert found == [("SSJ124", 25), ("SSJ124", 26), ("SSJ133", 20)]


def test_count_units_are_kept_from_the_source() -> None:
    """`不少于2所`, `20家`, `(不少于 2个)` export with the unit the officer wrote, not 户."""
    from ssjlang.language.parser import parse

    rest = ' 事项 "x" 对象 "y" 频次 1次/年 时间 3月 发起 甲局 模式 县抽县查 }\n'
    source = ('计划 "p" { 年度 2024 }\n部门 甲局\n'
              '任务 1 "a" { 比例 按总数 { 10所及以下：不少于2所；超过10所：不低于50% }' + rest +
              '任务 2 "b" { 比例 20家' + rest +
              '任务 3 "c" { 比例 10% (不少于 2个)' + rest +
              'task 4 "d" { rate 20 subjects' + rest)
    result = parse(source, "units.ssj")
    assert result.plan is not None and result.diagnostics == []
    rates = [t["rate"] for t in export_plan(result.plan)["tasks"]]
    assert rates[0]["text"] == "总数不超过10：不少于2所；总数超过10：不低于50%"
    assert rates[0]["by_count"][0]["rate"]["count_unit"] == "所"  # type: ignore[index]
    assert rates[0]["by_count"][1]["rate"]["count_unit"] is None  # type: ignore[index]
    assert (rates[1]["text"], rates[1]["count"], rates[1]["count_unit"]) == ("20家", 20, "家")
    assert (rates[2]["text"], rates[2]["min_count"], rates[2]["count_unit"]) == ("10%（不少于2个）", 2, "个")
    assert (rates[3]["text"], rates[3]["count_unit"]) == ("20户", "户")


# ---------------------------------------------------------------- language v2 constructs, from plan text

_V2_HEADER = """计划 "导出测试" { 年度 2024 地区 "测试县" }
部门 县市场监管局
"""
_V2_TASK = """任务 {no} "任务{no}" {{
  事项 "事项{no}"
  对象 "企业" 筛选 类型 = "企业"
  比例 {rate}
  频次 {rounds}
  时间 4-11月
  {extra}
  发起 县市场监管局
  模式 县抽县查
}}
"""


def _exported(*tasks: dict[str, str], joints: str = "") -> dict:
    from ssjlang.check.checker import check_source

    body = "".join(_V2_TASK.format(**{"rate": "5%", "rounds": "1次/年", "extra": "", **t}) for t in tasks)
    checked, diagnostics = check_source(_V2_HEADER + body + joints, "t.ssj")
    assert checked is not None, [d.message for d in diagnostics]
    return export_resolved(checked.resolved)


def test_export_of_a_rate_drawn_by_another_body() -> None:
    task = _exported({"no": "1", "rate": '5% (约 1户) 由 "联合双随机牵头单位" 抽取'})["tasks"][0]
    assert task["rate"]["drawn_by"] == "联合双随机牵头单位"
    assert task["rate"]["text"] == "5%（约1户），由联合双随机牵头单位抽取"
    assert task["rate"]["planned"] == {"count": 1, "approx": True, "unit": "户"}


def test_export_of_a_headline_rate_beside_groups() -> None:
    rate = _exported({"no": "1", "rate": '按对象 { "个体" 类型 = "个体工商户": 5% (40户) } 5% (43户)'}
                     )["tasks"][0]["rate"]
    assert rate["overall_percent"] == 5 and rate["planned"]["count"] == 43
    assert rate["text"].startswith("5%（个体：5%（40户）")


def test_export_of_each_rounds_draw_deadline() -> None:
    task = _exported({"no": "1", "rounds": "每季度1次",
                      "extra": '抽取 每轮 15日内 "每季度首月15日内抽取"'})["tasks"][0]
    assert task["round_draw_days"] == 15 and task["draw_note"] == "每季度首月15日内抽取"
    assert task["round_windows"][0] == {"start": "2024-04-01", "end": "2024-06-30"}
    assert task["round_draw_windows"] == [{"start": "2024-04-01", "end": "2024-04-15"},
                                          {"start": "2024-07-01", "end": "2024-07-15"},
                                          {"start": "2024-10-01", "end": "2024-10-15"}]


def test_export_of_unstated_partners() -> None:
    task = _exported({"no": "1", "extra": '配合 待定 "是否部门联合抽查：是"'})["tasks"][0]
    assert task["assist"] == [] and task["assist_unstated"] == "是否部门联合抽查：是"
    assert _exported({"no": "1", "extra": "配合 待定"})["tasks"][0]["assist_unstated"] == ""


def test_export_of_a_joint_draw() -> None:
    data = _exported({"no": "1"}, {"no": "2"}, {"no": "3"},
                     joints='合并抽取 "一二合并" { 任务 1、2 比例 1.5% 备注 "合并抽取企业比例为1.5%" }')
    assert data["joints"] == [{"code": "1+2", "name": "一二合并", "tasks": [1, 2],
                               "rate": data["joints"][0]["rate"], "remarks": "合并抽取企业比例为1.5%"}]
    assert data["joints"][0]["rate"]["percent"] == 1.5
    assert [t["joint"] for t in data["tasks"]] == ["1+2", "1+2", None]
    assert [t["rate"]["percent"] for t in data["tasks"]] == [5, 5, 5]  # the tasks keep their own rates
