"""The plan as data (`ssj export --format json`): the schema of docs/architecture.md.

Other tools (a spreadsheet macro, the government's own system, a reviewer's script) read a plan
through this JSON instead of parsing `.ssj`. It is written from the resolved plan (`resolved`), the
same tree the draw and the documents read. Everything is deterministic: keys in the documented
order (the keys of the first version first, later additions after them), lists in file order,
department names canonical (aliases resolved), windows as ISO dates, and `text` fields rendered the way
the printed plan table writes them (不低于10%, 1次/年, 3月—11月).
"""

from __future__ import annotations

from decimal import Decimal

from ..language.nodes import Compare, Money, Not, Scalar, Selector, Text, ValueList
from .resolve import canonical_field
from .resolved import (
    Body,
    ClassLevel,
    CountRates,
    DrawUnit,
    JointDraw,
    Profile,
    RateRule,
    RateSpec,
    ResolvedPlan,
    ResolvedTask,
    SubgroupRates,
    WindowSpec,
)

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def number(value: Decimal) -> int | float:
    """A whole number as int (20), otherwise float (12.5): what a JSON reader expects."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def export_plan(plan: ResolvedPlan) -> dict[str, JsonValue]:
    """The whole resolved plan as JSON-ready data."""
    organisation = plan.organisation
    return {
        "plan": {
            "title": plan.title,
            "year": plan.year,
            "region": plan.region,
            "division_code": plan.division_code,
            "authority": plan.authority,
            "doc_number": plan.doc_number,
            "contact": plan.contact,
            "plan_no": plan.plan_no,
            "phone": plan.phone,
            "address": plan.address,
            "site": plan.site,
            "witnesses": list(plan.witnesses),
            "publish_risk": plan.publish_risk,
            "materials": list(plan.materials),
        },
        "fields": [{"name": name, "kind": kind.value} for name, kind in plan.declared_fields],
        "departments": [
            {"name": d.name, "aliases": list(d.aliases),
             "units": [{"name": name, "aliases": list(aliases)} for name, aliases in d.units],
             "full_name": d.issuer.full_name, "doc_number": d.issuer.doc_number, "contact": d.issuer.contact,
             "phone": d.issuer.phone, "address": d.issuer.address, "site": d.issuer.site,
             "areas": list(d.areas)}
            for d in organisation.departments
        ],
        "profiles": [_profile(profile) for profile in plan.profiles],
        "tasks": [_task(task, plan.joints) for task in plan.tasks],
        "levels": [{"name": level.name, "text": level.text, "field": level.route_field,
                    "members": list(level.members)} for level in organisation.levels],
        "joints": [_joint(joint) for joint in plan.joints],
    }


def _profile(profile: Profile) -> dict[str, JsonValue]:
    return {
        "name": profile.name,
        "description": profile.description,
        "levels": [_level(level) for level in profile.levels if level.written],
        "field": profile.field,
        "credit": profile.credit,
    }


def _level(level: ClassLevel) -> dict[str, JsonValue]:
    return {
        "risk": level.key,
        "risk_name": level.name,
        "multiplier": float(level.multiplier) if level.multiplier is not None else None,
        "rate": rate_json(level.rate) if level.rate is not None else None,
        "rounds_per_year": level.rounds,
        "exclude": level.exclude,
    }


def rate_json(rate: RateRule) -> dict[str, JsonValue]:
    """A simple rate (no sub-populations, no size conditions); count_unit (户 家 所 个) is null
    when the rate has no count."""
    has_count = rate.count is not None or rate.min_count is not None
    return {
        "percent": number(rate.percent) if rate.percent is not None else None,
        "at_least": rate.at_least,
        "count": rate.count,
        "min_count": rate.min_count,
        "count_unit": rate.unit if has_count else None,
        "text": rate.text,
        **_rate_extras(rate),
    }


def _rate_extras(rate: RateRule) -> dict[str, JsonValue]:
    """What language v2 added to a rate: its form, range, headcount rule, planned count, qualifiers."""
    upper: JsonValue = None
    if rate.upper_ppm is not None:
        upper = number(Decimal(rate.upper_ppm) / 10000)
    elif rate.upper_count is not None:
        upper = rate.upper_count
    return {
        "form": rate.form.value,
        "upper": upper,
        "staff_ratio": [number(part) for part in rate.staff_ratio] if rate.staff_ratio is not None else None,
        "planned": ({"count": rate.planned.count, "approx": rate.planned.approx, "unit": rate.planned.unit}
                    if rate.planned is not None else None),
        "annual": rate.annual,
        "all_levels": rate.all_levels,
        "note": rate.note,
        "drawn_by": rate.drawn_by,
    }


def rate_spec_json(spec: RateSpec) -> dict[str, JsonValue]:
    """A task's 比例 in the documented shape: simple, per sub-population, or by population size."""
    if isinstance(spec, RateRule):
        simple = rate_json(spec)
        return {**{k: v for k, v in simple.items() if k in _SIMPLE_KEYS}, "subgroups": None, "by_count": None,
                "text": simple["text"], **_rate_extras(spec)}
    empty: dict[str, JsonValue] = {"percent": None, "at_least": False, "count": None, "min_count": None,
                                   "count_unit": None}
    if isinstance(spec, SubgroupRates):
        subgroups: list[JsonValue] = [
            {"label": rule.label, "selector": selector_json(rule.selector), "rate": rate_json(rule.rate),
             "name": rule.name}
            for rule in spec.rules
        ]
        planned = ({"count": spec.planned.count, "approx": spec.planned.approx, "unit": spec.planned.unit}
                   if spec.planned is not None else None)
        return {**empty, "subgroups": subgroups, "by_count": None, "text": spec.text, "form": "subgroups",
                "planned": planned,
                "overall_percent": number(spec.overall_percent) if spec.overall_percent is not None else None}
    assert isinstance(spec, CountRates)
    by_count: list[JsonValue] = [
        {"op": rule.op.value, "threshold": rule.threshold, "rate": rate_json(rule.rate)}
        for rule in spec.rules
    ]
    return {**empty, "subgroups": None, "by_count": by_count, "text": spec.text, "form": "by-count"}


_SIMPLE_KEYS = ("percent", "at_least", "count", "min_count", "count_unit")


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
    if isinstance(selector, Not):
        return {"op": "not", "operand": selector_json(selector.operand)}
    operands: list[JsonValue] = [selector_json(operand) for operand in selector.operands]
    return {"op": "and" if selector.__class__.__name__ == "And" else "or", "operands": operands}


def window_json(window: WindowSpec) -> dict[str, JsonValue]:
    """A window as ISO start/end dates and its table text."""
    return {"start": window.start.isoformat(), "end": window.end.isoformat(), "text": window.text}


def _body(body: Body | None) -> JsonValue:
    return body.name if body is not None else None


def unit_json(unit: DrawUnit) -> dict[str, JsonValue]:
    """One draw unit's fields (a task's, or a sub-row's with the task's inherited)."""
    scope: dict[str, JsonValue] = {"text": unit.scope_text,
                                   "selector": (selector_json(unit.selector) if unit.selector is not None
                                                else None)}
    return {
        "items": [item.text for item in unit.items],
        "scope": scope,
        "rate": rate_spec_json(unit.rate),
        "rounds_per_year": unit.rounds,
        "rounds_text": unit.rounds_spec.text,
        "risk_profile": unit.profile.name if unit.profile is not None else None,
        "risk_text": unit.risk_text,
        "window": window_json(unit.window),
        "batches": [{"name": b.name, "deadline": b.deadline.isoformat()} for b in unit.batches],
        "directed": unit.directed,
        "lead": unit.lead.name,
        "assist": [body.name for body in unit.assist],
        "mode": "、".join(unit.modes) if unit.modes else None,
        # language v2
        "item_details": [{"text": item.text, "basis": item.basis, "code": item.code,
                          "category": item.category, "key": item.key, "methods": list(item.methods),
                          "materials": list(item.materials),
                          "inspect": [body.name for body in item.inspect],
                          "scope": ({"text": item.scope_text,
                                     "selector": (selector_json(item.selector) if item.selector is not None
                                                  else None)}
                                    if item.scope_text is not None else None)}
                         for item in unit.items],
        "base": ({"count": unit.base.count, "approx": unit.base.approx, "unit": unit.base.unit,
                  "note": unit.base.note} if unit.base is not None else None),
        "rounds": {"times": unit.rounds_spec.times, "period": unit.rounds_spec.period.value,
                   "at_least": unit.rounds_spec.at_least, "independent": unit.rounds_spec.independent,
                   "count": unit.rounds},
        "risk_label": unit.risk_label,
        "draw_window": window_json(unit.draw_window) if unit.draw_window is not None else None,
        "draw_note": unit.draw_note,
        "batch_mode": unit.batch_mode.value if unit.batch_mode is not None else None,
        "guide": _body(unit.guide),
        "inspect": [body.name for body in unit.inspect],
        "modes": list(unit.modes),
        "methods": list(unit.methods),
        "category": unit.category,
        "remarks": unit.remarks,
        "materials": list(unit.materials),
        "group": unit.group,
        "round_windows": [{"start": start.isoformat(), "end": end.isoformat()}
                          for start, end in unit.round_windows],
        "round_draw_days": unit.round_draw_days,
        "round_draw_windows": ([{"start": w[0].isoformat(), "end": w[1].isoformat()}
                                for w in map(unit.round_draw_window, unit.round_windows) if w is not None]
                               if unit.round_draw_days is not None else None),
        "assist_unstated": unit.assist_unstated,
    }


def _joint(joint: JointDraw) -> dict[str, JsonValue]:
    """合并抽取: its name, the tasks it draws for, its own rate and remarks,
    and the code records use (1+2)."""
    return {"code": joint.unit.code.text, "name": joint.name,
            "tasks": [m.code.number if m.code.number is not None else m.code.text for m in joint.unit.joint],
            "rate": rate_spec_json(joint.unit.rate), "remarks": joint.remarks}


def _task(task: ResolvedTask, joints: tuple[JointDraw, ...] = ()) -> dict[str, JsonValue]:
    main = task.main
    no: JsonValue = task.code.number if task.code.number is not None else task.code.text
    out: dict[str, JsonValue] = {"no": no, "name": task.name}
    out.update(unit_json(main))
    out["code"] = task.code.text
    out["parts"] = ([{"sub": unit.sub, "label": unit.label, **unit_json(unit)} for unit in task.units]
                    if task.has_parts else [])
    out["joint"] = next((j.unit.code.text for j in joints
                         if any(m.code.stream_id == task.code.stream_id for m in j.unit.joint)), None)
    return out
