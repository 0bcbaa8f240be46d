"""Hover help (悬停说明): what a keyword means, what a department, unit, level or profile declares, what kind
a registry field is, and a task as it will be drawn.

A task's window, rate and rounds are the resolve stage's (`resolve.resolve_unit`, the same `DrawUnit`s
`ssj draw` draws): dates instead of 3月—11月, the rate per credit-risk class after escalation, the rounds
each class gets. The resolve stage is meant for a checked plan; the hover resolves one task as written
even when the plan has errors (a name not declared stands for itself), and says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from lsprotocol import types

from ..check.resolve import (
    field_kinds,
    merged_fields,
    profiles_by_name,
    resolve_organisation,
    resolve_profile,
    resolve_unit,
)
from ..check.resolved import Body, BodyKind, DrawUnit, Profile, RateForm, RateRule
from ..interpret.draw import escalated
from ..language.highlight import rules
from ..language.keywords import KEYWORDS, KEYWORDS_BY_KEY, Keyword
from ..language.nodes import (
    STANDARD_FIELD_ALIASES,
    STANDARD_FIELDS,
    Compare,
    Department,
    Level,
    Plan,
    Span,
    Task,
    Unit,
)
from ..language.wording import format_decimal
from .analysis import Analysis, walk
from .keyword_docs import KEYWORD_DOCS
from .navigation import BODY_KINDS, Target, declaration, target_at, uses
from .positions import Positions

_KEYWORD_KINDS = frozenset({"statement", "operator_word", "keyword"})
PPM = 1_000_000


def spell(keyword: Keyword, language: str) -> str:
    """A keyword as the file writes it: Chinese, or the first English spelling."""
    return keyword.english[0] if language == "en" and keyword.english else keyword.chinese


# ---------------------------------------------------------------- keywords


@lru_cache(maxsize=1)
def _compiled_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((rule.kind, re.compile(rule.pattern)) for rule in rules())


def tokens(line: str) -> Iterator[tuple[str, int, int]]:
    """The highlighting tokens of one line: (kind, start, end)."""
    compiled = _compiled_rules()
    position = 0
    while position < len(line):
        if line[position].isspace():
            position += 1
            continue
        for kind, pattern in compiled:
            match = pattern.match(line, position)
            if match and match.end() > position:
                yield kind, position, match.end()
                position = match.end()
                break
        else:
            position += 1


@lru_cache(maxsize=1)
def _keyword_by_spelling() -> dict[str, Keyword]:
    table: dict[str, Keyword] = {}
    for keyword in KEYWORDS:
        for spelling in keyword.spellings:
            table.setdefault(" ".join(spelling.split()).lower(), keyword)
    return table


def keyword_at(positions: Positions, offset: int) -> tuple[Keyword, int, int] | None:
    """The keyword written at `offset` (as the highlighter reads the line), and where it is."""
    line = positions.line_of(offset)
    start = positions.line_starts[line]
    text = positions.line_text(line)
    for kind, begin, end in tokens(text):
        if begin <= offset - start <= end and kind in _KEYWORD_KINDS:
            keyword = _keyword_by_spelling().get(" ".join(text[begin:end].split()).lower())
            if keyword is not None:
                return keyword, start + begin, start + end
    return None


def keyword_markdown(keyword: Keyword) -> str:
    spellings = "、".join(f"`{s}`" for s in keyword.spellings)
    english = keyword.english[0] if keyword.english else ""
    about = KEYWORD_DOCS.get(keyword.key, "")
    return f"**{keyword.chinese}** ({english})\n\n{about}\n\n写法 (spellings)：{spellings}"


# ---------------------------------------------------------------- declarations


def body_markdown(analysis: Analysis, plan: Plan, target: Target) -> str:
    found = declaration(plan, target)
    if found is None:
        return ""
    language = analysis.language
    node = found.node
    kind = BODY_KINDS.get(target.kind, "")
    head = f"{spell(KEYWORDS_BY_KEY[found.kind], language)} {found.name}"
    if isinstance(node, Department | Unit) and node.aliases:
        head += f" {spell(KEYWORDS_BY_KEY['alias'], language)} " + "、".join(a.value for a in node.aliases)
    lines = [
        f"```ssj\n{head}\n```",
        f"{kind}，声明于第 {analysis.absolute(node.span).line} 行 "
        f"(declared on line {analysis.absolute(node.span).line})",
    ]
    if isinstance(node, Department) and node.units:
        lines.append("单位 (units)：" + "、".join(unit.name.value for unit in node.units))
    if isinstance(node, Level):
        lines.append("成员 (members)：" + "、".join(member.value for member in node.members))
    count = sum(1 for _ in uses(plan, target))
    lines.append(f"任务中共被提及 {count} 次 (named {count} times in tasks)")
    return "\n\n".join(lines)


def profile_markdown(plan: Plan, name: str) -> str:
    profile = resolve_profile(profiles_by_name(plan)[name])
    rows = []
    for level in profile.levels:
        if level.exclude:
            rate = "不抽 (not drawn)"
        elif level.rate is not None:
            rate = level.rate.text
        else:
            rate = f"×{format_decimal(level.multiplier if level.multiplier is not None else Decimal(1))}"
        rounds = f"{level.rounds}次/年" if level.rounds is not None else "任务频次 (the task's)"
        written = "" if level.written else "（未列出 not listed）"
        rows.append(f"| {level.name}（{level.key}）{written} | {rate} | {rounds} |")
    text = [f"**风险递加 {profile.name}**", ""]
    if profile.description:
        text += [profile.description, ""]
    if profile.field != "风险等级":
        text += [f"按名录字段「{profile.field}」分类 (classes from the registry field {profile.field})", ""]
    return "\n".join([*text, "| 等级 (class) | 比例 (rate) | 频次 (rounds) |", "|---|---|---|", *rows])


# ---------------------------------------------------------------- tasks


class _AsWritten(dict[str, Body]):
    """The organisation's name index, standing in a body named as written for a name not declared: the
    hover of a task with a misspelt department still shows its window, rate and rounds."""

    def __missing__(self, name: str) -> Body:
        return Body(BodyKind.DEPARTMENT, name, name, name)


REQUIRED = ("items", "scope", "rate", "rounds", "lead")
"""Fields a draw unit cannot be resolved without (a window, or a draw window, is needed too)."""


def resolved_task(plan: Plan, task: Task) -> tuple[DrawUnit, ...] | None:
    """The draw units of one task (itself, or each sub-row) as `ssj draw` resolves them (`resolve_unit`):
    the one place the editor reads the resolved plan. None when the task cannot be resolved as written (a
    required field missing, a date that does not exist, an undeclared profile, no plan year)."""
    if plan.header.year is None:
        return None
    rows = [(part, index) for index, part in enumerate(task.parts, start=1)] or [(None, None)]
    for part, _ in rows:
        fields = merged_fields(task, part)
        if any(getattr(fields, name) is None for name in REQUIRED) or (
                fields.window is None and (fields.draw_window is None or fields.draw_window.window is None)):
            return None
    organisation = resolve_organisation(plan)
    organisation = replace(organisation, index=_AsWritten(organisation.index))
    try:
        profiles = {name: resolve_profile(profile) for name, profile in profiles_by_name(plan).items()}
        return tuple(resolve_unit(task, part, index, plan, plan.header.year.value, organisation, profiles)
                     for part, index in rows)
    except (KeyError, ValueError):
        return None


def _class_rate(rate: RateRule, profile: Profile, key: str) -> str:
    """The rate one credit-risk class gets after escalation (as the draw computes it)."""
    level = profile.level(key)
    if level.exclude:
        return "不抽"
    if level.rate is not None:
        return level.rate.text
    if rate.form is not RateForm.PERCENT or rate.ppm is None:
        return rate.text
    ppm = escalated(rate.ppm, level.multiplier)
    floor = "不低于" if rate.at_least else ""
    multiplier = format_decimal(level.multiplier or Decimal(1))
    return f"{floor}{format_decimal(Decimal(ppm) * 100 / PPM)}%（×{multiplier}）"


def unit_markdown(unit: DrawUnit) -> list[str]:
    window = unit.window
    lines = [
        f"- 时间 (window)：{window.start.isoformat()} — {window.end.isoformat()}（{window.text}）",
        f"- 比例 (rate)：{unit.rate.text}",
        f"- 频次 (rounds)：{unit.rounds_spec.text}，共 {unit.rounds} 轮 ({unit.rounds} rounds)",
    ]
    profile = unit.profile
    if profile is not None and isinstance(unit.rate, RateRule):
        lines += [
            "",
            f"| {'信用风险' if profile.credit else profile.field} (class) | 比例 (rate) | 频次 (rounds) |",
            "|---|---|---|",
        ]
        for level in profile.levels:
            rounds = (
                max(unit.rounds_spec.times, level.rounds)
                if level.rounds is not None
                else unit.rounds_spec.times
            )
            lines.append(f"| {level.name} | {_class_rate(unit.rate, profile, level.key)} | {rounds}次/年 |")
    if unit.risk_text:
        lines += ["", f"风险要求 (risk text)：{unit.risk_text}"]
    people = [f"发起 {unit.lead.name}"] + (
        [f"配合 {'、'.join(b.name for b in unit.assist)}"] if unit.assist else []
    )
    return [*lines, "", " · ".join(people)]


def task_markdown(analysis: Analysis, plan: Plan, task: Task) -> str:
    lines = [f"**任务 {task.code.text} {task.name.value}**", ""]
    units = resolved_task(plan, task)
    if units is None:
        fix = "改正本任务中的错误后显示解析结果 (fix this task's errors to see it resolved)"
        return "\n".join([*lines, fix])
    if any(d.is_error for d in analysis.diagnostics):
        lines += ["计划有错误：按写法解析，仅供参考 (the plan has errors: resolved as written)", ""]
    for unit in units:
        if unit.sub is not None:
            lines += ["", f"**{unit.label_text}**"]
        lines += unit_markdown(unit)
    return "\n".join(lines)


def _contains(span: Span, offset: int) -> bool:
    return span.line > 0 and span.start <= offset <= span.end


def hover(analysis: Analysis, positions: Positions, offset: int) -> types.Hover | None:
    """Help for what is under the cursor: a keyword, a declared body or profile, a field or a task."""

    def markdown(value: str, start: int, end: int) -> types.Hover:
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
            range=types.Range(start=positions.position(start), end=positions.position(end)),
        )

    found = keyword_at(positions, offset)
    if found is not None:
        keyword, start, end = found
        return markdown(keyword_markdown(keyword), start, end)
    plan = analysis.plan
    if plan is None:
        return None
    target = target_at(analysis, offset)
    if target is not None:
        span = analysis.absolute(target.span)
        text = (
            profile_markdown(plan, target.name)
            if target.kind == "profile"
            else body_markdown(analysis, plan, target)
        )
        return markdown(text, span.start, span.end)
    virtual = analysis.virtual_offset(offset)
    for task in plan.tasks:
        if not _contains(task.span, virtual):
            continue
        header = Span.merge(task.code.span, task.name.span)
        if _contains(header, virtual):
            span = analysis.absolute(header)
            return markdown(task_markdown(analysis, plan, task), span.start, span.end)
        for node in walk(task):
            if isinstance(node, Compare) and _contains(node.field.span, virtual):
                return markdown(field_markdown(plan, node.field.value), *_bounds(analysis, node.field.span))
    return None


def _bounds(analysis: Analysis, span: Span) -> tuple[int, int]:
    absolute = analysis.absolute(span)
    return absolute.start, absolute.end


def field_markdown(plan: Plan, name: str) -> str:
    kind = field_kinds(plan).get(name)
    standard = name in STANDARD_FIELDS or name in STANDARD_FIELD_ALIASES
    about = "标准字段 (standard field)" if standard else "名录字段 (declared field)"
    return f"**{name}** — {about}，类型 {kind.value}" if kind else f"**{name}** — 未知字段 (unknown field)"
