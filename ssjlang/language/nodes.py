"""The typed AST of a `.ssj` plan (抽查工作计划).

Every node is a frozen dataclass carrying the `Span` of the source text it came from, so the
checker can point at it. Nodes hold what the officer wrote, not what it means: resolving a
window against the plan year, a department alias against its declaration, or a rate into parts
per million happens in later stages.

Optional fields are `None` when the source omits them; the parser accepts a task's fields in any
order and leaves it to the checker to report a missing required field (SSJ1xx).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any


@dataclass(frozen=True, order=True)
class Span:
    """A range of source text: 1-based line and column (in characters), 0-based offsets."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int

    @staticmethod
    def merge(first: Span, last: Span) -> Span:
        return Span(first.line, first.column, last.end_line, last.end_column, first.start, last.end)


NO_SPAN = Span(0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class Text:
    """A quoted string as written, escapes resolved."""

    value: str
    span: Span


@dataclass(frozen=True)
class Name:
    """A bare name: a department, a profile, a registry field, a mode."""

    value: str
    span: Span


@dataclass(frozen=True)
class Integer:
    value: int
    span: Span


# ---------------------------------------------------------------- plan header


@dataclass(frozen=True)
class PlanHeader:
    """计划 … : title, year, region and the issuing details used on documents.

    witnesses name who watches the draw (公证机构、纪检监察) for the 抽查情况公示; publish_risk is the span of
    `公开风险分类` when the plan lets public documents show subjects' risk classes; materials is the
    plan-wide default list of materials a subject prepares (备查材料).
    """

    title: Text | None
    year: Integer | None
    region: Text | None
    division_code: Text | None
    authority: Text | None
    doc_number: Text | None
    contact: Text | None
    span: Span
    plan_no: Text | None = None
    phone: Text | None = None
    address: Text | None = None
    site: Text | None = None
    witnesses: tuple[Text, ...] = ()
    publish_risk: Span | None = None
    materials: tuple[Text, ...] = ()


class FieldKind(Enum):
    """Kinds of registry field (名录库字段) a selector can test."""

    TEXT = "text"
    LIST = "list"
    MONEY = "money"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True)
class FieldDecl:
    """A declared registry column usable in selectors, beyond the standard ones."""

    name: Name
    kind: FieldKind
    span: Span


@dataclass(frozen=True)
class Unit:
    """单位: one of a department's own units (股室、科室、处室、执法中队、执法大队), with aliases."""

    name: Name
    aliases: tuple[Name, ...]
    span: Span


@dataclass(frozen=True)
class Department:
    """部门, declared once, with optional alias names (又称), its own units (单位) and the details its
    documents carry: full name (全称), 文号 pattern, contact, telephone, address, publication site, and
    the registry area values its office covers (辖区), which a 层级 uses to route visits."""

    name: Name
    aliases: tuple[Name, ...]
    span: Span
    units: tuple[Unit, ...] = ()
    full_name: Text | None = None
    doc_number: Text | None = None
    contact: Text | None = None
    phone: Text | None = None
    address: Text | None = None
    site: Text | None = None
    area: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Level:
    """层级: an inspecting level (各县（市、区）市场监管部门, 市、区两级) made of offices (成员), each
    taking the subjects whose registry field `by` (按) holds one of the office's 辖区 values."""

    name: Name
    text: Text | None
    by: Name | None
    members: tuple[Name, ...]
    span: Span


# ---------------------------------------------------------------- risk profiles


class RiskClass(Enum):
    """信用风险分类. The value is the letter used in registries and draw records."""

    LOW = "A"  # 低风险
    MEDIUM = "B"  # 一般风险
    HIGHER = "C"  # 较高风险
    HIGH = "D"  # 高风险
    UNCLASSIFIED = "U"  # 未分类

    @property
    def chinese(self) -> str:
        return RISK_CLASS_CHINESE[self]

    @property
    def order(self) -> int:
        return RISK_CLASS_ORDER.index(self)


RISK_CLASS_ORDER = (
    RiskClass.LOW,
    RiskClass.MEDIUM,
    RiskClass.HIGHER,
    RiskClass.HIGH,
    RiskClass.UNCLASSIFIED,
)
RISK_CLASS_CHINESE = {
    RiskClass.LOW: "低风险",
    RiskClass.MEDIUM: "一般风险",
    RiskClass.HIGHER: "较高风险",
    RiskClass.HIGH: "高风险",
    RiskClass.UNCLASSIFIED: "未分类",
}


class Period(Enum):
    """What a frequency counts per: 次/年 (the plan year), 每季度, 每月, 每半年 (calendar periods)."""

    YEAR = "year"
    HALF_YEAR = "half-year"
    QUARTER = "quarter"
    MONTH = "month"


@dataclass(frozen=True)
class Rounds:
    """频次: rounds per year (2次/年) or per calendar period (每季度1次), possibly a floor (不少于1次/年);
    independent rounds (各轮独立) each draw from the whole population instead of excluding earlier picks."""

    times: int
    span: Span
    period: Period = Period.YEAR
    at_least: bool = False
    independent: bool = False


@dataclass(frozen=True)
class Planned:
    """A planned count written beside a rate: `3%（约1200户）` (approx), `40%（13户）` (exact)."""

    count: int
    approx: bool
    unit: str
    span: Span


@dataclass(frozen=True)
class Rate:
    """A sample rate (抽查比例) in one of its written forms.

    - exact percent: ``20%`` → percent=20, at_least=False
    - floor: ``不低于 10%`` → percent=10, at_least=True
    - absolute count: ``20户`` → count=20; ``不少于 2所`` → count=2, at_least=True, count_unit="所"
    - rate with a minimum count: ``10% 不少于 2户`` → percent=10, min_count=2
    - a range: ``10%—20%`` → percent=10, upper=20; ``60—70家`` → count=60, upper=70
    - a headcount rule: ``每名执法人员 10户`` → count=10, per_inspector; ``人员比 1:2.5`` → staff_ratio
    - not drawn: ``不抽`` → exclude; a number the table does not give: ``待定 "抽取一定比例"`` → unstated
    - a ceiling: ``10% 不高于 10%``, ``待定 "…" 不高于 10%`` → ceiling=10 (escalation never goes above it)
    - drawn by another body: ``5%（约1户）由 "联合双随机牵头单位" 抽取`` → drawn_by (this plan draws none)
    - planned count beside it: ``3%（约1200户）`` → planned; ``全年`` (annual: spread over the year's
      rounds) and ``各级合计`` (one rate for the organising level and those below) qualify the whole rate.

    count_unit is the measure word written after count or min_count (量词 户/家/所/个), so the plan
    table prints ``不少于2所`` as the published plan does; the English ``subjects`` is ``户``.
    """

    percent: Decimal | None
    at_least: bool
    count: int | None
    min_count: int | None
    span: Span
    count_unit: str = "户"
    upper: Decimal | None = None
    per_inspector: bool = False
    staff_ratio: tuple[Decimal, Decimal] | None = None
    exclude: bool = False
    unstated: bool = False
    unstated_text: Text | None = None
    planned: Planned | None = None
    annual: bool = False
    all_levels: bool = False
    ceiling: Decimal | None = None
    drawn_by: Text | None = None


@dataclass(frozen=True)
class RiskLevel:
    """One line of an escalation profile: a class, its rate and its rounds per year.

    The class is a credit-risk class (低风险 … 未分类) or, in a profile that reads another registry
    column (按 监管类别), that column's value as text ("重点"). The rate is a multiplier of the task's
    base rate (比例×1.5), an absolute `Rate`, or not drawn at all (不抽).
    """

    risk: RiskClass | Text
    multiplier: Decimal | None
    rate: Rate | None
    rounds: Rounds | None
    span: Span
    exclude: bool = False


@dataclass(frozen=True)
class RiskProfile:
    """风险递加 NAME "requirement text" [按 FIELD] { levels }."""

    name: Name
    description: Text | None
    levels: tuple[RiskLevel, ...]
    span: Span
    by: Name | None = None


# ---------------------------------------------------------------- selectors


class CompareOp(Enum):
    EQ = "="
    NE = "≠"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    CONTAINS = "包含"
    IN = "属于"
    NOT_IN = "不属于"


@dataclass(frozen=True)
class Money:
    """An amount in 万元 (the registry's unit for 注册资本); 1亿元 = 10000万元."""

    wan_yuan: Decimal
    span: Span


@dataclass(frozen=True)
class Number:
    value: Decimal
    span: Span


Scalar = Text | Money | Number


@dataclass(frozen=True)
class ValueList:
    values: tuple[Scalar, ...]
    span: Span


@dataclass(frozen=True)
class Compare:
    """FIELD OP VALUE, e.g. ``注册资本 >= 3000万元`` or ``行业类别 包含 "汽车销售"``."""

    field: Name
    op: CompareOp
    value: Scalar | ValueList
    span: Span


@dataclass(frozen=True)
class And:
    operands: tuple[Selector, ...]
    span: Span


@dataclass(frozen=True)
class Or:
    operands: tuple[Selector, ...]
    span: Span


@dataclass(frozen=True)
class Not:
    operand: Selector
    span: Span


Selector = Compare | And | Or | Not


@dataclass(frozen=True)
class Base:
    """基数: the population the table states (``基数 约 40065户 "动态更新"``), checked against the
    registry."""

    count: int
    approx: bool
    unit: str
    note: Text | None
    span: Span


@dataclass(frozen=True)
class Scope:
    """抽查对象范围: the verbatim description, optionally a machine-readable selector and the stated base."""

    text: Text
    selector: Selector | None
    span: Span
    base: Base | None = None


# ---------------------------------------------------------------- rates by sub-population / size


@dataclass(frozen=True)
class SubgroupRule:
    """One sub-population with its own rate: ``机构等级 = "三级" ： 不低于 50%``."""

    label: Text | None
    selector: Selector
    rate: Rate
    span: Span


@dataclass(frozen=True)
class SubgroupRates:
    """比例 按对象 { … }: rates per sub-population; a subject belongs to the first rule it matches.
    `planned` is a total the table gives beside the rules (按照B40%(13户),C80%(7户) … 20户); `overall` the
    headline rate the table prints beside them (抽查比例 5%), which the rules refine."""

    rules: tuple[SubgroupRule, ...]
    span: Span
    planned: Planned | None = None
    overall: Decimal | None = None


@dataclass(frozen=True)
class CountRule:
    """One branch of a rate conditional on the population size N: ``不超过 10 ： 不少于 2户``.

    op is compared as ``N op threshold``: LE (不超过 · 及以下 · 以下 · 以内), LT (少于 · 低于),
    GT (超过), GE (不少于 · 及以上 · 以上). 以上/以下/以内 include the number itself (≥/≤), as in
    Chinese legal usage (刑法 第九十九条：以上、以下、以内，包括本数); 超过/少于 are the strict forms.
    """

    op: CompareOp
    threshold: int
    rate: Rate
    span: Span


@dataclass(frozen=True)
class CountRates:
    """比例 按总数 { … }: the first rule whose condition holds for N applies."""

    rules: tuple[CountRule, ...]
    span: Span


RateSpec = Rate | SubgroupRates | CountRates


# ---------------------------------------------------------------- windows


@dataclass(frozen=True)
class DatePoint:
    """A point of a window as written: 3月, 2024年3月, 2026年2月24日, 2026-02-24.

    year is None when the plan year applies; day is None for a whole month.
    next_year marks 次年 (the year after the plan year).
    """

    year: int | None
    month: int
    day: int | None
    next_year: bool
    span: Span


class WindowKind(Enum):
    """How a window is written: a range or a single point, a deadline (10月31日前, 12月前), a month's end
    (10月底前), the year's end (年底前) or the whole year (全年)."""

    RANGE = "range"
    BEFORE = "before"
    MONTH_END = "month-end"
    YEAR_END = "year-end"
    WHOLE_YEAR = "whole-year"


@dataclass(frozen=True)
class Window:
    """抽查检查起止时间. end is None for a single month or day (``4月``) and for the deadline forms, where
    start holds the deadline point (``10月31日前``); both are None for 年底前 and 全年."""

    start: DatePoint | None
    end: DatePoint | None
    span: Span
    kind: WindowKind = WindowKind.RANGE
    tentative: bool = False


@dataclass(frozen=True)
class Unstated:
    """待定 where the table says a thing is so without naming it (是否部门联合抽查：是 — no partner named)."""

    text: Text | None
    span: Span


@dataclass(frozen=True)
class DrawWindow:
    """抽取时间: when subjects are drawn, as a window, a text, or both; or each round's draw within its
    first `each_round_days` days (每个季度第一个月的15日内完成本季度抽取 → 抽取 每轮 15日内)."""

    window: Window | None
    text: Text | None
    span: Span
    each_round_days: int | None = None


@dataclass(frozen=True)
class Batch:
    """批次: a named batch with its deadline (截止). Batch r is round r."""

    name: Text
    deadline: DatePoint
    span: Span


# ---------------------------------------------------------------- tasks


@dataclass(frozen=True)
class RiskRef:
    """风险 …: the escalation profile a task uses, or none (blank or "/" in the seed).

    profile is None for 无 and for a bare text (``风险 "低风险"``, label=True: a statement about the
    task, not an escalation); text overrides the profile's requirement text on the plan table.
    """

    profile: Name | None
    text: Text | None
    span: Span
    label: bool = False


@dataclass(frozen=True)
class Item:
    """One check item (抽查事项) with what the table may say about it: 检查依据, 事项代码, 事项类别
    (一般检查事项/重点检查事项), 检查方式, the materials to prepare, the department that checks it (检查: in a
    一业一查 joint task each department checks its own items) and the subjects it applies to (对象 … 筛选:
    a visit lists the item only for a subject the selector takes)."""

    text: Text
    span: Span
    basis: Text | None = None
    code: Text | None = None
    category: Text | None = None
    methods: tuple[Text, ...] = ()
    materials: tuple[Text, ...] = ()
    inspect: tuple[Name, ...] = ()
    scope: Scope | None = None


@dataclass(frozen=True)
class TaskCode:
    """序号 as written: ``4``, ``003`` or ``"SJ-2023-01"``.

    `number` is its value when it is all digits; `stream_id` is what SSJ-DRAW-1 writes for `t`: the
    number without leading zeros, or else the code itself (SSJ-DRAW-X1)."""

    text: str
    span: Span

    @property
    def number(self) -> int | None:
        return int(self.text) if self.text.isdigit() and self.text.isascii() else None

    @property
    def stream_id(self) -> str:
        number = self.number
        return str(number) if number is not None else self.text

    @property
    def sort_key(self) -> tuple[int, int, str]:
        number = self.number
        return (0, number, "") if number is not None else (1, 0, self.text)


@dataclass(frozen=True, kw_only=True)
class TaskFields:
    """The fields a task row (and each of its sub-rows, 子项) may give; None when not written."""

    items: tuple[Item, ...] | None = None
    scope: Scope | None = None
    rate: RateSpec | None = None
    rounds: Rounds | None = None
    risk: RiskRef | None = None
    window: Window | None = None
    draw_window: DrawWindow | None = None
    directed: bool | None = None
    lead: Name | None = None
    guide: Name | None = None
    inspect: tuple[Name, ...] = ()
    assist: tuple[Name, ...] = ()
    assist_unstated: Unstated | None = None
    modes: tuple[Name, ...] = ()
    methods: tuple[Text, ...] = ()
    category: Text | None = None
    remarks: Text | None = None
    materials: tuple[Text, ...] = ()
    group: Text | None = None
    batches: tuple[Batch, ...] = ()
    span: Span = NO_SPAN


@dataclass(frozen=True, kw_only=True)
class Part(TaskFields):
    """子项: a sub-row under its task's 序号. Every field it does not write is the task's."""

    label: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Task(TaskFields):
    """抽查任务: one row of the plan table (序号 and 抽查任务名称), possibly with sub-rows (子项)."""

    code: TaskCode
    name: Text
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A whole `.ssj` file."""

    header: PlanHeader
    fields: tuple[FieldDecl, ...]
    departments: tuple[Department, ...]
    profiles: tuple[RiskProfile, ...]
    tasks: tuple[Task, ...]
    span: Span
    levels: tuple[Level, ...] = ()
    joints: tuple[JointDraw, ...] = ()


@dataclass(frozen=True)
class JointDraw:
    """合并抽取: tasks drawn together — one population (every subject of any of them), one rate, one list;
    each drawn subject is inspected for every task whose population holds it (weishan 2024: 名称登记事项与
    公示信息的检查合并抽取，企业比例为1.5%)."""

    name: Text | None
    tasks: tuple[TaskCode, ...]
    rate: RateSpec | None
    remarks: Text | None
    span: Span


@dataclass(frozen=True)
class Comment:
    """A comment kept for the formatter: its text without the marker, and where it stood."""

    text: str
    span: Span
    trailing: bool


STANDARD_FIELDS: dict[str, FieldKind] = {
    "统一社会信用代码": FieldKind.TEXT,
    "名称": FieldKind.TEXT,
    "类型": FieldKind.TEXT,
    "行业类别": FieldKind.LIST,
    "风险等级": FieldKind.TEXT,
    "注册资本": FieldKind.MONEY,
    "地址": FieldKind.TEXT,
    "所属区域": FieldKind.TEXT,
    "法定代表人": FieldKind.TEXT,
    "联系电话": FieldKind.TEXT,
}
"""Registry fields every plan may use without declaring them (检查对象名录库 standard columns)."""

STANDARD_FIELD_ALIASES: dict[str, str] = {
    "id": "统一社会信用代码",
    "name": "名称",
    "type": "类型",
    "category": "行业类别",
    "risk": "风险等级",
    "capital": "注册资本",
    "address": "地址",
    "area": "所属区域",
    "legal_rep": "法定代表人",
    "phone": "联系电话",
}
"""English header names accepted for the standard columns, in registries and in selectors."""


# ---------------------------------------------------------------- comparing trees


def equal_ignoring_spans(first: Any, second: Any) -> bool:
    """What `strip_spans(first) == strip_spans(second)` says, without copying either tree (the importer
    compares a 200-task plan with its reading back this way)."""
    if type(first) is not type(second):
        return False
    if isinstance(first, Span):
        return True
    if isinstance(first, tuple):
        return len(first) == len(second) and all(map(equal_ignoring_spans, first, second))
    if dataclasses.is_dataclass(first):
        return all(equal_ignoring_spans(getattr(first, f.name), getattr(second, f.name))
                   for f in dataclasses.fields(first))
    return bool(first == second)


def strip_spans(node: Any) -> Any:
    """The same AST with every span replaced by NO_SPAN: two parses of equivalent text compare equal."""
    if isinstance(node, Span):
        return NO_SPAN
    if isinstance(node, tuple):
        return tuple(strip_spans(item) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: strip_spans(getattr(node, f.name)) for f in dataclasses.fields(node)}
        return dataclasses.replace(node, **changes)
    return node
