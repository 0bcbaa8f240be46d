"""`ssj fmt`: the canonical layout of a plan (规范格式).

Canonical means: Chinese keywords (from `ssjlang.keywords`), ASCII punctuation except where the
plan table itself uses Chinese forms (`—` in windows, `×` in multipliers, `、` between names),
two-space indentation, statements in the order 计划 · 名录字段 · 部门 · 风险递加 · 任务, task fields in
a fixed order, one item per line. Comments stay where they were: an own-line comment goes
before the line that followed it in the source, a trailing comment stays at the end of its line.
Formatting is idempotent and the output parses back to the same AST (see `strip_spans`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .keywords import KEYWORDS_BY_KEY
from .nodes import (
    NO_SPAN,
    And,
    Batch,
    Comment,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    Department,
    FieldDecl,
    FieldKind,
    Money,
    Not,
    Number,
    Or,
    Plan,
    PlanHeader,
    Rate,
    RiskClass,
    RiskLevel,
    RiskProfile,
    RiskRef,
    Scope,
    Selector,
    Span,
    SubgroupRates,
    Task,
    Text,
    ValueList,
    Window,
)

INDENT = "  "


def kw(key: str) -> str:
    """The canonical (Chinese) spelling of a keyword."""
    return KEYWORDS_BY_KEY[key].chinese


_KIND_KEYS = {
    FieldKind.TEXT: "kind_text",
    FieldKind.LIST: "kind_list",
    FieldKind.MONEY: "kind_money",
    FieldKind.NUMBER: "kind_number",
    FieldKind.DATE: "kind_date",
}
_CLASS_KEYS = {
    RiskClass.LOW: "low",
    RiskClass.MEDIUM: "medium",
    RiskClass.HIGHER: "higher",
    RiskClass.HIGH: "high",
    RiskClass.UNCLASSIFIED: "unclassified",
}
_OP_TEXT = {
    CompareOp.EQ: "=",
    CompareOp.NE: "≠",
    CompareOp.LT: "<",
    CompareOp.LE: "<=",
    CompareOp.GT: ">",
    CompareOp.GE: ">=",
}
_OP_KEYS = {CompareOp.CONTAINS: "contains", CompareOp.IN: "in", CompareOp.NOT_IN: "not_in"}
_COUNT_OP_KEYS = {
    CompareOp.LE: "at_most",
    CompareOp.LT: "below",
    CompareOp.GT: "above",
    CompareOp.GE: "at_least",
}


# ---------------------------------------------------------------- pieces


def number(value: Decimal | int) -> str:
    """A decimal without exponent or trailing zeros: 20, 1.5, 0.02."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text


def text(value: str) -> str:
    """A quoted string; backslash, quote, newline and tab escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def count(value: int) -> str:
    return f"{value}{kw('count_unit')}"


def rate(node: Rate) -> str:
    """20% · 不低于 10% · 10% (不少于 2户) · 20户 · 不少于 2户."""
    if node.percent is None:
        base = count(node.count or 0)
        return f"{KEYWORDS_BY_KEY['at_least'].other[0]} {base}" if node.at_least else base
    base = f"{number(node.percent)}%"
    if node.at_least:
        base = f"{kw('at_least')} {base}"
    if node.min_count is not None:
        base += f" ({KEYWORDS_BY_KEY['at_least'].other[0]} {count(node.min_count)})"
    return base


def date_point(node: DatePoint) -> str:
    out = kw("next_year") if node.next_year else ""
    if node.year is not None:
        out += f"{node.year}年"
    out += f"{node.month}月"
    if node.day is not None:
        out += f"{node.day}日"
    return out


def window(node: Window) -> str:
    if node.end is None:
        return date_point(node.start)
    separator = kw("to") if node.end.next_year else "—"  # 12月至次年2月, as plan tables write it
    return f"{date_point(node.start)}{separator}{date_point(node.end)}"


def scalar(node: Text | Money | Number) -> str:
    if isinstance(node, Text):
        return text(node.value)
    if isinstance(node, Money):
        return f"{number(node.wan_yuan)}{kw('wan_yuan')}"
    return number(node.value)


def value(node: Text | Money | Number | ValueList) -> str:
    if isinstance(node, ValueList):
        return "[" + ", ".join(scalar(v) for v in node.values) + "]"
    return scalar(node)


def selector(node: Selector) -> str:
    """Selectors print flat where precedence allows (且 binds tighter than 或); nested 且/或 get
    parentheses so the printed form parses back to the same tree."""
    if isinstance(node, Compare):
        op = _OP_TEXT.get(node.op) or kw(_OP_KEYS[node.op])
        return f"{node.field.value} {op} {value(node.value)}"
    if isinstance(node, Not):
        inner = selector(node.operand)
        if isinstance(node.operand, And | Or):
            inner = f"({inner})"
        return f"{kw('not')} {inner}"
    if isinstance(node, And):
        parts = [f"({selector(o)})" if isinstance(o, And | Or) else selector(o) for o in node.operands]
        return f" {kw('and')} ".join(parts)
    parts = [f"({selector(o)})" if isinstance(o, Or) else selector(o) for o in node.operands]
    return f" {kw('or')} ".join(parts)


# ---------------------------------------------------------------- layout


@dataclass
class _Line:
    """One output line and the source line it came from (for placing comments); None if unknown."""

    depth: int
    content: str
    anchor: int | None
    closing: bool = False


class _Writer:
    def __init__(self) -> None:
        self.lines: list[_Line] = []

    def add(self, depth: int, content: str, span: Span | None, closing: bool = False) -> None:
        anchor = span.line if span is not None and span != NO_SPAN else None
        self.lines.append(_Line(depth, content, anchor, closing))

    def close(self, depth: int, span: Span) -> None:
        anchor = span.end_line if span != NO_SPAN else None
        self.lines.append(_Line(depth, "}", anchor, closing=True))

    def blank(self) -> None:
        if self.lines and self.lines[-1].content != "":
            self.lines.append(_Line(0, "", None))


def _header(w: _Writer, node: PlanHeader) -> None:
    settings = [
        ("year", node.year.value if node.year is not None else None, node.year),
        ("region", node.region, node.region),
        ("division", node.division_code, node.division_code),
        ("authority", node.authority, node.authority),
        ("doc_number", node.doc_number, node.doc_number),
        ("contact", node.contact, node.contact),
    ]
    if node.title is None and all(v is None for _, v, _ in settings):
        return
    title = text(node.title.value) if node.title is not None else '""'
    w.add(0, f"{kw('plan')} {title} {{", node.span)
    for key, setting, holder in settings:
        if setting is None:
            continue
        shown = str(setting) if isinstance(setting, int) else text(setting.value)
        w.add(1, f"{kw(key)} {shown}", holder.span)  # type: ignore[union-attr]
    w.close(0, node.span)


def _fields(w: _Writer, fields: tuple[FieldDecl, ...]) -> None:
    if not fields:
        return
    w.add(0, f"{kw('fields')} {{", fields[0].span)
    for decl in fields:
        w.add(1, f"{decl.name.value} {kw(_KIND_KEYS[decl.kind])}", decl.span)
    w.add(0, "}", None, closing=True)


def _department(w: _Writer, node: Department) -> None:
    line = f"{kw('department')} {node.name.value}"
    if node.aliases:
        line += f" {kw('alias')} " + "、".join(a.value for a in node.aliases)
    w.add(0, line, node.span)


def _level(node: RiskLevel) -> str:
    parts = [kw(_CLASS_KEYS[node.risk])]
    if node.multiplier is not None:
        parts.append(f"{kw('rate')}×{number(node.multiplier)}")
    if node.rate is not None:
        parts.append(f"{kw('rate')} {rate(node.rate)}")
    if node.rounds is not None:
        parts.append(f"{kw('rounds')} {node.rounds.per_year}{kw('per_year')}")
    return " ".join(parts)


def _profile(w: _Writer, node: RiskProfile) -> None:
    head = f"{kw('escalation')} {node.name.value}"
    if node.description is not None:
        head += f" {text(node.description.value)}"
    w.add(0, head + " {", node.span)
    for level in node.levels:
        w.add(1, _level(level), level.span)
    w.close(0, node.span)


def _scope(node: Scope) -> str:
    out = f"{kw('scope')} {text(node.text.value)}"
    if node.selector is not None:
        out += f" {kw('where')} {selector(node.selector)}"
    return out


def _rate_spec(w: _Writer, spec: Rate | SubgroupRates | CountRates) -> None:
    if isinstance(spec, Rate):
        w.add(1, f"{kw('rate')} {rate(spec)}", spec.span)
        return
    if isinstance(spec, SubgroupRates):
        w.add(1, f"{kw('rate')} {kw('by_subgroup')} {{", spec.span)
        for rule in spec.rules:
            label = f"{text(rule.label.value)} " if rule.label is not None else ""
            w.add(2, f"{label}{selector(rule.selector)}: {rate(rule.rate)};", rule.span)
        w.close(1, spec.span)
        return
    w.add(1, f"{kw('rate')} {kw('by_count')} {{", spec.span)
    for count_rule in spec.rules:
        w.add(2, f"{_count_condition(count_rule)}: {rate(count_rule.rate)};", count_rule.span)
    w.close(1, spec.span)


def _count_condition(node: CountRule) -> str:
    key = _COUNT_OP_KEYS[node.op]
    spelled = KEYWORDS_BY_KEY["at_least"].other[0] if key == "at_least" else kw(key)
    return f"{spelled} {node.threshold}"


def _risk(node: RiskRef) -> str:
    out = f"{kw('risk')} {node.profile.value if node.profile is not None else kw('none')}"
    if node.text is not None:
        out += f" {text(node.text.value)}"
    return out


def _batch(node: Batch) -> str:
    return f"{kw('batch')} {text(node.name.value)} {kw('due')} {date_point(node.deadline)}"


def _task(w: _Writer, node: Task) -> None:
    w.add(0, f"{kw('task')} {node.number.value} {text(node.name.value)} {{", node.span)
    if node.items is not None:
        if len(node.items) == 1:
            w.add(1, f"{kw('items')} {text(node.items[0].value)}", node.items[0].span)
        else:
            w.add(1, f"{kw('items')} {{", node.items[0].span if node.items else None)
            for item in node.items:
                w.add(2, text(item.value), item.span)
            w.add(1, "}", None, closing=True)
    if node.scope is not None:
        w.add(1, _scope(node.scope), node.scope.span)
    if node.rate is not None:
        _rate_spec(w, node.rate)
    if node.rounds is not None:
        w.add(1, f"{kw('rounds')} {node.rounds.per_year}{kw('per_year')}", node.rounds.span)
    if node.risk is not None:
        w.add(1, _risk(node.risk), node.risk.span)
    if node.window is not None:
        w.add(1, f"{kw('window')} {window(node.window)}", node.window.span)
    for batch in node.batches:
        w.add(1, _batch(batch), batch.span)
    if node.directed is not None:
        w.add(1, kw("directed") if node.directed else kw("undirected"), None)
    if node.lead is not None:
        w.add(1, f"{kw('lead')} {node.lead.value}", node.lead.span)
    if node.assist:
        w.add(1, f"{kw('assist')} " + "、".join(a.value for a in node.assist), node.assist[0].span)
    if node.mode is not None:
        w.add(1, f"{kw('mode')} {node.mode.value}", node.mode.span)
    w.close(0, node.span)


def _layout(plan: Plan) -> list[_Line]:
    w = _Writer()
    _header(w, plan.header)
    w.blank()
    _fields(w, plan.fields)
    w.blank()
    for department in plan.departments:
        _department(w, department)
    w.blank()
    for profile in plan.profiles:
        _profile(w, profile)
        w.blank()
    for task in plan.tasks:
        _task(w, task)
        w.blank()
    while w.lines and w.lines[-1].content == "":
        w.lines.pop()
    return w.lines


# ---------------------------------------------------------------- comments


def _comment_text(comment: Comment) -> str:
    return f"# {comment.text}" if comment.text else "#"


def _place_comments(lines: list[_Line], comments: tuple[Comment, ...]) -> list[str]:
    """Own-line comments go before the output line with the smallest source line after them;
    trailing comments go to the end of the last output line from their source line."""
    before: dict[int, list[Comment]] = {}
    after: dict[int, list[Comment]] = {}
    at_end: list[Comment] = []
    anchored = [(line.anchor, i) for i, line in enumerate(lines) if line.anchor is not None]
    for comment in sorted(comments, key=lambda c: (c.span.start, c.span.line, c.span.column)):
        line_no = comment.span.line
        if comment.trailing:
            same = [i for anchor, i in anchored if anchor == line_no]
            if same:
                after.setdefault(max(same), []).append(comment)
                continue
        later = [(anchor, i) for anchor, i in anchored if anchor > line_no]
        if later:
            before.setdefault(min(later)[1], []).append(comment)
        else:
            at_end.append(comment)
    out: list[str] = []
    for i, line in enumerate(lines):
        group = before.get(i, [])
        for comment in group:
            depth = line.depth + 1 if line.closing else line.depth
            out.append(INDENT * depth + _comment_text(comment))
        if group and line.depth == 0 and line.anchor is not None and group[-1].span.line + 1 < line.anchor:
            out.append("")  # a comment block set apart from the statement by a blank line stays apart
        content = INDENT * line.depth + line.content if line.content else ""
        trailing = after.get(i, [])
        if trailing:
            content += "  " + "  ".join(_comment_text(c) for c in trailing)
        out.append(content)
    if at_end:
        if out:
            out.append("")
        out.extend(_comment_text(c) for c in at_end)
    return out


def format_plan(plan: Plan, comments: tuple[Comment, ...] = ()) -> str:
    """The canonical text of a plan, comments kept, ending with one newline."""
    lines = _place_comments(_layout(plan), comments)
    return "\n".join(lines) + "\n" if lines else ""


# ---------------------------------------------------------------- comparison helper


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
