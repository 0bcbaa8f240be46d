"""SSJ-DRAW-1 and its extensions, the verifiable subject draw (随机抽取检查对象).

Everything here is a pure function of its inputs so that anyone holding the published artifacts
can recompute a draw with nothing but SHA-256 (`docs/spec/SSJ-DRAW-1.md`, `docs/draw.md`, and the
extensions SSJ-DRAW-X1…X4 in `docs/spec/`):

- the primitives: plan digest P, commitment text T and digest C, seed S, stream S_tr, key K,
  sample size k in integer parts per million (ppm);
- `select`: the first k subjects of a stratum by (K, UTF-8 bytes of id) — fast, equal to `select_naive`;
- `draw_task`: strata × rounds over plain lists of ids (no plan, no registry needed);
- `allocate`: a total split over strata by weights, largest remainder (SSJ-DRAW-X2);
- `design_unit` turns a resolved draw unit (a task or a sub-row: scope, rate, escalation profile,
  sub-populations, count rules, totals, rounds) into strata; `draw_plan` draws every unit of a plan.

Floating point never enters a sample size: rates are integers in ppm, computed from `Decimal`.
A record lists the extensions its draw used (`extensions`); a plan that uses none draws exactly as
SSJ-DRAW-1 alone, so every record made before the extensions existed still verifies.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Protocol

from ..canonical import canonical_text
from ..check.resolve import all_rounds_windows
from ..check.resolved import (
    Body,
    CountRates,
    DrawUnit,
    Profile,
    RateForm,
    RateRule,
    ResolvedPlan,
    SubgroupRates,
)
from ..diagnostics import Diagnostic, InputError, error, warning
from ..gcpause import collector_paused
from ..language.nodes import RISK_CLASS_ORDER, CompareOp, RiskClass
from ..language.wording import format_decimal

SPEC = "SSJ-DRAW-1"
PPM = 1_000_000
"""100 % in parts per million."""
ALL_LABEL = "全部"
"""The label of the single stratum of a task drawn without escalation (不分层)."""

# Diagnostic codes of the subject draw (documented in docs/diagnostics/ssj3-draw.md).
BELOW_FLOOR = "SSJ303"
EMPTY_POPULATION = "SSJ308"
COUNT_WITH_PROFILE = "SSJ309"
BAD_BEACON_VALUE = "SSJ310"
BAD_DESCRIPTOR = "SSJ311"
NO_SELECTOR = "SSJ312"
UNGROUPED = "SSJ316"
NO_WORKING_DAY = "SSJ322"  # a round's window holds no official working day (weekends and holidays only)
UNSTATED_NOT_DRAWN = "SSJ323"  # warning: a part of the plan without a number (待定) is not drawn
PLANNED_DIFFERS = "SSJ324"  # warning: the drawn total departs from the planned count beyond what it allows
BASE_DIFFERS = "SSJ325"  # warning: the registry population departs from the plan's stated 基数
NEEDS_ROSTER = "SSJ326"  # a headcount rate (每名执法人员 / 人员比) without a roster to count
NO_HEADCOUNT = "SSJ327"  # a headcount rate whose inspecting body has no qualified inspector
AREA_NOT_COVERED = "SSJ328"  # subjects whose area no office of the inspecting level covers

EXTENSION_TASK_IDS = "SSJ-DRAW-X1"
"""Task codes as text (SJ-2023-01) and sub-rows (子项) in the stream: docs/spec/SSJ-DRAW-X1.md."""
EXTENSION_TOTALS = "SSJ-DRAW-X2"
"""Totals allocated over strata, headcount rates, annual rates over rounds: docs/spec/SSJ-DRAW-X2.md."""
EXTENSION_STRATA = "SSJ-DRAW-X3"
"""Strata by any registry column, excluded and unstated strata, range caps: docs/spec/SSJ-DRAW-X3.md."""
EXTENSION_ROUNDS = "SSJ-DRAW-X4"
"""Calendar-period rounds, independent rounds, batches splitting a round: docs/spec/SSJ-DRAW-X4.md."""
EXTENSION_JOINT = "SSJ-DRAW-X5"
"""Joint draws (合并抽取): several tasks drawn as one: docs/spec/SSJ-DRAW-X5.md."""
EXTENSION_ORDER = (EXTENSION_TASK_IDS, EXTENSION_TOTALS, EXTENSION_STRATA, EXTENSION_ROUNDS, EXTENSION_JOINT)
PLANNED_TOLERANCE = Fraction(1, 10)
"""约 N户 (and 基数 约 N户) allow the realised number to differ from N by 10 % of N (SSJ324, SSJ325)."""


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


def stream(seed_hex: str, task: int | str, round_no: int, sub: int | None = None) -> str:
    """S_tr = H(S + "|task|" + t + "|round|" + r) (§4); a sub-row j of task t draws with
    H(S + "|task|" + t + "|sub|" + j + "|round|" + r) (SSJ-DRAW-X1)."""
    if sub is None:
        return H(f"{seed_hex}|task|{task}|round|{round_no}")
    return H(f"{seed_hex}|task|{task}|sub|{sub}|round|{round_no}")


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
    draws fewer than the plan says. Raises ValueError (the checker refuses such a rate: SSJ128).
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


# ---------------------------------------------------------------- members of a stratum


class Cells:
    """The members of a stratum held by the engine: the registry combinations ("cells": subjects alike in
    every column the plan reads) they consist of, and how many subjects that is. `engine_draw` draws them;
    everything else here only counts them."""

    __slots__ = ("cells", "size")

    def __init__(self, cells: frozenset[int], size: int) -> None:
        self.cells = cells
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __bool__(self) -> bool:
        return self.size > 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cells) and other.cells == self.cells

    def __hash__(self) -> int:
        return hash(self.cells)

    def __repr__(self) -> str:
        return f"Cells({sorted(self.cells)!r}, size={self.size})"


Members = tuple[str, ...] | Cells
"""Who is in a stratum: the ids themselves (the draw in Python) or engine cells (the draw in the engine)."""


def members(ids: Iterable[str] | Cells) -> Members:
    """Members as a stratum keeps them: cells as they are, ids as a tuple."""
    return ids if isinstance(ids, Cells) else tuple(ids)


def concat(parts: Iterable[Iterable[str] | Cells]) -> Members:
    """Disjoint members joined (classes into a stratum)."""
    parts = list(parts)
    if any(isinstance(p, Cells) for p in parts):
        cells = [p for p in parts if isinstance(p, Cells)]
        return Cells(frozenset().union(*(p.cells for p in cells)), sum(p.size for p in cells))
    return tuple(i for p in parts for i in p)  # type: ignore[union-attr]


def members_of(subjects: Sequence[object]) -> Members:
    """The members a list of population entries stands for: their ids, or for engine cells (entries with
    `cell` and `weight`) the cells."""
    if subjects and hasattr(subjects[0], "weight"):
        return Cells(frozenset(s.cell for s in subjects),  # type: ignore[attr-defined]
                     sum(s.weight for s in subjects))  # type: ignore[attr-defined]
    return tuple(s.id for s in subjects)  # type: ignore[attr-defined]


def count(subjects: Sequence[object]) -> int:
    """How many subjects a list of population entries stands for."""
    if subjects and hasattr(subjects[0], "weight"):
        return sum(s.weight for s in subjects)  # type: ignore[attr-defined]
    return len(subjects)


# ---------------------------------------------------------------- strata and rounds over plain ids


@dataclass(frozen=True)
class Stratum:
    """One stratum of a task (分层): who is in it and how many to draw, in how many rounds.

    Exactly one of `rate_ppm` / `count` is set. `group` is the sub-population label (or None).
    """

    label: str
    risk: str | None
    ids: Members
    rate_ppm: int | None = None
    count: int | None = None
    min_count: int | None = None
    rounds: int = 1
    group: str | None = None
    fixed_k: int | None = None
    """k given outright: allocated from a total (SSJ-DRAW-X2), or 0 for an excluded or unstated stratum."""
    round_k: tuple[int, ...] | None = None
    """k of each round when an annual total is spread over the rounds (SSJ-DRAW-X2 §4)."""
    note: str | None = None
    """Why k is what it is when it is not the rate's: 不抽, 待定 (SSJ-DRAW-X3)."""

    @property
    def k(self) -> int:
        """k computed on the full stratum (§6); later rounds cap it at what remains."""
        if self.fixed_k is not None:
            return min(len(self.ids), self.fixed_k)
        return sample_size(len(self.ids), self.rate_ppm, self.count, self.min_count)

    def round_size(self, round_no: int) -> int:
        """k of round `round_no`: the spread annual total's share, else `k`."""
        if self.round_k is not None:
            return self.round_k[round_no - 1] if round_no <= len(self.round_k) else 0
        return self.k


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
    note: str | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "label": self.label, "risk": self.risk, "population": self.population,
            "eligible": self.eligible, "population_digest": self.population_digest,
            "rate_ppm": self.rate_ppm, "count": self.count, "k": self.k}
        if self.note is not None:
            out["note"] = self.note
        out["selected"] = [{"rank": p.rank, "id": p.id, "key": p.key} for p in self.selected]
        return out


@dataclass(frozen=True)
class BatchDraw:
    """One batch of a round split into batches (SSJ-DRAW-X4 §4): its dates and the subjects in it."""

    name: str
    window: tuple[date, date]
    ids: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "window": {"start": self.window[0].isoformat(),
                                              "end": self.window[1].isoformat()}, "ids": list(self.ids)}


@dataclass(frozen=True)
class RoundDraw:
    """One round (轮次) of a task: its stream S_tr, its window and the draw of each stratum."""

    round: int
    stream: str
    window: tuple[date, date] | None
    strata: tuple[StratumDraw, ...]
    batches: tuple[BatchDraw, ...] = ()

    def to_json(self) -> dict[str, object]:
        window = None if self.window is None else {"start": self.window[0].isoformat(),
                                                     "end": self.window[1].isoformat()}
        out: dict[str, object] = {"round": self.round, "stream": self.stream, "window": window,
                                  "strata": [s.to_json() for s in self.strata]}
        if self.batches:
            out["batches"] = [b.to_json() for b in self.batches]
        return out


class Drawer(Protocol):
    """Where a stratum's ids are keyed and ranked: in Python (`PythonDrawer`) or in the engine
    (`engine_draw.EngineDrawer`); both give the same picks and digests (tested)."""

    def digest(self, ids: Members) -> str:
        """population_digest of the members."""

    def select(self, stream_hex: str, ids: Members, excluded: set[str], k: int) -> list[Pick]:
        """The first k members not in `excluded` by (K, UTF-8 bytes of id)."""


class PythonDrawer:
    """The draw over ids in Python (`select`, `population_digest`)."""

    def digest(self, ids: Members) -> str:
        assert not isinstance(ids, Cells)
        return population_digest(ids)

    def select(self, stream_hex: str, ids: Members, excluded: set[str], k: int) -> list[Pick]:
        assert not isinstance(ids, Cells)
        return select(stream_hex, [x for x in ids if x not in excluded] if excluded else ids, k)


PYTHON_DRAWER = PythonDrawer()


def draw_task(seed_hex: str, task_no: int | str, strata: Sequence[Stratum], rounds: int,
              windows: Sequence[tuple[date, date]] | None = None, *, sub: int | None = None,
              independent: bool = False, drawer: Drawer | None = None) -> tuple[RoundDraw, ...]:
    """Draw every round of one task (§5–§7) or sub-row (`sub`, SSJ-DRAW-X1).

    Round r uses its own stream and draws only from strata whose `rounds` ≥ r; its population in
    a stratum excludes the subjects earlier rounds selected there (unless the rounds are
    `independent`, SSJ-DRAW-X4 §3); k is computed on the full stratum (or is the round's share of an
    annual total) and capped at what remains.
    """
    drawer = drawer or PYTHON_DRAWER
    taken: dict[int, set[str]] = {i: set() for i in range(len(strata))}
    digests = [drawer.digest(s.ids) if s.ids else population_digest(()) for s in strata]
    result: list[RoundDraw] = []
    for r in range(1, rounds + 1):
        s_tr = stream(seed_hex, task_no, r, sub)
        drawn: list[StratumDraw] = []
        for i, stratum in enumerate(strata):
            if stratum.rounds < r or not stratum.ids:
                continue
            done = taken[i] if not independent else set()
            eligible = len(stratum.ids) - len(done)  # earlier rounds drew only from this stratum
            k = min(stratum.round_size(r), eligible)
            picks = drawer.select(s_tr, stratum.ids, done, k)
            taken[i].update(p.id for p in picks)
            drawn.append(StratumDraw(stratum.label, stratum.risk, len(stratum.ids), eligible,
                                     digests[i], stratum.rate_ppm, stratum.count, k, tuple(picks),
                                     stratum.note))
        window = windows[r - 1] if windows is not None else None
        result.append(RoundDraw(r, s_tr, window, tuple(drawn)))
    return tuple(result)


# ---------------------------------------------------------------- SSJ-DRAW-X2: totals over strata


def allocate(total: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """SSJ-DRAW-X2 §2: `total` split over strata in proportion to `weights`, each at most its cap.

    Each stratum first gets the whole part of its exact share; the selections left over go one each to
    the strata with the largest remainders (ties to the earlier stratum). A stratum whose exact share
    reaches its cap gets the cap, and the rest is shared again among the others. A stratum of weight 0
    gets nothing. Integers only: the share of stratum i is total·wᵢ / Σw, compared as total·wᵢ mod Σw.
    """
    k = [0] * len(weights)
    remaining = min(total, sum(cap for cap, weight in zip(caps, weights, strict=True) if weight > 0))
    active = [i for i, weight in enumerate(weights) if weight > 0 and caps[i] > 0]
    while remaining > 0 and active:
        weight = sum(weights[i] for i in active)
        full = [i for i in active if remaining * weights[i] >= (caps[i] - k[i]) * weight]
        if full:
            for i in full:
                remaining -= caps[i] - k[i]
                k[i] = caps[i]
            active = [i for i in active if i not in full]
            continue
        shares = {i: remaining * weights[i] // weight for i in active}
        for i in active:
            k[i] += shares[i]
        left = remaining - sum(shares.values())
        for i in sorted(active, key=lambda i: (-(remaining * weights[i] % weight), i))[:left]:
            k[i] += 1
        remaining = 0
    return k


def spread(total: int, rounds: int) -> tuple[int, ...]:
    """SSJ-DRAW-X2 §4: an annual total over `rounds` rounds, round r taking ⌊T·r/R⌋ − ⌊T·(r−1)/R⌋."""
    return tuple(total * r // rounds - total * (r - 1) // rounds for r in range(1, rounds + 1))


def headcount_total(rate: RateRule, inspectors: int) -> int:
    """SSJ-DRAW-X2 §3: 每名执法人员 c户 is c × inspectors; 人员比 a:b is ⌈inspectors × b / a⌉."""
    if rate.form is RateForm.PER_INSPECTOR:
        return (rate.count or 0) * inspectors
    assert rate.staff_ratio is not None
    staff, subjects = rate.staff_ratio
    return math.ceil(Fraction(inspectors) * Fraction(subjects) / Fraction(staff))


def within(realised: int, planned: int, approx: bool) -> bool:
    """Whether a realised number agrees with a planned one: equal, or for 约 within 10 % of it."""
    if not approx:
        return realised == planned
    return abs(realised - planned) <= planned * PLANNED_TOLERANCE


# ---------------------------------------------------------------- a unit → strata


@dataclass(frozen=True)
class Floor:
    """不低于 p%: the realised round-1 rate of (a sub-population of) the task must reach p; for an annual
    rate (全年 不低于 p%) the selections of every round count (SSJ-DRAW-X2 §4)."""

    group: str | None
    percent: Decimal
    text: str
    annual: bool = False


@dataclass(frozen=True)
class Total:
    """A total the unit draws and splits over its strata (SSJ-DRAW-X2): where it came from, the rule."""

    group: str | None
    total: int
    basis: str
    planned: int | None = None
    approx: bool = False
    inspectors: int | None = None


@dataclass(frozen=True)
class UnitDesign:
    """A unit ready to draw: its strata, rounds, round windows, floors, totals, warnings, extensions."""

    unit: DrawUnit
    population: int
    strata: tuple[Stratum, ...]
    rounds: int
    windows: tuple[tuple[date, date], ...]
    floors: tuple[Floor, ...]
    totals: tuple[Total, ...]
    warnings: tuple[Diagnostic, ...]
    extensions: frozenset[str]

    @property
    def no(self) -> str:
        return self.unit.code.stream_id


@dataclass(frozen=True)
class UnitResult:
    """A unit drawn: its design, every round's draw and the floors it realised (the record's task entry)."""

    design: UnitDesign
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


def class_of(subject: object, profile: Profile) -> str:
    """The class key a subject falls in under a profile: its credit letter, or its value of the profile's
    column when that is one of the profile's classes, else 未分类 (U)."""
    if profile.credit:
        risk = getattr(subject, "risk", RiskClass.UNCLASSIFIED)
        return risk.value if isinstance(risk, RiskClass) else (str(risk) or "U")
    fields = getattr(subject, "fields", {})
    value = canonical_text(str(fields.get(profile.field, "") or ""))
    return value if any(level.key == value for level in profile.levels) else RiskClass.UNCLASSIFIED.value


def _split(subjects: Iterable[object], profile: Profile | None) -> dict[str, Members]:
    """The members of each class: ids (subjects in Python), or engine cells (`Cells`: registry combinations
    standing for `weight` subjects each, the engine's draw)."""
    out: dict[str, list[object]] = {}
    for s in subjects:
        key = class_of(s, profile) if profile is not None else _risk_letter(s)
        out.setdefault(key, []).append(s)
    return {key: members_of(group) for key, group in out.items()}


def _risk_letter(subject: object) -> str:
    risk = getattr(subject, "risk", RiskClass.UNCLASSIFIED)
    return risk.value if isinstance(risk, RiskClass) else (str(risk) or "U")


def _class_order(profile: Profile | None) -> tuple[str, ...]:
    if profile is None:
        return tuple(risk.value for risk in RISK_CLASS_ORDER)
    return tuple(level.key for level in profile.levels)


class _UnitBuilder:
    """Turns one draw unit into strata; collects diagnostics with spans."""

    def __init__(self, unit: DrawUnit, file: str,
                 headcounts: Callable[[Body, str | None], int | None]) -> None:
        self.unit = unit
        self.profile = unit.profile
        self.file = file
        self.headcounts = headcounts
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.extensions: set[str] = set()
        self.totals: list[Total] = []
        if self.profile is not None and not self.profile.credit:
            self.extensions.add(EXTENSION_STRATA)

    @property
    def label(self) -> str:
        """任务4 as messages write it (任务1（高校） for a sub-row)."""
        unit = self.unit
        return f"任务 {unit.code.text}" if unit.sub is None and not unit.joint else unit.label_text

    def level_rounds(self, key: str) -> int:
        base = self.unit.rounds
        if self.profile is None:
            return base
        level = self.profile.level(key)
        return max(base, level.rounds) if level.rounds is not None else base

    def unit_strata(self, ids_by_class: Mapping[str, Members], rate: RateRule, group: str | None,
                    office: str | None = None) -> list[Stratum]:
        """The strata of one rate unit (the whole task, one sub-population, or one office's area)."""
        prefix = f"{group}/" if group is not None else ""
        order = _class_order(self.profile)
        all_ids = concat(ids_by_class.get(key, ()) for key in order)
        plain_label = group if group is not None else ALL_LABEL
        note = rate.not_drawn
        if note is not None:
            self.extensions.add(EXTENSION_STRATA)
            if rate.form is RateForm.UNSTATED and all_ids:
                self.warnings.append(warning(
                    UNSTATED_NOT_DRAWN,
                    f"{self.label}{f'（{group}）' if group else ''} 的比例未写明数值（{rate.text}），"
                    f"{len(all_ids)} 个对象本次未抽取 (no number given: not drawn)", self.file, rate.span,
                    hint="按计划表写明比例或户数后重新抽取"))
            return [Stratum(plain_label, None, members(all_ids), rounds=self.unit.rounds, group=group,
                            fixed_k=0, note=note)]
        if rate.form in (RateForm.PER_INSPECTOR, RateForm.STAFF_RATIO):
            headcount = self.headcount_total(rate, office, group)
            return self.total_strata(ids_by_class, rate, group, prefix, headcount)
        if self.profile is None:
            stratum = self.plain_stratum(plain_label, None, all_ids, rate, self.unit.rounds, group)
            if rate.planned is not None:
                self.totals.append(Total(group, stratum.k, f"{rate.text}：按比例计算总数",
                                         rate.planned.count, rate.planned.approx))
            return [stratum]
        if rate.form is RateForm.COUNT:
            return self.count_strata(ids_by_class, rate, group, prefix)
        if rate.planned is not None:
            drawn = concat(ids_by_class.get(key, ()) for key in order if not self.profile.level(key).exclude)
            total = sample_size(len(drawn), rate.ppm, None, rate.min_count)
            return self.total_strata(ids_by_class, rate, group, prefix, Total(
                group, total, f"{rate.text}：按比例计算总数", rate.planned.count, rate.planned.approx))
        out: list[Stratum] = []
        for key in order:
            ids = ids_by_class.get(key, [])
            if not ids:
                continue
            level = self.profile.level(key)
            rounds = self.level_rounds(key)
            label = prefix + key
            if level.exclude:
                self.extensions.add(EXTENSION_STRATA)
                out.append(Stratum(label, key, members(ids), rounds=rounds, group=group, fixed_k=0,
                                   note="不抽"))
                continue
            if level.rate is not None:
                out.append(self.plain_stratum(label, key, ids, level.rate, rounds, group))
                continue
            ppm = escalated(rate.ppm or 0, level.multiplier)
            if rate.upper_ppm is not None and ppm > rate.upper_ppm:
                self.extensions.add(EXTENSION_STRATA)
                ppm = rate.upper_ppm
            out.append(self.annual(Stratum(label, key, members(ids), rate_ppm=ppm, min_count=rate.min_count,
                                           rounds=rounds, group=group), rate))
        return out

    def annual(self, stratum: Stratum, rate: RateRule) -> Stratum:
        """An annual rate's stratum: its year's k spread over its rounds (SSJ-DRAW-X2 §4)."""
        if not rate.annual or stratum.rounds <= 1:
            return stratum
        self.extensions.add(EXTENSION_TOTALS)
        return replace(stratum, round_k=spread(stratum.k, stratum.rounds))

    def plain_stratum(self, label: str, risk: str | None, ids: Members, rate: RateRule, rounds: int,
                      group: str | None) -> Stratum:
        note = rate.not_drawn
        if note is not None:
            self.extensions.add(EXTENSION_STRATA)
            return Stratum(label, risk, members(ids), rounds=rounds, group=group, fixed_k=0, note=note)
        if rate.form is RateForm.COUNT:
            return self.annual(Stratum(label, risk, members(ids), count=rate.count, rounds=rounds,
                                       group=group), rate)
        return self.annual(Stratum(label, risk, members(ids), rate_ppm=rate.ppm, min_count=rate.min_count,
                                   rounds=rounds, group=group), rate)

    def count_strata(self, ids_by_class: Mapping[str, Members], rate: RateRule, group: str | None,
                     prefix: str) -> list[Stratum]:
        """An absolute count under a profile: one stratum; the profile's ratios do not apply.

        Its rounds do: round r ≤ the task's rounds draws `count` from everybody; an escalated
        round r draws `count` from the classes whose level has ≥ r rounds, as one stratum
        labelled with those letters joined by "+" (e.g. `C+D`).
        """
        self.warnings.append(warning(
            COUNT_WITH_PROFILE,
            f"{self.label} 按户数抽查（{rate.count}户），风险递加的比例不适用，只按风险等级增加频次 "
            f"(a count rate ignores the profile's ratios; only its rounds apply)",
            self.file, rate.span, hint="如需按风险分层抽取，请把比例写成百分比"))
        order = _class_order(self.profile)
        all_ids = concat(ids_by_class.get(key, ()) for key in order)
        base = self.unit.rounds
        out = [self.annual(Stratum(prefix + ALL_LABEL if group is None else group, None, members(all_ids),
                                   count=rate.count, rounds=base, group=group), rate)]
        top = max([base] + [self.level_rounds(key) for key in order])
        for r in range(base + 1, top + 1):
            classes = [key for key in order if self.level_rounds(key) >= r]
            ids = concat(ids_by_class.get(key, ()) for key in classes)
            if ids:
                label = prefix + "+".join(classes)
                out.append(Stratum(label, classes[0] if len(classes) == 1 else None, members(ids),
                                   count=rate.count, rounds=r, group=group))
        return out

    def headcount_total(self, rate: RateRule, office: str | None, group: str | None) -> Total:
        """The total of a headcount rate: the inspecting body's qualified inspectors (the office's, when
        a level inspects), times the rate (SSJ-DRAW-X2 §3)."""
        self.extensions.add(EXTENSION_TOTALS)
        body = self.unit.inspecting[0]
        people = self.headcounts(body, office)
        where = office or body.name
        if people is None:
            self.errors.append(error(
                NEEDS_ROSTER, f"{self.label} 的比例「{rate.text}」按执法人员人数计算，须给出执法检查人员名录 "
                f"(a headcount rate needs the roster)", self.file, rate.span,
                hint="加上 --roster 名录文件；名录的人数进入承诺值 Q，人人可复算"))
            people = 0
        elif people == 0:
            self.errors.append(error(
                NO_HEADCOUNT, f"{self.label} 的比例「{rate.text}」按{where}的执法人员人数计算，但名录中"
                f"{where}没有有执法资格的人员 (no qualified inspector to count)", self.file, rate.span,
                hint=f"在名录中加入{where}的执法检查人员（执法资格 = 是）"))
        total = headcount_total(rate, people)
        return Total(group, total, f"{rate.text}：{where}有执法资格的人员 {people} 名", inspectors=people)

    def total_strata(self, ids_by_class: Mapping[str, Members], rate: RateRule, group: str | None,
                     prefix: str, total: Total) -> list[Stratum]:
        """A total split over the profile's classes by N × the class's rate (SSJ-DRAW-X2 §2); one
        stratum when there is no profile."""
        self.totals.append(total)
        order = _class_order(self.profile)
        if self.profile is None:
            all_ids = concat(ids_by_class.get(key, ()) for key in order)
            label = group if group is not None else ALL_LABEL
            stratum = Stratum(label, None, members(all_ids), rate_ppm=rate.ppm, rounds=self.unit.rounds,
                              group=group, fixed_k=min(total.total, len(all_ids)))
            return [self.annual(stratum, rate)]
        self.extensions.add(EXTENSION_TOTALS)
        keys = [key for key in order if ids_by_class.get(key)]
        weights: list[int] = []
        rates: list[int | None] = []
        for key in keys:
            level = self.profile.level(key)
            n = len(ids_by_class[key])
            if level.exclude or (level.rate is not None and level.rate.not_drawn is not None):
                self.extensions.add(EXTENSION_STRATA)
                weights.append(0)
                rates.append(0)
            elif level.rate is not None and level.rate.form is RateForm.COUNT:
                weights.append((level.rate.count or 0) * PPM)
                rates.append(None)
            elif level.rate is not None:
                ppm = level.rate.ppm or 0
                weights.append(n * ppm)
                rates.append(ppm)
            elif rate.ppm is not None:
                ppm = escalated(rate.ppm, level.multiplier)
                weights.append(n * ppm)
                rates.append(ppm)
            else:  # a headcount total has no base rate: the multipliers alone weigh the classes
                weights.append(int((n * PPM * (level.multiplier or Decimal(1))).to_integral_value(
                    rounding=ROUND_CEILING)))
                rates.append(None)
        ks = allocate(total.total, weights, [len(ids_by_class[key]) for key in keys])
        out = []
        for key, ppm, k in zip(keys, rates, ks, strict=True):
            level = self.profile.level(key)
            note = "不抽" if level.exclude else (level.rate.not_drawn if level.rate is not None else None)
            stratum = Stratum(prefix + key, key, members(ids_by_class[key]), rate_ppm=ppm,
                              rounds=self.level_rounds(key), group=group, fixed_k=k, note=note)
            out.append(self.annual(stratum, rate))
        return out


def escalated(ppm: int, multiplier: Decimal | None) -> int:
    """A base rate in ppm times a multiplier, rounded up to a whole ppm, capped at 100 % (docs/draw.md)."""
    if multiplier is None:
        return ppm
    return min(PPM, int((Decimal(ppm) * multiplier).to_integral_value(rounding=ROUND_CEILING)))


def design_unit(unit: DrawUnit, population: Sequence[object], file: str,
                matcher: Callable[[object], Callable[[object], bool]],
                headcounts: Callable[[Body, str | None], int | None],
                office_of: Callable[[object], str | None] | None = None) -> UnitDesign:
    """One draw unit of a resolved plan as strata, rounds and round windows (raises InputError).

    `population` are the registry subjects in the unit's scope (objects with `id`, `risk`, `fields`);
    `matcher(selector)` compiles a sub-population selector; `headcounts(body, office)` counts the qualified
    inspectors of an inspecting body (None without a roster); `office_of(subject)` is the office of the
    inspecting level that takes the subject (for headcount rates under a level).
    """
    b = _UnitBuilder(unit, file, headcounts)
    spec = unit.rate
    floors: list[Floor] = []
    strata: list[Stratum] = []
    n = count(population)
    if unit.code.number is None or unit.sub is not None:
        b.extensions.add(EXTENSION_TASK_IDS)
    if unit.joint:
        b.extensions.add(EXTENSION_JOINT)
    if unit.rounds_spec.independent or (unit.batch_mode is not None and unit.batch_mode.value == "split") \
            or unit.rounds_spec.period.value != "year":
        b.extensions.add(EXTENSION_ROUNDS)

    def add_floor(rate: RateRule, group: str | None) -> None:
        if rate.is_floor and rate.percent is not None:
            floors.append(Floor(group, rate.percent, rate.text, rate.annual))

    def by_office(members: Sequence[object], rate: RateRule, group: str | None) -> list[Stratum]:
        """A headcount rate under an inspecting level: each office draws from its own area."""
        if rate.form not in (RateForm.PER_INSPECTOR, RateForm.STAFF_RATIO) or office_of is None \
                or not unit.inspecting[0].is_level:
            return b.unit_strata(_split(members, b.profile), rate, group)
        offices: dict[str, list[object]] = {}
        for s in members:
            offices.setdefault(office_of(s) or "", []).append(s)
        out: list[Stratum] = []
        for office in sorted(offices, key=lambda o: o.encode("utf-8")):
            label = f"{group}/{office}" if group is not None else office
            out += b.unit_strata(_split(offices[office], b.profile), rate, label, office)
        return out

    if isinstance(spec, SubgroupRates):
        groups: list[list[object]] = [[] for _ in spec.rules]
        compiled = [matcher(rule.selector) for rule in spec.rules]
        ungrouped = 0
        for s in population:
            for gi, pred in enumerate(compiled):
                if pred(s):
                    groups[gi].append(s)
                    break
            else:
                ungrouped += getattr(s, "weight", 1)
        if ungrouped:
            b.warnings.append(warning(UNGROUPED, f"{b.label}：{ungrouped} 个对象不属于任何分组，不参与抽查 "
                                      f"(subjects in no group are not drawn)",
                                      file, spec.span, hint="如需抽取，请为它们加一条分组规则"))
        n = sum(count(g) for g in groups)
        for rule, members in zip(spec.rules, groups, strict=True):
            add_floor(rule.rate, rule.name)
            strata += by_office(members, rule.rate, rule.name)
    else:
        chosen: RateRule | None
        if isinstance(spec, CountRates):  # the checker made the rules cover every N ≥ 1: none for N = 0
            chosen = next((rule.rate for rule in spec.rules if _count_rule_holds(rule.op, n, rule.threshold)),
                          None)
        else:
            chosen = spec
        if chosen is not None:
            add_floor(chosen, None)
            strata = by_office(population, chosen, None)
    if isinstance(spec, SubgroupRates) and spec.planned is not None:
        b.totals.append(Total(None, sum(s.k for s in strata if s.ids), "各组应抽户数合计", spec.planned.count,
                              spec.planned.approx))
    strata = [s for s in strata if s.ids]
    rounds = max([unit.rounds] + [s.rounds for s in strata])
    windows = list(all_rounds_windows(unit, rounds))
    windows = _with_working_days(unit, b.label, windows, file, b.errors)
    if b.errors:
        raise InputError(b.errors)
    if n == 0:
        b.warnings.append(warning(EMPTY_POPULATION,
                                  f"{b.label if unit.joint else f'{b.label}（{unit.name}）'}的抽查对象范围内"
                                  "没有对象，未抽取 (empty scope: nothing drawn)",
                                  file, unit.spans.scope,
                                  hint="检查对象范围的筛选条件是否与名录库的 行业类别 一致"))
    if unit.base is not None and n and not within(n, unit.base.count, unit.base.approx):
        b.warnings.append(warning(
            BASE_DIFFERS, f"{b.label} 计划写明基数{'约' if unit.base.approx else ''}{unit.base.count}"
            f"{unit.base.unit}，名录库中范围内有 {n} 个对象 (the registry differs from the plan's 基数)",
            file, unit.spans.scope, hint="核对名录库是否完整、筛选条件是否与计划一致"))
    if b.totals:  # the record's `totals` are SSJ-DRAW-X2's
        b.extensions.add(EXTENSION_TOTALS)
    for total in b.totals:
        if total.planned is not None and not within(total.total, total.planned, total.approx):
            b.warnings.append(warning(
                PLANNED_DIFFERS, f"{b.label}{f'（{total.group}）' if total.group else ''} 按比例应抽 "
                f"{total.total} 户，计划写明{'约' if total.approx else ''}{total.planned}户"
                f"{'（允许相差10%）' if total.approx else ''} (the total departs from the planned count)",
                file, unit.spans.rate, hint="核对名录库和计划的比例、户数；抽取按比例计算的总数进行"))
    return UnitDesign(unit, n, tuple(strata), rounds, tuple(windows), tuple(floors), tuple(b.totals),
                      tuple(b.warnings), frozenset(b.extensions))


def uncovered_areas(unit: DrawUnit, population: Sequence[object],
                    office_of: Callable[[Body, object], str | None],
                    matcher: Callable[[object], Callable[[object], bool]], file: str) -> list[Diagnostic]:
    """SSJ-ORG-1 §1 over the whole population, before anything is drawn: every subject a level may visit
    (as a task's inspecting or assisting body, or an item's own body for the subjects the item applies to)
    has an office whose 辖区 holds its area — so whether a draw is refused never depends on the seed."""
    wanted: dict[Body, Callable[[object], bool] | None] = {}
    for member in unit.joint or (unit,):
        for body in (*member.inspecting, *member.assist):
            if body.is_level:
                wanted[body] = None
        for item in member.items:
            for body in item.inspect:
                if not body.is_level or (body in wanted and wanted[body] is None):
                    continue
                test = matcher(item.selector) if item.selector is not None else None
                earlier = wanted.get(body)
                wanted[body] = test if earlier is None or test is None else (
                    lambda s, a=earlier, b=test: a(s) or b(s))
    out: list[Diagnostic] = []
    for body, applies in wanted.items():
        values: dict[str, int] = {}
        for subject in population:
            if (applies is None or applies(subject)) and office_of(body, subject) is None:
                value = canonical_text(str(getattr(subject, "fields", {}).get(body.route_field, "") or ""))
                values[value] = values.get(value, 0) + getattr(subject, "weight", 1)  # an engine cell: many
        if values:
            shown = "、".join(f"「{v or '（空）'}」{n} 户" for v, n in sorted(values.items())[:8])
            out.append(error(AREA_NOT_COVERED,
                             f"{unit.label_text}：层级「{body.name}」的成员都不管辖这些对象所在的区域："
                             f"{shown} "
                             "(subjects whose area no office of the level covers)", file, unit.spans.header,
                             hint=f"在层级「{body.name}」的成员部门中用 辖区 写出这些区域值，"
                                  "或核对名录库的区域字段"))
    return out


def _with_working_days(unit: DrawUnit, label: str, windows: list[tuple[date, date]], file: str,
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
    errors.append(error(NO_WORKING_DAY,
                        f"{label} 的{which}内没有法定工作日，只有周末和节假日{more} "
                        f"(no working day in the round's window)", file, unit.spans.window,
                        hint="放宽起止时间、减少频次，或调整批次截止日期，使每一轮都包含工作日"))
    return []


def split_into_batches(unit: DrawUnit, first: RoundDraw) -> RoundDraw:
    """SSJ-DRAW-X4 §4: a round split into batches gives its selections, ordered by (K, id bytes), to the
    batches in turn: batch b takes ⌊n·b/B⌋ − ⌊n·(b−1)/B⌋ of them."""
    picks = sorted((p for s in first.strata for p in s.selected), key=lambda p: (p.key, p.id.encode("utf-8")))
    sizes = spread(len(picks), len(unit.batches))
    out: list[BatchDraw] = []
    cursor = 0
    for batch, size in zip(unit.batches, sizes, strict=True):
        chunk = picks[cursor:cursor + size]
        cursor += size
        out.append(BatchDraw(batch.name, (batch.start, batch.end),
                             tuple(sorted((p.id for p in chunk), key=lambda i: i.encode("utf-8")))))
    return replace(first, batches=tuple(out))


def run_unit(seed_hex: str, design: UnitDesign, file: str, drawer: Drawer | None = None) -> UnitResult:
    """Draw a designed unit and enforce its floors (不低于): below the floor is refused (SSJ303)."""
    unit = design.unit
    rounds = draw_task(seed_hex, unit.code.stream_id, design.strata, design.rounds, design.windows,
                       sub=unit.sub, independent=unit.rounds_spec.independent, drawer=drawer)
    if unit.batch_mode is not None and unit.batch_mode.value == "split" and rounds:
        rounds = (split_into_batches(unit, rounds[0]), *rounds[1:])
    first = rounds[0].strata if rounds else ()
    every = tuple(sd for r in rounds for sd in r.strata)
    realised: list[tuple[Floor, int, int]] = []
    problems: list[Diagnostic] = []
    label = f"任务 {unit.code.text}" if unit.sub is None and not unit.joint else unit.label_text
    for floor in design.floors:
        members = [s for s in design.strata if floor.group is None or s.group == floor.group]
        population = sum(len(s.ids) for s in members)
        labels = {s.label for s in members}
        counted = every if floor.annual else first
        chosen = sum(len(sd.selected) for sd in counted if sd.label in labels)
        realised.append((floor, chosen, population))
        if population and chosen * 100 < floor.percent * population:
            where = f"（{floor.group}）" if floor.group else ""
            problems.append(error(
                BELOW_FLOOR,
                f"{label}{where} {'全年' if floor.annual else '第1轮'} 实际抽查比例 "
                f"{format_decimal(realised_percent(chosen, population))}% "
                f"低于计划 {floor.text}（{population} 户抽 {chosen} 户） "
                f"(realised rate below the plan's floor)",
                file, unit.spans.rate, hint="提高风险递加倍数（不应小于 1），或改写计划的比例"))
    if problems:
        raise InputError(problems)
    return UnitResult(design, rounds, tuple(realised))


@dataclass
class PlanDraw:
    """Every unit's draw in task order (a task's sub-rows in their order), the warnings met on the way,
    and the extensions of SSJ-DRAW-1 the draw used."""

    units: list[UnitResult] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    extensions: tuple[str, ...] = ()


def draw_plan(plan: ResolvedPlan, subjects: Sequence[object], seed_hex: str, file: str,
              headcounts: Callable[[Body, str | None], int | None] | None = None,
              office_of: Callable[[Body, object], str | None] | None = None,
              progress: Callable[[str], None] | None = None, drawer: Drawer | None = None) -> PlanDraw:
    """Draw every unit of a resolved plan against the registry subjects (raises InputError).

    `subjects` are the registry's subjects, or (the engine's draw, `engine_draw.draw_registry`) entries
    standing for many subjects each, drawn by `drawer`.

    All units are designed first and every error is collected before anything is drawn. The
    cyclic garbage collector is paused meanwhile: the draw makes no cycles, and with 10^6 subjects
    alive each collection would walk them all (a third of the time, measured by bench/draw.py).
    """
    with collector_paused():
        return _draw_plan(plan, subjects, seed_hex, file, headcounts or (lambda _b, _o: None),
                          office_of, progress, drawer)


def _draw_plan(plan: ResolvedPlan, subjects: Sequence[object], seed_hex: str, file: str,
               headcounts: Callable[[Body, str | None], int | None],
               office_of: Callable[[Body, object], str | None] | None,
               progress: Callable[[str], None] | None, drawer: Drawer | None) -> PlanDraw:
    from .selector import SubjectIndex, compile_selector, select_subjects

    kinds = dict(plan.fields)

    def matcher(selector: object) -> Callable[[object], bool]:
        return compile_selector(selector, kinds)  # type: ignore[arg-type]

    errors: list[Diagnostic] = []
    designs: list[UnitDesign] = []
    out = PlanDraw()
    index = SubjectIndex(subjects)
    units = sorted(plan.units, key=lambda u: u.order_key)
    for unit in units:
        try:
            if unit.selector is None:
                out.warnings.append(warning(
                    NO_SELECTOR, f"{unit.label_text} 的对象范围没有筛选条件，按整个名录库抽取 "
                    f"(no selector: the whole registry is in scope)",
                    file, unit.spans.scope,
                    hint='用 筛选 写明对象范围，例如 筛选 行业类别 包含 "汽车销售"'))
                population: Sequence[object] = subjects
            else:
                population = select_subjects(unit.selector, subjects, kinds, file, index)
            if office_of is not None:
                uncovered = uncovered_areas(unit, population, office_of, matcher, file)
                if uncovered:
                    errors += uncovered
                    continue
            route = (lambda s, body=unit.inspecting[0]: office_of(body, s)) if office_of is not None else None
            design = design_unit(unit, population, file, matcher, headcounts, route)
        except InputError as exc:
            errors += exc.diagnostics
            continue
        designs.append(design)
        out.warnings += design.warnings
    if errors:
        raise InputError(errors)
    used: set[str] = set()
    for design in designs:
        if progress is not None:
            progress(f"{design.unit.label_text}：{design.population} 个对象")
        try:
            out.units.append(run_unit(seed_hex, design, file, drawer))
        except InputError as exc:
            errors += exc.diagnostics
        used |= design.extensions
    if errors:
        raise InputError(errors)
    out.extensions = tuple(x for x in EXTENSION_ORDER if x in used)
    return out
