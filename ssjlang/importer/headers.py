"""Recognising a plan table's header row (表头) and what each column means.

Real tables name the same column many ways (抽查对象 / 检查对象 / 抽查对象(范围) / 联查对象), write it in
Traditional characters (抽查對象範圍), split it over two header rows (抽查项目 over 抽查事项名称 and
抽查内容) or over lines inside one cell (抽查对象\\n范围). A heading is normalised — Simplified, no
white space, brackets or punctuation — and looked up among the keyword spellings of
`ssjlang.language.keywords` (the column headings real tables use are already keyword synonyms there)
and the headings below that are not keywords (序号, 抽查比例及频次, 抽查户数 …). A column that maps to
nothing is reported by name; its cells still go into the draft, as comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, cell_span, error
from ..language.keywords import KEYWORDS_BY_KEY, simplified
from .tables import Cell, Grid

NO_HEADER = "SSJ510"  # no row of the table looks like a plan header
UNKNOWN_COLUMN = "SSJ511"  # a column whose heading the importer cannot place (or a second one of a kind)
MISSING_COLUMN = "SSJ512"  # the table has no column for a field every task needs

# Field keys: what a column gives. Keyword keys of ssjlang.language.keywords where one exists.
FIELD_LABELS: dict[str, str] = {
    "no": "序号",
    "name": "抽查任务名称",
    "group": "分组",
    "items": "抽查事项",
    "scope": "抽查对象范围",
    "rate_rounds": "抽查比例及频次",
    "rate": "抽查比例",
    "count": "抽查数量",
    "rounds": "抽查频次",
    "risk": "信用风险分类",
    "window": "抽查时间",
    "start": "开始时间",
    "end": "结束时间",
    "draw_window": "抽取时间",
    "draw_start": "抽取开始",
    "draw_end": "抽取结束",
    "lead": "发起部门",
    "guide": "指导单位",
    "inspect": "检查主体",
    "assist": "配合部门",
    "mode": "抽查检查模式",
    "directed": "抽查类型",
    "method": "检查方式",
    "basis": "检查依据",
    "category": "事项类别",
    "code": "事项代码",
    "remarks": "备注",
    "base": "抽查基数",
}
"""Each field a column can give, with the heading the draft's comments call it by."""

_KEYWORD_FIELDS = ("items", "basis", "code", "category", "method", "scope", "base", "rate", "rounds", "risk",
                   "window", "draw_window", "lead", "guide", "inspect", "assist", "mode", "remarks", "group")
"""Task-field keywords whose Chinese spellings are column headings."""

_MORE_HEADINGS: dict[str, tuple[str, ...]] = {
    "no": ("序号", "编号", "任务序号", "任务编号", "no", "number"),
    "name": ("抽查任务名称", "任务名称", "抽查任务", "检查任务名称", "年度计划名称", "抽查事项名称",
             "抽查项目名称", "权责清单事项", "task", "name"),
    "group": ("本部门计划名称", "抽查计划名称", "抽查类别", "检查类别", "领域", "行业", "地市"),
    "items": ("抽查事项内容", "检查事项内容", "检查项目", "抽查项目内容", "items"),
    "scope": ("检查对象范围", "检查对范围", "抽查对象名称", "联查对象", "scope"),
    "rate_rounds": ("抽查比例及频次", "抽查比例和频次", "比例及频次", "检查比例及频次", "抽查比例及频率",
                    "抽查比例频次"),
    "rate": ("抽查对象比例", "抽查比率", "rate"),
    "count": ("抽查数量", "抽查户数", "抽查户数户", "抽查对象数量", "预估抽查对象数", "抽查家数",
              "计划抽查数量", "抽查对象数"),
    "rounds": ("检查周期", "抽查周期", "抽查频率", "rounds"),
    "risk": ("智慧监管信用风险分类要求", "信用风险分类抽查比例", "信用风险分类监管要求", "信用监管要求",
             "risk"),
    "window": ("抽查检查时间", "计划开展时间", "初步检查时间", "时间安排", "检查时限", "完成时间",
               "抽查完成时限", "window"),
    "start": ("任务开始时间", "开始时间", "起始时间", "开始日期"),
    "end": ("任务结束时间", "结束时间", "结束日期"),
    "draw_start": ("抽取时间自", "抽取日期自", "抽取开始时间"),
    "draw_end": ("抽取时间至", "抽取日期至", "抽取结束时间"),
    "lead": ("牵头股室", "牵头科室", "责任科室", "责任股室", "股室", "承办股室", "抽查单位", "发起单位",
             "lead"),
    "inspect": ("检查单位", "实施单位", "执行单位", "分配任务的处科室", "inspected-by"),
    "assist": ("参与股室", "参与联合抽查部门", "配合单位", "协助部门", "assist"),
    "mode": ("抽查模式", "mode"),
    "directed": ("抽查类型", "任务类型", "抽取类型", "定向不定向", "是否定向"),
    "method": ("抽查方式", "method"),
    "basis": ("抽查依据", "法律依据", "basis"),
    "remarks": ("说明", "remarks"),
    "base": ("检查基数", "抽查对象总数"),
}

TENTATIVE_HEADINGS = frozenset({"初步检查时间", "拟检查时间", "暂定检查时间"})
"""Window headings that say the dates are provisional (暂定)."""

REQUIRED_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("items", ("items", "name")),
    ("scope", ("scope",)),
    ("rate", ("rate", "rate_rounds", "count")),
    ("rounds", ("rounds", "rate_rounds", "rate")),
    ("window", ("window", "start", "end", "draw_window", "draw_start", "draw_end")),
    ("lead", ("lead",)),
    ("mode", ("mode",)),
)
"""What every task needs, and the columns any of which gives it."""

_PUNCTUATION = re.compile(r"[\s()（）\[\]【】<>《》「」『』:：,，、.。;；*＊·•\-—_~～“”\"'`‘’?？!！#＃]+")

_EXTRA_TRADITIONAL = "业業 办辦 协協 处處 权權 结結 说說 责責 周週"
"""Simplified → Traditional pairs of the characters of the headings above that
`keywords.SIMPLIFIED_TRADITIONAL` lacks (週 as OpenCC writes 周期); a test checks them against OpenCC."""


def _extra_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for pair in _EXTRA_TRADITIONAL.split():
        table[ord(pair[1])] = pair[0]
    return table


_TO_SIMPLIFIED_EXTRA = _extra_table()


def normalise_heading(text: str) -> str:
    """A heading as looked up: Simplified, lower-case, without white space, brackets or punctuation."""
    return _PUNCTUATION.sub("", simplified(text).translate(_TO_SIMPLIFIED_EXTRA)).lower()


_AMBIGUOUS = frozenset({"检查"})
"""Keyword spellings too general to name a column: a column headed 检查 may be 检查方式 or 检查主体."""


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, spellings in _MORE_HEADINGS.items():
        for spelling in spellings:
            lookup.setdefault(normalise_heading(spelling), key)
    for key in _KEYWORD_FIELDS:
        keyword = KEYWORDS_BY_KEY[key]
        for spelling in (*keyword.chinese_spellings, *keyword.english):
            if spelling not in _AMBIGUOUS:
                lookup.setdefault(normalise_heading(spelling), key)
    return lookup


HEADINGS: dict[str, str] = _build_lookup()
"""Normalised heading → field key."""


def field_of(heading: str) -> str | None:
    """The field a heading names: the whole heading, else (发起主体/指导单位, 抽查比例/数量) its first part
    that names one."""
    found = HEADINGS.get(normalise_heading(heading))
    if found is not None:
        return found
    parts = [p for p in re.split(r"[/／\n]", heading) if p.strip()]
    if len(parts) > 1:
        for part in parts:
            found = HEADINGS.get(normalise_heading(part))
            if found is not None:
                return found
        joined = HEADINGS.get(normalise_heading("".join(parts)))
        if joined is not None:
            return joined
    return None


@dataclass
class Column:
    """One column of the table: where it is, its heading as written, and the field it gives (or None)."""

    index: int
    heading: str
    field: str | None
    tentative: bool = False


@dataclass
class Header:
    """The recognised header: its last row, the columns, the title above it, and what could not be placed."""

    row: int
    columns: list[Column]
    title: str | None
    by_field: dict[str, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def label(self, field_key: str) -> str:
        """The heading of the column that gives `field_key`, as the table writes it."""
        index = self.by_field.get(field_key)
        if index is None:
            return FIELD_LABELS[field_key]
        return self.columns[index].heading.replace("\n", "")


_HEADER_SEARCH_ROWS = 12


def _score(row: list[Cell]) -> int:
    seen: set[tuple[int, int]] = set()
    fields: set[str] = set()
    for cell in row:
        if cell.origin in seen or not cell.text:
            continue
        seen.add(cell.origin)
        key = field_of(cell.text)
        if key is not None:
            fields.add(key)
    return len(fields)


def looks_like_header(grid: Grid) -> bool:
    """Whether some row near the top of the grid is a plan header (to pick the table of a document)."""
    return any(_score(row) >= 3 for row in grid.rows[:_HEADER_SEARCH_ROWS])


def find_header(grid: Grid) -> Header | None:
    """The header of a plan table, or None (with nothing reported) when no row looks like one."""
    best = None
    for index, row in enumerate(grid.rows[:_HEADER_SEARCH_ROWS]):
        if _score(row) >= 3:
            best = index
            break
    if best is None:
        return None
    row = grid.rows[best]
    headings = [cell.text for cell in row]
    last = best
    below = grid.rows[best + 1] if best + 1 < len(grid.rows) else None
    keys: list[str | None] = [field_of(h) if h else None for h in headings]
    if below is not None and _is_sub_header(row, below):
        headings, keys = [], []
        for top, sub in zip(row, below, strict=True):
            if sub.origin == top.origin or not sub.text:
                headings.append(top.text)
                keys.append(field_of(top.text) if top.text else None)
            else:  # 抽查项目 over 抽查内容: the lower heading says what the column is
                headings.append(f"{top.text}/{sub.text}" if top.text else sub.text)
                keys.append(field_of(sub.text) or (field_of(top.text) if top.text else None))
        last = best + 1
    title = _title_above(grid, best)
    columns: list[Column] = []
    by_field: dict[str, int] = {}
    diagnostics: list[Diagnostic] = []
    header_row = grid.rows[last]
    for index, heading in enumerate(headings):
        cell = header_row[index]
        if index > 0 and cell.origin == header_row[index - 1].origin:
            columns.append(Column(index, heading, None))  # the later positions of a heading spanning columns
            continue
        key = keys[index]
        if key == "rate_rounds" and ("rate" in by_field or "rounds" in by_field):
            key = None
        if key == "items" and "items" in by_field and "name" not in by_field:
            # 抽查事项 then 检查内容, no 任务名称: the first names the task, the second holds its items
            first = by_field.pop("items")
            columns[first].field = "name"
            by_field["name"] = first
        if key is not None and key in by_field:
            kind, written = FIELD_LABELS[key], _one_line(heading)
            diagnostics.append(error(UNKNOWN_COLUMN, f"第二个表示「{kind}」的列「{written}」未使用 "
                                     "(a second column of this kind is not used)", grid.file,
                                     cell_span(cell.row, cell.column),
                                     hint="该列各格照录在草稿的注释中；请把其内容并入相应字段"))
            key = None
        elif key is None and heading.strip():
            diagnostics.append(error(UNKNOWN_COLUMN, f"无法识别的列「{_one_line(heading)}」 (unknown column)",
                                     grid.file, cell_span(cell.row, cell.column),
                                     hint="该列各格照录在草稿的注释中；若它对应计划的某个字段，请把表头改为"
                                          "常用写法（如 抽查对象范围、抽查比例及频次、发起部门）后重新导入"))
        tentative = key == "window" and normalise_heading(heading) in TENTATIVE_HEADINGS
        if key is not None:
            by_field[key] = index
        columns.append(Column(index, heading, key, tentative))
    if "draw_end" in by_field and "draw_window" in by_field and "draw_start" not in by_field:
        index = by_field.pop("draw_window")  # 抽取日期 beside 抽取日期至: the first is where the draw starts
        columns[index].field = "draw_start"
        by_field["draw_start"] = index
    return Header(last + 1, columns, title, by_field, diagnostics)


def _is_sub_header(top: list[Cell], below: list[Cell]) -> bool:
    """Whether `below` completes a two-row header: each of its cells either continues the cell above
    (merged down) or sits under a heading that spans several columns, and at least one does the latter."""
    split = 0
    for index, (upper, lower) in enumerate(zip(top, below, strict=True)):
        if lower.origin == upper.origin:
            continue
        spans = (index > 0 and top[index - 1].origin == upper.origin) or (
            index + 1 < len(top) and top[index + 1].origin == upper.origin)
        if not spans or not lower.text:
            return False
        split += 1
    return split > 0


def _title_above(grid: Grid, header_index: int) -> str | None:
    """The title written in the rows above the header (a merged title row), else the one above the table."""
    for row in reversed(grid.rows[:header_index]):
        texts = {cell.text for cell in row if cell.text}
        if len(texts) == 1:
            text = texts.pop().replace("\n", "")
            if len(text) <= 200:
                return text
    return grid.title


def _one_line(text: str) -> str:
    return text.replace("\n", "")


def missing_columns(grid: Grid, header: Header) -> list[Diagnostic]:
    """One error per field every task needs but no column gives (the draft marks it in each task)."""
    out = []
    for key, sources in REQUIRED_FIELDS:
        if not any(source in header.by_field for source in sources):
            out.append(error(MISSING_COLUMN, f"表中没有「{FIELD_LABELS[key]}」列 (no column for this field)",
                             grid.file, cell_span(header.row, 1),
                             hint="草稿的每个任务都在该处标了 待补充：按本单位的计划写出"))
    return out


def no_header(grid: Grid) -> Diagnostic:
    """The error for a table without a recognisable header."""
    return error(NO_HEADER, f"{grid.label or '表格'}中找不到计划表的表头 (no plan table header found)",
                 grid.file, cell_span(1, 1),
                 hint="表头应含 序号、抽查任务名称、抽查事项、抽查对象范围、抽查比例及频次、发起部门 等列；"
                      "文件有多个表格时用 --table N 或 --sheet 名称 选择")
