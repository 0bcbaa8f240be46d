"""Inspection results intake (抽查结果) for the 抽查结果公示 of each department.

Offices keep results in a spreadsheet, as inspectors record them on the 检查情况记录表: per subject and task
the 检查日期, one or several 检查结果 categories (the ten standard categories, exactly, separated by ；),
and — when the sheet has a 检查事项 column, one row per item — each item's outcome and 检查方式, the 后续处置
taken (standard choices or 其他：…) with the date it was completed (完成日期), and 处理情况/备注.
`ssj compile` writes an XLSX entry template per department (结果录入/) whose rows are exactly the items
that department checks; a filled template (or several: `--results` may be repeated) is read back here.
Rows whose entry cells are all blank (a template row not yet filled) are skipped.

Every file is read with the registry's table reader (`registry.read_table`: CSV in UTF-8, GB18030 or
UTF-16, or XLSX; a file that is no readable table gets the intake's SSJ201–SSJ203/SSJ216), checked against
the draw record, and every problem is reported in one run as SSJ4xx diagnostics at file:row:column, so an
officer fixes the sheet at once. Dates are read by `canonical.parse_date`, the same reader as the registry's.

Lateness: results must be public within 20 working days (企业信息公示暂行条例 第六条). A result published
after its deadline is a *warning*, not an error: refusing to publish would only make it later still.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..canonical import FIRST_YEAR, LAST_YEAR, canonical_id, canonical_text, in_date_range, parse_date
from ..diagnostics import Diagnostic, InputError, Related, cell_span, error, has_errors, warning
from ..interpret.registry import read_table
from ..interpret.workdays import add_workdays

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
SSJ416 = "SSJ416"  # 未发现问题 together with a finding in one cell
SSJ417 = "SSJ417"  # 检查事项 is not an item of that task for that subject
SSJ418 = "SSJ418"  # dates that cannot be: one subject and task on different dates, completed before inspected
SSJ419 = "SSJ419"  # 检查方式 or 后续处置 is not a standard choice

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


#: The category that says nothing was found; it cannot stand beside a finding in one cell.
NO_FINDING = RESULT_CATEGORIES[0]

#: 检查方式 an inspector may record (the plan's own 方式 are accepted too, and 其他：… in the officer's
#: words).
METHODS: tuple[str, ...] = (
    "现场检查", "书面检查", "网络监测", "抽样检测", "委托专业机构检查", "远程视频检查",
)

#: 后续处置: the standard choices of the 检查情况记录表; 其他 takes the officer's words (其他：…).
DISPOSALS: tuple[str, ...] = (
    "无需后续处置",
    "当场整改",
    "责令限期改正",
    "立案调查",
    "移送有关部门处理",
    "列入经营异常名录",
    "其他",
)

#: Working days between the inspection and the publication deadline.
PUBLISH_WITHIN_WORKDAYS = 20

#: Column → accepted header spellings (canonical Chinese first, then English); the first spelling a header
#: has wins, so a sheet with both 序号 and 任务序号 reads the task from 任务序号.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("统一社会信用代码", "id", "uscc"),
    "task": ("任务序号", "task", "序号"),
    "item": ("检查事项", "事项", "item"),
    "methods": ("检查方式", "method", "methods"),
    "date": ("检查日期", "date"),
    "result": ("检查结果", "result"),
    "disposal": ("后续处置", "处置", "disposal"),
    "completed": ("完成日期", "处置完成日期", "completed"),
    "note": ("处理情况/备注", "处理情况", "备注", "note"),
    "name": ("名称", "name"),
}
REQUIRED: tuple[str, ...] = ("id", "task", "date", "result")
ENTRY: tuple[str, ...] = ("methods", "date", "result", "disposal", "completed", "note")
"""The cells an inspector fills; a row with all of them blank is a template row not yet entered."""

#: Sheet names a results workbook may use; otherwise its first sheet is read.
SHEET_NAMES: tuple[str, ...] = ("结果录入", "抽查结果", "检查结果", "结果", "results")

_SPLIT = re.compile(r"\s*[；;\n]\s*")
_SPLIT_METHODS = re.compile(r"\s*[；;、，,\n]\s*")


@dataclass(frozen=True)
class ItemResult:
    """One check item's result: its outcome (standard categories), methods, 后续处置, 完成日期, note."""

    item: str
    outcome: tuple[str, ...]
    methods: tuple[str, ...]
    disposal: tuple[str, ...]
    completed: date | None
    note: str
    row: int


@dataclass(frozen=True)
class ResultRow:
    """One subject's result in one task (all its rows together); `row` is the first row's number (header =
    1) in `file`; `task` is the record's task number (an int, or a code such as SJ-2023-01)."""

    row: int
    subject: str
    task: int | str
    date: date
    categories: tuple[str, ...]
    note: str
    visit: str
    deadline: date
    items: tuple[ItemResult, ...] = ()
    methods: tuple[str, ...] = ()
    disposal: tuple[str, ...] = ()
    completed: date | None = None
    file: str = ""

    @property
    def category(self) -> str:
        """The categories as one cell: `未按规定公示应当公示的信息；发现问题已责令改正`."""
        return "；".join(self.categories)


@dataclass(frozen=True)
class ResultSet:
    """The checked results files, rows in file order, and the date they are published (成文日期)."""

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


def task_key(no: object) -> str:
    """A task number as results key it: `4` (also for 04 or 4.0), or a code such as SJ-2023-01."""
    text = canonical_text(str(no))
    m = re.fullmatch(r"0*(\d+)(\.0+)?", text)
    return str(int(m.group(1))) if m else text


class _Sheet:
    """One results file being checked: its columns, and diagnostics addressed to a row and a column key."""

    def __init__(self, file: str, columns: dict[str, int], diagnostics: list[Diagnostic]) -> None:
        self.file = file
        self.columns = columns
        self.diagnostics = diagnostics

    def col(self, key: str) -> int:
        """1-based column number of a column key (the first column when the key is absent)."""
        return self.columns[key] + 1 if key in self.columns else 1

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
    """Column key → 0-based index (the first listed spelling present wins), and a diagnostic for every
    required column that is missing."""
    found: dict[str, int] = {}
    lowered = [cell.lower() for cell in header]
    taken: set[int] = set()
    for key, spellings in COLUMNS.items():
        for spelling in spellings:
            index = next((i for i, cell in enumerate(lowered)
                          if cell == spelling.lower() and i not in taken), None)
            if index is not None:
                found[key] = index
                taken.add(index)
                break
    required = "、".join(COLUMNS[k][0] for k in REQUIRED)
    diagnostics = [
        error(SSJ402, f"结果表缺少「{COLUMNS[key][0]}」列 (no {key} column)", file, cell_span(header_row, 1),
              hint=f"表头中加入「{COLUMNS[key][0]}」列；表头须有 {required}，"
                   "可选 检查事项、检查方式、后续处置、完成日期、处理情况/备注")
        for key in REQUIRED
        if key not in found
    ]
    return found, diagnostics


def _visit_index(record: dict) -> dict[tuple[str, str], dict]:
    """(subject id, task key) → the visit that inspects it."""
    index: dict[tuple[str, str], dict] = {}
    for visit in record["visits"]:
        for task in visit["tasks"]:
            index[(visit["subject"], task_key(task["no"]))] = visit
    return index


def visit_items(visit: dict, key: str) -> list[str]:
    """The check items a visit lists for one task (in the visit's order)."""
    return [item["item"] for item in visit["items"] if task_key(item["task"]) == key]


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
                task_numbers: dict[str, int | str], visits: dict[tuple[str, str], dict],
                drawn_tasks: dict[str, list[str]]) -> tuple[str | None, bool]:
    """The task key of a row and whether it is usable (SSJ404 when it is not a drawn task)."""
    if not task_text:
        return None, True
    key = task_key(task_text)
    if key not in task_numbers:
        known = "、".join(sorted(task_numbers,
                                 key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k)))
        if key.isdigit():
            sheet.error(SSJ404, f"计划中没有任务{key} (no such task)", row, "task",
                        "本记录中的任务序号：" + known)
        else:
            sheet.error(SSJ404, f"任务序号「{task_text}」不是本记录中的任务编号 (not a task number)", row,
                        "task", "填写计划表中该任务的序号，本记录中的任务序号：" + known)
        return None, False
    if subject in subjects and (subject, key) not in visits:
        drawn = "、".join(f"任务{n}" for n in drawn_tasks.get(subject, [])) or "无"
        sheet.error(SSJ404, f"{subject} 未被任务{key}抽中，抽中它的是{drawn} "
                    f"(not drawn by this task)", row, "task", "更正任务序号或统一社会信用代码")
        return key, False
    return key, True


def _categories(sheet: _Sheet, row: int, text: str) -> tuple[tuple[str, ...], bool]:
    """The categories of a 检查结果 cell (several separated by ；), SSJ405/SSJ416 for bad ones."""
    found: list[str] = []
    ok = True
    for part in (p for p in _SPLIT.split(text) if p):
        if part not in RESULT_CATEGORIES:
            close = difflib.get_close_matches(part, RESULT_CATEGORIES, n=1, cutoff=0.4)
            hint = (f"是否应为「{close[0]}」？" if close
                    else "填写以下之一（多项用；隔开）：" + "；".join(RESULT_CATEGORIES))
            sheet.error(SSJ405, f"检查结果「{part}」不是标准的抽查结果类型 "
                        f"(not a standard result category)", row, "result", hint)
            ok = False
        elif part not in found:
            found.append(part)
    if NO_FINDING in found and len(found) > 1:
        others = "；".join(c for c in found if c != NO_FINDING)
        sheet.error(SSJ416, f"「{NO_FINDING}」与「{others}」同时出现 (no finding together with a finding)",
                    row, "result", f"发现问题时删去「{NO_FINDING}」；未发现问题时只写「{NO_FINDING}」")
        ok = False
    return tuple(found), ok


def _methods(sheet: _Sheet, row: int, text: str, known: frozenset[str]) -> tuple[tuple[str, ...], bool]:
    """The 检查方式 of a cell (、-separated): standard methods, the plan's own, or 其他：…."""
    found: list[str] = []
    ok = True
    for part in (p for p in _SPLIT_METHODS.split(text) if p):
        if part in known or part.startswith("其他"):
            if part not in found:
                found.append(part)
            continue
        close = difflib.get_close_matches(part, sorted(known), n=1, cutoff=0.5)
        listed = "填写以下之一（多项用、隔开）：" + "、".join(sorted(known))
        hint = (f"是否应为「{close[0]}」？" if close else listed) + "；其他方式写作「其他：……」"
        sheet.error(SSJ419, f"检查方式「{part}」不是已知的检查方式 (unknown inspection method)", row,
                    "methods", hint)
        ok = False
    return tuple(found), ok


def _disposal(sheet: _Sheet, row: int, text: str) -> tuple[tuple[str, ...], bool]:
    """The 后续处置 of a cell (several separated by ；): the standard choices, or 其他：… in words."""
    found: list[str] = []
    ok = True
    for part in (p for p in _SPLIT.split(text) if p):
        if part in DISPOSALS[:-1] or re.match(r"其他[:：]?\S", part):
            if part not in found:
                found.append(re.sub(r"^其他[:：]?", "其他：", part) if part.startswith("其他") else part)
            continue
        close = difflib.get_close_matches(part, DISPOSALS[:-1], n=1, cutoff=0.4)
        listed = "填写以下之一（多项用；隔开）：" + "；".join(DISPOSALS[:-1])
        hint = (f"是否应为「{close[0]}」？" if close else listed) + "；其他处置写作「其他：……」并写明做法"
        sheet.error(SSJ419, f"后续处置「{part}」不是标准的处置方式 (not a standard follow-up)", row,
                    "disposal", hint)
        ok = False
    return tuple(found), ok


@dataclass
class _Entry:
    """One entered row, checked cell by cell."""

    sheet: _Sheet
    row: int
    subject: str
    key: str
    item: str
    methods: tuple[str, ...]
    date: date | None
    categories: tuple[str, ...]
    disposal: tuple[str, ...]
    completed: date | None
    note: str


@dataclass
class _Group:
    """The rows of one subject in one task (across files)."""

    entries: list[_Entry] = field(default_factory=list)


def _read_file(path: Path, encoding: str | None, diagnostics: list[Diagnostic], record: dict,
               methods: frozenset[str], groups: dict[tuple[str, str], _Group],
               context: dict[str, Any]) -> None:
    """Check every row of one results file; entered rows are added to their (subject, task) group."""
    file = str(path)
    table, read_diagnostics = read_table(Path(path), encoding, SHEET_NAMES)
    if table is None:
        diagnostics.extend(read_diagnostics)
        return
    if not table.header:
        diagnostics.extend([*read_diagnostics,
                            error(SSJ413, "结果表为空 (the results file is empty)", file, cell_span(1, 1),
                                  hint="第一行为表头：统一社会信用代码,任务序号,检查日期,检查结果,处理情况/备注")])
        return
    columns, problems = _header_map(table.header, table.header_row, file)
    if problems:
        diagnostics.extend([*read_diagnostics, *problems])
        return
    sheet = _Sheet(file, columns, diagnostics)
    diagnostics.extend(read_diagnostics)  # warnings of the reading (SSJ258 formula cells without values)
    subjects: dict[str, dict] = record["subjects"]
    visits = context["visits"]
    context["files"] += 1
    for row_no, raw in table.rows:
        if not any(raw) or not any(sheet.cell(raw, key) for key in ENTRY):
            continue
        context["rows"] += 1
        subject = canonical_id(sheet.cell(raw, "id"))
        task_text = sheet.cell(raw, "task")
        date_text = sheet.cell(raw, "date")
        row_ok = True
        for key, value in (("id", subject), ("task", task_text), ("result", sheet.cell(raw, "result"))):
            if not value:
                sheet.error(SSJ414, f"「{COLUMNS[key][0]}」为空 (empty {key})", row_no, key,
                            f"填写「{COLUMNS[key][0]}」，或删除这一行")
                row_ok = False
        if not date_text and not sheet.cell(raw, "item"):
            sheet.error(SSJ414, "「检查日期」为空 (empty date)", row_no, "date",
                        "填写「检查日期」，或删除这一行")
            row_ok = False
        row_ok = _check_subject(sheet, row_no, subject, subjects) and row_ok
        key, task_ok = _check_task(sheet, row_no, subject, task_text, subjects, context["tasks"], visits,
                                   context["drawn"])
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
        categories, ok = _categories(sheet, row_no, sheet.cell(raw, "result"))
        row_ok = row_ok and ok
        found_methods, ok = _methods(sheet, row_no, sheet.cell(raw, "methods"), methods)
        row_ok = row_ok and ok
        disposal, ok = _disposal(sheet, row_no, sheet.cell(raw, "disposal"))
        row_ok = row_ok and ok
        completed_text = sheet.cell(raw, "completed")
        completed = parse_date(completed_text) if completed_text else None
        if completed_text and completed is None:
            sheet.error(SSJ406, f"完成日期「{completed_text}」不是有效日期 (not a date)", row_no, "completed",
                        "日期写作 2024-03-05 或 2024年3月5日；处置尚未完成时留空")
            row_ok = False
        elif completed is not None and not in_date_range(completed):
            sheet.error(SSJ415, f"完成日期 {completed.isoformat()} 不在 {FIRST_YEAR}—{LAST_YEAR} 年之间 "
                        f"(date out of range)", row_no, "completed", "核对年份")
            completed = None
            row_ok = False
        item = sheet.cell(raw, "item")
        if item and key is not None and (subject, key) in visits:
            listed = visit_items(visits[(subject, key)], key)
            if item not in listed:
                close = difflib.get_close_matches(item, listed, n=1, cutoff=0.5)
                hint = f"是否应为「{close[0]}」？" if close else "本次检查的事项：" + "；".join(listed)
                sheet.error(SSJ417, f"「{item}」不是{visits[(subject, key)]['visit']}中任务{key}的检查事项 "
                            f"(not an item of this task for this subject)", row_no, "item", hint)
                row_ok = False
        name = sheet.cell(raw, "name")
        if name and subject in subjects and name != subjects[subject]["name"]:
            recorded = subjects[subject]["name"]
            sheet.warning(SSJ411, f"名称「{name}」与抽查记录中 {subject} 的名称「{recorded}」不一致 "
                          f"(name differs from the record)", row_no, "name",
                          "公示使用抽查记录中的名称；请核对统一社会信用代码")
        if key is None or not subject:
            continue
        group = groups.setdefault((subject, key), _Group())
        twin = next((e for e in group.entries if e.item == item), None)
        if twin is not None:
            what = f"事项「{item}」" if item else "一条结果"
            sheet.error(SSJ407, f"{subject} 在任务{key}中已有{what} "
                        f"(a second result for the same subject, task and item)", row_no, "id",
                        "每个检查对象每个任务（每个检查事项）只保留一行；删除或合并另一行",
                        related=(Related("第一条结果在此 (the first result is here)",
                                         cell_span(twin.row, twin.sheet.col("id")), twin.sheet.file),))
            continue
        if inspected is not None and completed is not None and completed < inspected:
            sheet.error(SSJ418, f"完成日期 {completed.isoformat()} 早于检查日期 {inspected.isoformat()} "
                        f"(follow-up completed before the inspection)", row_no, "completed",
                        "核对完成日期：后续处置只能在检查之后完成")
            row_ok = False
        if row_ok:
            group.entries.append(_Entry(sheet, row_no, subject, key, item, found_methods, inspected,
                                        categories, disposal, completed, sheet.cell(raw, "note")))
        else:
            group.entries.append(_Entry(sheet, row_no, subject, key, item, (), None, (), (), None, ""))
            context["bad"].add((subject, key))


def _ordered(values: list[str], order: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Distinct values, in `order` first (standard categories), then in order of appearance."""
    distinct = list(dict.fromkeys(values))
    ranked = [v for v in order if v in distinct]
    return (*ranked, *(v for v in distinct if v not in ranked))


def load_results(
    paths: Path | list[Path] | tuple[Path, ...],
    record: dict,
    publication_date: date | None = None,
    encoding: str | None = None,
    plan: dict | None = None,
) -> tuple[ResultSet, list[Diagnostic]]:
    """Read and check one or several results files against a draw record.

    Returns the checked results (one per subject and task) and the warnings; raises `InputError` carrying
    every diagnostic (errors and warnings, sorted by file, row and column) when any row has an error.
    Without `publication_date` the results are dated with the latest 检查日期. `plan` (the plan as data)
    adds its declared 检查方式 to the methods a sheet may name.
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    methods = set(METHODS)
    for task in (plan or {}).get("tasks") or ():
        for unit in (task, *(task.get("parts") or ())):
            methods.update(unit.get("methods") or ())
            for item in unit.get("item_details") or ():
                methods.update(item.get("methods") or ())
    visits = _visit_index(record)
    drawn_tasks: dict[str, list[str]] = {}
    for subject, key in visits:
        drawn_tasks.setdefault(subject, []).append(key)
    context: dict[str, Any] = {
        "visits": visits, "drawn": drawn_tasks, "bad": set(), "rows": 0, "files": 0,
        "tasks": {task_key(t["no"]): t["no"] for t in record["tasks"]},
    }
    diagnostics: list[Diagnostic] = []
    groups: dict[tuple[str, str], _Group] = {}
    for path in files:
        _read_file(path, encoding, diagnostics, record, frozenset(methods), groups, context)
    if has_errors(diagnostics) and context["files"] < len(files):
        raise InputError(diagnostics)

    parsed: list[tuple[tuple[str, str], _Group, date]] = []
    for (subject, key), group in groups.items():
        if (subject, key) in context["bad"]:
            continue
        first = group.entries[0]
        dates = [e for e in group.entries if e.date is not None]
        if not dates:
            first.sheet.error(SSJ414, "「检查日期」为空 (empty date)", first.row, "date",
                              f"在{subject}任务{key}的至少一行中填写「检查日期」")
            continue
        differing = next((e for e in dates if e.date != dates[0].date), None)
        if differing is not None:
            first_date, other_date = dates[0].date, differing.date
            differing.sheet.error(SSJ418, f"{subject} 在任务{key}中的检查日期不一致：{first_date} 与 "
                                  f"{other_date} (rows of one subject and task disagree)",
                                  differing.row, "date", "同一检查对象同一任务只有一个检查日期；更正其中一行")
            continue
        parsed.append(((subject, key), group, dates[0].date))  # type: ignore[arg-type]

    published = publication_date or max((p[2] for p in parsed), default=None)
    rows: list[ResultRow] = []
    subjects: dict[str, dict] = record["subjects"]
    for (subject, key), group, inspected in parsed:
        first = group.entries[0]
        sheet = first.sheet
        visit = visits[(subject, key)]
        scheduled = date.fromisoformat(visit["date"])
        deadline = date.fromisoformat(visit["publish_by"])
        if inspected > scheduled:
            deadline = max(deadline, add_workdays(inspected, PUBLISH_WITHIN_WORKDAYS))
        start, end = date.fromisoformat(visit["window"]["start"]), date.fromisoformat(visit["window"]["end"])
        if not start <= inspected <= end:
            sheet.warning(SSJ410, f"检查日期 {inspected.isoformat()} 不在 {visit['visit']}"
                          f"（任务{key}）的检查时间 {start.isoformat()}—{end.isoformat()} 内 "
                          f"(outside the visit window)",
                          first.row, "date", "核对日期；在计划时间之外的检查应在「处理情况/备注」中说明原因")
        if published is not None and inspected > published:
            sheet.error(SSJ409, f"检查日期 {inspected.isoformat()} 晚于公示日期 {published.isoformat()} "
                        f"(inspection after the publication date)", first.row, "date",
                        "结果只能在检查之后公示：更正检查日期，或用 --date 指定更晚的公示日期")
            continue
        if published is not None and published > deadline:
            late = (published - deadline).days
            sheet.warning(SSJ408, f"公示日期 {published.isoformat()} 晚于公示截止日 {deadline.isoformat()} "
                          f"{late} 天（{visit['visit']} 检查后 {PUBLISH_WITHIN_WORKDAYS} 个工作日内应公示） "
                          f"(published after the deadline)", first.row, "date",
                          "立即公示逾期的结果，并在「处理情况/备注」中说明原因"
                          "（企业信息公示暂行条例 第六条）")
        items = tuple(ItemResult(e.item, e.categories, e.methods, e.disposal, e.completed, e.note, e.row)
                      for e in group.entries if e.item)
        categories = _ordered([c for e in group.entries for c in e.categories], RESULT_CATEGORIES)
        if len(categories) > 1:
            categories = tuple(c for c in categories if c != NO_FINDING)
        completed = [e.completed for e in group.entries if e.completed is not None]
        rows.append(ResultRow(
            first.row, subject, context["tasks"][key], inspected, categories,
            "；".join(_ordered([e.note for e in group.entries if e.note])), visit["visit"], deadline,
            items, _ordered([m for e in group.entries for m in e.methods]),
            _ordered([d for e in group.entries for d in e.disposal]),
            max(completed) if completed else None, sheet.file))

    if published is not None:
        reported = set(groups)
        for (subject, key), visit in sorted(visits.items()):
            if date.fromisoformat(visit["publish_by"]) >= published:
                continue
            if (subject, key) not in reported:
                diagnostics.append(warning(
                    SSJ412, f"缺少 {subject}（{subjects[subject]['name']}）在任务{key}中的结果："
                    f"{visit['visit']} 应于 {visit['publish_by']} 前公示 (overdue result missing)",
                    str(files[0]), hint="检查完成后补上这一行；逾期的结果仍须公示"))
                continue
            entered = {e.item for e in groups[(subject, key)].entries}
            if "" in entered:
                continue
            for item in visit_items(visit, key):
                if item not in entered:
                    diagnostics.append(warning(
                        SSJ412, f"缺少 {subject}（{subjects[subject]['name']}）在任务{key}中"
                        f"检查事项「{item}」的结果：{visit['visit']} 应于 {visit['publish_by']} 前公示 "
                        f"(overdue result missing)",
                        str(files[0]), hint="检查该事项的部门补录这一事项的结果；逾期的结果仍须公示"))

    if has_errors(diagnostics):
        raise InputError(diagnostics)
    if published is None:
        no_rows = error(SSJ413, "结果表没有数据行 (no data rows)", str(files[0]), cell_span(1, 1),
                        hint="在表头下为每个检查对象的每个任务写一行结果")
        raise InputError([*diagnostics, no_rows])
    order = {str(path): n for n, path in enumerate(files)}
    rows.sort(key=lambda r: (order.get(r.file, 0), r.row))
    return ResultSet(str(files[0]), tuple(rows), published), diagnostics
