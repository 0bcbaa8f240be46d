"""The resolved plan (计划解析结果): the one typed tree the check stage hands to every later stage.

The AST (`nodes`) holds what the officer wrote; this tree holds what it means, resolved once by
`resolve.resolve_plan` after `checker.check` found no errors: department names and aliases resolved to
their declarations (units and levels included), windows turned into dates, rates into parts per million
and their plan-table wording, rounds into the windows of each round, sub-rows (子项) into draw units
that inherit their task's fields. Export, draw, record and render read this tree; none of them
re-resolves a window, a rate or a department, or re-checks a rule the checker owns.

A plan-table row is a `ResolvedTask`; what is drawn is a `DrawUnit`: the task itself, or each of its
sub-rows, or several tasks drawn together (合并抽取, `JointDraw`). Numbers that enter a sample size are
integers (ppm, counts); nothing here is floating point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from ..language.nodes import NO_SPAN, CompareOp, FieldKind, Period, Selector, Span, TaskCode

# ---------------------------------------------------------------- organisation


class BodyKind(Enum):
    """What a name in a task's 发起/指导/检查/配合 stands for."""

    DEPARTMENT = "department"
    UNIT = "unit"
    LEVEL = "level"


@dataclass(frozen=True)
class Issuer:
    """The details a department's (or the plan's) documents carry (for the documents stage)."""

    full_name: str
    doc_number: str | None = None
    contact: str | None = None
    phone: str | None = None
    address: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class Body:
    """A department, a unit (单位) of a department, or a level (层级) of offices.

    `department` is the department a unit belongs to (a department's own name for a department; None for
    a level). A level's `members` are departments; a subject goes to the member whose `areas` hold its
    value in the registry field `route_field` (`areas[member]`)."""

    kind: BodyKind
    name: str
    department: str | None
    text: str
    members: tuple[str, ...] = ()
    route_field: str | None = None
    areas: Mapping[str, tuple[str, ...]] = dataclass_field(default_factory=dict, hash=False)
    """(Not hashed — a mapping cannot be — but compared: a body is hashed by what names it.)"""

    @property
    def is_level(self) -> bool:
        return self.kind is BodyKind.LEVEL


@dataclass(frozen=True)
class Department:
    """A declared department with its aliases, units, issuing details and area values (辖区)."""

    name: str
    aliases: tuple[str, ...]
    units: tuple[tuple[str, tuple[str, ...]], ...]
    issuer: Issuer
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Organisation:
    """Every body a plan declares, and the name (or alias) → body index the checker resolved against."""

    departments: tuple[Department, ...]
    levels: tuple[Body, ...]
    index: Mapping[str, Body]

    def body(self, name: str) -> Body:
        """The body a declared name or alias stands for (the checker has made sure it exists)."""
        return self.index[name]

    def canonical(self, name: str) -> str:
        """The declared name of a department, unit or level for a name or alias."""
        return self.index[name].name

    def department(self, name: str) -> Department:
        """A department by its declared name."""
        return next(d for d in self.departments if d.name == name)


# ---------------------------------------------------------------- rates


class RateForm(Enum):
    """How a rate decides the sample size k."""

    PERCENT = "percent"              # 20%, 不低于 10%, 10%—20%: k = ceil(N · ppm / 10^6)
    COUNT = "count"                  # 20户, 不少于 2所, 60—70家
    PER_INSPECTOR = "per-inspector"  # 每名执法人员 10户: k = count × qualified inspectors
    STAFF_RATIO = "staff-ratio"      # 人员比 1:2.5: k = ceil(inspectors × subjects / inspectors-part)
    EXCLUDE = "exclude"              # 不抽: k = 0
    UNSTATED = "unstated"            # 待定: the table gives no number; k = 0 with a warning


@dataclass(frozen=True)
class PlannedCount:
    """A planned count beside a rate (3%（约1200户）): the draw aims at the rate and reports the
    difference."""

    count: int
    approx: bool
    unit: str


@dataclass(frozen=True)
class RateRule:
    """One rate as the draw applies it, with its plan-table wording (`text`)."""

    form: RateForm
    text: str
    span: Span
    percent: Decimal | None = None
    ppm: int | None = None
    at_least: bool = False
    count: int | None = None
    min_count: int | None = None
    upper_ppm: int | None = None
    upper_count: int | None = None
    staff_ratio: tuple[Decimal, Decimal] | None = None
    planned: PlannedCount | None = None
    annual: bool = False
    all_levels: bool = False
    unit: str = "户"
    note: str | None = None
    drawn_by: str | None = None
    """由 X 抽取: who draws these subjects instead of this plan (none are drawn here)."""

    @property
    def is_floor(self) -> bool:
        """A percent floor (不低于 p%) the realised round-1 rate must reach
        (here: not one drawn elsewhere)."""
        return self.form is RateForm.PERCENT and self.at_least and self.percent is not None \
            and self.drawn_by is None

    @property
    def not_drawn(self) -> str | None:
        """Why this plan draws none of the rate's subjects (the stratum's note), or None: 不抽, 待定：…,
        由…抽取."""
        if self.form is RateForm.EXCLUDE:
            return "不抽"
        if self.form is RateForm.UNSTATED:
            return f"待定：{self.note or self.text}"
        if self.drawn_by is not None:
            return f"由{self.drawn_by}抽取"
        return None


@dataclass(frozen=True)
class SubgroupRate:
    """One sub-population of 比例 按对象: `name` is its label, or 第N组 when the plan gives none (the
    same name in the export, the draw's strata and the record)."""

    name: str
    label: str | None
    selector: Selector
    rate: RateRule
    span: Span


@dataclass(frozen=True)
class SubgroupRates:
    """比例 按对象: rates per sub-population, a planned total beside them, and the headline rate the table
    prints (`overall_percent`: for the documents; the draw uses the rules)."""

    rules: tuple[SubgroupRate, ...]
    text: str
    span: Span
    planned: PlannedCount | None = None
    overall_percent: Decimal | None = None


@dataclass(frozen=True)
class CountRate:
    """One branch of 比例 按总数: applies when `N op threshold`."""

    op: CompareOp
    threshold: int
    rate: RateRule
    span: Span


@dataclass(frozen=True)
class CountRates:
    rules: tuple[CountRate, ...]
    text: str
    span: Span


RateSpec = RateRule | SubgroupRates | CountRates


# ---------------------------------------------------------------- risk profiles


@dataclass(frozen=True)
class ClassLevel:
    """One class of a profile as it applies: an explicit level or the implicit ×1.

    `key` is the class as registries write it (A–D, U for credit classes; the value itself, e.g. 重点, for
    a profile that reads another column); `name` is how documents name it (低风险 … or the value)."""

    key: str
    name: str
    multiplier: Decimal | None
    rate: RateRule | None
    rounds: int | None
    exclude: bool
    span: Span
    written: bool = True
    """False for a class the profile does not list (it applies ×1)."""


@dataclass(frozen=True)
class Profile:
    """风险递加: the registry field it reads (风险等级 unless 按 says otherwise) and its classes from the
    lowest risk to the highest, 未分类 last; `credit` is True for the credit-risk classes A–D."""

    name: str
    description: str | None
    field: str
    credit: bool
    levels: tuple[ClassLevel, ...]
    span: Span

    def level(self, key: str) -> ClassLevel:
        """The level of a class key (the 未分类 level for a value the profile does not list)."""
        for level in self.levels:
            if level.key == key:
                return level
        return self.levels[-1]


# ---------------------------------------------------------------- rounds and windows


@dataclass(frozen=True)
class RoundsSpec:
    """频次 as the plan table prints it and as the draw counts it."""

    times: int
    period: Period
    at_least: bool
    independent: bool
    text: str
    span: Span


@dataclass(frozen=True)
class WindowSpec:
    """A window in dates (both inclusive) with its plan-table wording."""

    start: date
    end: date
    text: str
    tentative: bool = False
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Batch:
    """批次: `deadline` resolved; `start`/`end` the dates the batch's visits may take."""

    name: str
    deadline: date
    start: date
    end: date


class BatchMode(Enum):
    """批次 r is round r (as many batches as rounds), or the batches split the single round."""

    ROUNDS = "rounds"
    SPLIT = "split"


# ---------------------------------------------------------------- items and tasks


@dataclass(frozen=True)
class Item:
    """One check item and what the table says about it; `key` for a 重点检查事项; `inspect` the bodies that
    check it (they join the team); `selector` the subjects it applies to (a visit lists it only for them)."""

    text: str
    basis: str | None = None
    code: str | None = None
    category: str | None = None
    key: bool = False
    methods: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    inspect: tuple[Body, ...] = ()
    scope_text: str | None = None
    selector: Selector | None = None


@dataclass(frozen=True)
class Base:
    """基数 as the table states it, checked against the registry at draw time."""

    count: int
    approx: bool
    unit: str
    note: str | None


@dataclass(frozen=True)
class UnitSpans:
    """Where a draw unit's fields are written, for diagnostics of later stages."""

    header: Span = NO_SPAN
    scope: Span = NO_SPAN
    rate: Span = NO_SPAN
    rounds: Span = NO_SPAN
    window: Span = NO_SPAN
    risk: Span = NO_SPAN
    batches: Span = NO_SPAN


@dataclass(frozen=True)
class DrawUnit:
    """What is drawn: a task, or one sub-row (子项) of it with every field it did not write inherited.

    `rounds` is the number of rounds the unit draws (the task's 频次, raised by its profile's levels; for a
    period such as 每季度 the number of periods the window touches); `round_windows[r-1]` is round r's
    window. `batches` are set when batches split the single round (BatchMode.SPLIT)."""

    code: TaskCode
    sub: int | None
    label: str | None
    name: str
    items: tuple[Item, ...]
    scope_text: str
    selector: Selector | None
    base: Base | None
    directed: bool
    rate: RateSpec
    rounds_spec: RoundsSpec
    rounds: int
    round_windows: tuple[tuple[date, date], ...]
    profile: Profile | None
    risk_text: str
    risk_label: str | None
    window: WindowSpec
    draw_window: WindowSpec | None
    draw_note: str | None
    batches: tuple[Batch, ...]
    batch_mode: BatchMode | None
    lead: Body
    guide: Body | None
    inspect: tuple[Body, ...]
    assist: tuple[Body, ...]
    modes: tuple[str, ...]
    methods: tuple[str, ...]
    category: str | None
    remarks: str | None
    materials: tuple[str, ...]
    spans: UnitSpans
    group: str | None = None
    round_draw_days: int | None = None
    """抽取 每轮 N日内: each round's subjects are drawn within the first N days of its window."""
    assist_unstated: str | None = None
    """配合 待定: a joint check whose partner departments the table does not name ("" without a note)."""
    joint: tuple[DrawUnit, ...] = ()
    """合并抽取: the tasks this unit draws for together (empty for a task's own unit)."""

    @property
    def label_text(self) -> str:
        """任务4, 任务1（高校）, 任务1（子项2）, 任务1、2（合并抽取）: how messages and documents
        name the unit."""
        if self.joint:
            return f"任务{'、'.join(member.code.text for member in self.joint)}（合并抽取）"
        if self.sub is None:
            return f"任务{self.code.text}"
        return f"任务{self.code.text}（{self.label or f'子项{self.sub}'}）"

    @property
    def order_key(self) -> tuple[tuple[int, int, str], int]:
        """Draw and record order: by 序号 (a joint draw at its first task's place), then sub-row."""
        code = self.joint[0].code if self.joint else self.code
        return (code.sort_key, self.sub or 0)

    def round_draw_window(self, window: tuple[date, date]) -> tuple[date, date] | None:
        """The days a round with this window is drawn in (抽取 每轮 N日内), or None when not stated."""
        if self.round_draw_days is None:
            return None
        return window[0], min(window[1], window[0] + timedelta(days=self.round_draw_days - 1))

    @property
    def inspecting(self) -> tuple[Body, ...]:
        """Who inspects: the 检查 bodies, or the lead (发起) when the plan names none."""
        return self.inspect or (self.lead,)


@dataclass(frozen=True)
class ResolvedTask:
    """A plan-table row: its 序号 and name, and what it draws (`units`: itself, or its sub-rows)."""

    code: TaskCode
    name: str
    units: tuple[DrawUnit, ...]
    has_parts: bool
    span: Span

    @property
    def main(self) -> DrawUnit:
        """The unit whose fields stand for the row (the first sub-row's inherited fields otherwise)."""
        return self.units[0]


@dataclass(frozen=True)
class ResolvedPlan:
    """The whole plan, resolved. `fields` maps every name a selector may use to its kind."""

    title: str
    year: int
    region: str | None
    division_code: str | None
    authority: str | None
    plan_no: str | None
    doc_number: str | None
    contact: str | None
    phone: str | None
    address: str | None
    site: str | None
    witnesses: tuple[str, ...]
    publish_risk: bool
    materials: tuple[str, ...]
    declared_fields: tuple[tuple[str, FieldKind], ...]
    fields: Mapping[str, FieldKind]
    organisation: Organisation
    profiles: tuple[Profile, ...]
    tasks: tuple[ResolvedTask, ...]
    joints: tuple[JointDraw, ...] = ()

    @property
    def units(self) -> tuple[DrawUnit, ...]:
        """Every draw unit in plan order (a task's sub-rows in their order); the tasks of a joint draw are
        drawn by its one unit, at the place of its first task."""
        by_first = {joint.unit.joint[0].code.stream_id: joint.unit for joint in self.joints}
        joined = {member.code.stream_id for joint in self.joints for member in joint.unit.joint}
        out: list[DrawUnit] = []
        for task in self.tasks:
            key = task.code.stream_id
            if key in by_first:
                out.append(by_first[key])
            elif key not in joined:
                out.extend(task.units)
        return tuple(out)

    def joint_of(self, code: TaskCode) -> JointDraw | None:
        """The joint draw a task is drawn in, if any."""
        return next((j for j in self.joints if any(m.code.stream_id == code.stream_id for m in j.unit.joint)),
                    None)


@dataclass(frozen=True)
class JointDraw:
    """合并抽取: tasks drawn together as one `unit` (SSJ-DRAW-X5): the union of their populations, the joint
    rate, the first task's rounds and window (which every member shares)."""

    name: str | None
    unit: DrawUnit
    remarks: str | None
    span: Span
