"""The language server's incremental analysis gives exactly what a full parse and `ssj check` give.

Random edits (typing a brace, deleting a range, a misspelt department, a second 计划 block, a field named
部门级别 inside a 名录字段 block, a pasted statement…) are applied one after another to one open document;
after each, the incremental diagnostics must equal the full run's byte for byte (codes, messages, spans,
related spans, fixes) and the joined plan, mapped back to text positions, must equal the parser's plan.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from highlight_truth import SHIPPED_PLANS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang.check.checker import check
from ssjlang.diagnostics import Diagnostic, sorted_diagnostics
from ssjlang.language.nodes import Span
from ssjlang.language.parser import parse
from ssjlang.lsp.analysis import Analysis, PlanDocument

ROOT = Path(__file__).resolve().parent.parent
PLAN_TEXT = (ROOT / "plans" / "chengqu2024.ssj").read_text(encoding="utf-8")
FILE = "plans/chengqu2024.ssj"

sys.path.insert(0, str(ROOT / "bench"))
from check import generated_plan  # noqa: E402  (bench/check.py: the synthetic 1,000-task plan)


def full(text: str) -> tuple[Any, list[Diagnostic]]:
    """What `ssj check` computes: parse, and check when there is a plan."""
    result = parse(text, FILE)
    diagnostics = list(result.diagnostics)
    if result.plan is not None:
        diagnostics += check(result.plan, FILE)
    return result.plan, sorted_diagnostics(diagnostics)


def absolute(analysis: Analysis, node: Any) -> Any:
    if isinstance(node, Span):
        return analysis.absolute(node)
    if isinstance(node, tuple):
        return tuple(absolute(analysis, item) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return dataclasses.replace(
            node, **{f.name: absolute(analysis, getattr(node, f.name)) for f in dataclasses.fields(node)}
        )
    return node


def assert_same_as_full(document: PlanDocument, text: str) -> Analysis:
    analysis = document.update(text)
    plan, diagnostics = full(text)
    assert analysis.diagnostics == diagnostics
    if plan is None:
        assert analysis.plan is None or any(d.is_error for d in diagnostics)
    else:
        assert analysis.plan is not None
        assert absolute(analysis, analysis.plan) == plan
    return analysis


SNIPPETS = [
    "}",
    "{",
    "\n}\n",
    '  备注 "粘贴来的\x01字符"\n',
    "\n层级 市县两级 { 成员 城区市场监管局 }\n",
    "  单位 城区某所\n",
    '\n任务 99 "新任务" {\n',
    "\n部门 城区新设局\n",
    "  配合 城区人设局\n",
    "\n名录字段 {\n  部门级别 文本\n  任务类别 文本\n}\n",
    '\n计划 "第二个计划" { 年度 2024 }\n',
    "“",
    "＝",
    "比例 ",
    "# 注释\n",
    "\n",
    "发起 ",
    "风险 信用分级\n",
    "频次 1.5次/年\n",
    "非 ",
    "部门",
    "任务",
    '\n任务 100 "深" { 对象 "x" 筛选 ' + "(" * 120 + '名称 = "a"' + ")" * 120 + " }\n",
]


@st.composite
def edits(draw: st.DrawFn, text: str) -> str:
    kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
    position = draw(st.integers(min_value=0, max_value=len(text)))
    if kind == "insert":
        return text[:position] + draw(st.sampled_from(SNIPPETS)) + text[position:]
    length = draw(st.integers(min_value=1, max_value=40))
    if kind == "delete":
        return text[:position] + text[position + length :]
    if kind == "replace":
        return text[:position] + draw(st.sampled_from(SNIPPETS)) + text[position + length :]
    start = text.rfind("\n任务", 0, position)
    end = text.find("\n任务", position)
    if start < 0 or end < 0:
        return text
    return text[:end] + text[start:end] + text[end:]




@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits_give_what_a_full_check_gives(data: st.DataObject) -> None:
    document = PlanDocument(FILE)
    text = data.draw(st.sampled_from(SHIPPED_PLANS)).read_text(encoding="utf-8")
    assert_same_as_full(document, text)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        text = data.draw(edits(text))
        assert_same_as_full(document, text)


def test_an_edit_reparses_only_its_statement() -> None:
    document = PlanDocument(FILE)
    first = assert_same_as_full(document, PLAN_TEXT)
    assert first.reparsed == len(first.pieces) > 40
    edited = PLAN_TEXT.replace("发起 城区教科局", "发起 城区教科居", 1)
    second = assert_same_as_full(document, edited)
    assert second.reparsed == 1
    assert [d.code for d in second.diagnostics if d.is_error] == ["SSJ104"]
    moved = assert_same_as_full(document, "# 新的一行\n" + edited)
    assert moved.reparsed == 1  # only the first piece (comments and the 计划 block) changed


def test_a_block_left_open_is_the_error_ssj_check_reports() -> None:
    document = PlanDocument(FILE)
    assert_same_as_full(document, PLAN_TEXT)
    broken = PLAN_TEXT.replace("  模式 县抽县查\n}\n\n任务 2", "  模式 县抽县查\n\n任务 2", 1)
    analysis = assert_same_as_full(document, broken)
    assert analysis.plan is None and analysis.reparsed <= 4
    assert [d.code for d in analysis.diagnostics] == ["SSJ010"]


def test_a_statement_keyword_inside_a_block_is_not_a_cut() -> None:
    document = PlanDocument(FILE)
    text = PLAN_TEXT.replace(
        "部门 城区教科局\n", "名录字段 {\n  部门级别 文本\n  任务类别 列表\n}\n\n部门 城区教科局\n"
    )
    analysis = assert_same_as_full(document, text)
    assert analysis.plan is not None and [f.name.value for f in analysis.plan.fields] == [
        "部门级别",
        "任务类别",
    ]


def test_identical_statements_keep_their_own_positions() -> None:
    document = PlanDocument(FILE)
    task = PLAN_TEXT[PLAN_TEXT.index("任务 1 ") : PLAN_TEXT.index("任务 2 ")]
    analysis = assert_same_as_full(document, PLAN_TEXT + task + task)
    duplicates = [d for d in analysis.diagnostics if d.code == "SSJ111"]
    assert len(duplicates) == 2 and duplicates[0].span.line != duplicates[1].span.line


def test_the_generated_plan_of_bench_check() -> None:
    """The synthetic plan of the benchmarks (here 200 tasks; bench/lsp.py times 1,000)."""
    text = generated_plan(200)
    document = PlanDocument(FILE)
    assert_same_as_full(document, text)
    edited = text.replace("  发起 城区商务局\n", "  发起 城区商务居\n", 1)
    analysis = assert_same_as_full(document, edited)
    assert analysis.reparsed == 1
    assert analysis.plan is not None and len(analysis.plan.tasks) == 200


def test_english_and_crlf_text() -> None:
    english = (ROOT / "tests" / "plans" / "english2026.ssj").read_text(encoding="utf-8")
    analysis = assert_same_as_full(PlanDocument(FILE), english.replace("\n", "\r\n"))
    assert analysis.language == "en"


def test_a_control_character_in_a_text_is_reported_as_ssj_check_reports_it() -> None:
    """check(…, source=…) skips the SSJ156 walk only when the source has no such character."""
    text = PLAN_TEXT.replace('"对中小学学校办学情况双随机抽查"', '"对中小学学校办学情况\x01双随机抽查"')
    analysis = assert_same_as_full(PlanDocument(FILE), text)
    assert "SSJ156" in [d.code for d in analysis.diagnostics]
