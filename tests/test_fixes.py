"""Structured fixes (Diagnostic.fixes): applying one makes its problem go away and breaks nothing else.

Every fix is applied to the source text by offsets, the way an editor applies a quick fix, and the
result is parsed and checked again: the diagnostic it fixes must be gone and no new problem may appear.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssjlang.check.checker import check
from ssjlang.diagnostics import Diagnostic, Fix
from ssjlang.language.parser import parse

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"


def apply_fix(text: str, fix: Fix) -> str:
    """The text with the fix's edits applied (last edit first, so earlier offsets stay valid)."""
    for edit in sorted(fix.edits, key=lambda e: e.span.start, reverse=True):
        text = text[:edit.span.start] + edit.new_text + text[edit.span.end:]
    return text


def diagnostics_of(text: str, file: str = "plan.ssj") -> list[Diagnostic]:
    result = parse(text, file)
    found = list(result.diagnostics)
    if result.plan is not None:
        found += check(result.plan, file)
    return found


def problems(diagnostics: list[Diagnostic]) -> set[tuple[str, str]]:
    """Codes and messages, without positions (a fix moves the text after it)."""
    return {(d.code, d.message) for d in diagnostics}


PLAN = """计划 "测试计划" {
  年度 2024
}

部门 城区市场监管局
部门 城区人社局 又称 区人社局

风险递加 信用分类 "递加" {
  高风险 比例×2
}

任务 1 "对用人单位的检查" {
  事项 "劳动用工检查"
  对象 "全区用人单位"
  比例 不低于 5%
  频次 1次/年
  风险 信用分级
  时间 3月—11月
  发起 城区人社居
  配合 城区市场监管局
  模式 县抽县查
}
"""


def fixes_for(text: str, code: str) -> tuple[Diagnostic, tuple[Fix, ...]]:
    found = [d for d in diagnostics_of(text) if d.code == code]
    assert len(found) == 1, found
    return found[0], found[0].fixes


def test_the_plan_has_exactly_the_two_problems_fixed_below() -> None:
    assert sorted(d.code for d in diagnostics_of(PLAN)) == ["SSJ104", "SSJ108"]


def test_misspelt_department_fixes_replace_alias_and_declare() -> None:
    diagnostic, fixes = fixes_for(PLAN, "SSJ104")
    titles = [fix.title for fix in fixes]
    assert titles == [
        "改为「城区人社局」 (replace with 城区人社局)",
        "在「城区人社局」的声明中加上 又称 城区人社居 (add 城区人社居 as an alias of 城区人社局)",
        "声明部门「城区人社居」 (declare the department 城区人社居)",
    ]
    replaced, aliased, declared = (apply_fix(PLAN, fix) for fix in fixes)
    assert "发起 城区人社局\n" in replaced
    assert "部门 城区人社局 又称 区人社局、城区人社居\n" in aliased
    assert "部门 城区人社局 又称 区人社局\n部门 城区人社居\n" in declared
    for fixed in (replaced, aliased, declared):
        assert problems(diagnostics_of(fixed)) == problems(diagnostics_of(PLAN)) - {
            (diagnostic.code, diagnostic.message)}


def test_alias_fix_without_aliases_writes_the_keyword() -> None:
    text = PLAN.replace("发起 城区人社居", "发起 市场监管局")
    _, fixes = fixes_for(text, "SSJ104")
    aliased = apply_fix(text, fixes[1])
    assert "部门 城区市场监管局 又称 市场监管局\n" in aliased
    assert "SSJ104" not in {d.code for d in diagnostics_of(aliased)}


def test_declare_fix_without_any_department_goes_after_the_plan_block() -> None:
    text = PLAN.replace("部门 城区市场监管局\n部门 城区人社局 又称 区人社局\n", "").replace(
        "  配合 城区市场监管局\n", "")
    _, fixes = fixes_for(text, "SSJ104")
    assert [f.title for f in fixes] == ["声明部门「城区人社居」 (declare the department 城区人社居)"]
    declared = apply_fix(text, fixes[0])
    assert declared.startswith('计划 "测试计划" {\n  年度 2024\n}\n\n部门 城区人社居\n')
    assert "SSJ104" not in {d.code for d in diagnostics_of(declared)}


def test_declare_fix_without_plan_block_or_departments_goes_before_the_first_task() -> None:
    text = "任务 1 \"t\" {\n  发起 某局\n}\n"
    found = [d for d in diagnostics_of(text) if d.code == "SSJ104"]
    assert apply_fix(text, found[0].fixes[-1]).startswith("部门 某局\n\n任务 1")


def test_misspelt_profile_fix() -> None:
    _, fixes = fixes_for(PLAN, "SSJ108")
    assert [f.title for f in fixes] == ["改为「信用分类」 (replace with 信用分类)"]
    fixed = apply_fix(PLAN, fixes[0])
    assert "风险 信用分类\n" in fixed
    assert {d.code for d in diagnostics_of(fixed)} == {"SSJ104"}


def test_unknown_profile_without_a_close_name_has_no_fix() -> None:
    _, fixes = fixes_for(PLAN.replace("信用分级", "完全不同"), "SSJ108")
    assert fixes == ()


@pytest.mark.parametrize(("written", "expected"), [
    ('对象 "全区" 筛选 名称 ＝ "x"', '对象 "全区" 筛选 名称 = "x"'),
    ('对象 "全区" 筛选 注册资本 ＞ 5万元', '对象 "全区" 筛选 注册资本 > 5万元'),
    ("对象 “全区用人单位”", "对象 「全区用人单位」"),
    ("对象 『全区用人单位』", "对象 「全区用人单位」"),
    ('对象 "全区"。', '对象 "全区"'),
])
def test_fullwidth_punctuation_fix(written: str, expected: str) -> None:
    text = PLAN.replace('对象 "全区用人单位"', written)
    found = [d for d in diagnostics_of(text) if d.code == "SSJ012"]
    assert len(found) == 1 and len(found[0].fixes) == 1, found
    fixed = apply_fix(text, found[0].fixes[0])
    assert expected in fixed
    assert {d.code for d in diagnostics_of(fixed)} == {"SSJ104", "SSJ108"}


def test_chinese_quote_without_its_closer_on_the_line_has_no_fix() -> None:
    text = PLAN.replace('对象 "全区用人单位"', "对象 “全区用人单位")
    found = [d for d in diagnostics_of(text) if d.code == "SSJ012"]
    assert found and found[0].fixes == ()


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("plan_file", sorted(p.name for p in BROKEN.glob("*.ssj") if _utf8(p)))
def test_every_fix_in_the_broken_corpus_removes_its_problem(plan_file: str) -> None:
    """Whatever fix the corpus's diagnostics offer, applied alone, removes that problem. (A plan with a
    syntax error is not checked; once a fix lets it parse, the checker's SSJ1xx may appear.)"""
    text = (BROKEN / plan_file).read_text(encoding="utf-8")
    before = diagnostics_of(text, plan_file)
    parsed = parse(text, plan_file).plan is not None
    for diagnostic in before:
        for fix in diagnostic.fixes:
            after = diagnostics_of(apply_fix(text, fix), plan_file)
            assert (diagnostic.code, diagnostic.message) not in problems(after), fix.title
            new = {(code, message) for code, message in problems(after) - problems(before)
                   if parsed or not code.startswith("SSJ1")}
            assert not new, (fix.title, new)
