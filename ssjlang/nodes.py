"""The typed AST of a `.ssj` plan (抽查工作计划).

Every node is a frozen dataclass carrying the `Span` of the source text it came from, so the
checker can point at it. Nodes hold what the officer wrote, not what it means: resolving a
window against the plan year, a department alias against its declaration, or a rate into parts
per million happens in later stages.

Optional fields are `None` when the source omits them; the parser accepts a task's fields in any
order and leaves it to the checker to report a missing required field (SSJ1xx).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


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
    """计划 … : title, year, region and the issuing details used on documents."""

    title: Text | None
    year: Integer | None
    region: Text | None
    division_code: Text | None
    authority: Text | None
    doc_number: Text | None
    contact: Text | None
    span: Span


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
class Department:
    """部门, declared once, with optional alias names (又称)."""

    name: Name
    aliases: tuple[Name, ...]
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


@dataclass(frozen=True)
class Rounds:
    """频次: rounds per year, e.g. 2次/年."""

    per_year: int
    span: Span


@dataclass(frozen=True)
class Rate:
    """A sample rate (抽查比例) in one of its written forms.

    - exact percent: ``20%`` → percent=20, at_least=False
    - floor: ``不低于 10%`` → percent=10, at_least=True
    - absolute count: ``20户`` → count=20; ``不少于 2所`` → count=2, at_least=True, count_unit="所"
    - rate with a minimum count: ``10% 不少于 2户`` → percent=10, min_count=2

    count_unit is the measure word written after count or min_count (量词 户/家/所/个), so the plan
    table prints ``不少于2所`` as the published plan does; the English ``subjects`` is ``户``.
    """

    percent: Decimal | None
    at_least: bool
    count: int | None
    min_count: int | None
    span: Span
    count_unit: str = "户"


@dataclass(frozen=True)
class RiskLevel:
    """One line of an escalation profile: a class, its rate and its rounds per year.

    The rate is either a multiplier of the task's base rate (比例×1.5) or an absolute `Rate`.
    """

    risk: RiskClass
    multiplier: Decimal | None
    rate: Rate | None
    rounds: Rounds | None
    span: Span


@dataclass(frozen=True)
class RiskProfile:
    """风险递加 NAME "requirement text" { levels }."""

    name: Name
    description: Text | None
    levels: tuple[RiskLevel, ...]
    span: Span


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
class Scope:
    """抽查对象范围: the verbatim description and, optionally, a machine-readable selector."""

    text: Text
    selector: Selector | None
    span: Span


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
    """比例 按对象 { … }: rates per sub-population; a subject belongs to the first rule it matches."""

    rules: tuple[SubgroupRule, ...]
    span: Span


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


@dataclass(frozen=True)
class Window:
    """抽查检查起止时间. end is None for a single month or day (``4月``)."""

    start: DatePoint
    end: DatePoint | None
    span: Span


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

    profile is None for 无; text overrides the profile's requirement text on the plan table.
    """

    profile: Name | None
    text: Text | None
    span: Span


@dataclass(frozen=True)
class Task:
    """抽查任务: one row of the plan table."""

    number: Integer
    name: Text
    items: tuple[Text, ...] | None
    scope: Scope | None
    rate: RateSpec | None
    rounds: Rounds | None
    risk: RiskRef | None
    window: Window | None
    directed: bool | None
    lead: Name | None
    assist: tuple[Name, ...]
    mode: Name | None
    batches: tuple[Batch, ...]
    span: Span


@dataclass(frozen=True)
class Plan:
    """A whole `.ssj` file."""

    header: PlanHeader
    fields: tuple[FieldDecl, ...]
    departments: tuple[Department, ...]
    profiles: tuple[RiskProfile, ...]
    tasks: tuple[Task, ...]
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
