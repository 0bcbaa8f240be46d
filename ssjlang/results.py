"""Inspection results intake (抽查结果) for the 抽查结果公示.

Offices keep results in a spreadsheet: one row per (subject, task) with 统一社会信用代码, 任务序号, 检查日期,
检查结果 (one of the ten standard categories, exactly) and 处理情况/备注. This module reads it
(CSV in UTF-8 or GB18030, or XLSX), checks every row against the draw record and reports every
problem in one run as SSJ4xx diagnostics at file:row:column, so an officer fixes the sheet at once.

Lateness: results must be public within 20 working days (企业信息公示暂行条例 第六条). A row published
after its deadline is a *warning*, not an error: refusing to publish would only make it later still.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, InputError, Related, cell_span, error, has_errors, warning
from .workdays import add_workdays

SSJ401 = "SSJ401"  # results file cannot be read (encoding, format)
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


def canonical_cell(value: Any) -> str:
    """NFC, runs of TAB/CR/LF → one space, stripped (U+3000 too) — the same rule as the registry."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"[\t\r\n]+", " ", text).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> date | None:
    """Dates as offices type them: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = canonical_cell(value)
    text = re.sub(r"\s+00:00(:00)?$", "", text)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


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


def _read_table(path: Path, encoding: str | None) -> tuple[list[list[Any]], list[Diagnostic]]:
    """Rows of cells from CSV or XLSX; a diagnostic instead of an exception for unreadable files."""
    name = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl

            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            return [], [
                error(
                    SSJ401,
                    f"cannot read the workbook: {exc}",
                    name,
                    hint="save the results as .xlsx (Excel 2007+) or as CSV in UTF-8",
                )
            ]
        try:
            sheet = workbook.worksheets[0]
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
        return rows, []
    data = path.read_bytes()
    encodings = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    for enc in encodings:
        try:
            text = data.decode(enc)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    else:
        tried = ", ".join(encodings)
        return [], [
            error(
                SSJ401,
                f"cannot decode the file as {tried}",
                name,
                hint="save it as CSV UTF-8 (Excel: 另存为 → CSV UTF-8) or pass --encoding",
            )
        ]
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)], []


def _header_map(header: list[Any], file: str) -> tuple[dict[str, int], list[Diagnostic]]:
    """Column key → 0-based index, and a diagnostic for every required column that is missing."""
    found: dict[str, int] = {}
    names = [canonical_cell(h) for h in header]
    for key, spellings in COLUMNS.items():
        lowered = {s.lower() for s in spellings}
        for index, cell in enumerate(names):
            if cell.lower() in lowered and key not in found:
                found[key] = index
    diagnostics = []
    for key in REQUIRED:
        if key not in found:
            want = COLUMNS[key][0]
            diagnostics.append(
                error(
                    SSJ402,
                    f"the results file has no column {want}",
                    file,
                    cell_span(1, 1),
                    hint=f"add a column headed {want}; the header row must hold "
                    + ", ".join(COLUMNS[k][0] for k in REQUIRED)
                    + " and optionally 处理情况/备注",
                )
            )
    return found, diagnostics


def _visit_index(record: dict) -> dict[tuple[str, int], dict]:
    """(subject id, task no) → the visit that inspects it."""
    index: dict[tuple[str, int], dict] = {}
    for visit in record["visits"]:
        for task in visit["tasks"]:
            index[(visit["subject"], int(task["no"]))] = visit
    return index


def load_results(
    path: Path, record: dict, publication_date: date | None = None, encoding: str | None = None
) -> tuple[ResultSet, list[Diagnostic]]:
    """Read and check a results file against a draw record.

    Returns the checked rows and the warnings; raises `InputError` carrying every diagnostic (errors and
    warnings, sorted by row and column) when any row has an error. Without `publication_date` the results
    are dated with the latest 检查日期 in the file.
    """
    file = str(path)
    table, diagnostics = _read_table(path, encoding)
    if diagnostics:
        raise InputError(diagnostics)
    if not table or not any(canonical_cell(c) for c in table[0]):
        raise InputError(
            [
                error(
                    SSJ413,
                    "the results file is empty",
                    file,
                    cell_span(1, 1),
                    hint="the first row is the header: 统一社会信用代码, 任务序号, 检查日期, 检查结果, "
                    "处理情况/备注",
                )
            ]
        )
    columns, diagnostics = _header_map(table[0], file)
    if diagnostics:
        raise InputError(diagnostics)

    visits = _visit_index(record)
    subjects: dict[str, dict] = record["subjects"]
    task_names = {int(t["no"]): t["name"] for t in record["tasks"]}
    drawn_tasks: dict[str, list[int]] = {}
    for subject, task_no in sorted(visits):
        drawn_tasks.setdefault(subject, []).append(task_no)

    def col(key: str) -> int:
        return columns[key] + 1

    def cell(raw: list[Any], key: str) -> Any:
        index = columns.get(key)
        return raw[index] if index is not None and index < len(raw) else None

    parsed: list[tuple[int, str, int, date, str, str]] = []
    first_row: dict[tuple[str, int], int] = {}
    for row_no, raw in enumerate(table[1:], start=2):
        if not any(canonical_cell(c) for c in raw):
            continue
        row_ok = True
        subject = canonical_cell(cell(raw, "id")).upper()
        task_text = canonical_cell(cell(raw, "task"))
        date_raw = cell(raw, "date")
        category = canonical_cell(cell(raw, "result"))
        note = canonical_cell(cell(raw, "note"))
        for key, value in (
            ("id", subject),
            ("task", task_text),
            ("date", canonical_cell(date_raw)),
            ("result", category),
        ):
            if not value:
                diagnostics.append(
                    error(
                        SSJ414,
                        f"{COLUMNS[key][0]} is empty",
                        file,
                        cell_span(row_no, col(key)),
                        hint=f"fill in {COLUMNS[key][0]} or delete the row",
                    )
                )
                row_ok = False
        if subject and subject not in subjects:
            close = similar_ids(subject, subjects)
            hint = (
                "did you mean " + " or ".join(f"{c} ({subjects[c]['name']})" for c in close) + "?"
                if close
                else "only subjects drawn in this record can have results; check the code against 抽查名单"
            )
            diagnostics.append(
                error(
                    SSJ403,
                    f"subject {subject} was not drawn in this record",
                    file,
                    cell_span(row_no, col("id")),
                    hint=hint,
                )
            )
            row_ok = False
        task_no: int | None = None
        if task_text:
            m = re.fullmatch(r"0*(\d+)(\.0+)?", task_text)
            if m is None:
                diagnostics.append(
                    error(
                        SSJ404,
                        f"任务序号 {task_text!r} is not a task number",
                        file,
                        cell_span(row_no, col("task")),
                        hint="write the task's 序号 from the plan table, e.g. 4",
                    )
                )
                row_ok = False
            else:
                task_no = int(m.group(1))
                if task_no not in task_names:
                    diagnostics.append(
                        error(
                            SSJ404,
                            f"the plan has no task {task_no}",
                            file,
                            cell_span(row_no, col("task")),
                            hint="tasks in this record: " + ", ".join(map(str, sorted(task_names))),
                        )
                    )
                    row_ok = False
                elif subject in subjects and (subject, task_no) not in visits:
                    drawn = "、".join(f"任务{n}" for n in drawn_tasks.get(subject, [])) or "no task"
                    diagnostics.append(
                        error(
                            SSJ404,
                            f"subject {subject} was not drawn by task {task_no} (drawn by {drawn})",
                            file,
                            cell_span(row_no, col("task")),
                            hint="correct the 任务序号 or the 统一社会信用代码",
                        )
                    )
                    row_ok = False
        inspected = parse_date(date_raw) if canonical_cell(date_raw) else None
        if canonical_cell(date_raw) and inspected is None:
            diagnostics.append(
                error(
                    SSJ406,
                    f"检查日期 {canonical_cell(date_raw)!r} is not a date",
                    file,
                    cell_span(row_no, col("date")),
                    hint="write dates as 2024-03-05 or 2024年3月5日",
                )
            )
            row_ok = False
        if category and category not in RESULT_CATEGORIES:
            close = difflib.get_close_matches(category, RESULT_CATEGORIES, n=1, cutoff=0.4)
            hint = f"did you mean {close[0]}?" if close else "use one of: " + "；".join(RESULT_CATEGORIES)
            diagnostics.append(
                error(
                    SSJ405,
                    f"检查结果 {category!r} is not a standard result category",
                    file,
                    cell_span(row_no, col("result")),
                    hint=hint,
                )
            )
            row_ok = False
        name = canonical_cell(cell(raw, "name"))
        if name and subject in subjects and name != subjects[subject]["name"]:
            diagnostics.append(
                warning(
                    SSJ411,
                    f"名称 {name!r} differs from the record's {subjects[subject]['name']!r} for {subject}",
                    file,
                    cell_span(row_no, col("name")),
                    hint="the publication uses the record's name; check the code",
                )
            )
        if task_no is not None and subject:
            key = (subject, task_no)
            if key in first_row:
                diagnostics.append(
                    error(
                        SSJ407,
                        f"a second result for {subject} in task {task_no}",
                        file,
                        cell_span(row_no, col("id")),
                        hint="keep one row per subject and task; delete or merge the other",
                        related=(
                            Related("the first result is here", cell_span(first_row[key], col("id")), file),
                        ),
                    )
                )
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
            diagnostics.append(
                warning(
                    SSJ410,
                    f"检查日期 {inspected.isoformat()} is outside the window {start.isoformat()}–"
                    f"{end.isoformat()} of {visit['visit']} (task {task_no})",
                    file,
                    cell_span(row_no, col("date")),
                    hint="check the date; an inspection outside the plan's window "
                    "should be explained in 处理情况/备注",
                )
            )
        if published is not None and inspected > published:
            diagnostics.append(
                error(
                    SSJ409,
                    f"检查日期 {inspected.isoformat()} is after the publication date {published.isoformat()}",
                    file,
                    cell_span(row_no, col("date")),
                    hint="a result can only be published after the inspection: "
                    "fix the date or pass a later --date",
                )
            )
            continue
        if published is not None and published > deadline:
            late = (published - deadline).days
            diagnostics.append(
                warning(
                    SSJ408,
                    f"published {published.isoformat()}, {late} day(s) after the deadline "
                    f"{deadline.isoformat()} "
                    f"({PUBLISH_WITHIN_WORKDAYS} working days after the inspection of {visit['visit']})",
                    file,
                    cell_span(row_no, col("date")),
                    hint="publish late results at once and record the reason in 处理情况/备注 "
                    "(企业信息公示暂行条例 第六条)",
                )
            )
        rows.append(ResultRow(row_no, subject, task_no, inspected, category, note, visit["visit"], deadline))

    if published is not None:
        reported = {(r.subject, r.task) for r in rows} | set(first_row)
        for (subject, task_no), visit in sorted(visits.items()):
            if (subject, task_no) in reported:
                continue
            if date.fromisoformat(visit["publish_by"]) < published:
                diagnostics.append(
                    warning(
                        SSJ412,
                        f"no result for {subject} ({subjects[subject]['name']}) in task {task_no}: "
                        f"{visit['visit']} was due for publication by {visit['publish_by']}",
                        file,
                        hint="add the row when the inspection is done; "
                        "an overdue result must still be published",
                    )
                )

    if has_errors(diagnostics):
        raise InputError(diagnostics)
    if published is None:
        raise InputError(
            [
                *diagnostics,
                error(
                    SSJ413,
                    "the results file has no data rows",
                    file,
                    cell_span(1, 1),
                    hint="add one row per inspected subject and task below the header",
                ),
            ]
        )
    return ResultSet(file, tuple(rows), published), diagnostics
