"""Reading tables (CSV, XLSX, Parquet) as canonical cells: the 两库 files as an office has them.

CSV exported by Excel in China (GB18030/GBK), UTF-8 with or without BOM, UTF-16 "Unicode text", XLSX,
and Parquet (a registry exported from a database). Every problem of reading is reported in one run as a
`Diagnostic` with file:row:column (header row = 1): undecodable bytes, binary content, quotes that never
close, a file cut off mid-row, merged cells, formula cells without a value, characters a workbook cannot
hold. Blank rows are kept (with their numbers) for the caller to skip.

Two ways out:
- `load_into_engine` puts a table into the engine (DuckDB) as (row, cells) in file order, for the
  registry, which may hold 10^7 rows. A UTF-8 CSV without quotes, with one kind of line end and
  already NFC — what exports usually are — is read by DuckDB directly, never by Python; any other CSV
  and every XLSX is read row by row here (the same readers as `read_table`) and handed over as a
  canonical TAB-separated temporary file; Parquet is read by DuckDB and canonicalised in SQL.
- `read_table` gives a small table (roster, results) as canonical text in Python.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ..canonical import UNWRITABLE, WHITE_SPACE, canonical_text
from ..diagnostics import Diagnostic, InputError, Related, cell_span, error, warning
from ..inputs import TABLE, InputFileError, Limit, check_zip, not_regular, read_limited, text_codec_problem
from . import engine

# ---------------------------------------------------------------- diagnostic codes (docs/diagnostics/ssj2.md)

UNREADABLE = "SSJ201"  # the file cannot be opened or read
NOT_A_TABLE = "SSJ202"  # binary, .xls, a damaged XLSX, malformed CSV
UNDECODABLE = "SSJ203"  # bytes that are not text in the detected or forced encoding
EMPTY_FILE = "SSJ204"  # no header row
BAD_ENCODING_NAME = "SSJ216"  # encoding= names no codec
UNBALANCED_QUOTE = "SSJ218"  # a CSV quote that never closes (or swallows the rows after it into one cell)
TRUNCATED = "SSJ219"  # the file ends in the middle of its last row
MERGED_CELLS = "SSJ220"  # XLSX merged cells among the data rows (all but the first cell read as blank)
MORE_WARNINGS = "SSJ253"  # warning: further warnings of one code summarised
FORMULA_WITHOUT_VALUE = "SSJ258"  # warning: XLSX formula cells with no cached value, read as blank
UNWRITABLE_CHARACTER = "SSJ259"  # warning: a control character a workbook cannot hold (U+0001, U+FFFE…)

WARNINGS_PER_CODE = 50
"""Per warning code and file, how many are listed one by one before a single summary (SSJ253)."""

# ---------------------------------------------------------------- diagnostics collection


class Report:
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
    merged: tuple[_Merge, ...] = ()  # XLSX merged ranges (checked once the header row is known)


class _Merge(NamedTuple):
    """An XLSX merged range: its reference (C2:C4) and where it starts and ends."""

    ref: str
    first_row: int
    last_row: int
    first_column: int


def _refuse_merged(table: _Table, header_row: int, report: Report) -> None:
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
    report = Report(str(path))
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


def _unreadable(exc: OSError, report: Report) -> None:
    """SSJ201 for a table file that cannot be read at all (a directory, a missing or forbidden file)."""
    if isinstance(exc, IsADirectoryError):
        report.error(UNREADABLE, "这是一个目录，不是表格文件 (a directory, not a table file)",
                     hint="给出 CSV 或 XLSX 文件的路径")
    else:
        report.error(UNREADABLE, f"无法读取文件 (cannot read the file): {exc.strerror or exc}",
                     hint="检查路径是否正确、文件是否存在、是否有读取权限；表格应为普通的 CSV 或 XLSX 文件")


def _open_table(path: Path, encoding: str | None, report: Report,
                sheet_names: tuple[str, ...]) -> _Table | None:
    """The table's rows as canonical cells, or None after reporting why the file is no table."""
    try:
        data = read_limited(path, TABLE)  # a regular file, bounded: never /dev/zero or a FIFO
    except OSError as exc:
        _unreadable(exc, report)
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


def _decode(data: bytes, encoding: str | None, report: Report) -> tuple[str | None, str]:
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


def decode_text(data: bytes, file: str,
                encoding: str | None = None) -> tuple[str | None, str, list[Diagnostic]]:
    """Bytes of a text table (CSV, a saved HTML page) decoded as every table is read: the forced
    encoding, else UTF-16 by BOM, UTF-8 (BOM allowed), then GB18030; NFC. Returns the text (None when
    it cannot be decoded), the codec used and the errors (SSJ203 at row:column, SSJ216)."""
    report = Report(file)
    text, codec = _decode(data, encoding, report)
    return text, codec, report.errors


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


def text_delimiter(head: str) -> str:
    """The delimiter of a CSV text as the registry reads it: TAB or comma (see `_delimiter`)."""
    return _delimiter(head[:_HEAD_CHARS])


_HEADER_SEARCH_LINES = 8
_HEAD_CHARS = 1 << 16


def _csv_table(text: str, encoding: str, report: Report) -> _Table:
    """CSV records as canonical cells; row numbers count records (what a spreadsheet shows as rows)."""
    delimiter = _delimiter(text[:_HEAD_CHARS])
    unwritable = UNWRITABLE.search(text) is not None
    if '"' not in text and (delimiter == "\t" or "\t" not in text) and not unwritable:
        # Without quotes no cell holds a line break, a delimiter or (comma-separated) a TAB, and the text
        # is already NFC: splitting each line is the CSV parse.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and not lines[-1]:
            lines.pop()
        _check_last_line(lines, delimiter, text.endswith(("\n", "\r")), report)
        return _Table(_split_rows(lines, delimiter), encoding)
    return _Table(_csv_rows(text, delimiter, report, unwritable), encoding)


def _split_rows(lines: list[str], delimiter: str) -> Iterator[Row]:
    for number, line in enumerate(lines, start=1):
        yield number, [c.strip(WHITE_SPACE) for c in line.split(delimiter)]


def _csv_rows(text: str, delimiter: str, report: Report, unwritable: bool = False) -> Iterator[Row]:
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
                   report: Report) -> bool:
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


def _truncated(report: Report, row: int, cells: int, width: int) -> None:
    report.error(TRUNCATED, f"文件在第 {row} 行中间结束：该行只有 {cells} 列，应有 {width} 列，且没有换行符 "
                 f"(the file ends in the middle of a row: truncated?)", row=row, column=max(cells, 1),
                 hint="文件可能没有完整复制或下载：重新导出或重新下载该文件")


def _check_last_line(lines: Sequence[str], delimiter: str, ends_with_line_break: bool,
                     report: Report) -> None:
    """SSJ219 for a CSV without quotes whose last line, without a final line break, has fewer cells than
    the widest of the lines above it that the header search looks at (a file cut off mid-row)."""
    if ends_with_line_break or len(lines) < 2:
        return
    last = lines[-1].count(delimiter) + 1
    widest = max(line.count(delimiter) + 1 for line in lines[:_HEADER_SEARCH_LINES])
    if lines[-1].strip() and last < widest:
        _truncated(report, len(lines), last, widest)


#: canonical.UNWRITABLE as UTF-8 bytes (less NUL, refused as binary content, and surrogates, never UTF-8).
_UNWRITABLE_BYTES = re.compile(b"[\x01-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def _report_unwritable(cells: Sequence[str], row: int, report: Report) -> None:
    """SSJ259 for each cell holding a character a workbook cannot hold (documents show it as U+FFFD)."""
    for column, cell in enumerate(cells, start=1):
        found = UNWRITABLE.search(cell)
        if found is not None:
            report.warning(UNWRITABLE_CHARACTER, f"单元格中有控制字符 U+{ord(found.group()):04X}，"
                           f"XLSX/DOCX 文书无法容纳，将显示为 � (a character documents cannot hold)",
                           row, column, hint="删除该字符（常由复制粘贴或其他系统导出带入）")



def _open_xlsx(source: io.BytesIO, report: Report, sheet_names: tuple[str, ...]) -> _Table | None:
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


def _report_formulas_without_values(sheet: Any, report: Report) -> None:
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


def xlsx_cell_text(value: object) -> str:
    """A workbook cell's value as the text a CSV export of it carries (for readers of other tables)."""
    return _xlsx_text(value)


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



# ---------------------------------------------------------------- into the engine

_PARQUET_MAGIC = b"PAR1"
_SCAN_BYTES = 1 << 22
_NUL_DELIMITER = "\\0"  # never in a table that is read at all (NUL is refused as binary content)
_WS_SQL = engine.quote_literal(WHITE_SPACE)
_HEAD_ROWS = 64


def _maybe_not_nfc() -> str:
    """An RE2 character class holding every character that can make text not NFC (a superset of the NFC
    quick-check No and Maybe sets: combining marks, characters NFC changes, second halves of canonical
    pairs, Hangul vowels and finals). A line without any is NFC; the few lines with one are checked
    exactly."""
    found: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if unicodedata.combining(c) or unicodedata.normalize("NFC", c) != c:
            found.add(cp)
        decomposition = unicodedata.decomposition(c).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            found.add(int(decomposition[1], 16))
    ranges: list[list[int]] = []
    for cp in sorted(found):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)


_ODD_CLASS: str | None = None


def _odd_class() -> str:
    """`_maybe_not_nfc()`, from the precomputed table when it is for this Python's Unicode version."""
    global _ODD_CLASS
    if _ODD_CLASS is None:
        from .nfcclass import MAYBE_NOT_NFC, UNICODE_VERSION

        _ODD_CLASS = MAYBE_NOT_NFC if UNICODE_VERSION == unicodedata.unidata_version else _maybe_not_nfc()
    return _ODD_CLASS


def _odd_line_pattern(delimiter: str) -> str:
    """RE2: a line the direct read cannot take as it is: a control character (SSJ259), U+FFFE/U+FFFF, a CR
    (mixed line ends), a TAB in a comma-separated file, or a character that may not be NFC."""
    tab = "\\t" if delimiter == "," else ""
    return f"[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\r{tab}\\x{{FFFE}}\\x{{FFFF}}{_odd_class()}]"


@dataclass
class EngineTable:
    """A table in the engine: `table` holds one row per record, in file order (its rowid + `first_row` is
    the record's number; header row = 1), with a column `line` (the record's cells joined by `delimiter`,
    each cell canonical text once `trim` strips its edges) and `filled` (false for a blank row: every cell
    empty); blank rows included. `head` is its first records as cells, for finding the header."""

    table: str
    first_row: int
    encoding: str
    rows: int
    head: list[Row]
    delimiter: str = "\t"
    trim: bool = False
    merged: tuple[_Merge, ...] = ()
    ends_with_line_break: bool = True

    def cells(self, line: str | None) -> list[str]:
        """A line of the table as its cells (what the SQL of `cell_sql` gives)."""
        cells = (line or "").split(self.delimiter)
        return [c.strip(WHITE_SPACE) for c in cells] if self.trim else cells

    def cell_sql(self, i: int) -> str:
        """SQL of the i-th cell (0-based) of `line`: '' beyond the record."""
        cell = f"split_part(line, {engine.quote_literal(self.delimiter)}, {i + 1})"
        return f"trim({cell}, {_WS_SQL})" if self.trim else cell

    def count_sql(self) -> str:
        """SQL of the number of cells of `line` (a column counted once when the line was read)."""
        return "n"

    def list_sql(self) -> str:
        """SQL of every cell of `line` as a list (only for the few rows that need it)."""
        cells = f"string_split(line, {engine.quote_literal(self.delimiter)})"
        return f"list_transform({cells}, lambda c: trim(c, {_WS_SQL}))" if self.trim else cells

    def close(self) -> None:
        """Drop the engine table."""
        engine.drop(self.table)


def check_regular(path: Path, limit: Limit) -> int:
    """The size of a regular file within `limit` (InputFileError otherwise; OSError when it cannot be opened).

    Opened without blocking and checked with fstat, as `inputs.read_limited` does, but nothing is read:
    the engine streams the file itself."""
    cap = limit.bytes()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    problem = not_regular(info.st_mode)
    if problem is not None:
        raise InputFileError(errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL, problem, str(path))
    if info.st_size > cap:
        raise InputFileError(errno.EFBIG, f"{limit.what}超过上限 {cap:,} 字节 ({info.st_size:,}+ bytes: "
                                          f"over the {limit.english} cap)，"
                                          f"可用环境变量 {limit.variable} 调高上限",
                             str(path), too_large=True)
    return info.st_size


def load_into_engine(path: Path, encoding: str | None, report: Report, sheet_names: tuple[str, ...],
                     limit: Limit) -> EngineTable | None:
    """The table at `path` in the engine, or None after reporting why the file is no readable table."""
    try:
        check_regular(path, limit)
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_CHARS)
    except OSError as exc:
        _unreadable(exc, report)
        return None
    if head.startswith(_PARQUET_MAGIC):
        return _parquet(path, report)
    is_csv = not head.startswith((_ZIP_MAGIC, _OLE_MAGIC)) and path.suffix.lower() not in _XLSX_SUFFIXES
    if encoding is None and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and is_csv:
        direct = _direct_csv(path, head)
        if direct is not None:
            _direct_last_line(direct, report)
            return direct
    if is_csv and path.stat().st_size > STREAM_TRANSCODE_BYTES:
        transcoded = _transcoded_csv(path, head, encoding)
        if transcoded is not None:
            _direct_last_line(transcoded, report)
            return transcoded
    table = _open_table(path, encoding, report, sheet_names)
    if table is None:
        return None
    try:
        return _via_tsv(table)
    finally:
        table.close()


STREAM_TRANSCODE_BYTES = 32 << 20
"""A CSV in another encoding larger than this is transcoded to UTF-8 a few MB at a time (DuckDB's own
encodings extension is not there offline) and read directly; smaller ones, and any file the stream
cannot take, go to the readers here, which hold the file (and word every problem exactly)."""


def _transcoded_csv(path: Path, head: bytes, encoding: str | None) -> EngineTable | None:
    """A GB18030 / UTF-16 / forced-encoding CSV decoded in a streaming pass into a UTF-8 scratch file that
    DuckDB reads directly; None (nothing reported) when the bytes do not decode or the text needs the
    row-by-row readers — they then read the original and report it as they always did."""
    if encoding is not None:
        if text_codec_problem(encoding) is not None:
            return None
        codec = codecs.lookup(encoding).name
        if codec == "utf-8" and head.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        return None  # UTF-8 that the direct read refused: the readers here say why
    else:
        codec = "gb18030"
    fd, name = tempfile.mkstemp(prefix=".ssj-transcoded-", suffix=".csv", dir=engine.scratch_dir())
    scratch = Path(name)
    try:
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        first = True
        with open(path, "rb") as source, os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            while chunk := source.read(_SCAN_BYTES):
                text = decoder.decode(chunk)
                if first and text.startswith("\ufeff"):
                    text = text[1:]
                first = False
                out.write(text)
            out.write(decoder.decode(b"", final=True))
        with open(scratch, "rb") as handle:
            utf8_head = handle.read(_HEAD_CHARS)
        table = _direct_csv(scratch, utf8_head)
    except (UnicodeDecodeError, ValueError):
        table = None
    finally:
        scratch.unlink(missing_ok=True)
    if table is not None:
        table.encoding = codec
    return table


def _read_lines(path: Path, delimiter: str, new_line: str, odd: str | None, trim: bool = False) -> str:
    """CREATE TABLE of one row per line of `path` (UTF-8, no quoting): the `line` as it is (NULL → ''),
    `filled` (a cell is not blank), and with `odd` (RE2) a flag `odd` for the lines that match it."""
    con = engine.connection()
    name = engine.unique_name("t_lines")
    flag = f", regexp_matches(line, {engine.quote_literal(odd)}) AS odd" if odd is not None else ""
    d = engine.quote_literal(delimiter)
    delimiters = f"strlen(line) - strlen(replace(line, {d}, ''))"  # the delimiter is one ASCII byte
    filled = f"strlen(line) > {delimiters}"  # more than the delimiters: a cell is not blank
    if trim:
        filled = (f"coalesce(list_bool_or(list_transform(string_split(line, {d}), "
                  f"lambda c: trim(c, {_WS_SQL}) <> '')), false)")
    con.execute(
        f"CREATE TABLE {name} AS SELECT line, {delimiters} + 1 AS n, {filled} AS filled{flag} FROM ("
        f"SELECT coalesce(line, '') AS line "
        f"FROM read_csv(?, header=false, delim='{_NUL_DELIMITER}', quote='', escape='', auto_detect=false, "
        f"columns={{'line': 'VARCHAR'}}, strict_mode=false, new_line='{new_line}', skip=0))", [str(path)])
    return name


def _direct_csv(path: Path, head: bytes) -> EngineTable | None:
    """A UTF-8 CSV DuckDB reads by itself: no quotes or NUL, one kind of line end, and (checked by DuckDB
    with one regular expression) no control character, no TAB in a comma-separated file, NFC. The byte
    checks are C-level searches a few MB at a time; None when the file needs the row-by-row readers."""
    delimiter = _delimiter(head[3:] if head.startswith(codecs.BOM_UTF8) else head)
    n_cr = n_lf = 0
    space = False
    last = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_SCAN_BYTES):
            if b'"' in chunk or b"\x00" in chunk:
                return None
            n_cr += chunk.count(b"\r")
            n_lf += chunk.count(b"\n")
            if not space and _space_in_utf8(chunk, delimiter) is not False:
                space = True
            last = chunk[-1:]
    if n_cr and n_cr != n_lf:
        return None  # lone CRs or mixed line ends: the readers here number the lines as csv does
    crlf = bool(n_cr)
    con = engine.connection()
    try:
        name = _read_lines(path, delimiter, "\\r\\n" if crlf else "\\n", _odd_line_pattern(delimiter), space)
    except Exception:  # invalid UTF-8 and the like: the row-by-row readers say what is wrong
        return None
    odd = con.execute(f"SELECT line FROM {name} WHERE odd LIMIT 1000").fetchall()
    if len(odd) == 1000 or any(not unicodedata.is_normalized("NFC", line) or UNWRITABLE.search(line)
                               or "\r" in line or (delimiter == "," and "\t" in line) for (line,) in odd):
        engine.drop(name)
        return None
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    table = _engine_table(name, 1, encoding, delimiter, space)
    table.ends_with_line_break = last in (b"\n", b"\r")
    return table


def _space_in_utf8(data: bytes, delimiter: str) -> bool | None:
    """Whether UTF-8 `data` holds a white space character other than CR, LF and the delimiter; None
    when only the decoded text can tell (a lead byte of U+0085/U+00A0, U+1680, U+2000–U+205F)."""
    spaces = (b" ", b"\x0b", b"\x0c") if delimiter == "\t" else (b" ", b"\x0b", b"\x0c", b"\t")
    if any(map(data.__contains__, spaces)) or b"\xe3\x80\x80" in data:
        return True
    if any(map(data.__contains__, (b"\xc2", b"\xe1", b"\xe2"))):
        return None
    return False


def _engine_table(name: str, first_row: int, encoding: str, delimiter: str = "\t",
                  trim: bool = False) -> EngineTable:
    con = engine.connection()
    count = con.execute(f"SELECT count(*) FROM {name}").fetchone()
    table = EngineTable(name, first_row, encoding, int(count[0]) if count else 0, [], delimiter, trim)
    table.head = [(int(r) + first_row, table.cells(line)) for r, line in con.execute(
        f"SELECT rowid, line FROM {name} WHERE rowid < {_HEAD_ROWS} ORDER BY rowid").fetchall()]
    return table


def _direct_last_line(table: EngineTable, report: Report) -> None:
    """SSJ219 for a directly read CSV (as `_check_last_line`): the last line, without a final line break,
    has fewer cells than the widest of the first lines."""
    if table.ends_with_line_break or table.rows < 2:
        return
    con = engine.connection()
    found = con.execute(f"SELECT line FROM {table.table} WHERE rowid = ?", [table.rows - 1]).fetchone()
    cells = table.cells(found[0] if found else "")
    widest = max(len(cells) for number, cells in table.head if number <= _HEADER_SEARCH_LINES)
    if any(cells) and len(cells) < widest:
        _truncated(report, table.rows, len(cells), widest)


def _via_tsv(table: _Table) -> EngineTable:
    """Rows read here, handed to the engine as canonical cells joined by TAB, one record per line: a
    canonical cell never holds a TAB or a line break, and line n is record n."""
    fd, name = tempfile.mkstemp(prefix=".ssj-table-", suffix=".tsv", dir=engine.scratch_dir())
    scratch = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            expected = 1
            for number, cells in table.rows:
                while expected < number:  # never happens with the readers here; kept for safety
                    out.write("\n")
                    expected += 1
                out.write("\t".join(cells))
                out.write("\n")
                expected += 1
        lines = _read_lines(scratch, "\t", "\\n", None)
    finally:
        scratch.unlink(missing_ok=True)
    out_table = _engine_table(lines, 1, table.encoding)
    out_table.merged = table.merged
    return out_table


def canonical_sql(expression: str) -> str:
    """SQL for SSJ-DRAW-1 §1 canonical text of an expression (NULL → ''). The full rewrite (NFC, runs of
    TAB/CR/LF as a space, edge white space stripped) is applied only to the cells one regular expression
    finds may need it: almost none do, and the rewrite costs ten times the test."""
    space = "".join(f"\\x{{{ord(c):X}}}" for c in WHITE_SPACE)
    maybe = engine.quote_literal(f"^[{space}]|[{space}]$|[\\t\\r\\n{_odd_class()}]")
    text = f"CAST({expression} AS VARCHAR)"
    full = f"trim(regexp_replace(nfc_normalize({text}), '[\\t\\r\\n]+', ' ', 'g'), {_WS_SQL})"
    return f"coalesce(CASE WHEN regexp_matches({text}, {maybe}) THEN {full} ELSE {text} END, '')"


def _parquet(path: Path, report: Report) -> EngineTable | None:
    """A Parquet file: its column names are the header (row 1), its rows rows 2, 3, … in file order, every
    value as text (CAST … AS VARCHAR), canonicalised in SQL."""
    con = engine.connection()
    source = engine.quote_literal(str(path))
    try:
        names = [d[0] for d in con.execute(f"SELECT * FROM read_parquet({source}) LIMIT 0").description]
        cells = ", ".join(canonical_sql(engine.quote_ident(n)) for n in names)
        name = engine.unique_name("t_parquet")
        con.execute(f"CREATE TABLE {name} AS SELECT concat_ws(chr(9), {cells}) AS line, {len(names)} AS n, "
                    f"concat({cells}) <> '' AS filled FROM read_parquet({source})")
    except Exception as exc:
        report.error(NOT_A_TABLE, f"无法作为 Parquet 文件读取 (not a readable Parquet file): "
                     f"{type(exc).__name__}", row=1, column=1, hint="重新导出 Parquet 文件，或另存为 CSV")
        return None
    table = _engine_table(name, 2, "parquet")
    table.head.insert(0, (1, [canonical_text(n) for n in names]))
    table.rows += 1
    return table
