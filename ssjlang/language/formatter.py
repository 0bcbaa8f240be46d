"""`ssj fmt`: the canonical layout of a plan (规范格式), in the plan's own keyword language.

Canonical means: keywords from `ssjlang.language.keywords` in one language — Chinese (`Keyword.chinese`,
the default) or English (`Keyword.english[0]`), so an English-keyword plan stays English — ASCII
punctuation except where the Chinese plan table itself uses Chinese forms (`—` in windows, `×` in
multipliers, `、` between names), two-space indentation, statements in the order 计划 · 名录字段 ·
部门 · 风险递加 · 任务, task fields in a fixed order, one item per line. Comments stay where they were:
an own-line comment goes before the line that followed it in the source, a trailing comment stays at
the end of its line. Formatting is idempotent and the output parses back to the same AST (see
`strip_spans`), count units (户 家 所 个) included.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .keywords import KEYWORDS_BY_KEY, LANGUAGES
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
    DrawWindow,
    FieldDecl,
    FieldKind,
    Item,
    JointDraw,
    Level,
    Money,
    Not,
    Number,
    Or,
    Part,
    Period,
    Plan,
    PlanHeader,
    Rate,
    RiskClass,
    RiskLevel,
    RiskProfile,
    RiskRef,
    Rounds,
    Scope,
    Selector,
    Span,
    SubgroupRates,
    Task,
    TaskCode,
    TaskFields,
    Text,
    Unit,
    ValueList,
    Window,
    WindowKind,
)

INDENT = "  "

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
_COUNT_UNIT = KEYWORDS_BY_KEY["count_unit"]


# ---------------------------------------------------------------- pieces


def number(value: Decimal | int) -> str:
    """A decimal without exponent or trailing zeros: 20, 1.5, 0.02."""
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


def text(value: str) -> str:
    """A quoted string; backslash, quote, newline and tab escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


class _Words:
    """How one keyword language writes each piece: keywords, counts, dates, lists of names."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown keyword language {language!r}; expected one of {LANGUAGES}")
        self.english = language == "en"
        self.name_separator = ", " if self.english else "、"

    def kw(self, key: str) -> str:
        """The canonical spelling of a keyword in this language."""
        keyword = KEYWORDS_BY_KEY[key]
        return keyword.english[0] if self.english else keyword.chinese

    def count_floor(self) -> str:
        """不少于 (not 不低于) before a count, as plan tables write it; `at least` in English."""
        return self.kw("at_least") if self.english else KEYWORDS_BY_KEY["at_least"].other[0]

    def count(self, value: int, unit: str) -> str:
        """20户 · 2所 · 20 subjects (English writes a Chinese unit other than 户 as is, e.g. 2所)."""
        if self.english and unit == _COUNT_UNIT.chinese:
            return f"{value} {_COUNT_UNIT.english[0]}"
        return f"{value}{unit}"

    def rate(self, node: Rate) -> str:
        """20% · 不低于 10% · 10% (不少于 2户) · 20户 · 不少于 2所 · 3% (约 1200户) · 10%—20% · 60—70家 ·
        每名执法人员 10户 · 人员比 1:2.5 · 不抽 · 待定 "…" 不高于 10% · 全年 … · 各级合计 …"""
        unit = node.count_unit
        if node.exclude:
            base = self.kw("exclude")
        elif node.unstated:
            base = self.kw("unstated")
            if node.unstated_text is not None:
                base += f" {text(node.unstated_text.value)}"
        elif node.staff_ratio is not None:
            floor = f"{self.kw('at_least')} " if node.at_least else ""
            base = (f"{self.kw('staff_ratio')} {floor}"
                    f"{number(node.staff_ratio[0])}:{number(node.staff_ratio[1])}")
        elif node.per_inspector:
            floor = f"{self.count_floor()} " if node.at_least else ""
            base = f"{self.kw('per_inspector')} {floor}{self.count(node.count or 0, unit)}"
        elif node.count is not None and node.upper is not None:
            base = f"{node.count}—{self.count(int(node.upper), unit)}"
        elif node.percent is None:
            base = self.count(node.count or 0, unit)
            base = f"{self.count_floor()} {base}" if node.at_least else base
        elif node.upper is not None:
            base = f"{number(node.percent)}%—{number(node.upper)}%"
        else:
            base = f"{number(node.percent)}%"
            if node.at_least:
                base = f"{self.kw('at_least')} {base}"
        if node.min_count is not None:
            base += f" ({self.count_floor()} {self.count(node.min_count, unit)})"
        if node.planned is not None:
            about = f"{self.kw('about')} " if node.planned.approx else ""
            base += f" ({about}{self.count(node.planned.count, node.planned.unit)})"
        if node.ceiling is not None:
            base += f" ({self.kw('at_most')} {number(node.ceiling)}%)"
        if node.drawn_by is not None:
            base += f" {self.kw('drawn_by')} {text(node.drawn_by.value)} {self.kw('draw_window')}"
        if node.all_levels:
            base = f"{self.kw('all_levels')} {base}"
        if node.annual:
            base = f"{self.kw('annual')} {base}"
        return base

    def rounds(self, node: Rounds) -> str:
        """1次/年 · 不少于 1次/年 · 每季度1次 · 每月1次 各轮独立
        (English: 1 per year, each quarter 1 times)."""
        floor = f"{self.count_floor()} " if node.at_least else ""
        gap = " " if self.english else ""
        if node.period is Period.YEAR:
            out = f"{floor}{node.times}{gap}{self.kw('per_year')}"
        else:
            key = {Period.QUARTER: "quarterly", Period.MONTH: "monthly", Period.HALF_YEAR: "half_yearly"}
            out = f"{floor}{self.kw(key[node.period])}{gap}{node.times}{gap}{self.kw('times')}"
        if node.independent:
            out += f" {self.kw('independent')}"
        return out

    def multiplier(self, value: Decimal) -> str:
        if self.english:
            return f"{self.kw('rate')} x {number(value)}"
        return f"{self.kw('rate')}×{number(value)}"  # 比例×1.5, as plan tables write it

    def date_point(self, node: DatePoint) -> str:
        """2024年3月 / 3月 / 次年2月; English writes a date with its year the ISO way (2026-03-01)."""
        if self.english and node.year is not None and not node.next_year:
            day = f"-{node.day:02d}" if node.day is not None else ""
            if 1000 <= node.year <= 9999 and node.month < 100 and (node.day is None or node.day < 100):
                return f"{node.year:04d}-{node.month:02d}{day}"
        out = f"{self.kw('next_year')} " if node.next_year and self.english else ""
        if node.next_year and not self.english:
            out = self.kw("next_year")
        if node.year is not None:
            out += f"{node.year}年"
        out += f"{node.month}月"
        if node.day is not None:
            out += f"{node.day}日"
        return out

    def window(self, node: Window) -> str:
        """3月—11月 · 12月至次年2月 · 10月31日前 · 10月底前 · 年底前 · 全年,
        with 暂定 before a tentative one."""
        prefix = f"{self.kw('tentative')} " if node.tentative else ""
        if node.kind is WindowKind.YEAR_END:
            return prefix + self.kw("year_end")
        if node.kind is WindowKind.WHOLE_YEAR:
            return prefix + self.kw("annual")
        assert node.start is not None
        start = self.date_point(node.start)
        if node.kind is WindowKind.BEFORE:
            return f"{prefix}{start}{' ' if self.english else ''}{self.kw('before')}"
        if node.kind is WindowKind.MONTH_END:
            return f"{prefix}{start}{' ' if self.english else ''}{self.kw('month_end_before')}"
        if node.end is None:
            return prefix + start
        if self.english:
            separator = f" {self.kw('to')} "
        else:
            separator = self.kw("to") if node.end.next_year else "—"  # 12月至次年2月, as plan tables write it
        return f"{prefix}{start}{separator}{self.date_point(node.end)}"

    def scalar(self, node: Text | Money | Number) -> str:
        if isinstance(node, Text):
            return text(node.value)
        if isinstance(node, Money):
            amount = number(node.wan_yuan)
            return f"{amount} {self.kw('wan_yuan')}" if self.english else f"{amount}{self.kw('wan_yuan')}"
        return number(node.value)

    def value(self, node: Text | Money | Number | ValueList) -> str:
        if isinstance(node, ValueList):
            return "[" + ", ".join(self.scalar(v) for v in node.values) + "]"
        return self.scalar(node)

    def selector(self, node: Selector) -> str:
        """Selectors print flat where precedence allows (且 binds tighter than 或); nested 且/或 get
        parentheses so the printed form parses back to the same tree."""
        if isinstance(node, Compare):
            op = _OP_TEXT.get(node.op) or self.kw(_OP_KEYS[node.op])
            return f"{node.field.value} {op} {self.value(node.value)}"
        if isinstance(node, Not):
            inner = self.selector(node.operand)
            if isinstance(node.operand, And | Or):
                inner = f"({inner})"
            return f"{self.kw('not')} {inner}"
        if isinstance(node, And):
            parts = [f"({self.selector(o)})" if isinstance(o, And | Or) else self.selector(o)
                     for o in node.operands]
            return f" {self.kw('and')} ".join(parts)
        parts = [f"({self.selector(o)})" if isinstance(o, Or) else self.selector(o) for o in node.operands]
        return f" {self.kw('or')} ".join(parts)

    def names(self, names: tuple[object, ...]) -> str:
        return self.name_separator.join(n.value for n in names)  # type: ignore[attr-defined]

    def texts(self, texts: tuple[Text, ...]) -> str:
        return self.name_separator.join(text(t.value) for t in texts)

    def count_condition(self, node: CountRule) -> str:
        key = _COUNT_OP_KEYS[node.op]
        spelled = self.count_floor() if key == "at_least" else self.kw(key)
        return f"{spelled} {node.threshold}"


# ---------------------------------------------------------------- layout


@dataclass
class _Line:
    """One output line and the source line it came from (for placing comments); None if unknown."""

    depth: int
    content: str
    anchor: int | None
    closing: bool = False


class _Writer:
    def __init__(self, words: _Words) -> None:
        self.lines: list[_Line] = []
        self.words = words

    def kw(self, key: str) -> str:
        return self.words.kw(key)

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
        ("plan_no", node.plan_no, node.plan_no),
        ("doc_number", node.doc_number, node.doc_number),
        ("contact", node.contact, node.contact),
        ("phone", node.phone, node.phone),
        ("address", node.address, node.address),
        ("site", node.site, node.site),
    ]
    if node.title is None and all(v is None for _, v, _ in settings) and not (
            node.witnesses or node.materials or node.publish_risk):
        return
    title = text(node.title.value) if node.title is not None else '""'
    w.add(0, f"{w.kw('plan')} {title} {{", node.span)
    for key, setting, holder in settings:
        if setting is None:
            continue
        shown = str(setting) if isinstance(setting, int) else text(setting.value)
        w.add(1, f"{w.kw(key)} {shown}", holder.span)  # type: ignore[union-attr]
    if node.witnesses:
        w.add(1, f"{w.kw('witness')} {w.words.texts(node.witnesses)}", node.witnesses[0].span)
    if node.publish_risk is not None:
        w.add(1, w.kw("publish_risk"), node.publish_risk)
    _materials(w, 1, node.materials)
    w.close(0, node.span)


def _materials(w: _Writer, depth: int, materials: tuple[Text, ...]) -> None:
    if not materials:
        return
    if len(materials) == 1:
        w.add(depth, f"{w.kw('materials')} {text(materials[0].value)}", materials[0].span)
        return
    w.add(depth, f"{w.kw('materials')} {{", materials[0].span)
    for material in materials:
        w.add(depth + 1, text(material.value), material.span)
    w.add(depth, "}", None, closing=True)


def _fields(w: _Writer, fields: tuple[FieldDecl, ...]) -> None:
    if not fields:
        return
    w.add(0, f"{w.kw('fields')} {{", fields[0].span)
    for decl in fields:
        w.add(1, f"{decl.name.value} {w.kw(_KIND_KEYS[decl.kind])}", decl.span)
    w.add(0, "}", None, closing=True)


def _named(w: _Writer, keyword: str, node: Department | Unit) -> str:
    line = f"{w.kw(keyword)} {node.name.value}"
    if node.aliases:
        line += f" {w.kw('alias')} " + w.words.names(node.aliases)
    return line


def _department(w: _Writer, node: Department) -> None:
    line = _named(w, "department", node)
    settings = [(key, value) for key, value in (
        ("full_name", node.full_name), ("doc_number", node.doc_number), ("contact", node.contact),
        ("phone", node.phone), ("address", node.address), ("site", node.site)) if value is not None]
    if not (node.units or settings or node.area):
        w.add(0, line, node.span)
        return
    w.add(0, line + " {", node.span)
    for unit in node.units:
        w.add(1, _named(w, "unit", unit), unit.span)
    for key, value in settings:
        w.add(1, f"{w.kw(key)} {text(value.value)}", value.span)  # type: ignore[union-attr]
    if node.area:
        w.add(1, f"{w.kw('area')} {w.words.texts(node.area)}", node.area[0].span)
    w.close(0, node.span)


def _org_level(w: _Writer, node: Level) -> None:
    head = f"{w.kw('level')} {node.name.value}"
    if node.text is not None:
        head += f" {text(node.text.value)}"
    w.add(0, head + " {", node.span)
    if node.by is not None:
        w.add(1, f"{w.kw('by')} {node.by.value}", node.by.span)
    if node.members:
        w.add(1, f"{w.kw('members')} {w.words.names(node.members)}", node.members[0].span)
    w.close(0, node.span)


def _level(w: _Writer, node: RiskLevel) -> str:
    parts = [w.kw(_CLASS_KEYS[node.risk]) if isinstance(node.risk, RiskClass) else text(node.risk.value)]
    if node.exclude:
        parts.append(w.kw("exclude"))
    if node.multiplier is not None:
        parts.append(w.words.multiplier(node.multiplier))
    if node.rate is not None:
        parts.append(f"{w.kw('rate')} {w.words.rate(node.rate)}")
    if node.rounds is not None:
        parts.append(f"{w.kw('rounds')} {w.words.rounds(node.rounds)}")
    return " ".join(parts)


def _profile(w: _Writer, node: RiskProfile) -> None:
    head = f"{w.kw('escalation')} {node.name.value}"
    if node.description is not None:
        head += f" {text(node.description.value)}"
    if node.by is not None:
        head += f" {w.kw('by')} {node.by.value}"
    w.add(0, head + " {", node.span)
    for level, following in zip(node.levels, (*node.levels[1:], None), strict=False):
        line = _level(w, level)
        bare_unstated = level.rate is not None and level.rate.unstated and level.rate.unstated_text is None \
            and level.rate.upper is None
        if bare_unstated and following is not None and isinstance(following.risk, Text):
            line += ";"  # else the next class's "…" would read as the 待定 rate's text
        w.add(1, line, level.span)
    w.close(0, node.span)


def _scope(w: _Writer, node: Scope) -> str:
    out = f"{w.kw('scope')} {text(node.text.value)}"
    if node.selector is not None:
        out += f" {w.kw('where')} {w.words.selector(node.selector)}"
    if node.base is not None:
        about = f" {w.kw('about')}" if node.base.approx else ""
        out += f" {w.kw('base')}{about} {w.words.count(node.base.count, node.base.unit)}"
        if node.base.note is not None:
            out += f" {text(node.base.note.value)}"
    return out


def _rate_spec(w: _Writer, depth: int, spec: Rate | SubgroupRates | CountRates) -> None:
    words = w.words
    if isinstance(spec, Rate):
        w.add(depth, f"{w.kw('rate')} {words.rate(spec)}", spec.span)
        return
    if isinstance(spec, SubgroupRates):
        w.add(depth, f"{w.kw('rate')} {w.kw('by_subgroup')} {{", spec.span)
        for rule in spec.rules:
            label = f"{text(rule.label.value)} " if rule.label is not None else ""
            w.add(depth + 1, f"{label}{words.selector(rule.selector)}: {words.rate(rule.rate)};", rule.span)
        closing = "}"
        if spec.overall is not None:
            closing += f" {number(spec.overall)}%"
        if spec.planned is not None:
            about = f"{w.kw('about')} " if spec.planned.approx else ""
            closing += f" ({about}{words.count(spec.planned.count, spec.planned.unit)})"
        if closing != "}":
            w.add(depth, closing, None, closing=True)
        else:
            w.close(depth, spec.span)
        return
    w.add(depth, f"{w.kw('rate')} {w.kw('by_count')} {{", spec.span)
    for count_rule in spec.rules:
        w.add(depth + 1, f"{words.count_condition(count_rule)}: {words.rate(count_rule.rate)};",
              count_rule.span)
    w.close(depth, spec.span)


def _risk(w: _Writer, node: RiskRef) -> str:
    if node.label and node.text is not None:
        return f"{w.kw('risk')} {text(node.text.value)}"
    out = f"{w.kw('risk')} {node.profile.value if node.profile is not None else w.kw('none')}"
    if node.text is not None:
        out += f" {text(node.text.value)}"
    return out


def _batch(w: _Writer, node: Batch) -> str:
    return f"{w.kw('batch')} {text(node.name.value)} {w.kw('due')} {w.words.date_point(node.deadline)}"


def _item(w: _Writer, depth: int, node: Item) -> None:
    settings = [(key, value) for key, value in (("basis", node.basis), ("code", node.code),
                                                 ("category", node.category)) if value is not None]
    if not (settings or node.methods or node.materials or node.inspect or node.scope):
        w.add(depth, text(node.text.value), node.text.span)
        return
    w.add(depth, f"{text(node.text.value)} {{", node.text.span)
    if node.inspect:
        w.add(depth + 1, f"{w.kw('inspect')} {w.words.names(node.inspect)}", node.inspect[0].span)
    if node.scope is not None:
        w.add(depth + 1, _scope(w, node.scope), node.scope.span)
    for key, value in settings:
        w.add(depth + 1, f"{w.kw(key)} {text(value.value)}", value.span)  # type: ignore[union-attr]
    if node.methods:
        w.add(depth + 1, f"{w.kw('method')} {w.words.texts(node.methods)}", node.methods[0].span)
    _materials(w, depth + 1, node.materials)
    w.add(depth, "}", None, closing=True)


def _draw_window(w: _Writer, node: DrawWindow) -> str:
    out = w.kw("draw_window")
    if node.window is not None:
        out += f" {w.words.window(node.window)}"
    if node.each_round_days is not None:
        out += f" {w.kw('each_round')} {node.each_round_days}{w.kw('within_days')}"
    if node.text is not None:
        out += f" {text(node.text.value)}"
    return out


def _task_fields(w: _Writer, depth: int, node: TaskFields) -> None:
    """The fields in the order of the plan table's columns (docs/language.md)."""
    words = w.words
    if node.group is not None:
        w.add(depth, f"{w.kw('group')} {text(node.group.value)}", node.group.span)
    if node.items is not None:
        if len(node.items) == 1 and not _has_attributes(node.items[0]):
            w.add(depth, f"{w.kw('items')} {text(node.items[0].text.value)}", node.items[0].span)
        else:
            w.add(depth, f"{w.kw('items')} {{", node.items[0].span if node.items else None)
            for item in node.items:
                _item(w, depth + 1, item)
            w.add(depth, "}", None, closing=True)
    if node.category is not None:
        w.add(depth, f"{w.kw('category')} {text(node.category.value)}", node.category.span)
    if node.scope is not None:
        w.add(depth, _scope(w, node.scope), node.scope.span)
    if node.rate is not None:
        _rate_spec(w, depth, node.rate)
    if node.rounds is not None:
        w.add(depth, f"{w.kw('rounds')} {words.rounds(node.rounds)}", node.rounds.span)
    if node.risk is not None:
        w.add(depth, _risk(w, node.risk), node.risk.span)
    if node.window is not None:
        w.add(depth, f"{w.kw('window')} {words.window(node.window)}", node.window.span)
    if node.draw_window is not None:
        w.add(depth, _draw_window(w, node.draw_window), node.draw_window.span)
    for batch in node.batches:
        w.add(depth, _batch(w, batch), batch.span)
    if node.directed is not None:
        w.add(depth, w.kw("directed") if node.directed else w.kw("undirected"), None)
    if node.lead is not None:
        w.add(depth, f"{w.kw('lead')} {node.lead.value}", node.lead.span)
    if node.guide is not None:
        w.add(depth, f"{w.kw('guide')} {node.guide.value}", node.guide.span)
    if node.inspect:
        w.add(depth, f"{w.kw('inspect')} {words.names(node.inspect)}", node.inspect[0].span)
    if node.assist:
        w.add(depth, f"{w.kw('assist')} {words.names(node.assist)}", node.assist[0].span)
    elif node.assist_unstated is not None:
        note = node.assist_unstated.text
        w.add(depth, f"{w.kw('assist')} {w.kw('unstated')}" + (f" {text(note.value)}" if note else ""),
              node.assist_unstated.span)
    if node.modes:
        w.add(depth, f"{w.kw('mode')} {words.names(node.modes)}", node.modes[0].span)
    if node.methods:
        w.add(depth, f"{w.kw('method')} {words.texts(node.methods)}", node.methods[0].span)
    _materials(w, depth, node.materials)
    if node.remarks is not None:
        w.add(depth, f"{w.kw('remarks')} {text(node.remarks.value)}", node.remarks.span)


def _has_attributes(item: Item) -> bool:
    return any((item.basis, item.code, item.category, item.methods, item.materials, item.inspect, item.scope))


def _task(w: _Writer, node: Task) -> None:
    w.add(0, f"{w.kw('task')} {_task_code(node.code)} {text(node.name.value)} {{", node.span)
    _task_fields(w, 1, node)
    for part in node.parts:
        _part(w, part)
    w.close(0, node.span)


def _part(w: _Writer, node: Part) -> None:
    label = f" {text(node.label.value)}" if node.label is not None else ""
    w.add(1, f"{w.kw('part')}{label} {{", node.span)
    _task_fields(w, 2, node)
    w.close(1, node.span)


def _task_code(node: TaskCode) -> str:
    return node.text if node.number is not None else text(node.text)


def _joint(w: _Writer, node: JointDraw) -> None:
    name = f" {text(node.name.value)}" if node.name is not None else ""
    w.add(0, f"{w.kw('joint')}{name} {{", node.span)
    if node.tasks:
        w.add(1, f"{w.kw('task')} {'、'.join(_task_code(code) for code in node.tasks)}", node.tasks[0].span)
    if node.rate is not None:
        _rate_spec(w, 1, node.rate)
    if node.remarks is not None:
        w.add(1, f"{w.kw('remarks')} {text(node.remarks.value)}", node.remarks.span)
    w.close(0, node.span)


def _layout(plan: Plan, words: _Words) -> list[_Line]:
    w = _Writer(words)
    _header(w, plan.header)
    w.blank()
    _fields(w, plan.fields)
    w.blank()
    for department in plan.departments:
        if department.units or department.area or department.full_name or department.doc_number \
                or department.contact or department.phone or department.address or department.site:
            w.blank()
            _department(w, department)
            w.blank()
        else:
            _department(w, department)
    w.blank()
    for level in plan.levels:
        _org_level(w, level)
        w.blank()
    for profile in plan.profiles:
        _profile(w, profile)
        w.blank()
    for task in plan.tasks:
        _task(w, task)
        w.blank()
    for joint in plan.joints:
        _joint(w, joint)
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


def format_plan(plan: Plan, comments: tuple[Comment, ...] = (), language: str = "zh") -> str:
    """The canonical text of a plan in the keyword language `language` ("zh" or "en"), comments
    kept, ending with one newline. `ParseResult.language` tells which one a file is written in."""
    lines = _place_comments(_layout(plan, _Words(language)), comments)
    return "\n".join(lines) + "\n" if lines else ""
