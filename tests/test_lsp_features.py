"""The language server's features in-process (ssjlang.lsp.features, lens, positions, keyword_docs).

tests/test_lsp_server.py drives the real server; these tests cover the many cases of each feature
without a process per case.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from ssjlang.check.checker import load_plan
from ssjlang.check.resolve import resolve_plan
from ssjlang.interpret.draw import draw_plan
from ssjlang.language.keywords import KEYWORDS
from ssjlang.lsp import features, hovers, navigation
from ssjlang.lsp.analysis import Analysis, PlanDocument
from ssjlang.lsp.keyword_docs import KEYWORD_DOCS
from ssjlang.lsp.lens import RegistryCache, RegistrySetting, find_setting, task_lens
from ssjlang.lsp.positions import Positions, units

ROOT = Path(__file__).resolve().parent.parent
CHENGQU = ROOT / "plans" / "chengqu2024.ssj"
ENGLISH = ROOT / "tests" / "plans" / "english2026.ssj"


def analyse(text: str) -> tuple[Analysis, Positions]:
    analysis = PlanDocument("plan.ssj").update(text)
    return analysis, Positions(analysis.text)


def labels_at(text: str, marker: str = "‸") -> list[str]:
    """Completion labels where `marker` stands in `text` (the marker is removed)."""
    offset = text.index(marker)
    analysis, positions = analyse(text.replace(marker, "", 1))
    return [item.label for item in features.completion(analysis, positions, offset).items]


def test_every_keyword_has_its_reference_text() -> None:
    keys = {keyword.key for keyword in KEYWORDS}
    assert set(KEYWORD_DOCS) == keys, {
        "missing": keys - set(KEYWORD_DOCS),
        "unused": set(KEYWORD_DOCS) - keys,
    }
    assert all("(" in text and ")" in text for text in KEYWORD_DOCS.values()), "Chinese with an English gloss"


TASK = """部门 城区商务局 又称 区商务局
部门 城区市场监管局
风险递加 信用分类 "递加" { 高风险 比例×2 }
名录字段 { 机构等级 文本 }
任务 1 "检查" {
  事项 "检查"
  {body}
}
"""


@pytest.mark.parametrize(
    ("body", "expected", "absent"),
    [
        ("发起 ‸", ["城区商务局", "区商务局", "城区市场监管局"], ["信用分类", "事项"]),
        ("配合 城区商务局、‸", ["城区商务局", "区商务局", "城区市场监管局"], ["信用分类"]),
        ("风险 ‸", ["信用分类", "无"], ["城区商务局"]),
        ('对象 "全区" 筛选 ‸', ["行业类别", "注册资本", "机构等级", "非"], ["城区商务局"]),
        ('对象 "全区" 筛选 名称 = "x" 且 ‸', ["行业类别", "机构等级"], ["城区商务局"]),
        ("时间 ‸", ["1月", "12月", "次年"], ["城区商务局"]),
        ("时间 3月—‸", ["11月", "次年"], []),
        ("模式 ‸", ["县抽县查", "市抽县(区)查"], []),
        ("比例 ‸", ["不低于", "按对象", "按总数"], ["事项"]),
        ("‸", ["比例", "频次", "发起", "批次"], ["任务", "城区商务局"]),
        ("发起 城区‸", ["城区商务局", "区商务局"], []),
    ],
)
def test_completion_follows_the_grammar(body: str, expected: list[str], absent: list[str]) -> None:
    labels = labels_at(TASK.replace("{body}", body))
    assert set(expected) <= set(labels), labels
    assert not set(absent) & set(labels), labels


def test_completion_in_an_english_plan_is_english() -> None:
    text = ENGLISH.read_text(encoding="utf-8")
    assert {"task", "department", "task {…}"} <= set(labels_at(text + "‸"))
    inside = text.index("\n", text.index("  mode ")) + 1
    labels = labels_at(text[:inside] + "‸" + text[inside:])
    assert {"items", "rate", "lead"} <= set(labels) and "事项" not in labels


def test_completion_after_a_broken_statement_offers_statements() -> None:
    labels = labels_at('任务 1 "x" { 比例 不低于 }\n‸')
    assert {"任务", "部门", "计划"} <= set(labels)


def test_completion_replaces_the_word_being_typed() -> None:
    text = TASK.replace("{body}", "发起 城区")
    offset = text.index("发起 城区") + len("发起 城区")
    analysis, positions = analyse(text)
    item = next(i for i in features.completion(analysis, positions, offset).items if i.label == "城区商务局")
    assert item.text_edit is not None
    assert positions.offset(item.text_edit.range.start) == offset - 2


def hover_text(text: str, needle: str, shift: int = 0) -> str | None:
    analysis, positions = analyse(text)
    result = hovers.hover(analysis, positions, text.index(needle) + shift)
    return result.contents.value if result is not None else None


def test_hover_texts() -> None:
    text = TASK.replace("{body}", '对象 "全区" 筛选 机构等级 = "三级" 且 行业类别 包含 "x"')
    assert "名录字段 (declared field)，类型 text" in (hover_text(text, "机构等级 =") or "")
    assert "标准字段 (standard field)，类型 list" in (hover_text(text, "行业类别 包含") or "")
    assert KEYWORD_DOCS["where"] in (hover_text(text, "筛选") or "")
    assert KEYWORD_DOCS["contains"] in (hover_text(text, "包含") or "")
    assert hover_text(text, '"全区"', 1) is None  # inside a text: nothing to explain
    english = ENGLISH.read_text(encoding="utf-8")
    assert KEYWORD_DOCS["at_least"] in (hover_text(english, "at least", 3) or "")


def test_hover_on_a_task_of_the_chengqu_plan() -> None:
    text = CHENGQU.read_text(encoding="utf-8")
    value = hover_text(text, '任务 12 "', 4) or ""
    assert value.startswith("**任务 12 ")
    assert "2024-" in value and "次/年" in value


def test_formatting_of_a_broken_or_formatted_plan_changes_nothing() -> None:
    assert features.formatting(*analyse(CHENGQU.read_text(encoding="utf-8"))) == []
    assert features.formatting(*analyse('任务 1 "x" { 比例 }')) == []


def test_symbols_and_folding_of_the_chengqu_plan() -> None:
    analysis, positions = analyse(CHENGQU.read_text(encoding="utf-8"))
    outline = features.symbols(analysis, positions)
    tasks = [s for s in outline if s.kind == types.SymbolKind.Event]
    assert len(tasks) == 27 and tasks[0].name == "任务 1 对中小学学校办学情况双随机抽查"
    assert outline[0].kind == types.SymbolKind.Namespace
    assert all(s.range.start.line <= s.selection_range.start.line <= s.range.end.line for s in outline)
    folds = features.folding(analysis, positions)
    assert types.FoldingRange(start_line=0, end_line=2, kind=types.FoldingRangeKind.Comment) in folds
    assert sum(1 for f in folds if f.kind == types.FoldingRangeKind.Region) >= 27 + 2


def test_symbols_of_a_broken_plan_still_list_its_tasks() -> None:
    text = CHENGQU.read_text(encoding="utf-8").replace(
        "  模式 县抽县查\n}\n\n任务 2", "  模式 县抽县查\n\n任务 2", 1
    )
    analysis, positions = analyse(text)
    assert analysis.plan is None
    assert sum(1 for s in features.symbols(analysis, positions) if s.kind == types.SymbolKind.Event) == 26


def test_positions_in_every_encoding() -> None:
    text = "部门 城区𠮷局\n任务"
    assert [units("𠮷局", e) for e in ("utf-16", "utf-8", "utf-32")] == [3, 7, 2]
    for encoding, character in (("utf-16", 7), ("utf-8", 17), ("utf-32", 6)):
        positions = Positions(text, encoding)
        assert positions.position(text.index("局")) == types.Position(line=0, character=character)
        assert positions.offset(types.Position(line=0, character=character)) == text.index("局")
    assert Positions(text).offset(types.Position(line=9, character=0)) == len(text)


def test_registry_setting_from_client_or_ssj_toml(tmp_path: Path) -> None:
    plan = tmp_path / "plans" / "a.ssj"
    plan.parent.mkdir()
    assert find_setting(plan, "", "", tmp_path) is None
    (tmp_path / "ssj.toml").write_text(
        'registry = "data/registry.csv"\nregistry_encoding = "gb18030"\n', encoding="utf-8"
    )
    found = find_setting(plan, "", "", tmp_path)
    assert found == RegistrySetting(
        (tmp_path / "data" / "registry.csv").resolve(), "gb18030", str(tmp_path / "ssj.toml")
    )
    client = find_setting(plan, "other.csv", "", tmp_path)
    assert client is not None and client.path == (tmp_path / "other.csv").resolve()
    (tmp_path / "ssj.toml").write_text("registry = [", encoding="utf-8")
    assert find_setting(plan, "", "", tmp_path) is None


def test_lens_numbers_are_what_the_draw_selects() -> None:
    """For every task of the plans the draw can take without a roster, the lens shows the subjects in scope
    and the selections `ssj draw` makes (summed over a task's sub-rows)."""
    loaded = RegistryCache().get(RegistrySetting(ROOT / "data" / "registry.csv", None, "test"))
    assert loaded.problem is None
    checked = load_plan(CHENGQU)
    resolved = resolve_plan(checked.plan)
    drawn = draw_plan(resolved, loaded.subjects, "ab" * 32, str(CHENGQU))
    selected: dict[str, int] = {}
    for result in drawn.units:
        code = result.design.unit.code.text
        selected[code] = selected.get(code, 0) + result.selected
    for task in resolved.tasks:
        title = task_lens(resolved, task, loaded, str(CHENGQU))
        assert title.endswith(f"· 本年抽取约 {selected[task.code.text]} 户"), (task.code.text, title)
        assert title.startswith("名录 ")
    assert len(resolved.tasks) == 27


def test_lens_explains_what_it_cannot_compute(tmp_path: Path) -> None:
    resolved = resolve_plan(load_plan(CHENGQU).plan)
    missing = RegistryCache().get(RegistrySetting(tmp_path / "none.csv", None, "test"))
    assert missing.problem is not None and missing.problem.startswith("名录库无法读取 (registry unreadable)")
    bad = tmp_path / "bad.csv"
    bad.write_text("名称\n甲\n", encoding="utf-8")
    broken = RegistryCache().get(RegistrySetting(bad, None, "test"))
    assert broken.problem is not None and broken.problem.startswith("名录库有错误 (registry has errors)")
    assert task_lens(resolved, resolved.tasks[0], broken, "p") == broken.problem


def test_ssj_lsp_without_the_extra_says_what_to_install() -> None:
    code = "import sys; sys.modules['pygls'] = None\nfrom ssjlang.cli import main\nmain(['lsp'])\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "pip install 'ssjlang[lsp]'" in done.stderr and "Traceback" not in done.stderr


def test_ranges_from_line_and_column_equal_ranges_from_offsets() -> None:
    """Positions.range reads a span's line and column (no line table); every span of a parsed plan and
    every diagnostic and fix of the broken corpus gives the same range as counting from its offsets."""
    from ssjlang.language.nodes import Span
    from ssjlang.lsp.analysis import walk

    sources = [CHENGQU, *sorted((ROOT / "tests" / "broken").glob("*.ssj"))]
    for path in sources:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        text = "# 𠮷𠮷\n" + text.replace("部门 ", "部门 𠮷")
        analysis, positions = analyse(text)
        spans = [analysis.absolute(s) for node in (walk(analysis.plan) if analysis.plan else ())
                 for s in vars(node).values() if isinstance(s, Span)]
        spans += [d.span for d in analysis.diagnostics]
        spans += [e.span for d in analysis.diagnostics for f in d.fixes for e in f.edits]
        assert spans
        for span in spans:
            if span.line > 0:
                expected = types.Range(start=positions.position(span.start), end=positions.position(span.end))
                assert positions.range(span) == expected, (path.name, span)


ORGANISED = ROOT / "tests" / "data" / "organised.ssj"
"""A plan with a department's unit (单位, with an alias), a level (层级) and sub-rows (子项)."""


def test_units_and_levels_definition_references_and_hover() -> None:
    text = ORGANISED.read_text(encoding="utf-8")
    analysis, positions = analyse(text)
    assert analysis.diagnostics == []
    use = text.index("检查 信用股") + 3
    found = navigation.definition(analysis, positions, "u", use)
    assert [positions.offset(loc.range.start) for loc in found] == [text.index("信用监管股")]
    refs = navigation.references(analysis, positions, "u", use, include_declaration=True)
    assert [positions.offset(loc.range.start) for loc in refs] == [
        text.index("信用监管股"), text.index("又称 信用股") + 3, use]
    assert "单位 信用监管股 又称 信用股" in (hover_text(text, "检查 信用股", 4) or "")
    level = hover_text(text, "检查 两区", 4) or ""
    assert "层级 两区" in level and "成员 (members)：甲区市场监管局、乙区市场监管局" in level
    department = hover_text(text, "部门 城区市场监管局", 4) or ""
    assert "单位 (units)：信用监管股" in department


def test_task_with_sub_rows_hovers_each_unit_and_outlines_them() -> None:
    text = ORGANISED.read_text(encoding="utf-8")
    value = hover_text(text, '1 "对企业的检查"') or ""
    assert "**任务1（批发）**" in value and "**任务1（零售）**" in value
    assert value.count("2024-03-01 — 2024-11-30（3月—11月）") == 2
    analysis, positions = analyse(text)
    task = next(s for s in features.symbols(analysis, positions) if s.kind == types.SymbolKind.Event)
    assert [child.name for child in task.children or []] == ["子项 1 批发", "子项 2 零售"]
    assert "检查" in labels_at(text.replace("    检查 两区\n", "    ‸\n"))
    assert {"信用监管股", "信用股", "两区", "城区市场监管局"} <= set(
        labels_at(text.replace("  检查 信用股\n", "  检查 ‸\n")))


def test_task_hover_of_a_plan_with_errors_resolves_as_written() -> None:
    text = ORGANISED.read_text(encoding="utf-8").replace("检查 信用股", "检查 信用科")
    value = hover_text(text, '1 "对企业的检查"') or ""
    assert "按写法解析" in value and "2024-03-01 — 2024-11-30" in value
    missing = text.replace("  比例 10%\n", "")
    assert "改正本任务中的错误后显示解析结果" in (hover_text(missing, '1 "对企业的检查"') or "")
