"""A registry and a roster made to fit a plan, so that every corpus plan can be drawn and compiled end to end.

For each draw unit of the resolved plan the generator writes subjects that satisfy the unit's selector —
and, where the unit has them, each sub-population rule, each class of its escalation profile, each office
of an inspecting level, and items with their own 对象 筛选 half the time — in every credit-risk class. The
roster gives every declared department and unit three qualified inspectors. Everything is a pure function
of the plan, so a test's draw is reproducible.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ssjlang.check.resolve import canonical_field
from ssjlang.check.resolved import BodyKind, ResolvedPlan, SubgroupRates
from ssjlang.interpret.uscc import uscc_check_char
from ssjlang.language.nodes import (
    And,
    Compare,
    CompareOp,
    FieldKind,
    Money,
    Not,
    Number,
    Or,
    Selector,
    Text,
    ValueList,
)
from ssjlang.output import csv_bytes

STANDARD = ("统一社会信用代码", "名称", "类型", "行业类别", "风险等级", "注册资本", "地址", "所属区域",
            "法定代表人", "联系电话")
RISKS = ("A", "B", "C", "D", "U")
OTHER = "其他"
PER_GROUP = 12
"""Subjects written for each way a unit can be met (a sub-population, a class, an office)."""

_NEGATED = {CompareOp.EQ: CompareOp.NE, CompareOp.NE: CompareOp.EQ, CompareOp.IN: CompareOp.NOT_IN,
            CompareOp.NOT_IN: CompareOp.IN, CompareOp.LT: CompareOp.GE, CompareOp.GE: CompareOp.LT,
            CompareOp.LE: CompareOp.GT, CompareOp.GT: CompareOp.LE}


def _scalar(value: object) -> object:
    if isinstance(value, Text):
        return value.value
    if isinstance(value, Money):
        return value.wan_yuan
    if isinstance(value, Number):
        return value.value
    return value


def _shifted(value: object, step: int) -> object:
    """A number or an ISO date moved by `step` (for strict comparisons)."""
    if isinstance(value, Decimal):
        return value + step
    text = str(value)
    try:
        return (date.fromisoformat(text) + timedelta(days=step)).isoformat()
    except ValueError:
        return text


def satisfy(selector: Selector | None, kinds: dict[str, FieldKind], cells: dict[str, Any],
            negate: bool = False) -> None:
    """Set `cells` (field → value; a list field → a list) so that the subject meets `selector`."""
    if selector is None:
        return
    if isinstance(selector, Not):
        satisfy(selector.operand, kinds, cells, not negate)
        return
    if isinstance(selector, And | Or):
        conjunctive = isinstance(selector, And) != negate
        operands = selector.operands if conjunctive else selector.operands[:1]
        for operand in operands:
            satisfy(operand, kinds, cells, negate)
        return
    assert isinstance(selector, Compare)
    field = canonical_field(selector.field.value)
    kind = kinds.get(selector.field.value, FieldKind.TEXT)
    op = _NEGATED.get(selector.op, selector.op) if negate else selector.op
    if isinstance(selector.value, ValueList):
        values = [_scalar(v) for v in selector.value.values]
    else:
        values = [_scalar(selector.value)]
    first = values[0] if values else OTHER
    if kind is FieldKind.LIST:
        listed = cells.setdefault(field, [])
        if op in (CompareOp.EQ, CompareOp.CONTAINS, CompareOp.IN) \
                and not (negate and op is CompareOp.CONTAINS):
            listed.append(str(first))
        return
    if op in (CompareOp.EQ, CompareOp.IN, CompareOp.CONTAINS, CompareOp.GE, CompareOp.LE):
        cells[field] = first
    elif op is CompareOp.GT:
        cells[field] = _shifted(first, 1)
    elif op is CompareOp.LT:
        cells[field] = _shifted(first, -1)
    elif kind in (FieldKind.NUMBER, FieldKind.MONEY):
        cells[field] = _shifted(first if isinstance(first, Decimal) else Decimal(0), 1)
    else:
        cells[field] = OTHER


def _ways(plan: ResolvedPlan) -> list[dict[str, Any]]:
    """One template of cells for every way a subject can fall into a unit."""
    kinds = dict(plan.fields)
    out: list[dict[str, Any]] = []
    for unit in plan.units:
        rules = ([rule.selector for rule in unit.rate.rules] if isinstance(unit.rate, SubgroupRates)
                 else [None])
        classes: list[tuple[str, str]] = [("", "")]
        if unit.profile is not None and not unit.profile.credit:
            classes = [(unit.profile.field, level.key) for level in unit.profile.levels if level.key != "U"]
        offices: list[tuple[str, str]] = [("", "")]
        for body in (*unit.inspecting, *unit.assist, unit.lead):
            if body.kind is BodyKind.LEVEL and body.route_field is not None:
                offices = [(body.route_field, area)
                           for member in body.members for area in body.areas[member][:1]]
                break
        for rule in rules:
            for class_field, value in classes:
                for area_field, area in offices:
                    cells: dict[str, Any] = {}
                    satisfy(unit.selector, kinds, cells)
                    satisfy(rule, kinds, cells)
                    if class_field:
                        cells[class_field] = value
                    if area_field:
                        cells[area_field] = area
                    out.append(cells)
    return out


def registry_csv(plan: ResolvedPlan, division: str = "140502") -> bytes:
    """The registry: PER_GROUP subjects per way into each unit, risk classes in turn, valid USCCs."""
    declared = [name for name, _ in plan.declared_fields]
    header = [*STANDARD, *declared]
    rows: list[list[str]] = []
    number = 0
    for cells in _ways(plan):
        for i in range(PER_GROUP):
            number += 1
            first17 = f"91{division}MA{number:07d}"
            row = {"统一社会信用代码": first17 + uscc_check_char(first17),
                   "名称": f"测试对象{number:05d}有限公司", "类型": "有限责任公司", "行业类别": "",
                   "风险等级": RISKS[i % len(RISKS)].replace("U", ""), "注册资本": "100",
                   "地址": f"测试路{number}号", "所属区域": "", "法定代表人": f"法人{number}",
                   "联系电话": f"0356-{number:07d}"}
            for field, value in cells.items():
                if isinstance(value, list):
                    row[field] = "、".join(dict.fromkeys(value))
                elif isinstance(value, Decimal):
                    row[field] = format(value, "f")
                else:
                    row[field] = str(value)
            for name, kind in plan.declared_fields:
                row.setdefault(name, "2024-01-01" if kind is FieldKind.DATE else ("0" if kind in (
                    FieldKind.NUMBER, FieldKind.MONEY) else OTHER))
                if row[name] == "" and kind in (FieldKind.NUMBER, FieldKind.MONEY):
                    row[name] = "0"
            rows.append([row.get(column, "") for column in header])
    return csv_bytes(header, rows)


def roster_csv(plan: ResolvedPlan) -> bytes:
    """Three qualified inspectors for every declared department and unit."""
    names: list[str] = []
    for department in plan.organisation.departments:
        names.append(department.name)
        names += [unit for unit, _ in department.units]
    rows = []
    for d, name in enumerate(names, start=1):
        for i in range(1, 4):
            rows.append([f"T{d:03d}{i:02d}", f"检查员{d}-{i}", name, "是", "", "", ""])
    return csv_bytes(["执法证号", "姓名", "部门", "执法资格", "专长", "回避对象", "不可用日期"], rows)
