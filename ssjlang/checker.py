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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from .canonical import UNWRITABLE
from .diagnostics import Diagnostic, InputError, Related, error, has_errors, sorted_diagnostics, warning
from .nodes import (
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
    Text,
    ValueList,
    Window,
)

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
RATE_OUT_OF_RANGE = "SSJ120"
BAD_COUNT = "SSJ121"
BAD_ROUNDS = "SSJ122"
ESCALATION_NOT_INCREASING = "SSJ123"
ESCALATION_OF_FULL_RATE = "SSJ124"
BAD_PROFILE_LEVEL = "SSJ125"
COUNT_RULES_OVERLAP = "SSJ126"
COUNT_RULES_GAP = "SSJ127"
BAD_DATE = "SSJ130"
WINDOW_REVERSED = "SSJ131"
WINDOW_TOO_LONG = "SSJ132"
WINDOW_OUTSIDE_YEAR = "SSJ133"
BATCH_OUTSIDE_WINDOW = "SSJ134"
BATCHES_NOT_INCREASING = "SSJ135"
BATCH_COUNT_MISMATCH = "SSJ136"
UNKNOWN_FIELD = "SSJ140"
OPERATOR_KIND_MISMATCH = "SSJ141"
VALUE_KIND_MISMATCH = "SSJ142"
UNKNOWN_RISK_CLASS = "SSJ143"
EMPTY_VALUE_LIST = "SSJ144"
UNWRITABLE_CHARACTER = "SSJ145"

ALL_CODES: tuple[str, ...] = tuple(
    sorted({value for value in globals().values()
            if isinstance(value, str) and re.fullmatch(r"SSJ1\d\d", value)})
)
"""Every code this module emits (used by tests to make sure each one is covered)."""

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_ROUNDS_PER_YEAR = 12

ESCALATION_CHAIN: tuple[RiskClass, ...] = (RiskClass.LOW, RiskClass.MEDIUM, RiskClass.HIGHER, RiskClass.HIGH)
"""The classes whose rate and rounds must not decrease (递加); 未分类 stands outside the chain."""

MODE_PATTERN = re.compile(r"[省市县区](?:\(区\)|（区）)?抽[省市县区](?:\(区\)|（区）)?查")
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

RISK_FIELD = "风险等级"
KIND_CHINESE = {
    FieldKind.TEXT: "文本",
    FieldKind.LIST: "列表",
    FieldKind.MONEY: "金额",
    FieldKind.NUMBER: "数值",
    FieldKind.DATE: "日期",
}
ORDERING_OPS = frozenset({CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE})
LIST_OPS = frozenset({CompareOp.IN, CompareOp.NOT_IN})
COUNT_OP_WORDS = {CompareOp.LE: "不超过", CompareOp.LT: "少于", CompareOp.GT: "超过", CompareOp.GE: "不少于"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------- public API


@dataclass(frozen=True)
class CheckedPlan:
    """A plan that parsed and checked without errors, with its warnings and exact source text."""

    plan: Plan
    source: str
    file: str
    warnings: tuple[Diagnostic, ...]


def check(plan: Plan, file: str) -> list[Diagnostic]:
    """All semantic problems of `plan`, sorted by position (stable for equal positions)."""
    return sorted_diagnostics(_Checker(plan, file).run() + unwritable_texts(plan, file))


def load_plan(path: Path) -> CheckedPlan:
    """Read, parse and check a plan file; raise `InputError` carrying every diagnostic on errors.

    The draw and compile stages start here, so a plan they use has always passed `ssj check`.
    """
    from .parser import parse, read_source  # the parser imports Lark: load it only when needed

    file = str(path)
    source, read_diagnostics = read_source(path)
    if source is None:
        raise InputError(list(read_diagnostics))
    result = parse(source, file)
    diagnostics = list(read_diagnostics) + list(result.diagnostics)
    if result.plan is None:
        raise InputError(diagnostics)
    diagnostics += check(result.plan, file)
    if has_errors(diagnostics):
        raise InputError(diagnostics)
    return CheckedPlan(result.plan, source, file, tuple(sorted_diagnostics(diagnostics)))


def resolve_point(point: DatePoint, year: int, *, end: bool, inherit_year: int | None = None) -> date:
    """The calendar date of a window point: a month alone is its 1st (start) or last day (end).

    `inherit_year` is an explicit year written at the window start, used by an end without one.
    Raises ValueError for an impossible month or day (the checker reports those as SSJ130).
    """
    if point.year is not None:
        point_year = point.year
    elif point.next_year:
        point_year = year + 1
    elif inherit_year is not None:
        point_year = inherit_year
    else:
        point_year = year
    if not 1 <= point.month <= 12:
        raise ValueError(f"month {point.month} out of range")
    if point.day is not None:
        return date(point_year, point.month, point.day)
    if end:
        return date(point_year, point.month, calendar.monthrange(point_year, point.month)[1])
    return date(point_year, point.month, 1)


def resolve_window(window: Window, year: int) -> tuple[date, date]:
    """First and last day of a window in plan year `year` (次年 → year + 1), both inclusive."""
    start = resolve_point(window.start, year, end=False)
    inherit = window.start.year if window.start.year is not None and not window.start.next_year else None
    end_point = window.end if window.end is not None else window.start
    end = resolve_point(end_point, year, end=True, inherit_year=inherit if window.end is not None else None)
    return start, end


def resolve_deadline(point: DatePoint, year: int) -> date:
    """A batch deadline (截止): a month alone means its last day."""
    return resolve_point(point, year, end=True)


def department_index(plan: Plan) -> dict[str, str]:
    """Every declared department name and alias (又称) → the canonical department name."""
    index: dict[str, str] = {}
    for department in plan.departments:
        index.setdefault(department.name.value, department.name.value)
        for alias in department.aliases:
            index.setdefault(alias.value, department.name.value)
    return index


def canonical_department(plan: Plan, name: str) -> str:
    """The declared name for `name` (an alias resolves to its department); unknown names unchanged."""
    return department_index(plan).get(name, name)


def field_kinds(plan: Plan) -> dict[str, FieldKind]:
    """Every field a selector may name (standard Chinese and English, declared) → its kind."""
    kinds: dict[str, FieldKind] = dict(STANDARD_FIELDS)
    for alias, standard in STANDARD_FIELD_ALIASES.items():
        kinds[alias] = STANDARD_FIELDS[standard]
    for decl in plan.fields:
        kinds.setdefault(decl.name.value, decl.kind)
    return kinds


def canonical_field(name: str) -> str:
    """A standard field's Chinese name for its English alias; other names unchanged."""
    return STANDARD_FIELD_ALIASES.get(name, name)


def is_directed(task: Task) -> bool:
    """定向 as written, else directed exactly when the scope has a 筛选."""
    if task.directed is not None:
        return task.directed
    return task.scope is not None and task.scope.selector is not None


def profiles_by_name(plan: Plan) -> dict[str, RiskProfile]:
    """Escalation profiles by name; the first declaration wins (duplicates are SSJ106)."""
    profiles: dict[str, RiskProfile] = {}
    for profile in plan.profiles:
        profiles.setdefault(profile.name.value, profile)
    return profiles


def format_decimal(value: Decimal) -> str:
    """`20`, `12.5`, `1.5` — no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def rate_text(rate: Rate) -> str:
    """The plan-table rendering, with the count unit as written: 不低于10%, 20%, 20家, 不少于2所,
    10%（不少于2户）."""
    if rate.count is not None:
        return f"{'不少于' if rate.at_least else ''}{rate.count}{rate.count_unit}"
    text = f"{'不低于' if rate.at_least else ''}{format_decimal(rate.percent or Decimal(0))}%"
    if rate.min_count is not None:
        text += f"（不少于{rate.min_count}{rate.count_unit}）"
    return text


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate by difflib ratio (the "did you mean" of a misspelt name)."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.5)
    return matches[0] if matches else None


# ---------------------------------------------------------------- the checker


def _header_span(task: Task) -> Span:
    """The `4 "name"` part of a task: short enough to underline, unlike the whole block."""
    return Span.merge(task.number.span, task.name.span)


def _task_label(task: Task) -> str:
    return f"任务 {task.number.value}"


@dataclass(frozen=True)
class _Level:
    """One class of a profile as it applies: explicit level or the implicit ×1."""

    risk: RiskClass
    level: RiskLevel | None

    @property
    def multiplier(self) -> Decimal | None:
        if self.level is None:
            return Decimal(1)
        if self.level.rate is not None:
            return None
        return self.level.multiplier if self.level.multiplier is not None else Decimal(1)

    def describe(self) -> str:
        name = self.risk.chinese
        if self.level is None:
            return f"{name}（未列出，按 比例×1）"
        if self.level.rate is not None:
            return f"{name} 比例 {rate_text(self.level.rate)}"
        return f"{name} 比例×{format_decimal(self.multiplier or Decimal(1))}"


class _Checker:
    """One pass over a plan; collects diagnostics instead of raising."""

    def __init__(self, plan: Plan, file: str) -> None:
        self.plan = plan
        self.file = file
        self.out: list[Diagnostic] = []
        self.year: int | None = None
        self.departments: dict[str, str] = {}
        self.department_spans: dict[str, Span] = {}
        self.profiles: dict[str, RiskProfile] = {}
        self.profile_ok: dict[str, bool] = {}
        self.fields: dict[str, FieldKind] = {}

    # -- helpers

    def error(self, code: str, message: str, span: Span, hint: str | None = None,
              related: tuple[Related, ...] = ()) -> None:
        self.out.append(error(code, message, self.file, span, hint, related))

    def warning(self, code: str, message: str, span: Span, hint: str | None = None,
                related: tuple[Related, ...] = ()) -> None:
        self.out.append(warning(code, message, self.file, span, hint, related))

    def related(self, message: str, span: Span) -> tuple[Related, ...]:
        return (Related(message, span, self.file),)

    def run(self) -> list[Diagnostic]:
        self.check_header()
        self.check_fields()
        self.check_departments()
        self.check_profiles()
        if not self.plan.tasks:
            self.warning(NO_TASKS, "计划中没有任务 (the plan has no tasks)", self.plan.header.span,
                         hint="添加 任务 块，例如：任务 1 \"…\" { … }")
        self.check_task_numbers()
        for task in self.plan.tasks:
            self.check_task(task)
        return self.out

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
        if header.doc_number is not None:
            for placeholder in re.findall(r"\{([^{}]*)\}", header.doc_number.value):
                if placeholder not in DOC_NUMBER_PLACEHOLDERS:
                    self.error(BAD_HEADER_VALUE,
                               f"文号中的占位符「{{{placeholder}}}」无法填写 (unknown placeholder in 文号)",
                               header.doc_number.span, hint="文号只能用 {年} 和 {号} 两个占位符")

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

    def check_departments(self) -> None:
        for department in self.plan.departments:
            for name in (department.name, *department.aliases):
                is_alias = name is not department.name
                if name.value in self.departments:
                    first = self.department_spans[name.value]
                    owner = self.departments[name.value]
                    what = "别名" if is_alias else "部门"
                    self.error(DUPLICATE_DEPARTMENT,
                               f"{what}「{name.value}」重复：已用于部门「{owner}」 "
                               "(duplicate department or alias)",
                               name.span, hint="每个部门名称和别名只能声明一次；合并这两处声明",
                               related=self.related("首次声明于此 (first declared here)", first))
                    continue
                self.departments[name.value] = department.name.value
                self.department_spans[name.value] = name.span

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
        """Levels valid and not decreasing A ≤ B ≤ C ≤ D in multipliers, absolute rates and rounds."""
        ok = True
        seen: dict[RiskClass, RiskLevel] = {}
        for level in profile.levels:
            if level.risk in seen:
                self.error(BAD_PROFILE_LEVEL, f"风险递加「{profile.name.value}」中 {level.risk.chinese} 重复 "
                           "(risk class listed twice)", level.span, hint="每个风险等级只写一行",
                           related=self.related("首次出现于此 (first listed here)", seen[level.risk].span))
                ok = False
                continue
            seen[level.risk] = level
            if level.multiplier is not None and level.multiplier <= 0:
                self.error(BAD_PROFILE_LEVEL, f"倍数 ×{format_decimal(level.multiplier)} 必须大于 0 "
                           "(multiplier must be positive)", level.span, hint="例如：一般风险 比例×1.5")
                ok = False
            if level.rate is not None:
                ok = self.check_rate(level.rate) and ok
            if level.rounds is not None:
                ok = self.check_rounds(level.rounds) and ok
        if not ok:
            return False
        levels = [_Level(risk, seen.get(risk)) for risk in ESCALATION_CHAIN]
        ok = self.check_chain(profile, levels, lambda lv: lv.multiplier, "比例倍数") and ok
        ok = self.check_chain(
            profile, levels,
            lambda lv: (lv.level.rate.percent
                        if lv.level and lv.level.rate and lv.level.rate.count is None else None),
            "比例") and ok
        ok = self.check_chain(
            profile, levels,
            lambda lv: (Decimal(lv.level.rate.count)
                        if lv.level and lv.level.rate and lv.level.rate.count else None),
            "户数") and ok
        ok = self.check_chain(
            profile, levels,
            lambda lv: Decimal(lv.level.rounds.per_year) if lv.level and lv.level.rounds else None,
            "频次") and ok
        return ok

    def check_chain(self, profile: RiskProfile, levels: list[_Level], value_of: Callable[[_Level],
                                                                                         Decimal | None],
                    what: str) -> bool:
        """Report the first place where a comparable value decreases along A → D."""
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
                           f"{earlier.describe()} (escalation must not decrease: A ≤ B ≤ C ≤ D)",
                           span, hint="按 低风险 ≤ 一般风险 ≤ 较高风险 ≤ 高风险 调整比例和频次",
                           related=self.related(f"{earlier.risk.chinese} 在此 (the lower-risk level)",
                                                earlier.level.span if earlier.level else profile.name.span))
                return False
            previous = (level, value)
        return True

    # -- tasks

    def check_task_numbers(self) -> None:
        seen: dict[int, Task] = {}
        for task in self.plan.tasks:
            number = task.number.value
            if number < 1:
                self.error(BAD_TASK_NUMBER, f"任务序号 {number} 必须是正整数 (task number must be ≥ 1)",
                           task.number.span, hint="任务按 1、2、3… 编号")
            if number in seen:
                self.error(DUPLICATE_TASK, f"任务序号 {number} 重复 (duplicate task number)",
                           task.number.span,
                           hint="每个任务的序号必须唯一；给这个任务换一个未用的序号",
                           related=self.related("首次使用于此 (first used here)", seen[number].number.span))
            else:
                seen[number] = task

    def check_task(self, task: Task) -> None:
        label = _task_label(task)
        header = _header_span(task)
        if not task.name.value.strip():
            self.error(EMPTY_TEXT, f"{label} 的名称为空 (empty task name)", task.name.span,
                       hint='写出抽查任务名称，例如：任务 4 "对汽车销售企业的部门联合抽查"')
        required: tuple[tuple[str, str, object], ...] = (
            ("事项", "items", task.items),
            ("对象", "scope", task.scope),
            ("比例", "rate", task.rate),
            ("频次", "rounds", task.rounds),
            ("时间", "window", task.window),
            ("发起", "lead", task.lead),
            ("模式", "mode", task.mode),
        )
        missing = [(chinese, english) for chinese, english, value in required if value is None]
        if missing:
            chinese_names = "、".join(chinese for chinese, _ in missing)
            english_names = ", ".join(english for _, english in missing)
            plural = "s" if len(missing) > 1 else ""
            self.error(MISSING_TASK_FIELD,
                       f"{label} 缺少 {chinese_names} (missing required field{plural}: {english_names})",
                       header, hint="加上：" + "；".join(_MISSING_HINTS[chinese] for chinese, _ in missing))
        if task.items is not None:
            if not task.items:
                self.error(EMPTY_TEXT, f"{label} 的抽查事项为空 (no check items)", header,
                           hint='在 事项 { } 中至少写一项，例如 "市场主体登记事项和公示信息检查"')
            for item in task.items:
                if not item.value.strip():
                    self.error(EMPTY_TEXT, f"{label} 有空的抽查事项 (empty check item)", item.span,
                               hint="删除空项或写出事项内容")
        if task.scope is not None:
            if not task.scope.text.value.strip():
                self.error(EMPTY_TEXT, f"{label} 的抽查对象范围为空 (empty scope text)", task.scope.text.span,
                           hint='照抄计划表的“抽查对象范围”，例如 "全区汽车销售企业"')
            if task.scope.selector is not None:
                self.check_selector(task.scope.selector)
            elif task.directed:
                self.warning(DIRECTED_WITHOUT_SELECTOR,
                             f"{label} 为定向抽查但没有 筛选：将从整个名录库抽取 "
                             "(directed task without a selector)", task.scope.span,
                             hint='在 对象 后加 筛选，例如：对象 "全区汽车销售企业" 筛选 '
                             '行业类别 包含 "汽车销售"；或写 不定向')
        if task.rate is not None:
            self.check_rate_spec(task.rate)
        if task.rounds is not None:
            self.check_rounds(task.rounds)
        self.check_risk(task)
        window_dates = self.check_window(task.window) if task.window is not None else None
        self.check_batches(task, window_dates)
        self.check_task_departments(task)
        if task.mode is not None:
            self.check_mode(task.mode)

    # -- departments in tasks

    def resolve_department(self, name: Name) -> str | None:
        canonical = self.departments.get(name.value)
        if canonical is not None:
            return canonical
        guess = suggest(name.value, self.departments)
        if guess is not None:
            target = self.departments[guess]
            alias_hint = f"；若「{name.value}」是「{target}」的简称，在其声明中加上 又称 {name.value}"
            hint = f"是否应为「{target}」？ (did you mean {target}?){alias_hint}"
        elif self.departments:
            hint = f"在文件开头声明：部门 {name.value}"
        else:
            hint = f"计划中没有声明任何部门；在文件开头声明：部门 {name.value}"
        self.error(UNKNOWN_DEPARTMENT, f"未声明的部门「{name.value}」 (unknown department)", name.span,
                   hint=hint)
        return None

    def check_task_departments(self, task: Task) -> None:
        lead = self.resolve_department(task.lead) if task.lead is not None else None
        seen: dict[str, Name] = {}
        for name in task.assist:
            canonical = self.resolve_department(name)
            if canonical is None:
                continue
            if lead is not None and canonical == lead:
                assert task.lead is not None
                self.warning(LEAD_ALSO_ASSISTS,
                             f"发起部门「{lead}」同时列为配合部门 (lead department also assists)",
                             name.span, hint=f"从 配合 中删除「{name.value}」",
                             related=self.related("发起部门在此 (the lead)", task.lead.span))
            elif canonical in seen:
                self.warning(DUPLICATE_ASSIST,
                             f"配合部门「{canonical}」重复列出 (assisting department listed twice)",
                             name.span, hint=f"删除重复的「{name.value}」",
                             related=self.related("首次列出于此 (first listed here)", seen[canonical].span))
            else:
                seen[canonical] = name

    def check_mode(self, mode: Name) -> None:
        if MODE_PATTERN.fullmatch(mode.value):
            return
        guess = suggest(mode.value, KNOWN_MODES)
        did_you_mean = f"是否应为「{guess}」？ " if guess else ""
        self.error(UNKNOWN_MODE, f"无法识别的抽查检查模式「{mode.value}」 (unknown mode)", mode.span,
                   hint=f"{did_you_mean}模式写作 X抽Y查，X、Y 为 省/市/县/区，例如 县抽县查、市抽县(区)查")

    # -- rates

    def check_rate(self, rate: Rate) -> bool:
        ok = True
        if rate.percent is not None and not Decimal(0) < rate.percent <= Decimal(100):
            self.error(RATE_OUT_OF_RANGE, f"抽查比例 {format_decimal(rate.percent)}% 不在 (0, 100%] 之内 "
                       "(rate must be above 0% and at most 100%)", rate.span,
                       hint="写 0 到 100 之间的百分比，例如 不低于 10%；全部检查写 100%")
            ok = False
        for value, what in ((rate.count, "抽查户数"), (rate.min_count, "最少户数")):
            if value is not None and value <= 0:
                self.error(BAD_COUNT, f"{what} {value} 必须大于 0 (count must be at least 1)", rate.span,
                           hint="写正整数户数，例如 20户 或 10% 不少于 2户")
                ok = False
        return ok

    def check_rate_spec(self, spec: Rate | SubgroupRates | CountRates) -> None:
        if isinstance(spec, Rate):
            self.check_rate(spec)
        elif isinstance(spec, SubgroupRates):
            for rule in spec.rules:
                self.check_selector(rule.selector)
                self.check_rate(rule.rate)
        else:
            for count_rule in spec.rules:
                self.check_rate(count_rule.rate)
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
        if 1 <= rounds.per_year <= MAX_ROUNDS_PER_YEAR:
            return True
        self.error(BAD_ROUNDS, f"频次 {rounds.per_year}次/年 无效：应为 1 到 {MAX_ROUNDS_PER_YEAR} 次 "
                   f"(rounds per year must be 1–{MAX_ROUNDS_PER_YEAR})", rounds.span,
                   hint="双随机抽查每年 1 到 12 轮，例如 频次 1次/年")
        return False

    # -- escalation per task

    def check_risk(self, task: Task) -> None:
        ref = task.risk
        if ref is None or ref.profile is None:
            return
        name = ref.profile.value
        profile = self.profiles.get(name)
        if profile is None:
            guess = suggest(name, self.profiles)
            hint = (f"是否应为「{guess}」？ (did you mean {guess}?)" if guess
                    else f'先声明：风险递加 {name} "…" {{ 低风险 比例×1 … }}；不递加写 风险 无')
            self.error(UNDEFINED_PROFILE, f"未声明的风险递加「{name}」 (undefined escalation profile)",
                       ref.profile.span, hint=hint)
            return
        rate = task.rate if isinstance(task.rate, Rate) else None
        levels = {level.risk: level for level in reversed(profile.levels)}
        chain = [_Level(risk, levels.get(risk)) for risk in ESCALATION_CHAIN]
        if rate is not None and rate.count is None and rate.percent == Decimal(100):
            if any((lv.multiplier or Decimal(0)) > 1 or (lv.level is not None and lv.level.rate is not None)
                   for lv in chain):
                self.warning(ESCALATION_OF_FULL_RATE,
                             f"{_task_label(task)} 的抽查比例已是 100%，风险递加无法再提高比例 "
                             "(escalating a 100% rate has no effect)", ref.span,
                             hint="若只按风险递加频次，换一个只写频次的风险递加；否则写 风险 无",
                             related=self.related("100% 在此 (the rate)", rate.span))
        if not self.profile_ok.get(name, False) or task.rounds is None:
            return
        self.check_effective_chain(task, profile, chain, rate, task.rounds)

    def check_effective_chain(self, task: Task, profile: RiskProfile, chain: list[_Level], rate: Rate | None,
                              rounds: Rounds) -> None:
        """Rates and rounds as they apply to this task must not decrease from 低风险 to 高风险."""
        assert task.risk is not None
        effective: list[tuple[_Level, Decimal | None, str, int]] = []
        for lv in chain:
            value: Decimal | None = None
            unit = ""
            if lv.level is not None and lv.level.rate is not None:
                absolute = lv.level.rate
                value, unit = ((Decimal(absolute.count), "户") if absolute.count is not None
                               else (absolute.percent, "%"))
            elif rate is not None and lv.multiplier is not None:
                if rate.count is not None:
                    value, unit = Decimal(rate.count) * lv.multiplier, "户"
                elif rate.percent is not None:
                    value, unit = min(Decimal(100), rate.percent * lv.multiplier), "%"
            level_rounds = (lv.level.rounds.per_year if lv.level is not None and lv.level.rounds
                            else rounds.per_year)
            effective.append((lv, value, unit, level_rounds))
        for index, (lv, value, unit, level_rounds) in enumerate(effective):
            for earlier, e_value, e_unit, e_rounds in effective[:index]:
                problem = None
                if value is not None and e_value is not None and unit == e_unit and value < e_value:
                    problem = (f"{lv.risk.chinese} 的比例 {format_decimal(value)}{unit} 低于 "
                               f"{earlier.risk.chinese} 的 {format_decimal(e_value)}{e_unit}")
                elif level_rounds < e_rounds:
                    problem = (f"{lv.risk.chinese} 的频次 {level_rounds}次/年 低于 {earlier.risk.chinese} 的 "
                               f"{e_rounds}次/年")
                if problem is None:
                    continue
                span = lv.level.span if lv.level is not None else profile.name.span
                self.error(ESCALATION_NOT_INCREASING,
                           f"{_task_label(task)} 按风险递加「{profile.name.value}」后{problem} "
                           "(effective rate and rounds must not decrease: A ≤ B ≤ C ≤ D)",
                           task.risk.span, hint="调整风险递加的比例、频次，或调整本任务的基础比例、频次",
                           related=self.related(f"{lv.risk.chinese} 的设定在此 (the level)", span))
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

    def check_window(self, window: Window) -> tuple[date, date] | None:
        ok = self.check_point(window.start)
        if window.end is not None:
            ok = self.check_point(window.end) and ok
        if not ok:
            return None
        needs_plan_year = any(p.year is None for p in (window.start, window.end) if p is not None)
        if needs_plan_year and self.year is None:
            return None
        start, end = resolve_window(window, self.year if self.year is not None else 0)
        if end < start:
            crossing = window.end is not None and not window.end.next_year and window.end.year is None
            hint = ("若跨年请写 次年，例如 12月至次年2月；否则交换起止时间" if crossing else "交换起止时间")
            self.error(WINDOW_REVERSED, f"结束时间 {end.isoformat()} 早于开始时间 {start.isoformat()} "
                       "(window ends before it starts)", window.span, hint=hint)
            return None
        try:
            one_year_later = start.replace(year=start.year + 1)
        except ValueError:  # 2月29日 + 1 year
            one_year_later = date(start.year + 1, 3, 1)
        if end >= one_year_later:
            self.error(WINDOW_TOO_LONG, f"抽查时间 {start.isoformat()} 至 {end.isoformat()} 超过一年 "
                       "(window longer than a year)", window.span,
                       hint="一个任务的抽查时间不超过一年；分成两年的计划")
            return None
        if self.year is not None and (start.year != self.year or end.year != self.year):
            outside = end.year if start.year == self.year else start.year
            self.warning(WINDOW_OUTSIDE_YEAR,
                         f"抽查时间 {start.isoformat()} 至 {end.isoformat()} 超出计划年度 "
                         f"{self.year}（涉及 {outside} 年） (window outside the plan year)", window.span,
                         hint="确认跨年安排；抽查结果在结束后 20 个工作日内公示")
        return start, end

    def check_batches(self, task: Task, window_dates: tuple[date, date] | None) -> None:
        if not task.batches:
            return
        previous: tuple[Batch, date] | None = None
        for batch in task.batches:
            if not batch.name.value.strip():
                self.error(EMPTY_TEXT, f"{_task_label(task)} 有名称为空的批次 (empty batch name)",
                           batch.name.span,
                           hint='给批次起名，例如 批次 "第一批" 截止 2024年6月30日')
            if not self.check_point(batch.deadline) or (self.year is None and batch.deadline.year is None):
                continue
            deadline = resolve_deadline(batch.deadline, self.year if self.year is not None else 0)
            if window_dates is not None and not window_dates[0] <= deadline <= window_dates[1]:
                self.error(BATCH_OUTSIDE_WINDOW,
                           f"批次「{batch.name.value}」的截止日期 {deadline.isoformat()} 不在抽查"
                           f"时间 {window_dates[0].isoformat()} 至 {window_dates[1].isoformat()} 之内 "
                           "(batch deadline outside the window)", batch.deadline.span,
                           hint="截止日期应在 时间 的起止之间")
            if previous is not None and deadline <= previous[1]:
                self.error(BATCHES_NOT_INCREASING,
                           f"批次「{batch.name.value}」的截止日期 {deadline.isoformat()} 不晚于"
                           f"上一批次 {previous[1].isoformat()} (batch deadlines must increase)",
                           batch.deadline.span,
                           hint="按时间先后排列批次：第 r 批是第 r 轮",
                           related=self.related("上一批次在此 (the previous batch)",
                                                previous[0].deadline.span))
            previous = (batch, deadline)
        if task.rounds is not None and len(task.batches) != task.rounds.per_year:
            self.error(BATCH_COUNT_MISMATCH, f"{_task_label(task)} 有 {len(task.batches)} 个批次，但频次为 "
                       f"{task.rounds.per_year}次/年 (number of batches must equal rounds per year)",
                       task.batches[0].span, hint="每轮一个批次：增减批次或修改 频次",
                       related=self.related("频次在此 (the rounds)", task.rounds.span))

    # -- selectors

    def check_selector(self, selector: Selector) -> None:
        for compare in _comparisons(selector):
            self.check_compare(compare)

    def check_compare(self, compare: Compare) -> None:
        name = compare.field.value
        kind = self.fields.get(name)
        if kind is None:
            guess = suggest(name, self.fields)
            hint = f"是否应为「{guess}」？ (did you mean {guess}?) " if guess else ""
            self.error(UNKNOWN_FIELD, f"名录库中没有字段「{name}」 (unknown registry field)",
                       compare.field.span,
                       hint=f"{hint}非标准字段需先声明：名录字段 {{ {name} 文本 }}")
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
    """SSJ145 (warning) for every text of the plan holding a character an XLSX or DOCX cannot hold
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
