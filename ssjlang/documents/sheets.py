"""The spreadsheets `ssj compile` writes (openpyxl): the plan table, the draw lists, each department's
抽查结果公示 and its 结果录入表 (entry template). Cells hold real values: 序号 and counts as numbers, dates
as Excel dates (shown 2024-03-05), text neutralised so a name such as `=HYPERLINK(…)` is never run."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from ..output import neutralise_cell, xml_safe
from . import officialstyle as style
from .ooxml import normalise_ooxml
from .results import DISPOSALS, METHODS, RESULT_CATEGORIES
from .views import ENTRY_COLUMNS

DATE_FORMAT = "yyyy-mm-dd"


def new_workbook(day: date, title: str, creator: str) -> Any:
    import openpyxl

    workbook = openpyxl.Workbook()
    stamp = datetime(day.year, day.month, day.day)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = xml_safe(creator)
    workbook.properties.title = xml_safe(title)
    return workbook


def xlsx_cell(value: object) -> object:
    """A cell value as it goes into a workbook: formulas neutralised, characters XML forbids replaced."""
    return neutralise_cell(xml_safe(value) if isinstance(value, str) else value)


def xlsx_bytes(workbook: Any, day: date) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return normalise_ooxml(out.getvalue(), day)


def sheet_table(
    sheet: Any,
    title: str | None,
    header: list[str],
    rows: list[list[Any]],
    widths: list[int],
    landscape: bool = True,
    locked: int = 0,
) -> None:
    """Title row (merged; none when `title` is None, so the header is row 1 as a table to read back wants
    it), header row repeated on every printed page, wrapped neutralised cells; dates as Excel dates,
    numbers as numbers. `locked` > 0 freezes that many leading columns too.

    The body cells' styles are made once per sheet and copied to each cell by style id: a Font, an
    Alignment and a Border object per cell made openpyxl look each one up again (a third of `ssj compile`
    for the draw lists of one plan)."""
    from copy import copy

    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head = 1 if title is None else 2
    if title is not None:
        sheet.cell(row=1, column=1, value=xlsx_cell(title)).font = Font(
            name=style.DOCX_FONT_HEADING, size=14, bold=True
        )
        sheet.cell(row=1, column=1).alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.row_dimensions[1].height = 36
    for col, text in enumerate(header, start=1):
        c = sheet.cell(row=head, column=col, value=text)
        c.font = Font(name=style.DOCX_FONT_HEADING, size=11, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    body: dict[bool, Any] = {}  # the style ids of a body cell (dated or not), made on the first such cell
    for r, values in enumerate(rows, start=head + 1):
        for col, value in enumerate(values, start=1):
            c = sheet.cell(row=r, column=col)
            safe = xlsx_cell(value)
            c.value = safe
            dated = isinstance(safe, date)
            if isinstance(safe, str):
                c.data_type = "s"
            made = body.get(dated)
            if made is not None:
                c._style = copy(made)
                continue
            if dated:
                c.number_format = DATE_FORMAT
            c.font = Font(name=style.DOCX_FONT_TABLE, size=10.5)
            c.alignment = Alignment(vertical="center", wrap_text=True)
            c.border = border
            body[dated] = c._style
    for col, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = w
    sheet.freeze_panes = f"{get_column_letter(locked + 1)}{head + 1}"
    sheet.print_title_rows = f"{head}:{head}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


#: Excel column widths (characters) of the plan table's columns, by key (6 for a column nobody fills, 24 for
#: a rate column widened for long rates: views.EMPTY_COLUMN, views.WIDE_RATE).
PLAN_WIDTHS: dict[str, int] = {
    "no": 6, "name": 24, "checks": 48, "category": 12, "scope": 22, "kind": 10, "methods": 12, "rate": 14,
    "risk": 30, "window": 14, "lead": 14, "inspect": 14, "assist": 14, "mode": 10, "remarks": 24,
}


def plan_table_xlsx(plan_view: dict[str, Any], day: date) -> bytes:
    """工作计划表.xlsx: the view's columns, one row per task or sub-row (子项) with the cells a task's rows
    share merged over them, a merged row where the 分组 changes, the 合并抽取 as merged 注 rows below."""
    from openpyxl.styles import Alignment, Font

    workbook = new_workbook(day, plan_view["title"], plan_view["authority"])
    sheet = workbook.active
    sheet.title = "工作计划表"
    keys = [c["key"] for c in plan_view["columns"]]
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []  # first row, first column, last row, last column (1-based)
    groups: list[int] = []
    head = 2
    for r in plan_view["rows"]:
        number = head + 1 + len(rows)
        if r["group"]:
            rows.append([r["group"]] + [None] * (len(keys) - 1))
            merges.append((number, 1, number, len(keys)))
            groups.append(number)
            continue
        rows.append([r["cells"][k]["value"] for k in keys])
        for column, key in enumerate(keys, start=1):
            span = r["cells"][key]["rowspan"]
            if span > 1:
                merges.append((number, column, number + span - 1, column))
    sheet_table(sheet, plan_view["title"], [c["heading"] for c in plan_view["columns"]], rows,
                [6 if c["narrow"] else 24 if c["wide"] else PLAN_WIDTHS.get(c["key"], 14)
                 for c in plan_view["columns"]])
    for first, left, last, right in merges:
        sheet.merge_cells(start_row=first, start_column=left, end_row=last, end_column=right)
    for number in groups:
        cell = sheet.cell(row=number, column=1)
        cell.font = Font(name=style.DOCX_FONT_HEADING, size=11, bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    below = head + len(rows) + 2
    for n, joint in enumerate(plan_view["joints"]):
        cell = sheet.cell(row=below + n, column=1, value=xlsx_cell(f"注：{joint['text']}"))
        cell.data_type = "s"
        cell.font = Font(name=style.DOCX_FONT_TABLE, size=10.5)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=below + n, start_column=1, end_row=below + n, end_column=len(keys))
        sheet.row_dimensions[below + n].height = 32
    return xlsx_bytes(workbook, day)


def draw_list_columns(show_risk: bool) -> list[str]:
    if show_risk:
        return [
            "序号",
            "分层",
            "层内顺位",
            "统一社会信用代码",
            "名称",
            "地址",
            "风险等级",
            "检查日期",
            "检查组（执法证号）",
        ]
    return ["序号", "统一社会信用代码", "名称", "地址", "检查日期", "检查组（执法证号）"]


def draw_list_rows(lst: dict[str, Any]) -> list[list[Any]]:
    """A draw list's cells: 检查日期 a date, 序号 and 顺位 numbers; class columns only where shown."""
    rows = []
    for r in lst["rows"]:
        day = date.fromisoformat(r["date"]) if r["date"] else None
        if lst["show_risk"]:
            rows.append(
                [
                    r["seq"],
                    r["stratum"],
                    r["rank"],
                    r["id"],
                    r["name"],
                    r["address"],
                    r["risk"],
                    day,
                    r["team_text"],
                ]
            )
        else:
            rows.append([r["seq"], r["id"], r["name"], r["address"], day, r["team_text"]])
    return rows


def draw_lists_xlsx(
    title: str, creator: str, lists: list[dict[str, Any]], show_risk: bool, day: date
) -> bytes:
    """抽查名单.xlsx: one sheet per task and round."""
    workbook = new_workbook(day, f"{title} 抽查名单", creator)
    workbook.remove(workbook.active)
    widths = [6, 8, 8, 22, 34, 34, 10, 12, 44] if show_risk else [6, 22, 34, 34, 12, 44]
    for lst in lists:
        sheet = workbook.create_sheet(title=lst["slug"][:31])
        heading = f"{lst['label']} {lst['name']} 第{style.cn_number(int(lst['round']))}轮抽查名单"
        sheet_table(sheet, heading, draw_list_columns(show_risk), draw_list_rows(lst), widths)
    if not lists:
        workbook.create_sheet(title="抽查名单")
    return xlsx_bytes(workbook, day)


RESULT_COLUMNS: tuple[str, ...] = (
    "序号",
    "统一社会信用代码",
    "名称",
    "检查机关",
    "任务序号",
    "检查事项",
    "检查日期",
    "检查结果",
    "处理情况",
    "公示渠道",
)


def result_rows(view: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            r["seq"],
            r["id"],
            r["name"],
            r["inspector"],
            r["task"],
            r["items_text"],
            r["date"],
            r["result"],
            r["handling"],
            view["gsxt_name"] if r["channel"] == "gsxt" else view["issuer"]["site_text"],
        ]
        for r in view["rows"]
    ]


def results_xlsx(title: str, view: dict[str, Any], day: date) -> bytes:
    """抽查结果公示-<部门>.xlsx: the department's results, one row per subject and task."""
    workbook = new_workbook(day, f"{title} 抽查结果公示", view["issuer"]["name"])
    sheet = workbook.active
    sheet.title = "抽查结果公示"
    sheet_table(
        sheet,
        f"{view['issuer']['name']} 抽查结果公示",
        list(RESULT_COLUMNS),
        result_rows(view),
        [6, 22, 30, 24, 8, 44, 12, 30, 36, 22],
    )
    return xlsx_bytes(workbook, day)


def entry_xlsx(title: str, department: str, issuer: str, rows: list[list[Any]], day: date) -> bytes:
    """结果录入表-<部门>.xlsx: the items this department checks, one row each; the identifying columns are
    filled, the entry columns (检查方式 … 处理情况/备注) take drop-down lists of the standard choices; the
    sheet is read back by `--results` as it is."""
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = new_workbook(day, f"{title} 结果录入表", issuer)
    sheet = workbook.active
    sheet.title = "结果录入"
    sheet_table(
        sheet, None, list(ENTRY_COLUMNS), rows, [8, 22, 30, 8, 44, 12, 14, 12, 30, 20, 12, 30], locked=3
    )
    sheet.oddHeader.center.text = f"{issuer} 抽查检查结果录入表（检查结果、后续处置可填多项，用；隔开）"
    options = workbook.create_sheet("选项")
    for col, values in enumerate((RESULT_CATEGORIES, DISPOSALS, METHODS), start=1):
        for r, value in enumerate(values, start=1):
            options.cell(row=r, column=col, value=xlsx_cell(value))
    options.sheet_state = "hidden"
    last = max(len(rows) + 1, 2)
    for column, source, count in (
        ("I", "A", len(RESULT_CATEGORIES)),
        ("J", "B", len(DISPOSALS)),
        ("G", "C", len(METHODS)),
    ):
        check = DataValidation(
            type="list",
            formula1=f"=选项!${source}$1:${source}${count}",
            allow_blank=True,
            showErrorMessage=False,
        )
        check.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(check)
    for column in ("H", "K"):
        for r in range(2, last + 1):
            sheet[f"{column}{r}"].number_format = DATE_FORMAT
    return xlsx_bytes(workbook, day)
