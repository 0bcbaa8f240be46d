"""From the rows of a plan table to a `.ssj` draft (计划草稿): the AST, its comments, the diagnostics.

Two passes. The first reads every row: rows sharing one 序号 (a merged cell, or the number written
again) become one task — its items, when only the items differ, else one 子项 per row holding what
differs — and each cell is read by `cells`; departments are collected in the order the table names
them, escalation texts become profiles. The second pass builds the `nodes.Plan` in the order
`ssjlang.language.formatter` writes it, giving every node a line of its own in a virtual source so that each
`# 待补充：…` comment lands just above the field it is about (the formatter places comments by
spans). The text is `formatter.format_plan`'s: the importer never lays out `.ssj` itself.

Rules that keep the draft honest: a cell is structured only when all of it reads back; otherwise its
text goes into the draft verbatim with `# 待补充：…` and a diagnostic at its row and column. No number,
selector or department is made up: a missing column leaves the field out (marked), an escalation text
gives a profile without levels (marked), and two spellings of what may be one department are both
declared, the alias proposed in a comment.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, cell_span, error
from ..language.nodes import (
    Base,
    Batch,
    Comment,
    Department,
    DrawWindow,
    Integer,
    Item,
    JointDraw,
    Name,
    Part,
    Plan,
    PlanHeader,
    Rate,
    RateSpec,
    RiskProfile,
    RiskRef,
    Rounds,
    Scope,
    Span,
    Task,
    TaskCode,
    Text,
    Unstated,
    Window,
)
from ..language.wording import rounds_text, window_text
from . import cells
from .headers import FIELD_LABELS, Header
from .tables import Cell, Grid

CELL_NOT_READ = "SSJ520"  # a cell kept verbatim: its text is not a form the importer reads
NOT_A_NAME = "SSJ521"  # a department or mode cell that is no usable name
ALIAS_PROPOSED = "SSJ522"  # two spellings that may be one department: an alias is proposed
LEVELS_TO_WRITE = "SSJ523"  # an escalation text without numbers: the profile's levels are left to a person
HEADER_TO_WRITE = "SSJ524"  # no plan year or title in the table or on the command line
BLANK_CELL = "SSJ525"  # a cell of a field every task needs is blank
NUMBER_REPEATED = "SSJ526"  # two separate row blocks with the same 序号
TASK_FIELD_MISSING = "SSJ527"  # a task lacks a required field its row does not give (频次 not in 比例)

PENDING = "待补充"
ORIGINAL = "原表"

ITEM_FIELDS = frozenset({"items", "basis", "code"})
"""Fields that belong to a row's items: rows differing only in these are one task with more items."""

_UNIT_FIELDS = ("group", "items", "category", "scope", "rate", "rounds", "risk", "window", "draw_window",
                "batches", "directed", "lead", "guide", "inspect", "assist", "assist_unstated", "modes",
                "methods", "materials", "remarks")
"""A unit's fields in the order `formatter` writes them (each gets its own line of the virtual source)."""


@dataclass
class ItemDraft:
    """One item as read: its text and what the table says of it (a 检查依据 column, the brackets and the
    依据 line `ssj compile` prints)."""

    text: str
    basis: str | None = None
    category: str | None = None
    scope: str | None = None
    inspect: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    code: str | None = None
    materials: list[str] = field(default_factory=list)


@dataclass
class Note:
    """A comment the draft carries above a field: `待补充` ones are what a person must finish."""

    text: str
    pending: bool = False


@dataclass
class UnitDraft:
    """What one task row (or 子项 row) says, read: field → value, and the notes above each field."""

    values: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, list[Note]] = field(default_factory=dict)

    def note(self, key: str, text: str, pending: bool = False) -> None:
        self.notes.setdefault(key, []).append(Note(text, pending))


@dataclass
class TaskDraft:
    """One task as read: its 序号 and name, the first row's number, its fields and sub-rows, the notes
    above it."""

    code: str
    name: str
    row: int
    main: UnitDraft
    parts: list[UnitDraft] = field(default_factory=list)
    head: list[Note] = field(default_factory=list)
    joint: list[str] = field(default_factory=list)  # the other tasks of its 合并抽取 (与任务2合并抽取)
    rate_cell: Cell | None = None


@dataclass
class Options:
    """What the command line adds: the plan year and region, the keyword language."""

    year: int | None = None
    region: str | None = None
    language: str = "zh"


@dataclass
class Draft:
    """The importer's result: the plan AST with its comments, the draft text, and the diagnostics."""

    plan: Plan
    comments: tuple[Comment, ...]
    text: str
    diagnostics: list[Diagnostic]


# ---------------------------------------------------------------- rows → blocks


@dataclass
class Row:
    """A data row of the table: its row number and its cells, one per column."""

    number: int
    cells: list[Cell]


def _blank(row: list[Cell]) -> bool:
    return not any(cell.text for cell in row)


def data_rows(grid: Grid, header: Header) -> list[Row]:
    """The rows below the header, without blank rows and repeats of the header (a page's heading)."""
    headings = [c.heading for c in header.columns]
    out = []
    for row in grid.rows[header.row:]:
        if _blank(row):
            continue
        if [cell.text for cell in row] == headings or all(c.origin[0] <= header.row for c in row):
            continue
        out.append(Row(row[0].row, row))
    return out


def _full_width_text(row: Row) -> str | None:
    """The text of a row that is one cell across the table (a section title or a note), else None."""
    origins = {cell.origin for cell in row.cells}
    texts = {cell.text for cell in row.cells if cell.text}
    if len(row.cells) > 1 and len(origins) == 1 and len(texts) == 1:
        return texts.pop()
    return None


# ---------------------------------------------------------------- the builder


class Builder:
    """Reads the data rows of one table into task drafts, then writes the AST (see the module doc)."""

    def __init__(self, grid: Grid, header: Header, options: Options) -> None:
        self.grid = grid
        self.header = header
        self.options = options
        self.file = grid.file
        self.diagnostics: list[Diagnostic] = []
        self.departments: dict[str, Cell] = {}
        self.profiles: dict[str, list[tuple[str, Cell]]] = {}  # key → [(text, cell)] in table order
        self.tasks: list[TaskDraft] = []
        self.plan_notes: list[Note] = []
        self.banners: list[str] = []  # the 注 rows across the table, as written
        self.column_of = header.by_field

    # -- diagnostics

    def pending(self, code: str, cell: Cell | None, message: str, hint: str) -> None:
        row, column = (cell.row, cell.column) if cell is not None else (self.header.row, 1)
        self.diagnostics.append(error(code, message, self.file, cell_span(row, column), hint))

    def label(self, key: str) -> str:
        return self.header.label(key)

    # -- pass 1

    def cell(self, row: Row, key: str) -> Cell | None:
        index = self.column_of.get(key)
        return row.cells[index] if index is not None else None

    def read(self, rows: list[Row]) -> None:
        group: str | None = None
        blocks: list[tuple[list[Row], str | None]] = []
        for row in rows:
            banner = _full_width_text(row)
            if banner is not None:
                if re.match(r"(注|备注|说明)[:：]?", banner):
                    self.plan_notes.append(Note(f"{ORIGINAL}注：{banner}"))
                    self.banners.append(banner)
                else:
                    group = banner
                continue
            if blocks and self.same_task(blocks[-1][0][-1], row) and blocks[-1][1] == group:
                blocks[-1][0].append(row)
            else:
                blocks.append(([row], group))
        used: dict[str, int] = {}
        for number, (block, banner) in enumerate(blocks, start=1):
            task = self.read_block(block, number)
            if banner is not None and "group" not in task.main.values:
                task.main.values["group"] = banner
            first = used.setdefault(task.code, task.row)
            if first != task.row:
                no = self.cell(block[0], "no")
                self.pending(NUMBER_REPEATED, no, f"序号 {task.code} 在第 {first} 行已用过 "
                             "(task number used twice)",
                             "合并单元格断开时同一序号会分成两块：核对原表，给其中一个任务换一个序号")
                task.head.append(Note(f"{PENDING}：序号 {task.code} 与第 {first} 行的任务重复，"
                                      "请改用未用的序号", True))
            self.tasks.append(task)

    def joints(self) -> list[tuple[list[str], str | None, RateSpec, str | None, list[Note]]]:
        """合并抽取: the tasks whose rate cells name each other (与任务2合并抽取), with the name, rate and
        备注 of the line under the table that lists them (its rate 待定 "…", marked, when it is not one
        rate)."""
        codes = {t.code: t for t in self.tasks}
        groups: list[list[str]] = []
        for task in self.tasks:
            if not task.joint:
                continue
            members = [task.code, *(_task_code(n) for n in task.joint)]
            found = next((g for g in groups if set(g) & set(members)), None)
            if found is None:
                groups.append(members)
            else:
                found += [m for m in members if m not in found]
        notes = [cells.JOINT_NOTE.fullmatch(text) for text in [*self.banners, *self.grid.notes]]
        out = []
        for members in groups:
            ordered = [t.code for t in self.tasks if t.code in members]
            ordered += [m for m in members if m not in ordered]
            note = None
            for found in notes:
                if found is None:
                    continue
                listed = [_task_code(n) for n in re.split(r"[、,，]", found.group("tasks")) if n.strip()]
                if sorted(listed) == sorted(ordered):
                    note, ordered = found, listed  # the joint's own order of its tasks
                    break
            first = codes.get(ordered[0])
            cell = first.rate_cell if first is not None else None
            rate: RateSpec | None = None
            written = note.group("rate") if note is not None else None
            if written is not None:
                rate = cells.parse_rate(written)
            joint_notes: list[Note] = []
            if rate is None:
                rate = Rate(None, False, None, None, _NO, unstated=True,
                            unstated_text=Text(written, _NO) if written else None)
                where = "原表表后列出的合并抽取比例不是能直接读出的比例（如按对象分别规定），照录为 待定" \
                    if written else "原表各任务的比例格写明合并抽取，但没有列出合并抽取的比例"
                joint_notes.append(Note(f"{PENDING}：{where}；请写出合并抽取的比例，按对象的写成 "
                                        "比例 按对象 { \"标签\" 筛选条件: 比例; … }", True))
                self.pending(CELL_NOT_READ, cell, f"合并抽取（任务{'、'.join(ordered)}）的比例待补充 "
                             "(the joint draw's rate is not read)", "按原表写出合并抽取的比例")
            name = note.group("name") if note is not None else None
            remarks = note.group("remarks") if note is not None else None
            out.append((ordered, name, rate, remarks, joint_notes))
        return out

    def same_task(self, previous: Row, row: Row) -> bool:
        no_prev, no_row = self.cell(previous, "no"), self.cell(row, "no")
        if no_row is not None and no_prev is not None:
            if no_row.origin == no_prev.origin:
                return True
            if no_row.text:
                return no_row.text == no_prev.text
            name_prev, name_row = self.cell(previous, "name"), self.cell(row, "name")
            return name_row is None or not name_row.text or (name_prev is not None and
                                                            name_prev.text == name_row.text)
        name_prev, name_row = self.cell(previous, "name"), self.cell(row, "name")
        return name_row is not None and name_prev is not None and name_row.origin == name_prev.origin

    def read_block(self, block: list[Row], number: int) -> TaskDraft:
        first = block[0]
        no = self.cell(first, "no")
        code = _task_code(no.text) if no is not None and no.text else str(number)
        head: list[Note] = []
        if no is not None and not no.text:
            head.append(Note(f"{PENDING}：原表该行序号为空，暂按行序编为 {code}", True))
            self.pending(BLANK_CELL, no, "序号为空 (blank task number)", "写出该任务在原表中的序号")
        name, name_note = self.task_name(block)
        if name_note:
            head.append(name_note)
        main = UnitDraft()
        task = TaskDraft(code, name, first.number, main, head=head)
        varying = self.varying(block)
        if len(block) == 1 or varying <= ITEM_FIELDS:
            self.read_unit(first, main, exclude=set())
            if len(block) > 1:
                self.more_items(block, main)
        else:
            self.read_unit(first, main, exclude=varying)
            for row in block:
                part = UnitDraft()
                self.read_unit(row, part, exclude=set(self.column_of) - varying)
                task.parts.append(part)
        task.joint = main.values.pop("joint", [])
        task.rate_cell = self.cell(first, "rate_rounds") or self.cell(first, "rate")
        self.extra_columns(block, task)
        return task

    def task_name(self, block: list[Row]) -> tuple[str, Note | None]:
        """The 抽查任务名称 cell; without that column, a group cell all the block's rows share (抽查类别,
        抽查领域) or else the 抽查事项 cell names the task, and a note says so."""
        keys = ("name",) if "name" in self.column_of else ("group", "items")
        for key in keys:
            cell = self.cell(block[0], key)
            if cell is None or not cell.text:
                continue
            if key == "group" and any((c := self.cell(r, "group")) is not None and c.text != cell.text
                                      for r in block):
                continue
            text = cells.layout_text(cell.text).replace("\n", " ")
            if key == "name":
                return text, None
            return text, Note(f"原表无任务名称列：名称取自「{self.label(key)}」")
        self.pending(BLANK_CELL, self.cell(block[0], "name"), "抽查任务名称为空 (blank task name)",
                     "写出抽查任务名称")
        return "", Note(f"{PENDING}：原表没有写任务名称，请写出", True)

    def varying(self, block: list[Row]) -> set[str]:
        """The fields whose cells differ between the rows of a block (a merged cell never does)."""
        out = set()
        for key, index in self.column_of.items():
            first = block[0].cells[index]
            # a blank cell below is the same as above: a CSV export leaves a merged cell's later rows empty
            if any(row.cells[index].origin != first.origin and row.cells[index].text
                   and row.cells[index].text != first.text for row in block[1:]):
                out.add(key)
        out.discard("no")
        return out

    def more_items(self, block: list[Row], unit: UnitDraft) -> None:
        """Rows of one task that differ only in their items: the items follow one another."""
        index = self.column_of.get("items")
        if index is None:
            return
        seen = {block[0].cells[index].origin}
        for row in block[1:]:
            cell = row.cells[index]
            if cell.origin in seen:
                continue
            seen.add(cell.origin)
            unit.values.setdefault("items", []).extend(self.items_of(row, unit))

    # -- one row's cells

    def read_unit(self, row: Row, unit: UnitDraft, exclude: set[str]) -> None:
        def has(key: str) -> bool:
            return key in self.column_of and key not in exclude

        if has("group"):
            cell = self.cell(row, "group")
            if cell is not None and cell.text and "name" in self.column_of:
                unit.values["group"] = cells.layout_text(cell.text).replace("\n", " ")
        if has("items"):
            items = self.items_of(row, unit)
            if items:
                unit.values["items"] = items
            else:
                self.blank(row, "items", unit)
        if has("category"):
            self.text_field(row, "category", unit)
        if has("scope"):
            cell = self.cell(row, "scope")
            if cell is not None and cell.text:
                unit.values["scope"] = cells.scope_and_base(cell.text)
            else:
                self.blank(row, "scope", unit)
        if any(has(k) for k in ("rate", "rate_rounds", "rounds", "count")):
            self.rate_and_rounds(row, unit, has)
        if has("risk"):
            self.risk(row, unit)
        if any(has(k) for k in ("window", "start", "end")):
            self.window(row, unit, has)
        if any(has(k) for k in ("draw_window", "draw_start", "draw_end")):
            self.draw_window(row, unit, has)
        if has("directed"):
            self.directed(row, unit)
        for key in ("lead", "guide"):
            if has(key):
                self.one_body(row, key, unit)
        for key in ("inspect", "assist"):
            if has(key):
                self.bodies(row, key, unit)
        if has("mode"):
            self.modes(row, unit)
        if has("method"):
            cell = self.cell(row, "method")
            if cell is not None and cell.text:
                unit.values["methods"] = cells.split_methods(cell.text)
                if "、".join(unit.values["methods"]) != cell.text:
                    unit.note("methods", f"{ORIGINAL}：{_one_line(cell.text)}")
        if has("remarks"):
            self.text_field(row, "remarks", unit)

    def text_field(self, row: Row, key: str, unit: UnitDraft) -> None:
        cell = self.cell(row, key)
        if cell is not None and cell.text:
            unit.values[key] = cell.text

    def blank(self, row: Row, key: str, unit: UnitDraft) -> None:
        """A required field's cell is blank: marked where the field would be."""
        cell = self.cell(row, key)
        label = self.label(key)
        unit.note(key, f"{PENDING}：原表「{label}」一格为空，请写出", True)
        self.pending(BLANK_CELL, cell, f"「{label}」为空 (blank cell of a required field)",
                     "按本单位的计划在草稿的标记处写出")

    def items_of(self, row: Row, unit: UnitDraft | None = None) -> list[ItemDraft]:
        """The items of a row's 抽查事项 cell, each with the row's 检查依据 — or, in the layout `ssj compile`
        prints, with the brackets after it (类别, 对象, 检查, 方式, 代码, 材料), its 依据 line or the cell's
        检查依据 line; a 材料 line is the unit's."""
        cell = self.cell(row, "items")
        if cell is None or not cell.text:
            return []
        basis_cell = self.cell(row, "basis")
        basis = basis_cell.text if basis_cell is not None and basis_cell.text else None
        printed = cells.item_cell(cell.text)
        if printed.materials and unit is not None:
            unit.values["materials"] = printed.materials
        split = cells.split_items(printed.text)
        if split is None:
            text = cells.layout_text(printed.text)
            split = [line.strip() for line in text.split("\n") if line.strip()] if "\n" in text else [text]
            if len(split) > 1 and not all(len(s) >= 4 for s in split):
                split = [text.replace("\n", "")]
        out = []
        for number, written in enumerate(split, start=1):
            text, said = cells.item_annotations(written)
            item = ItemDraft(text, printed.basis.get(number) or printed.shared_basis or basis)
            item.category = said.get("类别")
            item.scope = said.get("对象")
            item.code = said.get("代码")
            item.methods = cells.split_methods(said["方式"]) if "方式" in said else []
            item.materials = [m for m in said.get("材料", "").split("、") if m]
            if "检查" in said and unit is not None:
                names = self.names_of(replace(cell, text=said["检查"]), "inspect", unit)
                if names is not None:
                    item.inspect = names
            out.append(item)
        return out

    def rate_and_rounds(self, row: Row, unit: UnitDraft, has: Any) -> None:
        rate_cell = self.cell(row, "rate_rounds") if has("rate_rounds") else None
        if rate_cell is None and has("rate"):
            rate_cell = self.cell(row, "rate")
        if rate_cell is not None and rate_cell.text:
            text, joint = cells.split_joint(rate_cell.text)
            if joint:
                unit.values["joint"] = joint
                rate_cell = replace(rate_cell, text=text)
        rounds_cell = self.cell(row, "rounds") if has("rounds") else None
        count_cell = self.cell(row, "count") if has("count") else None
        rate: RateSpec | None = None
        rounds: Rounds | None = None
        rest = ""
        shown: list[str] = []
        if rate_cell is not None and rate_cell.text:
            if rounds_cell is None:
                read = cells.parse_rate_rounds(rate_cell.text)
                rate, rounds, rest = read.rate, read.rounds, read.rest
            else:
                rate = cells.parse_rate(rate_cell.text)
                rest = "" if rate is not None else rate_cell.text
            shown.append(rate_cell.text)
        if rounds_cell is not None and rounds_cell.text:
            rounds = cells.parse_rounds(rounds_cell.text)
            if rounds is None:
                written = _one_line(rounds_cell.text)
                unit.note("rounds", f"{PENDING}：原表「{self.label('rounds')}」为「{written}」，"
                                    "无法读作频次（如 1次/年、每季度1次），请写出", True)
                self.pending(CELL_NOT_READ, rounds_cell, f"无法读作频次：{_one_line(rounds_cell.text)} "
                             "(not a frequency)", "写成 1次/年、2次/年、每季度1次 等")
        if count_cell is not None and count_cell.text:
            counted = cells.parse_count(count_cell.text)
            if counted is None:
                written = _one_line(count_cell.text)
                unit.note("rate", f"{PENDING}：原表「{self.label('count')}」为「{written}」，无法读作户数",
                          True)
                self.pending(CELL_NOT_READ, count_cell, f"无法读作抽查数量：{_one_line(count_cell.text)} "
                             "(not a count)", "写成 20户 或在比例后写 (约 20户)")
            else:
                planned, words = counted
                if re.search("预估|预计|约", self.label("count")):
                    planned = replace(planned, approx=True)  # 预估抽查对象数: every count is an estimate
                if isinstance(rate, Rate) and rate.percent is not None and rate.planned is None:
                    rate = replace(rate, planned=planned)
                elif rate is None and not rest:
                    rate = Rate(None, False, planned.count, None, _NO, count_unit=planned.unit)
                else:
                    unit.note("rate", f"{ORIGINAL}「{self.label('count')}」：{_one_line(count_cell.text)}")
                if words:
                    unit.note("rate", f"{PENDING}：原表「{self.label('count')}」还写了"
                                      f"「{_one_line(words)}」，请并入备注或比例", True)
                    self.pending(CELL_NOT_READ, count_cell, f"抽查数量后的文字未读：{_one_line(words)} "
                                 "(words after the count kept verbatim)", "把这段说明写进 备注")
                shown.append(count_cell.text)
        if rest:
            where = rate_cell
            rate = Rate(None, False, None, None, _NO, unstated=True, unstated_text=Text(rest, _NO))
            unit.note("rate", f"{PENDING}：原表的比例「{_one_line(rest)}」不是能直接读出的比例，暂记为 待定；"
                              "按对象或按类别分别规定的，"
                              "写成 比例 按对象 { \"标签\" 筛选条件: 比例; … }", True)
            self.pending(CELL_NOT_READ, where, f"无法读作抽查比例：{_one_line(rest)} (not a sample rate)",
                         "写成 20%、不低于 10%、20户、10%—20%，或 比例 按对象 {…}；原文已照录为 待定 \"…\"")
        if rate is not None:
            unit.values["rate"] = rate
        elif rate_cell is not None and not rate_cell.text:
            self.blank(row, "rate_rounds" if has("rate_rounds") else "rate", unit)
        if rounds is not None:
            unit.values["rounds"] = rounds
        elif rounds_cell is not None and not rounds_cell.text:
            self.blank(row, "rounds", unit)
        if rate is not None and not rest and (rounds is not None or rounds_cell is None):
            written = " ".join(shown)
            rendered = cells.rate_spec_text(rate) + (" " + rounds_text(rounds) if rounds is not None else "")
            if rounds_cell is not None and rounds is not None:
                rendered = cells.rate_spec_text(rate) + " " + rounds_text(rounds)
                written = " ".join([*shown, rounds_cell.text])
            if not _reads_as(rendered, written):
                unit.note("rate", f"{ORIGINAL}：{_one_line(written)}")

    def risk(self, row: Row, unit: UnitDraft) -> None:
        cell = self.cell(row, "risk")
        if cell is None:
            return
        text = cells.layout_text(cell.text)
        kind = cells.risk_kind(text)
        if kind == "blank":
            unit.values["risk"] = ("none", None)
        elif kind == "none":
            unit.values["risk"] = ("none", text)
        elif kind == "label":
            unit.values["risk"] = ("label", text)
        elif kind == "escalation":
            key = re.sub(r"\s+", "", text).rstrip("。.；;")
            self.profiles.setdefault(key, []).append((text, cell))
            unit.values["risk"] = ("profile", key, text)
        else:
            unit.values["risk"] = ("label", text)
            unit.note("risk", f"{PENDING}：原表的信用风险分类要求既不是递加说明也不是单一等级，照录为文字；"
                              "若它给出了各等级的比例，请写成 风险递加 方案并在此引用", True)
            self.pending(CELL_NOT_READ, cell, f"无法读作信用风险分类要求：{_one_line(text)} "
                         "(not an escalation requirement)", "各等级的比例写成 风险递加 名称 { 低风险 … }")

    def window(self, row: Row, unit: UnitDraft, has: Any) -> None:
        if has("window"):
            cell = self.cell(row, "window")
            assert cell is not None
            tentative = self.header.columns[self.column_of["window"]].tentative
            if not cell.text:
                self.blank(row, "window", unit)
                return
            printed = cells.window_cell(cell.text)
            if printed is not None:
                self.printed_window(unit, cell, printed, tentative)
                return
            window = cells.parse_window(cell.text, tentative)
            self.put_window(unit, "window", window, cell, cell.text)
            return
        start, end = self.cell(row, "start"), self.cell(row, "end")
        if start is None or end is None or not start.text or not end.text:
            self.blank(row, "start" if start is None or not start.text else "end", unit)
            return
        window = cells.window_from_points(start.text, end.text)
        self.put_window(unit, "window", window, start, f"{start.text}—{end.text}")

    def printed_window(self, unit: UnitDraft, cell: Cell, printed: cells.WindowCell, tentative: bool) -> None:
        """A 时间 cell in the layout `ssj compile` prints: the window, 抽取：…, the batches."""
        if printed.window is not None:
            window = cells.parse_window(printed.window, tentative)
            self.put_window(unit, "window", window, cell, printed.window)
        if printed.draw is not None:
            drawn, days, words = printed.draw
            unit.values["draw_window"] = (drawn, words, days)
        if printed.batches:
            unit.values["batches"] = printed.batches

    def put_window(self, unit: UnitDraft, key: str, window: Window | None, cell: Cell, written: str) -> None:
        if window is None:
            unit.note(key, f"{PENDING}：原表的时间「{_one_line(written)}」无法读作起止时间"
                           "（如 3月—11月），请写出", True)
            self.pending(CELL_NOT_READ, cell, f"无法读作时间：{_one_line(written)} (not a time window)",
                         "写成 3月—11月、2024年3月至10月、10月底前、年底前、全年 等")
            return
        unit.values[key] = window
        if not _reads_as(window_text(window), written):
            unit.note(key, f"{ORIGINAL}：{_one_line(written)}")

    def draw_window(self, row: Row, unit: UnitDraft, has: Any) -> None:
        if has("draw_window"):
            cell = self.cell(row, "draw_window")
            assert cell is not None
            if not cell.text:
                return
            window = cells.parse_window(cell.text)
            unit.values["draw_window"] = (window, None if window is not None else cell.text, None)
            if window is not None and not _reads_as(window_text(window), cell.text):
                unit.note("draw_window", f"{ORIGINAL}：{_one_line(cell.text)}")
            return
        start, end = self.cell(row, "draw_start"), self.cell(row, "draw_end")
        texts = [c.text for c in (start, end) if c is not None and c.text]
        if not texts:
            return
        window = cells.window_from_points(start.text, end.text) if start and end and start.text and end.text \
            else None
        written = "—".join(texts)
        if window is None:
            unit.values["draw_window"] = (None, written, None)
            unit.note("draw_window", f"{PENDING}：原表的抽取时间「{written}」无法读作起止日期，照录为文字",
                      True)
            self.pending(CELL_NOT_READ, start or end, f"无法读作抽取时间：{written} (not a draw window)",
                         "写成 2021/5/20—2021/12/20 这样的起止日期")
            return
        unit.values["draw_window"] = (window, None, None)
        unit.note("draw_window", f"{ORIGINAL}：{written}")

    def directed(self, row: Row, unit: UnitDraft) -> None:
        cell = self.cell(row, "directed")
        if cell is None or not cell.text:
            return
        value = cells.parse_directed(cell.text)
        if value is None:
            unit.note("directed", f"{PENDING}：原表「{self.label('directed')}」为「{_one_line(cell.text)}」，"
                                  "不是 定向/不定向；请判断后写 定向 或 不定向", True)
            self.pending(CELL_NOT_READ, cell, f"抽查类型不是 定向/不定向：{_one_line(cell.text)} "
                         "(not directed/undirected)", "定向抽查写 定向，不定向抽查写 不定向")
            return
        unit.values["directed"] = value

    def names_of(self, cell: Cell, key: str, unit: UnitDraft) -> list[str] | None:
        """The department names of a cell, registered; None (marked) when a piece is no usable name."""
        pieces = cells.split_names(cell.text)
        names = [cells.as_name(p) for p in pieces]
        if not pieces or any(n is None for n in names):
            written = _one_line(cell.text)
            unit.note(key, f"{PENDING}：原表「{self.label(key)}」为「{written}」，不能直接写成部门名称"
                           "（名称不能含数字和标点，多个名称用“、”分开）；"
                           "请声明相应的 部门/单位/层级 后写出", True)
            self.pending(NOT_A_NAME, cell, f"无法读作部门名称：{written} (not a department name)",
                         "部门名称不含数字、标点；“市、区两级…”写成 层级，见 docs/import.md")
            return None
        out = [n for n in names if n is not None]
        for name in out:
            self.departments.setdefault(name, cell)
            if not cells.looks_like_organ(name):
                unit.note(key, f"{PENDING}：「{name}」不像完整的部门名称（原表：{_one_line(cell.text)}），"
                               "若是几个部门共用了后缀（如“人社、市场监管部门”），请写全每个名称", True)
                self.pending(NOT_A_NAME, cell, f"「{name}」不像完整的部门名称 (not a full department name)",
                             "写出部门的全称，如 人力资源和社会保障部门")
        return out

    def one_body(self, row: Row, key: str, unit: UnitDraft) -> None:
        cell = self.cell(row, key)
        if cell is None:
            return
        if key == "lead" and cell.text:
            text, guide = cells.split_guide(cell.text)
            if guide is not None:
                names = self.names_of(replace(cell, text=guide), "guide", unit)
                if names is not None and len(names) == 1:
                    unit.values["guide"] = names[0]
                cell = replace(cell, text=text)
        if not cell.text:
            if key == "lead":
                self.blank(row, key, unit)
            return
        names = self.names_of(cell, key, unit)
        if names is None:
            return
        if len(names) > 1:
            written = _one_line(cell.text)
            unit.note(key, f"{PENDING}：原表「{self.label(key)}」写了 {len(names)} 个部门（{written}），"
                           "发起只能是一个；其余写在 配合 或 检查 中", True)
            self.pending(NOT_A_NAME, cell, f"发起部门写了多个：{_one_line(cell.text)} (more than one lead)",
                         "发起写一个部门，其余写在 配合 或 检查 中")
            return
        unit.values[key] = names[0]

    def bodies(self, row: Row, key: str, unit: UnitDraft) -> None:
        cell = self.cell(row, key)
        if cell is None or not cell.text or cells.reading_form(cell.text) in cells.NO_RISK_TEXTS:
            return
        if key == "assist":
            unstated, words = cells.unstated_assist(cell.text)
            if unstated:
                unit.values["assist_unstated"] = words
                return
        names = self.names_of(cell, key, unit)
        if names is not None:
            unit.values[key] = names

    def modes(self, row: Row, unit: UnitDraft) -> None:
        cell = self.cell(row, "mode")
        if cell is None:
            return
        if not cell.text:
            self.blank(row, "mode", unit)
            return
        modes = cells.parse_modes(cell.text)
        if modes is None:
            unit.note("modes", f"{PENDING}：原表「{self.label('mode')}」为「{_one_line(cell.text)}」，"
                               "不是 X抽Y查 的写法；请写出模式，如 县抽县查", True)
            self.pending(CELL_NOT_READ, cell, f"无法读作抽查检查模式：{_one_line(cell.text)} (not a mode)",
                         "写成 县抽县查、市抽市查、市抽县(区)查 等")
            return
        unit.values["modes"] = modes
        if not _reads_as("、".join(modes), cell.text):
            unit.note("modes", f"{ORIGINAL}：{_one_line(cell.text)}")

    def extra_columns(self, block: list[Row], task: TaskDraft) -> None:
        """Cells of columns the importer could not place: kept above the task, verbatim."""
        seen: set[tuple[int, int]] = set()
        for column in self.header.columns:
            if column.field is not None or not column.heading.strip():
                continue
            texts: list[str] = []
            for row in block:
                cell = row.cells[column.index]
                if cell.text and cell.origin not in seen and cell.text not in texts:
                    texts.append(cell.text)
                seen.add(cell.origin)
            for text in texts:
                task.head.append(Note(f"{ORIGINAL}「{_one_line(column.heading)}」：{_one_line(text)}"))

    # -- after all rows: departments, profiles

    def alias_proposals(self) -> dict[str, Note]:
        """Near-duplicate spellings (区人社局 / 城区人社局, 支队 / 大队): a note above the later spelling."""
        names = list(self.departments)
        notes: dict[str, Note] = {}
        for i, later in enumerate(names):
            for earlier in names[:i]:
                if not _near(earlier, later):
                    continue
                full, short = (earlier, later) if len(earlier) >= len(later) else (later, earlier)
                cell = self.departments[later]
                if len(full) > len(short):  # 区人社局 / 城区人社局: a short form of the full name
                    advice = f"在「{full}」的声明后写 又称 {short}"
                else:  # 支队 / 大队: one of the two may be a slip
                    advice = "保留正确的一个名称"
                notes[later] = Note(
                    f"{PENDING}：「{later}」与「{earlier}」写法相近，可能是同一部门。若是，删去这一行，"
                    f"{advice}（并把各任务中的名称统一）；若不是，删去本注释", True)
                self.pending(ALIAS_PROPOSED, cell, f"「{later}」与「{earlier}」可能是同一部门 "
                             "(two spellings of one department?)",
                             f"若是同一部门：{advice}，删去另一个声明")
                break
        return notes

    def profile_names(self) -> dict[str, tuple[str, str]]:
        """Escalation texts → (profile name, description): 信用分类, 信用分类二 …; the description is
        the spelling most cells use."""
        out: dict[str, tuple[str, str]] = {}
        numerals = "一二三四五六七八九十"
        for index, (key, uses) in enumerate(self.profiles.items()):
            name = "信用分类" if index == 0 else f"信用分类{numerals[min(index, 9)]}"
            counts = Counter(text for text, _cell in uses)
            description = max(counts, key=lambda t: (counts[t], -[u[0] for u in uses].index(t)))
            out[key] = (name, description)
            first = uses[0][1]
            self.pending(LEVELS_TO_WRITE, first, f"信用风险分类要求只写了“递加”，未给出各等级的比例或频次，"
                         f"风险递加「{name}」的各等级待补充 (escalation levels left to write)",
                         "按本单位的规定写出各等级，如 低风险 比例×… 一般风险 比例×…；本工具不代拟数值")
        return out

    # -- pass 2: the AST

    def build(self) -> Draft:
        from ..language.formatter import format_plan

        lines = _Lines()
        aliases = self.alias_proposals()
        profiles = self.profile_names()
        for note in self.plan_notes:
            lines.comment(note)
        header = self.plan_header(lines)
        departments = []
        for name in self.departments:
            note = aliases.get(name)
            if note is not None:
                lines.comment(note)
            span = lines.take()
            departments.append(Department(Name(name, span), (), span))
        profile_nodes = []
        for name, description in profiles.values():
            lines.comment(Note(f"{PENDING}：原表只写了递加的要求，没有给出各风险等级的比例或频次；请按本单位的规定"
                               "写出各等级（低风险、一般风险、较高风险、高风险，比例×倍数 或 比例、频次），"
                               "本工具不代拟数值", True))
            start = lines.take()
            end = lines.take()
            profile_nodes.append(RiskProfile(Name(name, start), Text(description, start), (),
                                             _span(start, end)))
        tasks = [self.task_node(lines, draft, profiles) for draft in self.tasks]
        joints = []
        for members, name, rate, remarks, notes in self.joints():
            for note in notes:
                lines.comment(note)
            start = lines.take()
            codes = tuple(TaskCode(unicodedata.normalize("NFKC", code).strip(), start) for code in members)
            rate_span = lines.take()
            remarks_node = Text(remarks, lines.take()) if remarks else None
            joints.append(JointDraw(Text(name, start) if name else None, codes, _respan(rate, rate_span),
                                    remarks_node, _span(start, lines.take())))
        plan = Plan(header, (), tuple(departments), tuple(profile_nodes), tuple(tasks),
                    _span(header.span, lines.take()), joints=tuple(joints))
        comments = tuple(lines.comments)
        text = format_plan(plan, comments, self.options.language)
        return Draft(plan, comments, text, self.diagnostics)

    def plan_header(self, lines: _Lines) -> PlanHeader:
        title = self.header.title or self.grid.title
        year = self.options.year
        if year is None and title:
            m = re.search(r"(20\d{2}|19\d{2})\s*年", title)
            if m is not None:
                year = int(m.group(1))
        where = self.grid.label or self.grid.kind
        lines.comment(Note(f"由 ssj import 从 {Path(self.file).name} 导入（{where}）。"
                           f"标有“{PENDING}”的地方须由人补全；"
                           "抽查对象的 筛选 条件不在计划表中，抽取前为每个定向任务写出"))
        lines.gap()
        if not title:
            lines.comment(Note(f"{PENDING}：表中没有计划标题，暂用文件名", True))
            self.pending(HEADER_TO_WRITE, None, "表中没有计划标题 (no plan title in the table)",
                         "在草稿的 计划 \"…\" 处写出计划的正式标题")
            title = Path(self.file).stem
        start = lines.take()
        year_node = None
        if year is None:
            lines.comment(Note(f"{PENDING}：表中看不出计划年度，请写出 年度（或导入时加 --year）", True))
            self.pending(HEADER_TO_WRITE, None, "看不出计划年度 (no plan year)",
                         "导入时加 --year 2024，或在草稿中写 年度")
        else:
            year_node = Integer(year, lines.take())
        region = Text(self.options.region, lines.take()) if self.options.region else None
        end = lines.take()
        return PlanHeader(Text(title, start), year_node, region, None, None, None, None, _span(start, end))

    def task_node(self, lines: _Lines, draft: TaskDraft, profiles: dict[str, tuple[str, str]]) -> Task:
        for note in draft.head:
            lines.comment(note)
        missing = self.missing(draft)
        self.report_missing(draft, missing)
        if missing:
            lines.comment(Note(f"{PENDING}：缺 {'、'.join(missing)}（原表未写），请按本单位的计划写出", True))
        start = lines.take()
        code = TaskCode(unicodedata.normalize("NFKC", draft.code).strip(), start)  # as the parser reads it
        fields = self.unit_fields(lines, draft.main, profiles)
        parts = []
        for part in draft.parts:
            part_start = lines.take()
            part_fields = self.unit_fields(lines, part, profiles)
            parts.append(Part(**part_fields, span=_span(part_start, lines.take()), label=None))
        end = lines.take()
        return Task(code=code, name=Text(draft.name, start), parts=tuple(parts), span=_span(start, end),
                    **fields)

    def missing(self, draft: TaskDraft) -> list[str]:
        """The required fields neither the task nor every one of its parts gives, and not marked already."""

        def given(key: str) -> bool:
            if key in draft.main.values:
                return True
            return bool(draft.parts) and all(key in unit.values for unit in draft.parts)

        def marked(key: str) -> bool:
            units = (draft.main, *draft.parts)
            return any(note.pending for unit in units for note in unit.notes.get(key, []))

        required = (("items", "事项"), ("scope", "对象"), ("rate", "比例"), ("rounds", "频次"),
                    ("lead", "发起"), ("modes", "模式"))
        out = [word for key, word in required if not given(key) and not marked(key)]
        drawn = draft.main.values.get("draw_window")
        if not given("window") and not marked("window") and not (drawn is not None and drawn[0] is not None):
            out.append("时间")
        return out

    def report_missing(self, draft: TaskDraft, missing: list[str]) -> None:
        """One diagnostic per missing field whose column the table has (an absent column is SSJ512, once)."""
        columns = {"事项": ("items", "name"), "对象": ("scope",), "比例": ("rate", "rate_rounds", "count"),
                   "频次": ("rounds", "rate_rounds", "rate"), "发起": ("lead",), "模式": ("mode",),
                   "时间": ("window", "start", "end", "draw_window", "draw_start", "draw_end")}
        for word in missing:
            present = [key for key in columns[word] if key in self.column_of]
            if not present:
                continue
            column = self.column_of[present[0]] + 1
            self.diagnostics.append(error(TASK_FIELD_MISSING, f"任务 {draft.code} 缺 {word}：表中没有写出 "
                                          "(a required field the table does not give)", self.file,
                                          cell_span(draft.row, column),
                                          hint=f"在草稿中该任务标有 待补充 的地方写出 {word}"))

    def unit_fields(self, lines: _Lines, unit: UnitDraft,
                    profiles: dict[str, tuple[str, str]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        values = unit.values
        for key in _UNIT_FIELDS:
            for note in unit.notes.get(key, []):
                lines.comment(note)
            if key not in values:
                continue
            value = values[key]
            if key == "items":
                out["items"] = _items(lines, value)
                continue
            span = lines.take()
            if key in ("group", "category", "remarks"):
                out[key] = Text(cells.layout_text(value) if key == "group" else value, span)
            elif key == "scope":
                text, base = value
                base_node = Base(base[0], base[1], base[2], Text(base[3], span) if base[3] else None, span) \
                    if base is not None else None
                out["scope"] = Scope(Text(text, span), None, span, base=base_node)
            elif key in ("rate", "rounds", "window"):
                out[key] = _respan(value, span)
            elif key == "risk":
                out["risk"] = _risk_ref(value, span, profiles)
            elif key == "draw_window":
                window, text, days = value
                out["draw_window"] = DrawWindow(_respan(window, span) if window is not None else None,
                                                Text(text, span) if text is not None else None, span,
                                                each_round_days=days)
            elif key == "batches":
                batches = [Batch(Text(name, span), _respan(point, span), span) for name, point in value[:1]]
                batches += [Batch(Text(name, s), _respan(point, s), s) for name, point in value[1:]
                            for s in [lines.take()]]
                out["batches"] = tuple(batches)
            elif key == "assist_unstated":
                out["assist_unstated"] = Unstated(Text(value, span) if value else None, span)
            elif key == "materials":
                out["materials"] = tuple(Text(v, span) for v in value)
            elif key == "directed":
                out["directed"] = value
            elif key in ("lead", "guide"):
                out[key] = Name(value, span)
            elif key in ("inspect", "assist", "modes"):
                out[key] = tuple(Name(v, span) for v in value)
            elif key == "methods":
                out["methods"] = tuple(Text(v, span) for v in value)
        return out


_NO = Span(0, 0, 0, 0, 0, 0)


class _Lines:
    """Virtual source lines in the formatter's output order, and the comments placed on them."""

    def __init__(self) -> None:
        self.line = 0
        self.comments: list[Comment] = []

    def take(self) -> Span:
        self.line += 1
        return Span(self.line, 1, self.line, 1, self.line, self.line)

    def gap(self) -> None:
        self.line += 1

    def comment(self, note: Note) -> None:
        for index, piece in enumerate(note.text.split("\n")):
            span = self.take()
            self.comments.append(Comment(piece if index == 0 else f"  {piece}", span, False))


def _span(start: Span, end: Span) -> Span:
    return Span(start.line, 1, end.line, 1, start.start, end.end)


def _respan(node: Any, span: Span) -> Any:
    return replace(node, span=span)


def _items(lines: _Lines, items: list[ItemDraft]) -> tuple[Item, ...]:
    """Item nodes, each attribute on a line of its own in the order `formatter` writes them."""
    first = lines.take()
    out = []
    for index, item in enumerate(items):
        attributed = any((item.basis, item.category, item.scope, item.inspect, item.methods, item.code,
                          item.materials))
        span = lines.take() if index or len(items) > 1 or attributed else first
        inspect = tuple(Name(n, s) for s in [lines.take()] for n in item.inspect) if item.inspect else ()
        scope = None
        if item.scope:
            at = lines.take()
            scope = Scope(Text(item.scope, at), None, at)
        basis = Text(item.basis, lines.take()) if item.basis else None
        code = Text(item.code, lines.take()) if item.code else None
        category = Text(item.category, lines.take()) if item.category else None
        methods = tuple(Text(m, s) for s in [lines.take()] for m in item.methods) if item.methods else ()
        materials = tuple(Text(m, lines.take()) for m in item.materials)
        out.append(Item(Text(item.text, span), first if index == 0 else span, basis=basis, code=code,
                        category=category, methods=methods, materials=materials, inspect=inspect,
                        scope=scope))
    return tuple(out)


def _risk_ref(value: tuple[Any, ...], span: Span, profiles: dict[str, tuple[str, str]]) -> RiskRef:
    kind = value[0]
    if kind == "none":
        return RiskRef(None, Text(value[1], span) if value[1] else None, span)
    if kind == "label":
        return RiskRef(None, Text(value[1], span), span, label=True)
    name, description = profiles[value[1]]
    override = Text(value[2], span) if value[2] != description else None
    return RiskRef(Name(name, span), override, span)


def _near(a: str, b: str) -> bool:
    """Whether two names may be one body spelled two ways: one ends the other (区人社局 / 城区人社局) or they
    differ in one or two characters of the same length (消防救援支队 / 消防救援大队)."""
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.endswith(short) and len(long) - len(short) <= 3:
        return True
    if len(a) == len(b) and len(a) >= 4 and a[-1] == b[-1]:
        pairs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        differ = {x for x, _ in pairs} | {y for _, y in pairs}
        if differ <= set(_NUMERALS):
            return False  # 一中队 / 二中队: numbered units, not two spellings
        return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85
    return False


_NUMERALS = "〇一二三四五六七八九十0123456789"


def _task_code(written: str) -> str:
    """序号 as the draft writes it: a number in ASCII digits (full-width ０３ → 03), else as written."""
    digits = cells.reading_form(written)
    return digits if digits.isascii() and digits.isdigit() else written.strip()


def _reads_as(rendered: str, written: str) -> bool:
    """Whether the draft's form of a construct is the cell's text, white space and full-width forms aside."""
    return cells.reading_form(rendered) == cells.reading_form(written)


def _one_line(text: str) -> str:
    return cells.layout_text(text).replace("\n", " ")


__all__ = ["FIELD_LABELS", "Builder", "Draft", "Options", "data_rows"]
