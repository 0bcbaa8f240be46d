"""The registry (检查对象名录库) checked, canonicalised and digested in the engine (DuckDB).

`tables.load_into_engine` gives every record of the file as (row, cells); here they become the subjects
table in one pass of SQL, and every check of SSJ-DRAW-1 §1 and of intake runs as a query over all rows
at once: extra cells, empty and duplicate ids (after canonicalisation), 风险等级 and 注册资本 cells that do
not parse (each distinct cell parsed once, in Python, by `registry.parse_risk` / `parse_capital`), ids that
are not valid USCCs (the GB 32100 check character computed in SQL), blank names. Only the rows a query
flags come out into Python, where `registry.check_flagged_rows` words their diagnostics exactly as a
row-by-row reader would. A clean registry of 10^7 rows never becomes Python objects.

The digest R (§2) is the header line and the rows in id order, streamed out of the engine a block at a
time into one SHA-256 (`engine.digest_blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from . import engine
from .stages import stage
from .uscc import ALPHABET, WEIGHTS

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_PLAIN_NUMBER_SQL = "^[0-9]+(\\.[0-9]+)?$"


def column(i: int) -> str:
    """The engine column of the registry's i-th cell (0-based): c1, c2, …"""
    return f"c{i + 1}"


def valid_uscc_sql(expression: str) -> str:
    """SQL: whether the text is a valid 统一社会信用代码 (18 characters of the alphabet, right check
    character: Σ value·weight + check ≡ 0 mod 31), as `uscc.is_valid_uscc`. Written out term by term
    (no lambda): it runs once per registry row."""
    alphabet = engine.quote_literal(ALPHABET)
    terms = [f"(instr({alphabet}, substr({expression}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(WEIGHTS)]
    terms.append(f"(instr({alphabet}, substr({expression}, 18, 1)) - 1)")
    return (f"(regexp_full_match({expression}, '[{ALPHABET}]{{18}}') AND "
            f"({' + '.join(terms)}) % 31 = 0)")


@dataclass
class Layout:
    """Where the registry's standard columns are (0-based; None when absent) and the header's width."""

    width: int
    header_row: int
    id_col: int
    name_col: int | None
    risk_col: int | None
    capital_col: int | None


@dataclass
class Flagged:
    """A row a query flagged: its number, its cell count as read, the first non-empty cell beyond the
    header (1-based, or None), and its cells fitted to the header width (the id canonical)."""

    row: int
    cells_read: int
    extra_column: int | None
    cells: list[str]


class EngineRegistry:
    """Checks the records of an engine table (see `tables.EngineTable`) as a registry and builds the
    subjects table from them (see the module docstring). Every query reads the records table directly:
    the checks are aggregates and filters over it, and only the subjects table is sorted."""

    def __init__(self, table: str, first_row: int, layout: Layout) -> None:
        self.con = engine.connection()
        self.layout = layout
        self.table = table
        self.risk_map: dict[str, str | None] = {}
        self.row = f"(rowid + {first_row})"
        w = layout.width
        self.extra = (f"CASE WHEN len(cells) > {w} THEN list_position(list_transform(cells[{w + 1}:], "
                      f"lambda c: c <> ''), true) + {w} END")
        self.fits = f"(CASE WHEN len(cells) <= {w} THEN true ELSE ({self.extra}) IS NULL END)"
        id_cell = f"translate(coalesce(cells[{layout.id_col + 1}], ''), '{_LOWER}', '{_UPPER}')"
        # every query reads the data rows (after the header, not blank) with the canonical id computed once
        self.base = (f"(SELECT {self.row} AS row, cells, {id_cell} AS id FROM {table} "
                     f"WHERE {self.row} > {layout.header_row} AND filled)")
        self.ident = "id"
        self.accepted = f"{self.fits} AND id <> ''"

    def cell(self, i: int) -> str:
        """SQL of the i-th cell (0-based) fitted to the header: '' beyond the row; the id canonical."""
        return "id" if i == self.layout.id_col else f"coalesce(cells[{i + 1}], '')"

    def distinct(self, col: int | None) -> list[str]:
        """The distinct cells of a column (the standard low-variety ones: 风险等级)."""
        if col is None:
            return []
        return [r[0] for r in self.con.execute(
            f"SELECT DISTINCT {self.cell(col)} FROM {self.base}").fetchall()]

    def odd_capitals(self) -> list[str]:
        """Distinct 注册资本 cells that are not a plain number (those parse in SQL as they are)."""
        col = self.layout.capital_col
        if col is None:
            return []
        cell = self.cell(col)
        return [r[0] for r in self.con.execute(
            f"SELECT DISTINCT {cell} AS c FROM {self.base} WHERE {cell} <> '' AND NOT "
            f"regexp_full_match({cell}, '{_PLAIN_NUMBER_SQL[1:-1]}')").fetchall()]

    def set_risks(self, letters: Mapping[str, str | None]) -> None:
        """The class letter of every distinct 风险等级 cell (None: does not parse)."""
        self.risk_map = dict(letters)

    def _risk_sql(self) -> str:
        col = self.layout.risk_col
        if col is None:
            return "'U'"
        whens = " ".join(f"WHEN {engine.quote_literal(c)} THEN {engine.quote_literal(letter)}"
                         for c, letter in sorted(self.risk_map.items()) if letter is not None)
        return f"CASE {self.cell(col)} {whens} ELSE 'U' END" if whens else "'U'"

    def duplicates(self) -> dict[str, int]:
        """Each id held by more than one accepted row → the first such row."""
        return {i: int(r) for i, r in self.con.execute(
            f"SELECT id, min(row) FROM {self.base} WHERE {self.accepted} GROUP BY id HAVING count(*) > 1").fetchall()}

    def flagged(self, bad_capitals: list[str], duplicates: Mapping[str, int]) -> Iterator[Flagged]:
        """Rows that need a diagnostic (or might), in row order."""
        lay = self.layout
        tests = [f"NOT {self.fits}", f"{self.ident} = ''", f"NOT {valid_uscc_sql(self.ident)}"]
        params: list[object] = []
        bad_risks = sorted(c for c, letter in self.risk_map.items() if letter is None)
        if lay.risk_col is not None and bad_risks:
            tests.append(f"{self.cell(lay.risk_col)} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(bad_risks)
        if lay.capital_col is not None and bad_capitals:
            tests.append(f"{self.cell(lay.capital_col)} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(bad_capitals))
        if duplicates:
            tests.append(f"{self.ident} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(sorted(duplicates))
        if lay.name_col is not None:
            tests.append(f"{self.cell(lay.name_col)} = ''")
        cols = ", ".join(self.cell(i) for i in range(lay.width))
        cursor = self.con.execute(
            f"SELECT row, len(cells), {self.extra}, {cols} FROM {self.base} WHERE "
            + " OR ".join(f"({t})" for t in tests) + " ORDER BY row", params)
        while batch := cursor.fetchmany(10_000):
            for values in batch:
                yield Flagged(int(values[0]), int(values[1]), values[2], list(values[3:]))

    def finish(self, header_line: str) -> tuple[str, str, int]:
        """The subjects table — (id, row, risk, line) in id order, so its rowid is the id's 0-based rank —,
        its row count and R. `line` is the canonical cells joined by TAB: the row as R hashes it."""
        lay = self.layout
        table = engine.unique_name("t_registry")
        line = "concat_ws(chr(9), " + ", ".join(self.cell(i) for i in range(lay.width)) + ")"
        self.con.execute(
            f"CREATE TABLE {table} AS SELECT id, row, {self._risk_sql()} AS risk, "
            f"{line} AS line FROM {self.base} WHERE {self.accepted} ORDER BY id")
        engine.drop(self.table)
        count = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        n = int(count[0]) if count else 0
        with stage("digest"):
            digest = engine.sha256_of((header_line + "\n").encode("utf-8"),
                                      engine.digest_blocks(self.con, table, "line || chr(10)", "rowid", n))
        return table, digest, n

    def close(self) -> None:
        """Nothing is left behind: the records table belongs to the caller."""


def capital_parses(cells: list[str], parse: Callable[[str], Decimal | None]) -> list[str]:
    """The cells among `cells` that do not parse as 注册资本."""
    bad = []
    for cell in cells:
        try:
            parse(cell)
        except ValueError:
            bad.append(cell)
    return bad
