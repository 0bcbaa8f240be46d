"""Formatter tests: canonical layout, comments in place, idempotency and AST round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssjlang.formatter import format_plan, strip_spans
from ssjlang.nodes import NO_SPAN
from ssjlang.parser import parse, read_source

ROOT = Path(__file__).resolve().parents[1]
PLAN_FILES = sorted([*(ROOT / "plans").glob("*.ssj"), *(ROOT / "tests" / "plans").glob("*.ssj")])


def fmt(source: str) -> str:
    result = parse(source, "t.ssj")
    assert result.plan is not None and result.diagnostics == [], result.diagnostics
    return format_plan(result.plan, result.comments)


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


def test_shipped_plan_is_already_canonical() -> None:
    source, _ = read_source(ROOT / "plans" / "chengqu2024.ssj")
    assert source is not None and fmt(source) == source


def test_canonical_layout() -> None:
    source = ('task 2 "t" { mode M; assist B, C; lead A; undirected; window 2026-03-01 to 2026-11-30;'
              ' risk none "/"; rounds 1 per year; rate at least 10% (at least 3 subjects);'
              ' scope "s" where a contains "x" and not (b = 1 or c in ["p", "q"]); items {"i"; "j"} }\n'
              "department A aka AA; plan \"P\" { year 2026 }\n"
              "escalation E { high rate x 2 rounds 2 per year }\n")
    assert fmt(source) == (
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
    assert "    不超过 10: 不少于 2户;\n    超过 10: 不低于 50%;\n" in out
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
