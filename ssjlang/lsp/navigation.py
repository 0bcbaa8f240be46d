"""Who is declared where and named where (定义与引用): departments, their units (单位), levels (层级) and
risk profiles, for go-to-definition, find-references, hover and completion.

A task names bodies in 发起, 指导, 检查 and 配合 (and in the 检查 of an item), in its own fields and in each
sub-row's (子项); it names a profile in 风险. Names and aliases resolve as the resolve stage resolves them
(`resolve.resolve_organisation`: the first declaration of a name wins).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lsprotocol import types

from ..check.resolve import resolve_organisation
from ..language.nodes import Department, Level, Name, Plan, RiskProfile, Span, Task, TaskFields, Unit
from .analysis import Analysis
from .positions import Positions

BODY_KINDS = {"department": "部门 (department)", "unit": "单位 (unit)", "level": "层级 (level)"}


@dataclass(frozen=True)
class Target:
    """A declared thing the cursor is on: its kind (department, unit, level or profile), its declared
    name, and the span of the name under the cursor."""

    kind: str
    name: str
    span: Span


@dataclass(frozen=True)
class Declared:
    """A declaration: the node (Department, Unit, Level or RiskProfile) and the names it declares."""

    kind: str
    node: Department | Unit | Level | RiskProfile
    names: tuple[Name, ...]

    @property
    def name(self) -> str:
        return self.names[0].value


def declared(plans: list[Plan]) -> list[Declared]:
    """Every declaration of the plans, in file order (departments with their units, levels, profiles)."""
    out: list[Declared] = []
    for plan in plans:
        for department in plan.departments:
            out.append(Declared("department", department, (department.name, *department.aliases)))
            out += [Declared("unit", unit, (unit.name, *unit.aliases)) for unit in department.units]
        out += [Declared("level", level, (level.name,)) for level in plan.levels]
        out += [Declared("profile", profile, (profile.name,)) for profile in plan.profiles]
    return out


def rows(task: Task) -> tuple[TaskFields, ...]:
    """A task and its sub-rows: every place its fields may be written."""
    return (task, *task.parts)


def body_names(task: Task) -> Iterator[Name]:
    """Every body a task names: 发起, 指导, 检查, 配合, and the 检查 of its items."""
    for row in rows(task):
        yield from (n for n in (row.lead, row.guide) if n is not None)
        yield from (*row.inspect, *row.assist)
        for item in row.items or ():
            yield from item.inspect


def profile_names(task: Task) -> Iterator[Name]:
    for row in rows(task):
        if row.risk is not None and row.risk.profile is not None:
            yield row.risk.profile


def _contains(span: Span, offset: int) -> bool:
    return span.line > 0 and span.start <= offset <= span.end


def target_at(analysis: Analysis, offset: int) -> Target | None:
    """The department, unit, level or profile named at `offset` (its declaration, an alias, or a use)."""
    plan = analysis.plan
    if plan is None:
        return None
    virtual = analysis.virtual_offset(offset)
    for found in declared([plan]):
        for name in found.names:
            if _contains(name.span, virtual):
                return Target(found.kind, found.name, name.span)
    index = resolve_organisation(plan).index
    for task in plan.tasks:
        if not _contains(task.span, virtual):
            continue
        for name in body_names(task):
            body = index.get(name.value)
            if body is not None and _contains(name.span, virtual):
                return Target(body.kind.value, body.name, name.span)
        for name in profile_names(task):
            if _contains(name.span, virtual):
                return Target("profile", name.value, name.span)
    return None


def uses(plan: Plan, target: Target) -> Iterator[Span]:
    """Where tasks name the target (by its name or an alias)."""
    index = resolve_organisation(plan).index
    for task in plan.tasks:
        if target.kind == "profile":
            yield from (name.span for name in profile_names(task) if name.value == target.name)
            continue
        for name in body_names(task):
            body = index.get(name.value)
            if body is not None and body.kind.value == target.kind and body.name == target.name:
                yield name.span


def declaration(plan: Plan, target: Target) -> Declared | None:
    return next((d for d in declared([plan]) if d.kind == target.kind and d.name == target.name), None)


def _locations(analysis: Analysis, positions: Positions, uri: str, spans: list[Span]) -> list[types.Location]:
    return [types.Location(uri=uri, range=positions.range(analysis.absolute(span))) for span in spans]


def definition(analysis: Analysis, positions: Positions, uri: str, offset: int) -> list[types.Location]:
    """Where the body or profile under the cursor is declared."""
    target = target_at(analysis, offset)
    found = declaration(analysis.plan, target) if target is not None and analysis.plan is not None else None
    return _locations(analysis, positions, uri, [found.names[0].span]) if found is not None else []


def references(
    analysis: Analysis, positions: Positions, uri: str, offset: int, include_declaration: bool
) -> list[types.Location]:
    """Every place that names the body or profile under the cursor (its declaration first, if asked)."""
    target = target_at(analysis, offset)
    if target is None or analysis.plan is None:
        return []
    spans = list(uses(analysis.plan, target))
    found = declaration(analysis.plan, target)
    if include_declaration and found is not None:
        spans = [name.span for name in found.names] + spans
    return _locations(analysis, positions, uri, spans)
