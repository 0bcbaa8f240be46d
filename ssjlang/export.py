"""The plan as data (`ssj export --format json`): the schema of docs/architecture.md.

Other tools (a spreadsheet macro, the government's own system, a reviewer's script) read a plan
through this JSON instead of parsing `.ssj`. Everything is deterministic: keys in the documented
order, lists in file order, department names canonical (aliases resolved), windows as ISO dates,
and `text` fields rendered the way the printed plan table writes them (不低于10%, 1次/年, 3月—11月).
"""

from __future__ import annotations

from decimal import Decimal

from .checker import (
    COUNT_OP_WORDS,
    canonical_field,
    department_index,
    format_decimal,
    is_directed,
    profiles_by_name,
    rate_text,
    resolve_deadline,
    resolve_window,
)
from .nodes import (
    And,
    Compare,
    CountRates,
    DatePoint,
    Money,
    Not,
    Number,
    Or,
    Plan,
    Rate,
    RateSpec,
    RiskLevel,
    RiskProfile,
    Scalar,
    Selector,
    SubgroupRates,
    Task,
    Text,
    ValueList,
    Window,
)

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def number(value: Decimal) -> int | float:
    """A whole number as int (20), otherwise float (12.5): what a JSON reader expects."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def export_plan(plan: Plan) -> dict[str, JsonValue]:
    """The whole plan as JSON-ready data (meant for a plan that checked without errors)."""
    header = plan.header
    departments = department_index(plan)
    profiles = profiles_by_name(plan)
    year = header.year.value if header.year is not None else None
    return {
        "plan": {
            "title": _text(header.title),
            "year": year,
            "region": _text(header.region),
            "division_code": _text(header.division_code),
            "authority": _text(header.authority),
            "doc_number": _text(header.doc_number),
            "contact": _text(header.contact),
        },
        "fields": [{"name": decl.name.value, "kind": decl.kind.value} for decl in plan.fields],
        "departments": [
            {"name": d.name.value, "aliases": [alias.value for alias in d.aliases]} for d in plan.departments
        ],
        "profiles": [_profile(profile) for profile in plan.profiles],
        "tasks": [_task(task, year, departments, profiles) for task in plan.tasks],
    }


def _text(node: Text | None) -> str | None:
    return node.value if node is not None else None


def _profile(profile: RiskProfile) -> dict[str, JsonValue]:
    return {
        "name": profile.name.value,
        "description": _text(profile.description),
        "levels": [_level(level) for level in profile.levels],
    }


def _level(level: RiskLevel) -> dict[str, JsonValue]:
    multiplier: float | None
    if level.multiplier is not None:
        multiplier = float(level.multiplier)
    elif level.rate is None:
        multiplier = 1.0
    else:
        multiplier = None
    return {
        "risk": level.risk.value,
        "risk_name": level.risk.chinese,
        "multiplier": multiplier,
        "rate": rate_json(level.rate) if level.rate is not None else None,
        "rounds_per_year": level.rounds.per_year if level.rounds is not None else None,
    }


def rate_json(rate: Rate) -> dict[str, JsonValue]:
    """A simple rate (no sub-populations, no size conditions); count_unit (户 家 所 个) is null
    when the rate has no count."""
    return {
        "percent": number(rate.percent) if rate.percent is not None else None,
        "at_least": rate.at_least,
        "count": rate.count,
        "min_count": rate.min_count,
        "count_unit": rate.count_unit if rate.count is not None or rate.min_count is not None else None,
        "text": rate_text(rate),
    }


def rate_spec_json(spec: RateSpec) -> dict[str, JsonValue]:
    """A task's 比例 in the documented shape: simple, per sub-population, or by population size."""
    if isinstance(spec, Rate):
        simple = rate_json(spec)
        return {**{k: v for k, v in simple.items() if k != "text"}, "subgroups": None, "by_count": None,
                "text": simple["text"]}
    empty: dict[str, JsonValue] = {"percent": None, "at_least": False, "count": None, "min_count": None,
                                   "count_unit": None}
    if isinstance(spec, SubgroupRates):
        subgroups: list[JsonValue] = [
            {"label": _text(rule.label), "selector": selector_json(rule.selector),
             "rate": rate_json(rule.rate)}
            for rule in spec.rules
        ]
        return {**empty, "subgroups": subgroups, "by_count": None, "text": spec_text(spec)}
    by_count: list[JsonValue] = [
        {"op": rule.op.value, "threshold": rule.threshold, "rate": rate_json(rule.rate)}
        for rule in spec.rules
    ]
    return {**empty, "subgroups": None, "by_count": by_count, "text": spec_text(spec)}


def spec_text(spec: RateSpec) -> str:
    """Plan-table wording: `三级：不低于50%；二级：不低于30%`, `总数不超过10：2户；总数超过10：不低于50%`."""
    if isinstance(spec, Rate):
        return rate_text(spec)
    if isinstance(spec, SubgroupRates):
        parts = []
        for rule in spec.rules:
            label = rule.label.value if rule.label is not None else selector_text(rule.selector)
            parts.append(f"{label}：{rate_text(rule.rate)}")
        return "；".join(parts)
    assert isinstance(spec, CountRates)
    return "；".join(
        f"总数{COUNT_OP_WORDS.get(rule.op, rule.op.value)}{rule.threshold}：{rate_text(rule.rate)}"
        for rule in spec.rules
    )


def scalar_json(value: Scalar) -> JsonValue:
    """A selector value as JSON: text, a number, or {"wan_yuan": …} for money."""
    if isinstance(value, Text):
        return value.value
    if isinstance(value, Money):
        return {"wan_yuan": number(value.wan_yuan)}
    return number(value.value)


def selector_json(selector: Selector) -> dict[str, JsonValue]:
    """Selector as data; English field aliases become the standard Chinese field names."""
    if isinstance(selector, Compare):
        value: JsonValue
        if isinstance(selector.value, ValueList):
            value = [scalar_json(v) for v in selector.value.values]
        else:
            value = scalar_json(selector.value)
        return {"op": selector.op.value, "field": canonical_field(selector.field.value), "value": value}
    if isinstance(selector, And | Or):
        operands: list[JsonValue] = [selector_json(operand) for operand in selector.operands]
        return {"op": "and" if isinstance(selector, And) else "or", "operands": operands}
    assert isinstance(selector, Not)
    return {"op": "not", "operand": selector_json(selector.operand)}


def _scalar_text(value: Scalar) -> str:
    if isinstance(value, Text):
        return f"“{value.value}”"
    if isinstance(value, Money):
        return f"{format_decimal(value.wan_yuan)}万元"
    assert isinstance(value, Number)
    return format_decimal(value.value)


def selector_text(selector: Selector) -> str:
    """A short human rendering of a selector, used when a sub-population has no label."""
    if isinstance(selector, Compare):
        if isinstance(selector.value, ValueList):
            value = "、".join(_scalar_text(v) for v in selector.value.values)
        else:
            value = _scalar_text(selector.value)
        return f"{selector.field.value}{selector.op.value}{value}"
    if isinstance(selector, And | Or):
        joiner = "且" if isinstance(selector, And) else "或"
        return joiner.join(f"（{selector_text(o)}）" if isinstance(o, And | Or) else selector_text(o)
                           for o in selector.operands)
    assert isinstance(selector, Not)
    return f"非（{selector_text(selector.operand)}）"


def point_text(point: DatePoint) -> str:
    """`3月`, `次年2月`, `2024年3月`, `2026年2月24日`."""
    prefix = f"{point.year}年" if point.year is not None else ("次年" if point.next_year else "")
    day = f"{point.day}日" if point.day is not None else ""
    return f"{prefix}{point.month}月{day}"


def window_text(window: Window) -> str:
    """`3月—11月`, `12月至次年2月`, `4月`, `2026年2月24日—2026年11月30日`."""
    if window.end is None:
        return point_text(window.start)
    separator = "至" if window.end.next_year else "—"
    return f"{point_text(window.start)}{separator}{point_text(window.end)}"


def window_json(window: Window, year: int | None) -> dict[str, JsonValue]:
    """A task window as ISO start/end dates in the plan year (null without a year) and its table text."""
    if year is None:
        return {"start": None, "end": None, "text": window_text(window)}
    start, end = resolve_window(window, year)
    return {"start": start.isoformat(), "end": end.isoformat(), "text": window_text(window)}


def risk_text(task: Task, profiles: dict[str, RiskProfile]) -> str:
    """The task's override text, else its profile's description, else "" (no profile)."""
    ref = task.risk
    if ref is None:
        return ""
    if ref.text is not None:
        return ref.text.value
    if ref.profile is None:
        return ""
    profile = profiles.get(ref.profile.value)
    if profile is None or profile.description is None:
        return ""
    return profile.description.value


def _task(task: Task, year: int | None, departments: dict[str, str],
          profiles: dict[str, RiskProfile]) -> dict[str, JsonValue]:
    scope: JsonValue = None
    if task.scope is not None:
        scope = {
            "text": task.scope.text.value,
            "selector": selector_json(task.scope.selector) if task.scope.selector is not None else None,
        }
    batches: list[JsonValue] = []
    for batch in task.batches:
        deadline = (resolve_deadline(batch.deadline, year).isoformat()
                    if year is not None or batch.deadline.year is not None else None)
        batches.append({"name": batch.name.value, "deadline": deadline})
    return {
        "no": task.number.value,
        "name": task.name.value,
        "items": [item.value for item in task.items] if task.items is not None else [],
        "scope": scope,
        "rate": rate_spec_json(task.rate) if task.rate is not None else None,
        "rounds_per_year": task.rounds.per_year if task.rounds is not None else None,
        "rounds_text": f"{task.rounds.per_year}次/年" if task.rounds is not None else None,
        "risk_profile": (task.risk.profile.value
                         if task.risk is not None and task.risk.profile is not None else None),
        "risk_text": risk_text(task, profiles),
        "window": window_json(task.window, year) if task.window is not None else None,
        "batches": batches,
        "directed": is_directed(task),
        "lead": departments.get(task.lead.value, task.lead.value) if task.lead is not None else None,
        "assist": [departments.get(name.value, name.value) for name in task.assist],
        "mode": task.mode.value if task.mode is not None else None,
    }

