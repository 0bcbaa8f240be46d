"""Registry and roster intake (两库: 检查对象名录库 and 执法检查人员名录库): the schema and the diagnostics.

What the tables must hold (standard columns and the header spellings offices use), how a cell is read
(风险等级, 注册资本, 执法资格, 不可用日期), and every problem reported in one run as a `Diagnostic` with
file:row:column (header row = 1). Nothing is drawn from a table with errors: `load_registry` /
`load_roster` raise `InputError` carrying all diagnostics; warnings are returned on the result.

Reading the files is `tables` (CSV in any encoding, XLSX, Parquet). The registry goes into the engine
(`intake`: DuckDB checks all rows at once and computes R), so a registry of 10^7 subjects never becomes
Python objects; the rows a check flags come back here to be worded (`check_flagged_rows`). The roster,
a few thousand rows at most, is read row by row in Python.

The digests R and Q (SSJ-DRAW-1 §2) are computed over the canonical cells and the header *as written*
(canonicalised), so the same content gives the same digest from any encoding, from XLSX or Parquet.
Blank rows (every cell empty) are not part of the table: Excel writes them at the end of CSV exports and
XLSX readers may or may not report them, so counting them would make R depend on the file format.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from ..canonical import (
    FIRST_YEAR,
    LAST_YEAR,
    WHITE_SPACE,
    canonical_text,
    date_parts,
    digest_of_sorted_rows,
    in_date_range,
    parse_date,
)
from ..diagnostics import Diagnostic, InputError, Related, cell_span
from ..inputs import Limit
from ..language.nodes import STANDARD_FIELD_ALIASES, STANDARD_FIELDS, RiskClass
from . import engine
from .intake import EngineRegistry, Layout, capital_parses
from .tables import (  # noqa: F401  (re-exported: the codes of reading a table are intake's codes)
    BAD_ENCODING_NAME,
    EMPTY_FILE,
    FORMULA_WITHOUT_VALUE,
    MERGED_CELLS,
    MORE_WARNINGS,
    NOT_A_TABLE,
    TRUNCATED,
    UNBALANCED_QUOTE,
    UNDECODABLE,
    UNREADABLE,
    UNWRITABLE_CHARACTER,
    WARNINGS_PER_CODE,
    Report,
    Row,
    TableText,
    _open_table,
    _refuse_merged,
    load_into_engine,
    read_table,
)
from .uscc import (
    ALPHABET,
    is_legacy_registration_number,
    is_valid_uscc,
    looks_like_uscc,
    uscc_check_char,
)

# ---------------------------------------------------------------- diagnostic codes (docs/diagnostics/ssj2.md)

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
NUMBER_AS_ID = "SSJ217"  # an id or badge in scientific notation (Excel stored it as a number: digits lost)

BAD_CHECK_CHAR = "SSJ250"  # warning: an 18-character USCC whose check character is wrong
LEGACY_NUMBER = "SSJ251"  # warning: a 15-digit 注册号 instead of a USCC
NOT_AN_ID = "SSJ252"  # warning: an id that is neither a USCC nor a 注册号
NO_NAME_COLUMN = "SSJ254"  # warning: the registry has no 名称 column
BLANK_NAME = "SSJ255"  # warning: a subject without a 名称
INVISIBLE_IN_ID = "SSJ256"  # warning: an id holding an invisible format character (U+FEFF BOM, U+200B…)
FULL_WIDTH_ID = "SSJ257"  # warning: an id written with full-width letters or digits (９１１４…)

REGISTRY_LIMIT = Limit("检查对象名录库", "registry", "SSJ_MAX_TABLE_BYTES", 1 << 40)
"""A registry is streamed by the engine, not held in memory: its default cap is a disk's size (1 TiB).
Setting SSJ_MAX_TABLE_BYTES caps it as every other table."""

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
    for the others). A view over the row tuple: subjects do not each carry a dict."""

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


class Subject(NamedTuple):
    """One 检查对象 (a row of the registry), as Python sees it: the drawn subjects of a record, the
    subjects a test looks at. The registry itself stays in the engine (`Registry.table`)."""

    id: str
    name: str
    type: str
    categories: tuple[str, ...]
    risk: RiskClass
    capital: Decimal | None
    area: str
    row: int
    cells: tuple[str, ...]
    """The canonical cells in header order (the id canonical: upper-cased)."""
    columns: ColumnIndex

    def _standard(self, name: str) -> str:
        column = self.columns.get(name)
        return "" if column is None else self.cells[column]

    @property
    def address(self) -> str:
        return self._standard("地址")

    @property
    def legal_rep(self) -> str:
        return self._standard("法定代表人")

    @property
    def phone(self) -> str:
        return self._standard("联系电话")

    @property
    def fields(self) -> RowFields:
        """Every cell by field name: standard Chinese name (名称, 注册资本…) or the header as written."""
        return RowFields(self.columns, self.cells)

    def __repr__(self) -> str:
        return f"Subject(id={self.id!r}, name={self.name!r}, row={self.row})"


class Registry:
    """检查对象名录库 as loaded: the digest R, the warnings of intake, and the subjects in the engine.

    `table` names the engine table holding every subject in id order — UTF-8 byte order, so its rowid is
    the id's 0-based rank — with columns `id`, `row` (file row), `risk` (the class letter) and `line`
    (the canonical cells joined by TAB, as R hashes the row).
    `subjects` and `by_id` bring the subjects into Python on first use, for small registries and tests;
    the draw never needs them (it works in the engine).
    """

    def __init__(self, path: Path, header: tuple[str, ...], digest: str, warnings: tuple[Diagnostic, ...],
                 encoding: str, columns: ColumnIndex, table: str, count: int,
                 capital_unit: str = "万元") -> None:
        self.path = path
        self.header = header
        self.digest = digest
        self.warnings = warnings
        self.encoding = encoding
        self.columns = columns
        self.table = table
        self.count = count
        self.capital_unit = capital_unit
        self._subjects: tuple[Subject, ...] | None = None
        self._by_id: dict[str, Subject] | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        """Names usable in `Subject.fields` and in selectors, in column order."""
        return tuple(self.columns)

    def __len__(self) -> int:
        return self.count

    @property
    def subjects(self) -> tuple[Subject, ...]:
        """Every subject in file order (brought out of the engine once)."""
        if self._subjects is None:
            self._subjects = tuple(self.fetch(f"SELECT * FROM {self.table} ORDER BY row"))
        return self._subjects

    @property
    def by_id(self) -> dict[str, Subject]:
        if self._by_id is None:
            self._by_id = {s.id: s for s in self.subjects}
        return self._by_id

    def lookup(self, ids: Iterable[str]) -> dict[str, Subject]:
        """The subjects of these ids (the drawn ones), without bringing the others out of the engine."""
        if self._by_id is not None:
            return {i: self._by_id[i] for i in ids}
        wanted = sorted(set(ids))
        found: dict[str, Subject] = {}
        for start in range(0, len(wanted), 1_000_000):  # each chunk is one scan of the table
            chunk = wanted[start:start + 1_000_000]
            query = f"SELECT * FROM {self.table} WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY id"
            for subject in self.fetch(query, [chunk]):
                found[subject.id] = subject
        return found

    def fetch(self, query: str, params: list[Any] | None = None) -> Iterator[Subject]:
        """Subjects from a query over the registry table (all its columns, in table order)."""
        columns = self.columns
        col = {name: columns.get(name) for name in REGISTRY_ATTRIBUTES}
        categories: dict[str, tuple[str, ...]] = {}
        capitals: dict[str, Decimal | None] = {}
        cursor = engine.connection().execute(query, params or [])
        while batch := cursor.fetchmany(10_000):
            for values in batch:
                sid, row, risk, line = values[:4]
                cells = tuple(line.split("\t"))

                def cell(name: str, cells: tuple[str, ...] = cells) -> str:
                    i = col[name]
                    return "" if i is None else cells[i]

                cat_cell = cell("行业类别")
                cats = categories.get(cat_cell)
                if cats is None:
                    cats = categories[cat_cell] = _split(cat_cell)
                cap_cell = cell("注册资本")
                if cap_cell in capitals:
                    capital = capitals[cap_cell]
                else:
                    try:
                        capital = parse_capital(cap_cell, self.capital_unit)
                    except ValueError:
                        capital = None
                    capitals[cap_cell] = capital
                yield Subject(sid, cell("名称"), cell("类型"), cats, RiskClass(risk), capital,
                              cell("所属区域"), int(row), cells, columns)


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


# ---------------------------------------------------------------- header


@dataclass
class _Header:
    names: tuple[str, ...]  # canonical, as written
    standard: dict[str, int]  # standard name → column index (0-based)
    columns: dict[str, int]  # field name (standard or as written) → column index
    row: int


def _find_header(rows: Iterator[Row], resolve: Callable[[str], str | None], key_field: str,
                 report: Report) -> tuple[_Header | None, list[Row]]:
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


def _missing_column(report: Report, header: _Header, name: str, english: str, examples: str) -> None:
    report.error(MISSING_COLUMN, f"缺少「{name}」列 (no {english} column); 表头为：{'、'.join(header.names)}",
                 row=header.row, column=1, hint=f"表头中加入「{name}」列（也可写作 {examples}）")


def _cells_of(number: int, cells: list[str], width: int, report: Report) -> list[str] | None:
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

_SHEET_NAMES_REGISTRY = ("名录", "registry", "检查对象名录", "检查对象名录库")
_SHEET_NAMES_ROSTER = ("名录", "roster", "人员名录", "执法人员", "执法检查人员名录库", "检查人员")


def load_registry(path: Path, encoding: str | None = None) -> Registry:
    """Load a 检查对象名录库 (CSV, XLSX or Parquet) into the engine; raise `InputError` with every problem
    when it has errors.

    `encoding` forces a codec for CSV (e.g. "gbk"); by default strict UTF-8 (BOM allowed) is tried,
    then GB18030 (a superset of GBK/GB2312, what Excel writes on Chinese Windows).
    """
    path = Path(path)
    report = Report(str(path))
    table = load_into_engine(path, encoding, report, _SHEET_NAMES_REGISTRY, REGISTRY_LIMIT)
    if table is None:
        raise InputError(report.errors)
    try:
        registry = _read_registry(path, table, report)
    finally:
        table.close()
    report.fail_if_errors()
    assert registry is not None
    return registry


def _read_registry(path: Path, table: Any, report: Report) -> Registry | None:
    header, _pending = _find_header(iter(table.head), standard_field, "统一社会信用代码", report)
    if header is None:
        return None
    _refuse_merged(table, header.row, report)
    if "统一社会信用代码" not in header.standard:
        _missing_column(report, header, "统一社会信用代码", "id", "id、社会信用代码、注册号")
        return None
    if "名称" not in header.standard:
        report.warning(NO_NAME_COLUMN, "名录中没有「名称」列，文书中将只显示代码 (no 名称 column)",
                       header.row, 1, hint="表头中加入「名称」列（也可写作 name、企业名称）")
    if report.errors:
        return None
    std = header.standard
    cap_col = std.get("注册资本")
    cap_unit = _capital_unit(header.names[cap_col]) if cap_col is not None else "万元"
    layout = Layout(len(header.names), header.row, std["统一社会信用代码"], std.get("名称"),
                    std.get("风险等级"), cap_col)
    built = EngineRegistry(table, layout)
    try:
        risks = {cell: (None if (r := parse_risk(cell)) is None else r.value)
                 for cell in built.distinct(layout.risk_col)}
        built.set_risks(risks)
        bad_capitals = set(capital_parses(built.odd_capitals(), lambda c: parse_capital(c, cap_unit)))
        duplicates = built.duplicates()
        check_flagged_rows(built.flagged(sorted(bad_capitals), duplicates), layout, report, duplicates,
                           bad_capitals)
        if report.errors:
            return None
        name, digest, count = built.finish("\t".join(header.names))
    finally:
        built.close()
    return Registry(path, header.names, digest, report.finish(), table.encoding, ColumnIndex(header.columns),
                    name, count, cap_unit)


def check_flagged_rows(rows: Iterable[Any], layout: Layout, report: Report, duplicates: Mapping[str, int],
                       bad_capitals: set[str]) -> None:
    """The diagnostics of the rows the engine flagged, in row order, worded as for any table: extra cells,
    an empty id, 风险等级 / 注册资本 that do not parse, a duplicate id (naming the first row), an id that is
    not a valid USCC (the most specific warning), a blank 名称."""
    id_col, width = layout.id_col, layout.width
    for flagged in rows:
        number, cells = flagged.row, flagged.cells
        if flagged.extra_column is not None:
            report.error(EXTRA_CELLS, f"该行有 {flagged.cells_read} 个单元格，多于表头的 {width} 列 "
                         f"(row has more cells than the header)", row=number, column=flagged.extra_column,
                         hint="检查该行是否多了逗号（名称或地址中的逗号需用引号括起），或为该列补上表头")
            continue
        sid = cells[id_col]
        if not sid:
            report.error(EMPTY_ID, "统一社会信用代码为空 (empty id)", number, id_col + 1,
                         hint="填写该检查对象的统一社会信用代码；没有代码的行不能参加抽取")
        if layout.risk_col is not None and parse_risk(cells[layout.risk_col]) is None:
            report.error(BAD_RISK, f"风险等级「{cells[layout.risk_col]}」无法识别 (unknown risk class)",
                         number, layout.risk_col + 1,
                         hint="填写 A/B/C/D、低风险/一般风险/较高风险/高风险，未分类留空")
        if layout.capital_col is not None and cells[layout.capital_col] in bad_capitals:
            report.error(BAD_CAPITAL,
                         f"注册资本「{cells[layout.capital_col]}」不是金额 (not an amount in 万元)",
                         number, layout.capital_col + 1,
                         hint="以万元为单位填写数字，例如 3000、3,000、3000万元、0.3亿元；外币请折算为人民币")
        if not sid:
            continue
        first = duplicates.get(sid)
        if first is not None and first != number:
            report.error(DUPLICATE_ID, f"统一社会信用代码 {sid} 与第 {first} 行重复 (duplicate id)",
                         number, id_col + 1,
                         hint="同一检查对象只能出现一次：删除重复行或更正代码（不会自动去重）",
                         related=(Related(f"第 {first} 行的 {sid}", cell_span(first, id_col + 1),
                                          report.file),))
            continue
        if not is_valid_uscc(sid):
            _id_warning(report, sid, number, id_col + 1)
        if layout.name_col is not None and not cells[layout.name_col]:
            report.warning(BLANK_NAME, f"{sid} 的名称为空 (blank name)", number, layout.name_col + 1,
                           hint="填写检查对象名称，文书和公示中需要")


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?E[+-]?\d+")


def _number_as_id(report: Report, text: str, what: str, row: int, column: int) -> bool:
    """An id like 9.1140502E+17 is what Excel shows once it has stored a long code as a number: the
    digits after the 15th are gone, so the subject (or inspector) cannot be identified. True if reported."""
    if _SCIENTIFIC.fullmatch(text) is None:
        return False
    report.error(NUMBER_AS_ID, f"{what}「{text}」是科学计数法的数字，后几位已丢失 (id stored as a number)",
                 row, column,
                 hint="Excel 把长代码存成了数字：把该列设为“文本”格式后，从原始系统重新导出或重新录入代码")
    return True


def _id_warning(report: Report, sid: str, row: int, column: int) -> None:
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


def _invisible_in_id(report: Report, sid: str, row: int, column: int) -> bool:
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


def _full_width_id(report: Report, sid: str, row: int, column: int) -> bool:
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
    report = Report(str(path))
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


def _read_roster(path: Path, table: Any, departments: Mapping[str, str], report: Report) -> Roster | None:
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
