"""SSJ-DRAW-1, the verifiable subject draw (随机抽取检查对象).

Everything here is a pure function of its inputs so that anyone holding the published artifacts
can recompute a draw with nothing but SHA-256 (`docs/spec/SSJ-DRAW-1.md`, `docs/draw.md`):

- the primitives: plan digest P, commitment text T and digest C, seed S, stream S_tr, key K,
  sample size k in integer parts per million (ppm);
- `select`: the first k subjects of a stratum by (K, UTF-8 bytes of id) — fast, equal to `select_naive`;
- `draw_task`: strata × rounds over plain lists of ids (no plan, no registry needed);
- `plan_task`: turns a checked plan's task (scope, rate, escalation profile, sub-populations,
  count rules, batches) into strata and round windows; `draw_plan` does it for every task.

Floating point never enters a sample size: rates are integers in ppm, computed from `Decimal`.
"""

from __future__ import annotations

import gc
import hashlib
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from .canonical import canonical_text
from .checker import field_kinds as checker_field_kinds
from .checker import format_decimal, profiles_by_name, rate_text, resolve_deadline, resolve_window
from .diagnostics import Diagnostic, InputError, error, warning
from .nodes import (
    NO_SPAN,
    RISK_CLASS_ORDER,
    CompareOp,
    CountRates,
    FieldKind,
    Plan,
    Rate,
    RiskClass,
    RiskLevel,
    RiskProfile,
    Span,
    SubgroupRates,
    Task,
)

SPEC = "SSJ-DRAW-1"
PPM = 1_000_000
"""100 % in parts per million."""
ALL_LABEL = "全部"
"""The label of the single stratum of a task drawn without escalation (不分层)."""

# Diagnostic codes of the subject draw (documented in docs/diagnostics/ssj3-draw.md).
RATE_NOT_PPM = "SSJ300"
NO_RATE = "SSJ301"
NO_COUNT_RULE = "SSJ302"
BELOW_FLOOR = "SSJ303"
NO_WINDOW = "SSJ304"
BATCH_ROUNDS = "SSJ305"
BATCH_ORDER = "SSJ306"
UNKNOWN_PROFILE = "SSJ307"
EMPTY_POPULATION = "SSJ308"
COUNT_WITH_PROFILE = "SSJ309"
BAD_BEACON_VALUE = "SSJ310"
BAD_DESCRIPTOR = "SSJ311"
NO_SELECTOR = "SSJ312"
WINDOW_TOO_SHORT = "SSJ314"
UNGROUPED = "SSJ316"
BAD_ROUNDS = "SSJ317"
NO_WORKING_DAY = "SSJ322"  # a round's window holds no official working day (weekends and holidays only)


# ---------------------------------------------------------------- §2–§4 primitives


def H(text: str) -> str:
    """SSJ-DRAW-1 `H(x)`: lowercase hex SHA-256 of the UTF-8 bytes of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_source_text(source: str) -> str:
    """The plan text P is computed over: a leading BOM removed, CRLF and CR turned into LF."""
    if source.startswith("\ufeff"):
        source = source[1:]
    return source.replace("\r\n", "\n").replace("\r", "\n")


def plan_digest(source: str) -> str:
    """P = H(source) after BOM removal and line-ending normalisation (§2)."""
    return H(plan_source_text(source))


def canonical_descriptor(descriptor: str, file: str = "<beacon>") -> str:
    """The beacon descriptor as it enters T: canonical text, never empty (a newline would forge T)."""
    text = canonical_text(descriptor)
    if not text:
        raise InputError([error(BAD_DESCRIPTOR,
                                "信标说明（--beacon）为空：须写明公开随机数的来源 (empty beacon descriptor)",
                                file,
                                hint='例如 --beacon "福彩双色球 2024-03-05 开奖号码" 或 "dice:d10x20"')])
    return text


def canonical_beacon_value(value: str, file: str = "<beacon>") -> str:
    """The published beacon value as canonical text (§1, §3); an empty value is refused."""
    text = canonical_text(value)
    if not text:
        raise InputError([error(BAD_BEACON_VALUE,
                                "信标值（--beacon-value）为空：须填入公开的随机数 (empty beacon value)", file,
                                hint="填入按信标说明公布的数值，例如开奖号码")])
    return text


def commitment_text(plan: str, registry: str, roster: str, descriptor: str) -> str:
    """T of §3: what is published before the beacon value exists."""
    return (f"{SPEC}\nplan={plan}\nregistry={registry}\nroster={roster}\n"
            f"beacon={canonical_descriptor(descriptor)}\n")


def seed(commitment: str, beacon_value: str) -> str:
    """S = H("SSJ-DRAW-1|seed|" + C + "|" + beacon_value), the value canonicalised (§3)."""
    return H(f"{SPEC}|seed|{commitment}|{canonical_beacon_value(beacon_value)}")


def stream(seed_hex: str, task: int, round_no: int) -> str:
    """S_tr = H(S + "|task|" + t + "|round|" + r) (§4)."""
    return H(f"{seed_hex}|task|{task}|round|{round_no}")


def subject_key(stream_hex: str, subject_id: str) -> str:
    """K = H(S_tr + "|" + id) (§4)."""
    return H(f"{stream_hex}|{subject_id}")


def population_digest(ids: Iterable[str]) -> str:
    """H of the stratum's ids sorted by UTF-8 bytes, each followed by a newline."""
    encoded = sorted(i.encode("utf-8") for i in ids)
    h = hashlib.sha256()
    for b in encoded:
        h.update(b)
        h.update(b"\n")
    return h.hexdigest()


# ---------------------------------------------------------------- §6 sample size


def rate_ppm(percent: Decimal, multiplier: Decimal | None = None) -> int:
    """A percent (times an escalation multiplier) in integer ppm, capped at 1,000,000.

    The plan's own percent must be a whole number of ppm (`12.5%` is 125000; `12.34567%` is
    refused). A multiplied rate that falls between two ppm is rounded *up*, so escalation never
    draws fewer than the plan says. Raises ValueError; callers turn it into SSJ300.
    """
    exact = percent * 10000
    if exact != exact.to_integral_value():
        raise ValueError(f"{format_decimal(percent)}% 不是整数个百万分之一（ppm）")
    if exact < 0:
        raise ValueError(f"{format_decimal(percent)}% 为负数")
    if multiplier is not None:
        if multiplier < 0:
            raise ValueError(f"倍数 {format_decimal(multiplier)} 为负数")
        exact = (exact * multiplier).to_integral_value(rounding=ROUND_CEILING)
    return min(PPM, int(exact))


def sample_size(n: int, ppm: int | None = None, count: int | None = None,
                min_count: int | None = None) -> int:
    """k of §6: ceil(N·q / 10^6) in integers, raised to a minimum count, or an absolute count; ≤ N."""
    if count is not None:
        return min(n, count)
    if ppm is None:
        raise ValueError("a stratum needs a rate or a count")
    k = min(n, (n * ppm + PPM - 1) // PPM)
    if min_count is not None:
        k = min(n, max(k, min_count))
    return k


# ---------------------------------------------------------------- §5 selection


@dataclass(frozen=True)
class Pick:
    """One selected subject: its rank in the stratum (1-based), id and key K."""

    rank: int
    id: str
    key: str


def select(stream_hex: str, ids: Iterable[str], k: int) -> list[Pick]:
    """The first k ids by (K, UTF-8 bytes of id): the hot path.

    The stream prefix is hashed once and copied per id; for k much smaller than N a heap keeps
    only k candidates. Equal to `select_naive` (tested).
    """
    if k <= 0:
        return []
    prefix = hashlib.sha256(f"{stream_hex}|".encode())
    copy = prefix.copy

    def keyed() -> Iterable[tuple[str, bytes]]:
        for subject_id in ids:
            raw = subject_id.encode("utf-8")
            h = copy()
            h.update(raw)
            yield h.hexdigest(), raw

    best = heapq.nsmallest(k, keyed())
    return [Pick(rank, raw.decode("utf-8"), key) for rank, (key, raw) in enumerate(best, 1)]


def select_naive(stream_hex: str, ids: Iterable[str], k: int) -> list[Pick]:
    """The reference: key every id from scratch, sort them all, take the first k."""
    ordered = sorted((subject_key(stream_hex, i), i.encode("utf-8"), i) for i in ids)
    return [Pick(rank, i, key) for rank, (key, _, i) in enumerate(ordered[:max(k, 0)], 1)]


# ---------------------------------------------------------------- strata and rounds over plain ids


@dataclass(frozen=True)
class Stratum:
    """One stratum of a task (分层): who is in it and how many to draw, in how many rounds.

    Exactly one of `rate_ppm` / `count` is set. `group` is the sub-population label (or None).
    """

    label: str
    risk: str | None
    ids: tuple[str, ...]
    rate_ppm: int | None = None
    count: int | None = None
    min_count: int | None = None
    rounds: int = 1
    group: str | None = None

    @property
    def k(self) -> int:
        """k computed on the full stratum (§6); later rounds cap it at what remains."""
        return sample_size(len(self.ids), self.rate_ppm, self.count, self.min_count)


@dataclass(frozen=True)
class StratumDraw:
    """One stratum's draw in one round (the record's `strata` entry): who was eligible, k, the picks."""

    label: str
    risk: str | None
    population: int
    eligible: int
    population_digest: str
    rate_ppm: int | None
    count: int | None
    k: int
    selected: tuple[Pick, ...]

    def to_json(self) -> dict[str, object]:
        return {"label": self.label, "risk": self.risk, "population": self.population,
                "eligible": self.eligible, "population_digest": self.population_digest,
                "rate_ppm": self.rate_ppm, "count": self.count, "k": self.k,
                "selected": [{"rank": p.rank, "id": p.id, "key": p.key} for p in self.selected]}


@dataclass(frozen=True)
class RoundDraw:
    """One round (轮次) of a task: its stream S_tr, its window and the draw of each stratum."""

    round: int
    stream: str
    window: tuple[date, date] | None
    strata: tuple[StratumDraw, ...]

    def to_json(self) -> dict[str, object]:
        window = None if self.window is None else {"start": self.window[0].isoformat(),
                                                     "end": self.window[1].isoformat()}
        return {"round": self.round, "stream": self.stream, "window": window,
                "strata": [s.to_json() for s in self.strata]}


def draw_task(seed_hex: str, task_no: int, strata: Sequence[Stratum], rounds: int,
              windows: Sequence[tuple[date, date]] | None = None) -> tuple[RoundDraw, ...]:
    """Draw every round of one task (§5–§7).

    Round r uses its own stream and draws only from strata whose `rounds` ≥ r; its population in
    a stratum excludes the subjects earlier rounds selected there; k is computed on the full
    stratum and capped at what remains.
    """
    taken: dict[int, set[str]] = {i: set() for i in range(len(strata))}
    digests = [population_digest(s.ids) for s in strata]
    result: list[RoundDraw] = []
    for r in range(1, rounds + 1):
        s_tr = stream(seed_hex, task_no, r)
        drawn: list[StratumDraw] = []
        for i, stratum in enumerate(strata):
            if stratum.rounds < r or not stratum.ids:
                continue
            done = taken[i]
            eligible = [x for x in stratum.ids if x not in done] if done else stratum.ids
            k = min(stratum.k, len(eligible))
            picks = select(s_tr, eligible, k)
            done.update(p.id for p in picks)
            drawn.append(StratumDraw(stratum.label, stratum.risk, len(stratum.ids), len(eligible),
                                     digests[i], stratum.rate_ppm, stratum.count, k, tuple(picks)))
        window = windows[r - 1] if windows is not None else None
        result.append(RoundDraw(r, s_tr, window, tuple(drawn)))
    return tuple(result)


# ---------------------------------------------------------------- per-round windows


def split_window(start: date, end: date, parts: int) -> list[tuple[date, date]]:
    """The window cut into `parts` consecutive pieces of whole calendar days.

    With D days in the window, every piece has D div parts days and the first D mod parts pieces
    one day more. Raises ValueError when D < parts.
    """
    days = (end - start).days + 1
    if parts < 1 or days < parts:
        raise ValueError(f"{days} 天不够分成 {parts} 轮")
    base, extra = divmod(days, parts)
    pieces: list[tuple[date, date]] = []
    cursor = start
    for r in range(1, parts + 1):
        length = base + (1 if r <= extra else 0)
        piece_end = cursor + timedelta(days=length - 1)
        pieces.append((cursor, piece_end))
        cursor = piece_end + timedelta(days=1)
    return pieces


# ---------------------------------------------------------------- a plan's task → strata


@dataclass(frozen=True)
class Floor:
    """不低于 p%: the realised round-1 rate of (a sub-population of) the task must reach p."""

    group: str | None
    percent: Decimal
    text: str


@dataclass(frozen=True)
class TaskDesign:
    """A task ready to draw: its strata, rounds, round windows, floors and warnings."""

    no: int
    population: int
    strata: tuple[Stratum, ...]
    rounds: int
    windows: tuple[tuple[date, date], ...]
    floors: tuple[Floor, ...]
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class TaskResult:
    """A task drawn: its design, every round's draw and the floors it realised (the record's task entry)."""

    design: TaskDesign
    rounds: tuple[RoundDraw, ...]
    realised: tuple[tuple[Floor, int, int], ...]
    """Per floor: (floor, selected in round 1, population of the group)."""

    @property
    def selected(self) -> int:
        return sum(len(s.selected) for r in self.rounds for s in r.strata)

    def round_one_selected(self) -> int:
        return sum(len(s.selected) for r in self.rounds[:1] for s in r.strata)


def realised_percent(selected: int, population: int) -> Decimal:
    """selected / population as a percent, truncated to 2 decimals (never shown above the truth)."""
    if population == 0:
        return Decimal(0)
    return (Decimal(selected * 100) / Decimal(population)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def _count_rule_holds(op: CompareOp, n: int, threshold: int) -> bool:
    return {CompareOp.LE: n <= threshold, CompareOp.LT: n < threshold, CompareOp.GT: n > threshold,
            CompareOp.GE: n >= threshold, CompareOp.EQ: n == threshold}.get(op, False)


class _TaskBuilder:
    """Turns one task of a checked plan into strata; collects diagnostics with spans."""

    def __init__(self, task: Task, profile: RiskProfile | None, file: str) -> None:
        self.task = task
        self.no = task.number.value
        self.profile = profile
        self.file = file
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.levels: dict[RiskClass, RiskLevel] = {lv.risk: lv for lv in profile.levels} if profile else {}

    def ppm(self, percent: Decimal, multiplier: Decimal | None, span: Span) -> int:
        try:
            return rate_ppm(percent, multiplier)
        except ValueError as exc:
            if any(d.code == RATE_NOT_PPM and d.span == span for d in self.errors):
                return 0  # one report per written rate, not one per stratum it applies to
            self.errors.append(error(RATE_NOT_PPM, f"任务 {self.no} 的抽查比例无法精确换算：{exc} "
                                     f"(rate not convertible to ppm)", self.file,
                                     span, hint="比例最多写到小数点后 4 位，例如 12.5% 或 0.0001%"))
            return 0

    def task_rounds(self) -> int:
        return self.task.rounds.per_year if self.task.rounds is not None else 1

    def level_rounds(self, risk: RiskClass) -> int:
        level = self.levels.get(risk)
        base = self.task_rounds()
        if level is not None and level.rounds is not None:
            return max(base, level.rounds.per_year)
        return base

    def unit_strata(self, ids_by_risk: Mapping[RiskClass, list[str]], rate: Rate,
                    group: str | None) -> list[Stratum]:
        """The strata of one rate unit (the whole task, or one sub-population)."""
        prefix = f"{group}/" if group is not None else ""
        all_ids = [i for risk in RISK_CLASS_ORDER for i in ids_by_risk.get(risk, [])]
        if self.profile is None:
            label = group if group is not None else ALL_LABEL
            return [self.plain_stratum(label, None, all_ids, rate, self.task_rounds(), group)]
        if rate.count is not None:
            return self.count_strata(ids_by_risk, rate, group, prefix)
        out: list[Stratum] = []
        for risk in RISK_CLASS_ORDER:
            ids = ids_by_risk.get(risk, [])
            if not ids:
                continue
            level = self.levels.get(risk)
            rounds = self.level_rounds(risk)
            label = prefix + risk.value
            if level is not None and level.rate is not None:
                out.append(self.plain_stratum(label, risk.value, ids, level.rate, rounds, group))
                continue
            multiplier = level.multiplier if level is not None else None
            out.append(Stratum(label, risk.value, tuple(ids),
                               rate_ppm=self.ppm(rate.percent or Decimal(0), multiplier, rate.span),
                               min_count=rate.min_count, rounds=rounds, group=group))
        return out

    def plain_stratum(self, label: str, risk: str | None, ids: Sequence[str], rate: Rate, rounds: int,
                      group: str | None) -> Stratum:
        if rate.count is not None:
            return Stratum(label, risk, tuple(ids), count=rate.count, rounds=rounds, group=group)
        ppm = self.ppm(rate.percent or Decimal(0), None, rate.span)
        return Stratum(label, risk, tuple(ids), rate_ppm=ppm, min_count=rate.min_count, rounds=rounds,
                       group=group)

    def count_strata(self, ids_by_risk: Mapping[RiskClass, list[str]], rate: Rate, group: str | None,
                     prefix: str) -> list[Stratum]:
        """An absolute count under a profile: one stratum; the profile's ratios do not apply.

        Its rounds do: round r ≤ the task's rounds draws `count` from everybody; an escalated
        round r draws `count` from the classes whose level has ≥ r rounds, as one stratum
        labelled with those letters joined by "+" (e.g. `C+D`).
        """
        self.warnings.append(warning(
            COUNT_WITH_PROFILE,
            f"任务 {self.no} 按户数抽查（{rate.count}户），风险递加的比例不适用，只按风险等级增加频次 "
            f"(a count rate ignores the profile's ratios; only its rounds apply)",
            self.file, rate.span, hint="如需按风险分层抽取，请把比例写成百分比"))
        all_ids = [i for risk in RISK_CLASS_ORDER for i in ids_by_risk.get(risk, [])]
        base = self.task_rounds()
        out = [Stratum(prefix + ALL_LABEL if group is None else group, None, tuple(all_ids),
                       count=rate.count, rounds=base, group=group)]
        top = max([base] + [self.level_rounds(r) for r in RISK_CLASS_ORDER])
        for r in range(base + 1, top + 1):
            classes = [risk for risk in RISK_CLASS_ORDER if self.level_rounds(risk) >= r]
            ids = [i for risk in classes for i in ids_by_risk.get(risk, [])]
            if ids:
                label = prefix + "+".join(c.value for c in classes)
                out.append(Stratum(label, classes[0].value if len(classes) == 1 else None, tuple(ids),
                                   count=rate.count, rounds=r, group=group))
        return out

    def rounds_total(self) -> int:
        """The most rounds the plan allows the task: its 频次, raised by any profile level's 频次."""
        return max([self.task_rounds()] + [self.level_rounds(r) for r in self.levels])


def _risk_of(subject: object) -> RiskClass:
    risk = getattr(subject, "risk", RiskClass.UNCLASSIFIED)
    return risk if isinstance(risk, RiskClass) else RiskClass(str(risk) or "U")


def _split_by_risk(subjects: Iterable[object]) -> dict[RiskClass, list[str]]:
    out: dict[RiskClass, list[str]] = {}
    for s in subjects:
        out.setdefault(_risk_of(s), []).append(s.id)  # type: ignore[attr-defined]
    return out


def plan_task(task: Task, plan: Plan, population: Sequence[object], year: int, file: str,
              matcher: Callable[[object], Callable[[object], bool]]) -> TaskDesign:
    """One task of a checked plan as strata, rounds and round windows (raises InputError).

    `population` are the registry subjects in the task's scope (objects with `id` and `risk`);
    `matcher(selector)` compiles a sub-population selector.
    """
    no = task.number.value
    profile: RiskProfile | None = None
    if task.risk is not None and task.risk.profile is not None:
        profile = profiles_by_name(plan).get(task.risk.profile.value)
        if profile is None:
            raise InputError([error(UNKNOWN_PROFILE,
                                    f"任务 {no} 引用的风险递加方案 {task.risk.profile.value} 未定义 "
                                    f"(unknown risk profile)",
                                    file, task.risk.profile.span,
                                    hint="先用 风险递加 声明该方案，或写 风险 无")])
    b = _TaskBuilder(task, profile, file)
    if task.rounds is not None and task.rounds.per_year < 1:
        b.errors.append(error(BAD_ROUNDS, f"任务 {no} 的频次 {task.rounds.per_year}次/年 无法抽取 "
                              f"(rounds per year must be at least 1)",
                              file, task.rounds.span, hint="频次至少 1次/年"))
    rate = task.rate
    floors: list[Floor] = []
    strata: list[Stratum] = []
    n = len(population)
    if rate is None:
        b.errors.append(error(NO_RATE, f"任务 {no} 没有抽查比例 (no sampling rate)", file, task.span,
                              hint="写上 比例 不低于 10% 或 比例 20户"))
    elif isinstance(rate, SubgroupRates):
        groups: list[list[object]] = [[] for _ in rate.rules]
        compiled = [matcher(rule.selector) for rule in rate.rules]
        ungrouped = 0
        for s in population:
            for gi, pred in enumerate(compiled):
                if pred(s):
                    groups[gi].append(s)
                    break
            else:
                ungrouped += 1
        if ungrouped:
            b.warnings.append(warning(UNGROUPED, f"任务 {no}：{ungrouped} 个对象不属于任何分组，不参与抽查 "
                                      f"(subjects in no group are not drawn)",
                                      file, rate.span, hint="如需抽取，请为它们加一条分组规则"))
        n = sum(len(g) for g in groups)
        for gi, (rule, members) in enumerate(zip(rate.rules, groups, strict=True)):
            label = canonical_text(rule.label.value) if rule.label is not None else f"第{gi + 1}组"
            if rule.rate.at_least and rule.rate.count is None and rule.rate.percent is not None:
                floors.append(Floor(label, rule.rate.percent, rate_text(rule.rate)))
            strata += b.unit_strata(_split_by_risk(members), rule.rate, label)
    else:
        chosen: Rate | None
        if isinstance(rate, CountRates):
            chosen = next((rule.rate for rule in rate.rules if _count_rule_holds(rule.op, n, rule.threshold)),
                          None)
            if chosen is None:
                b.errors.append(error(NO_COUNT_RULE,
                                      f"任务 {no} 的对象总数 {n} 不符合 比例 按总数 中的任何一条 "
                                      f"(no count rule matches the population)", file,
                                      rate.span, hint="补一条规则覆盖这个总数，例如 超过 10 ： 不低于 50%"))
        else:
            chosen = rate
        if chosen is not None:
            if chosen.at_least and chosen.count is None and chosen.percent is not None:
                floors.append(Floor(None, chosen.percent, rate_text(chosen)))
            strata = b.unit_strata(_split_by_risk(population), chosen, None)
    strata = [s for s in strata if s.ids]
    rounds = max([b.task_rounds()] + [s.rounds for s in strata])
    windows = _round_windows(task, b.rounds_total(), rounds, year, file, b.errors)
    windows = _with_working_days(task, windows, file, b.errors)
    if b.errors:
        raise InputError(b.errors)
    if n == 0:
        b.warnings.append(warning(EMPTY_POPULATION,
                                  f"任务 {no}（{task.name.value}）的抽查对象范围内没有对象，本任务未抽取 "
                                  f"(empty scope: nothing drawn)",
                                  file, task.scope.span if task.scope else task.span,
                                  hint="检查对象范围的筛选条件是否与名录库的 行业类别 一致"))
    return TaskDesign(no, n, tuple(strata), rounds, tuple(windows), tuple(floors),
                      tuple(b.warnings))


def _with_working_days(task: Task, windows: list[tuple[date, date]], file: str,
                       errors: list[Diagnostic]) -> list[tuple[date, date]]:
    """The round windows, or [] after an error at the plan's 时间 when a round has no working day:
    no visit could ever be dated in it (检查只在法定工作日进行), so nothing is drawn for it."""
    from .workdays import workdays_between

    empty = [(r, s, e) for r, (s, e) in enumerate(windows, start=1) if not workdays_between(s, e)]
    if not empty:
        return windows
    r, start, end = empty[0]
    which = f"第 {r} 轮（{start.isoformat()}—{end.isoformat()}）" if len(windows) > 1 else \
        f"起止时间（{start.isoformat()}—{end.isoformat()}）"
    more = f"，共 {len(empty)} 轮如此" if len(empty) > 1 else ""
    span = task.window.span if task.window is not None else task.span
    errors.append(error(NO_WORKING_DAY,
                        f"任务 {task.number.value} 的{which}内没有法定工作日，只有周末和节假日{more} "
                        f"(no working day in the round's window)", file, span,
                        hint="放宽起止时间、减少频次，或调整批次截止日期，使每一轮都包含工作日"))
    return []


def _round_windows(task: Task, planned: int, rounds: int, year: int, file: str,
                   errors: list[Diagnostic]) -> list[tuple[date, date]]:
    """The dates of the task's `rounds` rounds (of `planned`, what the plan allows at most).

    Batch r's span when batches are given (one batch per planned round), else the window cut
    into `rounds` equal calendar parts.
    """
    no = task.number.value
    if task.window is None:
        errors.append(error(NO_WINDOW, f"任务 {no} 没有抽查检查起止时间 (no time window)", file, task.span,
                            hint="写上 时间 3月—11月"))
        return []
    start, end = resolve_window(task.window, year)
    if task.batches:
        if len(task.batches) != planned:
            errors.append(error(BATCH_ROUNDS,
                                f"任务 {no} 有 {len(task.batches)} 个批次，但共 {planned} 轮抽查 "
                                f"(one batch per round)",
                                file, task.batches[0].span, hint="批次 r 就是第 r 轮：批次数应等于频次"))
            return []
        out: list[tuple[date, date]] = []
        cursor = start
        for batch in task.batches:
            deadline = resolve_deadline(batch.deadline, year)
            if deadline < cursor or deadline > end:
                errors.append(error(BATCH_ORDER,
                                    f"任务 {no} 的 {batch.name.value} 截止 {deadline.isoformat()} 不在 "
                                    f"{cursor.isoformat()} 至 {end.isoformat()} 之间 "
                                    f"(batch deadlines must be in order and inside the window)",
                                    file, batch.deadline.span,
                                    hint="批次截止日期须按先后排列且在起止时间之内"))
                return []
            out.append((cursor, deadline))
            cursor = deadline + timedelta(days=1)
        return out[:rounds]
    try:
        return split_window(start, end, rounds)
    except ValueError as exc:
        errors.append(error(WINDOW_TOO_SHORT, f"任务 {no} 的起止时间 {exc} (window too short for the rounds)",
                            file, task.window.span,
                            hint="放宽起止时间或减少频次"))
        return []


def run_task(seed_hex: str, design: TaskDesign, file: str, floor_span: Span = NO_SPAN) -> TaskResult:
    """Draw a designed task and enforce its floors (不低于): below the floor is refused (SSJ303)."""
    rounds = draw_task(seed_hex, design.no, design.strata, design.rounds, design.windows)
    first = rounds[0].strata if rounds else ()
    realised: list[tuple[Floor, int, int]] = []
    problems: list[Diagnostic] = []
    for floor in design.floors:
        members = [s for s in design.strata if floor.group is None or s.group == floor.group]
        population = sum(len(s.ids) for s in members)
        labels = {s.label for s in members}
        chosen = sum(len(sd.selected) for sd in first if sd.label in labels)
        realised.append((floor, chosen, population))
        if population and chosen * 100 < floor.percent * population:
            where = f"（{floor.group}）" if floor.group else ""
            problems.append(error(
                BELOW_FLOOR,
                f"任务 {design.no}{where} 第1轮 实际抽查比例 "
                f"{format_decimal(realised_percent(chosen, population))}% "
                f"低于计划 {floor.text}（{population} 户抽 {chosen} 户） "
                f"(realised rate below the plan's floor)",
                file, floor_span, hint="提高风险递加倍数（不应小于 1），或改写计划的比例"))
    if problems:
        raise InputError(problems)
    return TaskResult(design, rounds, tuple(realised))


@dataclass
class PlanDraw:
    """Every task's draw in task-number order, plus the warnings met on the way."""

    tasks: list[TaskResult] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


def draw_plan(plan: Plan, subjects: Sequence[object], seed_hex: str, year: int, file: str,
              field_kinds: Mapping[str, FieldKind] | None = None,
              progress: Callable[[str], None] | None = None) -> PlanDraw:
    """Draw every task of a checked plan against the registry subjects (raises InputError).

    All tasks are designed first and every error is collected before anything is drawn. The
    cyclic garbage collector is paused meanwhile: the draw makes no cycles, and with 10^6 subjects
    alive each collection would walk them all (a third of the time, measured by bench/draw.py).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _draw_plan(plan, subjects, seed_hex, year, file, field_kinds, progress)
    finally:
        if paused:
            gc.enable()


def _draw_plan(plan: Plan, subjects: Sequence[object], seed_hex: str, year: int, file: str,
               field_kinds: Mapping[str, FieldKind] | None,
               progress: Callable[[str], None] | None) -> PlanDraw:
    from .selector import SubjectIndex, compile_selector, select_subjects

    kinds = dict(field_kinds) if field_kinds is not None else checker_field_kinds(plan)

    def matcher(selector: object) -> Callable[[object], bool]:
        return compile_selector(selector, kinds)  # type: ignore[arg-type]

    errors: list[Diagnostic] = []
    designs: list[tuple[Task, TaskDesign]] = []
    out = PlanDraw()
    index = SubjectIndex(subjects)
    for task in sorted(plan.tasks, key=lambda t: t.number.value):
        try:
            if task.scope is None or task.scope.selector is None:
                out.warnings.append(warning(
                    NO_SELECTOR, f"任务 {task.number.value} 的对象范围没有筛选条件，按整个名录库抽取 "
                    f"(no selector: the whole registry is in scope)",
                    file, task.scope.span if task.scope else task.span,
                    hint='用 筛选 写明对象范围，例如 筛选 行业类别 包含 "汽车销售"'))
                population: Sequence[object] = subjects
            else:
                population = select_subjects(task.scope.selector, subjects, kinds, file, index)
            design = plan_task(task, plan, population, year, file, matcher)
        except InputError as exc:
            errors += exc.diagnostics
            continue
        designs.append((task, design))
        out.warnings += design.warnings
    if errors:
        raise InputError(errors)
    for task, design in designs:
        if progress is not None:
            progress(f"任务 {design.no}：{design.population} 个对象")
        floor_span = task.rate.span if task.rate is not None else task.span
        try:
            out.tasks.append(run_task(seed_hex, design, file, floor_span))
        except InputError as exc:
            errors += exc.diagnostics
    if errors:
        raise InputError(errors)
    return out
