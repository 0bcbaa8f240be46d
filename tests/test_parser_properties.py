"""Property tests: random plans survive format → parse unchanged; random text never crashes the parser."""

from __future__ import annotations

import os
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang.language.formatter import format_plan
from ssjlang.language.keywords import KEYWORDS, KEYWORDS_BY_KEY, LANGUAGES, NAME_ALTERNATIVE_KEYS
from ssjlang.language.nodes import (
    NO_SPAN,
    And,
    Base,
    Batch,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    Department,
    DrawWindow,
    FieldDecl,
    FieldKind,
    Integer,
    Item,
    JointDraw,
    Level,
    Money,
    Name,
    Not,
    Number,
    Or,
    Part,
    Period,
    Plan,
    PlanHeader,
    Planned,
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
    TaskCode,
    Text,
    Unit,
    Unstated,
    ValueList,
    Window,
    WindowKind,
    strip_spans,
)
from ssjlang.language.parser import parse

SETTINGS = settings(max_examples=int(os.environ.get("SSJ_PROPERTY_EXAMPLES", "60")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

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
positive = st.integers(min_value=1, max_value=9999)
planned = st.none() | st.builds(lambda c, a, u: Planned(c, a, u, NO_SPAN), small, st.booleans(), units)
flags = st.tuples(st.booleans(), st.booleans())  # 全年, 各级合计


def _rate(**fields: object) -> Rate:
    base: dict[str, object] = {"percent": None, "at_least": False, "count": None, "min_count": None,
                               "span": NO_SPAN, "count_unit": "户"}
    base.update(fields)
    return Rate(**base)  # type: ignore[arg-type]


drawn_by = st.none() | texts  # 由 "…" 抽取
percent_rates = st.builds(
    lambda p, a, m, u, pl, f, c, by: _rate(percent=p, at_least=a, min_count=m,
                                           count_unit=u if m is not None else "户", planned=pl, annual=f[0],
                                           all_levels=f[1], ceiling=c, drawn_by=by),
    decimals, st.booleans(), st.none() | small, units, planned, flags, st.none() | decimals, drawn_by)
count_rates = st.builds(lambda c, a, u, pl, by: _rate(count=c, at_least=a, count_unit=u, planned=pl,
                                                      drawn_by=by),
                        small, st.booleans(), units, planned, drawn_by)
range_rates = st.builds(lambda low, high: _rate(percent=low, at_least=True, upper=high), decimals, decimals)
count_ranges = st.builds(lambda low, high, u: _rate(count=low, at_least=True, count_unit=u,
                                                    upper=Decimal(high)),
                         small, small, units)
headcount_rates = st.builds(lambda c, a, u: _rate(count=c, at_least=a, count_unit=u, per_inspector=True),
                            small, st.booleans(), units)
staff_ratios = st.builds(lambda x, y, a: _rate(staff_ratio=(x, y), at_least=a),
                         decimals, decimals, st.booleans())
excluded = st.just(_rate(exclude=True))
unstated = st.builds(lambda t, cap: _rate(unstated=True, unstated_text=t, ceiling=cap),
                     st.none() | texts, st.none() | decimals)
rates = percent_rates | count_rates | range_rates | count_ranges | headcount_rates | staff_ratios | excluded \
    | unstated
rounds = st.builds(lambda n, period, floor, independent: Rounds(n, NO_SPAN, period, floor, independent),
                   small, st.sampled_from(list(Period)), st.booleans(), st.booleans())
subgroups = st.builds(
    lambda rules, total, overall: SubgroupRates(tuple(rules), NO_SPAN, total, overall),
    st.lists(st.builds(lambda lb, s, r: SubgroupRule(lb, s, r, NO_SPAN), st.none() | texts, selectors, rates),
             max_size=3),
    planned, st.none() | decimals)
count_rules = st.lists(
    st.builds(lambda op, t, r: CountRule(op, t, r, NO_SPAN),
              st.sampled_from([CompareOp.LE, CompareOp.LT, CompareOp.GT, CompareOp.GE]), small, rates),
    max_size=3,
).map(lambda rules: CountRates(tuple(rules), NO_SPAN))
points = st.builds(lambda y, m, d, n: DatePoint(y, m, d, n, NO_SPAN),
                   st.none() | small, st.integers(0, 99), st.none() | st.integers(0, 99), st.booleans())
windows = st.one_of(
    st.builds(lambda s, e, t: Window(s, e, NO_SPAN, WindowKind.RANGE, t), points, st.none() | points,
              st.booleans()),
    st.builds(lambda s, k, t: Window(s, None, NO_SPAN, k, t), points,
              st.sampled_from([WindowKind.BEFORE, WindowKind.MONTH_END]), st.booleans()),
    st.builds(lambda k, t: Window(None, None, NO_SPAN, k, t),
              st.sampled_from([WindowKind.YEAR_END, WindowKind.WHOLE_YEAR]), st.booleans()),
)
draw_windows = st.one_of(
    st.builds(lambda w, t: DrawWindow(w, t, NO_SPAN), st.none() | windows.filter(lambda w: not w.tentative),
              st.none() | texts).filter(lambda d: d.window is not None or d.text is not None),
    st.builds(lambda days, t: DrawWindow(None, t, NO_SPAN, days), small, st.none() | texts),  # 每轮 N日内
)
risks = st.one_of(st.builds(lambda p, t: RiskRef(p, t, NO_SPAN), st.none() | names, st.none() | texts),
                  texts.map(lambda t: RiskRef(None, t, NO_SPAN, label=True)))
text_lists = st.lists(texts, min_size=1, max_size=2).map(tuple)
items = st.builds(
    lambda t, basis, code, category, methods, materials, inspect, scope: Item(
        t, NO_SPAN, basis, code, category, methods, materials, inspect, scope),
    texts, st.none() | texts, st.none() | texts, st.none() | texts, st.just(()) | text_lists,
    st.just(()) | text_lists, st.lists(names, max_size=2).map(tuple),
    st.none() | st.builds(lambda t, sel: Scope(t, sel, NO_SPAN), texts, st.none() | selectors))
codes = st.one_of(small.map(str), small.map(lambda n: f"00{n}"),
                  st.text(alphabet="SJ-0123abc", min_size=1, max_size=8).filter(lambda s: not s.isdigit()))
name_tuples = st.lists(names, max_size=3).map(tuple)
field_values = {
    "items": st.none() | st.lists(items, max_size=3).map(tuple),
    "scope": st.none() | st.builds(
        lambda t, s, b: Scope(t, s, NO_SPAN, b), texts, st.none() | selectors,
        st.none() | st.builds(lambda c, a, u, n: Base(c, a, u, n, NO_SPAN), small, st.booleans(), units,
                              st.none() | texts)),
    "rate": st.none() | rates | subgroups | count_rules,
    "rounds": st.none() | rounds,
    "risk": st.none() | risks,
    "window": st.none() | windows,
    "draw_window": st.none() | draw_windows,
    "directed": st.none() | st.booleans(),
    "lead": st.none() | names,
    "guide": st.none() | names,
    "inspect": name_tuples,
    "assist": name_tuples,
    "assist_unstated": st.none() | st.builds(lambda t: Unstated(t, NO_SPAN), st.none() | texts),
    "modes": name_tuples,
    "methods": st.just(()) | text_lists,
    "category": st.none() | texts,
    "remarks": st.none() | texts,
    "materials": st.just(()) | text_lists,
    "group": st.none() | texts,
    "batches": st.lists(st.builds(lambda n, d: Batch(n, d, NO_SPAN), texts, points), max_size=2).map(tuple),
}


def _fields(values: dict[str, object]) -> dict[str, object]:
    """配合 names its departments or says 待定, not both."""
    return {**values, "assist_unstated": None} if values["assist"] else values


parts = st.builds(lambda label, values: Part(label=label, span=NO_SPAN, **_fields(values)),
                  st.none() | texts, st.fixed_dictionaries(field_values))
tasks = st.builds(
    lambda code, name, values, task_parts: Task(code=TaskCode(code, NO_SPAN), name=name, span=NO_SPAN,
                                                parts=tuple(task_parts), **_fields(values)),
    codes, texts, st.fixed_dictionaries(field_values), st.lists(parts, max_size=2),
)
levels = st.builds(
    lambda risk, how, rnd, exclude: RiskLevel(risk, how if isinstance(how, Decimal) else None,
                                              how if isinstance(how, Rate) else None, rnd, NO_SPAN, exclude),
    st.sampled_from(list(RiskClass)) | texts, st.none() | decimals | rates, st.none() | rounds, st.booleans(),
)
profiles = st.builds(lambda n, d, lv, by: RiskProfile(n, d, tuple(lv), NO_SPAN, by), names, st.none() | texts,
                     st.lists(levels, max_size=5), st.none() | names)
headers = st.one_of(
    st.just(PlanHeader(None, None, None, None, None, None, None, NO_SPAN)),
    st.builds(lambda t, y, r, d, a, n, c, more, w, pub, mat: PlanHeader(
        t, y, r, d, a, n, c, NO_SPAN, more[0], more[1], more[2], more[3], w, NO_SPAN if pub else None, mat),
        texts, st.none() | small.map(_integer), *[st.none() | texts] * 5,
        st.tuples(*[st.none() | texts] * 4), st.just(()) | text_lists, st.booleans(),
        st.just(()) | text_lists),
)
units_of = st.lists(st.builds(lambda n, a: Unit(n, tuple(a), NO_SPAN), names, st.lists(names, max_size=2)),
                    max_size=2).map(tuple)
departments = st.builds(
    lambda n, a, u, settings, area: Department(n, tuple(a), NO_SPAN, u, *settings, area),
    names, st.lists(names, max_size=2), units_of, st.tuples(*[st.none() | texts] * 6),
    st.just(()) | text_lists)
org_levels = st.builds(lambda n, t, by, m: Level(n, t, by, m, NO_SPAN), names, st.none() | texts,
                       st.none() | names, name_tuples)
joints = st.builds(lambda n, c, r, rm: JointDraw(n, tuple(TaskCode(x, NO_SPAN) for x in c), r, rm, NO_SPAN),
                   st.none() | texts, st.lists(codes, max_size=3),
                   st.none() | rates | subgroups | count_rules, st.none() | texts)
plans = st.builds(
    lambda h, f, d, p, t, lv, j: Plan(h, tuple(f), tuple(d), tuple(p), tuple(t), NO_SPAN, tuple(lv),
                                      tuple(j)),
    headers,
    st.lists(st.builds(lambda n, k: FieldDecl(n, k, NO_SPAN), names, st.sampled_from(list(FieldKind))),
             max_size=3),
    st.lists(departments, max_size=3),
    st.lists(profiles, max_size=2),
    st.lists(tasks, max_size=3),
    st.lists(org_levels, max_size=2),
    st.lists(joints, max_size=2),
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
