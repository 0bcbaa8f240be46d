"""SSJ-DRAW-1 and its extensions drawn in the engine (DuckDB): the registry never comes into Python.

The plan reads only a few columns of the registry (the fields its selectors, sub-populations, escalation
profiles and levels name, and the credit class). Subjects alike in all of them form one *cell*; the
engine groups the registry into cells once (`Cells`), and everything that decides *who is in which
stratum* — selectors, sub-populations, classes, offices — runs in Python on one representative subject
per cell, with the very code of the draw in Python (`selector`, `draw.design_unit`): the same semantics by
construction, at the cost of a few thousand cells instead of 10^7 subjects. What touches every subject —
the key K = H(S_tr + "|" + id) of each member, the first k by (K, id), the population digest — runs in
the engine (`EngineDrawer`), ordered on unique keys, so parallelism never changes a result.

Comparisons SQL decides exactly — text equality, 属于 / 不属于, substring 包含 on a text column (名称,
统一社会信用代码, 类型, 地址…: canonical text compares as code points, which UTF-8 bytes preserve) — are
evaluated in the engine first and enter a cell as one flag (`_Flags`), so `名称 = "晋城市医疗保险事务中心"`
does not make a cell per name. List, number, date and class comparisons are decided in Python on the
cell's values. A plan comparing such a column where (almost) every subject differs would make as many
cells as subjects: still right, no longer fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from ..check.resolved import Body, DrawUnit, ResolvedPlan, SubgroupRates
from ..language.nodes import (
    And,
    Compare,
    CompareOp,
    FieldKind,
    Name,
    Not,
    Or,
    RiskClass,
    Selector,
    Text,
    ValueList,
)
from . import engine
from .draw import Cells, Drawer, Pick, PlanDraw, draw_plan, population_digest, select

DIGEST_IN_ONE_QUERY = 2_000_000
"""Strata up to this size are digested by one query; larger ones a block of registry positions at a time."""
REGISTRY_BLOCK = 1 << 21


class CellSubject:
    """One cell of the registry as a population entry: a representative subject (holding only the
    columns the plan reads), the cell number and how many subjects it stands for."""

    __slots__ = ("cell", "subject", "weight")

    def __init__(self, subject: Any, cell: int, weight: int) -> None:
        self.subject = subject
        self.cell = cell
        self.weight = weight

    def __getattr__(self, name: str) -> Any:
        return getattr(self.subject, name)


def _compares(selector: Selector | None) -> Iterator[Compare]:
    if selector is None:
        return
    if isinstance(selector, And | Or):
        for operand in selector.operands:
            yield from _compares(operand)
    elif isinstance(selector, Not):
        yield from _compares(selector.operand)
    elif isinstance(selector, Compare):
        yield selector


def _route_bodies(plan: ResolvedPlan) -> Iterable[Body]:
    """Every body a visit may be routed through (SSJ-ORG-1): inspecting, assisting and items' bodies."""
    for unit in plan.units:
        for member in (unit, *unit.joint):
            yield from member.inspecting
            yield from member.assist
            for item in member.items:
                yield from item.inspect


FLAG_PREFIX = "\x00flag"
"""Flag fields are named with a NUL, which no canonical header holds: they never meet a real column."""
_EXACT_OPS = frozenset({CompareOp.EQ, CompareOp.NE, CompareOp.IN, CompareOp.NOT_IN, CompareOp.CONTAINS})


class _Flags:
    """Comparisons on text columns that SQL decides exactly, each replaced in the plan by a flag field
    (`FLAG_PREFIX` + n = "1") whose value the engine computes per subject."""

    def __init__(self, registry: Any, kinds: Mapping[str, FieldKind]) -> None:
        self.registry = registry
        self.kinds = kinds
        self.sql: list[str] = []
        self.tests: list[tuple[int | None, CompareOp, list[str]]] = []
        self._seen: dict[Compare, str] = {}

    def compare(self, node: Compare) -> Selector:
        from ..canonical import canonical_id
        from .selector import _resolve_field, _scalar_text

        resolved = _resolve_field(node.field.value, self.kinds)
        if resolved is None or node.op not in _EXACT_OPS:
            return node
        name, kind, standard = resolved
        if kind is not FieldKind.TEXT or (standard and name == "风险等级"):
            return node
        values = node.value.values if isinstance(node.value, ValueList) else (node.value,)
        if len(values) > 1 and node.op in (CompareOp.EQ, CompareOp.NE, CompareOp.CONTAINS):
            return node  # an error the Python selector reports (SSJ318)
        texts = [_scalar_text(v) for v in values]
        if standard and name == "统一社会信用代码":
            texts = [canonical_id(t) for t in texts]
        if node in self._seen:
            flag = self._seen[node]
        else:
            column = self.registry.columns.get(name)
            self.tests.append((column, node.op, texts))
            flag = f"{FLAG_PREFIX}{len(self.sql)}"
            self.sql.append(self.render(len(self.tests) - 1,
                                        lambda c: f"string_split(line, chr(9))[{c + 1}]"))
            self._seen[node] = flag
        return Compare(Name(flag, node.field.span), CompareOp.EQ, Text("1", node.field.span), node.span)

    def render(self, i: int, cell_of: Callable[[int], str]) -> str:
        """SQL of flag i ('1' or '0') over a subject's cells (`cell_of(column)` gives a cell's SQL)."""
        column, op, texts = self.tests[i]
        cell = "''" if column is None else f"coalesce({cell_of(column)}, '')"
        listed = ", ".join(engine.quote_literal(t) for t in texts)
        predicate = {CompareOp.EQ: f"{cell} = {listed}", CompareOp.NE: f"{cell} <> {listed}",
                     CompareOp.IN: f"{cell} IN ({listed})", CompareOp.NOT_IN: f"{cell} NOT IN ({listed})",
                     CompareOp.CONTAINS: f"position({listed} IN {cell}) > 0"}[op]
        return f"CASE WHEN {predicate} THEN '1' ELSE '0' END"

    def selector(self, node: Selector | None) -> Selector | None:
        if node is None:
            return None
        if isinstance(node, And | Or):
            return replace(node, operands=tuple(self.selector(o) for o in node.operands))
        if isinstance(node, Not):
            return replace(node, operand=self.selector(node.operand))
        if isinstance(node, Compare):
            return self.compare(node)
        return node

    def unit(self, unit: DrawUnit) -> DrawUnit:
        rate = unit.rate
        if isinstance(rate, SubgroupRates):
            rules = tuple(replace(r, selector=self.selector(r.selector)) for r in rate.rules)
            rate = replace(rate, rules=rules)
        return replace(unit, selector=self.selector(unit.selector), rate=rate)

    def names(self) -> list[str]:
        return [f"{FLAG_PREFIX}{i}" for i in range(len(self.sql))]


def engine_plan(plan: ResolvedPlan, registry: Any) -> tuple[Any, _Flags]:
    """The plan as the engine's draw reads it (`fields`, `units`), its exact text comparisons as flags."""
    flags = _Flags(registry, dict(plan.fields))
    units = tuple(flags.unit(u) for u in plan.units)
    fields = {**dict(plan.fields), **{n: FieldKind.TEXT for n in flags.names()}}
    return SimpleNamespace(fields=fields, units=units), flags


def read_columns(plan: Any, registry: Any) -> list[int]:
    """The registry columns (0-based) the draw reads: selector fields, sub-population rules, item selectors,
    profile columns, level routing fields (the credit class is always read, as the `risk` column)."""
    from .selector import _resolve_field

    kinds = dict(plan.fields)
    names: set[str] = set()
    for unit in plan.units:
        selectors = [unit.selector]
        if isinstance(unit.rate, SubgroupRates):
            selectors += [rule.selector for rule in unit.rate.rules]
        # items' own 对象 筛选 decide which items' bodies visit a subject (SSJ-ORG-1 coverage is checked
        # over the whole population, on the cells), for a joint draw's tasks too
        selectors += [item.selector for member in (unit, *unit.joint) for item in member.items]
        for selector in selectors:
            for compare in _compares(selector):
                resolved = _resolve_field(compare.field.value, kinds)
                if resolved is not None and not resolved[0].startswith(FLAG_PREFIX):
                    names.add(resolved[0])
        if unit.profile is not None and not unit.profile.credit:
            names.add(unit.profile.field)
    for body in _route_bodies(plan):
        if body.is_level and body.route_field is not None:
            names.add(body.route_field)
    columns = registry.columns
    return sorted({columns[n] for n in names if n in columns and n != "风险等级"})


class RegistryCells:
    """The registry grouped into cells: `members` (pos, id, cell) in id order, `entries` for the draw."""

    def __init__(self, plan: ResolvedPlan, registry: Any) -> None:
        self.con = engine.connection()
        self.registry = registry
        self.plan, self.flags = engine_plan(plan, registry)
        self.columns = read_columns(self.plan, registry)
        self.members = engine.unique_name("t_members")
        self.cells = engine.unique_name("t_cells")
        split = "string_split(line, chr(9))"
        values = [f"{split}[{c + 1}] AS v{c}" for c in self.columns]
        values += [f"{sql} AS f{i}" for i, sql in enumerate(self.flags.sql)]
        keys = ["risk"] + [f"v{c}" for c in self.columns] + [f"f{i}" for i in range(len(self.flags.sql))]
        self.keys = keys
        inner = f"SELECT rowid AS pos, id, risk{''.join(', ' + v for v in values)} FROM {registry.table}"
        self.con.execute(
            f"CREATE TABLE {self.cells} AS SELECT "
            f"(row_number() OVER (ORDER BY {', '.join(keys)})) - 1 AS cell, "
            f"{', '.join(keys)}, count(*) AS n FROM ({inner}) GROUP BY {', '.join(keys)}")
        on = " AND ".join(f"m.{k} = c.{k}" for k in keys)
        # members grouped by cell (then id order): a stratum's few cells are a few row groups to scan
        self.con.execute(f"CREATE TABLE {self.members} AS SELECT m.pos, m.id, c.cell FROM ({inner}) m "
                         f"JOIN {self.cells} c ON {on} ORDER BY c.cell, m.pos")

    def entries(self) -> list[CellSubject]:
        """A representative subject per cell (only the read columns filled in), in cell order."""
        from .registry import ColumnIndex, Subject, _split, parse_capital

        reg = self.registry
        width = len(reg.header)
        col = {name: reg.columns.get(name)
               for name in ("统一社会信用代码", "名称", "类型", "行业类别", "注册资本", "所属区域")}
        out = []
        flag_names = self.flags.names()
        columns = ColumnIndex({**dict(reg.columns), **{n: width + i for i, n in enumerate(flag_names)}})
        rows = self.con.execute(
            f"SELECT cell, n, {', '.join(self.keys)} FROM {self.cells} ORDER BY cell").fetchall()
        for values in rows:
            cell, n, risk = values[:3]
            cells = [""] * (width + len(flag_names))
            for c, v in zip(self.columns, values[3:3 + len(self.columns)], strict=True):
                cells[c] = v or ""
            for i, v in enumerate(values[3 + len(self.columns):]):
                cells[width + i] = v

            def get(name: str, cells: list[str] = cells) -> str:
                i = col[name]
                return "" if i is None else cells[i]

            try:
                capital: Decimal | None = parse_capital(get("注册资本"), reg.capital_unit)
            except ValueError:
                capital = None
            subject = Subject(get("统一社会信用代码"), get("名称"), get("类型"), _split(get("行业类别")),
                              RiskClass(risk), capital, get("所属区域"), 0, tuple(cells), columns)
            out.append(CellSubject(subject, int(cell), int(n)))
        return out

    def close(self) -> None:
        engine.drop(self.members)
        engine.drop(self.cells)


MEMBERS_IN_PYTHON = 300_000
"""Registries up to this size have their members (the ids of each cell) fetched into Python once, and their
strata keyed, ranked and digested by SSJ-DRAW-1's own Python functions (`draw.select`,
`draw.population_digest`), which the engine's queries equal (tested both ways). A query costs about 5 ms
whatever its size, and a county plan's hundred strata and rounds would spend a second on them."""


class EngineDrawer(Drawer):
    """Keys, ranks and digests of strata held as engine cells (SSJ-DRAW-1 §4, §5, the population digest)."""

    def __init__(self, cells: RegistryCells) -> None:
        self.con = cells.con
        self.members = cells.members
        self.registry_size = cells.registry.count
        self.ids_by_cell: dict[int, list[str]] | None = None
        if self.registry_size <= MEMBERS_IN_PYTHON:
            self.ids_by_cell = {}
            rows = self.con.execute(f"SELECT cell, id FROM {self.members} ORDER BY cell, pos").fetchall()
            for cell, i in rows:
                self.ids_by_cell.setdefault(int(cell), []).append(i)

    def _ids(self, ids: Cells) -> list[str] | None:
        """The members' ids when they are held in Python (small registries), else None."""
        if self.ids_by_cell is None:
            return None
        return [i for cell in sorted(ids.cells) for i in self.ids_by_cell.get(cell, ())]

    @staticmethod
    def _where(cells: list[int]) -> str:
        """The cells as a filter: literals (the engine prunes row groups by them) up to a few thousand."""
        if len(cells) <= 4000:
            return f"cell IN ({', '.join(map(str, cells))})"
        return "cell IN (SELECT unnest(?::INTEGER[]))"

    def digest(self, ids: Any) -> str:
        if not isinstance(ids, Cells):
            return population_digest(ids)
        held = self._ids(ids)
        if held is not None:
            return population_digest(held)
        cells = sorted(ids.cells)
        where = self._where(cells)
        params = [] if len(cells) <= 4000 else [cells]
        if ids.size <= DIGEST_IN_ONE_QUERY:
            found = self.con.execute(f"SELECT string_agg(id || chr(10), '' ORDER BY pos) FROM {self.members} "
                                     f"WHERE {where}", params).fetchone()
            text = found[0] if found is not None and found[0] is not None else ""
            return engine.sha256_of(text.encode("utf-8"), iter(()))
        blocks = engine.digest_blocks(self.con, f"(SELECT pos, id FROM {self.members} WHERE {where})",
                                      "id || chr(10)", "pos", self.registry_size, params=params,
                                      block=REGISTRY_BLOCK)
        return engine.sha256_of(b"", blocks)

    def select(self, stream_hex: str, ids: Any, excluded: set[str], k: int) -> list[Pick]:
        if k <= 0:
            return []
        held = self._ids(ids) if isinstance(ids, Cells) else list(ids)
        if held is not None:
            return select(stream_hex, [i for i in held if i not in excluded] if excluded else held, k)
        exclude = ""
        cells = sorted(ids.cells)
        params: list[Any] = [stream_hex + "|"] + ([] if len(cells) <= 4000 else [cells])
        if excluded:
            exclude = " AND id NOT IN (SELECT unnest(?::VARCHAR[]))"
            params.append(sorted(excluded))
        params.append(k)
        rows = self.con.execute(
            f"SELECT id, sha256(? || id) AS key FROM {self.members} WHERE {self._where(cells)}"
            f"{exclude} ORDER BY key, id LIMIT ?", params).fetchall()
        return [Pick(rank, i, key) for rank, (i, key) in enumerate(rows, start=1)]


def draw_registry(plan: ResolvedPlan, registry: Any, seed_hex: str, file: str,
                  headcounts: Callable[[Body, str | None], int | None] | None = None,
                  office_of: Callable[[Body, object], str | None] | None = None,
                  progress: Callable[[str], None] | None = None) -> PlanDraw:
    """`draw.draw_plan` over a registry in the engine (raises InputError as it does)."""
    cells = RegistryCells(plan, registry)
    try:
        return draw_plan(cells.plan, cells.entries(), seed_hex, file, headcounts, office_of, progress,
                         EngineDrawer(cells))
    finally:
        cells.close()
