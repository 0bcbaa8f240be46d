"""Formatter tests: canonical layout, comments in place, idempotency and AST round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ssjlang.cli import main
from ssjlang.language.formatter import format_plan
from ssjlang.language.nodes import NO_SPAN, strip_spans
from ssjlang.language.parser import parse, read_source

ROOT = Path(__file__).resolve().parents[1]
PLAN_FILES = sorted([*(ROOT / "plans").glob("*.ssj"), *(ROOT / "tests" / "plans").glob("*.ssj")])
LOOSE_FILES = sorted((ROOT / "tests" / "parse_inputs").glob("*.ssj"))
"""Non-canonical twins of tests/plans/*.ssj (tests/parse_inputs/NAME_anything.ssj ↔ tests/plans/NAME.ssj)."""


def fmt(source: str, language: str | None = None) -> str:
    """Format as `ssj fmt` does: in the language given, else in the source's own."""
    result = parse(source, "t.ssj")
    assert result.plan is not None and result.diagnostics == [], result.diagnostics
    return format_plan(result.plan, result.comments, language or result.language)


def test_there_are_plans_to_check() -> None:
    names = {p.name for p in PLAN_FILES}
    assert {"chengqu2024.ssj", "yangcheng2026.ssj", "english2026.ssj"} <= names


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.name)
def test_format_is_idempotent_and_round_trips(path: Path) -> None:
    source, problems = read_source(path)
    assert source is not None and problems == []
    first = parse(source, str(path))
    assert first.plan is not None and first.diagnostics == []
    once = format_plan(first.plan, first.comments)
    second = parse(once, "formatted.ssj")
    assert second.plan is not None and second.diagnostics == []
    assert strip_spans(second.plan) == strip_spans(first.plan)
    assert [c.text for c in second.comments] == [c.text for c in first.comments]
    assert format_plan(second.plan, second.comments) == once


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.name)
def test_every_plan_is_already_canonical(path: Path) -> None:
    source, _ = read_source(path)
    assert source is not None and fmt(source) == source


def test_ssj_fmt_check_passes_on_every_plan() -> None:
    """The check a CI job runs: `ssj fmt --check plans/*.ssj tests/plans/*.ssj` changes nothing."""
    before = {path: path.read_bytes() for path in PLAN_FILES}
    result = CliRunner().invoke(main, ["fmt", "--check", *map(str, PLAN_FILES)])
    assert result.exit_code == 0, result.output
    assert "would reformat" not in result.output
    assert {path: path.read_bytes() for path in PLAN_FILES} == before


def test_loose_inputs_have_canonical_twins() -> None:
    assert {p.name for p in LOOSE_FILES} >= {"yangcheng2026_ime.ssj", "english2026_loose.ssj"}


@pytest.mark.parametrize("path", LOOSE_FILES, ids=lambda p: p.name)
def test_loose_input_formats_to_its_canonical_twin(path: Path) -> None:
    """Full-width punctuation, unspaced forms, ISO dates, English synonyms: same plan, and `ssj fmt`
    turns the loose file into exactly the canonical one (apart from the explanatory header comment)."""
    twin = ROOT / "tests" / "plans" / (path.stem.split("_")[0] + ".ssj")
    loose, _ = read_source(path)
    canonical, _ = read_source(twin)
    assert loose is not None and canonical is not None
    loose_result, canonical_result = parse(loose, str(path)), parse(canonical, str(twin))
    assert loose_result.plan is not None and loose_result.diagnostics == []
    assert canonical_result.plan is not None
    assert strip_spans(loose_result.plan) == strip_spans(canonical_result.plan)
    assert loose_result.language == canonical_result.language

    def body(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith(("#", "//")))

    assert body(fmt(loose)) == body(canonical)
    assert fmt(loose) != loose  # the loose file really is not canonical


def test_canonical_layout() -> None:
    source = ('task 2 "t" { mode M; assist B, C; lead A; undirected; window 2026-03-01 to 2026-11-30;'
              ' risk none "/"; rounds 1 per year; rate at least 10% (at least 3 subjects);'
              ' scope "s" where a contains "x" and not (b = 1 or c in ["p", "q"]); items {"i"; "j"} }\n'
              "department A aka AA; plan \"P\" { year 2026 }\n"
              "escalation E { high rate x 2 rounds 2 per year }\n")
    assert fmt(source, "zh") == (
        '计划 "P" {\n'
        "  年度 2026\n"
        "}\n"
        "\n"
        "部门 A 又称 AA\n"
        "\n"
        "风险递加 E {\n"
        "  高风险 比例×2 频次 2次/年\n"
        "}\n"
        "\n"
        '任务 2 "t" {\n'
        "  事项 {\n"
        '    "i"\n'
        '    "j"\n'
        "  }\n"
        '  对象 "s" 筛选 a 包含 "x" 且 非 (b = 1 或 c 属于 ["p", "q"])\n'
        "  比例 不低于 10% (不少于 3户)\n"
        "  频次 1次/年\n"
        '  风险 无 "/"\n'
        "  时间 2026年3月1日—2026年11月30日\n"
        "  不定向\n"
        "  发起 A\n"
        "  配合 B、C\n"
        "  模式 M\n"
        "}\n"
    )


def test_rate_blocks_and_windows() -> None:
    out = fmt('任务 1 "t" { 比例 按总数 { 10所及以下：不少于2所；超过10所：不低于50% } 时间 12月至次年2月 }\n'
              '任务 2 "u" { 比例 按对象 { "三级" 等级 = "三级"：≥50%，等级 = "二级"：30% } 时间 4月 }\n')
    assert "    不超过 10: 不少于 2所;\n    超过 10: 不低于 50%;\n" in out
    assert '    "三级" 等级 = "三级": 不低于 50%;\n    等级 = "二级": 30%;\n' in out
    assert "时间 12月至次年2月\n" in out and "时间 4月\n" in out


def test_selector_parentheses_keep_the_tree() -> None:
    out = fmt('任务 1 "t" { 对象 "s" 筛选 (a = 1 或 b = 2) 或 c = 3 且 (d = 4 且 e = 5) }')
    assert '筛选 (a = 1 或 b = 2) 或 c = 3 且 (d = 4 且 e = 5)' in out


def test_money_and_numbers_are_normalised() -> None:
    out = fmt('任务 1 "t" { 对象 "s" 筛选 注册资本 >= 1.5亿元 且 注册资本 < 200元 且 x = 1.50 }')
    assert "注册资本 >= 15000万元 且 注册资本 < 0.02万元 且 x = 1.5" in out


def test_comments_stay_in_place() -> None:
    source = (
        "# file header\n"
        "\n"
        "部门 甲 # trailing on a department\n"
        "\n"
        "# before the task\n"
        '任务 1 "t" {   # after the brace\n'
        "  # before rate\n"
        "  比例 10%   // trailing rate\n"
        '  事项 { "a"  # on item a\n'
        '    "b" }\n'
        "  # before the closing brace\n"
        "}  # after the task\n"
        "# at the end\n"
    )
    assert fmt(source) == (
        "# file header\n"
        "\n"
        "部门 甲  # trailing on a department\n"
        "\n"
        "# before the task\n"
        '任务 1 "t" {  # after the brace\n'
        "  事项 {\n"
        '    "a"  # on item a\n'
        '    "b"\n'
        "  }\n"
        "  # before rate\n"
        "  比例 10%  # trailing rate\n"
        "  # before the closing brace\n"
        "}  # after the task\n"
        "\n"
        "# at the end\n"
    )
    assert fmt(fmt(source)) == fmt(source)


def test_text_escapes_round_trip() -> None:
    out = fmt('任务 1 "a\\"b\\\\c\\nd" { 事项 「e\\f」 }')
    assert '任务 1 "a\\"b\\\\c\\nd" {' in out and '事项 "e\\\\f"' in out
    assert fmt(out) == out


def test_empty_plan_and_strip_spans() -> None:
    assert fmt("") == ""
    assert fmt("# only\n") == "# only\n"
    plan = parse('部门 甲', "x").plan
    stripped = strip_spans(plan)
    assert stripped.span == NO_SPAN and stripped.departments[0].name.span == NO_SPAN
    assert stripped.departments[0].name.value == "甲"


# ---------------------------------------------------------------- count units and keyword language


def test_count_units_are_kept() -> None:
    out = fmt('任务 1 "t" { 比例 不少于2所 }\n任务 2 "u" { 比例 20家 }\n'
              '任务 3 "v" { 比例 10%（不少于２个） }\n任务 4 "w" { 比例 5 subjects }\n')
    assert "比例 不少于 2所\n" in out and "比例 20家\n" in out and "比例 10% (不少于 2个)\n" in out
    assert "比例 5户\n" in out
    assert fmt(out) == out


def test_english_plan_stays_english() -> None:
    source = ('plan "P" { year 2026 }\ndepartment A aka AA, AB\n'
              'escalation E { B rate * 1.5; high rate at least 60% rounds 2 per year }\n'
              'task 2 "t" { items {"i"; "j"} scope "s" where a contains "x"'
              ' and not (b = 1 or c in ["p", "q"]) and capital >= 1.5 yi;'
              ' rate 10% (at least 3 subjects); rounds 1 per year; undirected;'
              ' window 2026年3月1日 to 11月; batch "b" due next-year 2月; lead A; assist AA, AB; mode M }\n'
              'task 3 "u" { rate by count { 10 or fewer: at least 2所; more than 10: 50% } risk none "/" }\n')
    assert fmt(source) == (
        'plan "P" {\n'
        "  year 2026\n"
        "}\n"
        "\n"
        "department A alias AA, AB\n"
        "\n"
        "escalation E {\n"
        "  medium rate x 1.5\n"
        "  high rate at least 60% rounds 2 per year\n"
        "}\n"
        "\n"
        'task 2 "t" {\n'
        "  items {\n"
        '    "i"\n'
        '    "j"\n'
        "  }\n"
        '  scope "s" where a contains "x" and not (b = 1 or c in ["p", "q"]) and capital >= 15000 wan\n'
        "  rate 10% (at least 3 subjects)\n"
        "  rounds 1 per year\n"
        "  window 2026-03-01 to 11月\n"
        '  batch "b" due next-year 2月\n'
        "  undirected\n"
        "  lead A\n"
        "  assist AA, AB\n"
        "  mode M\n"
        "}\n"
        "\n"
        'task 3 "u" {\n'
        "  rate by count {\n"
        "    at most 10: at least 2所;\n"
        "    above 10: 50%;\n"
        "  }\n"
        '  risk none "/"\n'
        "}\n"
    )
    assert fmt(fmt(source)) == fmt(source)
    chinese = fmt(source, "zh")
    assert chinese.startswith('计划 "P" {\n  年度 2026\n}') and "比例 10% (不少于 3户)" in chinese
    assert strip_spans(parse(chinese, "zh.ssj").plan) == strip_spans(parse(fmt(source), "en.ssj").plan)


@pytest.mark.parametrize("source, language", [
    ('任务 1 "t" { 比例 20% }', "zh"),
    ('task 1 "t" { rate 20% }', "en"),
    ('task 1 "t" { rate 20%; 频次 1次/年; window 3月 }', "en"),  # 4 English keywords, 2 Chinese
    ('任务 1 "t" { rate 20%; 频次 1次/年 }', "zh"),  # a tie: Chinese, the canonical language
    ('风险递加 E { A 比例×2 }', "zh"),  # the class letters A B C D U count for neither
    ("", "zh"),
])
def test_keyword_language_is_the_majority(source: str, language: str) -> None:
    assert parse(source, "t.ssj").language == language


def test_english_keyword_never_swallows_a_word() -> None:
    """`B` (一般风险) must not match the start of `batch`, nor `D`/`U` of `directed`/`undirected`."""
    for field in ('batch "b" due 2026-05-01', "directed", "undirected"):
        result = parse(f'task 1 "t" {{ rounds 1 per year\n {field} }}', "t.ssj")
        assert result.plan is not None and result.diagnostics == [], (field, result.diagnostics)
