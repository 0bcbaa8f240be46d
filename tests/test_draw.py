"""The subject draw beyond the test vector: rates in ppm, sample sizes, rounds, windows, strata of a task."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from ssjlang.check.checker import check
from ssjlang.check.resolve import resolve_plan, split_window
from ssjlang.diagnostics import InputError
from ssjlang.interpret import draw
from ssjlang.language.nodes import (
    NO_SPAN,
    Batch,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    Department,
    Integer,
    Item,
    Name,
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
    TaskCode,
    Text,
    Window,
)

SEED = "e1231772476298469d25b4e55caae96e68a43f67f1e5c74370538bd98df2782d"


# ---------------------------------------------------------------- helpers: subjects and AST nodes


@dataclass(frozen=True)
class Subj:
    """A registry subject with the attributes selectors and the draw read."""

    id: str
    risk: RiskClass = RiskClass.LOW
    categories: tuple[str, ...] = ()
    name: str = ""
    type: str = ""
    capital: Decimal | None = None
    address: str = ""
    area: str = ""
    legal_rep: str = ""
    phone: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def rate(percent: str | None = None, at_least: bool = False, count: int | None = None,
         min_count: int | None = None) -> Rate:
    return Rate(Decimal(percent) if percent is not None else None, at_least, count, min_count, NO_SPAN)


def month(m: int, next_year: bool = False, day: int | None = None) -> DatePoint:
    return DatePoint(None, m, day, next_year, NO_SPAN)


def make_task(no: int = 4, task_rate: object = None, rounds: int = 1, profile: str | None = None,
              window: tuple[int, int] = (3, 12), batches: tuple[Batch, ...] = (),
              selector: object = None) -> Task:
    sel = selector if selector is not None else Compare(Name("行业类别", NO_SPAN), CompareOp.CONTAINS,
                                                        Text("汽车销售", NO_SPAN), NO_SPAN)
    return Task(code=TaskCode(str(no), NO_SPAN), name=Text("对汽车销售企业的部门联合抽查", NO_SPAN),
                items=(Item(Text("检查", NO_SPAN), NO_SPAN),),
                scope=Scope(Text("全区汽车销售企业", NO_SPAN), sel, NO_SPAN),
                rate=task_rate if task_rate is not None else rate("20", at_least=True),  # type: ignore[arg-type]
                rounds=Rounds(rounds, NO_SPAN),
                risk=RiskRef(Name(profile, NO_SPAN), None, NO_SPAN) if profile else None,
                window=Window(month(window[0]), month(window[1]), NO_SPAN), directed=True,
                lead=Name("城区商务局", NO_SPAN), modes=(Name("县抽县查", NO_SPAN),), batches=batches,
                span=NO_SPAN)


def level(risk: RiskClass, multiplier: str | None = None, absolute: Rate | None = None,
          rounds: int | None = None) -> RiskLevel:
    return RiskLevel(risk, Decimal(multiplier) if multiplier else None, absolute,
                     Rounds(rounds, NO_SPAN) if rounds else None, NO_SPAN)


def make_plan(tasks: tuple[Task, ...], profiles: tuple[RiskProfile, ...] = ()) -> Plan:
    header = PlanHeader(Text("计划", NO_SPAN), Integer(2024, NO_SPAN), Text("晋城市城区", NO_SPAN),
                        None, None, None, None, NO_SPAN)
    return Plan(header, (), (Department(Name("城区商务局", NO_SPAN), (), NO_SPAN),), profiles, tasks, NO_SPAN)


def profile(*levels: RiskLevel) -> RiskProfile:
    return RiskProfile(Name("信用分类", NO_SPAN), None, levels, NO_SPAN)


def population(counts: dict[RiskClass, int]) -> list[Subj]:
    out = []
    for risk, n in counts.items():
        out += [Subj(f"91140502MA{risk.value}{i:07d}", risk, ("汽车销售",)) for i in range(n)]
    return out


def design(task: Task, plan: Plan, subjects: list[Subj]) -> draw.UnitDesign:
    """The task's draw unit of the resolved plan, designed over `subjects` (the plan must check clean)."""
    from ssjlang.interpret.selector import compile_selector

    problems = [d for d in check(plan, "plan.ssj") if d.is_error]
    assert not problems, problems
    unit = next(u for u in resolve_plan(plan).units if u.code == task.code)
    return draw.design_unit(unit, subjects, "plan.ssj", lambda s: compile_selector(s),  # type: ignore[arg-type]
                            lambda _body, _office: None)


# ---------------------------------------------------------------- rates and sizes


@pytest.mark.parametrize(("percent", "multiplier", "ppm"), [
    ("10", None, 100000), ("12.5", None, 125000), ("0.0001", None, 1), ("100", None, 1000000),
    ("20", "1.5", 300000), ("10", "3", 300000), ("50", "3", 1000000),  # capped at 100 %
    ("0.0001", "1.5", 2),  # 1.5 ppm rounds up
    ("10", "1.333333", 133334), ("10", "1.33333", 133333),  # 133333.3 ppm rounds up
])
def test_rate_ppm(percent: str, multiplier: str | None, ppm: int) -> None:
    assert draw.rate_ppm(Decimal(percent), Decimal(multiplier) if multiplier else None) == ppm


def test_rate_ppm_refuses_sub_ppm_percent() -> None:
    with pytest.raises(ValueError, match="ppm"):
        draw.rate_ppm(Decimal("12.34567"))


@pytest.mark.parametrize(("n", "ppm", "count", "minimum", "k"), [
    (0, 200000, None, None, 0), (1, 1, None, None, 1), (10, 100000, None, None, 1),
    (11, 100000, None, None, 2), (180, 200000, None, None, 36), (7, 1000000, None, None, 7),
    (30, 100000, None, 5, 5), (3, 100000, None, 5, 3), (50, None, 20, None, 20), (12, None, 20, None, 12),
])
def test_sample_size(n: int, ppm: int | None, count: int | None, minimum: int | None, k: int) -> None:
    assert draw.sample_size(n, ppm, count, minimum) == k


# ---------------------------------------------------------------- rounds and windows


def test_rounds_exclude_earlier_selections_and_cap() -> None:
    ids = tuple(f"ID{i:03d}" for i in range(10))
    stratum = draw.Stratum("全部", None, ids, rate_ppm=400000, rounds=3)
    rounds = draw.draw_task(SEED, 7, [stratum], 3)
    got = [[p.id for p in r.strata[0].selected] for r in rounds]
    assert [len(g) for g in got] == [4, 4, 2]  # k = 4 on the full stratum, capped at what remains
    assert len({i for g in got for i in g}) == 10
    assert [r.strata[0].eligible for r in rounds] == [10, 6, 2]
    assert all(r.strata[0].population == 10 for r in rounds)
    assert rounds[1].stream == draw.stream(SEED, 7, 2)
    remaining = [i for i in ids if i not in got[0]]
    assert got[1] == [p.id for p in draw.select_naive(draw.stream(SEED, 7, 2), remaining, 4)]


def test_escalated_round_draws_only_escalated_strata() -> None:
    low = draw.Stratum("A", "A", ("A1", "A2", "A3"), rate_ppm=1000000, rounds=1)
    high = draw.Stratum("D", "D", ("D1", "D2", "D3", "D4"), rate_ppm=500000, rounds=2)
    first, second = draw.draw_task(SEED, 1, [low, high], 2)
    assert [s.label for s in first.strata] == ["A", "D"]
    assert [s.label for s in second.strata] == ["D"]
    assert len(second.strata[0].selected) == 2


@pytest.mark.parametrize(("start", "end", "parts", "expected"), [
    (date(2024, 3, 1), date(2024, 3, 10), 3,
     [(date(2024, 3, 1), date(2024, 3, 4)), (date(2024, 3, 5), date(2024, 3, 7)),
      (date(2024, 3, 8), date(2024, 3, 10))]),
    (date(2024, 1, 1), date(2024, 12, 31), 2,
     [(date(2024, 1, 1), date(2024, 7, 1)), (date(2024, 7, 2), date(2024, 12, 31))]),
    (date(2024, 5, 1), date(2024, 5, 1), 1, [(date(2024, 5, 1), date(2024, 5, 1))]),
])
def test_split_window(start: date, end: date, parts: int, expected: list[tuple[date, date]]) -> None:
    assert split_window(start, end, parts) == expected


def test_split_window_too_short() -> None:
    with pytest.raises(ValueError):
        split_window(date(2024, 5, 1), date(2024, 5, 2), 3)


def test_batches_give_round_windows() -> None:
    batches = (Batch(Text("第一批", NO_SPAN), month(6), NO_SPAN),
               Batch(Text("第二批", NO_SPAN), month(11), NO_SPAN))
    task = make_task(rounds=2, window=(3, 11), batches=batches)
    d = design(task, make_plan((task,)), population({RiskClass.LOW: 10}))
    assert d.windows == ((date(2024, 3, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 11, 30)))


def test_batches_count_must_match_rounds() -> None:
    batches = (Batch(Text("第一批", NO_SPAN), month(6), NO_SPAN),)
    task = make_task(rounds=2, batches=batches)
    assert [d.code for d in check(make_plan((task,)), "plan.ssj")] == ["SSJ136"]  # the checker owns it


def test_window_crossing_the_year() -> None:
    task = Task(**{**make_task().__dict__, "window": Window(month(12), month(2, next_year=True), NO_SPAN)})
    d = design(task, make_plan((task,)), population({RiskClass.LOW: 3}))
    assert d.windows == ((date(2024, 12, 1), date(2025, 2, 28)),)


# ---------------------------------------------------------------- strata of a plan's task


def test_no_profile_is_one_stratum() -> None:
    task = make_task(task_rate=rate("20", at_least=True))
    d = design(task, make_plan((task,)), population({RiskClass.LOW: 6, RiskClass.HIGH: 4}))
    assert [(s.label, s.risk, len(s.ids), s.rate_ppm) for s in d.strata] == [("全部", None, 10, 200000)]
    assert d.floors == (draw.Floor(None, Decimal("20"), "不低于20%"),)


def test_profile_strata_rates_and_rounds() -> None:
    prof = profile(level(RiskClass.LOW, "1"), level(RiskClass.MEDIUM, "1.5"), level(RiskClass.HIGHER, "2"),
                   level(RiskClass.HIGH, "3", rounds=2))
    task = make_task(task_rate=rate("20"), profile="信用分类")
    plan = make_plan((task,), (prof,))
    subjects = population({RiskClass.LOW: 20, RiskClass.MEDIUM: 10, RiskClass.HIGH: 5,
                           RiskClass.UNCLASSIFIED: 3})
    d = design(task, plan, subjects)
    assert [(s.label, s.rate_ppm, s.rounds, s.k) for s in d.strata] == [
        ("A", 200000, 1, 4), ("B", 300000, 1, 3), ("D", 600000, 2, 3), ("U", 200000, 1, 1)]  # no C subjects
    assert d.rounds == 2
    result = draw.run_unit(SEED, d, "plan.ssj")
    assert [s.label for s in result.rounds[1].strata] == ["D"]
    assert result.selected == 4 + 3 + 3 + 1 + 2


def test_profile_absolute_level_rate() -> None:
    prof = profile(level(RiskClass.HIGH, absolute=rate("100")))
    task = make_task(task_rate=rate("10"), profile="信用分类")
    d = design(task, make_plan((task,), (prof,)), population({RiskClass.LOW: 10, RiskClass.HIGH: 3}))
    assert [(s.label, s.rate_ppm) for s in d.strata] == [("A", 100000), ("D", 1000000)]


def test_floor_refused_with_numbers() -> None:
    prof = profile(level(RiskClass.LOW, "0.5"))
    task = make_task(task_rate=rate("10", at_least=True), profile="信用分类")
    d = design(task, make_plan((task,), (prof,)), population({RiskClass.LOW: 100, RiskClass.MEDIUM: 100}))
    with pytest.raises(InputError) as info:
        draw.run_unit(SEED, d, "plan.ssj")
    message = info.value.diagnostics[0].message
    assert info.value.diagnostics[0].code == draw.BELOW_FLOOR
    assert "任务 4 第1轮 实际抽查比例 7.5% 低于计划 不低于10%" in message


def test_floor_met_is_recorded() -> None:
    task = make_task(task_rate=rate("10", at_least=True))
    d = design(task, make_plan((task,)), population({RiskClass.LOW: 95}))
    result = draw.run_unit(SEED, d, "plan.ssj")
    assert result.realised == ((draw.Floor(None, Decimal("10"), "不低于10%"), 10, 95),)
    assert draw.realised_percent(10, 95) == Decimal("10.52")


def test_count_under_profile_keeps_escalated_rounds() -> None:
    prof = profile(level(RiskClass.HIGHER, rounds=2), level(RiskClass.HIGH, rounds=3))
    task = make_task(task_rate=rate(count=2), profile="信用分类")
    subjects = population({RiskClass.LOW: 5, RiskClass.HIGHER: 3, RiskClass.HIGH: 3})
    d = design(task, make_plan((task,), (prof,)), subjects)
    assert [(s.label, len(s.ids), s.count, s.rounds) for s in d.strata] == [
        ("全部", 11, 2, 1), ("C+D", 6, 2, 2), ("D", 3, 2, 3)]
    assert [w.code for w in d.warnings] == [draw.COUNT_WITH_PROFILE]
    assert d.rounds == 3


def test_count_rules_pick_first_that_holds() -> None:
    rules = CountRates((CountRule(CompareOp.LE, 10, rate(count=2), NO_SPAN),
                        CountRule(CompareOp.GT, 10, rate("50", at_least=True), NO_SPAN)), NO_SPAN)
    task = make_task(task_rate=rules)
    small = design(task, make_plan((task,)), population({RiskClass.LOW: 8}))
    assert [(s.count, s.k) for s in small.strata] == [(2, 2)]
    big = design(task, make_plan((task,)), population({RiskClass.LOW: 13}))
    assert [(s.rate_ppm, s.k) for s in big.strata] == [(500000, 7)]
    assert big.floors[0].percent == Decimal("50")


def test_count_rules_over_an_empty_population_draw_nothing() -> None:
    rules = CountRates((CountRule(CompareOp.LE, 10, rate(count=2), NO_SPAN),
                        CountRule(CompareOp.GT, 10, rate("50"), NO_SPAN)), NO_SPAN)
    task = make_task(task_rate=rules)
    empty = design(task, make_plan((task,)), [])
    assert empty.strata == () and [w.code for w in empty.warnings] == [draw.EMPTY_POPULATION]


def test_subgroups_split_by_first_matching_rule() -> None:
    def grade(value: str) -> Compare:
        return Compare(Name("类型", NO_SPAN), CompareOp.EQ, Text(value, NO_SPAN), NO_SPAN)

    rules = SubgroupRates(tuple(SubgroupRule(Text(g, NO_SPAN), grade(g), rate(p, at_least=True), NO_SPAN)
                                for g, p in (("三级", "50"), ("二级", "30"))), NO_SPAN)
    prof = profile(level(RiskClass.HIGH, "2"))
    task = make_task(task_rate=rules, profile="信用分类")
    subjects = ([Subj(f"S3{i}", RiskClass.LOW, ("汽车销售",), type="三级") for i in range(4)]
                + [Subj(f"S3D{i}", RiskClass.HIGH, ("汽车销售",), type="三级") for i in range(2)]
                + [Subj(f"S2{i}", RiskClass.LOW, ("汽车销售",), type="二级") for i in range(10)]
                + [Subj(f"S1{i}", RiskClass.LOW, ("汽车销售",), type="一级") for i in range(5)])
    d = design(task, make_plan((task,), (prof,)), subjects)
    assert [(s.label, len(s.ids), s.rate_ppm, s.k) for s in d.strata] == [
        ("三级/A", 4, 500000, 2), ("三级/D", 2, 1000000, 2), ("二级/A", 10, 300000, 3)]
    assert d.population == 16
    assert [w.code for w in d.warnings] == [draw.UNGROUPED]
    result = draw.run_unit(SEED, d, "plan.ssj")
    assert [(f.group, k, n) for f, k, n in result.realised] == [("三级", 4, 6), ("二级", 3, 10)]


def test_empty_population_is_a_warning() -> None:
    task = make_task()
    d = design(task, make_plan((task,)), [])
    assert d.strata == () and d.population == 0
    assert [w.code for w in d.warnings] == [draw.EMPTY_POPULATION]
    result = draw.run_unit(SEED, d, "plan.ssj")
    assert result.rounds[0].strata == () and result.selected == 0


def test_rate_not_in_whole_ppm_is_an_error() -> None:
    task = make_task(task_rate=rate("12.34567"), profile="信用分类")
    plan = make_plan((task,), (profile(),))
    assert [d.code for d in check(plan, "plan.ssj")] == ["SSJ128"]  # the checker owns it: once, at the rate


def test_draw_plan_selects_population_and_orders_tasks() -> None:
    tobacco = Compare(Name("行业类别", NO_SPAN), CompareOp.CONTAINS, Text("卷烟零售", NO_SPAN), NO_SPAN)
    other = make_task(no=2, task_rate=rate(count=1), selector=tobacco)
    task = make_task(no=4, task_rate=rate("50"))
    subjects = [*population({RiskClass.LOW: 4}), Subj("X1", categories=("卷烟零售",)), Subj("X2")]
    result = draw.draw_plan(resolve_plan(make_plan((task, other))), subjects, SEED, "plan.ssj")
    assert [t.design.no for t in result.units] == ["2", "4"]
    assert [p.id for p in result.units[0].rounds[0].strata[0].selected] == ["X1"]
    assert result.units[1].design.population == 4 and result.units[1].selected == 2
    assert result.extensions == ()


def test_bad_beacon_inputs() -> None:
    with pytest.raises(InputError):
        draw.seed("c" * 64, " \u3000 ")
    with pytest.raises(InputError):
        draw.commitment_text("p", "r", "-", "\n\t")
    assert draw.commitment_text("p", "r", "-", "福彩\n双色球") .endswith("beacon=福彩 双色球\n")


def test_escalated_round_only_when_a_stratum_needs_it() -> None:
    prof = profile(level(RiskClass.HIGH, "3", rounds=2))
    task = make_task(task_rate=rate("20"), profile="信用分类", window=(3, 11))
    plan = make_plan((task,), (prof,))
    without_d = design(task, plan, population({RiskClass.LOW: 10, RiskClass.MEDIUM: 4}))
    assert without_d.rounds == 1
    assert without_d.windows == ((date(2024, 3, 1), date(2024, 11, 30)),)  # the whole window
    with_d = design(task, make_plan((task,), (prof,)), population({RiskClass.LOW: 10, RiskClass.HIGH: 1}))
    assert with_d.rounds == 2
    assert with_d.windows == ((date(2024, 3, 1), date(2024, 7, 16)), (date(2024, 7, 17), date(2024, 11, 30)))
    batches = (Batch(Text("第一批", NO_SPAN), month(6), NO_SPAN),
               Batch(Text("第二批", NO_SPAN), month(11), NO_SPAN))
    batched = Task(**{**task.__dict__, "batches": batches})
    only_first = design(batched, make_plan((batched,), (prof,)), population({RiskClass.LOW: 10}))
    assert only_first.windows == ((date(2024, 3, 1), date(2024, 6, 30)),)
