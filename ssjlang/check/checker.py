"""The check stage (计划检查): every semantic problem of a parsed `.ssj` plan, in one run.

`check(plan, file)` never raises and never stops at the first problem: a policy officer fixing a
27-row plan wants the whole list. Each problem is a `Diagnostic` with a stable SSJ1xx code
(documented in docs/diagnostics/ssj1.md), a short bilingual message, the span to underline, related
spans (the first declaration of a duplicate) and a hint saying what to do.

Decisions the language leaves to the checker (also in the docs):
- required task fields: 事项 对象 比例 频次 时间 发起 模式 (the name is part of the task header);
  `风险` omitted means no escalation (the seed's blank cell), `定向` omitted means "directed when
  the scope has a 筛选", `配合` and `批次` may be omitted;
- risk classes missing from an escalation profile use the task's base rate and rounds (×1);
- a window end without a year takes the start's explicit year, else the plan year (次年: +1).
"""

from __future__ import annotations

import calendar
import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..canonical import UNWRITABLE
from ..diagnostics import Diagnostic, Fix, InputError, Related, error, has_errors, sorted_diagnostics, warning
from ..language.keywords import simplified
from ..language.nodes import (
    STANDARD_FIELD_ALIASES,
    STANDARD_FIELDS,
    And,
    Batch,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    FieldKind,
    Money,
    Name,
    Not,
    Number,
    Or,
    Part,
    Period,
    Plan,
    Rate,
    RiskClass,
    RiskLevel,
    RiskProfile,
    Rounds,
    Selector,
    Span,
    SubgroupRates,
    Task,
    TaskFields,
    Text,
    ValueList,
    Window,
    WindowKind,
    strip_spans,
)
from ..language.wording import COUNT_OP_WORDS, format_decimal, rate_text, window_text
from .fixes import replace_name, unknown_department_fixes
from .resolve import (
    KEY_ITEM_CATEGORIES,
    RISK_FIELD,
    canonical_field,
    merged_fields,
    percent_ppm,
    period_windows,
    planned_round_count,
    profile_classes,
    resolve_deadline,
    resolve_plan,
    resolve_window,
    split_window,
)
from .resolved import ResolvedPlan

# ---------------------------------------------------------------- codes (docs/diagnostics/ssj1.md)

MISSING_TITLE = "SSJ101"
BAD_YEAR = "SSJ102"
BAD_HEADER_VALUE = "SSJ103"
UNKNOWN_DEPARTMENT = "SSJ104"
DUPLICATE_DEPARTMENT = "SSJ105"
DUPLICATE_PROFILE = "SSJ106"
DUPLICATE_FIELD = "SSJ107"
UNDEFINED_PROFILE = "SSJ108"
NO_TASKS = "SSJ109"
MISSING_TASK_FIELD = "SSJ110"
DUPLICATE_TASK = "SSJ111"
BAD_TASK_NUMBER = "SSJ112"
EMPTY_TEXT = "SSJ113"
LEAD_ALSO_ASSISTS = "SSJ114"
DUPLICATE_ASSIST = "SSJ115"
UNKNOWN_MODE = "SSJ116"
DIRECTED_WITHOUT_SELECTOR = "SSJ117"
LEVEL_CANNOT_GUIDE = "SSJ118"
UNDIRECTED_WITH_SELECTOR = "SSJ119"
RATE_OUT_OF_RANGE = "SSJ120"
BAD_COUNT = "SSJ121"
BAD_ROUNDS = "SSJ122"
ESCALATION_NOT_INCREASING = "SSJ123"
ESCALATION_OF_FULL_RATE = "SSJ124"
BAD_PROFILE_LEVEL = "SSJ125"
COUNT_RULES_OVERLAP = "SSJ126"
COUNT_RULES_GAP = "SSJ127"
RATE_NOT_PPM = "SSJ128"
RATE_FORM_NOT_HERE = "SSJ129"
BAD_DATE = "SSJ130"
WINDOW_REVERSED = "SSJ131"
WINDOW_TOO_LONG = "SSJ132"
WINDOW_OUTSIDE_YEAR = "SSJ133"
BATCH_OUTSIDE_WINDOW = "SSJ134"
BATCHES_NOT_INCREASING = "SSJ135"
BATCH_COUNT_MISMATCH = "SSJ136"
WINDOW_TOO_SHORT = "SSJ137"
DRAW_AFTER_WINDOW = "SSJ138"
UNKNOWN_FIELD = "SSJ140"
OPERATOR_KIND_MISMATCH = "SSJ141"
VALUE_KIND_MISMATCH = "SSJ142"
UNKNOWN_RISK_CLASS = "SSJ143"
EMPTY_VALUE_LIST = "SSJ144"
BAD_LEVEL = "SSJ145"
UNSTATED_RATE = "SSJ150"
ALL_LEVELS_WITHOUT_LEVEL = "SSJ152"
REPEATED_FULL_RATE = "SSJ153"
PROFILE_CLASS_KIND = "SSJ154"
KEY_ITEMS_CAPPED = "SSJ155"
UNWRITABLE_CHARACTER = "SSJ156"
DRAWN_ELSEWHERE = "SSJ157"
BAD_JOINT = "SSJ158"
JOINT_MISMATCH = "SSJ159"

ALL_CODES: tuple[str, ...] = tuple(
    sorted({value for value in globals().values()
            if isinstance(value, str) and re.fullmatch(r"SSJ1\d\d", value)})
)
"""Every code this module emits (used by tests to make sure each one is covered)."""

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_ROUNDS_PER_YEAR = 12
MAX_TIMES_PER_PERIOD = 4

ESCALATION_CHAIN: tuple[RiskClass, ...] = (RiskClass.LOW, RiskClass.MEDIUM, RiskClass.HIGHER, RiskClass.HIGH)
"""The classes whose rate and rounds must not decrease (递加); 未分类 stands outside the chain."""

MODE_PATTERN = re.compile(r"[省市县区](?:\(区\)|（区）|\(县\)|（县）|\(市\)|（市）)?抽[省市县区]"
                          r"(?:\(区\)|（区）|\(县\)|（县）|\(市\)|（市）)?查")
TASK_CODE_RESERVED = frozenset("|.+,")
"""Characters a text 序号 cannot hold: SSJ-DRAW-1's stream text uses |, sub-row keys `.` (4.1), joint draws
`+` (1+2), lists of visit keys `,`."""

KNOWN_MODES: tuple[str, ...] = ("县抽县查", "区抽区查", "市抽市查", "市抽县(区)查", "市抽县查", "省抽市查",
                                "省抽省查")
DOC_NUMBER_PLACEHOLDERS = frozenset({"年", "号"})

RISK_VALUE_NAMES: dict[str, RiskClass] = {
    **{cls.value: cls for cls in RiskClass},
    **{cls.value.lower(): cls for cls in RiskClass},
    **{cls.chinese: cls for cls in RiskClass},
    "low": RiskClass.LOW,
    "medium": RiskClass.MEDIUM,
    "higher": RiskClass.HIGHER,
    "high": RiskClass.HIGH,
    "unclassified": RiskClass.UNCLASSIFIED,
}
"""How a 风险等级 selector value may name a class (letters, Chinese names, English words)."""

KIND_CHINESE = {
    FieldKind.TEXT: "文本",
    FieldKind.LIST: "列表",
    FieldKind.MONEY: "金额",
    FieldKind.NUMBER: "数值",
    FieldKind.DATE: "日期",
}
ORDERING_OPS = frozenset({CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE})
LIST_OPS = frozenset({CompareOp.IN, CompareOp.NOT_IN})
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------- public API


@dataclass(frozen=True)
class CheckedPlan:
    """A plan that parsed and checked without errors: its AST, its resolved form (what every later
    stage reads), its warnings and exact source text."""

    plan: Plan
    source: str
    file: str
    warnings: tuple[Diagnostic, ...]
    resolved: ResolvedPlan


def check(plan: Plan, file: str, *, source: str | None = None) -> list[Diagnostic]:
    """All semantic problems of `plan`, sorted by position (stable for equal positions).

    `source`, the text the plan was parsed from, spares the walk of every text for characters documents
    cannot hold (SSJ156) when the source has none: texts are the source's characters (an escape gives
    only `"` `\\` LF or TAB). The walk costs more than the rest of the check on a large plan, which the
    language server re-checks on every change."""
    found = _Checker(plan, file).run()
    if source is None or UNWRITABLE.search(source) is not None:
        found += unwritable_texts(plan, file)
    return sorted_diagnostics(found)


def parse_and_check(source: str, file: str) -> tuple[Plan | None, list[Diagnostic]]:
    """Parse plan text and, when the parse gave a whole plan (even one with errors that leave the tree whole,
    SSJ020…), check it: (the plan or None, the parser's and the checker's diagnostics, sorted by place)."""
    from ..language.parser import parse  # the parser imports Lark: load it only when needed

    result = parse(source, file)
    diagnostics = list(result.diagnostics)
    if result.plan is not None:
        diagnostics += check(result.plan, file, source=source)
    return result.plan, sorted_diagnostics(diagnostics)


def check_source(source: str, file: str) -> tuple[CheckedPlan | None, list[Diagnostic]]:
    """Parse, check and resolve plan text: (the checked plan or None on errors, every diagnostic)."""
    plan, diagnostics = parse_and_check(source, file)
    if plan is None or has_errors(diagnostics):
        return None, diagnostics
    return CheckedPlan(plan, source, file, tuple(diagnostics), resolve_plan(plan)), diagnostics


def load_plan(path: Path) -> CheckedPlan:
    """Read, parse, check and resolve a plan file; raise `InputError` carrying every diagnostic on errors.

    The draw and compile stages start here, so a plan they use has always passed `ssj check`.
    """
    from ..language.parser import read_source

    source, read_diagnostics = read_source(path)
    if source is None:
        raise InputError(list(read_diagnostics))
    checked, diagnostics = check_source(source, str(path))
    if checked is None:
        raise InputError(list(read_diagnostics) + diagnostics)
    return checked


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate by difflib ratio (the "did you mean" of a misspelt name)."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.5)
    return matches[0] if matches else None


# ---------------------------------------------------------------- the checker


def _header_span(task: Task) -> Span:
    """The `4 "name"` part of a task: short enough to underline, unlike the whole block."""
    return Span.merge(task.code.span, task.name.span)


@dataclass(frozen=True)
class _Where:
    """Which row (or sub-row) a problem belongs to, for messages and for the span to underline."""

    label: str
    span: Span


def _where(task: Task, part: Part | None, index: int | None) -> _Where:
    if part is None:
        return _Where(f"任务 {task.code.text}", _header_span(task))
    shown = f"「{part.label.value}」" if part.label is not None else f"{index}"
    return _Where(f"任务 {task.code.text} 子项{shown}", part.span if part.label is None else part.label.span)


@dataclass(frozen=True)
class _Level:
    """One class of a profile as it applies: explicit level or the implicit ×1."""

    risk: str
    name: str
    level: RiskLevel | None

    @property
    def multiplier(self) -> Decimal | None:
        if self.level is None:
            return Decimal(1)
        if self.level.rate is not None or self.level.exclude:
            return None
        return self.level.multiplier if self.level.multiplier is not None else Decimal(1)

    def describe(self) -> str:
        if self.level is None:
            return f"{self.name}（未列出，按 比例×1）"
        if self.level.exclude:
            return f"{self.name} 不抽"
        if self.level.rate is not None:
            return f"{self.name} 比例 {rate_text(self.level.rate)}"
        return f"{self.name} 比例×{format_decimal(self.multiplier or Decimal(1))}"


def _rate_forms(rate: Rate) -> str:
    """The form of a written rate, for messages: 不抽, 待定, 每名执法人员 …"""
    if rate.exclude:
        return "不抽"
    if rate.unstated:
        return "待定"
    if rate.per_inspector:
        return "每名执法人员"
    if rate.staff_ratio is not None:
        return "人员比"
    return rate_text(rate)


class _Checker:
    """One pass over a plan; collects diagnostics instead of raising."""

    def __init__(self, plan: Plan, file: str) -> None:
        self.plan = plan
        self.file = file
        self.out: list[Diagnostic] = []
        self.year: int | None = None
        self.bodies: dict[str, tuple[str, str]] = {}
        """Every declared name or alias → (kind: 部门/单位/层级, the declared name)."""
        self.body_spans: dict[str, Span] = {}
        self.profiles: dict[str, RiskProfile] = {}
        self.profile_ok: dict[str, bool] = {}
        self.fields: dict[str, FieldKind] = {}
        self.checked_spans: set[tuple[str, int, int, int, int, int]] = set()

    # -- helpers

    def error(self, code: str, message: str, span: Span, hint: str | None = None,
              related: tuple[Related, ...] = (), fixes: tuple[Fix, ...] = ()) -> None:
        self.out.append(error(code, message, self.file, span, hint, related, fixes))

    def warning(self, code: str, message: str, span: Span, hint: str | None = None,
                related: tuple[Related, ...] = ()) -> None:
        self.out.append(warning(code, message, self.file, span, hint, related))

    def related(self, message: str, span: Span) -> tuple[Related, ...]:
        return (Related(message, span, self.file),)

    def first_time(self, what: str, span: Span) -> bool:
        """Whether a written field is checked for the first time (sub-rows inherit their task's fields:
        a field written once is checked once, however many sub-rows use it)."""
        key = (what, span.line, span.column, span.end_line, span.end_column, span.start)
        if key in self.checked_spans:
            return False
        self.checked_spans.add(key)
        return True

    def run(self) -> list[Diagnostic]:
        self.check_header()
        self.check_fields()
        self.check_departments()
        self.check_levels()
        self.check_profiles()
        if not self.plan.tasks:
            self.warning(NO_TASKS, "计划中没有任务 (the plan has no tasks)", self.plan.header.span,
                         hint="添加 任务 块，例如：任务 1 \"…\" { … }")
        self.check_task_numbers()
        for task in self.plan.tasks:
            self.check_task(task)
        self.check_joints()
        unique: dict[tuple[str, Span], Diagnostic] = {}
        for diagnostic in self.out:  # a task's field inherited by several sub-rows is reported once
            unique.setdefault((diagnostic.code, diagnostic.span), diagnostic)
        return list(unique.values())

    # -- header

    def check_header(self) -> None:
        header = self.plan.header
        if header.title is None or not header.title.value.strip():
            span = header.title.span if header.title is not None else header.span
            self.error(MISSING_TITLE, "计划缺少标题 (the plan has no title)", span,
                       hint='在文件开头写：计划 "晋城市城区…年度部门联合双随机抽查工作计划" { 年度 2024 … }')
        if header.year is None:
            self.error(BAD_YEAR, "计划缺少年度 (the plan has no year)", header.span,
                       hint="在 计划 块中写：年度 2024")
        elif not MIN_YEAR <= header.year.value <= MAX_YEAR:
            self.error(BAD_YEAR,
                       f"年度 {header.year.value} 不在 {MIN_YEAR}–{MAX_YEAR} 之间 (implausible plan year)",
                       header.year.span, hint="写四位公历年份，例如：年度 2024")
        else:
            self.year = header.year.value
        if header.division_code is not None and not re.fullmatch(r"\d{6}", header.division_code.value):
            self.error(BAD_HEADER_VALUE,
                       f"区划代码「{header.division_code.value}」不是 6 位数字 "
                       "(division code must be 6 digits)",
                       header.division_code.span, hint='写行政区划代码的 6 位数字，例如：区划代码 "140502"')
        self.check_doc_number(header.doc_number)
        for text in (*header.witnesses, *header.materials):
            if not text.value.strip():
                self.error(EMPTY_TEXT, "文本为空 (empty text)", text.span, hint="删除空的引号或写出内容")

    def check_doc_number(self, doc_number: Text | None) -> None:
        if doc_number is None:
            return
        for placeholder in re.findall(r"\{([^{}]*)\}", doc_number.value):
            if placeholder not in DOC_NUMBER_PLACEHOLDERS:
                self.error(BAD_HEADER_VALUE,
                           f"文号中的占位符「{{{placeholder}}}」无法填写 (unknown placeholder in 文号)",
                           doc_number.span, hint="文号只能用 {年} 和 {号} 两个占位符")

    # -- declarations

    def check_fields(self) -> None:
        self.fields = dict(STANDARD_FIELDS)
        for alias, standard in STANDARD_FIELD_ALIASES.items():
            self.fields[alias] = STANDARD_FIELDS[standard]
        seen: dict[str, Span] = {}
        for decl in self.plan.fields:
            name = decl.name.value
            if name in STANDARD_FIELDS or name in STANDARD_FIELD_ALIASES:
                self.error(DUPLICATE_FIELD,
                           f"名录字段「{name}」是标准字段，无需声明 (standard field declared again)",
                           decl.name.span,
                           hint=f"删除这一行；标准字段「{canonical_field(name)}」可直接在筛选中使用")
            elif name in seen:
                self.error(DUPLICATE_FIELD, f"名录字段「{name}」重复声明 (field declared twice)",
                           decl.name.span,
                           hint="删除重复的一行", related=self.related("首次声明于此 (first declared here)",
                                                                seen[name]))
            else:
                seen[name] = decl.name.span
                self.fields[name] = decl.kind

    def declare(self, name: Name, kind: str, owner: str, is_alias: bool) -> None:
        """Record a department, unit or level name (or alias); a name used twice is SSJ105."""
        if name.value in self.bodies:
            first = self.body_spans[name.value]
            first_kind, first_owner = self.bodies[name.value]
            what = "别名" if is_alias else kind
            self.error(DUPLICATE_DEPARTMENT,
                       f"{what}「{name.value}」重复：已用于{first_kind}「{first_owner}」 "
                       "(duplicate department, unit, level or alias)",
                       name.span, hint="每个部门、单位、层级的名称和别名只能声明一次；合并或改名",
                       related=self.related("首次声明于此 (first declared here)", first))
            return
        self.bodies[name.value] = (kind, owner)
        self.body_spans[name.value] = name.span

    def check_departments(self) -> None:
        for department in self.plan.departments:
            owner = department.name.value
            for name in (department.name, *department.aliases):
                self.declare(name, "部门", owner, name is not department.name)
            for unit in department.units:
                for name in (unit.name, *unit.aliases):
                    self.declare(name, "单位", unit.name.value, name is not unit.name)
            self.check_doc_number(department.doc_number)
            for text in (department.full_name, department.contact, department.phone, department.address,
                         department.site, *department.area):
                if text is not None and not text.value.strip():
                    self.error(EMPTY_TEXT, f"部门「{owner}」有空的设置 (empty setting)", text.span,
                               hint="删除空的设置或写出内容")

    def check_levels(self) -> None:
        departments = {d.name.value: d for d in self.plan.departments}
        for level in self.plan.levels:
            self.declare(level.name, "层级", level.name.value, False)
        for level in self.plan.levels:
            label = f"层级「{level.name.value}」"
            if level.by is not None and level.by.value not in self.fields:
                self.unknown_field(level.by)
            if not level.members:
                self.error(BAD_LEVEL, f"{label}没有成员 (a level lists no offices)", level.name.span,
                           hint=f"写出各级机关：层级 {level.name.value} {{ 按 所属区域  "
                                "成员 甲区市场监管局、乙区市场监管局 }")
                continue
            owner_of: dict[str, str] = {}
            seen: set[str] = set()
            for member in level.members:
                declared = self.bodies.get(member.value)
                if declared is None or declared[0] != "部门":
                    if declared is None:
                        self.unknown_body(member)
                    else:
                        self.error(BAD_LEVEL, f"{label}的成员「{member.value}」是{declared[0]}，"
                                   "成员应是部门 (level members must be departments)", member.span,
                                   hint="层级的成员是各地的机关（部门），不是单位或另一个层级")
                    continue
                canonical = declared[1]
                if canonical in seen:
                    self.error(BAD_LEVEL, f"{label}的成员「{member.value}」列了两次 (member listed twice)",
                               member.span, hint=f"删除重复的「{member.value}」")
                    continue
                seen.add(canonical)
                areas = departments[canonical].area
                if not areas:
                    self.error(BAD_LEVEL, f"{label}的成员「{canonical}」没有写 辖区 (member without 辖区)",
                               member.span,
                               hint=f'在部门声明中写出它管辖的区域，例如：部门 {canonical} '
                                    '{ 辖区 "140403" }')
                for area in areas:
                    value = area.value.strip()
                    if value in owner_of and owner_of[value] != canonical:
                        self.error(BAD_LEVEL, f"{label}中辖区「{value}」同时属于「{owner_of[value]}」和"
                                   f"「{canonical}」 (two members cover the same area)", area.span,
                                   hint="每个辖区值只能属于层级中的一个机关")
                    owner_of.setdefault(value, canonical)

    def check_profiles(self) -> None:
        for profile in self.plan.profiles:
            name = profile.name.value
            if name in self.profiles:
                self.error(DUPLICATE_PROFILE,
                           f"风险递加「{name}」重复声明 (escalation profile declared twice)",
                           profile.name.span, hint="删除或改名其中一个",
                           related=self.related("首次声明于此 (first declared here)",
                                                self.profiles[name].name.span))
                continue
            self.profiles[name] = profile
            self.profile_ok[name] = self.check_profile(profile)

    def check_profile(self, profile: RiskProfile) -> bool:
        """Levels valid and not decreasing from the lowest class to the highest in multipliers, absolute
        rates and rounds (A ≤ B ≤ C ≤ D; a 按-profile's classes in the order written)."""
        ok = True
        by_field = profile.by is not None and canonical_field(profile.by.value) != RISK_FIELD
        if profile.by is not None and profile.by.value not in self.fields:
            self.unknown_field(profile.by)
            ok = False
        seen: dict[str, RiskLevel] = {}
        for level in profile.levels:
            named = isinstance(level.risk, Text)
            shown = level.risk.value if isinstance(level.risk, Text) else level.risk.chinese
            if named and not by_field:
                self.error(PROFILE_CLASS_KIND, f"风险递加「{profile.name.value}」读取信用风险分类，"
                           f"不能用「{shown}」作分类 (a credit-class profile lists 低风险…高风险)",
                           level.span,
                           hint=f"其他分类（如监管类别）写：风险递加 {profile.name.value} 按 监管类别 "
                                "{ \"重点\" 比例 100% … }")
                ok = False
                continue
            if not named and by_field and level.risk is not RiskClass.UNCLASSIFIED:
                self.error(PROFILE_CLASS_KIND,
                           f"风险递加「{profile.name.value}」按「{profile.by.value}」分类，"  # type: ignore[union-attr]
                           f"类别应写成该字段的值（带引号），不能写 {shown} (write the field's values)",
                           level.span, hint='例如："重点" 比例 100%；"一般" 比例 5%')
                ok = False
                continue
            if named and not str(level.risk.value).strip():  # type: ignore[union-attr]
                self.error(EMPTY_TEXT, "分类名称为空 (empty class name)", level.span, hint="写出分类的取值")
                ok = False
                continue
            key = shown.strip()
            if named and key == RiskClass.UNCLASSIFIED.value:
                self.error(PROFILE_CLASS_KIND, f"风险递加「{profile.name.value}」中的「U」留给未分类的对象 "
                           "(\"U\" stands for the subjects in no class)", level.span,
                           hint="不在任何一类的对象写 未分类 …；字段取值恰为 U 时请在名录库中改用其他写法")
                ok = False
                continue
            if key in seen:
                self.error(BAD_PROFILE_LEVEL, f"风险递加「{profile.name.value}」中 {shown} 重复 "
                           "(risk class listed twice)", level.span, hint="每个风险等级只写一行",
                           related=self.related("首次出现于此 (first listed here)", seen[key].span))
                ok = False
                continue
            seen[key] = level
            if level.multiplier is not None and level.multiplier <= 0:
                self.error(BAD_PROFILE_LEVEL, f"倍数 ×{format_decimal(level.multiplier)} 必须大于 0 "
                           "(multiplier must be positive)", level.span, hint="例如：一般风险 比例×1.5")
                ok = False
            if level.exclude and (level.rate is not None or level.multiplier is not None):
                self.error(BAD_PROFILE_LEVEL, f"{shown} 写了 不抽，又写了比例 (a level is either excluded or "
                           "has a rate)", level.span, hint="不抽查这一类写 不抽；否则删去 不抽")
                ok = False
            if level.rate is not None:
                ok = self.check_rate(level.rate, "profile") and ok
            if level.rounds is not None:
                ok = self.check_rounds(level.rounds) and ok
                if level.rounds.period is not Period.YEAR:
                    self.error(RATE_FORM_NOT_HERE,
                               "风险递加的频次写成 N次/年 (a profile level counts rounds per year)",
                               level.rounds.span, hint="不同周期的抽查分别写成 子项，各写各的 频次")
                    ok = False
        if not ok:
            return False
        levels = [_Level(key, name, level) for key, name, level in profile_classes(profile)
                  if key != RiskClass.UNCLASSIFIED.value]
        ok = self.check_chain(profile, levels, lambda lv: lv.multiplier, "比例倍数") and ok
        ok = self.check_chain(
            profile, levels,
            lambda lv: (Decimal(0) if lv.level is not None and lv.level.exclude else
                        lv.level.rate.percent if lv.level and lv.level.rate and lv.level.rate.count is None
                        else None),
            "比例") and ok
        ok = self.check_chain(
            profile, levels,
            lambda lv: (Decimal(lv.level.rate.count)
                        if lv.level and lv.level.rate and lv.level.rate.count else None),
            "户数") and ok
        ok = self.check_chain(
            profile, levels,
            lambda lv: Decimal(lv.level.rounds.times) if lv.level and lv.level.rounds else None,
            "频次") and ok
        return ok

    def check_chain(self, profile: RiskProfile, levels: list[_Level], value_of: Callable[[_Level],
                                                                                         Decimal | None],
                    what: str) -> bool:
        """Report the first place where a comparable value decreases from lower to higher risk."""
        previous: tuple[_Level, Decimal] | None = None
        for level in levels:
            value = value_of(level)
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                earlier = previous[0]
                span = level.level.span if level.level is not None else profile.name.span
                self.error(ESCALATION_NOT_INCREASING,
                           f"风险递加「{profile.name.value}」的{what}未随风险递加：{level.describe()} 低于 "
                           f"{earlier.describe()} (escalation must not decrease from lower to higher risk)",
                           span,
                           hint="按 低风险 ≤ 一般风险 ≤ 较高风险 ≤ 高风险（或分类的书写顺序）调整比例和频次",
                           related=self.related(f"{earlier.name} 在此 (the lower-risk level)",
                                                earlier.level.span if earlier.level else profile.name.span))
                return False
            previous = (level, value)
        return True

    # -- tasks

    def check_task_numbers(self) -> None:
        seen: dict[str, Task] = {}
        for task in self.plan.tasks:
            code = task.code
            if not code.text.strip():
                self.error(BAD_TASK_NUMBER, "任务序号为空 (empty task number)", code.span,
                           hint='写出序号，例如 任务 4 "…" 或 任务 "SJ-2023-01" "…"')
                continue
            bad = sorted({c for c in code.text
                          if c in TASK_CODE_RESERVED or unicodedata.category(c)[0] == "C"})
            if bad:
                shown = "、".join(repr(c)[1:-1] for c in bad)
                self.error(BAD_TASK_NUMBER, f"任务序号「{code.text}」含有不能用的字符 {shown} "
                           "(a task code cannot hold | . + , or control characters)", code.span,
                           hint="这些字符用于随机流、子项和合并抽取的编号（4.1、1+2）；"
                                "改用 - 或 _，例如 \"SJ-2023-01\"")
                continue
            if code.number is not None and code.number < 1:
                self.error(BAD_TASK_NUMBER, f"任务序号 {code.text} 必须是正整数 (task number must be ≥ 1)",
                           code.span, hint="任务按 1、2、3… 编号")
            key = code.stream_id
            if key in seen:
                self.error(DUPLICATE_TASK, f"任务序号 {code.text} 重复 (duplicate task number)",
                           code.span,
                           hint="每个任务的序号必须唯一（003 与 3 是同一个序号）；给这个任务换一个未用的序号",
                           related=self.related("首次使用于此 (first used here)", seen[key].code.span))
            else:
                seen[key] = task

    def check_task(self, task: Task) -> None:
        if not task.name.value.strip():
            self.error(EMPTY_TEXT, f"任务 {task.code.text} 的名称为空 (empty task name)", task.name.span,
                       hint='写出抽查任务名称，例如：任务 4 "对汽车销售企业的部门联合抽查"')
        self.check_written(task, _where(task, None, None))
        if not task.parts:
            self.check_unit(task, task, _where(task, None, None))
            return
        for index, part in enumerate(task.parts, start=1):
            where = _where(task, part, index)
            if part.label is not None and not part.label.value.strip():
                self.error(EMPTY_TEXT, f"{where.label} 的名称为空 (empty part label)", part.label.span,
                           hint='写出子项名称，例如 子项 "高校" { … }，或去掉空的引号')
            self.check_written(part, where)
            self.check_unit(merged_fields(task, part), task, where)

    # -- one field at a time, where it is written

    def check_written(self, fields: TaskFields, where: _Where) -> None:
        """Every field written in a task or a sub-row, on its own (each checked once, where written)."""
        if fields.items is not None and self.first_time("items", fields.span):
            if not fields.items:
                self.error(EMPTY_TEXT, f"{where.label} 的抽查事项为空 (no check items)", where.span,
                           hint='在 事项 { } 中至少写一项，例如 "市场主体登记事项和公示信息检查"')
            for item in fields.items:
                if not item.text.value.strip():
                    self.error(EMPTY_TEXT, f"{where.label} 有空的抽查事项 (empty check item)", item.text.span,
                               hint="删除空项或写出事项内容")
                for body in item.inspect:
                    if self.first_time("body", body.span):
                        self.resolve_body(body)
                if item.scope is not None:
                    if not item.scope.text.value.strip():
                        self.error(EMPTY_TEXT, f"{where.label} 的事项对象为空 (empty item scope)",
                                   item.scope.text.span, hint="写出该事项适用的对象，或删去 对象")
                    if item.scope.selector is not None:
                        self.check_selector(item.scope.selector)
                for text in (item.basis, item.code, item.category, *item.methods, *item.materials):
                    if text is not None and not text.value.strip():
                        self.error(EMPTY_TEXT, f"{where.label} 的事项说明为空 (empty item attribute)",
                                   text.span, hint="删除空的设置或写出内容")
        for text in (fields.category, fields.remarks, fields.group, *fields.methods, *fields.materials):
            if text is not None and not text.value.strip():
                self.error(EMPTY_TEXT, f"{where.label} 有空的文本 (empty text)", text.span,
                           hint="删除空的设置或写出内容")
        scope = fields.scope
        if scope is not None:
            if not scope.text.value.strip():
                self.error(EMPTY_TEXT, f"{where.label} 的抽查对象范围为空 (empty scope text)",
                           scope.text.span, hint='照抄计划表的“抽查对象范围”，例如 "全区汽车销售企业"')
            if scope.selector is not None:
                self.check_selector(scope.selector)
            if scope.base is not None and scope.base.count <= 0:
                self.error(BAD_COUNT, f"基数 {scope.base.count} 必须大于 0 (base must be at least 1)",
                           scope.base.span, hint="写计划表给出的基数，例如 基数 约 40065户")
        if fields.rate is not None:
            self.check_rate_spec(fields.rate)
        if fields.rounds is not None:
            self.check_rounds(fields.rounds)
        if fields.risk is not None:
            self.check_risk_ref(fields.risk, where)
        if fields.window is not None:
            self.check_window(fields.window)
        if fields.draw_window is not None and fields.draw_window.window is not None:
            self.check_window(fields.draw_window.window)
        days = fields.draw_window.each_round_days if fields.draw_window is not None else None
        if days is not None and not 1 <= days <= 92 and fields.draw_window is not None:
            self.error(BAD_COUNT,
                       f"每轮 {days} 日内抽取：天数应为 1 到 92 (each round's draw takes 1–92 days)",
                       fields.draw_window.span,
                       hint="例如 抽取 每轮 15日内（每个季度第一个月的15日内完成抽取）")
        if fields.assist_unstated is not None and fields.assist_unstated.text is not None \
                and not fields.assist_unstated.text.value.strip():
            self.error(EMPTY_TEXT, f"{where.label} 的配合部门说明为空 (empty text)",
                       fields.assist_unstated.text.span, hint="删除空的引号或写出原表文字")
        if fields.draw_window is not None and fields.draw_window.text is not None \
                and not fields.draw_window.text.value.strip():
            self.error(EMPTY_TEXT, f"{where.label} 的抽取时间说明为空 (empty text)",
                       fields.draw_window.text.span, hint="删除空的引号或写出原表文字")
        for batch in fields.batches:
            if not batch.name.value.strip():
                self.error(EMPTY_TEXT, f"{where.label} 有名称为空的批次 (empty batch name)", batch.name.span,
                           hint='给批次起名，例如 批次 "第一批" 截止 2024年6月30日')
            self.check_point(batch.deadline)
        for name in (fields.lead, fields.guide, *fields.inspect, *fields.assist):
            if name is not None and self.first_time("body", name.span):
                self.resolve_body(name)
        for mode in fields.modes:
            if self.first_time("mode", mode.span):
                self.check_mode(mode)

    # -- one row as it is drawn

    def check_unit(self, fields: TaskFields, task: Task, where: _Where) -> None:
        """The fields of one draw unit together: required fields and the rules between fields."""
        has_window = fields.window is not None or (fields.draw_window is not None
                                                   and fields.draw_window.window is not None)
        required: tuple[tuple[str, str, object], ...] = (
            ("事项", "items", fields.items),
            ("对象", "scope", fields.scope),
            ("比例", "rate", fields.rate),
            ("频次", "rounds", fields.rounds),
            ("时间", "window", True if has_window else None),
            ("发起", "lead", fields.lead),
            ("模式", "mode", fields.modes or None),
        )
        missing = [(chinese, english) for chinese, english, value in required if value is None]
        if missing:
            chinese_names = "、".join(chinese for chinese, _ in missing)
            english_names = ", ".join(english for _, english in missing)
            plural = "s" if len(missing) > 1 else ""
            self.error(MISSING_TASK_FIELD,
                       f"{where.label} 缺少 {chinese_names} "
                       f"(missing required field{plural}: {english_names})",
                       where.span,
                       hint="加上：" + "；".join(_MISSING_HINTS[chinese] for chinese, _ in missing))
        scope = fields.scope
        if scope is not None:
            if scope.selector is not None and fields.directed is False and self.first_time("undirected",
                                                                                          scope.span):
                self.warning(UNDIRECTED_WITH_SELECTOR,
                             f"{where.label} 为不定向抽查，却写了 筛选：只从筛选出的对象中抽取 "
                             "(an undirected task with a selector draws from what the selector takes)",
                             scope.span,
                             hint="不定向抽查从本事项的整个检查对象名录抽取：名录库只含这类对象时删去 筛选；"
                                  "筛选只用来指明是哪一类对象的名录（如 行业类别 包含 \"排污单位\"）")
            elif scope.selector is None and fields.directed:
                self.warning(DIRECTED_WITHOUT_SELECTOR,
                             f"{where.label} 为定向抽查但没有 筛选：将从整个名录库抽取 "
                             "(directed task without a selector)", scope.span,
                             hint='在 对象 后加 筛选，例如：对象 "全区汽车销售企业" 筛选 '
                             '行业类别 包含 "汽车销售"；或写 不定向')
        self.check_unit_rate(fields, where)
        self.check_unit_risk(fields, where)
        window_dates = self.unit_window(fields)
        self.check_unit_rounds(fields, where, window_dates)
        self.check_batches(fields, where, window_dates)
        self.check_unit_bodies(fields, where)
        if fields.items and fields.rate is not None and all(
                (item.category or fields.category) is not None
                and (item.category or fields.category).value.strip() in KEY_ITEM_CATEGORIES  # type: ignore[union-attr]
                for item in fields.items):
            cap = self.rate_cap(fields.rate)
            if cap is not None:
                self.warning(KEY_ITEMS_CAPPED, f"{where.label} 的事项都是重点检查事项，比例却有上限 "
                             "(key check items have no upper limit)", cap,
                             hint="重点检查事项不设比例上限；删去上限，或把事项类别改为 一般检查事项")

    # -- joint draws

    def check_joints(self) -> None:
        """合并抽取: each names two or more declared tasks without sub-rows, none in two joint draws,
        and a rate; its tasks must be drawable as one: the same rounds, window and risk profile
        (SSJ-DRAW-X5)."""
        tasks = {task.code.stream_id: task for task in self.plan.tasks}
        joined: dict[str, Span] = {}
        for joint in self.plan.joints:
            shown = f"合并抽取「{joint.name.value}」" if joint.name is not None else "合并抽取"
            if joint.name is not None and not joint.name.value.strip():
                self.error(EMPTY_TEXT, "合并抽取的名称为空 (empty joint-draw name)", joint.name.span,
                           hint="写出名称或删去空的引号")
            members: list[Task] = []
            for code in joint.tasks:
                task = tasks.get(code.stream_id)
                if task is None:
                    known = "、".join(t.code.text for t in self.plan.tasks[:12])
                    self.error(BAD_JOINT, f"{shown}的任务 {code.text} 没有声明 (no such task)", code.span,
                               hint=f"写本计划中的任务序号：{known}")
                elif code.stream_id in joined:
                    again = any(c.stream_id == code.stream_id for c in joint.tasks[:joint.tasks.index(code)])
                    self.error(BAD_JOINT,
                               f"任务 {code.text} 写了两次 (a task is listed twice)" if again else
                               f"任务 {code.text} 已在合并抽取中 (a task joins one joint draw once)",
                               code.span, hint="一个任务只能合并抽取一次；删去重复的序号",
                               related=self.related("已在此合并 (joined here)", joined[code.stream_id]))
                elif task.parts:
                    self.error(BAD_JOINT, f"任务 {code.text} 有子项，不能合并抽取 "
                               "(a task with sub-rows cannot join a joint draw)", code.span,
                               hint="把子项写成单独的任务再合并，或不合并抽取")
                else:
                    joined[code.stream_id] = code.span
                    members.append(task)
            if len(joint.tasks) < 2:
                self.error(BAD_JOINT, f"{shown}至少要有两个任务 (a joint draw joins two or more tasks)",
                           joint.span, hint="写出合并抽取的任务序号，例如 任务 1、2")
            if joint.rate is None:
                self.error(BAD_JOINT, f"{shown}缺少 比例 (missing rate: the joint draw's own rate)",
                           joint.span,
                           hint="写出合并抽取的比例，例如 比例 按对象 { \"企业\" 类型 = \"企业\": 1.5% }")
            else:
                self.check_rate_spec(joint.rate)
                if isinstance(joint.rate, Rate) and joint.rate.exclude:
                    self.error(RATE_FORM_NOT_HERE, "合并抽取不能写 不抽 (exclude is for a class or a group)",
                               joint.rate.span, hint="不合并抽取就删去这个 合并抽取 块")
            if joint.remarks is not None and not joint.remarks.value.strip():
                self.error(EMPTY_TEXT, f"{shown}的备注为空 (empty text)", joint.remarks.span,
                           hint="删除空的备注或写出内容")
            self.check_joint_members(shown, members)

    def check_joint_members(self, shown: str, members: list[Task]) -> None:
        """One draw has one set of rounds, one window and one risk profile: the members must agree on them."""
        if len(members) < 2:
            return
        first = members[0]
        for other in members[1:]:
            for label, english, mine, theirs in (
                    ("频次", "rounds", _same_rounds(first.rounds), _same_rounds(other.rounds)),
                    ("时间", "window", self.unit_window(first), self.unit_window(other)),
                    ("风险", "risk", _profile_of(first), _profile_of(other)),
                    ("批次", "batches", _same_batches(first), _same_batches(other)),
                    ("抽取时间", "draw window", _same_draw_window(first), _same_draw_window(other))):
                if mine != theirs:
                    self.error(JOINT_MISMATCH,
                               f"{shown}的任务 {other.code.text} 与任务 {first.code.text} 的{label}不同 "
                               f"(tasks drawn together must have the same {english})", other.span,
                               hint=f"合并抽取的任务一次抽取，{label}须一致；核对计划表，或不合并抽取",
                               related=self.related(f"任务 {first.code.text}", first.span))

    def rate_cap(self, spec: Rate | SubgroupRates | CountRates) -> Span | None:
        rates = [spec] if isinstance(spec, Rate) else [rule.rate for rule in spec.rules]
        return next((rate.span for rate in rates if rate.upper is not None or rate.ceiling is not None), None)

    def unit_window(self, fields: TaskFields) -> tuple[date, date] | None:
        window = fields.window if fields.window is not None else (
            fields.draw_window.window if fields.draw_window is not None else None)
        if window is None:
            return None
        dates = self.window_dates(window)
        if dates is None:
            return None
        if fields.draw_window is not None and fields.draw_window.window is not None \
                and fields.window is not None:
            drawn = self.window_dates(fields.draw_window.window)
            if drawn is not None and drawn[0] > dates[1]:
                self.error(DRAW_AFTER_WINDOW,
                           f"抽取时间 {drawn[0].isoformat()} 起，晚于检查时间的结束 {dates[1].isoformat()} "
                           "(the draw starts after the inspection window ends)", fields.draw_window.span,
                           hint="抽取应在检查之前或检查期间；核对 抽取 与 时间")
        return dates

    def check_unit_rate(self, fields: TaskFields, where: _Where) -> None:
        spec = fields.rate
        if spec is None:
            return
        rates: list[tuple[Rate, str]] = []
        if isinstance(spec, Rate):
            rates = [(spec, "task")]
        elif isinstance(spec, SubgroupRates):
            rates = [(rule.rate, "subgroup") for rule in spec.rules]
        else:
            rates = [(rule.rate, "count") for rule in spec.rules]
        inspect_levels = any(self.bodies.get(n.value, ("",))[0] == "层级" for n in (*fields.inspect,))
        for rate, _context in rates:
            if rate.all_levels and not inspect_levels and self.first_time("all-levels", rate.span):
                self.warning(ALL_LEVELS_WITHOUT_LEVEL,
                             f"{where.label} 的比例是 各级合计，但 检查 没有写层级 "
                             "(a rate across levels, but no level inspects)", rate.span,
                             hint="写出由哪些层级检查，例如：检查 市县两级医保部门（先用 层级 声明）；"
                                  "否则删去 各级合计")
            if (rate.per_inspector or rate.staff_ratio is not None) and not (fields.inspect or fields.lead):
                continue
        if isinstance(spec, Rate) and (spec.unstated or spec.exclude) and spec.exclude:
            self.error(RATE_FORM_NOT_HERE, f"{where.label} 的比例写了 不抽：整个任务不抽查 (a whole task "
                       "cannot be excluded)", spec.span,
                       hint="不抽 只用于风险递加的某一类或 比例 按对象 中的某一组；不抽查的任务删去即可")

    def check_unit_rounds(self, fields: TaskFields, where: _Where, window: tuple[date, date] | None) -> None:
        rounds = fields.rounds
        limit = (MAX_ROUNDS_PER_YEAR if rounds is not None and rounds.period is Period.YEAR
                 else MAX_TIMES_PER_PERIOD)
        if rounds is None or window is None or not 1 <= rounds.times <= limit:
            return
        try:
            count = planned_round_count(rounds, *window)
            if rounds.period is not Period.YEAR:
                period_windows(window[0], window[1], rounds.period, rounds.times)
            elif not (fields.batches and len(fields.batches) == count):
                split_window(window[0], window[1], count)
        except ValueError as exc:
            if self.first_time("short", rounds.span):
                self.error(WINDOW_TOO_SHORT,
                           f"{where.label} 的起止时间 {exc} (window too short for the rounds)",
                           rounds.span, hint="放宽起止时间或减少频次")
            return
        spec = fields.rate
        full = isinstance(spec, Rate) and spec.percent == Decimal(100) and spec.count is None \
            and spec.upper is None and not spec.annual
        if full and count > 1 and not rounds.independent and self.first_time("full", rounds.span):
            self.warning(REPEATED_FULL_RATE,
                         f"{where.label} 每轮抽 100%，但各轮不重复抽取：第 2 轮起没有可抽的对象 "
                         "(a 100% rate repeated over rounds that exclude earlier picks)", rounds.span,
                         hint="每轮都全部检查写 频次 … 各轮独立；全年只查一遍写 比例 全年 100%")

    def check_unit_bodies(self, fields: TaskFields, where: _Where) -> None:
        lead = self.bodies.get(fields.lead.value) if fields.lead is not None else None
        if fields.guide is not None and self.bodies.get(fields.guide.value, ("",))[0] == "层级":
            self.error(LEVEL_CANNOT_GUIDE, f"{where.label} 的指导单位是层级「{fields.guide.value}」 "
                       "(a level cannot guide)", fields.guide.span, hint="指导写具体的部门或单位")
        inspecting = [self.bodies[n.value][1] for n in fields.inspect if n.value in self.bodies]
        first_inspector = inspecting[0] if inspecting else (lead[1] if lead is not None else None)
        seen: dict[str, Name] = {}
        for name in fields.assist:
            declared = self.bodies.get(name.value)
            if declared is None:
                continue
            canonical = declared[1]
            if canonical == first_inspector and self.first_time("lead-assist", name.span):
                self.warning(LEAD_ALSO_ASSISTS,
                             f"发起部门「{canonical}」同时列为配合部门 (lead department also assists)"
                             if not inspecting else
                             f"检查主体「{canonical}」同时列为配合部门 (the inspecting body also assists)",
                             name.span, hint=f"从 配合 中删除「{name.value}」",
                             related=self.related("检查主体在此 (the inspecting body)",
                                                  fields.inspect[0].span)
                             if fields.inspect else
                             self.related("发起部门在此 (the lead)", fields.lead.span))  # type: ignore[union-attr]
            elif canonical in seen and self.first_time("assist-twice", name.span):
                self.warning(DUPLICATE_ASSIST,
                             f"配合部门「{canonical}」重复列出 (assisting department listed twice)",
                             name.span, hint=f"删除重复的「{name.value}」",
                             related=self.related("首次列出于此 (first listed here)", seen[canonical].span))
            else:
                seen[canonical] = name

    # -- departments, units, levels in tasks

    def unknown_body(self, name: Name) -> None:
        simple = simplified(name.value)
        target: str | None = None
        if simple != name.value and simple in self.bodies:
            target = self.bodies[simple][1]
            hint = f"这是繁体写法：计划中声明的是「{target}」 (Traditional characters for {simple})"
        else:
            guess = suggest(name.value, self.bodies)
            if guess is not None:
                target = self.bodies[guess][1]
                alias_hint = f"；若「{name.value}」是「{target}」的简称，在其声明中加上 又称 {name.value}"
                hint = f"是否应为「{target}」？ (did you mean {target}?){alias_hint}"
            elif self.bodies:
                hint = f"在文件开头声明：部门 {name.value}"
            else:
                hint = f"计划中没有声明任何部门；在文件开头声明：部门 {name.value}"
        self.error(UNKNOWN_DEPARTMENT, f"未声明的部门「{name.value}」 (unknown department)", name.span,
                   hint=hint, fixes=unknown_department_fixes(self.plan, name, target))

    def resolve_body(self, name: Name) -> tuple[str, str] | None:
        found = self.bodies.get(name.value)
        if found is None:
            self.unknown_body(name)
        return found

    def check_mode(self, mode: Name) -> None:
        if MODE_PATTERN.fullmatch(simplified(mode.value)):
            return
        guess = suggest(mode.value, KNOWN_MODES)
        did_you_mean = f"是否应为「{guess}」？ " if guess else ""
        self.error(UNKNOWN_MODE, f"无法识别的抽查检查模式「{mode.value}」 (unknown mode)", mode.span,
                   hint=f"{did_you_mean}模式写作 X抽Y查，X、Y 为 省/市/县/区，例如 县抽县查、市抽县(区)查")

    # -- rates

    def check_rate(self, rate: Rate, context: str = "task") -> bool:
        """One written rate: numbers in range, whole ppm, and a form allowed in `context` (task, subgroup,
        count, profile)."""
        if not self.first_time("rate", rate.span):
            return True
        ok = True
        if rate.percent is not None and not Decimal(0) < rate.percent <= Decimal(100):
            self.error(RATE_OUT_OF_RANGE, f"抽查比例 {format_decimal(rate.percent)}% 不在 (0, 100%] 之内 "
                       "(rate must be above 0% and at most 100%)", rate.span,
                       hint="写 0 到 100 之间的百分比，例如 不低于 10%；全部检查写 100%")
            ok = False
        elif rate.percent is not None and not self.whole_ppm(rate.percent, rate.span):
            ok = False
        if rate.upper is not None and rate.count is None:
            if not Decimal(0) < rate.upper <= Decimal(100):
                self.error(RATE_OUT_OF_RANGE, f"比例上限 {format_decimal(rate.upper)}% 不在 (0, 100%] 之内 "
                           "(upper rate out of range)", rate.span, hint="例如 10%—20%")
                ok = False
            elif not self.whole_ppm(rate.upper, rate.span):
                ok = False
        if rate.ceiling is not None:
            if not Decimal(0) < rate.ceiling <= Decimal(100):
                self.error(RATE_OUT_OF_RANGE, f"比例上限 {format_decimal(rate.ceiling)}% 不在 (0, 100%] 之内 "
                           "(ceiling out of range)", rate.span, hint="例如 不高于 10%")
                ok = False
            elif not self.whole_ppm(rate.ceiling, rate.span):
                ok = False
            elif rate.percent is not None and rate.percent > rate.ceiling:
                self.error(RATE_OUT_OF_RANGE, f"比例 {format_decimal(rate.percent)}% 高于它的上限 "
                           f"{format_decimal(rate.ceiling)}% (the rate exceeds its own ceiling)", rate.span,
                           hint="核对计划表：比例应不高于上限")
                ok = False
            elif rate.count is not None or rate.staff_ratio is not None or rate.per_inspector or rate.exclude:
                self.error(RATE_FORM_NOT_HERE, f"「{_rate_forms(rate)}」不能再写比例上限 "
                           "(a ceiling only follows a percentage or 待定)", rate.span,
                           hint="上限写在百分比后：10%（不高于 20%）")
                ok = False
        if rate.upper is not None and (rate.percent is not None or rate.count is not None):
            low = rate.percent if rate.percent is not None else Decimal(rate.count or 0)
            if rate.upper <= low:
                self.error(RATE_OUT_OF_RANGE, f"范围 {rate_text(rate)} 的上限不大于下限 "
                           "(the range's upper bound must exceed its lower bound)", rate.span,
                           hint="例如 10%—20% 或 60—70家")
                ok = False
        for value, what in ((rate.count, "抽查户数"), (rate.min_count, "最少户数"),
                            (rate.planned.count if rate.planned else None, "计划户数")):
            if value is not None and value <= 0:
                self.error(BAD_COUNT, f"{what} {value} 必须大于 0 (count must be at least 1)", rate.span,
                           hint="写正整数户数，例如 20户 或 10% 不少于 2户")
                ok = False
        if rate.staff_ratio is not None and any(part <= 0 for part in rate.staff_ratio):
            self.error(BAD_COUNT, "人员比的两项都须大于 0 (both parts of a staff ratio must be positive)",
                       rate.span, hint="写 执法人员:对象，例如 人员比 1:2.5")
            ok = False
        if rate.min_count is not None and (rate.count is not None or rate.staff_ratio is not None
                                           or rate.exclude or rate.unstated):
            self.error(RATE_FORM_NOT_HERE, f"「{_rate_forms(rate)}」后不能再写最少户数 (a minimum count only "
                       "follows a percentage)", rate.span, hint="最少户数写在百分比后：10%（不少于2户）")
            ok = False
        if rate.planned is not None and (rate.exclude or rate.unstated):
            self.error(RATE_FORM_NOT_HERE,
                       f"「{_rate_forms(rate)}」后不能写计划户数 (a planned count needs a rate)",
                       rate.span, hint="删去括号里的户数")
            ok = False
        if rate.exclude and context in ("task", "count"):
            self.error(RATE_FORM_NOT_HERE, "不抽 只能用于风险递加的某一类或 比例 按对象 的某一组 "
                       "(exclude is for a class or a sub-population)", rate.span,
                       hint="整个任务不抽查就删去这个任务")
            ok = False
        if (rate.annual or rate.all_levels) and context in ("profile", "count"):
            word = "全年" if rate.annual else "各级合计"
            self.error(RATE_FORM_NOT_HERE, f"「{word}」只能写在任务的比例上 ({word} qualifies a task's rate)",
                       rate.span, hint=f"把 {word} 写在任务的 比例 后")
            ok = False
        if rate.drawn_by is not None:
            ok = self.check_drawn_by(rate, context) and ok
        if rate.unstated:
            self.warning(UNSTATED_RATE,
                         f"比例「{rate_text(rate)}」没有写明数值：抽取时这一部分不抽，须先写明比例或户数 "
                         "(no number given: nothing is drawn for it until one is written)", rate.span,
                         hint="按计划表补上比例，例如 比例 不低于 5%；确实不抽写 不抽")
        return ok

    def check_drawn_by(self, rate: Rate, context: str) -> bool:
        """由 X 抽取: another body draws these subjects; this plan lists them and draws none (SSJ157)."""
        assert rate.drawn_by is not None
        if not rate.drawn_by.value.strip():
            self.error(EMPTY_TEXT, "由谁抽取为空 (empty: drawn by whom?)", rate.drawn_by.span,
                       hint='写出负责抽取的单位，例如 由 "联合双随机牵头单位" 抽取')
            return False
        if context == "profile" or rate.exclude or rate.unstated:
            self.error(RATE_FORM_NOT_HERE, f"「{_rate_forms(rate)}」不能写 由…抽取 "
                       "(drawn-by follows a task's or a group's rate)", rate.span,
                       hint="由…抽取 写在任务或 按对象 某一组的比例后")
            return False
        self.warning(DRAWN_ELSEWHERE,
                     f"比例「{rate_text(rate)}」：本计划只列出，不抽取这部分对象 "
                     "(drawn by another body: this plan draws none of them)", rate.span,
                     hint="由牵头单位或上级统一抽取的对象不在本计划抽取；由本单位抽取时删去 由…抽取")
        return True

    def whole_ppm(self, percent: Decimal, span: Span) -> bool:
        try:
            percent_ppm(percent)
        except ValueError:
            self.error(RATE_NOT_PPM, f"抽查比例 {format_decimal(percent)}% 无法精确换算为百万分之一 "
                       "(rate not a whole number of parts per million)", span,
                       hint="比例最多写到小数点后 4 位，例如 12.5% 或 0.0001%")
            return False
        return True

    def check_rate_spec(self, spec: Rate | SubgroupRates | CountRates) -> None:
        if isinstance(spec, Rate):
            self.check_rate(spec, "task")
        elif isinstance(spec, SubgroupRates):
            if self.first_time("subgroups", spec.span):
                for rule in spec.rules:
                    self.check_selector(rule.selector)
                    self.check_rate(rule.rate, "subgroup")
                if spec.overall is not None:
                    if not Decimal(0) < spec.overall <= Decimal(100):
                        self.error(RATE_OUT_OF_RANGE,
                                   f"抽查比例 {format_decimal(spec.overall)}% 不在 (0, 100%] "
                                   "之内 (rate must be above 0% and at most 100%)", spec.span,
                                   hint="按对象 块后的比例是计划表的总比例，例如 } 5% (43户)")
                    else:
                        self.whole_ppm(spec.overall, spec.span)
                if spec.planned is not None and spec.planned.count <= 0:
                    self.error(BAD_COUNT,
                               f"计划户数 {spec.planned.count} 必须大于 0 (count must be at least 1)",
                               spec.planned.span, hint="写计划表给出的总户数，例如 } (20户)")
        elif self.first_time("by-count", spec.span):
            for count_rule in spec.rules:
                self.check_rate(count_rule.rate, "count")
            self.check_count_rules(spec)

    def check_count_rules(self, spec: CountRates) -> None:
        """按总数 rules must cover every population size N ≥ 1 exactly once."""
        intervals: list[tuple[CountRule, int, int | None]] = []
        for rule in spec.rules:
            low, high = _count_interval(rule)
            if high is not None and high < low:
                self.error(COUNT_RULES_OVERLAP, f"条件「总数{_count_condition(rule)}」永远不成立 "
                           "(this rule never applies)", rule.span, hint="总数至少为 1；改写条件或删除这条")
                continue
            for earlier, e_low, e_high in intervals:
                both_low = max(low, e_low)
                both_high = _min_bound(high, e_high)
                if both_high is None or both_low <= both_high:
                    self.error(COUNT_RULES_OVERLAP,
                               f"条件「总数{_count_condition(rule)}」与"
                               f"「总数{_count_condition(earlier)}」重叠：总数为 "
                               f"{_range_text(both_low, both_high)} 时两条都适用 (count rules overlap)",
                               rule.span, hint="各条件的总数范围不能重叠，例如 不超过 10 / 超过 10",
                               related=self.related("重叠的条件在此 (the overlapping rule)", earlier.span))
                    break
            intervals.append((rule, low, high))
        gap = _first_gap([(low, high) for _, low, high in intervals])
        if gap is not None:
            low, high = gap
            self.error(COUNT_RULES_GAP,
                       f"总数为 {_range_text(low, high)} 时没有适用的比例 (count rules leave a gap)",
                       spec.span,
                       hint="补一条覆盖这些总数的条件，例如 不超过 10 ： 不少于 2户 / 超过 10 ： 不低于 50%")

    def check_rounds(self, rounds: Rounds) -> bool:
        if not self.first_time("rounds", rounds.span):
            return True
        limit = MAX_ROUNDS_PER_YEAR if rounds.period is Period.YEAR else MAX_TIMES_PER_PERIOD
        if 1 <= rounds.times <= limit:
            return True
        self.error(BAD_ROUNDS, f"频次 {rounds.times} 次无效：应为 1 到 {limit} 次 "
                   f"(rounds must be 1–{limit})", rounds.span,
                   hint="双随机抽查每年 1 到 12 轮，例如 频次 1次/年、每季度1次")
        return False

    # -- escalation per task

    def check_risk_ref(self, ref: object, where: _Where) -> None:
        from ..language.nodes import RiskRef

        assert isinstance(ref, RiskRef)
        if not self.first_time("risk", ref.span):
            return
        if ref.text is not None and not ref.text.value.strip():
            hint = ("原表单元格空白时只写 风险 无（不带引号）；有文字时在引号中照录原文"
                    if ref.profile is None
                    else f"删去空的引号，只写 风险 {ref.profile.value}（打印风险递加方案的文字）")
            self.error(EMPTY_TEXT, f"{where.label} 的风险要求文本为空 (empty risk text)", ref.text.span,
                       hint=hint)
        if ref.profile is not None and ref.profile.value not in self.profiles:
            name = ref.profile.value
            guess = suggest(name, self.profiles)
            hint = (f"是否应为「{guess}」？ (did you mean {guess}?)" if guess
                    else f'先声明：风险递加 {name} "…" {{ 低风险 比例×1 … }}；不递加写 风险 无')
            self.error(UNDEFINED_PROFILE, f"未声明的风险递加「{name}」 (undefined escalation profile)",
                       ref.profile.span, hint=hint,
                       fixes=(replace_name(ref.profile, guess),) if guess is not None else ())

    def check_unit_risk(self, fields: TaskFields, where: _Where) -> None:
        ref = fields.risk
        if ref is None or ref.profile is None:
            return
        profile = self.profiles.get(ref.profile.value)
        if profile is None:
            return
        rate = fields.rate if isinstance(fields.rate, Rate) else None
        chain = [_Level(key, name, level) for key, name, level in profile_classes(profile)
                 if key != RiskClass.UNCLASSIFIED.value]
        if rate is not None and rate.count is None and rate.percent == Decimal(100):
            if any((lv.multiplier or Decimal(0)) > 1 or (lv.level is not None and lv.level.rate is not None)
                   for lv in chain) and self.first_time("full-escalation", ref.span):
                self.warning(ESCALATION_OF_FULL_RATE,
                             f"{where.label} 的抽查比例已是 100%，风险递加无法再提高比例 "
                             "(escalating a 100% rate has no effect)", ref.span,
                             hint="若只按风险递加频次，换一个只写频次的风险递加；否则写 风险 无",
                             related=self.related("100% 在此 (the rate)", rate.span))
        if not self.profile_ok.get(profile.name.value, False) or fields.rounds is None:
            return
        if fields.rounds.period is not Period.YEAR \
                and any(lv.level is not None and lv.level.rounds is not None for lv in chain):
            self.error(RATE_FORM_NOT_HERE,
                       f"{where.label} 按周期抽查（{fields.rounds.times}次/周期），风险递加"
                       "却按年增加频次 (a profile's 次/年 cannot raise a periodic frequency)", ref.span,
                       hint="不同频次的对象分别写成 子项")
            return
        if rate is not None and (rate.unstated or rate.staff_ratio is not None or rate.per_inspector):
            return
        self.check_effective_chain(fields, profile, chain, rate, fields.rounds, where)

    def check_effective_chain(self, fields: TaskFields, profile: RiskProfile, chain: list[_Level],
                              rate: Rate | None, rounds: Rounds, where: _Where) -> None:
        """Rates and rounds as they apply to this task must not decrease from low risk to high risk."""
        assert fields.risk is not None
        effective: list[tuple[_Level, Decimal | None, str, int]] = []
        for lv in chain:
            value: Decimal | None = None
            unit = ""
            if lv.level is not None and lv.level.exclude:
                value, unit = Decimal(0), "%"
            elif lv.level is not None and lv.level.rate is not None:
                absolute = lv.level.rate
                if absolute.count is not None:
                    value, unit = Decimal(absolute.count), "户"
                elif absolute.percent is not None:
                    value, unit = absolute.percent, "%"
            elif rate is not None and lv.multiplier is not None:
                if rate.count is not None:
                    value, unit = Decimal(rate.count) * lv.multiplier, "户"
                elif rate.percent is not None:
                    value, unit = min(Decimal(100), rate.percent * lv.multiplier), "%"
            level_rounds = (lv.level.rounds.times if lv.level is not None and lv.level.rounds
                            else rounds.times)
            effective.append((lv, value, unit, level_rounds))
        for index, (lv, value, unit, level_rounds) in enumerate(effective):
            for earlier, e_value, e_unit, e_rounds in effective[:index]:
                problem = None
                if value is not None and e_value is not None and unit == e_unit and value < e_value:
                    problem = (f"{lv.name} 的比例 {format_decimal(value)}{unit} 低于 "
                               f"{earlier.name} 的 {format_decimal(e_value)}{e_unit}")
                elif level_rounds < e_rounds:
                    problem = (f"{lv.name} 的频次 {level_rounds}次/年 低于 {earlier.name} 的 "
                               f"{e_rounds}次/年")
                if problem is None:
                    continue
                span = lv.level.span if lv.level is not None else profile.name.span
                self.error(ESCALATION_NOT_INCREASING,
                           f"{where.label} 按风险递加「{profile.name.value}」后{problem} "
                           "(effective rate and rounds must not decrease from lower to higher risk)",
                           fields.risk.span, hint="调整风险递加的比例、频次，或调整本任务的基础比例、频次",
                           related=self.related(f"{lv.name} 的设定在此 (the level)", span))
                return

    # -- windows and batches

    def point_year(self, point: DatePoint) -> int:
        """The year to validate a day against: leap 2024 when the plan year is unknown."""
        if point.year is not None:
            return point.year
        base = self.year if self.year is not None else 2024
        return base + 1 if point.next_year else base

    def check_point(self, point: DatePoint) -> bool:
        if not 1 <= point.month <= 12:
            self.error(BAD_DATE, f"月份 {point.month} 不存在 (month must be 1–12)", point.span,
                       hint="月份写 1 到 12，例如 3月—11月")
            return False
        if point.year is not None and not MIN_YEAR <= point.year <= MAX_YEAR:
            self.error(BAD_DATE, f"年份 {point.year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间 (implausible year)",
                       point.span,
                       hint="写四位公历年份，例如 2026年2月24日")
            return False
        if point.day is not None:
            year = self.point_year(point)
            last = calendar.monthrange(year, point.month)[1]
            if not 1 <= point.day <= last:
                self.error(BAD_DATE,
                           f"{point.month}月没有 {point.day} 日（{year}年{point.month}月只有 {last} 天） "
                           "(no such day)", point.span, hint=f"日期写 1 到 {last}")
                return False
        return True

    def check_window(self, window: Window) -> None:
        if self.first_time("window", window.span):
            self.window_dates(window, report=True)

    def window_dates(self, window: Window, report: bool = False) -> tuple[date, date] | None:
        """The dates of a valid window, or None; `report` says what is wrong with it (once per window)."""
        points = [p for p in (window.start, window.end) if p is not None]
        ok = all([self.check_point(p) for p in points]) if report else all(
            self._point_ok(p) for p in points)
        if not ok:
            return None
        needs_plan_year = window.kind in (WindowKind.YEAR_END, WindowKind.WHOLE_YEAR) or any(
            p.year is None for p in points) or window.kind is not WindowKind.RANGE
        if needs_plan_year and self.year is None:
            return None
        start, end = resolve_window(window, self.year if self.year is not None else 0)
        if window.kind is WindowKind.BEFORE and window.start is not None and window.start.year is None \
                and self.year is not None and end.year < self.year:
            if report:
                self.error(BAD_DATE, f"「{window_text(window)}」在计划年度 {self.year} 开始之前就已截止 "
                           "(a deadline before the plan year begins)", window.span,
                           hint="1月前 没有日期可检查；写 年底前、次年1月前，或写明截止日期，如 1月31日前")
            return None
        if end < start:
            if report:
                crossing = window.end is not None and not window.end.next_year and window.end.year is None
                hint = ("若跨年请写 次年，例如 12月至次年2月；否则交换起止时间" if crossing
                        else "交换起止时间")
                self.error(WINDOW_REVERSED, f"结束时间 {end.isoformat()} 早于开始时间 {start.isoformat()} "
                           "(window ends before it starts)", window.span, hint=hint)
            return None
        try:
            one_year_later = start.replace(year=start.year + 1)
        except ValueError:  # 2月29日 + 1 year
            one_year_later = date(start.year + 1, 3, 1)
        if end >= one_year_later:
            if report:
                self.error(WINDOW_TOO_LONG, f"抽查时间 {start.isoformat()} 至 {end.isoformat()} 超过一年 "
                           "(window longer than a year)", window.span,
                           hint="一个任务的抽查时间不超过一年；分成两年的计划")
            return None
        if report and self.year is not None and (start.year != self.year or end.year != self.year):
            outside = end.year if start.year == self.year else start.year
            self.warning(WINDOW_OUTSIDE_YEAR,
                         f"抽查时间 {start.isoformat()} 至 {end.isoformat()} 超出计划年度 "
                         f"{self.year}（涉及 {outside} 年） (window outside the plan year)", window.span,
                         hint="确认跨年安排；抽查结果在结束后 20 个工作日内公示")
        return start, end

    def _point_ok(self, point: DatePoint) -> bool:
        if not 1 <= point.month <= 12 or (point.year is not None and not MIN_YEAR <= point.year <= MAX_YEAR):
            return False
        if point.day is None:
            return True
        return 1 <= point.day <= calendar.monthrange(self.point_year(point), point.month)[1]

    def check_batches(self, fields: TaskFields, where: _Where,
                      window_dates: tuple[date, date] | None) -> None:
        if not fields.batches:
            return
        previous: tuple[Batch, date] | None = None
        for batch in fields.batches:
            if not self._point_ok(batch.deadline) or (self.year is None and batch.deadline.year is None):
                continue
            deadline = resolve_deadline(batch.deadline, self.year if self.year is not None else 0)
            if window_dates is not None and not window_dates[0] <= deadline <= window_dates[1] \
                    and self.first_time("batch-window", batch.deadline.span):
                self.error(BATCH_OUTSIDE_WINDOW,
                           f"批次「{batch.name.value}」的截止日期 {deadline.isoformat()} 不在抽查"
                           f"时间 {window_dates[0].isoformat()} 至 {window_dates[1].isoformat()} 之内 "
                           "(batch deadline outside the window)", batch.deadline.span,
                           hint="截止日期应在 时间 的起止之间")
            if previous is not None and deadline <= previous[1] and self.first_time("batch-order",
                                                                                     batch.deadline.span):
                self.error(BATCHES_NOT_INCREASING,
                           f"批次「{batch.name.value}」的截止日期 {deadline.isoformat()} 不晚于"
                           f"上一批次 {previous[1].isoformat()} (batch deadlines must increase)",
                           batch.deadline.span,
                           hint="按时间先后排列批次",
                           related=self.related("上一批次在此 (the previous batch)",
                                                previous[0].deadline.span))
            previous = (batch, deadline)
        if fields.rounds is None or window_dates is None:
            return
        planned = planned_round_count(fields.rounds, *window_dates)
        if fields.risk is not None and fields.risk.profile is not None:
            profile = self.profiles.get(fields.risk.profile.value)
            if profile is not None:
                planned = max([planned] + [level.rounds.times for level in profile.levels if level.rounds])
        if planned > 1 and len(fields.batches) != planned:
            self.error(BATCH_COUNT_MISMATCH, f"{where.label} 有 {len(fields.batches)} 个批次，但共 "
                       f"{planned} 轮抽查 (with several rounds, batch r is round r: the counts must agree)",
                       fields.batches[0].span,
                       hint="频次为 1 次时，批次把这一轮分成几批完成；"
                            "多轮时每轮一个批次：增减批次或修改 频次",
                       related=self.related("频次在此 (the rounds)", fields.rounds.span))

    # -- selectors

    def check_selector(self, selector: Selector) -> None:
        for compare in _comparisons(selector):
            self.check_compare(compare)

    def unknown_field(self, field: Name) -> None:
        name = field.value
        guess = suggest(name, self.fields)
        hint = f"是否应为「{guess}」？ (did you mean {guess}?) " if guess else ""
        self.error(UNKNOWN_FIELD, f"名录库中没有字段「{name}」 (unknown registry field)", field.span,
                   hint=f"{hint}非标准字段需先声明：名录字段 {{ {name} 文本 }}")

    def check_compare(self, compare: Compare) -> None:
        name = compare.field.value
        kind = self.fields.get(name)
        if kind is None:
            self.unknown_field(compare.field)
            return
        op = compare.op
        kind_name = f"{KIND_CHINESE[kind]}字段「{name}」"
        if op in ORDERING_OPS and kind not in (FieldKind.MONEY, FieldKind.NUMBER, FieldKind.DATE):
            self.error(OPERATOR_KIND_MISMATCH, f"{kind_name}不能用「{op.value}」比较大小 "
                       f"(ordering comparison on a {kind.value} field)", compare.span,
                       hint="大小比较只用于 金额、数值、日期 字段；文本和列表字段用 = ≠ 包含 属于")
            return
        if op is CompareOp.CONTAINS and kind not in (FieldKind.TEXT, FieldKind.LIST):
            self.error(OPERATOR_KIND_MISMATCH,
                       f"{kind_name}不能用「包含」 (contains needs a text or list field)",
                       compare.span, hint="金额、数值、日期字段用 = < <= > >= 或 属于")
            return
        if op in LIST_OPS:
            if not isinstance(compare.value, ValueList):
                self.error(VALUE_KIND_MISMATCH,
                           f"「{op.value}」后面应是列表 [ … ] (in / not in needs a list)",
                           compare.value.span, hint=f'例如：{name} {op.value} ["公共娱乐场所", "文博场所"]')
                return
            if not compare.value.values:
                self.warning(EMPTY_VALUE_LIST, f"「{op.value}」后面的列表为空 (empty list)",
                             compare.value.span,
                             hint="空列表没有任何对象属于它；写出取值或删去这个条件")
            for value in compare.value.values:
                self.check_value(name, kind, value)
            return
        if isinstance(compare.value, ValueList):
            self.error(VALUE_KIND_MISMATCH, f"「{op.value}」后面不能是列表 (a list needs 属于 / 不属于)",
                       compare.value.span, hint=f"与多个值比较用：{name} 属于 [ … ]")
            return
        self.check_value(name, kind, compare.value)

    def check_value(self, name: str, kind: FieldKind, value: Text | Money | Number) -> None:
        kind_name = f"{KIND_CHINESE[kind]}字段「{name}」"
        if kind in (FieldKind.TEXT, FieldKind.LIST):
            if not isinstance(value, Text):
                self.error(VALUE_KIND_MISMATCH, f"{kind_name}应与带引号的文本比较 "
                           f"(a {kind.value} field is compared with quoted text)", value.span,
                           hint="给值加引号，例如 \"048000\"")
            elif canonical_field(name) == RISK_FIELD and value.value.strip() not in RISK_VALUE_NAMES:
                self.error(UNKNOWN_RISK_CLASS, f"「{value.value}」不是信用风险分类 (unknown risk class)",
                           value.span,
                           hint="写 A/B/C/D/U 或 低风险、一般风险、较高风险、高风险、未分类")
        elif kind is FieldKind.MONEY:
            if not isinstance(value, Money):
                hint = ("写明单位，例如 3000万元 或 1.5亿元" if isinstance(value, Number)
                        else "金额不加引号并写明单位，例如 3000万元")
                self.error(VALUE_KIND_MISMATCH,
                           f"{kind_name}应与金额比较 (money field compared with a non-amount)",
                           value.span, hint=hint)
        elif kind is FieldKind.NUMBER:
            if not isinstance(value, Number):
                self.error(VALUE_KIND_MISMATCH,
                           f"{kind_name}应与数值比较 (number field compared with a non-number)",
                           value.span, hint="写不带引号、不带单位的数，例如 从业人数 >= 50")
        elif not isinstance(value, Text) or not _is_iso_date(value.value):
            self.error(VALUE_KIND_MISMATCH, f"{kind_name}应与日期比较 (date field compared with a non-date)",
                       value.span, hint='写成带引号的 "2024-03-01"')


_MISSING_HINTS = {
    "事项": '事项 { "市场主体登记事项和公示信息检查" }',
    "对象": '对象 "全区汽车销售企业" 筛选 行业类别 包含 "汽车销售"',
    "比例": "比例 不低于 10%",
    "频次": "频次 1次/年",
    "时间": "时间 3月—11月",
    "发起": "发起 城区市场监管局（须已声明）",
    "模式": "模式 县抽县查",
}


def _same_rounds(rounds: Rounds | None) -> tuple[object, ...] | None:
    """What makes two tasks' 频次 the same draw rounds (not where they are written)."""
    if rounds is None:
        return None
    return (rounds.times, rounds.period, rounds.at_least, rounds.independent)


def _same_batches(task: Task) -> tuple[object, ...]:
    return tuple((b.name.value, strip_spans(b.deadline)) for b in task.batches)


def _same_draw_window(task: Task) -> object:
    return strip_spans(task.draw_window) if task.draw_window is not None else None


def _profile_of(task: Task) -> str | None:
    return task.risk.profile.value if task.risk is not None and task.risk.profile is not None else None


def _is_iso_date(text: str) -> bool:
    if not ISO_DATE.fullmatch(text.strip()):
        return False
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _comparisons(selector: Selector) -> Iterator[Compare]:
    """Every comparison in a selector, left to right, without recursion (deep nesting is fine)."""
    stack: list[Selector] = [selector]
    while stack:
        node = stack.pop()
        if isinstance(node, Compare):
            yield node
        elif isinstance(node, And | Or):
            stack.extend(reversed(node.operands))
        elif isinstance(node, Not):
            stack.append(node.operand)


def _count_interval(rule: CountRule) -> tuple[int, int | None]:
    """The population sizes N ≥ 1 a count condition accepts, as [low, high] (None = unbounded)."""
    t = rule.threshold
    if rule.op is CompareOp.LE:
        return 1, t
    if rule.op is CompareOp.LT:
        return 1, t - 1
    if rule.op is CompareOp.GT:
        return max(1, t + 1), None
    if rule.op is CompareOp.GE:
        return max(1, t), None
    if rule.op is CompareOp.EQ:
        return max(1, t), t
    return 1, 0  # other operators never describe a size range


def _min_bound(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _first_gap(intervals: list[tuple[int, int | None]]) -> tuple[int, int | None] | None:
    """The first run of N ≥ 1 no interval covers, or None."""
    next_uncovered = 1
    for low, high in sorted(intervals, key=lambda iv: iv[0]):
        if high is not None and high < low:
            continue
        if low > next_uncovered:
            return next_uncovered, low - 1
        if high is None:
            return None
        next_uncovered = max(next_uncovered, high + 1)
    return next_uncovered, None


def _range_text(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} 及以上"
    if low == high:
        return str(low)
    return f"{low} 至 {high}"


def _count_condition(rule: CountRule) -> str:
    return f"{COUNT_OP_WORDS.get(rule.op, rule.op.value)} {rule.threshold}"


def unwritable_texts(plan: Plan, file: str) -> list[Diagnostic]:
    """SSJ156 (warning) for every text of the plan holding a character an XLSX or DOCX cannot hold
    (canonical.UNWRITABLE: U+0001–U+001F but TAB/LF/CR, U+FFFE, U+FFFF), usually pasted in by accident.
    The documents still write (the character shows as �); the warning says where it came from.

    The AST is walked generically (every node with a `value` text and a `span`), so texts of constructs
    added later are covered too."""
    found: list[Diagnostic] = []
    stack: list[object] = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            continue
        value, span = getattr(node, "value", None), getattr(node, "span", None)
        if isinstance(value, str) and isinstance(span, Span):
            bad = UNWRITABLE.search(value)
            if bad is not None:
                found.append(warning(UNWRITABLE_CHARACTER,
                                     f"文本中有控制字符 U+{ord(bad.group()):04X}，XLSX/DOCX 文书无法容纳，"
                                     f"将显示为 � (a character documents cannot hold)", file, span,
                                     hint="删除该字符（常由复制粘贴带入）"))
        stack.extend(getattr(node, f.name) for f in dataclasses.fields(node))
    return found
