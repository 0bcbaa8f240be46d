"""Property tests: random plans survive format → parse unchanged; random text never crashes the parser."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang.formatter import format_plan, strip_spans
from ssjlang.keywords import KEYWORDS, KEYWORDS_BY_KEY, LANGUAGES, NAME_ALTERNATIVE_KEYS
from ssjlang.nodes import (
    NO_SPAN,
    And,
    Batch,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    Department,
    FieldDecl,
    FieldKind,
    Integer,
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
    SubgroupRates,
    SubgroupRule,
    Task,
    Text,
    ValueList,
    Window,
)
from ssjlang.parser import parse

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_RESERVED = {s.lower() for key in NAME_ALTERNATIVE_KEYS for s in KEYWORDS_BY_KEY[key].spellings}

names = st.text(alphabet="甲乙丙丁城区局市场监管部门人社教科文旅非无AbZ_·", min_size=1, max_size=6).filter(
    lambda s: s.lower() not in _RESERVED).map(lambda s: Name(s, NO_SPAN))
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=12).map(
    lambda s: Text(s, NO_SPAN))
small = st.integers(min_value=0, max_value=9999)
decimals = st.decimals(min_value=0, max_value=100000, places=3, allow_nan=False, allow_infinity=False)


def _integer(value: int) -> Integer:
    return Integer(value, NO_SPAN)


scalars = st.one_of(
    texts,
    decimals.map(lambda d: Number(d, NO_SPAN)),
    decimals.map(lambda d: Money(d, NO_SPAN)),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3).map(lambda v: ValueList(tuple(v), NO_SPAN)))
compares = st.builds(lambda f, op, v: Compare(f, op, v, NO_SPAN),
                     names, st.sampled_from(list(CompareOp)), values)
selectors = st.recursive(
    compares,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: And(tuple(ops), NO_SPAN)),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: Or(tuple(ops), NO_SPAN)),
        inner.map(lambda op: Not(op, NO_SPAN)),
    ),
    max_leaves=6,
)
units = st.sampled_from(KEYWORDS_BY_KEY["count_unit"].spellings[:4])  # 户 家 所 个 (the AST keeps them)
percent_rates = st.builds(lambda p, a, m, u: Rate(p, a, None, m, NO_SPAN, u if m is not None else "户"),
                          decimals, st.booleans(), st.none() | small, units)
count_rates = st.builds(lambda c, a, u: Rate(None, a, c, None, NO_SPAN, u), small, st.booleans(), units)
rates = percent_rates | count_rates
rounds = small.map(lambda n: Rounds(n, NO_SPAN))
subgroups = st.lists(
    st.builds(lambda lb, s, r: SubgroupRule(lb, s, r, NO_SPAN), st.none() | texts, selectors, rates),
    max_size=3,
).map(lambda rules: SubgroupRates(tuple(rules), NO_SPAN))
count_rules = st.lists(
    st.builds(lambda op, t, r: CountRule(op, t, r, NO_SPAN),
              st.sampled_from([CompareOp.LE, CompareOp.LT, CompareOp.GT, CompareOp.GE]), small, rates),
    max_size=3,
).map(lambda rules: CountRates(tuple(rules), NO_SPAN))
points = st.builds(lambda y, m, d, n: DatePoint(y, m, d, n, NO_SPAN),
                   st.none() | small, st.integers(0, 99), st.none() | st.integers(0, 99), st.booleans())
windows = st.builds(lambda s, e: Window(s, e, NO_SPAN), points, st.none() | points)
risks = st.builds(lambda p, t: RiskRef(p, t, NO_SPAN), st.none() | names, st.none() | texts)
tasks = st.builds(
    lambda number, name, items, scope, rate, rnd, risk, window, directed, lead, assist, mode, batches: Task(
        _integer(number), name, items, scope, rate, rnd, risk, window, directed, lead, tuple(assist), mode,
        tuple(batches), NO_SPAN),
    small, texts, st.none() | st.lists(texts, max_size=3).map(tuple),
    st.none() | st.builds(lambda t, s: Scope(t, s, NO_SPAN), texts, st.none() | selectors),
    st.none() | rates | subgroups | count_rules, st.none() | rounds, st.none() | risks, st.none() | windows,
    st.none() | st.booleans(), st.none() | names, st.lists(names, max_size=3), st.none() | names,
    st.lists(st.builds(lambda n, d: Batch(n, d, NO_SPAN), texts, points), max_size=2),
)
levels = st.builds(
    lambda risk, how, rnd: RiskLevel(risk, how if isinstance(how, Decimal) else None,
                                     how if isinstance(how, Rate) else None, rnd, NO_SPAN),
    st.sampled_from(list(RiskClass)), st.none() | decimals | rates, st.none() | rounds,
)
profiles = st.builds(lambda n, d, lv: RiskProfile(n, d, tuple(lv), NO_SPAN), names, st.none() | texts,
                     st.lists(levels, max_size=5))
headers = st.one_of(
    st.just(PlanHeader(None, None, None, None, None, None, None, NO_SPAN)),
    st.builds(lambda t, y, r, d, a, n, c: PlanHeader(t, y, r, d, a, n, c, NO_SPAN), texts,
              st.none() | small.map(_integer), *[st.none() | texts] * 5),
)
plans = st.builds(
    lambda h, f, d, p, t: Plan(h, tuple(f), tuple(d), tuple(p), tuple(t), NO_SPAN),
    headers,
    st.lists(st.builds(lambda n, k: FieldDecl(n, k, NO_SPAN), names, st.sampled_from(list(FieldKind))),
             max_size=3),
    st.lists(st.builds(lambda n, a: Department(n, tuple(a), NO_SPAN), names, st.lists(names, max_size=2)),
             max_size=3),
    st.lists(profiles, max_size=2),
    st.lists(tasks, max_size=3),
)


@SETTINGS
@given(plans, st.sampled_from(LANGUAGES))
def test_format_then_parse_gives_the_same_ast(plan: Plan, language: str) -> None:
    text = format_plan(plan, (), language)
    result = parse(text, "generated.ssj")
    assert result.diagnostics == [], (text, result.diagnostics)
    assert result.plan is not None
    assert strip_spans(result.plan) == plan
    assert format_plan(result.plan, result.comments, language) == text
    if plan.tasks or plan.departments or plan.profiles or plan.fields or plan.header.title is not None:
        assert result.language == language, text


_SOUP = [s for k in KEYWORDS for s in k.spellings[:2]] + [
    '"x"', "「y」", "“", "{", "}", "(", ")", "[", "]", "：", ":", "；", "、", "%", "×", "-", "—",
    "月", "年", "日",
    "12", "3.5", "2026-02-24", "甲", "非", "无", "#c\n", "\n", " ", "\\", "\x00", "＝",
]


@SETTINGS
@given(st.lists(st.sampled_from(_SOUP), max_size=40).map(" ".join))
def test_random_token_soup_never_crashes(source: str) -> None:
    result = parse(source, "soup.ssj")
    if result.plan is None:
        assert result.diagnostics
    for problem in result.diagnostics:
        assert problem.code.startswith("SSJ0") and problem.span.line >= 1
        assert "__ANON" not in problem.message and "$END" not in problem.message
