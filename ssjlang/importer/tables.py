"""Reading a plan table (工作计划表) from the file an office already has: DOCX, XLSX, CSV or HTML.

Every format becomes the same `Grid`: a rectangle of `Cell`s, each with its text as written (line
breaks inside the cell kept, NFC, edges trimmed), its row and column in the source table, and the
top-left cell of the merged range it belongs to — a 序号 or 发起部门 cell spanning several rows fills
every row it spans, and the builder can still tell "merged" from "the same text written twice".

Hostile files are refused before they are opened: a size limit on the file, on the uncompressed
members of a DOCX/XLSX (a zip bomb is a few KiB that inflate to gigabytes), on rows, columns and cell
length. Nothing here raises for bad content: problems are `TableError`s carrying diagnostics.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..canonical import WHITE_SPACE
from ..diagnostics import Diagnostic, cell_span, error

# ---------------------------------------------------------------- codes (docs/diagnostics/ssj5.md)

UNREADABLE = "SSJ501"  # the file cannot be read at all (exit 2)
NOT_A_TABLE_FILE = "SSJ502"  # not DOCX/XLSX/CSV/HTML, damaged, binary junk, .doc/.xls
TOO_LARGE = "SSJ503"  # file, uncompressed members, rows, columns or a cell over the limits
NO_TABLE = "SSJ504"  # the document holds no table (an empty file, a letter without a table)
NO_SUCH_TABLE = "SSJ505"  # --table N / --sheet NAME names nothing (exit 2)
FORMULA_CELL = "SSJ506"  # an XLSX cell holds a formula: its text is kept, never computed

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_ROWS = 2000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 20000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 .doc, Excel 97–2003 .xls
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta|title|div|p)"
                         rb"\b", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Cell:
    """One grid position: its text, where it is, and where its merged range starts (itself if unmerged)."""

    text: str
    row: int
    column: int
    origin: tuple[int, int]
    formula: bool = False

    @property
    def merged(self) -> bool:
        """Whether this position repeats a merged cell that starts above or to the left."""
        return self.origin != (self.row, self.column)


@dataclass
class Grid:
    """A table as read: rows of cells (all the same width), the title written above it, and where it is."""

    file: str
    kind: str
    rows: list[list[Cell]]
    title: str | None = None
    label: str = ""
    problems: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # a document's paragraphs after the table


class TableError(Exception):
    """The file gives no table to import; `usage` marks a problem of the command line or the file
    system (exit 2) rather than of the table's content (exit 1)."""

    def __init__(self, diagnostics: list[Diagnostic], usage: bool = False) -> None:
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics
        self.usage = usage


def clean_text(text: str) -> str:
    """A cell's text as the importer keeps it: NFC, line ends as \\n, no control characters, each line's
    trailing spaces and the cell's leading and trailing white space removed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u000b", "\n").replace("\u2028", "\n").replace("\xa0", " ")
    text = "".join(c for c in text if c in "\n\t" or not unicodedata.category(c).startswith("C"))
    lines = [line.rstrip(WHITE_SPACE) for line in text.split("\n")]
    return "\n".join(lines).strip(WHITE_SPACE + "\n")


def _fail(file: str, code: str, message: str, hint: str, usage: bool = False, row: int = 0,
          column: int = 0) -> TableError:
    return TableError([error(code, message, file, cell_span(row, column), hint)], usage=usage)


_GIVE_A_TABLE = "给出计划表的 .docx、.xlsx、.csv 或 .html 文件"
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.IGNORECASE)


def _binary(file: str) -> TableError:
    return _fail(file, NOT_A_TABLE_FILE, "文件含有二进制内容，不是 DOCX、XLSX、CSV 或 HTML 表格 "
                 "(binary content: not a table file)", _GIVE_A_TABLE, row=1, column=1)


def _sheet_not_here(file: str) -> TableError:
    return _fail(file, NO_SUCH_TABLE, "--sheet 只用于 XLSX 工作簿 (--sheet applies to XLSX workbooks only)",
                 "去掉 --sheet，或用 --table N 选择第几个表格", usage=True)


def _too_large(file: str, what: str) -> TableError:
    return _fail(file, TOO_LARGE, f"{what}，超过导入上限，未读取 (over the import limit: not read)",
                 "计划表一般不超过几百行：确认选对了文件；确需导入请拆分为几个表格")


# ---------------------------------------------------------------- choosing the reader


def detect_format(path: Path, data: bytes) -> str:
    """docx, xlsx, html or csv by the content (an .html suffix only where the content does not tell), or
    zip / ole for an archive or an old Office file that is no table."""
    suffix = path.suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if suffix in (".html", ".htm", ".shtml", ".xhtml") or _HTML_START.match(data[:4096]):
        return "html"
    return "csv"


def read_grids(path: Path, encoding: str | None = None, sheet: str | None = None) -> list[Grid]:
    """Every table of the file as a grid, in document order (for XLSX: one per sheet, or only `sheet`).
    Raises TableError when the file gives none."""
    file = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _fail(file, UNREADABLE, "这是一个目录，不是表格文件 (a directory, not a table file)",
                        "给出计划表的 DOCX、XLSX、CSV 或 HTML 文件", usage=True)
        if size > MAX_FILE_BYTES:
            raise _too_large(file, f"文件有 {size // (1024 * 1024)} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(file, UNREADABLE, f"无法读取文件 (cannot read the file): {exc.strerror or exc}",
                    "检查路径是否正确、文件是否存在、是否有读取权限", usage=True) from exc
    if not data.strip():
        raise _fail(file, NO_TABLE, "文件是空的，没有表格 (empty file: no table)", "给出含计划表的文件")
    kind = detect_format(path, data)
    if kind == "ole":
        raise _fail(file, NOT_A_TABLE_FILE, "这是 Word/Excel 97–2003 (.doc/.xls) 文件，不能直接读取 "
                    "(old .doc/.xls files are not read)", "在 Word 或 Excel 中“另存为”.docx 或 .xlsx 后导入")
    if kind == "zip":
        raise _fail(file, NOT_A_TABLE_FILE, "这是压缩包，但不是 DOCX 或 XLSX 文件 "
                    "(a zip archive, not DOCX/XLSX)", _GIVE_A_TABLE)
    if kind in ("docx", "xlsx"):
        _check_zip(file, data)
        reader = _docx_grids if kind == "docx" else _xlsx_grids
        return reader(file, data, sheet)
    if sheet is not None:
        raise _sheet_not_here(file)
    text = _decode(file, data, encoding, kind)
    if kind == "html":
        return _html_grids(file, text)
    return [_csv_grid(file, text)]


def _decode(file: str, data: bytes, encoding: str | None, kind: str) -> str:
    """Text of a CSV or HTML file by the registry's rules (UTF-8, BOM, GB18030, UTF-16 by BOM); an HTML
    page's declared charset is used when no encoding is forced."""
    from ..interpret.tables import BAD_ENCODING_NAME, decode_text

    if kind == "html" and encoding is None:
        declared = _CHARSET.search(data[:8192])
        if declared is not None:
            name = declared.group(1).decode("ascii").lower()
            encoding = "gb18030" if name in ("gb2312", "gbk", "gb18030", "x-gbk") else name
            try:
                data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                encoding = None  # the page lies about its charset: detect instead
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _binary(file)
    text, _codec, errors = decode_text(data, file, encoding)
    if text is None:
        usage = any(d.code == BAD_ENCODING_NAME for d in errors)
        raise TableError(errors, usage=usage)
    if "\x00" in text:
        raise _binary(file)
    return text


def _check_zip(file: str, data: bytes) -> None:
    """Refuse a DOCX/XLSX whose members inflate past the limit (a zip bomb) before anything opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _fail(file, NOT_A_TABLE_FILE, f"压缩结构已损坏，无法打开 (damaged DOCX/XLSX): {exc}",
                    "用 Word/WPS 或 Excel 打开后重新保存") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise _too_large(file, f"压缩包内有 {len(members)} 个文件")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _too_large(file, f"解压后共 {total // (1024 * 1024)} MiB（疑似压缩炸弹 zip bomb）")


def _check_shape(file: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS:
        raise _too_large(file, f"表格有 {rows} 行（上限 {MAX_ROWS} 行）")
    if columns > MAX_COLUMNS:
        raise _too_large(file, f"表格有 {columns} 列（上限 {MAX_COLUMNS} 列）")


def _cell_text(file: str, text: str, row: int, column: int) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise _fail(file, TOO_LARGE, f"单元格有 {len(text)} 个字符，超过导入上限 {MAX_CELL_CHARS} "
                    "(cell over the import limit)", "计划表的单元格不会这么长：确认选对了文件",
                    row=row, column=column)
    return clean_text(text)


def _rectangle(file: str, raw: list[list[tuple[str, tuple[int, int], bool]]]) -> list[list[Cell]]:
    """Pad ragged rows to the widest and make Cells; positions outside any written cell are empty."""
    width = max((len(r) for r in raw), default=0)
    out = []
    for r, values in enumerate(raw, start=1):
        row = []
        for c in range(1, width + 1):
            if c <= len(values):
                text, origin, formula = values[c - 1]
                written = _cell_text(file, text, r, c) if origin == (r, c) else ""
                row.append(Cell(written, r, c, origin, formula))
            else:
                row.append(Cell("", r, c, (r, c)))
        out.append(row)
    for r, row in enumerate(out):  # a merged position shows its origin's text
        for c, cell in enumerate(row):
            if cell.merged:
                orow, ocol = cell.origin
                source = out[orow - 1][ocol - 1] if orow - 1 < len(out) and ocol - 1 < len(row) else None
                text = source.text if source is not None and not source.merged else ""
                row[c] = Cell(text, cell.row, cell.column, cell.origin, cell.formula)
        out[r] = row
    return out


# ---------------------------------------------------------------- DOCX


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(element: Any) -> str:
    """A paragraph's text with its line breaks and tabs (w:br, w:cr, w:tab), as Word shows it."""
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}tab":
            parts.append("\t")
    return "".join(parts)


def _cell_paragraphs(tc: Any) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iterchildren(f"{_W}p"))


def _docx_grids(file: str, data: bytes, sheet: str | None) -> list[Grid]:
    from docx import Document

    if sheet is not None:
        raise _sheet_not_here(file)
    try:
        body = Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx and lxml raise many kinds for damaged parts
        raise _fail(file, NOT_A_TABLE_FILE, "无法作为 Word 文档读取 "
                    f"(not a readable DOCX): {type(exc).__name__}",
                    "用 Word 或 WPS 打开后另存为 .docx") from exc
    grids: list[Grid] = []
    recent: list[str] = []  # the paragraphs since the last table: the next table's title
    for element in body.iterchildren():
        if element.tag == f"{_W}p":
            text = clean_text(_paragraph_text(element))
            if text:
                recent.append(text)
                if grids:
                    grids[-1].notes.append(text)
        elif element.tag == f"{_W}tbl":
            grids.append(Grid(file, "docx", _docx_rows(file, element), _title_of(recent),
                              f"第 {len(grids) + 1} 个表格"))
            recent = []
    return grids


def _docx_rows(file: str, tbl: Any) -> list[list[Cell]]:
    trs = list(tbl.iterchildren(f"{_W}tr"))
    _check_shape(file, len(trs), 0)
    raw: list[list[tuple[str, tuple[int, int], bool]]] = []
    above: dict[int, tuple[int, int]] = {}  # grid column → origin of the cell there in the previous row
    for r, tr in enumerate(trs, start=1):
        values: list[tuple[str, tuple[int, int], bool]] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        for _ in range(_int_attr(before, 0)):
            values.append(("", (r, len(values) + 1), False))
        current: dict[int, tuple[int, int]] = {}
        for tc in tr.iterchildren(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span = max(1, min(_int_attr(props.find(f"{_W}gridSpan") if props is not None else None, 1),
                              MAX_COLUMNS))
            vmerge = props.find(f"{_W}vMerge") if props is not None else None
            column = len(values) + 1
            continued = vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue"
            origin = above.get(column) if continued else None
            if origin is None:
                origin = (r, column)
            text = _cell_paragraphs(tc) if origin == (r, column) else ""
            for offset in range(span):
                values.append((text if offset == 0 else "", origin, False))
                current[column + offset] = origin
            if len(values) > MAX_COLUMNS:
                _check_shape(file, len(trs), len(values))
        above = current
        raw.append(values)
    return _rectangle(file, raw)


def _int_attr(element: Any, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{_W}val", default))
    except (TypeError, ValueError):
        return default


def _title_of(paragraphs: list[str]) -> str | None:
    """The title above a table: the last paragraph that names a plan (计划/清单/表), else the last one."""
    near = [text.replace("\n", "") for text in paragraphs[-4:] if len(text) <= 200]
    for text in reversed(near):
        if re.search(r"计划|計劃|清单|清單|表$|plan", text, re.IGNORECASE):
            return text
    return near[-1] if near else None


# ---------------------------------------------------------------- XLSX


def _xlsx_grids(file: str, data: bytes, sheet: str | None) -> list[Grid]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False, rich_text=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise _fail(file, NOT_A_TABLE_FILE,
                    f"无法作为 XLSX 工作簿读取 (not a readable XLSX workbook): {type(exc).__name__}",
                    "用 Excel 或 WPS 打开后另存为 .xlsx") from exc
    try:
        sheets = list(workbook.worksheets)
        if sheet is not None:
            wanted = sheet.strip().lower()
            sheets = [ws for ws in sheets if ws.title.strip().lower() == wanted]
            if not sheets:
                names = "、".join(ws.title for ws in workbook.worksheets)
                raise _fail(file, NO_SUCH_TABLE, f"没有名为「{sheet}」的工作表 (no such sheet)",
                            f"工作簿中的工作表：{names}", usage=True)
        return [_xlsx_grid(file, ws) for ws in sheets]
    finally:
        workbook.close()


def _xlsx_grid(file: str, ws: Any) -> Grid:
    from openpyxl.cell.cell import MergedCell

    from ..interpret.tables import xlsx_cell_text

    rows = ws.max_row or 0
    columns = ws.max_column or 0
    _check_shape(file, rows, columns)
    origins: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in ws.merged_cells.ranges:
        top, left = merged.min_row, merged.min_col
        for r in range(top, min(merged.max_row, rows) + 1):
            for c in range(left, min(merged.max_col, columns) + 1):
                origins[(r, c)] = (top, left)
    raw: list[list[tuple[str, tuple[int, int], bool]]] = []
    problems: list[Diagnostic] = []
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=rows, max_col=columns), start=1):
        values = []
        for c, cell in enumerate(row, start=1):
            origin = origins.get((r, c), (r, c))
            if isinstance(cell, MergedCell) or origin != (r, c):
                values.append(("", origin, False))
                continue
            value = cell.value
            formula = cell.data_type == "f"
            text = xlsx_cell_text(value)
            if formula:
                problems.append(error(FORMULA_CELL, f"单元格是公式 {text[:60]}，导入不计算公式 "
                                      "(a formula: not evaluated)", file, cell_span(r, c),
                                      "把公式换成它的结果（Excel 中复制后“选择性粘贴 → 数值”），"
                                      "或在草稿中写出该值"))
            values.append((text, origin, formula))
        raw.append(values)
    return Grid(file, "xlsx", _rectangle(file, raw), None, f"工作表「{ws.title}」", problems)


# ---------------------------------------------------------------- CSV


def _csv_grid(file: str, text: str) -> Grid:
    import csv

    from ..interpret.tables import text_delimiter

    delimiter = text_delimiter(text)
    raw: list[list[tuple[str, tuple[int, int], bool]]] = []
    try:
        for r, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if r > MAX_ROWS:
                _check_shape(file, r, 0)
            if len(record) > MAX_COLUMNS:
                _check_shape(file, r, len(record))
            raw.append([(value, (r, c), False) for c, value in enumerate(record, start=1)])
    except csv.Error as exc:
        raise _fail(file, NOT_A_TABLE_FILE, f"第 {len(raw) + 1} 行不是合法的 CSV 记录 (malformed CSV): {exc}",
                    "检查该行的引号是否成对", row=len(raw) + 1, column=1) from exc
    return Grid(file, "csv", _rectangle(file, raw), None, "")


# ---------------------------------------------------------------- HTML


_BLOCK_TAGS = frozenset({"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                         "table"})


def _html_text(element: Any) -> str:
    """An element's text as a browser lays it out: <br>, <p> and <div> start new lines; scripts dropped."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style"):
            if node.tail:
                parts.append(node.tail)
            return
        if tag in _BLOCK_TAGS and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCK_TAGS and tag != "br":
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    if element.text:
        parts.append(element.text)
    for child in element:
        walk(child)
    text = "".join(parts)
    text = re.sub(r"[ \t\f\v]+", " ", text)  # HTML white space collapses, line breaks stay
    return "\n".join(line.strip() for line in text.split("\n"))


def _html_grids(file: str, text: str) -> list[Grid]:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise _fail(file, NOT_A_TABLE_FILE, f"无法作为网页读取 (not a readable HTML page): {exc}",
                    "在浏览器中打开该页面，另存为“网页，仅 HTML”后再导入") from exc
    grids = []
    page_title = root.findtext(".//title")
    for table in root.iter("table"):
        if any(ancestor.tag == "table" for ancestor in table.iterancestors()):
            continue  # a table inside a cell is part of that cell
        title = _html_title(table) or _plan_title(clean_text(page_title or ""))
        grids.append(Grid(file, "html", _html_rows(file, table), title, f"第 {len(grids) + 1} 个表格",
                          notes=_html_notes(table)))
    return grids


def _html_notes(table: Any) -> list[str]:
    """The paragraphs right after a table (up to the next table): notes under it, such as 合并抽取 lines."""
    notes: list[str] = []
    node = table.getnext()
    while node is not None and node.tag != "table" and len(notes) < 50:
        if not isinstance(node.tag, str):
            node = node.getnext()
            continue
        if any(t.tag == "table" for t in node.iter()):
            break
        paragraphs = [p for p in node.iter("p", "li")] or [node]
        notes += [text for p in paragraphs if (text := clean_text(p.text_content()))]
        node = node.getnext()
    return notes


def _plan_title(text: str) -> str | None:
    """A page's <title> is the plan's only when it names a plan (many pages are titled 政府信息公开)."""
    text = text.replace("\n", "")
    return text if text and len(text) <= 200 and re.search(r"计划|計劃|清单|清單|表$", text) else None


def _own_rows(table: Any) -> Iterator[Any]:
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if row.tag == "tr")


def _html_title(table: Any) -> str | None:
    caption = table.find("caption")
    if caption is not None:
        text = clean_text(_html_text(caption)).replace("\n", "")
        if text:
            return text
    node = table.getprevious()
    for _ in range(4):
        if node is None:
            return None
        if isinstance(node.tag, str):
            text = clean_text(_html_text(node)).replace("\n", "")
            if text and re.search(r"计划|計劃|清单|清單|表$", text) and len(text) <= 200:
                return text
        node = node.getprevious()
    return None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_ROWS))
    except ValueError:
        return 1


def _html_rows(file: str, table: Any) -> list[list[Cell]]:
    rows = list(_own_rows(table))
    _check_shape(file, len(rows), 0)
    raw: list[list[tuple[str, tuple[int, int], bool]]] = [[] for _ in rows]
    pending: dict[tuple[int, int], tuple[int, int]] = {}  # (row, column) taken by a rowspan → origin
    for r, tr in enumerate(rows, start=1):
        values = raw[r - 1]
        column = 1
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, column) in pending:
                values.append(("", pending.pop((r, column)), False))
                column += 1
            rowspan, colspan = _span(td.get("rowspan")), min(_span(td.get("colspan")), MAX_COLUMNS)
            text = _html_text(td)
            for dc in range(colspan):
                values.append((text if dc == 0 else "", (r, column), False))
                for dr in range(1, min(rowspan, len(rows) - r + 1)):
                    pending[(r + dr, column + dc)] = (r, column)
            column += colspan
            if column > MAX_COLUMNS + 1:
                _check_shape(file, len(rows), column - 1)
        while (r, column) in pending:
            values.append(("", pending.pop((r, column)), False))
            column += 1
    return _rectangle(file, raw)

