"""Plan-table wording (计划表用语): how the printed plan table writes a rate, a frequency, a window.

One place for the words the resolved plan, the export, the documents and the checker's messages use,
so that `不低于10%`, `每季度1次`, `3月—11月`, `10月31日前` read the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal

from .nodes import (
    And,
    Compare,
    CompareOp,
    DatePoint,
    Money,
    Not,
    Number,
    Period,
    Rate,
    Rounds,
    Scalar,
    Selector,
    Text,
    ValueList,
    Window,
    WindowKind,
)

COUNT_OP_WORDS = {CompareOp.LE: "不超过", CompareOp.LT: "少于", CompareOp.GT: "超过", CompareOp.GE: "不少于"}


def format_decimal(value: Decimal) -> str:
    """`20`, `12.5`, `1.5` — no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def rate_text(rate: Rate) -> str:
    """The plan-table rendering, with the count unit as written: 不低于10%, 20%, 20家, 不少于2所,
    10%（不少于2户）, 3%（约1200户）, 10%—20%, 60—70家, 每名执法人员不少于10户, 人员比1:2.5, 不抽, 待定,
    5%（约1户），由联合双随机牵头单位抽取."""
    unit = rate.count_unit
    if rate.exclude:
        text = "不抽"
    elif rate.unstated:
        note = rate.unstated_text.value if rate.unstated_text is not None else ""
        text = note or "待定"
    elif rate.staff_ratio is not None:
        inspectors, subjects = rate.staff_ratio
        floor = "不低于" if rate.at_least else ""
        text = f"人员比{floor}{format_decimal(inspectors)}:{format_decimal(subjects)}"
    elif rate.per_inspector:
        text = f"每名执法人员{'不少于' if rate.at_least else ''}{rate.count}{unit}"
    elif rate.count is not None:
        if rate.upper is not None:
            text = f"{rate.count}—{format_decimal(rate.upper)}{unit}"
        else:
            text = f"{'不少于' if rate.at_least else ''}{rate.count}{unit}"
    elif rate.upper is not None:
        text = f"{format_decimal(rate.percent or Decimal(0))}%—{format_decimal(rate.upper)}%"
    else:
        text = f"{'不低于' if rate.at_least else ''}{format_decimal(rate.percent or Decimal(0))}%"
    if rate.min_count is not None:
        text += f"（不少于{rate.min_count}{unit}）"
    if rate.planned is not None:
        text += f"（{'约' if rate.planned.approx else ''}{rate.planned.count}{rate.planned.unit}）"
    if rate.ceiling is not None:
        text += f"（不高于{format_decimal(rate.ceiling)}%）"
    if rate.drawn_by is not None:
        text += f"，由{rate.drawn_by.value}抽取"
    if rate.all_levels:
        text = "各级合计" + text
    if rate.annual:
        text = "全年" + text
    return text


_PERIOD_WORDS = {Period.QUARTER: "每季度", Period.MONTH: "每月", Period.HALF_YEAR: "每半年"}


def rounds_text(rounds: Rounds) -> str:
    """`1次/年`, `不少于1次/年`, `每季度1次`, `每月1次（各轮独立）`."""
    floor = "不少于" if rounds.at_least else ""
    if rounds.period is Period.YEAR:
        text = f"{floor}{rounds.times}次/年"
    else:
        text = f"{_PERIOD_WORDS[rounds.period]}{floor}{rounds.times}次"
    return text + ("（各轮独立）" if rounds.independent else "")


def point_text(point: DatePoint) -> str:
    """`3月`, `次年2月`, `2024年3月`, `2026年2月24日`."""
    prefix = f"{point.year}年" if point.year is not None else ("次年" if point.next_year else "")
    day = f"{point.day}日" if point.day is not None else ""
    return f"{prefix}{point.month}月{day}"


def window_text(window: Window) -> str:
    """`3月—11月`, `12月至次年2月`, `4月`, `2026年2月24日—2026年11月30日`, `10月31日前`, `12月前`,
    `10月底前`, `年底前`, `全年`; `（暂定）` after a tentative window."""
    if window.kind is WindowKind.YEAR_END:
        text = "年底前"
    elif window.kind is WindowKind.WHOLE_YEAR:
        text = "全年"
    elif window.start is None:  # pragma: no cover - the parser gives every other kind a start
        text = ""
    elif window.kind is WindowKind.BEFORE:
        text = f"{point_text(window.start)}前"
    elif window.kind is WindowKind.MONTH_END:
        text = f"{point_text(window.start)}底前"
    elif window.end is None:
        text = point_text(window.start)
    else:
        separator = "至" if window.end.next_year else "—"
        text = f"{point_text(window.start)}{separator}{point_text(window.end)}"
    return text + ("（暂定）" if window.tentative else "")


def _scalar_text(value: Scalar) -> str:
    if isinstance(value, Text):
        return f"“{value.value}”"
    if isinstance(value, Money):
        return f"{format_decimal(value.wan_yuan)}万元"
    assert isinstance(value, Number)
    return format_decimal(value.value)


def selector_text(selector: Selector) -> str:
    """A short human rendering of a selector: `机构等级=“三级”`, `（A）且（B）`."""
    if isinstance(selector, Compare):
        if isinstance(selector.value, ValueList):
            value = "、".join(_scalar_text(v) for v in selector.value.values)
        else:
            value = _scalar_text(selector.value)
        return f"{selector.field.value}{selector.op.value}{value}"
    if isinstance(selector, Not):
        return f"非（{selector_text(selector.operand)}）"
    joiner = "且" if isinstance(selector, And) else "或"
    return joiner.join(f"（{selector_text(o)}）" if not isinstance(o, Compare | Not) else selector_text(o)
                       for o in selector.operands)
