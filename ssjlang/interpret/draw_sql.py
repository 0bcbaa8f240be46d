"""The subject draw of a record as plain SQL (docs/spec/SSJ-DRAW-SQL.md), for `ssj verify --sql`.

An auditor who holds the registry in a database re-derives the drawn lists there: the script lists the
strata of every round (stream S_tr, k), which registry combinations each stratum holds (the values of the
columns the plan reads, as the draw grouped them — the plan's 筛选, sub-populations and classes already
applied: every member of a combination is in the stratum, nobody else is), the earlier rounds' picks a
round excludes, and one query that keys every member with SHA-256, ranks by (K, id) and keeps the first k.
The expected row counts and population digests are in the script, so the membership is checked too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..check.resolved import Body, ResolvedPlan
from . import engine
from .draw import Cells, PlanDraw, draw_plan
from .engine_draw import EngineDrawer, RegistryCells
from .registry import _RISK_VALUES


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return engine.quote_literal(str(value))


def _values(rows: Iterable[Sequence[object]]) -> str:
    return ",\n  ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)


def _insert(table: str, rows: list[Sequence[object]]) -> list[str]:
    out = []
    for start in range(0, len(rows), 1000):
        out.append(f"INSERT INTO {table} VALUES\n  {_values(rows[start:start + 1000])};")
    return out


def script(plan: ResolvedPlan, registry: Any, seed_hex: str, file: str, record_name: str,
           headcounts: Callable[[Body, str | None], int | None] | None = None,
           office_of: Callable[[Body, object], str | None] | None = None) -> str:
    """The SQL script of the subject draw of `plan` over `registry` with seed S (see the module docstring)."""
    cells = RegistryCells(plan, registry)
    try:
        drawn = draw_plan(cells.plan, cells.entries(), seed_hex, file, headcounts, office_of, None,
                          EngineDrawer(cells))
        return _script(drawn, cells, registry, record_name)
    finally:
        cells.close()


def _script(drawn: PlanDraw, cells: RegistryCells, registry: Any, record_name: str) -> str:
    con = engine.connection()
    header = registry.header
    columns = cells.columns
    id_col = registry.columns["统一社会信用代码"]
    risk_col = registry.columns.get("风险等级")
    flags = cells.flags
    value_names = [f"v{c}" for c in columns] + [f"f{i}" for i in range(len(flags.sql))]
    lines = [
        f"-- SSJ-DRAW-1 subject draw of {record_name} as plain SQL (docs/spec/SSJ-DRAW-SQL.md).",
        "-- Input: a table `registry` with the registry's canonical cells (SSJ-DRAW-1 §1: NFC, no edge white",
        "-- space, ids with a-z upper-cased), one column per header cell, named as the header.",
        "-- Written for DuckDB; for PostgreSQL or Spark SQL see the substitutions in the spec.",
        "",
        "-- 1. Each subject with the columns the plan reads and its credit class letter (A-D, U).",
    ]
    risk_case = "'U'"
    if risk_col is not None:
        spellings = sorted({cell for cell in (r[0] for r in con.execute(
            f"SELECT DISTINCT string_split(line, chr(9))[{risk_col + 1}] FROM {registry.table}").fetchall())})
        whens = " ".join(f"WHEN {_literal(c)} THEN {_literal(_risk_letter(c))}" for c in spellings)
        risk_case = (f"CASE coalesce({engine.quote_ident(header[risk_col])}, '') {whens} ELSE 'U' END"
                     if whens else "'U'")
    selected = [f"{engine.quote_ident(header[id_col])} AS id", f"{risk_case} AS risk"]
    selected += [f"coalesce({engine.quote_ident(header[c])}, '') AS v{c}" for c in columns]
    selected += [f"{flags.render(i, lambda c: engine.quote_ident(header[c]))} AS f{i}"
                 for i in range(len(flags.sql))]
    lines.append("CREATE TEMP TABLE ssj_subject AS SELECT " + ", ".join(selected) + " FROM registry;")
    lines.append("")
    lines.append("-- 2. The combinations of those values each stratum holds (the draw's cells); f0, f1…: the")
    lines.append("--    plan's text comparisons ('1' where the subject passes), v3…: the cell of column 3…")
    lines.append("CREATE TEMP TABLE ssj_cell (stratum INTEGER, risk VARCHAR"
                 + "".join(f", {v} VARCHAR" for v in value_names) + ");")
    cell_values = {int(r[0]): r[1:] for r in con.execute(
        f"SELECT cell, risk{''.join(', ' + v for v in value_names)} FROM {cells.cells}").fetchall()}
    strata_rows: list[Sequence[object]] = []
    cell_rows: list[Sequence[object]] = []
    excluded_rows: list[Sequence[object]] = []
    expected: list[Sequence[object]] = []
    stratum_no = 0
    for result in drawn.units:
        unit = result.design.unit
        task = unit.code.stream_id
        numbers: dict[int, int] = {}
        for i, stratum in enumerate(result.design.strata):
            if not stratum.ids:
                continue
            stratum_no += 1
            numbers[i] = stratum_no
            members = stratum.ids
            assert isinstance(members, Cells)
            for cell in sorted(members.cells):
                cell_rows.append((stratum_no, *cell_values[cell]))
        labels = {s.label: i for i, s in enumerate(result.design.strata) if s.ids}
        picked: dict[int, list[str]] = {}
        for rd in result.rounds:
            for sd in rd.strata:
                number = numbers[labels[sd.label]]
                if not unit.rounds_spec.independent:
                    excluded_rows += [(number, rd.round, i) for i in picked.get(number, [])]
                strata_rows.append((number, rd.round, task, unit.sub, sd.label, rd.stream, sd.k,
                                    sd.population, sd.population_digest))
                expected += [(task, unit.sub, rd.round, sd.label, p.rank, p.id, p.key) for p in sd.selected]
                picked.setdefault(number, []).extend(p.id for p in sd.selected)
    lines += _insert("ssj_cell", cell_rows)
    lines += ["", "-- 3. Each stratum in each round: its stream S_tr and k (the record's values), and what",
              "--    the membership must give: its population and population_digest.",
              "CREATE TEMP TABLE ssj_stratum (stratum INTEGER, round INTEGER, task VARCHAR, sub INTEGER, "
              "label VARCHAR, stream VARCHAR, k BIGINT, population BIGINT, population_digest VARCHAR);"]
    lines += _insert("ssj_stratum", strata_rows)
    lines += ["", "-- 4. Subjects an earlier round of the same stratum drew (excluded later, §7).",
              "CREATE TEMP TABLE ssj_excluded (stratum INTEGER, round INTEGER, id VARCHAR);"]
    lines += _insert("ssj_excluded", excluded_rows)
    on = " AND ".join(["c.risk = s.risk", *(f"c.{v} IS NOT DISTINCT FROM s.{v}" for v in value_names)])
    lines += ["", "-- 5. Members of each stratum.",
              f"CREATE TEMP TABLE ssj_member AS SELECT DISTINCT c.stratum, s.id FROM ssj_subject s "
              f"JOIN ssj_cell c ON {on};",
              "",
              "-- 6. Check the membership: every row must show ok = true.",
              "SELECT t.stratum, t.population, count(m.id) AS members, t.population_digest,",
              "       sha256(string_agg(m.id || chr(10), '' ORDER BY m.id)) AS digest,",
              "       t.population = count(m.id)",
              "       AND t.population_digest = sha256(string_agg(m.id || chr(10), '' ORDER BY m.id)) AS ok",
              "FROM (SELECT DISTINCT stratum, population, population_digest FROM ssj_stratum) t",
              "JOIN ssj_member m ON m.stratum = t.stratum",
              "GROUP BY t.stratum, t.population, t.population_digest",
              "ORDER BY t.stratum;",
              "",
              "-- 7. The draw (SSJ-DRAW-1 §4-§5): K = H(S_tr + '|' + id), the first k by (K, id).",
              "SELECT task, sub, round, label, rank, id, key FROM (",
              "  SELECT t.task, t.sub, t.round, t.label, t.k, m.id, sha256(t.stream || '|' || m.id) AS key,",
              "         row_number() OVER (PARTITION BY t.stratum, t.round",
              "                            ORDER BY sha256(t.stream || '|' || m.id), m.id) AS rank",
              "  FROM ssj_stratum t JOIN ssj_member m ON m.stratum = t.stratum",
              "  WHERE NOT EXISTS (SELECT 1 FROM ssj_excluded x",
              "                    WHERE x.stratum = t.stratum AND x.round = t.round AND x.id = m.id)",
              ") drawn WHERE rank <= k",
              "ORDER BY task, sub, round, label, rank;",
              f"-- Expected: {len(expected)} rows, the record's selections "
              "(task, sub, round, label, rank, id, key).",
              ""]
    return "\n".join(lines)


def _risk_letter(cell: str) -> str:
    from .registry import parse_risk

    found = _RISK_VALUES.get(cell) or parse_risk(cell)
    return found.value if found is not None else "U"
