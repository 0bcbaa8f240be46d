"""The checker against hand-built ASTs (independent of the parser) and against .ssj sources."""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ssjlang.check import checker
from ssjlang.check.checker import check, resolve_window
from ssjlang.diagnostics import Diagnostic, InputError, Severity
from ssjlang.language.nodes import (
    And,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    Department,
    FieldDecl,
    FieldKind,
    Integer,
    Item,
    Money,
    Name,
    Not,
    Number,
    Or,
    Plan,
    PlanHeader,
    Rate,
    RiskClass,
    RiskLevel,
    RiskProfile,
    RiskRef,
    Rounds,
    Scope,
    Span,
    SubgroupRates,
    SubgroupRule,
    Task,
    TaskCode,
    Text,
    ValueList,
    Window,
)
from ssjlang.language.nodes import Batch as BatchNode

ROOT = Path(__file__).resolve().parent.parent
FILE = "t.ssj"
_lines = itertools.count(1)


def sp() -> Span:
    """A fresh span on its own line, so diagnostics sort in construction order."""
    line = next(_lines)
    return Span(line, 1, line, 5, 0, 0)


def name(value: str) -> Name:
    return Name(value, sp())


def text(value: str) -> Text:
    return Text(value, sp())


def pct(value: str, at_least: bool = False, min_count: int | None = None) -> Rate:
    return Rate(Decimal(value), at_least, None, min_count, sp())


def count(value: int) -> Rate:
    return Rate(None, False, value, None, sp())


def point(month: int, day: int | None = None, year: int | None = None, next_year: bool = False) -> DatePoint:
    return DatePoint(year, month, day, next_year, sp())


def window(start: DatePoint, end: DatePoint | None = None) -> Window:
    return Window(start, end, sp())


def contains(field: str, value: str) -> Compare:
    return Compare(name(field), CompareOp.CONTAINS, text(value), sp())


def level(risk: RiskClass, multiplier: str | None = None, rate: Rate | None = None,
          rounds: int | None = None) -> RiskLevel:
    return RiskLevel(risk, Decimal(multiplier) if multiplier else None, rate,
                     Rounds(rounds, sp()) if rounds is not None else None, sp())


def profile(profile_name: str = "信用分类", *levels: RiskLevel) -> RiskProfile:
    if not levels:
        levels = (level(RiskClass.LOW, "1"), level(RiskClass.MEDIUM, "1.5"), level(RiskClass.HIGHER, "2"),
                  level(RiskClass.HIGH, "3"), level(RiskClass.UNCLASSIFIED, "1"))
    return RiskProfile(name(profile_name), text("根据企业信用风险分类结果…分别递加抽查比例、频次"), levels,
                       sp())


def item(value: str) -> Item:
    return Item(text(value), sp())


def task(number: int = 1, **changes: object) -> Task:
    if "mode" in changes:
        mode = changes.pop("mode")
        changes["modes"] = (mode,) if mode is not None else ()
    if "items" in changes and changes["items"] is not None:
        changes["items"] = tuple(Item(t, t.span) if isinstance(t, Text) else t
                                 for t in changes["items"])  # type: ignore[union-attr]
    base = Task(
        code=TaskCode(str(number), sp()),
        name=text(f"任务{number}"),
        items=(item("市场主体登记事项和公示信息检查"),),
        scope=Scope(text("全区汽车销售企业"), contains("行业类别", "汽车销售"), sp()),
        rate=pct("20", at_least=True),
        rounds=Rounds(1, sp()),
        risk=None,
        window=window(point(3), point(12)),
        directed=True,
        lead=name("城区商务局"),
        assist=(name("城区市场监管局"),),
        modes=(name("县抽县查"),),
        batches=(),
        span=sp(),
    )
    return replace(base, **changes)


def plan(*tasks: Task, year: int | None = 2024, title: str | None = "计划", departments: tuple[Department,
                                                                                             ...] = (),
         profiles: tuple[RiskProfile, ...] = (), fields: tuple[FieldDecl, ...] = ()) -> Plan:
    header = PlanHeader(text(title) if title is not None else None,
                        Integer(year, sp()) if year is not None else None, None, None, None, None, None, sp())
    if not departments:
        departments = tuple(Department(name(n), (), sp()) for n in
                            ("城区市场监管局", "城区商务局", "城区人社局", "城区消防救援大队", "城区人防办",
                             "城区公安局"))
    return Plan(header, fields, departments, profiles, tasks or (task(),), sp())


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def only(diagnostics: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


# ---------------------------------------------------------------- clean baseline


def test_clean_plan_has_no_diagnostics() -> None:
    assert check(plan(task(1, risk=RiskRef(name("信用分类"), None, sp())), profiles=(profile(),)), FILE) == []


def test_every_emitted_code_is_documented() -> None:
    doc = (ROOT / "docs" / "diagnostics" / "ssj1.md").read_text(encoding="utf-8")
    for code in checker.ALL_CODES:
        assert f"### {code} " in doc, code


# ---------------------------------------------------------------- departments


def test_seed_department_mistakes_suggest_the_declared_names() -> None:
    diagnostics = check(plan(
        task(9, lead=name("城区人防办"), assist=(name("城区消防救援支队"),)),
        task(18, lead=name("城区公安局"), assist=(name("区人社局"),)),
    ), FILE)
    unknown = only(diagnostics, "SSJ104")
    assert [d.message for d in unknown] == ["未声明的部门「城区消防救援支队」 (unknown department)",
                                            "未声明的部门「区人社局」 (unknown department)"]
    assert "城区消防救援大队" in (unknown[0].hint or "")
    assert "城区人社局" in (unknown[1].hint or "")
    assert all(d.severity is Severity.ERROR for d in unknown)


def test_alias_resolves_and_lead_assisting_via_alias_warns() -> None:
    departments = (Department(name("城区人社局"), (name("区人社局"),), sp()), Department(name("城区公安局"),
                                                                                (), sp()))
    diagnostics = check(plan(task(1, lead=name("城区人社局"), assist=(name("区人社局"), name("城区公安局"),
                                                                          name("城区公安局"))),
                             departments=departments), FILE)
    assert codes(diagnostics) == ["SSJ114", "SSJ115"]
    assert all(d.severity is Severity.WARNING for d in diagnostics)
    assert diagnostics[0].related and diagnostics[1].related


def test_duplicate_department_and_alias_point_at_first_declaration() -> None:
    first = Department(name("城区商务局"), (name("商务局"),), sp())
    second = Department(name("城区商务局"), (), sp())
    third = Department(name("城区市场监管局"), (name("商务局"),), sp())
    diagnostics = check(plan(task(1, assist=()), departments=(first, second, third)), FILE)
    dups = only(diagnostics, "SSJ105")
    assert len(dups) == 2
    assert dups[0].related[0].span == first.name.span
    assert dups[1].related[0].span == first.aliases[0].span


# ---------------------------------------------------------------- tasks


def test_missing_required_fields_each_reported_at_the_task_header() -> None:
    bare = task(3, items=None, scope=None, rate=None, rounds=None, window=None, lead=None, mode=None,
                assist=())
    diagnostics = check(plan(bare), FILE)
    assert codes(diagnostics) == ["SSJ110"]
    assert diagnostics[0].span == Span.merge(bare.code.span, bare.name.span)
    expected = ("任务 3 缺少 事项、对象、比例、频次、时间、发起、模式 "
                "(missing required fields: items, scope, rate, rounds, window, lead, mode)")
    assert diagnostics[0].message == expected
    assert codes(check(plan(task(4, mode=None)), FILE)) == ["SSJ110"]


def test_risk_is_optional() -> None:
    assert check(plan(task(1, risk=None)), FILE) == []


def test_duplicate_task_numbers() -> None:
    first, second = task(7), task(7)
    diagnostics = check(plan(first, second, task(0)), FILE)
    assert codes(diagnostics) == ["SSJ111", "SSJ112"]
    assert diagnostics[0].related[0].span == first.code.span


def test_empty_texts() -> None:
    diagnostics = check(plan(task(1, name=text(" "), items=(text(""),),
                                  scope=Scope(text(""), contains("行业类别", "x"), sp()))), FILE)
    assert codes(diagnostics) == ["SSJ113", "SSJ113", "SSJ113"]


@pytest.mark.parametrize("mode, ok", [("县抽县查", True), ("市抽县(区)查", True), ("市抽县（区）查", True),
                                      ("省抽市查", True), ("县抽乡查", False), ("随机", False), ("县抽县",
                                                                                       False)])
def test_modes(mode: str, ok: bool) -> None:
    diagnostics = check(plan(task(1, mode=name(mode))), FILE)
    assert codes(diagnostics) == ([] if ok else ["SSJ116"])


def test_unknown_mode_suggests_a_known_one() -> None:
    diagnostics = check(plan(task(1, mode=name("县抽乡查"))), FILE)
    assert "县抽县查" in (diagnostics[0].hint or "")


def test_directed_without_selector_warns() -> None:
    scope = Scope(text("全区"), None, sp())
    assert codes(check(plan(task(1, scope=scope, directed=True)), FILE)) == ["SSJ117"]
    assert check(plan(task(1, scope=scope, directed=False)), FILE) == []
    assert check(plan(task(1, scope=scope, directed=None)), FILE) == []


# ---------------------------------------------------------------- header


def test_missing_title_and_year() -> None:
    assert codes(check(plan(title=None, year=None), FILE)) == ["SSJ101", "SSJ102"]


def test_implausible_year() -> None:
    assert codes(check(plan(year=24), FILE)) == ["SSJ102"]


def test_header_values() -> None:
    base = plan()
    header = replace(base.header, division_code=text("14052"), doc_number=text("城区监〔{年份}〕{号}号"))
    assert codes(check(replace(base, header=header), FILE)) == ["SSJ103", "SSJ103"]


def test_no_tasks_warns() -> None:
    assert codes(check(replace(plan(), tasks=()), FILE)) == ["SSJ109"]


# ---------------------------------------------------------------- rates and rounds


@pytest.mark.parametrize("rate, code", [(pct("0"), "SSJ120"), (pct("100.5"), "SSJ120"), (pct("-1"), "SSJ120"),
                                        (count(0), "SSJ121"), (pct("10", min_count=0), "SSJ121")])
def test_bad_rates(rate: Rate, code: str) -> None:
    assert codes(check(plan(task(1, rate=rate)), FILE)) == [code]


@pytest.mark.parametrize("value, ok", [(0, False), (1, True), (12, True), (13, False)])
def test_rounds(value: int, ok: bool) -> None:
    assert codes(check(plan(task(1, rounds=Rounds(value, sp()))), FILE)) == ([] if ok else ["SSJ122"])


def test_subgroup_rates_check_selectors_and_rates() -> None:
    rules = SubgroupRates((
        SubgroupRule(text("三级"), Compare(name("机构等级"), CompareOp.EQ, text("三级"), sp()), pct("50"),
                     sp()),
        SubgroupRule(text("二级"), Compare(name("机构级别"), CompareOp.EQ, text("二级"), sp()), pct("130"),
                     sp()),
    ), sp())
    fields = (FieldDecl(name("机构等级"), FieldKind.TEXT, sp()),)
    assert codes(check(plan(task(1, rate=rules), fields=fields), FILE)) == ["SSJ140", "SSJ120"]


def _count_rates(*rules: tuple[CompareOp, int]) -> CountRates:
    return CountRates(tuple(CountRule(op, t, count(2), sp()) for op, t in rules), sp())


@pytest.mark.parametrize("rules, expected", [
    (((CompareOp.LE, 10), (CompareOp.GT, 10)), []),
    (((CompareOp.LT, 10), (CompareOp.GE, 10)), []),
    (((CompareOp.LE, 10), (CompareOp.GE, 10)), ["SSJ126"]),
    (((CompareOp.LE, 10), (CompareOp.GT, 20)), ["SSJ127"]),
    (((CompareOp.LE, 10),), ["SSJ127"]),
    (((CompareOp.GT, 5),), ["SSJ127"]),
    (((CompareOp.LT, 1), (CompareOp.GE, 1)), ["SSJ126"]),
])
def test_count_rules(rules: tuple[tuple[CompareOp, int], ...], expected: list[str]) -> None:
    assert codes(check(plan(task(1, rate=_count_rates(*rules))), FILE)) == expected


def test_count_gap_message_names_the_sizes() -> None:
    diagnostics = check(plan(task(1, rate=_count_rates((CompareOp.LE, 10), (CompareOp.GT, 20)))), FILE)
    assert "11 至 20" in diagnostics[0].message


# ---------------------------------------------------------------- escalation


def _with_profile(prof: RiskProfile, **changes: object) -> list[Diagnostic]:
    return check(plan(task(1, risk=RiskRef(name(prof.name.value), None, sp()), **changes), profiles=(prof,)),
                 FILE)


def test_undefined_profile_suggests() -> None:
    diagnostics = check(plan(task(1, risk=RiskRef(name("信用分级"), None, sp())), profiles=(profile(),)),
                        FILE)
    assert codes(diagnostics) == ["SSJ108"]
    assert "信用分类" in (diagnostics[0].hint or "")


def test_decreasing_multiplier_is_reported_at_the_profile_once() -> None:
    prof = profile("p", level(RiskClass.LOW, "2"), level(RiskClass.MEDIUM, "1.5"), level(RiskClass.HIGHER,
                                                                                         "2"),
                   level(RiskClass.HIGH, "3"))
    diagnostics = _with_profile(prof)
    assert codes(diagnostics) == ["SSJ123"]
    assert diagnostics[0].span == prof.levels[1].span
    assert diagnostics[0].related[0].span == prof.levels[0].span


def test_missing_class_counts_as_times_one() -> None:
    prof = profile("p", level(RiskClass.LOW, "1"), level(RiskClass.MEDIUM, "1.5"), level(RiskClass.HIGH, "3"))
    assert codes(_with_profile(prof)) == ["SSJ123"]


def test_decreasing_rounds_in_profile() -> None:
    prof = profile("p", level(RiskClass.HIGHER, "2", rounds=3), level(RiskClass.HIGH, "3", rounds=2))
    assert codes(_with_profile(prof)) == ["SSJ123"]


def test_effective_rate_decrease_found_per_task() -> None:
    prof = profile("p", level(RiskClass.HIGH, rate=pct("30")))
    assert codes(_with_profile(prof, rate=pct("20"))) == []
    diagnostics = _with_profile(prof, rate=pct("50"))
    assert codes(diagnostics) == ["SSJ123"]
    assert "50%" in diagnostics[0].message


def test_effective_rounds_decrease_found_per_task() -> None:
    prof = profile("p", level(RiskClass.HIGH, "2", rounds=1))
    assert codes(_with_profile(prof, rounds=Rounds(2, sp()))) == ["SSJ123"]
    assert codes(_with_profile(prof, rounds=Rounds(1, sp()))) == []


def test_escalating_a_full_rate_warns() -> None:
    diagnostics = _with_profile(profile(), rate=pct("100"))
    assert codes(diagnostics) == ["SSJ124"]
    assert diagnostics[0].severity is Severity.WARNING
    rounds_only = profile("p", level(RiskClass.HIGH, rounds=2))
    assert _with_profile(rounds_only, rate=pct("100")) == []


def test_bad_profile_levels() -> None:
    prof = profile("p", level(RiskClass.LOW, "0"), level(RiskClass.MEDIUM, "1"), level(RiskClass.MEDIUM, "2"))
    assert codes(_with_profile(prof)) == ["SSJ125", "SSJ125"]


def test_duplicate_profile() -> None:
    first, second = profile("p"), profile("p")
    diagnostics = check(plan(profiles=(first, second)), FILE)
    assert codes(diagnostics) == ["SSJ106"]
    assert diagnostics[0].related[0].span == first.name.span


# ---------------------------------------------------------------- windows and batches


@pytest.mark.parametrize("win, expected", [
    (lambda: window(point(3), point(11)), []),
    (lambda: window(point(4)), []),
    (lambda: window(point(13)), ["SSJ130"]),
    (lambda: window(point(2, 30)), ["SSJ130"]),
    (lambda: window(point(2, 29)), []),  # 2024 is a leap year
    (lambda: window(point(2, 29, next_year=True)), ["SSJ130"]),
    (lambda: window(point(12), point(2)), ["SSJ131"]),
    (lambda: window(point(12), point(2, next_year=True)), ["SSJ133"]),
    (lambda: window(point(3), point(3, next_year=True)), ["SSJ132"]),
    (lambda: window(point(2, 24, year=2026), point(11, 30, year=2026)), ["SSJ133"]),
    (lambda: window(point(3, year=2024), point(10)), []),
])
def test_windows(win: object, expected: list[str]) -> None:
    assert callable(win)
    assert codes(check(plan(task(1, window=win())), FILE)) == expected


def test_resolve_window() -> None:
    cases = [
        (window(point(3), point(11)), (date(2024, 3, 1), date(2024, 11, 30))),
        (window(point(12), point(2, next_year=True)), (date(2024, 12, 1), date(2025, 2, 28))),
        (window(point(2)), (date(2024, 2, 1), date(2024, 2, 29))),
        (window(point(3, year=2026), point(10)), (date(2026, 3, 1), date(2026, 10, 31))),
        (window(point(2, 24, year=2026), point(11, 30, year=2026)), (date(2026, 2, 24), date(2026, 11, 30))),
    ]
    for win, expected in cases:
        assert resolve_window(win, 2024) == expected
    with pytest.raises(ValueError):
        resolve_window(window(point(13)), 2024)


def _batch(label: str, deadline: DatePoint) -> BatchNode:
    return BatchNode(text(label), deadline, sp())


def test_batches() -> None:
    good = (_batch("第一批", point(6, 30)), _batch("第二批", point(11)))
    assert check(plan(task(1, rounds=Rounds(2, sp()), batches=good)), FILE) == []
    late = (_batch("第一批", point(6, 30)), _batch("第二批", point(12, 31)))
    assert codes(check(plan(task(1, rounds=Rounds(2, sp()), window=window(point(3), point(11)),
                                 batches=late)),
                       FILE)) == ["SSJ134"]
    backwards = (_batch("第一批", point(9, 30)), _batch("第二批", point(6, 30)))
    assert codes(check(plan(task(1, rounds=Rounds(2, sp()), batches=backwards)), FILE)) == ["SSJ135"]
    assert codes(check(plan(task(1, rounds=Rounds(3, sp()), batches=good)), FILE)) == ["SSJ136"]


# ---------------------------------------------------------------- selectors


def _selector_codes(selector: Compare | And | Or | Not, fields: tuple[FieldDecl, ...] = ()) -> list[str]:
    scope = Scope(text("对象"), selector, sp())
    return codes(check(plan(task(1, scope=scope), fields=fields), FILE))


def test_unknown_field_suggests() -> None:
    diagnostics = check(plan(task(1, scope=Scope(text("x"), contains("行业类型", "汽车销售"), sp()))), FILE)
    assert codes(diagnostics) == ["SSJ140"]
    assert "行业类别" in (diagnostics[0].hint or "")


def test_english_alias_and_declared_field_are_known() -> None:
    fields = (FieldDecl(name("从业人数"), FieldKind.NUMBER, sp()),)
    selector = And((contains("category", "汽车销售"),
                    Compare(name("从业人数"), CompareOp.GE, Number(Decimal(50), sp()), sp())), sp())
    assert _selector_codes(selector, fields) == []


@pytest.mark.parametrize("field, op, value, expected", [
    ("注册资本", CompareOp.GE, lambda: Money(Decimal(3000), sp()), []),
    ("注册资本", CompareOp.GE, lambda: text("3000万元"), ["SSJ142"]),
    ("注册资本", CompareOp.GE, lambda: Number(Decimal(3000), sp()), ["SSJ142"]),
    ("注册资本", CompareOp.CONTAINS, lambda: Money(Decimal(3000), sp()), ["SSJ141"]),
    ("行业类别", CompareOp.LT, lambda: text("A"), ["SSJ141"]),
    ("名称", CompareOp.GE, lambda: text("甲"), ["SSJ141"]),
    ("名称", CompareOp.EQ, lambda: Number(Decimal(1), sp()), ["SSJ142"]),
    ("行业类别", CompareOp.IN, lambda: text("学校"), ["SSJ142"]),
    ("行业类别", CompareOp.EQ, lambda: ValueList((text("a"),), sp()), ["SSJ142"]),
    ("行业类别", CompareOp.IN, lambda: ValueList((text("公共娱乐场所"), text("文博场所")), sp()), []),
    ("行业类别", CompareOp.IN, lambda: ValueList((), sp()), ["SSJ144"]),
    ("风险等级", CompareOp.EQ, lambda: text("E"), ["SSJ143"]),
    ("风险等级", CompareOp.IN, lambda: ValueList((text("C"), text("高风险")), sp()), []),
])
def test_comparison_kinds(field: str, op: CompareOp, value: object, expected: list[str]) -> None:
    assert callable(value)
    assert _selector_codes(Compare(name(field), op, value(), sp())) == expected


def test_nested_selectors_are_all_checked() -> None:
    selector = Or((Not(contains("行业类型", "a"), sp()), And((contains("名称", "b"), contains("地点", "c")),
                                                         sp())),
                  sp())
    assert _selector_codes(selector) == ["SSJ140", "SSJ140"]


def test_deep_nesting_does_not_recurse() -> None:
    selector: Compare | Not = contains("行业类别", "汽车销售")
    for _ in range(5000):
        selector = Not(selector, sp())
    assert _selector_codes(selector) == []


def test_field_declarations() -> None:
    fields = (FieldDecl(name("机构等级"), FieldKind.TEXT, sp()), FieldDecl(name("机构等级"), FieldKind.LIST,
                                                                       sp()),
              FieldDecl(name("注册资本"), FieldKind.MONEY, sp()))
    assert codes(check(plan(fields=fields), FILE)) == ["SSJ107", "SSJ107"]


def test_diagnostics_sorted_by_position() -> None:
    diagnostics = check(plan(task(2, mode=name("x")), task(1, lead=name("y"))), FILE)
    lines = [d.span.line for d in diagnostics]
    assert lines == sorted(lines)


def test_load_plan_raises_input_error_for_missing_parse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ssj"
    bad.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(InputError) as info:
        checker.load_plan(bad)
    assert info.value.diagnostics


# ---------------------------------------------------------------- golden corpus (tests/broken)

BROKEN = ROOT / "tests" / "broken"
UPDATE_GOLDEN = bool(os.environ.get("SSJ_UPDATE_GOLDEN"))
PARSER_CODES = ("SSJ001", "SSJ003", "SSJ010", "SSJ011", "SSJ012", "SSJ013", "SSJ020", "SSJ021")
"""The parser's main codes the corpus must show (beside every SSJ1xx code)."""


def _run_check(name: str, *options: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from ssjlang.cli import main

    cwd = os.getcwd()
    os.chdir(BROKEN)  # diagnostics name the file as given: keep goldens free of absolute paths
    try:
        result = CliRunner().invoke(main, ["check", *options, name], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout


def _golden(path: Path, actual: str) -> None:
    if UPDATE_GOLDEN:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden {path.name}; run with SSJ_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("plan_file", sorted(p.name for p in BROKEN.glob("*.ssj")))
def test_broken_corpus(plan_file: str) -> None:
    exit_code, text_report = _run_check(plan_file)
    _golden(BROKEN / plan_file.replace(".ssj", ".expected"), text_report)
    assert exit_code == (1 if "error[" in text_report else 0)
    assert "Traceback" not in text_report
    json_golden = BROKEN / plan_file.replace(".ssj", ".json")
    if json_golden.exists():
        _, json_report = _run_check(plan_file, "--format", "json")
        _golden(json_golden, json_report)


def test_corpus_covers_every_code() -> None:
    reports = "".join(p.read_text(encoding="utf-8") for p in BROKEN.glob("*.expected"))
    emitted = set(re.findall(r"(?:error|warning)\[(SSJ\d{3})\]", reports))
    assert len(list(BROKEN.glob("*.ssj"))) >= 25
    assert set(checker.ALL_CODES) - emitted == set()
    assert set(PARSER_CODES) - emitted == set()
