"""Resolution (计划解析): a checked plan's AST → the resolved plan (`resolved.ResolvedPlan`).

`resolve_plan` runs only on a plan the checker passed (`checker.load_plan` calls it), so it assumes
every rule the checker owns and computes: names to declarations, windows to dates, rates to parts per
million and wording, rounds to the windows of each round, sub-rows to draw units. The date and rate
primitives here (`resolve_window`, `percent_ppm`, `split_window`, `period_windows`) are also what the
checker uses to validate, so checking and meaning never drift apart.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import fields as dataclass_fields
from dataclasses import replace as dataclass_replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from ..canonical import canonical_text
from ..language.keywords import simplified
from ..language.nodes import (
    STANDARD_FIELD_ALIASES,
    STANDARD_FIELDS,
    CountRates,
    DatePoint,
    FieldKind,
    Item,
    JointDraw,
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
    SubgroupRates,
    Task,
    TaskCode,
    TaskFields,
    Text,
    Window,
    WindowKind,
)
from ..language.wording import (
    COUNT_OP_WORDS,
    format_decimal,
    rate_text,
    rounds_text,
    selector_text,
    window_text,
)
from . import resolved as r

PPM = 1_000_000
"""100 % in parts per million."""

RISK_FIELD = "风险等级"
"""The registry column of the credit-risk classes (A–D, blank = 未分类)."""

KEY_ITEM_CATEGORIES = frozenset({"重点检查事项", "重点事项", "重点抽查事项"})
"""事项类别 values of a 重点检查事项 (no upper limit on its rate)."""

CREDIT_CLASSES: tuple[RiskClass, ...] = (RiskClass.LOW, RiskClass.MEDIUM, RiskClass.HIGHER, RiskClass.HIGH,
                                         RiskClass.UNCLASSIFIED)


# ---------------------------------------------------------------- dates and windows


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
    """First and last day of a window in plan year `year` (次年 → year + 1), both inclusive.

    Deadline forms start on 1 January of the plan year (of the deadline's year when that is earlier):
    `10月31日前` ends on 10-31 (a day is kept), `12月前` on 11-30 (before the month begins),
    `10月底前` on 10-31, `年底前` on 12-31; `全年` is the year.
    Raises ValueError for an impossible date.
    """
    first = date(year, 1, 1)
    if window.kind is WindowKind.WHOLE_YEAR or window.kind is WindowKind.YEAR_END:
        return first, date(year, 12, 31)
    assert window.start is not None
    if window.kind is WindowKind.BEFORE:
        point = window.start
        if point.day is not None:
            end = resolve_point(point, year, end=True)
        else:
            end = resolve_point(point, year, end=False) - timedelta(days=1)
        return (first if end >= first else date(end.year, 1, 1)), end
    if window.kind is WindowKind.MONTH_END:
        end = resolve_point(window.start, year, end=True)
        return (first if end >= first else date(end.year, 1, 1)), end
    start = resolve_point(window.start, year, end=False)
    inherit = window.start.year if window.start.year is not None and not window.start.next_year else None
    end_point = window.end if window.end is not None else window.start
    end = resolve_point(end_point, year, end=True, inherit_year=inherit if window.end is not None else None)
    return start, end


def resolve_deadline(point: DatePoint, year: int) -> date:
    """A batch deadline (截止): a month alone means its last day."""
    return resolve_point(point, year, end=True)


def split_window(start: date, end: date, parts: int) -> list[tuple[date, date]]:
    """The window cut into `parts` consecutive pieces of whole calendar days.

    With D days in the window, every piece has D div parts days and the first D mod parts pieces
    one day more. Raises ValueError when D < parts.
    """
    days = (end - start).days + 1
    if parts < 1 or days < parts:
        raise ValueError(f"{days} 天不够分成 {parts} 轮")
    base, extra = divmod(days, parts)
    pieces: list[tuple[date, date]] = []
    cursor = start
    for number in range(1, parts + 1):
        length = base + (1 if number <= extra else 0)
        piece_end = cursor + timedelta(days=length - 1)
        pieces.append((cursor, piece_end))
        cursor = piece_end + timedelta(days=1)
    return pieces


_PERIOD_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6}


def period_windows(start: date, end: date, period: Period, times: int) -> list[tuple[date, date]]:
    """SSJ-DRAW-X4 §2: the window cut at calendar periods (quarters Jan–Mar, Apr–Jun …; months;
    halves Jan–Jun, Jul–Dec), each piece the period ∩ the window, then each piece cut into `times`
    parts by `split_window`. Raises ValueError when a piece has fewer days than `times`."""
    months = _PERIOD_MONTHS[period]
    pieces: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        first_month = (cursor.month - 1) // months * months + 1
        period_end_month = first_month + months - 1
        period_end = date(cursor.year, period_end_month,
                          calendar.monthrange(cursor.year, period_end_month)[1])
        piece_end = min(end, period_end)
        pieces.extend(split_window(cursor, piece_end, times))
        cursor = piece_end + timedelta(days=1)
    return pieces


def planned_round_count(rounds: Rounds, start: date, end: date) -> int:
    """How many rounds 频次 asks for in the window: N次/年 is N; 每季度N次 is N per quarter the window
    touches (每月, 每半年 likewise)."""
    if rounds.period is Period.YEAR:
        return rounds.times
    return len(period_windows(start, end, rounds.period, 1)) * rounds.times


# ---------------------------------------------------------------- rates


def percent_ppm(percent: Decimal) -> int:
    """A plan's percent in integer parts per million: 12.5% is 125000. Raises ValueError when it is not
    a whole number of ppm (12.34567%) or negative (the checker reports SSJ128)."""
    exact = percent * 10000
    if exact != exact.to_integral_value() or exact < 0:
        raise ValueError(percent)
    return min(PPM, int(exact))


def escalated_ppm(ppm: int, multiplier: Decimal | None) -> int:
    """A base rate in ppm times an escalation multiplier, rounded *up* to a whole ppm (escalation never
    draws fewer than the plan says) and capped at 100 %."""
    if multiplier is None:
        return ppm
    return min(PPM, int((Decimal(ppm) * multiplier).to_integral_value(rounding=ROUND_CEILING)))


def resolve_rate(rate: Rate) -> r.RateRule:
    """A written rate as the draw applies it (valid by the checker)."""
    if rate.exclude:
        form = r.RateForm.EXCLUDE
    elif rate.unstated:
        form = r.RateForm.UNSTATED
    elif rate.staff_ratio is not None:
        form = r.RateForm.STAFF_RATIO
    elif rate.per_inspector:
        form = r.RateForm.PER_INSPECTOR
    elif rate.count is not None:
        form = r.RateForm.COUNT
    else:
        form = r.RateForm.PERCENT
    percent_form = form is r.RateForm.PERCENT
    if rate.upper is not None and form is r.RateForm.PERCENT:
        upper_ppm: int | None = percent_ppm(rate.upper)
    else:
        upper_ppm = percent_ppm(rate.ceiling) if rate.ceiling is not None else None
    upper_count = int(rate.upper) if rate.upper is not None and form is r.RateForm.COUNT else None
    planned = (r.PlannedCount(rate.planned.count, rate.planned.approx, rate.planned.unit)
               if rate.planned is not None else None)
    return r.RateRule(
        form=form, text=rate_text(rate), span=rate.span,
        percent=rate.percent if percent_form else None,
        ppm=percent_ppm(rate.percent) if percent_form and rate.percent is not None else None,
        at_least=rate.at_least, count=rate.count, min_count=rate.min_count, upper_ppm=upper_ppm,
        upper_count=upper_count, staff_ratio=rate.staff_ratio, planned=planned, annual=rate.annual,
        all_levels=rate.all_levels, unit=rate.count_unit,
        note=rate.unstated_text.value if rate.unstated_text is not None else None,
        drawn_by=rate.drawn_by.value if rate.drawn_by is not None else None)


def subgroup_name(label: Text | None, index: int) -> str:
    """The name of the index-th (0-based) sub-population: its label, or 第N组."""
    return canonical_text(label.value) if label is not None else f"第{index + 1}组"


def resolve_rate_spec(spec: Rate | SubgroupRates | CountRates) -> r.RateSpec:
    """A task's 比例 resolved: one rate, rates per sub-population, or rates by population size."""
    if isinstance(spec, Rate):
        return resolve_rate(spec)
    if isinstance(spec, SubgroupRates):
        rules = tuple(r.SubgroupRate(subgroup_name(rule.label, i), rule.label.value if rule.label else None,
                                     rule.selector, resolve_rate(rule.rate), rule.span)
                      for i, rule in enumerate(spec.rules))
        text = "；".join(f"{rule.label if rule.label is not None else selector_text(rule.selector)}"
                         f"：{rule.rate.text}" for rule in rules)
        planned = None
        if spec.planned is not None:
            planned = r.PlannedCount(spec.planned.count, spec.planned.approx, spec.planned.unit)
            text += f"（合计{'约' if planned.approx else ''}{planned.count}{planned.unit}）"
        if spec.overall is not None:
            text = f"{format_decimal(spec.overall)}%（{text}）"
        return r.SubgroupRates(rules, text, spec.span, planned, spec.overall)
    count_rules = tuple(r.CountRate(rule.op, rule.threshold, resolve_rate(rule.rate), rule.span)
                        for rule in spec.rules)
    text = "；".join(f"总数{COUNT_OP_WORDS.get(rule.op, rule.op.value)}{rule.threshold}：{rule.rate.text}"
                     for rule in count_rules)
    return r.CountRates(count_rules, text, spec.span)


# ---------------------------------------------------------------- fields, profiles


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


def class_key(risk: RiskClass | Text) -> str:
    """The registry value of a profile class: A–D, U, or the written value (重点) in canonical text, as the
    registry's cells are compared."""
    return risk.value if isinstance(risk, RiskClass) else canonical_text(risk.value)


def class_name(risk: RiskClass | Text) -> str:
    """How documents name a class: 低风险 … 未分类, or the written value."""
    return risk.chinese if isinstance(risk, RiskClass) else risk.value.strip()


def profile_classes(profile: RiskProfile) -> list[tuple[str, str, RiskLevel | None]]:
    """(key, name, level) of every class a profile draws, lowest risk first, 未分类 last: the credit
    classes A–D–U (levels not listed apply ×1), or a 按-profile's values in the written order."""
    if profile.by is None or (canonical_field(profile.by.value) == RISK_FIELD and all(
            isinstance(level.risk, RiskClass) for level in profile.levels)):
        levels = {level.risk: level for level in reversed(profile.levels)}
        return [(cls.value, cls.chinese, levels.get(cls)) for cls in CREDIT_CLASSES]
    out: list[tuple[str, str, RiskLevel | None]] = []
    unclassified: RiskLevel | None = None
    for level in profile.levels:
        if level.risk is RiskClass.UNCLASSIFIED:
            unclassified = level
        elif any(key == class_key(level.risk) for key, _, _ in out):
            continue
        else:
            out.append((class_key(level.risk), class_name(level.risk), level))
    out.append((RiskClass.UNCLASSIFIED.value, RiskClass.UNCLASSIFIED.chinese, unclassified))
    return out


def _rounds_times(rounds: Rounds | None) -> int | None:
    return rounds.times if rounds is not None else None


def resolve_profile(profile: RiskProfile) -> r.Profile:
    levels = []
    for key, name, level in profile_classes(profile):
        if level is None:
            levels.append(r.ClassLevel(key, name, Decimal(1), None, None, False, profile.name.span, False))
            continue
        multiplier = level.multiplier if level.multiplier is not None else (
            Decimal(1) if level.rate is None and not level.exclude else None)
        levels.append(r.ClassLevel(key, name, multiplier,
                                   resolve_rate(level.rate) if level.rate is not None else None,
                                   _rounds_times(level.rounds), level.exclude, level.span))
    field = canonical_field(profile.by.value) if profile.by is not None else RISK_FIELD
    return r.Profile(profile.name.value, profile.description.value if profile.description else None, field,
                     field == RISK_FIELD, tuple(levels), profile.span)


# ---------------------------------------------------------------- organisation


def resolve_organisation(plan: Plan) -> r.Organisation:
    """Departments, their units and the levels, indexed by every name and alias (first declaration wins)."""
    index: dict[str, r.Body] = {}
    departments: list[r.Department] = []

    def add(names: Iterable[str], body: r.Body) -> None:
        for name in names:
            index.setdefault(name, body)

    for node in plan.departments:
        name = node.name.value
        aliases = tuple(a.value for a in node.aliases)
        add((name, *aliases), r.Body(r.BodyKind.DEPARTMENT, name, name, name))
        units = []
        for unit in node.units:
            unit_aliases = tuple(a.value for a in unit.aliases)
            add((unit.name.value, *unit_aliases),
                r.Body(r.BodyKind.UNIT, unit.name.value, name, unit.name.value))
            units.append((unit.name.value, unit_aliases))

        def text(value: Text | None) -> str | None:
            return value.value if value is not None else None

        issuer = r.Issuer(text(node.full_name) or name, text(node.doc_number), text(node.contact),
                          text(node.phone), text(node.address), text(node.site))
        departments.append(r.Department(name, aliases, tuple(units), issuer,
                                        tuple(canonical_text(a.value) for a in node.area)))
    areas_of = {d.name: d.areas for d in departments}
    levels: list[r.Body] = []
    for level in plan.levels:
        members = tuple(index[m.value].name for m in level.members if m.value in index)
        by = canonical_field(level.by.value) if level.by is not None else "所属区域"
        body = r.Body(r.BodyKind.LEVEL, level.name.value, None,
                      level.text.value if level.text is not None else level.name.value, members, by,
                      {member: areas_of.get(member, ()) for member in members})
        index.setdefault(level.name.value, body)
        levels.append(body)
    return r.Organisation(tuple(departments), tuple(levels), index)


# ---------------------------------------------------------------- tasks and units


def merged_fields(task: Task, part: Part | None) -> TaskFields:
    """A sub-row's fields: each one the sub-row writes, else the task's (batches likewise)."""
    if part is None:
        return task
    values = {}
    for spec in dataclass_fields(TaskFields):
        mine = getattr(part, spec.name)
        values[spec.name] = mine if mine not in (None, ()) else getattr(task, spec.name)
    values["span"] = part.span
    return TaskFields(**values)


def is_directed(fields: TaskFields) -> bool:
    """定向 as written, else directed exactly when the scope has a 筛选."""
    if fields.directed is not None:
        return fields.directed
    return fields.scope is not None and fields.scope.selector is not None


def risk_text(fields: TaskFields, profiles: Mapping[str, RiskProfile]) -> str:
    """The task's own text, else its profile's description, else "" (no profile)."""
    ref = fields.risk
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


def profiles_by_name(plan: Plan) -> dict[str, RiskProfile]:
    """Escalation profiles by name; the first declaration wins (duplicates are SSJ106)."""
    found: dict[str, RiskProfile] = {}
    for profile in plan.profiles:
        found.setdefault(profile.name.value, profile)
    return found


def unit_rounds(fields: TaskFields, profile: r.Profile | None, window: tuple[date, date]) -> tuple[int, int]:
    """(base rounds, most rounds): the task's 频次 in the window, and that raised by a profile
    level's 频次."""
    assert fields.rounds is not None
    base = planned_round_count(fields.rounds, *window)
    top = (max([base] + [level.rounds for level in profile.levels if level.rounds is not None])
           if profile else base)
    return base, top


def round_windows(fields: TaskFields, rounds: int, year: int) -> tuple[tuple[date, date], ...]:
    """The windows of rounds 1..`rounds`: batch r's span when batches are rounds, the calendar periods
    of 每季度/每月/每半年, else the window cut into `rounds` equal parts (SSJ-DRAW-1 docs/draw.md)."""
    assert fields.window is not None and fields.rounds is not None
    start, end = resolve_window(fields.window, year)
    if fields.batches and len(fields.batches) >= rounds and not (rounds == 1 and len(fields.batches) > 1):
        out: list[tuple[date, date]] = []
        cursor = start
        for batch in fields.batches:
            deadline = resolve_deadline(batch.deadline, year)
            out.append((cursor, deadline))
            cursor = deadline + timedelta(days=1)
        return tuple(out[:rounds])
    if fields.rounds.period is not Period.YEAR:
        return tuple(period_windows(start, end, fields.rounds.period, fields.rounds.times))
    return tuple(split_window(start, end, rounds))


def split_batches(fields: TaskFields, year: int) -> tuple[r.Batch, ...]:
    """Batches that split one round (分两批次完成): batch b runs from the day after batch b−1's deadline
    (batch 1: the window's first day) to its own deadline."""
    assert fields.window is not None
    start, _ = resolve_window(fields.window, year)
    out: list[r.Batch] = []
    cursor = start
    for batch in fields.batches:
        deadline = resolve_deadline(batch.deadline, year)
        out.append(r.Batch(batch.name.value, deadline, cursor, deadline))
        cursor = deadline + timedelta(days=1)
    return tuple(out)


def resolve_unit(task: Task, part: Part | None, index: int | None, plan: Plan, year: int,
                 organisation: r.Organisation, profiles: Mapping[str, r.Profile]) -> r.DrawUnit:
    """One draw unit of a checked task (index: the sub-row's 1-based number, None for the task)."""
    fields = merged_fields(task, part)
    assert fields.items is not None and fields.scope is not None and fields.rate is not None
    assert fields.rounds is not None and fields.lead is not None
    window_node = fields.window if fields.window is not None else (
        fields.draw_window.window if fields.draw_window is not None else None)
    assert window_node is not None
    fields = TaskFields(**{**{f.name: getattr(fields, f.name) for f in dataclass_fields(TaskFields)},
                           "window": window_node})
    start, end = resolve_window(window_node, year)
    profile = profiles[fields.risk.profile.value] if fields.risk is not None and fields.risk.profile else None
    base_rounds, top = unit_rounds(fields, profile, (start, end))
    batch_mode: r.BatchMode | None = None
    batches: tuple[r.Batch, ...] = ()
    if fields.batches:
        if top == 1 and len(fields.batches) > 1:
            batch_mode = r.BatchMode.SPLIT
            batches = split_batches(fields, year)
        else:
            batch_mode = r.BatchMode.ROUNDS
            batches = tuple(r.Batch(b.name.value, resolve_deadline(b.deadline, year), w[0], w[1])
                            for b, w in zip(fields.batches, round_windows(fields, len(fields.batches), year),
                                            strict=False))
    draw_window = None
    draw_note = None
    if fields.draw_window is not None:
        draw_note = fields.draw_window.text.value if fields.draw_window.text is not None else None
        if fields.draw_window.window is not None:
            d_start, d_end = resolve_window(fields.draw_window.window, year)
            draw_window = r.WindowSpec(d_start, d_end, window_text(fields.draw_window.window),
                                       fields.draw_window.window.tentative, fields.draw_window.window.span)

    def body(name: object) -> r.Body:
        return organisation.body(name.value)  # type: ignore[attr-defined]

    items = tuple(_item(item, fields, organisation) for item in fields.items)
    scope = fields.scope
    base = (r.Base(scope.base.count, scope.base.approx, scope.base.unit,
                   scope.base.note.value if scope.base.note else None) if scope.base is not None else None)
    risk = fields.risk
    return r.DrawUnit(
        code=task.code, sub=index, label=part.label.value if part is not None and part.label else None,
        name=task.name.value, items=items, scope_text=scope.text.value, selector=scope.selector, base=base,
        directed=is_directed(fields), rate=resolve_rate_spec(fields.rate),
        rounds_spec=r.RoundsSpec(fields.rounds.times, fields.rounds.period, fields.rounds.at_least,
                                 fields.rounds.independent, rounds_text(fields.rounds), fields.rounds.span),
        rounds=base_rounds, round_windows=round_windows(fields, top, year), profile=profile,
        risk_text=risk_text(fields, profiles_by_name(plan)),
        risk_label=risk.text.value if risk is not None and risk.label and risk.text is not None else None,
        window=r.WindowSpec(start, end, window_text(window_node), window_node.tentative, window_node.span),
        draw_window=draw_window, draw_note=draw_note, batches=batches, batch_mode=batch_mode,
        lead=body(fields.lead), guide=body(fields.guide) if fields.guide is not None else None,
        inspect=tuple(body(n) for n in fields.inspect), assist=tuple(body(n) for n in fields.assist),
        modes=tuple(simplified(m.value) for m in fields.modes),
        methods=tuple(m.value for m in fields.methods),
        category=fields.category.value if fields.category is not None else None,
        remarks=fields.remarks.value if fields.remarks is not None else None,
        group=fields.group.value if fields.group is not None else None,
        materials=tuple(m.value for m in fields.materials),
        round_draw_days=fields.draw_window.each_round_days if fields.draw_window is not None else None,
        assist_unstated=((fields.assist_unstated.text.value if fields.assist_unstated.text is not None
                          else "")
                         if fields.assist_unstated is not None else None),
        spans=r.UnitSpans(header=(part.span if part is not None else task.code.span), scope=scope.span,
                          rate=fields.rate.span, rounds=fields.rounds.span, window=window_node.span,
                          risk=risk.span if risk is not None else task.span,
                          batches=fields.batches[0].span if fields.batches else task.span))


def all_rounds_windows(unit: r.DrawUnit, rounds: int) -> tuple[tuple[date, date], ...]:
    """The windows of a unit drawn in `rounds` rounds (fewer than planned when a profile's escalated
    classes are empty): the equal cut of the window into `rounds` parts, the periods, or the batches."""
    if unit.rounds_spec.period is not Period.YEAR or unit.batch_mode is r.BatchMode.ROUNDS:
        return unit.round_windows[:rounds]
    return tuple(split_window(unit.window.start, unit.window.end, rounds))


def _item(item: Item, fields: TaskFields, organisation: r.Organisation) -> r.Item:
    category = item.category.value if item.category is not None else (
        fields.category.value if fields.category is not None else None)
    return r.Item(item.text.value, item.basis.value if item.basis else None,
                  item.code.value if item.code else None, category,
                  category is not None and category.strip() in KEY_ITEM_CATEGORIES,
                  tuple(m.value for m in item.methods) or tuple(m.value for m in fields.methods),
                  tuple(m.value for m in item.materials),
                  tuple(organisation.body(n.value) for n in item.inspect),
                  item.scope.text.value if item.scope is not None else None,
                  item.scope.selector if item.scope is not None else None)


def resolve_joint(joint: JointDraw, units: Mapping[str, r.DrawUnit]) -> r.JointDraw:
    """合并抽取 as one draw unit (SSJ-DRAW-X5): code `1+2` (the tasks' 序号 joined by +), the union of the
    tasks' populations, the joint rate; rounds, window and profile from the first task (the checker made
    every task agree on them); bodies, modes, items and methods of all the tasks, in task order."""
    members = tuple(units[code.stream_id] for code in joint.tasks)
    first = members[0]
    assert joint.rate is not None
    selectors = [m.selector for m in members]
    selector: Selector | None = None
    if all(s is not None for s in selectors):
        distinct = list(dict.fromkeys(selectors))
        selector = distinct[0] if len(distinct) == 1 else Or(tuple(distinct), joint.span)  # type: ignore[arg-type]

    def union(values: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(values))

    name = joint.name.value if joint.name is not None else None
    unit = dataclass_replace(
        first, code=TaskCode("+".join(m.code.stream_id for m in members), joint.span),
        name=name or "、".join(m.name for m in members), items=tuple(i for m in members for i in m.items),
        scope_text="；".join(union(m.scope_text for m in members)), selector=selector, base=None,
        directed=any(m.directed for m in members), rate=resolve_rate_spec(joint.rate),
        inspect=union(b for m in members for b in m.inspect),
        assist=union(b for m in members for b in m.assist),
        modes=union(x for m in members for x in m.modes),
        methods=union(x for m in members for x in m.methods),
        remarks=joint.remarks.value if joint.remarks is not None else None, group=None, label=None,
        materials=union(x for m in members for x in m.materials),
        spans=dataclass_replace(first.spans, header=joint.span, rate=joint.rate.span), joint=members)
    return r.JointDraw(name, unit, unit.remarks, joint.span)


def resolve_plan(plan: Plan) -> r.ResolvedPlan:
    """The resolved plan of a plan the checker passed without errors."""
    header = plan.header
    assert header.title is not None and header.year is not None
    year = header.year.value
    organisation = resolve_organisation(plan)
    profiles = {name: resolve_profile(profile) for name, profile in profiles_by_name(plan).items()}
    tasks = []
    for task in plan.tasks:
        if task.parts:
            units = tuple(resolve_unit(task, part, i, plan, year, organisation, profiles)
                          for i, part in enumerate(task.parts, start=1))
        else:
            units = (resolve_unit(task, None, None, plan, year, organisation, profiles),)
        tasks.append(r.ResolvedTask(task.code, task.name.value, units, bool(task.parts), task.span))

    def text(value: Text | None) -> str | None:
        return value.value if value is not None else None

    return r.ResolvedPlan(
        title=header.title.value, year=year, region=text(header.region),
        division_code=text(header.division_code), authority=text(header.authority),
        plan_no=text(header.plan_no), doc_number=text(header.doc_number), contact=text(header.contact),
        phone=text(header.phone), address=text(header.address), site=text(header.site),
        witnesses=tuple(w.value for w in header.witnesses),
        publish_risk=header.publish_risk is not None, materials=tuple(m.value for m in header.materials),
        declared_fields=tuple((d.name.value, d.kind) for d in plan.fields), fields=field_kinds(plan),
        organisation=organisation, profiles=tuple(profiles[p.name.value] for p in plan.profiles
                                                  if profiles.get(p.name.value) is not None
                                                  and profiles[p.name.value].span == p.span),
        tasks=tuple(tasks),
        joints=tuple(resolve_joint(joint, {t.code.stream_id: t.units[0] for t in tasks if not t.has_parts})
                     for joint in plan.joints))
