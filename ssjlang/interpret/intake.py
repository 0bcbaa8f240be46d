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
from typing import Any

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
    terms = [f"(position({expression}[{i + 1}] IN {alphabet}) - 1) * {w}" for i, w in enumerate(WEIGHTS)]
    terms.append(f"(position({expression}[18] IN {alphabet}) - 1)")
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
    """Checks the records of an engine table (`tables.EngineTable`) as a registry and builds the subjects
    table from them (see the module docstring). Records stay lines of text: a cell is cut out of its line
    where a query needs it, and a row's line for R is the line itself with the delimiter as TAB whenever
    the row is already canonical (the usual case), so no list of cells is ever made for every row."""

    def __init__(self, source: Any, layout: Layout) -> None:
        self.con = engine.connection()
        self.layout = layout
        self.source = source
        self.risk_map: dict[str, str | None] = {}
        w = layout.width
        row = f"(rowid + {source.first_row})"
        self.count = source.count_sql()
        id_raw = source.cell_sql(layout.id_col)
        # translate() costs ten times a regular expression: only ids with a lower-case letter go through it
        self.id_sql = (f"CASE WHEN regexp_matches({id_raw}, '[a-z]') THEN translate({id_raw}, '{_LOWER}', "
                       f"'{_UPPER}') ELSE {id_raw} END")
        self.extra = (f"CASE WHEN {self.count} > {w} THEN list_position(list_transform(({source.list_sql()})"
                      f"[{w + 1}:], lambda c: c <> ''), true) + {w} END")
        fits = f"(CASE WHEN {self.count} <= {w} THEN true ELSE ({self.extra}) IS NULL END)"
        # every query reads the data rows (after the header, not blank) with the canonical id computed once
        self.base = (f"(SELECT {row} AS row, line, {self.id_sql} AS id, {self.count} AS n, {fits} AS fits "
                     f"FROM {source.table} WHERE {row} > {layout.header_row} AND filled)")
        self.accepted = "fits AND id <> ''"

    def cell(self, i: int) -> str:
        """SQL of the i-th cell (0-based) fitted to the header: '' beyond the row; the id canonical."""
        return "id" if i == self.layout.id_col else self.source.cell_sql(i)

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
            f"SELECT id, min(row) FROM {self.base} WHERE {self.accepted} "
            "GROUP BY id HAVING count(*) > 1").fetchall()}

    def flagged(self, bad_capitals: list[str], duplicates: Mapping[str, int]) -> Iterator[Flagged]:
        """Rows that need a diagnostic (or might), in row order."""
        lay = self.layout
        tests = ["NOT fits", "id = ''", f"NOT {valid_uscc_sql('id')}"]
        params: list[object] = []
        bad_risks = sorted(c for c, letter in self.risk_map.items() if letter is None)
        if lay.risk_col is not None and bad_risks:
            tests.append(f"{self.cell(lay.risk_col)} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(bad_risks)
        if lay.capital_col is not None and bad_capitals:
            tests.append(f"{self.cell(lay.capital_col)} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(bad_capitals))
        if duplicates:
            tests.append("id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(sorted(duplicates))
        if lay.name_col is not None:
            tests.append(f"{self.cell(lay.name_col)} = ''")
        cursor = self.con.execute(
            f"SELECT row, n, CASE WHEN fits THEN NULL ELSE {self.extra} END, id, line FROM {self.base} WHERE "
            + " OR ".join(f"({t})" for t in tests) + " ORDER BY row", params)
        width = lay.width
        while batch := cursor.fetchmany(10_000):
            for row, n, extra, sid, line in batch:
                cells = self.source.cells(line)[:width]
                cells += [""] * (width - len(cells))
                cells[lay.id_col] = sid
                yield Flagged(int(row), int(n), extra, cells)

    def finish(self, header_line: str) -> tuple[str, str, int]:
        """The subjects table — (id, row, risk, line) in id order, so its rowid is the id's 0-based rank —,
        its row count and R. `line` is the canonical cells joined by TAB: the row as R hashes it."""
        lay = self.layout
        table = engine.unique_name("t_registry")
        src = self.source
        d = engine.quote_literal(src.delimiter)
        padded = "concat_ws(chr(9), " + ", ".join(self.cell(i) for i in range(lay.width)) + ")"
        # the line as it stands is the canonical row when it has the header's width, needs no stripping
        # and its id is already canonical; otherwise the cells are cut out and joined again
        simple = f"n = {lay.width} AND id = {src.cell_sql(lay.id_col)}"
        as_is = "line" if src.delimiter == "\t" else f"replace(line, {d}, chr(9))"
        line = padded if src.trim else f"CASE WHEN {simple} THEN {as_is} ELSE {padded} END"
        self.con.execute(
            f"CREATE TABLE {table} AS SELECT id, row, {self._risk_sql()} AS risk, {line} AS line "
            f"FROM {self.base} WHERE {self.accepted} ORDER BY id")
        engine.drop(src.table)
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
