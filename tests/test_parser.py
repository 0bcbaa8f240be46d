"""Parser tests: every construct, every written form, spans, robustness and syntax-error messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ssjlang.diagnostics import Severity
from ssjlang.language.keywords import KEYWORDS, NAME_ALTERNATIVE_KEYS, keyword_of_terminal
from ssjlang.language.nodes import (
    NO_SPAN,
    And,
    Compare,
    CompareOp,
    CountRates,
    DatePoint,
    FieldKind,
    Money,
    Not,
    Number,
    Or,
    Rate,
    RiskClass,
    Span,
    SubgroupRates,
    Task,
    Text,
    ValueList,
    strip_spans,
)
from ssjlang.language.parser import MAX_NESTING, ParseResult, _parser, parse, read_source

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "plans" / "chengqu2024.ssj"
SEED_SENTENCE = ("根据企业信用风险分类结果，结合行业监管风险分类，"
                 "对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次")


def task_of(body: str, prefix: str = "") -> Task:
    """Parse one task with the given body and return it (the parse must be clean)."""
    result = parse(f'{prefix}任务 1 "t" {{\n{body}\n}}\n', "t.ssj")
    assert result.diagnostics == [], result.diagnostics
    assert result.plan is not None
    return strip_spans(result.plan.tasks[0])


def errors_of(source: str) -> ParseResult:
    result = parse(source, "t.ssj")
    assert result.diagnostics, "expected a diagnostic"
    return result


# ---------------------------------------------------------------- the shipped plan


def test_chengqu_plan_parses_with_all_27_tasks() -> None:
    source, problems = read_source(PLAN)
    assert problems == [] and source is not None
    result = parse(source, str(PLAN))
    assert result.diagnostics == []
    plan = result.plan
    assert plan is not None
    assert [t.code.number for t in plan.tasks] == list(range(1, 28))
    assert plan.header.year is not None and plan.header.year.value == 2024
    assert plan.header.region is not None and plan.header.region.value == "晋城市城区"
    assert plan.header.division_code is not None and plan.header.division_code.value == "140502"
    assert len(plan.departments) == 16
    aliases = {d.name.value: [a.value for a in d.aliases] for d in plan.departments}
    assert aliases["城区人社局"] == ["区人社局"]
    assert "城区消防救援支队" not in aliases
    (profile,) = plan.profiles
    assert profile.description is not None and profile.description.value == SEED_SENTENCE
    levels = {lv.risk: (lv.multiplier, lv.rounds.times if lv.rounds else None) for lv in profile.levels}
    assert levels == {
        RiskClass.LOW: (Decimal(1), None),
        RiskClass.MEDIUM: (Decimal("1.5"), None),
        RiskClass.HIGHER: (Decimal(2), None),
        RiskClass.HIGH: (Decimal(3), 2),
        RiskClass.UNCLASSIFIED: (Decimal(1), None),
    }
    by_no = {t.code.number: t for t in plan.tasks}
    assert all([m.value for m in t.modes] == ["县抽县查"] and t.directed for t in plan.tasks)
    assert all(t.scope is not None and t.scope.selector is not None for t in plan.tasks)
    assert by_no[9].assist[0].value == "城区消防救援大队"
    assert by_no[18].assist[0].value == "区人社局"
    assert by_no[18].rounds is not None and by_no[18].rounds.times == 2
    for no in (10, 20):
        risk = by_no[no].risk
        assert risk is not None and risk.text is not None and risk.text.value == SEED_SENTENCE + "。"
    assert by_no[21].risk is not None and by_no[21].risk.profile is None
    assert by_no[21].risk.text is not None and by_no[21].risk.text.value == "/"
    for no in (2, 6, 12, 15, 18):
        assert by_no[no].risk is not None and by_no[no].risk.profile is None and by_no[no].risk.text is None
    window = by_no[20].window
    assert window is not None and window.end is not None
    assert (window.start.month, window.end.month, window.end.next_year) == (12, 2, True)
    assert by_no[5].items is not None and len(by_no[5].items) == 6
    assert by_no[5].items[4].text.value == ("规模发卡企业登录商务部“单用途商业预付卡业务信息系统”"
                                            "填报情况的检查")
    rate27 = by_no[27].rate
    assert isinstance(rate27, Rate) and rate27.percent == 6 and not rate27.at_least
    selector = by_no[27].scope.selector if by_no[27].scope else None
    assert isinstance(selector, And)
    assert selector.operands[0] == Compare(selector.operands[0].field, CompareOp.GE,  # type: ignore[union-attr]
                                           Money(Decimal(3000), selector.operands[0].value.span),  # type: ignore[union-attr]
                                           selector.operands[0].span)


# ---------------------------------------------------------------- constructs


def test_header_and_fields_and_departments() -> None:
    result = parse(
        '计划 "T" { 年度 2024; 地区 "R"; 区划代码 "140502"; 发文机关 "A";\n'
        '文号 "X〔{年}〕{号}号"; 联系人 "C" }\n'
        "名录字段 { 甲 文本 乙 列表 丙 金额 丁 数值 戊 日期 }\n"
        "部门 城区人社局 又称 区人社局、人社局，人社\n",
        "t.ssj",
    )
    assert result.diagnostics == []
    plan = strip_spans(result.plan)
    assert plan.header.title == Text("T", NO_SPAN)
    assert plan.header.doc_number.value == "X〔{年}〕{号}号"
    assert [f.kind for f in plan.fields] == [FieldKind.TEXT, FieldKind.LIST, FieldKind.MONEY,
                                              FieldKind.NUMBER, FieldKind.DATE]
    assert [a.value for a in plan.departments[0].aliases] == ["区人社局", "人社局", "人社"]


@pytest.mark.parametrize(("written", "expected"), [
    ("20%", Rate(Decimal(20), False, None, None, NO_SPAN)),
    ("20％", Rate(Decimal(20), False, None, None, NO_SPAN)),
    ("不低于 10%", Rate(Decimal(10), True, None, None, NO_SPAN)),
    ("不低于10%", Rate(Decimal(10), True, None, None, NO_SPAN)),
    ("≥50%", Rate(Decimal(50), True, None, None, NO_SPAN)),
    ("at least 2.5%", Rate(Decimal("2.5"), True, None, None, NO_SPAN)),
    ("10% 不少于 2户", Rate(Decimal(10), False, None, 2, NO_SPAN)),
    ("10%（不少于2户）", Rate(Decimal(10), False, None, 2, NO_SPAN)),
    ("20户", Rate(None, False, 20, None, NO_SPAN)),
    ("1家", Rate(None, False, 1, None, NO_SPAN, "家")),
    ("5 subjects", Rate(None, False, 5, None, NO_SPAN)),
    ("不少于 2所", Rate(None, True, 2, None, NO_SPAN, "所")),
    ("10%（不少于２个）", Rate(Decimal(10), False, None, 2, NO_SPAN, "个")),
    ("20 SUBJECTS", Rate(None, False, 20, None, NO_SPAN, "户")),
    ("20 # 注释\n 家", Rate(None, False, 20, None, NO_SPAN, "家")),
    ("２０％", Rate(Decimal(20), False, None, None, NO_SPAN)),
])
def test_rate_forms(written: str, expected: Rate) -> None:
    assert task_of(f"比例 {written}").rate == expected


def test_subgroup_rates() -> None:
    task = task_of('比例 按对象 {\n "三级" 机构等级 = "三级"：≥50%，\n'
                   ' "二级" 机构等级 = "二级": 不低于 30%\n}')
    assert isinstance(task.rate, SubgroupRates)
    assert [r.label.value for r in task.rate.rules] == ["三级", "二级"]
    assert [r.rate.percent for r in task.rate.rules] == [50, 30]


def test_subgroup_rule_without_label() -> None:
    task = task_of('rate by subgroup { grade = "3": 50%; grade = "2": 30% }')
    assert isinstance(task.rate, SubgroupRates) and task.rate.rules[0].label is None


def test_count_rates_conditional() -> None:
    task = task_of("比例 按总数 { 10所及以下：不少于2所；超过10所：不低于50% }")
    assert isinstance(task.rate, CountRates)
    first, second = task.rate.rules
    assert (first.op, first.threshold, first.rate.count, first.rate.at_least) == (CompareOp.LE, 10, 2, True)
    assert (second.op, second.threshold, second.rate.percent) == (CompareOp.GT, 10, 50)


@pytest.mark.parametrize(("written", "op"), [
    ("不超过 10", CompareOp.LE), ("10 以下", CompareOp.LE), ("少于 10", CompareOp.LT),
    ("超过 10", CompareOp.GT), ("不少于 10", CompareOp.GE), ("10以上", CompareOp.GE),
    ("at most 10", CompareOp.LE), ("more than 10", CompareOp.GT), ("fewer than 10", CompareOp.LT),
])
def test_count_conditions(written: str, op: CompareOp) -> None:
    task = task_of(f"比例 按总数 {{ {written}: 20% }}")
    assert isinstance(task.rate, CountRates) and task.rate.rules[0].op == op


@pytest.mark.parametrize(("written", "start", "end"), [
    ("3月-11月", DatePoint(None, 3, None, False, NO_SPAN), DatePoint(None, 11, None, False, NO_SPAN)),
    ("3月—10月", DatePoint(None, 3, None, False, NO_SPAN), DatePoint(None, 10, None, False, NO_SPAN)),
    ("3月–10月", DatePoint(None, 3, None, False, NO_SPAN), DatePoint(None, 10, None, False, NO_SPAN)),
    ("3月～10月", DatePoint(None, 3, None, False, NO_SPAN), DatePoint(None, 10, None, False, NO_SPAN)),
    ("12月至次年2月", DatePoint(None, 12, None, False, NO_SPAN), DatePoint(None, 2, None, True, NO_SPAN)),
    ("4月", DatePoint(None, 4, None, False, NO_SPAN), None),
    ("2024年3月至10月", DatePoint(2024, 3, None, False, NO_SPAN), DatePoint(None, 10, None, False, NO_SPAN)),
    ("2026年2月24日-2026年11月30日", DatePoint(2026, 2, 24, False, NO_SPAN),
     DatePoint(2026, 11, 30, False, NO_SPAN)),
    ("2026-02-24 to 2026-11-30", DatePoint(2026, 2, 24, False, NO_SPAN),
     DatePoint(2026, 11, 30, False, NO_SPAN)),
    ("2026-02-2026-05", DatePoint(2026, 2, None, False, NO_SPAN), DatePoint(2026, 5, None, False, NO_SPAN)),
    ("13月", DatePoint(None, 13, None, False, NO_SPAN), None),
])
def test_window_forms(written: str, start: DatePoint, end: DatePoint | None) -> None:
    window = task_of(f"时间 {written}").window
    assert window is not None and (window.start, window.end) == (start, end)


@pytest.mark.parametrize(("written", "wan_yuan"), [
    ("3000万元", Decimal(3000)), ("1.5亿元", Decimal(15000)), ("200元", Decimal("0.02")),
    ("10 wan", Decimal(10)),
])
def test_money_units(written: str, wan_yuan: Decimal) -> None:
    task = task_of(f'对象 "x" 筛选 注册资本 >= {written}')
    assert task.scope.selector.value == Money(wan_yuan, NO_SPAN)


def test_selector_precedence_and_values() -> None:
    task = task_of('对象 "x" 筛选 a = "1" 或 b ≠ 2 且 非 (c 属于 ["x"，"y"] 或 d 不属于 [1、2])'
                   ' 且 e 包含 "z"')
    sel = task.scope.selector
    assert isinstance(sel, Or) and isinstance(sel.operands[1], And)
    negated = sel.operands[1].operands[1]
    assert isinstance(negated, Not) and isinstance(negated.operand, Or)
    assert negated.operand.operands[0].value == ValueList((Text("x", NO_SPAN), Text("y", NO_SPAN)), NO_SPAN)
    assert sel.operands[1].operands[0].value == Number(Decimal(2), NO_SPAN)


def test_selector_without_spaces() -> None:
    task = task_of('对象"x"筛选行业类别包含"汽车销售"且名称≠"y"')
    assert isinstance(task.scope.selector, And)
    assert task.scope.selector.operands[0].field.value == "行业类别"


@pytest.mark.parametrize(("op_text", "op"), [
    ("=", CompareOp.EQ), ("≠", CompareOp.NE), ("!=", CompareOp.NE), ("<", CompareOp.LT), ("<=", CompareOp.LE),
    ("≤", CompareOp.LE), (">", CompareOp.GT), (">=", CompareOp.GE), ("≥", CompareOp.GE),
    ("包含", CompareOp.CONTAINS), ("contains", CompareOp.CONTAINS), ("属于", CompareOp.IN),
    ("in", CompareOp.IN),
    ("不属于", CompareOp.NOT_IN), ("not in", CompareOp.NOT_IN),
])
def test_compare_operators(op_text: str, op: CompareOp) -> None:
    assert task_of(f'对象 "x" 筛选 f {op_text} 1').scope.selector.op == op


def test_risk_forms_and_name_versus_keyword() -> None:
    assert task_of("风险 信用分类").risk.profile.value == "信用分类"
    assert task_of("风险信用分类").risk.profile.value == "信用分类"
    assert task_of("风险 无").risk.profile is None
    assert task_of('风险 无 "/"').risk.text.value == "/"
    assert task_of("风险 不涉及").risk.profile is None
    # a profile whose name merely starts with 无 is a name, not 无
    assert task_of("风险 无锡方案").risk.profile.value == "无锡方案"
    assert task_of('对象 "x" 筛选 非公企业 = "是"').scope.selector.field.value == "非公企业"


def test_task_fields_and_batches() -> None:
    task = task_of('事项 { "a"; "b"，"c" }\n批次 "第一批" 截止 2026年6月30日\n批次 "第二批" 截止 2026-11-30\n'
                   "定向\n发起 A局\n配合 B局、C局\n模式 县抽县查\n频次 2次／年")
    assert [i.text.value for i in task.items] == ["a", "b", "c"]
    assert [b.deadline.day for b in task.batches] == [30, 30]
    assert task.directed is True and task.lead.value == "A局"
    assert [a.value for a in task.assist] == ["B局", "C局"]
    assert task.rounds.times == 2
    assert task_of("不定向").directed is False
    assert [i.text for i in task_of('事项 "only"').items] == [Text("only", NO_SPAN)]


def test_profile_levels() -> None:
    result = parse("风险递加 P { A 比例x2; 一般风险 比例 * 1.5 较高风险 比例 不低于 50%\n"
                   "high rate 100% rounds 2 per year }", "t.ssj")
    assert result.diagnostics == []
    levels = result.plan.profiles[0].levels
    assert [lv.risk for lv in levels] == [RiskClass.LOW, RiskClass.MEDIUM, RiskClass.HIGHER, RiskClass.HIGH]
    assert levels[0].multiplier == 2 and levels[1].multiplier == Decimal("1.5")
    assert levels[2].rate == Rate(Decimal(50), True, None, None, levels[2].rate.span)
    assert levels[3].rounds.times == 2
    assert result.plan.profiles[0].description is None


def test_english_keywords_give_the_same_ast_as_chinese() -> None:
    chinese = parse('部门 甲 又称 乙\n任务 3 "t" { 事项 { "i" }\n'
                    '对象 "s" 筛选 行业类别 包含 "x" 且 非 名称 = "y"\n'
                    "比例 不低于 10% 频次 1次/年 风险 无 时间 2026-03-01 至 2026-11-30\n"
                    "不定向 发起 甲 配合 乙 模式 m }", "c.ssj")
    english = parse('department 甲 alias 乙\nTASK 3 "t" { items { "i" }\n'
                    'scope "s" where 行业类别 contains "x" and not 名称 = "y"\n'
                    "rate at least 10% rounds 1 per year risk none window 2026-03-01 to 2026-11-30\n"
                    "undirected lead 甲 assist 乙 mode m }", "e.ssj")
    assert chinese.diagnostics == english.diagnostics == []
    assert strip_spans(chinese.plan) == strip_spans(english.plan)


def test_fullwidth_punctuation_accepted() -> None:
    task = task_of("比例 按总数 ｛ 不超过 10：20％；超过 10：10％（不少于 2户） ｝\n"
                   "配合 A局，B局、C局；模式 M")
    assert isinstance(task.rate, CountRates) and task.rate.rules[1].rate.min_count == 2
    assert [a.value for a in task.assist] == ["A局", "B局", "C局"]


def test_strings_escapes_and_corner_quotes() -> None:
    task = task_of('事项 { "a \\"q\\" \\\\ b" 「含“引号”的文本」 }')
    assert [i.text.value for i in task.items] == ['a "q" \\ b', "含“引号”的文本"]


def test_comments_kept_with_trailing_flag() -> None:
    result = parse("# head\n部门 A  // tail\n  # own\n", "t.ssj")
    assert [(c.text, c.trailing, c.span.line) for c in result.comments] == [
        ("head", False, 1), ("tail", True, 2), ("own", False, 3)]


def test_spans_are_one_based_characters() -> None:
    result = parse('\n任务 4 "汽车" {\n  比例 不低于 20%\n  发起 城区商务局\n}\n', "t.ssj")
    task = result.plan.tasks[0]
    assert task.span == Span(2, 1, 5, 2, 1, 38)
    assert task.name.span == Span(2, 6, 2, 10, 6, 10)
    assert task.rate.span == Span(3, 6, 3, 13, 18, 25)
    assert task.lead.span == Span(4, 6, 4, 11, 31, 36)
    assert result.plan.span.line == 2


def test_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "p.ssj"
    path.write_bytes("\ufeff部门 甲\r\n部门 乙\r部门 丙\r\n".encode())
    source, problems = read_source(path)
    assert problems == [] and source == "部门 甲\n部门 乙\n部门 丙\n"
    result = parse(source, str(path))
    assert [d.name.span.line for d in result.plan.departments] == [1, 2, 3]
    # parse() itself also tolerates a BOM and CRLF
    assert strip_spans(parse("\ufeff部门 甲\r\n", "x").plan) == strip_spans(parse("部门 甲\n", "x").plan)


# ---------------------------------------------------------------- robustness


def test_gbk_file_is_ssj001(tmp_path: Path) -> None:
    path = tmp_path / "gbk.ssj"
    path.write_bytes('部门 城区商务局\n任务 1 "检查" {}\n'.encode("gbk"))
    source, problems = read_source(path)
    assert source is None
    (problem,) = problems
    assert problem.code == "SSJ001" and problem.span.line == 1 and "UTF-8" in (problem.hint or "")
    assert "GBK" in problem.message


def test_binary_junk_and_utf16(tmp_path: Path) -> None:
    junk = tmp_path / "junk.ssj"
    junk.write_bytes(bytes(range(256)) * 4)
    assert read_source(junk)[1][0].code == "SSJ003"
    utf16 = tmp_path / "u16.ssj"
    utf16.write_bytes("部门 甲".encode("utf-16"))
    assert read_source(utf16)[1][0].code == "SSJ003"
    missing = read_source(tmp_path / "nope.ssj")
    assert missing[0] is None and missing[1][0].code == "SSJ002"


def test_junk_text_gives_diagnostics_not_tracebacks() -> None:
    junks = ["\x00\x01\x02", "}}}{{{", "任务", "任务 1", '任务 1 "x" {', "((((", "\u200b", "“”",
             "部门 甲 又称"]
    for junk in junks:
        result = parse(junk, "j.ssj")
        assert result.plan is None and result.diagnostics
        assert all(d.severity is Severity.ERROR and d.span.line >= 1 for d in result.diagnostics)


def test_empty_file_parses_to_an_empty_plan() -> None:
    result = parse("", "e.ssj")
    assert result.diagnostics == [] and result.plan is not None and result.plan.tasks == ()
    assert parse("  # only a comment\n\n", "e.ssj").plan is not None


def test_deep_nesting_is_a_diagnostic() -> None:
    deep = '任务 1 "t" { 对象 "x" 筛选 ' + "(" * 1000 + 'a = "b"' + ")" * 1000 + " }"
    assert parse(deep, "d.ssj").diagnostics == []  # parentheses alone do not nest the AST
    negations = '任务 1 "t" { 对象 "x" 筛选 ' + "非 " * 1000 + 'a = "b" }'
    (problem,) = parse(negations, "d.ssj").diagnostics
    assert problem.code == "SSJ015" and str(MAX_NESTING) in problem.message
    nested = '任务 1 "t" { 对象 "x" 筛选 ' + '(a = "b" 且 ' * 1000 + 'a = "b"' + ")" * 1000 + " }"
    assert parse(nested, "d.ssj").diagnostics[0].code == "SSJ015"


def test_huge_file_is_a_diagnostic() -> None:
    result = parse("部门 甲\n" * 1_500_000, "big.ssj")
    assert result.plan is None and result.diagnostics[0].code == "SSJ004"


# ---------------------------------------------------------------- syntax errors


def _assert_readable(message: str) -> None:
    assert "__ANON" not in message and "$END" not in message and "_KW_" not in message
    assert "/(?" not in message and "NAME" not in message and "STRING" not in message


def test_error_found_name_where_field_keyword_expected() -> None:
    result = errors_of('任务 1 "x" {\n  比例 10%\n  城区商务局\n}\n')
    (problem,) = result.diagnostics
    assert (problem.code, problem.span.line, problem.span.column) == ("SSJ010", 3, 3)
    assert '"城区商务局"' in problem.message
    assert "任务的字段关键字" in problem.message and "频次" in problem.message and "发起" in problem.message
    assert '"}"' in problem.message
    assert "低风险" not in problem.message  # only what really fits here, not merged LALR lookaheads
    _assert_readable(problem.message)


def test_error_missing_percent_names_keyword_found() -> None:
    (problem,) = errors_of('任务 1 "x" {\n  比例 不低于 10\n  频次 1次/年\n}\n').diagnostics
    assert (problem.span.line, problem.span.column) == (3, 3)
    assert '"%"' in problem.message and "户 (subjects)" in problem.message
    assert "频次 (rounds)" in problem.message and problem.hint
    _assert_readable(problem.message)


def test_error_at_end_of_file() -> None:
    (problem,) = errors_of('任务 1 "x" {\n  比例 10%\n').diagnostics
    assert "文件结尾 (end of file)" in problem.message and "}" in (problem.hint or "")
    _assert_readable(problem.message)


def test_errors_recover_at_next_statement_and_are_sorted() -> None:
    source = ('任务 1 "x" {\n  比例 10\n}\n部门 甲\n任务 2 "y" {\n  频次 x次/年\n}\n'
              '任务 3 "z" { 时间 3月 }\n任务 4 "w" { 发起 "引号" }\n')
    problems = errors_of(source).diagnostics
    assert [(p.span.line, p.code) for p in problems] == [(3, "SSJ010"), (6, "SSJ010"), (9, "SSJ010")]
    assert "部门、字段、方案名称不加引号" in (problems[2].hint or "")
    for p in problems:
        _assert_readable(p.message)


@pytest.mark.parametrize(("char", "code", "hint_part"), [
    ("“", "SSJ012", '"'), ("＝", "SSJ012", "="), ("＞", "SSJ012", ">"), ("。", "SSJ012", "；"),
    ("\x07", "SSJ011", "删除"),
])
def test_error_names_the_character(char: str, code: str, hint_part: str) -> None:
    source = {"“": '任务 1 “x” {}', "＝": '任务 1 "x" { 对象 "a" 筛选 名称＝"b" }',
              "＞": '任务 1 "x" { 对象 "a" 筛选 名称 ＞ 1 }', "。": "部门 甲。",
              "\x07": '任务 1 "x" {\x07}'}[char]
    (problem,) = errors_of(source).diagnostics
    assert problem.code == code and f"U+{ord(char):04X}" in problem.message
    assert hint_part in (problem.hint or "")
    assert source[problem.span.start] == char
    _assert_readable(problem.message)


def test_unterminated_text() -> None:
    (problem,) = errors_of('任务 1 "x {\n}\n').diagnostics
    assert (problem.code, problem.span.line, problem.span.column) == ("SSJ013", 1, 6)


def test_duplicate_field_keeps_the_first() -> None:
    result = parse('任务 1 "x" {\n 比例 10%\n 频次 1次/年\n 比例 按总数 { 超过 1: 20% }\n}\n', "t.ssj")
    (problem,) = result.diagnostics
    assert problem.code == "SSJ020" and problem.span.line == 4 and problem.related[0].span.line == 2
    assert result.plan is not None and isinstance(result.plan.tasks[0].rate, Rate)


def test_duplicate_header_and_fractional_whole_numbers() -> None:
    result = parse('计划 "a" { 年度 2024 年度 2025 }\n计划 "b" {}\n任务 1.5 "x" { 频次 1.5次/年 }\n', "t.ssj")
    assert [p.code for p in result.diagnostics] == ["SSJ020", "SSJ021", "SSJ022", "SSJ022"]
    assert result.plan.header.year.value == 2024 and result.plan.header.title.value == "a"


def test_bad_escape() -> None:
    (problem,) = parse('任务 1 "a\\qb" {}', "t.ssj").diagnostics
    assert problem.code == "SSJ014" and problem.span.column == 8


def test_semantics_are_left_to_the_checker() -> None:
    result = parse('任务 1 "x" { 发起 不存在的部门 时间 13月—2月 比例 500% 频次 0次/年\n'
                   '风险 没有这个方案 }', "t.ssj")
    assert result.diagnostics == [] and result.plan is not None


# ---------------------------------------------------------------- the grammar's lexing invariant


def test_no_parser_state_lets_a_name_shadow_a_keyword() -> None:
    """With the contextual lexer a NAME in the same state as a multi-spelling keyword terminal would
    swallow the keyword (``频次`` read as a name). Only 无/none and 非/not may share a state with NAME;
    they have one literal terminal per spelling, which Lark matches as whole words."""
    table = _parser().parser.parser.parser.parse_table  # type: ignore[attr-defined]
    for actions in table.states.values():
        if "NAME" in actions:
            shared = {keyword_of_terminal(t) for t in actions} - {None}
            assert {k.key for k in shared if k is not None} <= set(NAME_ALTERNATIVE_KEYS)


def test_every_keyword_spelling_is_recognised() -> None:
    """Each spelling in the keyword table reaches the grammar (no second list to keep in sync)."""
    from ssjlang.language.parser import grammar_text

    grammar = grammar_text()
    for keyword in KEYWORDS:
        assert f"_KW_{keyword.key.upper()}" in grammar
