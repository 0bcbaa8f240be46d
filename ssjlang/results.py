"""Inspection results intake (抽查结果) for the 抽查结果公示.

Offices keep results in a spreadsheet: one row per (subject, task) with 统一社会信用代码, 任务序号, 检查日期,
检查结果 (one of the ten standard categories, exactly) and 处理情况/备注. This module reads it with the
registry's table reader (`registry.read_table`: CSV in UTF-8, GB18030 or UTF-16, or XLSX; a file that is
no readable table gets the intake's SSJ201–SSJ203/SSJ216), checks every row against the draw record and
reports every problem in one run as SSJ4xx diagnostics at file:row:column, so an officer fixes the sheet
at once. Dates are read by `canonical.parse_date`, the same reader as the registry's.

Lateness: results must be public within 20 working days (企业信息公示暂行条例 第六条). A row published
after its deadline is a *warning*, not an error: refusing to publish would only make it later still.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .canonical import FIRST_YEAR, LAST_YEAR, canonical_id, in_date_range, parse_date
from .diagnostics import Diagnostic, InputError, Related, cell_span, error, has_errors, warning
from .registry import read_table
from .workdays import add_workdays

SSJ402 = "SSJ402"  # a required column is missing
SSJ403 = "SSJ403"  # subject not in the draw record
SSJ404 = "SSJ404"  # task number unknown, or the subject was not drawn by that task
SSJ405 = "SSJ405"  # result category is not one of the standard categories
SSJ406 = "SSJ406"  # date cannot be read
SSJ407 = "SSJ407"  # duplicate row for the same subject and task
SSJ408 = "SSJ408"  # result published after its 20-working-day deadline (warning)
SSJ409 = "SSJ409"  # inspection date after the publication date
SSJ410 = "SSJ410"  # inspection date outside the visit window (warning)
SSJ411 = "SSJ411"  # name column disagrees with the record (warning)
SSJ412 = "SSJ412"  # a drawn subject's result is overdue and missing (warning)
SSJ413 = "SSJ413"  # no data rows
SSJ414 = "SSJ414"  # a required cell is empty
SSJ415 = "SSJ415"  # a date outside 2000–2100

#: The standard result categories (抽查结果类型), exactly as published.
RESULT_CATEGORIES: tuple[str, ...] = (
    "未发现问题",
    "未按规定公示应当公示的信息",
    "公示信息隐瞒真实情况、弄虚作假",
    "通过登记的住所（经营场所）无法联系",
    "发现问题已责令改正",
    "未发现开展本次抽查涉及的经营活动",
    "不配合检查情节严重",
    "已关闭停业或正在组织清算",
    "已注销/被吊销/被撤销",
    "发现问题待后续处理（移交）",
)

#: Working days between the inspection and the publication deadline.
PUBLISH_WITHIN_WORKDAYS = 20

#: Column → accepted header spellings (canonical Chinese first, then English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("统一社会信用代码", "id", "uscc"),
    "task": ("任务序号", "task", "序号"),
    "date": ("检查日期", "date"),
    "result": ("检查结果", "result"),
    "note": ("处理情况/备注", "处理情况", "备注", "note"),
    "name": ("名称", "name"),
}
REQUIRED: tuple[str, ...] = ("id", "task", "date", "result")

#: Sheet names a results workbook may use; otherwise its first sheet is read.
SHEET_NAMES: tuple[str, ...] = ("抽查结果", "检查结果", "结果", "results")


@dataclass(frozen=True)
class ResultRow:
    """One checked result row; `row` is its 1-based row number in the file (header = 1)."""

    row: int
    subject: str
    task: int
    date: date
    category: str
    note: str
    visit: str
    deadline: date


@dataclass(frozen=True)
class ResultSet:
    """A checked results file, rows in file order, and the date it is published (成文日期)."""

    file: str
    rows: tuple[ResultRow, ...]
    publication_date: date


def similar_ids(wanted: str, known: dict[str, Any], limit: int = 3) -> list[str]:
    """Drawn ids one or two characters away from a mistyped 统一社会信用代码 (closest first, then sorted)."""
    scored = []
    for candidate in known:
        if len(candidate) == len(wanted):
            distance = sum(a != b for a, b in zip(candidate, wanted, strict=True))
            if distance <= 2:
                scored.append((distance, candidate))
    if not scored:
        return difflib.get_close_matches(wanted, sorted(known), n=1, cutoff=0.8)
    best = min(d for d, _ in scored)
    return sorted(c for d, c in scored if d == best)[:limit]


class _Sheet:
    """One results file being checked: its columns, and diagnostics addressed to a row and a column key."""

    def __init__(self, file: str, columns: dict[str, int]) -> None:
        self.file = file
        self.columns = columns
        self.diagnostics: list[Diagnostic] = []

    def col(self, key: str) -> int:
        """1-based column number of a column key (the key is present: required or checked before use)."""
        return self.columns[key] + 1

    def cell(self, cells: list[str], key: str) -> str:
        """The canonical cell of `key` in a row, "" when the column is absent or the row is short."""
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    def error(self, code: str, message: str, row: int, key: str, hint: str,
              related: tuple[Related, ...] = ()) -> None:
        self.diagnostics.append(error(code, message, self.file, cell_span(row, self.col(key)), hint, related))

    def warning(self, code: str, message: str, row: int, key: str, hint: str) -> None:
        self.diagnostics.append(warning(code, message, self.file, cell_span(row, self.col(key)), hint))


def _header_map(header: tuple[str, ...], header_row: int,
                file: str) -> tuple[dict[str, int], list[Diagnostic]]:
    """Column key → 0-based index, and a diagnostic for every required column that is missing."""
    found: dict[str, int] = {}
    for key, spellings in COLUMNS.items():
        lowered = {s.lower() for s in spellings}
        for index, cell in enumerate(header):
            if cell.lower() in lowered and key not in found:
                found[key] = index
    required = "、".join(COLUMNS[k][0] for k in REQUIRED)
    diagnostics = [
        error(SSJ402, f"结果表缺少「{COLUMNS[key][0]}」列 (no {key} column)", file, cell_span(header_row, 1),
              hint=f"表头中加入「{COLUMNS[key][0]}」列；表头须有 {required}，可选 处理情况/备注")
        for key in REQUIRED
        if key not in found
    ]
    return found, diagnostics


def _visit_index(record: dict) -> dict[tuple[str, int], dict]:
    """(subject id, task no) → the visit that inspects it."""
    index: dict[tuple[str, int], dict] = {}
    for visit in record["visits"]:
        for task in visit["tasks"]:
            index[(visit["subject"], int(task["no"]))] = visit
    return index


def _check_subject(sheet: _Sheet, row: int, subject: str, subjects: dict[str, dict]) -> bool:
    """SSJ403 when the 统一社会信用代码 was not drawn in the record (with the nearest drawn codes)."""
    if not subject or subject in subjects:
        return True
    close = similar_ids(subject, subjects)
    hint = ("是否应为 " + " 或 ".join(f"{c}（{subjects[c]['name']}）" for c in close) + "？"
            if close else "只有本次抽中的检查对象才能录入结果；请对照抽查名单核对代码")
    sheet.error(SSJ403, f"{subject} 不在本次抽查记录的抽中名单中 (subject not drawn in this record)",
                row, "id", hint)
    return False


def _check_task(sheet: _Sheet, row: int, subject: str, task_text: str, subjects: dict[str, dict],
                task_names: dict[int, str], visits: dict[tuple[str, int], dict],
                drawn_tasks: dict[str, list[int]]) -> tuple[int | None, bool]:
    """The task number of a row and whether it is usable (SSJ404 when it is not a drawn task)."""
    if not task_text:
        return None, True
    m = re.fullmatch(r"0*(\d+)(\.0+)?", task_text)
    if m is None:
        sheet.error(SSJ404, f"任务序号「{task_text}」不是任务编号 (not a task number)", row, "task",
                    "填写计划表中该任务的序号，例如 4")
        return None, False
    task_no = int(m.group(1))
    if task_no not in task_names:
        sheet.error(SSJ404, f"计划中没有任务{task_no} (no such task)", row, "task",
                    "本记录中的任务序号：" + "、".join(map(str, sorted(task_names))))
        return task_no, False
    if subject in subjects and (subject, task_no) not in visits:
        drawn = "、".join(f"任务{n}" for n in drawn_tasks.get(subject, [])) or "无"
        sheet.error(SSJ404, f"{subject} 未被任务{task_no}抽中，抽中它的是{drawn} "
                    f"(not drawn by this task)", row, "task", "更正任务序号或统一社会信用代码")
        return task_no, False
    return task_no, True


def load_results(
    path: Path, record: dict, publication_date: date | None = None, encoding: str | None = None
) -> tuple[ResultSet, list[Diagnostic]]:
    """Read and check a results file against a draw record.

    Returns the checked rows and the warnings; raises `InputError` carrying every diagnostic (errors and
    warnings, sorted by row and column) when any row has an error. Without `publication_date` the results
    are dated with the latest 检查日期 in the file.
    """
    file = str(path)
    table, read_diagnostics = read_table(Path(path), encoding, SHEET_NAMES)
    if table is None:
        raise InputError(read_diagnostics)
    if not table.header:
        raise InputError([*read_diagnostics,
                          error(SSJ413, "结果表为空 (the results file is empty)", file, cell_span(1, 1),
                                hint="第一行为表头：统一社会信用代码,任务序号,检查日期,检查结果,处理情况/备注")])
    columns, problems = _header_map(table.header, table.header_row, file)
    if problems:
        raise InputError([*read_diagnostics, *problems])
    sheet = _Sheet(file, columns)
    diagnostics = sheet.diagnostics
    diagnostics.extend(read_diagnostics)  # warnings of the reading (SSJ258 formula cells without values)

    visits = _visit_index(record)
    subjects: dict[str, dict] = record["subjects"]
    task_names = {int(t["no"]): t["name"] for t in record["tasks"]}
    drawn_tasks: dict[str, list[int]] = {}
    for subject, task_no in sorted(visits):
        drawn_tasks.setdefault(subject, []).append(task_no)

    parsed: list[tuple[int, str, int, date, str, str]] = []
    first_row: dict[tuple[str, int], int] = {}
    for row_no, raw in table.rows:
        if not any(raw):
            continue
        subject = canonical_id(sheet.cell(raw, "id"))
        task_text = sheet.cell(raw, "task")
        date_text = sheet.cell(raw, "date")
        category = sheet.cell(raw, "result")
        note = sheet.cell(raw, "note")
        row_ok = True
        for key, value in (("id", subject), ("task", task_text), ("date", date_text), ("result", category)):
            if not value:
                sheet.error(SSJ414, f"「{COLUMNS[key][0]}」为空 (empty {key})", row_no, key,
                            f"填写「{COLUMNS[key][0]}」，或删除这一行")
                row_ok = False
        row_ok = _check_subject(sheet, row_no, subject, subjects) and row_ok
        task_no, task_ok = _check_task(sheet, row_no, subject, task_text, subjects, task_names, visits,
                                       drawn_tasks)
        row_ok = row_ok and task_ok
        inspected = parse_date(date_text) if date_text else None
        if date_text and inspected is None:
            sheet.error(SSJ406, f"检查日期「{date_text}」不是有效日期 (not a date)", row_no, "date",
                        "日期写作 2024-03-05 或 2024年3月5日")
            row_ok = False
        elif inspected is not None and not in_date_range(inspected):
            sheet.error(SSJ415, f"检查日期 {inspected.isoformat()} 不在 {FIRST_YEAR}—{LAST_YEAR} 年之间 "
                        f"(date out of range)", row_no, "date", "核对年份：检查日期应在本次抽查的年度内")
            inspected, row_ok = None, False
        if category and category not in RESULT_CATEGORIES:
            close = difflib.get_close_matches(category, RESULT_CATEGORIES, n=1, cutoff=0.4)
            hint = f"是否应为「{close[0]}」？" if close else "填写以下之一：" + "；".join(RESULT_CATEGORIES)
            sheet.error(SSJ405, f"检查结果「{category}」不是标准的抽查结果类型 "
                        f"(not a standard result category)", row_no, "result", hint)
            row_ok = False
        name = sheet.cell(raw, "name")
        if name and subject in subjects and name != subjects[subject]["name"]:
            recorded = subjects[subject]["name"]
            sheet.warning(SSJ411, f"名称「{name}」与抽查记录中 {subject} 的名称「{recorded}」不一致 "
                          f"(name differs from the record)", row_no, "name",
                          "公示使用抽查记录中的名称；请核对统一社会信用代码")
        if task_no is not None and subject:
            key = (subject, task_no)
            if key in first_row:
                sheet.error(SSJ407, f"{subject} 在任务{task_no}中已有一条结果 "
                            f"(a second result for the same subject and task)", row_no, "id",
                            "每个检查对象每个任务只保留一行；删除或合并另一行",
                            related=(Related("第一条结果在此 (the first result is here)",
                                             cell_span(first_row[key], sheet.col("id")), file),))
                row_ok = False
            else:
                first_row[key] = row_no
        if row_ok and task_no is not None and inspected is not None:
            parsed.append((row_no, subject, task_no, inspected, category, note))

    published = publication_date or max((p[3] for p in parsed), default=None)
    rows: list[ResultRow] = []
    for row_no, subject, task_no, inspected, category, note in parsed:
        visit = visits[(subject, task_no)]
        scheduled = date.fromisoformat(visit["date"])
        deadline = date.fromisoformat(visit["publish_by"])
        if inspected > scheduled:
            deadline = max(deadline, add_workdays(inspected, PUBLISH_WITHIN_WORKDAYS))
        start, end = date.fromisoformat(visit["window"]["start"]), date.fromisoformat(visit["window"]["end"])
        if not start <= inspected <= end:
            sheet.warning(SSJ410, f"检查日期 {inspected.isoformat()} 不在 {visit['visit']}"
                          f"（任务{task_no}）的检查时间 {start.isoformat()}—{end.isoformat()} 内 "
                          f"(outside the visit window)",
                          row_no, "date", "核对日期；在计划时间之外的检查应在「处理情况/备注」中说明原因")
        if published is not None and inspected > published:
            sheet.error(SSJ409, f"检查日期 {inspected.isoformat()} 晚于公示日期 {published.isoformat()} "
                        f"(inspection after the publication date)", row_no, "date",
                        "结果只能在检查之后公示：更正检查日期，或用 --date 指定更晚的公示日期")
            continue
        if published is not None and published > deadline:
            late = (published - deadline).days
            sheet.warning(SSJ408, f"公示日期 {published.isoformat()} 晚于公示截止日 {deadline.isoformat()} "
                          f"{late} 天（{visit['visit']} 检查后 {PUBLISH_WITHIN_WORKDAYS} 个工作日内应公示） "
                          f"(published after the deadline)", row_no, "date",
                          "立即公示逾期的结果，并在「处理情况/备注」中说明原因"
                          "（企业信息公示暂行条例 第六条）")
        rows.append(ResultRow(row_no, subject, task_no, inspected, category, note, visit["visit"], deadline))

    if published is not None:
        reported = {(r.subject, r.task) for r in rows} | set(first_row)
        for (subject, task_no), visit in sorted(visits.items()):
            if (subject, task_no) in reported:
                continue
            if date.fromisoformat(visit["publish_by"]) < published:
                diagnostics.append(warning(
                    SSJ412, f"缺少 {subject}（{subjects[subject]['name']}）在任务{task_no}中的结果："
                    f"{visit['visit']} 应于 {visit['publish_by']} 前公示 (overdue result missing)", file,
                    hint="检查完成后补上这一行；逾期的结果仍须公示"))

    if has_errors(diagnostics):
        raise InputError(diagnostics)
    if published is None:
        no_rows = error(SSJ413, "结果表没有数据行 (no data rows)", file, cell_span(1, 1),
                        hint="在表头下为每个检查对象的每个任务写一行结果")
        raise InputError([*diagnostics, no_rows])
    return ResultSet(file, tuple(rows), published), diagnostics
