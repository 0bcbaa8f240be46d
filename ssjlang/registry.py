"""Registry and roster intake (两库: 检查对象名录库 and 执法检查人员名录库).

Reads the tables an office actually has — CSV exported by Excel in China (GB18030/GBK), UTF-8 with or
without BOM, UTF-16 "Unicode text", or XLSX — into `Registry` / `Roster`, reporting *every* problem in
one run as a `Diagnostic` with file:row:column (header row = 1). Nothing is drawn from a table with
errors: `load_registry` / `load_roster` raise `InputError` carrying all diagnostics; warnings are
returned on the result.

The digests R and Q (SSJ-DRAW-1 §2) are computed over the canonical cells and the header *as written*
(canonicalised), so the same content gives the same digest from any encoding or from XLSX. Blank rows
(every cell empty) are not part of the table: Excel writes them at the end of CSV exports and XLSX
readers may or may not report them, so counting them would make R depend on the file format.

Intake is built for 10^6-row registries (bench/draw.py). A UTF-8 CSV without quotes — what the
example data and most exports are — is never decoded as a whole: it is checked a megabyte at a time
(strict UTF-8, NFC, where white space occurs) and its bytes become the `RowStore` every subject reads its
less-used cells from, so a row costs one small named tuple rather than a dozen `str` objects. Rows are
taken a block at a time in C-level passes per column (ids canonical and unique, 风险等级 / 注册资本 /
行业类别 / 类型 / 所属区域 through caches of their few distinct cells, USCC check characters for the
whole block at once); a block with anything unusual goes row by row, the same path every other table
(GB18030, quoted CSV, XLSX) takes, with the same subjects, diagnostics and digest (tested). R is
streamed through one SHA-256 in id order, a block of lines at a time: for such a CSV with the id first,
from the file's own lines sorted as bytes, in a forked process on the second core while the intake runs
(`_PresortedDigest`).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import gc
import io
import itertools
import operator
import os
import re
import signal
import sys
import threading
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from .canonical import (
    FIRST_YEAR,
    LAST_YEAR,
    UNWRITABLE,
    WHITE_SPACE,
    canonical_text,
    date_parts,
    digest_of_blocks,
    digest_of_sorted_rows,
    in_date_range,
    parse_date,
)
from .diagnostics import Diagnostic, InputError, Related, cell_span, error, warning
from .inputs import TABLE, InputFileError, check_zip, read_limited, text_codec_problem
from .nodes import STANDARD_FIELD_ALIASES, STANDARD_FIELDS, RiskClass
from .uscc import (
    ALPHABET,
    WEIGHTS,
    is_legacy_registration_number,
    is_valid_uscc,
    looks_like_uscc,
    uscc_check_char,
)

# ---------------------------------------------------------------- diagnostic codes (docs/diagnostics/ssj2.md)

UNREADABLE = "SSJ201"  # the file cannot be opened or read
NOT_A_TABLE = "SSJ202"  # binary, .xls, a damaged XLSX, malformed CSV
UNDECODABLE = "SSJ203"  # bytes that are not text in the detected or forced encoding
EMPTY_FILE = "SSJ204"  # no header row
MISSING_COLUMN = "SSJ205"  # a required column (统一社会信用代码, 执法证号, …) is absent
BAD_HEADER = "SSJ206"  # a column without a name, or two columns with the same meaning
EMPTY_ID = "SSJ207"  # a row without 统一社会信用代码 / 执法证号
DUPLICATE_ID = "SSJ208"  # two rows with the same canonical id / badge
BAD_RISK = "SSJ209"  # 风险等级 not one of A–D, 低风险…高风险, blank
BAD_CAPITAL = "SSJ210"  # 注册资本 not an amount
EXTRA_CELLS = "SSJ211"  # a row with more (non-empty) cells than the header
UNKNOWN_DEPARTMENT = "SSJ212"  # roster 部门 not a department (or alias) of the plan
BAD_QUALIFIED = "SSJ213"  # roster 执法资格 blank or not yes/no
BAD_DATE = "SSJ214"  # roster 不可用日期 not a date or range
BLANK_REQUIRED = "SSJ215"  # roster 姓名 or 部门 blank
BAD_ENCODING_NAME = "SSJ216"  # encoding= names no codec
NUMBER_AS_ID = "SSJ217"  # an id or badge in scientific notation (Excel stored it as a number: digits lost)
UNBALANCED_QUOTE = "SSJ218"  # a CSV quote that never closes (or swallows the rows after it into one cell)
TRUNCATED = "SSJ219"  # the file ends in the middle of its last row
MERGED_CELLS = "SSJ220"  # XLSX merged cells among the data rows (all but the first cell read as blank)

BAD_CHECK_CHAR = "SSJ250"  # warning: an 18-character USCC whose check character is wrong
LEGACY_NUMBER = "SSJ251"  # warning: a 15-digit 注册号 instead of a USCC
NOT_AN_ID = "SSJ252"  # warning: an id that is neither a USCC nor a 注册号
MORE_WARNINGS = "SSJ253"  # warning: further warnings of one code summarised
NO_NAME_COLUMN = "SSJ254"  # warning: the registry has no 名称 column
BLANK_NAME = "SSJ255"  # warning: a subject without a 名称
INVISIBLE_IN_ID = "SSJ256"  # warning: an id holding an invisible format character (U+FEFF BOM, U+200B…)
FULL_WIDTH_ID = "SSJ257"  # warning: an id written with full-width letters or digits (９１１４…)
FORMULA_WITHOUT_VALUE = "SSJ258"  # warning: XLSX formula cells with no cached value, read as blank
UNWRITABLE_CHARACTER = "SSJ259"  # warning: a control character a workbook cannot hold (U+0001, U+FFFE…)

WARNINGS_PER_CODE = 50
"""Per warning code and file, how many are listed one by one before a single summary (SSJ253)."""

# ---------------------------------------------------------------- column names

# Standard Chinese name → English attribute of `Subject`.
REGISTRY_ATTRIBUTES: dict[str, str] = {
    "统一社会信用代码": "id",
    "名称": "name",
    "类型": "type",
    "行业类别": "categories",
    "风险等级": "risk",
    "注册资本": "capital",
    "地址": "address",
    "所属区域": "area",
    "法定代表人": "legal_rep",
    "联系电话": "phone",
}

# Header spellings seen in real exports (国家企业信用信息公示系统, 名录库 templates), beyond the standard
# Chinese name and the English alias of nodes.STANDARD_FIELD_ALIASES.
_REGISTRY_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "统一社会信用代码": ("社会信用代码", "信用代码", "统一代码", "统一社会信用代码/注册号",
                   "统一社会信用代码（注册号）",
                   "注册号", "uscc", "credit_code"),
    "名称": ("企业名称", "单位名称", "主体名称", "对象名称", "市场主体名称", "检查对象名称", "检查对象"),
    "类型": ("企业类型", "主体类型", "市场主体类型", "单位类型", "机构类型"),
    "行业类别": ("行业", "行业分类", "行业门类", "类别", "检查对象类别", "categories", "industry"),
    "风险等级": ("信用风险等级", "风险分类", "信用风险分类", "信用风险类别", "风险类别", "信用等级"),
    "注册资本": ("注册资金", "资金数额", "出资额", "注册资本金"),
    "地址": ("住所", "经营场所", "住所（经营场所）", "经营地址", "注册地址", "单位地址"),
    "所属区域": ("区域", "所属街道", "街道", "乡镇街道", "所属乡镇（街道）", "管辖区域"),
    "法定代表人": ("法定代表人（负责人）", "负责人", "经营者", "法人", "法人代表", "legal_representative"),
    "联系电话": ("电话", "联系方式", "手机", "telephone", "tel"),
}

ROSTER_ATTRIBUTES: dict[str, str] = {
    "执法证号": "badge",
    "姓名": "name",
    "部门": "department",
    "执法资格": "qualified",
    "专长": "specialties",
    "回避对象": "recusals",
    "不可用日期": "unavailable",
}

_ROSTER_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "执法证号": ("badge", "执法证件号", "执法证件号码", "执法证编号", "执法证", "证件号", "证号", "badge_no"),
    "姓名": ("name", "检查人员", "执法人员", "人员姓名"),
    "部门": ("department", "dept", "所属部门", "单位", "所在单位", "所属单位", "执法部门"),
    "执法资格": ("qualified", "是否具有执法资格", "有无执法资格", "具有执法资格", "持证"),
    "专长": ("specialties", "specialty", "业务专长", "执法领域", "检查领域", "专业领域"),
    "回避对象": ("recusals", "recusal", "回避", "回避单位", "回避检查对象"),
    "不可用日期": ("unavailable", "不可用时间", "不可用", "请假日期", "不在岗日期"),
}

_UNIT_SUFFIX = re.compile(r"[(（]([^()（）]*)[)）]$")
_LIST_SPLIT = re.compile(r"[;；、,，]")


def _header_key(header: str) -> str:
    """Spelling-insensitive key of a header: NFKC (full-width brackets), no '*' mark, no spaces, English
    lower case with '-'/' ' as '_'."""
    key = unicodedata.normalize("NFKC", canonical_text(header)).lstrip("*").strip()
    key = re.sub(r"[\s\-]+", "_", key).lower()
    return key


def _build_alias_table(attributes: Mapping[str, str], extra: Mapping[str, tuple[str, ...]],
                       english: Mapping[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for standard, attr in attributes.items():
        for spelling in (standard, attr, *extra.get(standard, ())):
            table[_header_key(spelling)] = standard
    for spelling, standard in english.items():
        table[_header_key(spelling)] = standard
    return table


_REGISTRY_ALIASES = _build_alias_table(REGISTRY_ATTRIBUTES, _REGISTRY_HEADER_ALIASES, STANDARD_FIELD_ALIASES)
_ROSTER_ALIASES = _build_alias_table(ROSTER_ATTRIBUTES, _ROSTER_HEADER_ALIASES, {})
assert set(REGISTRY_ATTRIBUTES) == set(STANDARD_FIELDS)


def standard_field(header: str) -> str | None:
    """The standard registry field (Chinese name, e.g. 名称) a header or selector name stands for, or None.

    Accepts the standard Chinese name, the English alias (case-insensitive), common export spellings
    (企业名称, 住所, 注册资本（万元）…) and a leading '*' that templates use to mark required columns.
    """
    key = _header_key(header)
    found = _REGISTRY_ALIASES.get(key)
    if found is None and _UNIT_SUFFIX.search(key):
        # 注册资本（万元） / 注册资本（元）: a unit in brackets; other bracketed headers stay
        # columns of their own
        if _REGISTRY_ALIASES.get(_UNIT_SUFFIX.sub("", key)) == "注册资本":
            found = "注册资本"
    return found


def _roster_field(header: str) -> str | None:
    return _ROSTER_ALIASES.get(_header_key(header))


# ---------------------------------------------------------------- data


class ColumnIndex(Mapping[str, int]):
    """Field name → column (0-based), shared by every row of one table; immutable and hashable so
    that rows holding it stay hashable values."""

    __slots__ = ("_hash", "_map")

    def __init__(self, mapping: Mapping[str, int]) -> None:
        self._map = dict(mapping)
        self._hash = hash(tuple(self._map.items()))

    def __getitem__(self, name: str) -> int:
        return self._map[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, name: object) -> bool:
        return name in self._map

    def get(self, name: str, default: int | None = None) -> int | None:  # type: ignore[override]
        return self._map.get(name, default)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ColumnIndex) and self._map == other._map

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"ColumnIndex({self._map!r})"


EMPTY_COLUMNS = ColumnIndex({})


class RowFields(Mapping[str, str]):
    """A row's cells by field name (standard Chinese name for standard columns, the header as written
    for the others). A view over the row tuple: 10^6 subjects do not each carry a dict."""

    __slots__ = ("_cells", "_index")

    def __init__(self, index: ColumnIndex, cells: tuple[str, ...]) -> None:
        self._index = index._map
        self._cells = cells

    def __getitem__(self, name: str) -> str:
        return self._cells[self._index[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        i = self._index.get(name)
        return default if i is None else self._cells[i]

    def __repr__(self) -> str:
        return f"RowFields({dict(self)!r})"


class RowStore:
    """The canonical cells of a table's rows, kept as one line of text per row (cells joined by `delimiter`).

    12 cells × 10^6 rows as separate `str` objects cost ~1 GB. The CSV fast path keeps the file's UTF-8
    bytes instead (a row is a slice of them, decoded when asked for); other tables keep a line per row.
    A row's cells are split out only when needed (文书 for the drawn subjects, a declared field in a
    selector). Rows are the table's record numbers (header row = 1).
    """

    __slots__ = ("_buf", "_lines", "_overrides", "_sep_len", "_starts", "columns", "delimiter", "standard",
                 "width")

    def __init__(self, columns: ColumnIndex, standard: Mapping[str, int], width: int, delimiter: str = "\t",
                 buf: bytes | None = None, starts: array[int] | None = None, sep_len: int = 0) -> None:
        self.columns = columns
        self.standard = dict(standard)
        self.width = width
        self.delimiter = delimiter
        self._buf = buf  # the CSV fast path: record r is buf[starts[r-1]:starts[r]-sep_len]
        self._starts = starts
        self._sep_len = sep_len
        self._lines: dict[int, str] = {}  # other tables: row → line
        self._overrides: dict[int, str] = {}  # fast-path rows whose canonical cells differ from the bytes

    def put(self, row: int, line: str) -> None:
        """Record row `row` as `line` (canonical cells joined by the delimiter); intake only."""
        if self._buf is None:
            self._lines[row] = line
        elif line.encode("utf-8") != self._raw(row):
            self._overrides[row] = line

    @property
    def has_overrides(self) -> bool:
        """Whether some fast-path row's canonical cells differ from its bytes in the file."""
        return bool(self._overrides)

    def _raw(self, row: int) -> bytes:
        starts = self._starts
        assert self._buf is not None and starts is not None
        return self._buf[starts[row - 1]:starts[row] - self._sep_len]

    def line(self, row: int) -> str:
        """The row's canonical cells joined by `delimiter` (TAB, or the CSV file's delimiter)."""
        if self._buf is None:
            return self._lines[row]
        found = self._overrides.get(row)
        return found if found is not None else self._raw(row).decode("utf-8")

    def encoded_lines(self, rows: Sequence[int]) -> list[bytes]:
        """`line` of many rows as UTF-8 (the digest reads every row: sliced in C, never decoded)."""
        buf, starts = self._buf, self._starts
        if buf is None or starts is None:
            return [line.encode("utf-8") for line in map(self._lines.__getitem__, rows)]
        begin = map(starts.__getitem__, map((-1).__add__, rows))
        end = map((-self._sep_len).__add__, map(starts.__getitem__, rows))
        out = list(map(buf.__getitem__, map(slice, begin, end)))
        if self._overrides:
            get = self._overrides.get
            out = [line if (o := get(r)) is None else o.encode("utf-8")
                   for r, line in zip(rows, out, strict=True)]
        return out

    def ordered_lines(self, rows: Sequence[int], order: Sequence[int], size: int) -> Iterator[list[bytes]]:
        """`encoded_lines` of rows[order[0]], rows[order[1]], … in blocks of `size` (the digest's id
        order). Each row's byte span is looked up once in file order, so the random access is to the
        lines alone."""
        buf, starts = self._buf, self._starts
        if buf is None or starts is None or self._overrides:
            for start in range(0, len(order), size):
                yield self.encoded_lines([rows[i] for i in order[start:start + size]])
            return
        begins = array("q", map(starts.__getitem__, map((-1).__add__, rows)))
        ends = array("q", map((-self._sep_len).__add__, map(starts.__getitem__, rows)))
        for start in range(0, len(order), size):
            positions = order[start:start + size]
            yield list(map(buf.__getitem__, map(slice, map(begins.__getitem__, positions),
                                                map(ends.__getitem__, positions))))

    def cells(self, row: int) -> tuple[str, ...]:
        """The row's canonical cells in header order."""
        return tuple(self.line(row).split(self.delimiter))

    def cell(self, row: int, field: str) -> str:
        """The cell of a standard field (名称, 地址…); "" when the table has no such column."""
        column = self.standard.get(field)
        if column is None:
            return ""
        return self.line(row).split(self.delimiter, column + 1)[column]


class Subject(NamedTuple):
    """One 检查对象 (a row of the registry).

    An immutable named tuple holding what the draw reads for every subject (id, categories, risk, the
    fields selectors usually test); the other cells (地址, 法定代表人, 联系电话, declared columns) stay in
    the registry's `RowStore` and are split out on access, so 10^6 subjects cost ~300 bytes each.
    """

    id: str
    name: str
    type: str
    categories: tuple[str, ...]
    risk: RiskClass
    capital: Decimal | None
    area: str
    row: int
    source: RowStore

    @property
    def address(self) -> str:
        return self.source.cell(self.row, "地址")

    @property
    def legal_rep(self) -> str:
        return self.source.cell(self.row, "法定代表人")

    @property
    def phone(self) -> str:
        return self.source.cell(self.row, "联系电话")

    @property
    def cells(self) -> tuple[str, ...]:
        """The canonical cells in header order (the id canonical: upper-cased)."""
        return self.source.cells(self.row)

    @property
    def columns(self) -> ColumnIndex:
        return self.source.columns

    @property
    def fields(self) -> RowFields:
        """Every cell by field name: standard Chinese name (名称, 注册资本…) or the header as written."""
        return RowFields(self.source.columns, self.source.cells(self.row))

    def __repr__(self) -> str:
        return f"Subject(id={self.id!r}, name={self.name!r}, row={self.row})"


_new_subject = tuple.__new__


@dataclass(frozen=True)
class Registry:
    """检查对象名录库 as loaded: subjects in file order, the digest R, the warnings of intake."""

    path: Path
    header: tuple[str, ...]
    subjects: tuple[Subject, ...]
    by_id: dict[str, Subject]
    digest: str
    warnings: tuple[Diagnostic, ...] = ()
    encoding: str = "utf-8"
    columns: ColumnIndex = EMPTY_COLUMNS

    @property
    def field_names(self) -> tuple[str, ...]:
        """Names usable in `Subject.fields` and in selectors, in column order."""
        return tuple(self.columns)


@dataclass(frozen=True, slots=True)
class Inspector:
    """One 执法检查人员 (a row of the roster)."""

    badge: str
    name: str
    department: str
    qualified: bool
    specialties: tuple[str, ...]
    recusals: frozenset[str]
    unavailable: frozenset[date]
    row: int
    cells: tuple[str, ...] = field(repr=False, default=())
    columns: ColumnIndex = field(repr=False, default=EMPTY_COLUMNS)

    @property
    def fields(self) -> RowFields:
        return RowFields(self.columns, self.cells)


@dataclass(frozen=True)
class Roster:
    """执法检查人员名录库 as loaded: inspectors in file order, per department, and the digest Q."""

    path: Path
    header: tuple[str, ...]
    inspectors: tuple[Inspector, ...]
    by_badge: dict[str, Inspector]
    by_department: dict[str, tuple[Inspector, ...]]
    digest: str
    warnings: tuple[Diagnostic, ...] = ()
    encoding: str = "utf-8"


# ---------------------------------------------------------------- diagnostics collection


class _Report:
    """Collects the diagnostics of one file; repeats of a warning code beyond WARNINGS_PER_CODE are
    counted, not listed (a registry with 10^6 legacy numbers must not print 10^6 lines)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self._warning_counts: dict[str, int] = {}
        self._first_suppressed: dict[str, tuple[int, int]] = {}

    def error(self, code: str, message: str, row: int = 0, column: int = 0, hint: str | None = None,
              related: tuple[Related, ...] = ()) -> None:
        self.errors.append(error(code, message, self.file, cell_span(row, column), hint, related))

    def warning(self, code: str, message: str, row: int, column: int, hint: str | None = None) -> None:
        n = self._warning_counts.get(code, 0) + 1
        self._warning_counts[code] = n
        if n <= WARNINGS_PER_CODE:
            self.warnings.append(warning(code, message, self.file, cell_span(row, column), hint))
        elif n == WARNINGS_PER_CODE + 1:
            self._first_suppressed[code] = (row, column)

    def finish(self) -> tuple[Diagnostic, ...]:
        for code in sorted(self._first_suppressed):
            row, column = self._first_suppressed[code]
            more = self._warning_counts[code] - WARNINGS_PER_CODE
            self.warnings.append(warning(
                MORE_WARNINGS,
                f"另有 {more} 行存在同类问题 {code} ({more} more rows with {code}, not listed)",
                self.file, cell_span(row, column), hint="修正上面列出的行后重新检查，其余同类行将逐一列出"))
        return tuple(sorted(self.warnings, key=Diagnostic.sort_key))

    def fail_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors + self.warnings)


# ---------------------------------------------------------------- reading tables

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 .xls
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SHEET_NAMES_REGISTRY = ("名录", "registry", "检查对象名录", "检查对象名录库")
_SHEET_NAMES_ROSTER = ("名录", "roster", "人员名录", "执法人员", "执法检查人员名录库", "检查人员")

Row = tuple[int, list[str]]  # (row number, canonical cells)


@dataclass
class _Table:
    rows: Iterator[Row]
    encoding: str
    close: Callable[[], None] = lambda: None
    lines: _CsvLines | None = None  # the CSV fast path: the same records as UTF-8 lines
    merged: tuple[_Merge, ...] = ()  # XLSX merged ranges (checked once the header row is known)


class _Merge(NamedTuple):
    """An XLSX merged range: its reference (C2:C4) and where it starts and ends."""

    ref: str
    first_row: int
    last_row: int
    first_column: int


def _refuse_merged(table: _Table, header_row: int, report: _Report) -> None:
    """SSJ220 for every merged range that reaches below the header row.

    A merged range keeps its value in its first cell only; the other cells read as blank (openpyxl, and
    Excel's own CSV export, do the same), so subjects would silently lose a 行业类别 and drop out of a
    selector. Refused rather than filled in: filling guesses what the office meant and would give the
    workbook another digest R than its CSV export. A merged title row above the header is fine.
    """
    for merge in table.merged:
        if merge.last_row > header_row:
            report.error(MERGED_CELLS, f"{merge.ref} 是合并单元格：除左上角外都会读作空白 "
                         f"(merged cells: all but the first cell read as blank)", row=merge.first_row,
                         column=merge.first_column,
                         hint=f"在 Excel 或 WPS 中选中 {merge.ref} → 取消合并单元格，把值填入每一格"
                              "（定位条件 → 空值，输入 = 上一格，Ctrl+Enter），再保存")


class TableText(NamedTuple):
    """A whole (small) table as canonical text: what `read_table` gives the results intake (抽查结果)."""

    header: tuple[str, ...]  # the first non-blank row, trailing blank cells dropped; () for an empty table
    header_row: int  # its row number (1 for the usual file), 0 for an empty table
    rows: list[Row]  # the rows after the header, with their row numbers; blank rows included
    encoding: str  # the encoding used for CSV ("utf-8", "gb18030"…), "xlsx" for a workbook


def read_table(path: Path, encoding: str | None = None,
               sheet_names: tuple[str, ...] = ()) -> tuple[TableText | None, list[Diagnostic]]:
    """Read a CSV or XLSX table the way the registry is read (same encodings, delimiter rule, XLSX cells).

    The one reader of office spreadsheets for intakes other than 名录库 (which stream 10^6 rows): every
    cell canonical text (SSJ-DRAW-1 §1), XLSX numbers and dates as a CSV export shows them. Returns the
    table and its warnings (SSJ258), or None and the errors (SSJ201–SSJ203, SSJ216, at file:row:column
    where a row is known) when the file is no readable table. `sheet_names` picks a workbook's sheet by
    name (case-insensitive), else the first sheet is read.
    """
    path = Path(path)
    report = _Report(str(path))
    table = _open_table(path, encoding, report, sheet_names)
    if table is None:
        return None, report.errors
    try:
        rows = list(table.rows)
    finally:
        table.close()
    if report.errors:
        return None, report.errors + list(report.finish())
    start = next((i for i, (_n, cells) in enumerate(rows) if any(cells)), None)
    if start is None:
        return TableText((), 0, [], table.encoding), list(report.finish())
    number, cells = rows[start]
    while cells and not cells[-1]:
        cells = cells[:-1]
    _refuse_merged(table, number, report)
    if report.errors:
        return None, report.errors + list(report.finish())
    return TableText(tuple(cells), number, rows[start + 1:], table.encoding), list(report.finish())


def _canonical_cell_nfc(cell: str) -> str:
    """canonical_text for a cell of text that is already NFC."""
    if "\t" in cell or "\n" in cell or "\r" in cell:
        cell = re.sub(r"[\t\r\n]+", " ", cell)
    return cell.strip(WHITE_SPACE)


def _open_table(path: Path, encoding: str | None, report: _Report,
                sheet_names: tuple[str, ...]) -> _Table | None:
    """The table's rows as canonical cells, or None after reporting why the file is no table."""
    try:
        data = read_limited(path, TABLE)  # a regular file, bounded: never /dev/zero or a FIFO
    except IsADirectoryError:
        report.error(UNREADABLE, "这是一个目录，不是表格文件 (a directory, not a table file)",
                     hint="给出 CSV 或 XLSX 文件的路径")
        return None
    except OSError as exc:
        report.error(UNREADABLE, f"无法读取文件 (cannot read the file): {exc.strerror or exc}",
                     hint="检查路径是否正确、文件是否存在、是否有读取权限；表格应为普通的 CSV 或 XLSX 文件")
        return None
    if data.startswith(_ZIP_MAGIC):
        try:
            check_zip(data, path)  # a zip bomb is refused before anything is inflated
        except InputFileError as exc:
            report.error(UNREADABLE, f"无法读取文件 (cannot read the file): {exc.strerror}", row=1, column=1,
                         hint="工作簿解压后过大：另存为 CSV，或确认给出的是名录文件")
            return None
        return _open_xlsx(io.BytesIO(data), report, sheet_names)
    if data.startswith(_OLE_MAGIC):
        report.error(NOT_A_TABLE,
                     "这是 Excel 97–2003 (.xls) 文件，不能直接读取 (old .xls workbooks are not read)",
                     row=1, column=1, hint="在 Excel 中“另存为”.xlsx 工作簿或 CSV (逗号分隔) 文件")
        return None
    if path.suffix.lower() in _XLSX_SUFFIXES:
        report.error(NOT_A_TABLE, "文件扩展名是 .xlsx，但内容不是 XLSX 工作簿 (not an XLSX workbook)",
                     row=1, column=1, hint="用 Excel 重新保存为 .xlsx，或把 CSV 文件改为 .csv 扩展名")
        return None
    if encoding is None and b"\x00" not in data:
        lines = _utf8_lines(data)
        if lines is not None:  # the common case, never decoded as a whole
            _check_last_line(lines.lines, lines.delimiter, data.endswith((b"\n", b"\r")), report)
            return _Table(lines.rows(), lines.encoding, lines=lines)
    text, used = _decode(data, encoding, report)
    del data
    if text is None:
        return None
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        report.error(NOT_A_TABLE, "文件含有二进制内容，不是 CSV 表格 (binary content: not a CSV table)",
                     row=row, column=1, hint="表格应为 CSV (UTF-8 或 GBK) 或 XLSX 文件")
        return None
    return _csv_table(text, used, report)


def _decode(data: bytes, encoding: str | None, report: _Report) -> tuple[str | None, str]:
    """Strict decoding: the forced encoding, else UTF-16 by BOM, UTF-8 (BOM allowed), then GB18030."""
    if encoding is not None:
        if text_codec_problem(encoding) is not None:  # unknown, or rot13/base64/zlib/undefined
            report.error(BAD_ENCODING_NAME, f"未知的编码或不是文本编码「{encoding}」 (unknown encoding)",
                         hint="常用编码：utf-8、utf-8-sig、gb18030 (兼容 gbk、gb2312)、utf-16")
            return None, encoding
        codec = codecs.lookup(encoding).name
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        candidates = [codec]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    failure: UnicodeDecodeError | None = None
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            failure = failure or exc
            continue
        if text.startswith("\ufeff"):
            text = text[1:]
        return unicodedata.normalize("NFC", text), codec
    assert failure is not None
    row, column = _byte_position(data, failure.start, candidates[0])
    bad = data[failure.start:failure.start + 4].hex(" ")
    if encoding is not None:
        message = (f"按指定编码 {encoding} 无法解码第 {row} 行的字节 {bad} "
                   f"(bytes not valid in the forced encoding {encoding})")
        hint = "去掉编码参数让程序自动识别 (UTF-8 / GB18030)，或指定文件实际使用的编码"
    else:
        message = f"第 {row} 行的字节 {bad} 既不是 UTF-8 也不是 GB18030/GBK (undecodable bytes)"
        hint = "用 Excel 或 WPS 另存为“CSV UTF-8 (逗号分隔)”，或用 --encoding 指定实际编码"
    report.error(UNDECODABLE, message, row=row, column=column, hint=hint)
    return None, candidates[0]


def _byte_position(data: bytes, offset: int, codec: str) -> tuple[int, int]:
    """Row and cell column of a byte offset (approximate for quoted multi-line cells)."""
    if codec.startswith("utf-16"):
        return 1, 1
    line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1  # lone CRs end lines too
    row = len(data[:line_start].splitlines()) + 1
    prefix = data[line_start:offset].decode(codec, errors="replace")
    delimiter = "\t" if prefix.count("\t") > prefix.count(",") else ","
    cells = next(csv.reader([prefix], delimiter=delimiter), [""])
    return row, max(1, len(cells))


def _delimiter(head: str | bytes) -> str:
    """TAB when the first line holding a TAB or a comma (the header: blank lines and a one-cell title
    above it skipped) has more TABs than commas (a "Unicode text" export), else comma."""
    tab, comma = ("\t", ",") if isinstance(head, str) else (b"\t", b",")
    for line in head.splitlines()[:_HEADER_SEARCH_LINES]:
        tabs, commas = line.count(tab), line.count(comma)  # type: ignore[arg-type]
        if tabs or commas:
            return "\t" if tabs > commas else ","
    return ","


_HEADER_SEARCH_LINES = 8
_HEAD_CHARS = 1 << 16


def _csv_table(text: str, encoding: str, report: _Report) -> _Table:
    """CSV records as canonical cells; row numbers count records (what a spreadsheet shows as rows)."""
    delimiter = _delimiter(text[:_HEAD_CHARS])
    unwritable = UNWRITABLE.search(text) is not None
    if '"' not in text and (delimiter == "\t" or "\t" not in text) and not unwritable:
        # Without quotes no cell holds a line break, a delimiter or (comma-separated) a TAB, and the text
        # is already NFC: splitting is the CSV parse, and only white space at cell edges needs work.
        has_space = _CELL_SPACE[delimiter].search(text) is not None
        lines = _CsvLines.split(text.encode("utf-8"), delimiter, has_space, encoding)
        _check_last_line(lines.lines, delimiter.encode("utf-8"), text.endswith(("\n", "\r")), report)
        return _Table(lines.rows(), encoding, lines=lines)
    return _Table(_csv_rows(text, delimiter, report, unwritable), encoding)


def _csv_rows(text: str, delimiter: str, report: _Report, unwritable: bool = False) -> Iterator[Row]:
    """csv.reader's records as canonical cells, watching what it would accept silently: a quote that never
    closes (the rest of the file becomes one cell), a quoted cell that swallowed whole rows (a line break
    and the delimiter inside one cell), a last row cut short (SSJ218, SSJ219)."""
    size = len(text)
    ends_with_line_break = text.endswith(("\n", "\r"))
    source = io.StringIO(text, newline="")
    del text
    consumed: list[str] = []  # the file lines of the record being read
    read = 0  # characters of the file handed to the reader so far

    def physical_lines() -> Iterator[str]:
        nonlocal read
        for line in source:
            consumed.append(line)
            read += len(line)
            yield line

    reader = csv.reader(physical_lines(), delimiter=delimiter)
    number = 0
    line = 1  # the file line the next record starts on
    widest = 0
    clean = _canonical_cell_nfc
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.error(NOT_A_TABLE, f"第 {number + 1} 行不是合法的 CSV 记录 (malformed CSV): {exc}",
                         row=number + 1, column=1, hint="检查该行的引号是否成对")
            return
        number += 1
        at_end = read == size
        if (len(consumed) > 1 or at_end) and not _quotes_closed(record, consumed, delimiter, number, line,
                                                                at_end, report):
            return
        if at_end and not ends_with_line_break and 0 < len(record) < widest:
            _truncated(report, number, len(record), widest)
        line += len(consumed)
        consumed.clear()
        widest = max(widest, len(record))
        cells = [clean(c) for c in record]
        if unwritable:
            _report_unwritable(cells, number, report)
        yield number, cells


def _quotes_closed(record: list[str], lines: list[str], delimiter: str, row: int, line: int, at_end: bool,
                   report: _Report) -> bool:
    """Whether a record that spans several file lines, or ends the file, closed its quotes; else SSJ218 at
    the cell where the quote opened.

    csv.reader takes a quote that never closes as a cell running to the end of the file, and a quote that
    closes rows later as one cell holding those rows: both without a word. The first is told by reading the
    record as csv.reader does (`_ends_inside_quotes`); the second by a cell holding a line break *and* the
    delimiter — what a real multi-line cell (an address on two lines) does not hold."""
    where = f"第 {row} 行" if row == line else f"第 {row} 行（文件第 {line} 行）"
    if at_end and any('"' in text for text in lines) and _ends_inside_quotes("".join(lines), delimiter):
        column = len(record)
        message = (f"{where}第 {column} 列的引号没有闭合，文件其余部分都会被读进这一个单元格 "
                   f"(unbalanced quote: never closed)")
    else:
        column = next((i + 1 for i, cell in enumerate(record)
                       if ("\n" in cell or "\r" in cell) and delimiter in cell), 0)
        if not column:
            return True
        closed, swallowed = line + len(lines) - 1, len(lines) - 1
        message = (f"{where}第 {column} 列的引号到第 {closed} 行才闭合，"
                   f"其间 {swallowed} 行被读进了一个单元格 (unbalanced quote: rows swallowed into one cell)")
    report.error(UNBALANCED_QUOTE, message, row=row, column=column,
                 hint="在该单元格末尾补上引号，或去掉多余的引号；单元格内的引号要写成两个（\"\"）")
    return False


def _ends_inside_quotes(text: str, delimiter: str) -> bool:
    """Whether csv.reader (lenient, as used here) ends `text` inside a quoted cell: a `"` that opens a cell
    and is never closed. A `"` inside an unquoted cell is an ordinary character, `""` an escaped one."""
    quoted, at_cell_start, i = False, True, 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"':
                if text.startswith('"', i + 1):
                    i += 1
                else:
                    quoted = False
        elif char == '"' and at_cell_start:
            quoted = True
        at_cell_start = not quoted and (char == delimiter or char in "\r\n")
        i += 1
    return quoted


def _truncated(report: _Report, row: int, cells: int, width: int) -> None:
    report.error(TRUNCATED, f"文件在第 {row} 行中间结束：该行只有 {cells} 列，应有 {width} 列，且没有换行符 "
                 f"(the file ends in the middle of a row: truncated?)", row=row, column=max(cells, 1),
                 hint="文件可能没有完整复制或下载：重新导出或重新下载该文件")


def _check_last_line(lines: Sequence[bytes], delimiter: bytes | str, ends_with_line_break: bool,
                     report: _Report) -> None:
    """SSJ219 for a CSV without quotes whose last line, without a final line break, has fewer cells than
    the widest of the lines above it that the header search looks at (a file cut off mid-row)."""
    if ends_with_line_break or len(lines) < 2:
        return
    sep = delimiter.encode("utf-8") if isinstance(delimiter, str) else delimiter
    last = lines[-1].count(sep) + 1
    widest = max(line.count(sep) + 1 for line in lines[:_HEADER_SEARCH_LINES])
    if lines[-1].strip() and last < widest:
        _truncated(report, len(lines), last, widest)


#: canonical.UNWRITABLE as UTF-8 bytes (less NUL, refused as binary content, and surrogates, never UTF-8).
_UNWRITABLE_BYTES = re.compile(b"[\x01-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def _report_unwritable(cells: Sequence[str], row: int, report: _Report) -> None:
    """SSJ259 for each cell holding a character a workbook cannot hold (documents show it as U+FFFD)."""
    for column, cell in enumerate(cells, start=1):
        found = UNWRITABLE.search(cell)
        if found is not None:
            report.warning(UNWRITABLE_CHARACTER, f"单元格中有控制字符 U+{ord(found.group()):04X}，"
                           f"XLSX/DOCX 文书无法容纳，将显示为 � (a character documents cannot hold)",
                           row, column, hint="删除该字符（常由复制粘贴或其他系统导出带入）")


# White space a cell may start or end with (canonical text strips it), less the line breaks and, in a
# TAB-separated file, the delimiter.
_CELL_SPACE = {
    delimiter: re.compile("[" + re.escape("".join(c for c in WHITE_SPACE if c not in "\r\n" + delimiter))
                          + "]")
    for delimiter in (",", "\t")
}
_CHECK_BYTES = 1 << 20


def _utf8_lines(data: bytes) -> _CsvLines | None:
    """The CSV fast path straight from the file's bytes: UTF-8 (BOM or not), already NFC, no quotes, one
    kind of line end.

    Checked a line-aligned megabyte at a time while it is in cache (strict UTF-8, NFC, where white
    space occurs, the line ends) and split into lines there, so the whole text is never built: the
    bytes themselves become the registry's row store. None when the file needs the general path
    (another encoding, quoted cells, text to normalise, mixed line ends).
    """
    base = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    end = data.find(b"\n", base)
    delimiter = _delimiter(data[base:base + _HEAD_CHARS])
    if b'"' in data or (delimiter == "," and b"\t" in data) or _UNWRITABLE_BYTES.search(data) is not None:
        return None
    crlf = end > base and data[end - 1:end] == b"\r"
    sep = b"\r\n" if crlf else b"\n"
    sep_len = len(sep)
    has_space = _space_in_utf8(data, delimiter)
    pattern = _CELL_SPACE[delimiter]
    lines: list[bytes] = []
    starts = array("q")
    start, size = base, len(data)
    while start < size:
        stop = data.find(b"\n", start + _CHECK_BYTES)
        stop = size if stop < 0 else stop + 1
        chunk = data[start:stop]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not unicodedata.is_normalized("NFC", text):
            return None
        if has_space is None and pattern.search(text) is not None:
            has_space = True
        del text
        part = chunk.split(sep)
        n_cr = chunk.count(b"\r")
        if n_cr != (len(part) - 1 if crlf else 0) or (crlf and chunk.count(b"\n") != n_cr):
            return None  # a lone CR or LF: the general path rewrites the line ends
        if stop < size or not part[-1]:
            part.pop()  # the empty remainder after the chunk's last line end
        starts.extend(itertools.accumulate(map(sep_len.__add__, map(len, part)), initial=start))
        starts.pop()
        lines += part
        start = stop
    final = starts[-1] + len(lines[-1]) + sep_len if lines else base
    starts.append(final)
    encoding = "utf-8-sig" if base else "utf-8"
    return _CsvLines(data, lines, starts, sep_len, delimiter, bool(has_space), encoding)


def _space_in_utf8(data: bytes, delimiter: str) -> bool | None:
    """Whether UTF-8 `data` holds a white space character other than CR, LF and the delimiter; None
    when only the decoded text can tell. Byte searches (memchr) instead of a scan of the text: ASCII
    spaces, U+3000 全角空格, and the lead bytes of the rest (U+0085/U+00A0, U+1680, U+2000–U+205F)."""
    spaces = (b" ", b"\x0b", b"\x0c") if delimiter == "\t" else (b" ", b"\x0b", b"\x0c", b"\t")
    if any(map(data.__contains__, spaces)) or b"\xe3\x80\x80" in data:
        return True
    if any(map(data.__contains__, (b"\xc2", b"\xe1", b"\xe2"))):
        return None
    return False


class _CsvLines:
    """A CSV without quotes as UTF-8 bytes: one record per line, cells split by the delimiter.

    The bytes are kept whole (the registry's `RowStore` slices rows out of them) with the line starts
    in an array. `rows()` hands records out one by one as canonical cells (the header, the roster);
    `take()` hands the rest out in blocks of raw lines for the registry's bulk intake.
    """

    def __init__(self, buf: bytes, lines: list[bytes], starts: array[int], sep_len: int, delimiter: str,
                 has_space: bool, encoding: str) -> None:
        self.buf = buf
        self.lines = lines
        self.starts = starts  # starts[i] is where line i begins; it ends sep_len before starts[i + 1]
        self.sep_len = sep_len
        self.delimiter = delimiter
        self.has_space = has_space  # some white space character occurs: cells may need stripping
        self.encoding = encoding
        self.next = 0  # lines handed out so far

    @classmethod
    def split(cls, buf: bytes, delimiter: str, has_space: bool, encoding: str) -> _CsvLines:
        """Lines of UTF-8 text, CRLF throughout or else every CR, LF and CRLF one line end."""
        n_cr = buf.count(b"\r")
        lines: list[bytes] | None = None
        sep = b"\n"
        if n_cr and n_cr == buf.count(b"\n"):
            lines = buf.split(b"\r\n")  # Excel's CRLF throughout: no need to rewrite the text
            sep = b"\r\n"
            if len(lines) - 1 != n_cr:
                lines, sep = None, b"\n"  # a lone CR somewhere: not CRLF throughout
        if lines is None:
            if n_cr:
                buf = buf.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            lines = buf.split(b"\n")
        sep_len = len(sep)
        starts = array("q", itertools.accumulate(map(sep_len.__add__, map(len, lines)), initial=0))
        if lines and not lines[-1]:
            lines.pop()  # the line end of the last record
            starts.pop()
        return cls(buf, lines, starts, sep_len, delimiter, has_space, encoding)

    def rows(self) -> Iterator[Row]:
        lines, delimiter = self.lines, self.delimiter
        while self.next < len(lines):
            index = self.next
            self.next = index + 1
            cells = lines[index].decode("utf-8").split(delimiter)
            yield index + 1, ([c.strip(WHITE_SPACE) for c in cells] if self.has_space else cells)

    def take(self, size: int) -> Iterator[tuple[int, list[bytes]]]:
        """The lines not handed out yet, in blocks of `size`: (row number of the first, lines); each
        block is dropped from the list once handed out (peak memory: the bytes, not the bytes twice)."""
        lines = self.lines
        number = self.next + 1
        del lines[:self.next]
        self.next = 0
        while lines:
            block = lines[:size]
            del lines[:size]
            yield number, block
            number += len(block)

    def edge_space(self, lines: list[bytes]) -> bool:
        """Whether a cell of these lines starts or ends with white space (so cells need stripping)."""
        if not self.has_space:
            return False
        text = b"\n".join(lines).decode("utf-8")
        boundary = (self.delimiter, "\n")
        last = len(text) - 1
        for m in _CELL_SPACE[self.delimiter].finditer(text):
            at = m.start()
            if at == 0 or at == last or text[at - 1] in boundary or text[at + 1] in boundary:
                return True
        return False


def _open_xlsx(source: io.BytesIO, report: _Report, sheet_names: tuple[str, ...]) -> _Table | None:
    import openpyxl  # imported here: CSV-only runs do not pay for it

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        report.error(NOT_A_TABLE,
                     f"无法作为 XLSX 工作簿读取 (not a readable XLSX workbook): {type(exc).__name__}",
                     row=1, column=1, hint="用 Excel 或 WPS 打开后另存为 .xlsx 或 CSV")
        return None
    sheet = None
    wanted = {n.lower() for n in sheet_names}
    for candidate in workbook.worksheets:
        if canonical_text(candidate.title).lower() in wanted:
            sheet = candidate
            break
    if sheet is None:
        sheet = workbook.worksheets[0]
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # trust the cells, not the stored (often wrong) dimension
    _report_formulas_without_values(sheet, report)
    merged = _merged_ranges(sheet)

    def rows() -> Iterator[Row]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [canonical_text(_xlsx_text(v)) for v in values]
        except Exception as exc:
            report.error(NOT_A_TABLE, f"XLSX 工作表读取失败 (damaged worksheet): {type(exc).__name__}",
                         row=1, column=1, hint="用 Excel 或 WPS 打开后另存为 .xlsx 或 CSV")

    return _Table(rows(), "xlsx", workbook.close, merged=merged)


_MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]{0,200}?\bref=\"([A-Z]{1,3})([0-9]{1,7})"
                        rb"(?::([A-Z]{1,3})([0-9]{1,7}))?\"")
_MERGE_OVERLAP = 512
"""Bytes kept from one chunk to the next: longer than any tag `_MERGE_TAG` matches, so a tag cut by a
chunk end (which does not match: the closing quote is missing) is found whole in the next window."""


def _merged_ranges(sheet: Any) -> tuple[_Merge, ...]:
    """The sheet's merged ranges, read from its XML (openpyxl's read-only sheets do not give them), a
    megabyte at a time as for formula cells."""
    source = getattr(sheet, "_get_source", None)
    if source is None:
        return ()
    found: dict[int, _Merge] = {}  # by the tag's offset in the XML: a tag in the overlap counts once
    offset, tail = 0, b""
    try:
        with source() as stream:
            while True:
                chunk = stream.read(1 << 20)
                window = tail + chunk
                for m in _MERGE_TAG.finditer(window):
                    found.setdefault(offset + m.start(), _merge(m))
                if not chunk:
                    break
                keep = min(len(window), _MERGE_OVERLAP)
                offset += len(window) - keep
                tail = window[len(window) - keep:]
    except Exception:  # a damaged sheet is reported by the reading itself (SSJ202)
        return ()
    return tuple(found[k] for k in sorted(found))


def _merge(m: re.Match[bytes]) -> _Merge:
    first_col, first_row = m.group(1).decode(), int(m.group(2))
    last_col, last_row = (m.group(3) or m.group(1)).decode(), int(m.group(4) or m.group(2))
    ref = f"{first_col}{first_row}:{last_col}{last_row}"
    return _Merge(ref, first_row, last_row, _column_number(first_col))


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _report_formulas_without_values(sheet: Any, report: _Report) -> None:
    """SSJ258 once per column: formula cells without a cached value (a workbook written by a script and
    never opened in Excel) read as blank, so the officer must know before a subject is drawn from them.

    openpyxl gives such a cell as None whatever its formula, so the sheet's XML is scanned: first for a
    formula tag at all (a byte search; exports have none), then cell by cell.
    """
    source = getattr(sheet, "_get_source", None)
    if source is None:
        return
    found: dict[int, list[Any]] = {}  # column → [first row, first reference, count]
    try:
        with source() as stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                if _FORMULA_TAG.search(tail + chunk):
                    break
                tail = chunk[-64:]
            else:
                return
        from xml.etree.ElementTree import iterparse

        with source() as stream:
            for _event, element in iterparse(stream):
                tag = element.tag.rpartition("}")[2]
                if tag == "row":
                    element.clear()
                    continue
                if tag != "c":
                    continue
                children = {child.tag.rpartition("}")[2]: child for child in element}
                value = children.get("v")
                if "f" in children and (value is None or not value.text):
                    m = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", element.get("r") or "")
                    if m is not None:
                        column = _column_number(m.group(1))
                        entry = found.setdefault(column, [int(m.group(2)), m.group(0), 0])
                        entry[2] += 1
    except Exception:  # a damaged sheet is reported by the reading itself (SSJ202)
        return
    for column in sorted(found):
        row, reference, count = found[column]
        report.warning(FORMULA_WITHOUT_VALUE,
                       f"第 {column} 列有 {count} 个公式单元格没有保存计算结果，读作空白，首个在 {reference} "
                       f"(formula cells without a cached value read as blank)", row, column,
                       hint="用 Excel 或 WPS 打开该文件并保存（公式会算出结果），"
                            "或把该列复制后“选择性粘贴 → 数值”")


def _column_number(letters: str) -> int:
    """Spreadsheet column letters → 1-based number (A → 1, AA → 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _xlsx_text(value: object) -> str:
    """A cell value as the text a CSV export would carry: whole numbers without ".0", dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1e15:
            return f"{value:.15G}"  # beyond a double's 15 digits: as Excel shows it (9.1140502E+17)
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


# ---------------------------------------------------------------- header


@dataclass
class _Header:
    names: tuple[str, ...]  # canonical, as written
    standard: dict[str, int]  # standard name → column index (0-based)
    columns: dict[str, int]  # field name (standard or as written) → column index
    row: int


def _find_header(rows: Iterator[Row], resolve: Callable[[str], str | None], key_field: str,
                 report: _Report) -> tuple[_Header | None, list[Row]]:
    """The header row: the first non-blank row, unless it is a title row (one cell, such as
    "检查对象名录库") followed within a few rows by a row that names the key column."""
    buffered: list[Row] = []
    for number, cells in rows:
        if not any(cells):
            continue
        buffered.append((number, cells))
        has_key = any(resolve(c) == key_field for c in cells if c)
        title_like = sum(1 for c in cells if c) == 1
        if has_key or not title_like or len(buffered) >= 6:
            break
    if not buffered:
        report.error(EMPTY_FILE, "文件为空，没有表头行 (empty file: no header row)", row=1, column=1,
                     hint="第一行写列名，例如：统一社会信用代码,名称,类型,行业类别,风险等级")
        return None, []
    with_key = [i for i, (_n, cells) in enumerate(buffered)
                if any(resolve(c) == key_field for c in cells if c)]
    not_title = [i for i, (_n, cells) in enumerate(buffered) if sum(1 for c in cells if c) > 1]
    header_at = with_key[0] if with_key else (not_title[0] if not_title else 0)
    number, cells = buffered[header_at]
    while cells and not cells[-1]:
        cells = cells[:-1]
    standard: dict[str, int] = {}
    columns: dict[str, int] = {}
    for index, name in enumerate(cells):
        column = index + 1
        if not name:
            report.error(BAD_HEADER, f"第 {column} 列没有列名 (column {column} has no name)", row=number,
                         column=column, hint="在表头行为该列写上列名，或删除这一整列")
            continue
        std = resolve(name)
        key = std or name
        if key in columns:
            first = columns[key] + 1
            report.error(BAD_HEADER, f"列「{name}」与第 {first} 列「{cells[first - 1]}」表示同一字段 "
                         f"(two columns mean {key})", row=number, column=column,
                         hint="删除或改名其中一列",
                         related=(Related(f"第 {first} 列", cell_span(number, first), report.file),))
            continue
        columns[key] = index
        if std is not None:
            standard[std] = index
    return _Header(tuple(cells), standard, columns, number), buffered[header_at + 1:]


def _missing_column(report: _Report, header: _Header, name: str, english: str, examples: str) -> None:
    report.error(MISSING_COLUMN, f"缺少「{name}」列 (no {english} column); 表头为：{'、'.join(header.names)}",
                 row=header.row, column=1, hint=f"表头中加入「{name}」列（也可写作 {examples}）")


def _cells_of(number: int, cells: list[str], width: int, report: _Report) -> list[str] | None:
    """The row fitted to the header width: padded with blanks; extra non-blank cells are an error."""
    n = len(cells)
    if n == width:
        return cells
    if n < width:
        cells.extend([""] * (width - n))
        return cells
    extra = [i for i in range(width, n) if cells[i]]
    if extra:
        column = extra[0] + 1
        report.error(EXTRA_CELLS, f"该行有 {n} 个单元格，多于表头的 {width} 列 "
                     f"(row has more cells than the header)", row=number, column=column,
                     hint="检查该行是否多了逗号（名称或地址中的逗号需用引号括起），或为该列补上表头")
        return None
    del cells[width:]
    return cells


def _split(cell: str) -> tuple[str, ...]:
    if not cell:
        return ()
    return tuple(p for p in (x.strip(WHITE_SPACE) for x in _LIST_SPLIT.split(cell)) if p)


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


# ---------------------------------------------------------------- registry values

_RISK_VALUES: dict[str, RiskClass] = {"": RiskClass.UNCLASSIFIED}
for _risk in RiskClass:
    _RISK_VALUES[_risk.value] = _risk
    _RISK_VALUES[_risk.chinese] = _risk
    _RISK_VALUES[_risk.name.upper()] = _risk
for _short, _risk in (("低", RiskClass.LOW), ("一般", RiskClass.MEDIUM), ("较高", RiskClass.HIGHER),
                      ("高", RiskClass.HIGH), ("中", RiskClass.MEDIUM), ("中风险", RiskClass.MEDIUM),
                      ("LOW", RiskClass.LOW), ("MEDIUM", RiskClass.MEDIUM), ("HIGHER", RiskClass.HIGHER),
                      ("HIGH", RiskClass.HIGH), ("UNCLASSIFIED", RiskClass.UNCLASSIFIED),
                      ("无", RiskClass.UNCLASSIFIED),
                      ("/", RiskClass.UNCLASSIFIED), ("未评级", RiskClass.UNCLASSIFIED)):
    _RISK_VALUES[_short] = _risk


def parse_risk(cell: str) -> RiskClass | None:
    """风险等级 cell → class: A–D (any case, "A类"/"A级"), 低风险…高风险, 低/一般/较高/高;
    blank or 未分类 → U. None when unrecognised."""
    found = _RISK_VALUES.get(cell)
    if found is not None:
        return found
    text = unicodedata.normalize("NFKC", cell).strip().upper()
    found = _RISK_VALUES.get(text)
    if found is None and len(text) == 2 and text[1] in "类级":
        found = _RISK_VALUES.get(text[0])
    return found


_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_AMOUNT = re.compile(r"(?:人民币)?([0-9][0-9,]*(?:\.[0-9]+)?)(万元|万|亿元|亿|元)?(?:人民币)?")
_UNIT_FACTORS: dict[str, Decimal] = {"": Decimal(1), "万元": Decimal(1), "万": Decimal(1),
                                     "亿元": Decimal(10000), "亿": Decimal(10000), "元": Decimal("0.0001")}


def parse_capital(cell: str, default_unit: str = "万元") -> Decimal | None:
    """注册资本 cell → 万元 (Decimal), None when blank. "3000", "3,000", "3000万元", "0.3亿元",
    "500000元", "人民币3000万元" are accepted; `default_unit` applies to bare numbers (the header may say
    注册资本（元）). Raises ValueError for anything else (negative, foreign currency, words)."""
    if not cell:
        return None
    if _PLAIN_NUMBER.fullmatch(cell):
        value = Decimal(cell)
        return value if default_unit in ("万元", "万") else value * _UNIT_FACTORS[default_unit]
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell))
    m = _AMOUNT.fullmatch(text)
    if m is None:
        raise ValueError(cell)
    digits = m.group(1)
    if "," in digits and not re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", digits):
        raise ValueError(cell)
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        raise ValueError(cell) from None
    return value * _UNIT_FACTORS[m.group(2) or default_unit]


def _capital_unit(header: str) -> str:
    """The unit a 注册资本 header states, e.g. 注册资本（元）; 万元 when none."""
    m = _UNIT_SUFFIX.search(unicodedata.normalize("NFKC", header))
    if m:
        unit = m.group(1).replace("人民币", "").strip()
        if unit in _UNIT_FACTORS and unit:
            return unit
    return "万元"


# ---------------------------------------------------------------- registry


def load_registry(path: Path, encoding: str | None = None) -> Registry:
    """Load a 检查对象名录库 (CSV or XLSX); raise `InputError` with every problem when it has errors.

    `encoding` forces a codec for CSV (e.g. "gbk"); by default strict UTF-8 (BOM allowed) is tried,
    then GB18030 (a superset of GBK/GB2312, what Excel writes on Chinese Windows).
    """
    path = Path(path)
    report = _Report(str(path))
    collecting = gc.isenabled()
    gc.disable()  # millions of new rows would trigger full collections that find nothing to free
    try:
        table = _open_table(path, encoding, report, _SHEET_NAMES_REGISTRY)
        if table is None:
            raise InputError(report.errors)
        try:
            registry = _read_registry(path, table, report)
        finally:
            table.close()
    finally:
        if collecting:
            gc.enable()
    report.fail_if_errors()
    assert registry is not None
    return registry


def _read_registry(path: Path, table: _Table, report: _Report) -> Registry | None:
    header, pending = _find_header(table.rows, standard_field, "统一社会信用代码", report)
    if header is None:
        return None
    _refuse_merged(table, header.row, report)
    if "统一社会信用代码" not in header.standard:
        _missing_column(report, header, "统一社会信用代码", "id", "id、社会信用代码、注册号")
        return None
    if "名称" not in header.standard:
        report.warning(NO_NAME_COLUMN, "名录中没有「名称」列，文书中将只显示代码 (no 名称 column)",
                       header.row, 1, hint="表头中加入「名称」列（也可写作 name、企业名称）")
    columns = ColumnIndex(header.columns)
    width = len(header.names)
    header_line = "\t".join(header.names)
    lines = table.lines
    if lines is not None:
        store = RowStore(columns, header.standard, width, lines.delimiter, lines.buf, lines.starts,
                         lines.sep_len)
    else:
        store = RowStore(columns, header.standard, width)
    # R from the file's own lines, started before the intake drops them (in a second process when
    # possible); used only if the intake then finds every line canonical as it stands.
    presorted = (_PresortedDigest(header_line, lines, header.row)
                 if lines is not None and header.standard["统一社会信用代码"] == 0 else None)
    try:
        intake = _SubjectIntake(header, store, report)
        intake.rows(pending)
        if lines is not None:
            intake.text_lines(lines)
        else:
            intake.rows(table.rows)
        if intake.failed or report.errors:
            return None
        subjects = tuple(intake.subjects)
        digest = None
        if (presorted is not None and intake.plain_ids and not store.has_overrides
                and len(subjects) == presorted.rows):
            digest = presorted.result()
        if digest is None:
            digest = _registry_digest(header_line, subjects, store)
    finally:
        if presorted is not None:
            presorted.close()
    return Registry(path, header.names, subjects, intake.by_id, digest, report.finish(), table.encoding,
                    columns)


_BLOCK = 16384
"""Rows per block of the bulk intake: small enough to stay in cache, large enough that the per-block
work (a few C-level passes per column) is negligible."""


class _SubjectIntake:
    """Turns registry rows into `Subject`s, reporting every problem with its row and column.

    Two ways in: `rows` takes one row at a time (any table); `text_lines` takes the CSV fast path's lines
    a block at a time and checks each block column by column in C (ids canonical and unique, every
    风险等级 / 注册资本 / 行业类别 already known), falling back to `rows` for a block that needs per-row care
    (blank or short rows, white space at cell edges, lower-case ids, duplicates, errors). Both give the
    same subjects, diagnostics and digest.
    """

    def __init__(self, header: _Header, store: RowStore, report: _Report) -> None:
        std = header.standard
        self.store = store
        self.report = report
        self.width = len(header.names)
        self.blank = self.width  # absent standard columns read from an extra always-blank cell
        col = lambda name: std.get(name, self.blank)  # noqa: E731
        self.id_col = std["统一社会信用代码"]
        self.name_col, self.type_col, self.cat_col = col("名称"), col("类型"), col("行业类别")
        self.risk_col, self.cap_col, self.area_col = col("风险等级"), col("注册资本"), col("所属区域")
        self.has_name = self.name_col != self.blank
        self.cap_unit = _capital_unit(header.names[self.cap_col]) if self.cap_col != self.blank else "万元"
        self.shared: dict[str, str] = {"": ""}
        self.categories: dict[str, tuple[str, ...]] = {"": ()}
        self.capitals: dict[str, Decimal | None] = {"": None}
        self.risks: dict[str, RiskClass] = dict(_RISK_VALUES)
        # the fast path's caches, by the cell's UTF-8 bytes
        self.separator = b","
        self.risk_bytes: dict[bytes, RiskClass] = {k.encode("utf-8"): v for k, v in _RISK_VALUES.items()}
        self.capital_bytes: dict[bytes, Decimal | None] = {b"": None}
        self.category_bytes: dict[bytes, tuple[str, ...]] = {b"": ()}
        self.text_bytes: dict[bytes, str] = {b"": ""}
        self.by_id: dict[str, Subject] = {}
        self.subjects: list[Subject] = []
        self.failed = False
        self.plain_ids = True  # every id so far is ASCII digits and letters only (`_PresortedDigest`)

    # ------------------------------------------------------------ one row at a time

    def rows(self, rows: Iterable[Row]) -> None:
        report, store, width, id_col = self.report, self.store, self.width, self.id_col
        join = store.delimiter.join
        by_id, shared = self.by_id, self.shared
        for number, cells in rows:
            if len(cells) != width:
                if not any(cells):
                    continue
                if _cells_of(number, cells, width, report) is None:
                    self.failed = True
                    continue
            sid = cells[id_col]
            if not sid and not any(cells):
                continue  # a blank row
            sid = sid.upper() if sid.isascii() else sid.translate(_ASCII_UPPER)
            if not sid:
                self.failed = True
                report.error(EMPTY_ID, "统一社会信用代码为空 (empty id)", number, id_col + 1,
                             hint="填写该检查对象的统一社会信用代码；没有代码的行不能参加抽取")
            cells[id_col] = sid
            line = join(cells)
            cells.append("")  # the blank cell absent columns read
            risk = self._risk(cells[self.risk_col], number)
            capital = self._capital(cells[self.cap_col], number)
            if not sid:
                continue
            first = by_id.get(sid)
            if first is not None:
                self.failed = True
                report.error(DUPLICATE_ID, f"统一社会信用代码 {sid} 与第 {first.row} 行重复 (duplicate id)",
                             number, id_col + 1,
                             hint="同一检查对象只能出现一次：删除重复行或更正代码（不会自动去重）",
                             related=(Related(f"第 {first.row} 行的 {sid}", cell_span(first.row, id_col + 1),
                                              report.file),))
                continue
            if not is_valid_uscc(sid):
                _id_warning(report, sid, number, id_col + 1)
                if not (sid.isascii() and sid.isalnum()):
                    self.plain_ids = False
            cat_cell = cells[self.cat_col]
            categories = self.categories.get(cat_cell)
            if categories is None:
                categories = self.categories[cat_cell] = _split(cat_cell)
            name = cells[self.name_col]
            if not name and self.has_name:
                self._blank_name(sid, number)
            store.put(number, line)
            type_cell, area_cell = cells[self.type_col], cells[self.area_col]
            by_id[sid] = subject = _new_subject(Subject, (
                sid, name, shared.setdefault(type_cell, type_cell), categories, risk, capital,
                shared.setdefault(area_cell, area_cell), number, store))
            self.subjects.append(subject)

    def _risk(self, cell: str, number: int) -> RiskClass:
        risk = self.risks.get(cell)
        if risk is None:
            risk = parse_risk(cell)
            if risk is None:
                self.failed = True
                self.report.error(BAD_RISK, f"风险等级「{cell}」无法识别 (unknown risk class)",
                                  number, self.risk_col + 1,
                                  hint="填写 A/B/C/D、低风险/一般风险/较高风险/高风险，未分类留空")
                return RiskClass.UNCLASSIFIED
            self.risks[cell] = risk
        return risk

    def _capital(self, cell: str, number: int) -> Decimal | None:
        capital = self.capitals.get(cell, _MISSING)
        if capital is _MISSING:
            try:
                capital = self.capitals[cell] = parse_capital(cell, self.cap_unit)
            except ValueError:
                self.failed = True
                self.report.error(BAD_CAPITAL, f"注册资本「{cell}」不是金额 (not an amount in 万元)",
                                  number, self.cap_col + 1,
                                  hint="以万元为单位填写数字，例如 3000、3,000、3000万元、0.3亿元；"
                                       "外币请折算为人民币")
                return None
        return capital  # type: ignore[no-any-return]

    def _blank_name(self, sid: str, number: int) -> None:
        self.report.warning(BLANK_NAME, f"{sid} 的名称为空 (blank name)", number, self.name_col + 1,
                            hint="填写检查对象名称，文书和公示中需要")

    # ------------------------------------------------------------ the CSV fast path, a block at a time

    def text_lines(self, lines: _CsvLines) -> None:
        delimiter = lines.delimiter
        self.separator = delimiter.encode("ascii")
        for first, block in lines.take(_BLOCK):
            if lines.edge_space(block):
                self.rows(zip(itertools.count(first), (
                    [c.strip(WHITE_SPACE) for c in line.decode("utf-8").split(delimiter)] for line in block)))
            elif not self._block(first, block):
                self.rows(zip(itertools.count(first),
                              (line.decode("utf-8").split(delimiter) for line in block)))

    def _block(self, first: int, block: list[bytes]) -> bool:
        """Take a block of clean rows in C-level passes; False (nothing taken) when a row needs care."""
        width, n, separator = self.width, len(block), self.separator
        if width < 2:
            return False
        # Lines joined by LF and split by the delimiter: a row's last cell and the next row's first are
        # one "last\nfirst" cell, every (width-1)-th. Each holding the (only) LF proves every row has
        # exactly `width` cells, without a per-row count.
        cells = b"\n".join(block).split(separator)
        stride = width - 1
        if len(cells) != n * stride + 1:
            return False  # a short, long or blank row
        joints = cells[stride:-1:stride]
        if not all(map(bytes.__contains__, joints, itertools.repeat(b"\n"))):
            return False
        halves = list(map(bytes.partition, joints, itertools.repeat(b"\n")))
        blank = [b""] * n

        def column(index: int) -> list[bytes]:
            if index == self.blank:
                return blank
            if index == 0:
                return [cells[0], *map(operator.itemgetter(2), halves)]
            if index == stride:
                return [*map(operator.itemgetter(0), halves), cells[-1]]
            return cells[index::stride]

        raw_ids = column(self.id_col)
        if not all(raw_ids):
            return False
        joined = b"".join(raw_ids)
        if not joined.isascii() or joined.upper() != joined:
            return False  # lower-case or non-ASCII ids: canonicalised row by row
        ids = list(map(bytes.decode, raw_ids))
        risks = self._known(column(self.risk_col), self.risk_bytes, self._parse_risk)
        capitals = self._known(column(self.cap_col), self.capital_bytes, self._parse_capital)
        if risks is None or capitals is None:
            return False  # a cell that does not parse: reported in row order by `rows`
        categories = self._known(column(self.cat_col), self.category_bytes, self._parse_categories)
        types = self._known(column(self.type_col), self.text_bytes, self._intern)
        areas = self._known(column(self.area_col), self.text_bytes, self._intern)
        assert categories is not None and types is not None and areas is not None
        names = list(map(bytes.decode, column(self.name_col)))
        subjects = list(map(_new_subject, itertools.repeat(Subject, n), zip(
            ids, names, types, categories, risks, capitals, areas, range(first, first + n),
            itertools.repeat(self.store, n), strict=True)))
        by_id = self.by_id
        kept = list(map(by_id.setdefault, ids, subjects))
        if not all(map(operator.is_, kept, subjects)):  # an id seen before: undo, `rows` reports it
            for sid, subject in zip(ids, subjects, strict=True):
                if by_id.get(sid) is subject:
                    del by_id[sid]
            return False
        self.subjects += subjects
        if not joined.isalnum():  # ASCII (checked above): digits and letters only
            self.plain_ids = False
        # Warnings in row order (per code, as `rows` gives them).
        valid = _valid_usccs(joined, raw_ids)
        if valid is not None:
            report, id_column = self.report, self.id_col + 1
            for number, sid, ok in zip(itertools.count(first), ids, valid, strict=False):
                if not ok:
                    _id_warning(report, sid, number, id_column)
        if self.has_name and not all(names):
            for number, sid, name in zip(itertools.count(first), ids, names, strict=False):
                if not name:
                    self._blank_name(sid, number)
        return True

    @staticmethod
    def _known(cells: list[bytes], cache: dict[bytes, Any], parse: Callable[[str], Any]) -> list[Any] | None:
        """The value of every cell through `cache` (low-variety columns: a few distinct cells), new
        cells decoded and parsed once; None when one does not parse."""
        try:
            return list(map(cache.__getitem__, cells))
        except KeyError:
            pass
        for cell in set(cells).difference(cache):
            value = parse(cell.decode("utf-8"))
            if value is _MISSING:
                return None
            cache[cell] = value
        return list(map(cache.__getitem__, cells))

    def _parse_risk(self, cell: str) -> Any:
        risk = self.risks.get(cell)
        if risk is None:
            risk = parse_risk(cell)
        return _MISSING if risk is None else risk

    def _parse_capital(self, cell: str) -> Any:
        try:
            return parse_capital(cell, self.cap_unit)
        except ValueError:
            return _MISSING

    def _parse_categories(self, cell: str) -> tuple[str, ...]:
        categories = self.categories.get(cell)
        if categories is None:
            categories = self.categories[cell] = _split(cell)
        return categories

    def _intern(self, cell: str) -> str:
        return self.shared.setdefault(cell, cell)


def _valid_usccs(joined: bytes, ids: list[bytes]) -> list[bool] | None:
    """Which ids are valid USCCs (`uscc.is_valid_uscc`), or None when all are: 10^6 ids checked in a few
    dozen C-level passes instead of 10^6 Python calls.

    For 18-character ids of the GB 32100 alphabet: position p's characters are translated to
    value·weight mod 31 (the check character to its value), summed across positions in 16-bit lanes
    of one big integer, and a code is valid iff its lane is ≡ 0 mod 31 (Σ v·w + check ≡ 0).
    """
    n = len(ids)
    if (len(joined) != 18 * n or any(map((18).__ne__, map(len, ids)))
            or joined.translate(None, _ALPHABET_BYTES)):
        valid = [is_valid_uscc(i.decode("ascii")) for i in ids]
        return None if all(valid) else valid
    total = 0
    wide = bytearray(2 * n)
    for position, table in enumerate(_USCC_TABLES):
        wide[1::2] = joined[position::18].translate(table)
        total += int.from_bytes(wide, "big")
    lanes = total.to_bytes(2 * n, "big")  # each lane ≤ 18 × 30 < 65536: no carries between lanes
    # lane = 256·high + low ≡ (8·high mod 31) + (low mod 31) (mod 31); both < 31, their sum < 256
    residues = (int.from_bytes(lanes[0::2].translate(_HIGH_MOD31), "big")
                + int.from_bytes(lanes[1::2].translate(_LOW_MOD31), "big")).to_bytes(n, "big")
    flags = residues.translate(_NONZERO_MOD31)
    if b"\x01" not in flags:
        return None
    return [not f for f in flags]


_ALPHABET_BYTES = ALPHABET.encode("ascii")
_USCC_TABLES = tuple(
    bytes((ALPHABET.index(chr(c)) * weight) % 31 if chr(c) in ALPHABET else 0 for c in range(256))
    for weight in (*WEIGHTS, 1)
)
_HIGH_MOD31 = bytes((256 * h) % 31 for h in range(256))
_LOW_MOD31 = bytes(x % 31 for x in range(256))
_NONZERO_MOD31 = bytes(int(x % 31 != 0) for x in range(256))


class _PresortedDigest:
    """R (SSJ-DRAW-1 §2) from the CSV fast path's data lines as they are in the file, sorted as bytes.

    Sorting whole lines is sorting by id when the id is the first cell, ids are unique and none holds
    a byte below the delimiter (digits and ASCII letters only: `_SubjectIntake.plain_ids`), and each
    line is then the row's canonical cells when the intake took every line as a subject without
    rewriting one (`RowStore.has_overrides`). The caller checks that after the intake and otherwise
    computes R from the subjects; this way needs neither the ids' sort order nor 10^6 slices of the
    file in random order, so it costs a third of `_registry_digest`.

    On Linux, for a large table in a process without other threads, the digest is computed in a forked
    child (the second core) while the parent runs the intake: the child shares the file's lines
    copy-on-write, writes the 64 hex digits to a pipe and leaves by `os._exit`; the parent reads them,
    or kills the child when they are not needed, and always reaps it. Elsewhere it is computed at
    once, in-process (a second wasted at 10^6 rows when the intake then rewrites a line).
    """

    def __init__(self, header_line: str, lines: _CsvLines, header_row: int) -> None:
        self.rows = len(lines.lines) - header_row  # the data lines, header and rows above it excluded
        self._value: str | None = None
        self._pid = 0
        self._fd = -1

        def compute() -> str:
            return _sorted_lines_digest(header_line, lines.lines[header_row:], lines.delimiter)

        if not (self.rows >= _FORK_ROWS and _can_fork()):
            self._value = compute()
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or process slots left: do it here
            os.close(read)
            os.close(write)
            self._value = compute()
            return
        if pid == 0:  # the child: never returns into the caller
            status = 1
            try:
                os.close(read)
                os.write(write, compute().encode("ascii"))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> str | None:
        """The digest; None when the child failed (the caller then computes R itself)."""
        if self._pid:
            chunks = []
            while chunk := os.read(self._fd, 128):
                chunks.append(chunk)
            text = b"".join(chunks).decode("ascii", "replace")
            ok = self._reap() == 0 and len(text) == 64
            self._value = text if ok else None
        return self._value

    def close(self) -> None:
        """Stop the child if it still runs and reap it (no zombie); safe to call more than once."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self) -> int:
        pid, self._pid = self._pid, 0
        os.close(self._fd)
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except ChildProcessError:  # SIGCHLD ignored: the kernel reaped it, its status is lost
            return -1


_FORK_ROWS = 100_000
"""Tables with fewer data rows compute the presorted digest in-process (forking costs more than it saves)."""


def _can_fork() -> bool:
    """fork without surprises: Linux (macOS system libraries are not fork-safe) and no other threads."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def _sorted_lines_digest(header_line: str, lines: list[bytes], delimiter: str) -> str:
    """H(header_line + "\\n" + the lines sorted as bytes, the delimiter as TAB, each line + "\\n")."""
    lines.sort()
    to_tab = bytes.maketrans(delimiter.encode("ascii"), b"\t")

    def blocks() -> Iterator[bytes]:
        for start in range(0, len(lines), _DIGEST_BLOCK):
            block = b"\n".join(lines[start:start + _DIGEST_BLOCK])
            # a canonical cell never holds a TAB, nor (fast path) the file's delimiter
            yield block if delimiter == "\t" else block.translate(to_tab)
            yield b"\n"

    return digest_of_blocks(header_line, blocks())


def _registry_digest(header_line: str, subjects: Sequence[Subject], store: RowStore) -> str:
    """R of SSJ-DRAW-1 §2: the header, then every row's canonical cells joined by TAB, in id order.

    Rows are streamed through one SHA-256 in blocks of UTF-8 lines sliced from the store; only the id
    order (positions) is held at once.
    """
    ids = list(map(operator.attrgetter("id"), subjects))
    order = sorted(range(len(ids)), key=ids.__getitem__)  # str order = code point order = UTF-8 order
    del ids
    rows = array("q", map(operator.attrgetter("row"), subjects))
    delimiter = store.delimiter
    to_tab = bytes.maketrans(delimiter.encode("ascii"), b"\t")

    def blocks() -> Iterator[bytes]:
        for lines in store.ordered_lines(rows, order, _DIGEST_BLOCK):
            block = b"\n".join(lines)
            # a canonical cell never holds a TAB, nor (fast path) the file's delimiter
            yield block if delimiter == "\t" else block.translate(to_tab)
            yield b"\n"

    return digest_of_blocks(header_line, blocks())


_DIGEST_BLOCK = 65536


_MISSING: Any = object()


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?E[+-]?\d+")


def _number_as_id(report: _Report, text: str, what: str, row: int, column: int) -> bool:
    """An id like 9.1140502E+17 is what Excel shows once it has stored a long code as a number: the
    digits after the 15th are gone, so the subject (or inspector) cannot be identified. True if reported."""
    if _SCIENTIFIC.fullmatch(text) is None:
        return False
    report.error(NUMBER_AS_ID, f"{what}「{text}」是科学计数法的数字，后几位已丢失 (id stored as a number)",
                 row, column,
                 hint="Excel 把长代码存成了数字：把该列设为“文本”格式后，从原始系统重新导出或重新录入代码")
    return True


def _id_warning(report: _Report, sid: str, row: int, column: int) -> None:
    """The one warning an invalid id gets, the most specific first: scientific notation (an error), an
    invisible character, full-width characters, a wrong check character, a 注册号, anything else."""
    if _number_as_id(report, sid, "统一社会信用代码", row, column):
        return
    if _invisible_in_id(report, sid, row, column) or _full_width_id(report, sid, row, column):
        return
    if looks_like_uscc(sid):
        right = uscc_check_char(sid[:17])
        report.warning(BAD_CHECK_CHAR, f"统一社会信用代码 {sid} 的校验码应为 {right} (wrong check character)",
                       row, column, hint="核对代码是否抄错；以国家企业信用信息公示系统上的代码为准")
    elif is_legacy_registration_number(sid):
        report.warning(LEGACY_NUMBER,
                       f"{sid} 是 15 位旧注册号，不是统一社会信用代码 (legacy registration number)",
                       row, column, hint="换发营业执照后请改用 18 位统一社会信用代码")
    else:
        bad = sorted({c for c in sid if c not in ALPHABET})
        detail = f"，含有不允许的字符 {''.join(bad)}" if bad and len(sid) == 18 else f"，长度为 {len(sid)}"
        report.warning(NOT_AN_ID, f"{sid} 既不是统一社会信用代码也不是注册号{detail} (not a USCC)",
                       row, column,
                       hint="统一社会信用代码为 18 位（不含 I、O、S、V、Z），旧注册号为 15 位数字")


def _invisible_in_id(report: _Report, sid: str, row: int, column: int) -> bool:
    """SSJ256: an id holding a format character (Unicode Cf: U+FEFF BOM, U+200B zero width space…) that
    no one sees in Excel but that makes it another id. Named, with its position; True if reported."""
    found = [(i, c) for i, c in enumerate(sid, start=1) if unicodedata.category(c) == "Cf"]
    if not found:
        return False
    names = "、".join(f"第 {i} 个字符 U+{ord(c):04X} {unicodedata.name(c, 'FORMAT CHARACTER')}"
                     for i, c in found[:3])
    visible = "".join(c for c in sid if unicodedata.category(c) != "Cf")
    report.warning(INVISIBLE_IN_ID,
                   f"统一社会信用代码 {visible} 含有不可见字符：{names} (invisible character in the id)",
                   row, column,
                   hint="删除该字符：在单元格中重新输入代码（不可见字符常随复制粘贴或拼接文件带入）；"
                        "否则该对象的代码与其他系统中的不一致")
    return True


def _full_width_id(report: _Report, sid: str, row: int, column: int) -> bool:
    """SSJ257: an id typed with full-width letters or digits (９１１４… from a Chinese input method).
    Not converted (the digest is over the text as written): the hint shows the half-width form."""
    if not any("\uff01" <= c <= "\uff5e" for c in sid):
        return False
    half = unicodedata.normalize("NFKC", sid).translate(_ASCII_UPPER)
    valid = "，是有效的统一社会信用代码" if is_valid_uscc(half) else ""
    report.warning(FULL_WIDTH_ID, f"统一社会信用代码 {sid} 含有全角字符 (full-width characters in the id)",
                   row, column, hint=f"改为半角：{half}{valid}；输入代码时请切换到半角（英文）输入状态")
    return True


# ---------------------------------------------------------------- roster values

_YES = frozenset({"是", "有", "yes", "y", "true", "1", "√", "✓"})
_NO = frozenset({"否", "无", "no", "n", "false", "0", "×", "✗"})
_RANGE_SEPARATOR = re.compile(r"\s*(?:~|～|至|到|—|–)\s*")
MAX_UNAVAILABLE_RANGE_DAYS = 366


def parse_qualified(cell: str) -> bool | None:
    """执法资格 cell → True/False; None when blank or unrecognised."""
    text = unicodedata.normalize("NFKC", cell).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def parse_dates(cell: str) -> frozenset[date]:
    """不可用日期 cell → the set of dates: items split like 行业类别, each a date (2024-03-05, 2024/3/5,
    2024年3月5日) or an inclusive range (2024-03-05~2024-03-09, …至…). Raises ValueError with the bad item."""
    days: set[date] = set()
    for item in _split(cell):
        parts = _RANGE_SEPARATOR.split(item)
        if len(parts) > 2:
            raise ValueError(item)
        ends = [_parse_date(p, item) for p in parts]
        start, end = ends[0], ends[-1]
        if end < start:
            raise ValueError(f"{item}（结束早于开始）")
        if (end - start).days >= MAX_UNAVAILABLE_RANGE_DAYS:
            raise ValueError(f"{item}（超过一年）")
        for i in range((end - start).days + 1):
            days.add(start + timedelta(days=i))
    return frozenset(days)


def _parse_date(text: str, item: str) -> date:
    """One end of a 不可用日期 item (`canonical.parse_date`); ValueError naming the item otherwise."""
    found = parse_date(text)
    if found is None:
        raise ValueError(item if date_parts(text) is None else f"{item}（日期不存在）")
    if not in_date_range(found):
        raise ValueError(f"{item}（不在 {FIRST_YEAR}—{LAST_YEAR} 年之间）")
    return found


# ---------------------------------------------------------------- roster


def load_roster(path: Path, departments: Mapping[str, str], encoding: str | None = None) -> Roster:
    """Load a 执法检查人员名录库 (CSV or XLSX); raise `InputError` with every problem when it has errors.

    `departments` maps every department name and alias of the plan to its canonical name (the caller
    builds it from the plan's 部门 declarations); a roster department outside it is an error.
    """
    path = Path(path)
    report = _Report(str(path))
    table = _open_table(path, encoding, report, _SHEET_NAMES_ROSTER)
    if table is None:
        raise InputError(report.errors)
    try:
        roster = _read_roster(path, table, departments, report)
    finally:
        table.close()
    report.fail_if_errors()
    assert roster is not None
    return roster


def _read_roster(path: Path, table: _Table, departments: Mapping[str, str], report: _Report) -> Roster | None:
    header, pending = _find_header(table.rows, _roster_field, "执法证号", report)
    if header is None:
        return None
    _refuse_merged(table, header.row, report)
    std = header.standard
    required = (("执法证号", "badge", "badge、执法证件号"), ("姓名", "name", "name"),
                ("部门", "department", "department、所属部门"),
                ("执法资格", "qualified", "qualified、是否具有执法资格"))
    missing = [r for r in required if r[0] not in std]
    for name, english, examples in missing:
        _missing_column(report, header, name, english, examples)
    if missing:
        return None
    width = len(header.names)
    badge_col, name_col, dept_col, qual_col = std["执法证号"], std["姓名"], std["部门"], std["执法资格"]
    spec_col, rec_col, un_col = std.get("专长", -1), std.get("回避对象", -1), std.get("不可用日期", -1)
    canonical_departments = {canonical_text(k): v for k, v in departments.items()}
    known = sorted(canonical_departments)
    columns = header.columns
    inspectors: list[Inspector] = []
    by_badge: dict[str, Inspector] = {}
    file = report.file

    def rows() -> Iterator[Row]:
        yield from pending
        yield from table.rows

    for number, raw in rows():
        if not any(raw):
            continue
        cells = _cells_of(number, raw, width, report)
        if cells is None:
            continue
        badge = cells[badge_col].translate(_ASCII_UPPER)
        cells[badge_col] = badge
        if not badge:
            report.error(EMPTY_ID, "执法证号为空 (empty badge number)", number, badge_col + 1,
                         hint="填写该执法人员的执法证号；没有执法证号的人员不能参加选派")
            continue
        if _number_as_id(report, badge, "执法证号", number, badge_col + 1):
            continue
        ok = True
        name = cells[name_col]
        if not name:
            ok = False
            report.error(BLANK_REQUIRED, f"执法证号 {badge} 的姓名为空 (blank name)", number, name_col + 1,
                         hint="填写执法人员姓名")
        dept_cell = cells[dept_col]
        department = canonical_departments.get(dept_cell)
        if department is None:
            ok = False
            if not dept_cell:
                report.error(BLANK_REQUIRED, f"执法证号 {badge} 的部门为空 (blank department)", number,
                             dept_col + 1, hint="填写计划中声明的部门名称")
            else:
                close = difflib.get_close_matches(dept_cell, known, n=1, cutoff=0.5)
                guess = f"，是否应为「{close[0]}」？" if close else ""
                report.error(UNKNOWN_DEPARTMENT,
                             f"部门「{dept_cell}」不是计划中的部门{guess} (unknown department)", number,
                             dept_col + 1,
                             hint=(f"改为「{close[0]}」，或在计划中用 又称 声明别名" if close else
                                   "计划中的部门：" + "、".join(sorted(set(canonical_departments.values())))))
        qualified = parse_qualified(cells[qual_col])
        if qualified is None:
            ok = False
            what = "为空" if not cells[qual_col] else f"「{cells[qual_col]}」无法识别"
            report.error(BAD_QUALIFIED, f"执法资格{what} (qualified must be yes or no)", number, qual_col + 1,
                         hint="填写 是/否（也可写 有/无、yes/no、1/0）")
        unavailable: frozenset[date] = frozenset()
        if un_col >= 0 and cells[un_col]:
            try:
                unavailable = parse_dates(cells[un_col])
            except ValueError as exc:
                ok = False
                report.error(BAD_DATE, f"不可用日期「{exc.args[0]}」无法识别 (bad date or range)", number,
                             un_col + 1,
                             hint="写作 2024-03-05 或 2024-03-05~2024-03-09，多项用 ； 或 、 分隔")
        first = by_badge.get(badge)
        if first is not None:
            report.error(DUPLICATE_ID, f"执法证号 {badge} 与第 {first.row} 行重复 (duplicate badge)",
                         number, badge_col + 1, hint="每名执法人员只能出现一次：删除重复行或更正执法证号",
                         related=(Related(f"第 {first.row} 行的 {badge}", cell_span(first.row, badge_col + 1),
                                          file),))
            continue
        inspector = Inspector(
            badge, name, department or "", bool(qualified),
            _split(cells[spec_col]) if spec_col >= 0 else (),
            frozenset(x.translate(_ASCII_UPPER) for x in _split(cells[rec_col]))
            if rec_col >= 0 else frozenset(),
            unavailable, number, tuple(cells), columns)
        by_badge[badge] = inspector
        if ok:
            inspectors.append(inspector)
    if report.errors:
        return None
    digest = digest_of_sorted_rows("\t".join(header.names), [i.cells for i in sorted(inspectors, key=_badge)])
    grouped: dict[str, list[Inspector]] = {}
    for inspector in inspectors:
        grouped.setdefault(inspector.department, []).append(inspector)
    by_department = {d: tuple(grouped[d]) for d in sorted(grouped)}
    return Roster(path, header.names, tuple(inspectors), by_badge, by_department, digest, report.finish(),
                  table.encoding)


def _badge(inspector: Inspector) -> str:
    return inspector.badge


def department_table(names: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """The `departments` argument of `load_roster` from (canonical name, aliases) pairs."""
    table: dict[str, str] = {}
    for name, aliases in names:
        table[canonical_text(name)] = canonical_text(name)
        for alias in aliases:
            table[canonical_text(alias)] = canonical_text(name)
    return table
