"""What each document says: view models from the plan as data, the draw record and the results.

Everything here takes plain dicts (the `export_plan` schema and the draw record schema of
docs/architecture.md) and returns plain dicts the templates (HTML, Word) and the spreadsheet writers read,
so rendering never depends on the AST and every document can be checked without a browser.

Two editions (`Edition`): the public one prints no subject's credit-risk class and labels risk strata
neutrally (第1层, 第2层 … numbered in the order of their population digests, which says nothing about the
class), unless the plan says 公开风险分类; the internal one keeps everything. Issuers follow
`issuers.Organisation`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from ..diagnostics import Diagnostic, warning
from ..interpret.workdays import add_workdays
from . import officialstyle as style
from .issuers import (
    GSXT,
    SSJ424,
    SSJ425,
    Issuer,
    Organisation,
    Session,
    channel,
    channel_text,
    describe_beacon,
    task_key,
    task_sort_key,
)
from .results import DISPOSALS, METHODS, NO_FINDING, RESULT_CATEGORIES, ResultRow, ResultSet, visit_items

SSJ421 = "SSJ421"  # an issuer has no usable 文号 pattern (warning)

#: Working days an inspected business has to object to a published result (市场监管总局《关于进一步规范
#: 双随机抽查检查结果公示》: 自公示之日起10个工作日内向作出结果的部门提出).
OBJECTION_WORKDAYS = 10

#: Materials a business prepares when neither the items nor the plan name any (材料 in the plan overrides).
DEFAULT_MATERIALS: tuple[str, ...] = (
    "营业执照（或其他主体资格证明）",
    "法定代表人（负责人）身份证明；委托他人的，另附授权委托书和受托人身份证明",
    "与检查事项有关的许可证件、制度、台账、票据、合同等资料",
)

#: 检查方式 printed when neither the items nor the task nor the plan name one.
DEFAULT_METHODS: tuple[str, ...] = ("现场检查",)


@dataclass(frozen=True)
class Edition:
    """public (default) or internal; `publish_risk` is the plan's 公开风险分类."""

    name: str = "public"
    publish_risk: bool = False

    @property
    def internal(self) -> bool:
        return self.name == "internal"

    @property
    def show_risk(self) -> bool:
        """Whether a subject's risk class (and the risk label of a stratum) may be printed."""
        return self.internal or self.publish_risk

    @property
    def label(self) -> str:
        return "内部版" if self.internal else "公开版"


def _dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _team_text(team: list[dict]) -> str:
    return "；".join(f"{m['name']}（{m['badge']}{'，主检' if m.get('lead') else ''}）" for m in team)


def _team(team: list[dict]) -> list[dict[str, Any]]:
    return [
        {"name": m["name"], "badge": m["badge"], "department": m["department"], "lead": bool(m.get("lead"))}
        for m in team
    ]


_UNSAFE = re.compile(r'[\\/:*?"<>|&#%\s\x00-\x1f]+')


def safe_filename(text: str, limit: int = 40) -> str:
    """A file-name-safe fragment (Windows-reserved characters and white space removed, length capped)."""
    cleaned = _UNSAFE.sub("", text).strip(".")
    return cleaned[:limit] or "_"


def task_slug(no: object) -> str:
    """任务04 (zero-padded so files sort in plan order), or 任务SJ-2023-01 for a code."""
    key = task_key(no)
    return f"任务{int(key):02d}" if key.isdigit() else f"任务{safe_filename(key)}"


def unit_label(task: dict) -> str:
    """任务4, or 任务1（高校） for a sub-row: how a record's task entry is named in documents."""
    if task.get("sub") is None:
        return f"任务{task['no']}"
    return f"任务{task['no']}（{task.get('label') or '子项' + str(task['sub'])}）"


# ---------------------------------------------------------------- the plan table


PLAN_COLUMNS: tuple[str, ...] = (
    "序号",
    "抽查任务名称",
    "抽查事项",
    "抽查对象范围",
    "抽查类型",
    "抽查比例及频次",
    "智慧监管（信用风险分类）要求",
    "抽查检查起止时间",
    "发起部门",
    "配合部门",
    "抽查检查模式",
)
"""The columns every plan table has (the seed's ten and 抽查类型)."""


@dataclass(frozen=True)
class PlanColumn:
    """One column of the plan table: its key in a row's `cells`, its heading, its share of the width of
    the classic table (HTML, per cent) and its width in the Word template (mm), and whether it is shown
    only when some task uses it."""

    key: str
    heading: str
    weight: float
    mm: float
    optional: bool = False


TABLE_COLUMNS: tuple[PlanColumn, ...] = (
    PlanColumn("no", "序号", 3, 10),
    PlanColumn("name", "抽查任务名称", 11, 28),
    PlanColumn("checks", "抽查事项", 21, 58),
    PlanColumn("category", "事项类别", 5, 14, True),
    PlanColumn("scope", "抽查对象范围", 10, 28),
    PlanColumn("kind", "抽查类型", 5, 14),
    PlanColumn("methods", "检查方式", 6, 16, True),
    PlanColumn("rate", "抽查比例及频次", 7, 18),
    PlanColumn("risk", "智慧监管（信用风险分类）要求", 14, 36),
    PlanColumn("window", "抽查检查起止时间", 7, 18),
    PlanColumn("lead", "发起部门", 8, 20),
    PlanColumn("inspect", "检查主体", 8, 20, True),
    PlanColumn("assist", "配合部门", 8, 20),
    PlanColumn("mode", "抽查检查模式", 6, 15),
    PlanColumn("remarks", "备注", 9, 24, True),
)
"""Every column a plan table may have, in table order. The optional ones — 事项类别, 检查方式, 检查主体,
备注 — appear only when some task (or sub-row) has a 类别, 方式, 检查 or 备注, as real tables print them; the
classic ones always, with the widths the seed table has."""

PLAN_TABLE_MM = 265
"""The width of the Word plan table (A4 landscape less 15 mm margins, less 1 mm each side)."""

ITEM_ANNOTATIONS: tuple[tuple[str, str], ...] = (
    ("scope", "对象"),
    ("inspect", "检查"),
    ("methods", "方式"),
    ("code", "代码"),
    ("materials", "材料"),
)
"""What an item says beyond its text, printed after it in brackets in this order: （对象：企业）…; its 类别
first when it differs from its task's (（重点检查事项）, or （类别：…） for a category not named …事项)."""

KEY_CATEGORY = re.compile(r"(?:重点|一般)(?:检查)?事项")
"""Item categories printed bare in brackets after the item; any other is printed （类别：…）."""


def _units(task: dict) -> list[dict]:
    """The rows of a task: its sub-rows (each with the task's fields it inherits), or the task itself."""
    return list(task.get("parts") or []) or [task]


def _line(text: str, small: bool = False) -> dict[str, Any]:
    return {"text": text, "small": small}


def _bodies(names: Iterable[str], printed: dict[str, str]) -> str:
    """Departments, units and levels as the table prints them: a level by its text (县,直属分局)."""
    return "、".join(printed.get(name, name) for name in names)


def _item_lines(unit: dict, printed: dict[str, str]) -> list[dict[str, Any]]:
    """抽查事项: the items numbered `1.…`, each followed by what it says beyond the unit (its 类别, 对象,
    检查, 方式, 代码, 材料) in brackets; 依据 under each item when the items' bases differ, or once for all as
    检查依据, and the unit's 材料, in small type."""
    details = unit.get("item_details") or [{"text": text} for text in unit["items"]]
    bases = [d.get("basis") or "" for d in details]
    shared = bases[0] if bases and len(set(bases)) == 1 else None
    lines = []
    for n, detail in enumerate(details, start=1):
        text = f"{n}.{detail['text']}"
        category = detail.get("category")
        if category and category != unit.get("category"):
            text += f"（{category}）" if KEY_CATEGORY.fullmatch(category) else f"（类别：{category}）"
        for key, word in ITEM_ANNOTATIONS:
            value = detail.get(key)
            if key == "methods" and list(value or ()) == list(unit.get("methods") or ()):
                continue
            if key == "scope":
                value = value["text"] if value else None
            elif key == "inspect":
                value = _bodies(value or (), printed)
            elif isinstance(value, list):
                value = "、".join(value)
            if value:
                text += f"（{word}：{value}）"
        lines.append(_line(text))
        if shared is None and bases[n - 1]:
            lines.append(_line(f"依据：{bases[n - 1]}", True))
    if shared:
        lines.append(_line(f"检查依据：{shared}", True))
    if unit.get("materials"):
        lines.append(_line(f"材料：{'、'.join(unit['materials'])}", True))
    return lines


def _draw_line(unit: dict, alone: bool) -> str | None:
    """抽取：… — the draw window (unless `alone`, when it is the task's window too and stands first),
    每轮开始后N日内, and the table's words in brackets; None when the plan says nothing of the draw."""
    parts = []
    if unit.get("draw_window") and not alone:
        parts.append(unit["draw_window"]["text"])
    elif alone:
        parts.append(unit["window"]["text"])
    if unit.get("round_draw_days") is not None:
        parts.append(f"每轮开始后{unit['round_draw_days']}日内")
    note = unit.get("draw_note")
    if not parts and not note:
        return None
    if not parts:
        return f"抽取：{note}"
    return f"抽取：{'，'.join(parts)}" + (f"（{note}）" if note else "")


def _window_lines(unit: dict) -> list[str]:
    """抽查检查起止时间: the window (or, when only 抽取 dates the task, 抽取：…), the draw, the batches."""
    draw, window = unit.get("draw_window"), unit["window"]
    alone = bool(draw) and unit.get("round_draw_days") is None \
        and (draw["start"], draw["end"], draw["text"]) == (window["start"], window["end"], window["text"])
    lines = [] if alone else [unit["window"]["text"]]
    line = _draw_line(unit, alone)
    if line:
        lines.append(line)
    lines += [f"{b['name']}：{style.cn_date(b['deadline'])}前" for b in unit.get("batches") or []]
    return lines


def _assist_text(unit: dict, printed: dict[str, str]) -> str:
    if unit["assist"]:
        return _bodies(unit["assist"], printed)
    note = unit.get("assist_unstated")
    if note is None:
        return ""
    return f"待定（{note}）" if note else "待定"


def joint_line(task: dict, joint: dict | None) -> str | None:
    """与任务2合并抽取: what a task's rate cell says of the joint draw it belongs to."""
    if joint is None:
        return None
    others = [str(n) for n in joint["tasks"] if task_key(n) != task_key(task["no"])]
    return f"与任务{'、'.join(others)}合并抽取"


def _unit_cells(task: dict, unit: dict, printed: dict[str, str], joint: dict | None) -> dict[str, Any]:
    """A table row's cells: key → (lines as HTML and Word print them, value as Excel holds it)."""
    scope = [unit["scope"]["text"]]
    base = unit.get("base")
    if base:
        scope.append(f"基数{'约' if base['approx'] else ''}{base['count']}{base['unit']}"
                     + (f"，{base['note']}" if base.get("note") else ""))
    rate = [unit["rate"]["text"], unit["rounds_text"]]
    shared = joint_line(task, joint)
    lead = [_bodies([unit["lead"]], printed)]
    if unit.get("guide"):
        lead.append(f"指导：{unit['guide']}")
    texts: dict[str, list[str] | list[dict[str, Any]]] = {
        "checks": _item_lines(unit, printed),
        "category": [unit.get("category") or ""],
        "scope": scope,
        "kind": ["定向抽查" if unit.get("directed", True) else "不定向抽查"],
        "methods": ["、".join(unit.get("methods") or ())],
        "rate": [*rate, *([shared] if shared else [])],
        "risk": [unit["risk_text"]],
        "window": _window_lines(unit),
        "lead": lead,
        "inspect": [_bodies(unit.get("inspect") or (), printed)],
        "assist": [_assist_text(unit, printed)],
        "mode": [unit["mode"] or ""],
        "remarks": [unit.get("remarks") or ""],
    }
    cells: dict[str, Any] = {}
    for key, lines in texts.items():
        shown = [line if isinstance(line, dict) else _line(line) for line in lines]
        value = "\n".join(line["text"] for line in shown)
        if key == "rate":  # Excel: 不低于10% 1次/年 on one line, as the seed table writes it
            value = "\n".join([style.rate_and_rounds(*rate), *([shared] if shared else [])])
        cells[key] = {"lines": shown, "value": value}
    return cells


EMPTY_COLUMN = (4, 12)
"""Weight and width (mm) of a classic column no task fills (风险 or 配合 in many tables); its heading
wraps."""

WIDE_RATE = (12, 30)
"""Weight and width (mm) of 抽查比例及频次 when a rate is written in words or per sub-population."""


def _shown_columns(plan: dict) -> list[tuple[PlanColumn, float, float]]:
    """The columns the table shows, each with its weight and width: an optional column when some task or
    sub-row uses it; a classic column nobody fills narrowed, the rate column widened for long rates."""
    units = [u for t in plan["tasks"] for u in _units(t)]
    used = {
        "category": any(u.get("category") for u in units),
        "methods": any(u.get("methods") for u in units),
        "inspect": any(u.get("inspect") for u in units),
        "remarks": any(u.get("remarks") for u in units),
    }
    empty = {
        "risk": not any(u["risk_text"] for u in units),
        "assist": not any(u["assist"] or u.get("assist_unstated") is not None for u in units),
    }
    long_rate = max((len(u["rate"]["text"]) for u in units), default=0) > 12
    out = []
    for c in TABLE_COLUMNS:
        if c.optional and not used[c.key]:
            continue
        weight, mm = c.weight, c.mm
        if empty.get(c.key):
            weight, mm = EMPTY_COLUMN
        elif c.key == "rate" and long_rate:
            weight, mm = WIDE_RATE
        out.append((c, weight, mm))
    return out


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def plan_view(plan: dict, org: Organisation | None = None) -> dict[str, Any]:
    """The plan table (工作计划表): the seed's columns, 抽查类型, and the optional columns the plan uses;
    `rows` is the table as printed — a group row where the 分组 changes, one row per task or sub-row (子项)
    with each cell's rowspan — and `joints` the 合并抽取 listed under the table."""
    org = org or Organisation(plan)
    printed = {level["name"]: level.get("text") or level["name"] for level in plan.get("levels") or ()}
    joints = {j["code"]: j for j in plan.get("joints") or ()}
    shown = _shown_columns(plan)
    columns = [c for c, _, _ in shown]
    weight = sum(w for _, w, _ in shown)
    mm = sum(m for _, _, m in shown)
    tasks, rows = [], []
    group = None
    for t in plan["tasks"]:
        joint = joints.get(t.get("joint") or "")
        units = _units(t)
        if t.get("group") and t["group"] != group:
            rows.append({"group": t["group"], "id": "", "cells": {}})
        group = t.get("group") or group
        unit_cells = [_unit_cells(t, u, printed, joint) for u in units]
        for cells in unit_cells:
            cells["no"] = {"lines": [_line(str(t["no"]))], "value": t["no"]}
            cells["name"] = {"lines": [_line(t["name"])], "value": t["name"]}
        span = len(units)
        merged = {c.key for c in columns if c.key in ("no", "name")
                  or all(cells[c.key] == unit_cells[0][c.key] for cells in unit_cells)}
        task_rows = []
        for n, (unit, cells) in enumerate(zip(units, unit_cells, strict=True)):
            for key, cell in cells.items():
                whole = key in merged and span > 1
                cell["rowspan"] = span if whole and n == 0 else 1
                cell["show"] = n == 0 or not whole
                cell["merge"] = "continue" if not cell["show"] else "restart"
                if not cell["show"]:
                    cell["lines"], cell["value"] = [_line("")], None
            task_rows.append({"group": None, "id": f"task-{t['no']}" + (f"-{n + 1}" if n else ""),
                              "no": t["no"], "sub": unit.get("sub"), "first": n == 0, "span": span,
                              "cells": cells})
        rows += task_rows
        tasks.append(
            {
                "no": t["no"],
                "name": t["name"],
                "checks": style.numbered_items(t["items"]),
                "scope": t["scope"]["text"],
                "kind": "定向抽查" if t.get("directed", True) else "不定向抽查",
                "rate": t["rate"]["text"],
                "rounds": t["rounds_text"],
                "rate_rounds": style.rate_and_rounds(t["rate"]["text"], t["rounds_text"]),
                "risk": t["risk_text"],
                "window": t["window"]["text"],
                "lead": _bodies([t["lead"]], printed),
                "assist": _assist_text(t, printed),
                "mode": t["mode"] or "",
                "batches": [
                    {"name": b["name"], "deadline": style.cn_date(b["deadline"])}
                    for b in t.get("batches") or []
                ],
                "group": t.get("group") or "",
                "rows": task_rows,
            }
        )
    header = plan["plan"]
    return {
        "title": header["title"],
        "year": header["year"],
        "region": header.get("region") or "",
        "authority": org.plan_issuer.name,
        "issuer": org.plan_issuer.as_view(),
        "contact": header.get("contact") or "",
        "tasks": tasks,
        "rows": rows,
        "columns": [
            {"key": c.key, "heading": c.heading, "width": _number(100 * w / weight) + "%",
             "mm": m * PLAN_TABLE_MM / mm, "narrow": (w, m) == EMPTY_COLUMN, "wide": (w, m) == WIDE_RATE}
            for c, w, m in shown
        ],
        # what needs the template's extra styles: group rows, lines in small type, the joint draws
        "extended": bool(plan.get("joints")) or any(
            r["group"] is not None or any(line["small"] for line in r["cells"]["checks"]["lines"])
            for r in rows),
        "show": {c.key: c in columns for c in TABLE_COLUMNS},
        "hidden": [c.heading for c in TABLE_COLUMNS if c not in columns],
        "joints": [
            {
                "name": j.get("name") or "合并抽取",
                "tasks": "、".join(str(n) for n in j["tasks"]),
                "rate": j["rate"]["text"],
                "remarks": j.get("remarks") or "",
                "text": joint_text(j),
            }
            for j in plan.get("joints") or ()
        ],
    }


def joint_text(joint: dict) -> str:
    """The line under the table for one 合并抽取: 合并抽取「名称」：任务1、2；比例：…；备注：…"""
    name = f"「{joint['name']}」" if joint.get("name") else ""
    tasks = "、".join(str(n) for n in joint["tasks"])
    text = f"合并抽取{name}：任务{tasks}；比例：{joint['rate']['text']}"
    return text + (f"；备注：{joint['remarks']}" if joint.get("remarks") else "")


def plan_rows(plan: dict) -> list[list[Any]]:
    """The plan table's task rows as cells (XLSX, tests): one row per task or sub-row, the shown columns in
    order; 序号 a number where it is one, items and other lines joined by newlines, a cell merged into the
    row above None."""
    view = plan_view(plan)
    keys = [c["key"] for c in view["columns"]]
    return [[r["cells"][k]["value"] for k in keys] for r in view["rows"] if r["group"] is None]


# ---------------------------------------------------------------- strata in the two editions


def stratum_labels(strata: list[dict], edition: Edition) -> list[str]:
    """The label of each stratum as the edition prints it: the record's (A, 三级/B, 全部) when classes may
    be shown; otherwise a stratum carrying a risk class becomes 第n层 (with its sub-population kept:
    三级/第2层), n counted within the sub-population in the order of the strata's population digests."""
    if edition.show_risk:
        return [s["label"] for s in strata]
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(strata):
        if s.get("risk"):  # a class stratum; a sub-population alone (三级) or 全部 is no class
            group = s["label"].rsplit("/", 1)[0] if "/" in s["label"] else ""
            groups.setdefault(group, []).append(i)
    labels = [s["label"] for s in strata]
    for group, members in groups.items():
        for n, i in enumerate(sorted(members, key=lambda i: strata[i]["population_digest"]), start=1):
            labels[i] = f"{group}/第{n}层" if group else f"第{n}层"
    return labels


# ---------------------------------------------------------------- draw lists


def _visit_lookup(record: dict) -> dict[tuple[str, str, int], dict]:
    index: dict[tuple[str, str, int], dict] = {}
    for visit in record["visits"]:
        for task in visit["tasks"]:
            index[(visit["subject"], task_key(task["no"]), int(task["round"]))] = visit
    return index


def list_slug(task: dict, round_no: int) -> str:
    sub = f"-子项{task['sub']}" if task.get("sub") is not None else ""
    return f"{task_slug(task['no'])}{sub}-第{round_no}轮"


def draw_lists(
    record: dict, org: Organisation, units: dict[tuple[str, int | None], dict], edition: Edition
) -> list[dict[str, Any]]:
    """抽查名单: one list per task (sub-row) and round, issued by the task's 发起 — for a level, one section
    per office of the subjects' areas. Internal: stratum order then draw rank, with the risk class;
    public: by 检查日期 then code, without class or stratum."""
    visits = _visit_lookup(record)
    subjects = record["subjects"]
    lists = []
    for task in record["tasks"]:
        key = task_key(task["no"])
        unit = units.get((key, task.get("sub"))) or units.get((key, None)) or {}
        lead = unit.get("lead") or task["lead"]
        for rnd in task["rounds"]:
            labels = stratum_labels(rnd["strata"], edition)
            rows = []
            for stratum, label in zip(rnd["strata"], labels, strict=True):
                for sel in stratum["selected"]:
                    subject = subjects.get(sel["id"], {})
                    visit = visits.get((sel["id"], key, int(rnd["round"])))
                    team = visit["team"] if visit else []
                    department = org.body_department(lead, team)
                    rows.append(
                        {
                            "stratum": label,
                            "rank": sel["rank"],
                            "id": sel["id"],
                            "name": subject.get("name", ""),
                            "address": subject.get("address", ""),
                            "risk": style.risk_name(subject.get("risk")) if edition.show_risk else "",
                            "date": visit["date"] if visit else "",
                            "visit": visit["visit"] if visit else "",
                            "team": _team(team),
                            "team_text": _team_text(team),
                            "issuer": org.issuer(department).name if department else org.plan_issuer.name,
                            "issuer_key": department or "",
                        }
                    )
            if not edition.show_risk:
                rows.sort(key=lambda r: (r["date"] or "9999", r["id"]))
            sections: list[dict[str, Any]] = []
            for row in rows:
                if not sections or (org.is_level(lead) and sections[-1]["issuer_key"] != row["issuer_key"]):
                    if org.is_level(lead):
                        found = next((s for s in sections if s["issuer_key"] == row["issuer_key"]), None)
                        if found is not None:
                            found["rows"].append(row)
                            continue
                    department = row["issuer_key"] or None
                    sections.append(
                        {
                            "issuer_key": row["issuer_key"],
                            "issuer": org.issuer(department).as_view()
                            if department
                            else org.plan_issuer.as_view(),
                            "rows": [],
                        }
                    )
                sections[-1]["rows"].append(row)
            if not sections:
                department = org.department_of(lead)
                sections.append(
                    {
                        "issuer_key": department or "",
                        "rows": [],
                        "issuer": (org.issuer(department) if department else org.plan_issuer).as_view(),
                    }
                )
            seq = 0
            for section in sections:
                for row in section["rows"]:
                    seq += 1
                    row["seq"] = seq
            lists.append(
                {
                    "task": task["no"],
                    "label": unit_label(task),
                    "name": task["name"],
                    "round": rnd["round"],
                    "lead": lead,
                    "assist": "、".join(task["assist"]),
                    "window": rnd["window"],
                    "population": sum(s["population"] for s in rnd["strata"]),
                    "rows": [r for s in sections for r in s["rows"]],
                    "sections": sections,
                    "issuers": _dedupe(s["issuer"]["name"] for s in sections),
                    "departments": _dedupe(s["issuer_key"] for s in sections),
                    "slug": list_slug(task, int(rnd["round"])),
                    "show_risk": edition.show_risk,
                }
            )
    return lists


# ---------------------------------------------------------------- notices


class Numbering:
    """The running 文号 of each issuer (its own pattern and first number; --first-number otherwise), and
    one SSJ421 warning per issuer that has no usable pattern."""

    def __init__(self, year: int, first: int, file: str) -> None:
        self.year, self.first, self.file = year, first, file
        self.next: dict[str, int] = {}
        self.warnings: list[Diagnostic] = []
        self.warned: set[str] = set()

    def take(self, issuer: Issuer) -> str:
        pattern = issuer.doc_number
        if not pattern or "{号}" not in pattern:
            if issuer.name not in self.warned:
                self.warned.add(issuer.name)
                where = "计划的 部门 块" if issuer.key else "计划块"
                example = f"{pattern}{{号}}号" if pattern and pattern.endswith("〕") else "××〔{年}〕{号}号"
                self.warnings.append(
                    warning(
                        SSJ421,
                        (
                            f"「{issuer.name}」的文号格式「{pattern}」中没有 {{号}}，其检查通知书将不编号 "
                            f"(no {{号}} in the 文号 pattern)"
                            if pattern
                            else f"「{issuer.name}」没有文号格式，其检查通知书将不编号 (no 文号 pattern)"
                        ),
                        self.file,
                        hint=f'在{where}中写上本机关的文号格式：文号 "{example}"（××为发文机关代字），'
                        "或在 --issuers 表的「文号」列中给出",
                    )
                )
            return ""
        number = self.next.get(issuer.key, issuer.first_number or self.first)
        self.next[issuer.key] = number + 1
        return style.doc_number(pattern, self.year, number)


def _contact_warnings(issuers: Iterable[Issuer], file: str) -> list[Diagnostic]:
    out = []
    for issuer in issuers:
        missing = [what for what, value in (("联系人", issuer.contact), ("电话", issuer.phone)) if not value]
        if missing:
            out.append(
                warning(
                    SSJ424,
                    f"「{issuer.name}」没有{'和'.join(missing)}，其文书上的联系方式留空待填 "
                    f"(issuer without contact person or telephone)",
                    file,
                    hint="在该部门的 部门 块中写 联系人 和 电话，或在 --issuers 表中给出",
                )
            )
    return out


def _unit_of(units: dict[tuple[str, int | None], dict], key: str, sub: int | None) -> dict:
    return (
        units.get((key, sub))
        or units.get((key, None))
        or {"name": "", "lead": "", "assist": [], "item_details": [], "methods": [], "materials": []}
    )


def _item_detail(unit: dict, text: str) -> dict:
    return next((d for d in unit.get("item_details") or () if d["text"] == text), {})


def visit_groups(visit: dict, units: dict[tuple[str, int | None], dict]) -> list[dict[str, Any]]:
    """A visit's items grouped by task (sub-row), numbered through: what the notice and the form list."""
    groups: list[dict[str, Any]] = []
    for item in visit["items"]:
        key, sub = task_key(item["task"]), item.get("sub")
        if not groups or (groups[-1]["key"], groups[-1]["sub"]) != (key, sub):
            unit = _unit_of(units, key, sub)
            label = f"任务{item['task']}" + (
                f"（{unit.get('label') or '子项' + str(sub)}）" if sub is not None else ""
            )
            groups.append(
                {
                    "key": key,
                    "sub": sub,
                    "task": item["task"],
                    "label": label,
                    "name": unit["name"],
                    "lead": unit["lead"],
                    "assist": "、".join(unit["assist"]),
                    "unit": unit,
                    "items": [],
                }
            )
        groups[-1]["items"].append(item["item"])
    counter = 0
    for group in groups:
        unit = group["unit"]
        group["numbered"] = []
        group["details"] = []
        for text in group["items"]:
            counter += 1
            detail = _item_detail(unit, text)
            methods = list(detail.get("methods") or unit.get("methods") or ())
            group["numbered"].append(f"{counter}.{text}")
            group["details"].append(
                {
                    "n": counter,
                    "text": text,
                    "basis": detail.get("basis") or "",
                    "methods": methods,
                    "materials": list(detail.get("materials") or ()),
                    "inspect": list(detail.get("inspect") or ()),
                }
            )
    return groups


def _visit_methods(groups: list[dict], plan: dict) -> list[str]:
    found = _dedupe(m for g in groups for d in g["details"] for m in d["methods"])
    return found or list(DEFAULT_METHODS)


def _visit_materials(groups: list[dict], plan: dict) -> list[str]:
    found = _dedupe(
        [
            *(m for g in groups for d in g["details"] for m in d["materials"]),
            *(m for g in groups for m in g["unit"].get("materials") or ()),
        ]
    )
    return found or list(plan["plan"].get("materials") or ()) or list(DEFAULT_MATERIALS)


def notice_issuers(groups: list[dict], visit: dict, org: Organisation) -> list[str]:
    """The departments that issue a visit's notice: the 发起 of each task in it (a unit's department, a
    level's office on the team), in task order."""
    return _dedupe(org.body_department(g["lead"], visit["team"]) or "" for g in groups)


def notices_view(
    plan: dict,
    record: dict,
    org: Organisation,
    units: dict[tuple[str, int | None], dict],
    first_number: int,
    day: date | None,
    file: str,
) -> tuple[list[dict[str, Any]], list[Diagnostic]]:
    """检查通知书: one per visit, issued by the 发起 of its tasks and numbered with the first one's 文号; the
    team's other departments are named as 联合检查 participants; 检查方式, materials, the contact, the
    channel of publication for this subject, and the 送达回证 data."""
    numbering = Numbering(int(plan["plan"]["year"]), first_number, file)
    header = plan["plan"]
    notices = []
    used: dict[str, Issuer] = {}
    for visit in record["visits"]:
        subject = record["subjects"].get(visit["subject"], {})
        groups = visit_groups(visit, units)
        issuer_keys = notice_issuers(groups, visit, org)
        issuers = [org.issuer(k) for k in issuer_keys] or [org.plan_issuer]
        primary = issuers[0]
        for issuer in issuers:
            used.setdefault(issuer.name, issuer)
        team_departments = org.team_departments(visit["team"])
        participants = [org.issuer(d).name for d in team_departments if d not in issuer_keys]
        number = numbering.take(primary)
        issued = day or date.fromisoformat(visit["date"])
        notices.append(
            {
                "visit": visit["visit"],
                "number": number,
                "issuer": primary.as_view(),
                "issuers": [i.as_view() for i in issuers],
                "issuer_names": "、".join(i.name for i in issuers),
                "participants": "、".join(participants),
                "departments": "、".join([*(i.name for i in issuers), *participants]),
                "subject_id": visit["subject"],
                "subject": subject.get("name", ""),
                "address": subject.get("address", ""),
                "legal_rep": subject.get("legal_rep", ""),
                "groups": [{k: v for k, v in g.items() if k != "unit"} for g in groups],
                "item_count": sum(len(g["items"]) for g in groups),
                "tasks_text": "、".join(f"“{g['name']}”" for g in groups),
                "methods": "、".join(_visit_methods(groups, plan)),
                "materials": _visit_materials(groups, plan),
                "date": visit["date"],
                "date_cn": style.cn_date(visit["date"]),
                "window_cn": style.cn_date_range(visit["window"]["start"], visit["window"]["end"]),
                "publish_by_cn": style.cn_date(visit["publish_by"]),
                "channel": channel_text(visit["subject"], subject, primary),
                "team": _team(visit["team"]),
                "team_text": _team_text(visit["team"]),
                "issued": issued.isoformat(),
                "issued_cn": style.cn_date(issued),
                "authority": primary.name,
                "contact": primary.contact or "",
                "phone": primary.phone or "",
                "plan_title": header["title"],
                "file": f"{safe_filename(visit['visit'])}-{safe_filename(subject.get('name', ''))}",
            }
        )
    return notices, numbering.warnings + _contact_warnings(used.values(), file)


# ---------------------------------------------------------------- the draw publication


def _shell_quote(text: str) -> str:
    """POSIX single-quoting, so a descriptor with a quote or $ still hashes exactly."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


NO_ROSTER_FILE = "-"
"""`roster_file` of a record drawn without a roster (its committed Q is `-`): verify takes no --roster."""

NO_ROSTER_VIEW: dict[str, Any] = {"file": "未提供", "inspectors": 0}
"""What the publication shows as the roster of a record drawn without one (`"roster": null`)."""


def verification_steps(record: dict) -> dict[str, Any]:
    """The shell commands anyone runs to re-derive C, S and one key from the published record.

    `roster_file` is `-` for a record drawn without a roster (`"roster": null`, Q = `-`)."""
    commitment = record["commitment"]
    lines = commitment["text"].split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    commit_cmd = "printf '%s\\n' " + " ".join(_shell_quote(x) for x in lines) + " | sha256sum"
    seed_cmd = (
        "printf '%s' "
        + _shell_quote(f"SSJ-DRAW-1|seed|{commitment['digest']}|{record['beacon_value']}")
        + " | sha256sum"
    )
    example: dict[str, Any] | None = None
    for task in record["tasks"]:
        for rnd in task["rounds"]:
            for stratum in rnd["strata"]:
                if stratum["selected"] and example is None:
                    sel = stratum["selected"][0]
                    example = {
                        "task": task["no"],
                        "round": rnd["round"],
                        "stream": rnd["stream"],
                        "stream_cmd": "printf '%s' "
                        + _shell_quote(f"{record['seed']}|task|{task['no']}|round|{rnd['round']}")
                        + " | sha256sum",
                        "id": sel["id"],
                        "key": sel["key"],
                        "key_cmd": "printf '%s' "
                        + _shell_quote(f"{rnd['stream']}|{sel['id']}")
                        + " | sha256sum",
                    }
    return {
        "commit_cmd": commit_cmd,
        "seed_cmd": seed_cmd,
        "example": example,
        "plan_file": record["plan"]["file"],
        "registry_file": record["registry"]["file"],
        "roster_file": record["roster"]["file"] if record.get("roster") else NO_ROSTER_FILE,
    }


def _stratum_rate(stratum: dict) -> str:
    """A stratum's rate as the publication shows it: `20%`, or `2户` for an absolute count (rate_ppm null)."""
    if stratum.get("rate_ppm") is not None:
        return style.percent(stratum["rate_ppm"] / 10_000)
    if stratum.get("count") is not None:
        return f"{stratum['count']}户"
    return "—"


def publication_view(
    plan: dict,
    record: dict,
    org: Organisation,
    units: dict[tuple[str, int | None], dict],
    edition: Edition,
    session: Session | None,
    cite_tool: bool,
    file: str,
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """抽查情况公示: first the account a citizen reads (who drew, when, where, how the random value came
    about, who witnessed, how many per task), then as an annex the commitment, digests, keys and the
    recompute steps; what the public can and cannot check in this edition."""
    subjects = record["subjects"]
    header = plan["plan"]
    warnings: list[Diagnostic] = []
    session = session or Session()
    if session.time is None or session.place is None:
        missing = "、".join(w for w, v in (("时间", session.time), ("地点", session.place)) if v is None)
        warnings.append(
            warning(
                SSJ425,
                f"没有抽取现场的{missing}，抽查情况公示中从略 (draw session time or place not given)",
                file,
                hint="用 --session FILE 写明抽取的 时间、地点、主持、见证（每行一项，如 地点：…）",
            )
        )
    witnesses = list(session.witnesses) or list(header.get("witnesses") or ())
    tasks = []
    for task in record["tasks"]:
        key = task_key(task["no"])
        unit = units.get((key, task.get("sub"))) or units.get((key, None)) or {}
        lead_department = org.department_of(unit.get("lead") or task["lead"])
        rounds = []
        for rnd in task["rounds"]:
            labels = stratum_labels(rnd["strata"], edition)
            strata = []
            picks = []
            for st, label in zip(rnd["strata"], labels, strict=True):
                strata.append(
                    {
                        "label": label,
                        "population": st["population"],
                        "digest": st["population_digest"],
                        # a class stratum's rate would tell its class: shown only where classes are
                        "rate": _stratum_rate(st) if edition.show_risk or not st.get("risk") else "—",
                        "k": st["k"],
                    }
                )
                for s in st["selected"]:
                    picks.append(
                        {
                            "stratum": label,
                            "rank": s["rank"],
                            "id": s["id"],
                            "name": subjects.get(s["id"], {}).get("name", ""),
                            "key": s["key"],
                        }
                    )
            if not edition.show_risk:
                strata.sort(key=lambda s: s["label"])
                picks.sort(key=lambda p: p["id"])
            rounds.append(
                {
                    "round": rnd["round"],
                    "stream": rnd["stream"],
                    "window": rnd["window"],
                    "strata": strata,
                    "selected": picks,
                }
            )
        tasks.append(
            {
                "no": task["no"],
                "label": unit_label(task),
                "name": task["name"],
                "lead": org.issuer(lead_department).name if lead_department else task["lead"],
                "rate_text": task["rate_text"],
                "population": task["population"],
                "selected": task["selected"],
                "realised": style.percent(task["realised_percent"]),
                "rounds": rounds,
                "names": sorted(
                    ({"id": p["id"], "name": p["name"]} for r in rounds for p in r["selected"]),
                    key=lambda p: p["id"],
                ),
            }
        )
    account = {
        "host": session.host or org.plan_issuer.name or "发文机关",
        "time": session.time or "",
        "place": session.place or "",
        "random": session.random or describe_beacon(record["commitment"]["beacon"]),
        "witnesses": "、".join(witnesses),
        "note": session.note or "",
        "subjects": len(subjects),
        "pairs": sum(t["selected"] for t in record["tasks"]),
        "visits": len(record["visits"]),
    }
    view = {
        "account": account,
        "commitment": record["commitment"],
        "beacon_value": record["beacon_value"],
        "seed": record["seed"],
        "plan": record["plan"],
        "registry": record["registry"],
        "roster": record["roster"] if record.get("roster") else NO_ROSTER_VIEW,
        "tasks": tasks,
        "spec": record["spec"],
        "generator": record["generator"],
        "verify": verification_steps(record),
        "warnings": list(record.get("warnings") or []) if edition.internal else [],
        "show_risk": edition.show_risk,
        "cite_tool": cite_tool,
        "issuer": org.plan_issuer.as_view(),
    }
    return view, warnings


# ---------------------------------------------------------------- results, per department


def _result_departments(
    row: ResultRow, visit: dict, org: Organisation, units: dict[tuple[str, int | None], dict]
) -> dict[str, list[str]]:
    """Department → the items of this result it checked: an item's 检查 department, else the task's 检查
    body, else its 发起 (a unit counts as its department, a level as the office on the team)."""
    key = task_key(row.task)
    sub = next((t.get("sub") for t in visit["tasks"] if task_key(t["no"]) == key), None)
    unit = _unit_of(units, key, sub)
    default_body = (unit.get("inspect") or [None])[0] or unit.get("lead")
    default = org.body_department(default_body, visit["team"]) or ""
    out: dict[str, list[str]] = {}
    for text in visit_items(visit, key):
        detail = _item_detail(unit, text)
        bodies = detail.get("inspect") or []
        department = org.body_department(bodies[0], visit["team"]) if bodies else default
        out.setdefault(department or default, []).append(text)
    if not out:
        out[default] = []
    return out


def _handling(disposal: Iterable[str], completed: date | None, note: str) -> str:
    parts = list(disposal)
    text = "；".join(parts)
    if parts and not all(p == DISPOSALS[0] for p in parts):
        text += f"（{style.cn_date(completed)}完成）" if completed else "（处置中）"
    if note:
        text = f"{text}。{note}" if text else note
    return text


def results_views(
    plan: dict,
    record: dict,
    results: ResultSet,
    org: Organisation,
    units: dict[tuple[str, int | None], dict],
    day: date,
) -> list[dict[str, Any]]:
    """抽查结果公示, one per department that inspected: its subjects, the items it checked, 检查日期, the
    results (per item where the sheet gave them), 处理情况; the channel per subject; an objection
    paragraph with the deadline (10 working days from publication) and the department's contact."""
    subjects = record["subjects"]
    visits = {v["visit"]: v for v in record["visits"]}
    task_names = {task_key(t["no"]): t["name"] for t in record["tasks"]}
    per_department: dict[str, list[dict[str, Any]]] = {}
    for row in results.rows:
        visit = visits[row.visit]
        key = task_key(row.task)
        item_results = {i.item: i for i in row.items}
        for department, items in _result_departments(row, visit, org, units).items():
            mine = [item_results[i] for i in items if i in item_results]
            if row.items and not mine:
                continue  # item-level results, none of this department's items entered yet
            if mine:
                categories = [c for i in mine for c in i.outcome]
                ordered = [c for c in RESULT_CATEGORIES if c in categories]
                if len(ordered) > 1:
                    ordered = [c for c in ordered if c != NO_FINDING]
                disposal = _dedupe(d for i in mine for d in i.disposal) or list(row.disposal)
                done = [i.completed for i in mine if i.completed]
                completed = max(done) if done else row.completed
                note = "；".join(_dedupe([*(i.note for i in mine), row.note]))
                methods = _dedupe(m for i in mine for m in i.methods) or list(row.methods)
                shown_items = [i.item for i in mine]
            else:
                ordered, disposal, completed, note = (
                    list(row.categories),
                    list(row.disposal),
                    row.completed,
                    row.note,
                )
                methods, shown_items = list(row.methods), items
            subject = subjects.get(row.subject, {})
            issuer = org.issuer(department or None)
            per_department.setdefault(department, []).append(
                {
                    "id": row.subject,
                    "name": subject.get("name", ""),
                    "task": row.task,
                    "task_key": key,
                    "task_name": task_names.get(key, ""),
                    "inspector": issuer.name,
                    "items": shown_items,
                    "items_text": "；".join(f"{n}.{t}" for n, t in enumerate(shown_items, 1)),
                    "date": row.date,
                    "date_cn": style.cn_date(row.date),
                    "result": "；".join(ordered),
                    "categories": ordered,
                    "methods": "、".join(methods),
                    "handling": _handling(disposal, completed, note),
                    "channel": channel(row.subject, subject),
                    "visit": row.visit,
                }
            )
    deadline = add_workdays(day, OBJECTION_WORKDAYS)
    views = []
    for department in sorted(
        per_department,
        key=lambda d: list(org.departments).index(d) if d in org.departments else len(org.departments),
    ):
        rows = sorted(
            per_department[department],
            key=lambda r: (r["channel"] != "gsxt", task_sort_key(r["task"]), r["date"], r["id"]),
        )
        for n, row in enumerate(rows, start=1):  # numbered through: enterprises first, then the others
            row["seq"] = n
        issuer = org.issuer(department or None)
        counts = Counter(c for r in rows for c in r["categories"])
        views.append(
            {
                "department": department or issuer.name,
                "slug": safe_filename(department or issuer.name),
                "issuer": issuer.as_view(),
                "rows": rows,
                "gsxt": [r for r in rows if r["channel"] == "gsxt"],
                "site": [r for r in rows if r["channel"] == "site"],
                "gsxt_name": GSXT,
                "total": len(rows),
                "categories": [
                    {"name": c, "count": counts.get(c, 0)} for c in RESULT_CATEGORIES if counts.get(c)
                ],
                "objection_days": OBJECTION_WORKDAYS,
                "objection_by": deadline.isoformat(),
                "objection_by_cn": style.cn_date(deadline),
                "date": day.isoformat(),
                "date_cn": style.cn_date(day),
            }
        )
    return views


# ---------------------------------------------------------------- the record form and the entry templates


def record_forms(
    plan: dict, record: dict, notices: list[dict[str, Any]], units: dict[tuple[str, int | None], dict]
) -> list[dict[str, Any]]:
    """检查情况记录表, one per visit: the subject, its notice's number, each item with its 检查方式 line and
    outcome boxes, the overall result categories, 后续处置 choices, the team and the signature lines."""
    forms = []
    for visit, notice in zip(record["visits"], notices, strict=True):
        subject = record["subjects"].get(visit["subject"], {})
        groups = visit_groups(visit, units)
        forms.append(
            {
                "visit": visit["visit"],
                "number": notice["number"],
                "issuer": notice["issuer"],
                "issuer_names": notice["issuer_names"],
                "departments": notice["departments"],
                "subject": subject.get("name", ""),
                "subject_id": visit["subject"],
                "address": subject.get("address", ""),
                "legal_rep": subject.get("legal_rep", ""),
                "phone": subject.get("phone", ""),
                "date_cn": style.cn_date(visit["date"]),
                "groups": [{k: v for k, v in g.items() if k != "unit"} for g in groups],
                "checks": [d for g in groups for d in g["details"]],
                "methods": list(METHODS[:4]),
                "categories": list(RESULT_CATEGORIES),
                "disposals": list(DISPOSALS),
                "team": _team(visit["team"]),
                "file": notice["file"],
                "task_labels": "、".join(f"{g['label']} {g['name']}" for g in groups),
            }
        )
    return forms


ENTRY_COLUMNS: tuple[str, ...] = (
    "检查编号",
    "统一社会信用代码",
    "名称",
    "任务序号",
    "检查事项",
    "计划检查日期",
    "检查方式",
    "检查日期",
    "检查结果",
    "后续处置",
    "完成日期",
    "处理情况/备注",
)


def entry_rows(
    record: dict, org: Organisation, units: dict[tuple[str, int | None], dict]
) -> dict[str, list[list[Any]]]:
    """结果录入表: department → one row per (visit, task, item) it checks (谁检查、谁录入), entry cells
    blank."""
    out: dict[str, list[list[Any]]] = {}
    for visit in record["visits"]:
        subject = record["subjects"].get(visit["subject"], {})
        seen: set[str] = set()
        for task in visit["tasks"]:
            key = task_key(task["no"])
            if key in seen:
                continue
            seen.add(key)
            row = ResultRow(
                0,
                visit["subject"],
                task["no"],
                date.fromisoformat(visit["date"]),
                (),
                "",
                visit["visit"],
                date.fromisoformat(visit["publish_by"]),
            )
            for department, items in _result_departments(row, visit, org, units).items():
                for item in items or [""]:
                    out.setdefault(department, []).append(
                        [
                            visit["visit"],
                            visit["subject"],
                            subject.get("name", ""),
                            task["no"],
                            item,
                            date.fromisoformat(visit["date"]),
                            "",
                            None,
                            "",
                            "",
                            None,
                            "",
                        ]
                    )
    return out


# ---------------------------------------------------------------- the summary


def _wrap(text: str, width: int) -> list[str]:
    """Break a label into lines of at most `width` display columns (CJK 2, others 1): nothing is cut."""
    lines, line, used = [], "", 0
    for char in text:
        w = 2 if ord(char) > 0x2E80 else 1
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += char
        used += w
    if line:
        lines.append(line)
    return lines or [""]


def bar_chart(
    rows: Iterable[tuple[str, float, str]],
    unit: str = "",
    width: int = 720,
    bar_height: int = 18,
    marks: Iterable[float | None] | None = None,
    label_columns: int = 40,
) -> Markup:
    """A horizontal bar chart as inline SVG (no JavaScript): (label, value, shown text) per bar. Labels are
    wrapped, never cut. `marks` draws a red line per bar (the plan's rate beside the realised rate)."""
    rows = list(rows)
    mark_list = list(marks) if marks is not None else [None] * len(rows)
    label_w, gap, right, line_h = label_columns * 6 + 12, 8, 90, 14
    scale_max = max([v for _, v, _ in rows] + [m for m in mark_list if m is not None] + [1e-9])
    plot_w = width - label_w - right
    wrapped = [_wrap(label, label_columns) for label, _, _ in rows]
    heights = [max(bar_height, len(lines) * line_h + 4) for lines in wrapped]
    height = sum(heights) + gap * (len(rows) + 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    y = gap
    for (_label, value, shown), mark, lines, h in zip(rows, mark_list, wrapped, heights, strict=True):
        w = 0 if value <= 0 else max(1, round(plot_w * value / scale_max))
        top = y + (h - len(lines) * line_h) / 2
        for n, line in enumerate(lines):
            parts.append(
                f'<text x="{label_w - 6}" y="{top + (n + 1) * line_h - 3:g}" text-anchor="end" '
                f'class="label">{escape(line)}</text>'
            )
        bar_y = y + (h - bar_height) / 2
        parts.append(f'<rect x="{label_w}" y="{bar_y:g}" width="{w}" height="{bar_height}" class="bar"/>')
        if mark is not None:
            mx = label_w + round(plot_w * mark / scale_max)
            parts.append(
                f'<line x1="{mx}" y1="{bar_y - 3:g}" x2="{mx}" y2="{bar_y + bar_height + 3:g}" class="mark"/>'
            )
        parts.append(
            f'<text x="{label_w + w + 6}" y="{bar_y + bar_height - 5:g}" class="value">{escape(shown)}'
            f"{escape(unit)}</text>"
        )
        y += h + gap
    parts.append("</svg>")
    return Markup("".join(parts))


def planned_percent(task: dict, plan_task: dict | None) -> float | None:
    """The reference rate a task's realised rate is drawn against: its floor, else its plan rate, else a
    planned count over the population; None only for a task without population."""
    if task.get("floor_percent") is not None:
        return float(task["floor_percent"])
    rate = (plan_task or {}).get("rate") or {}
    if rate.get("percent") is not None:
        return float(rate["percent"])
    population = task.get("population") or 0
    if not population:
        return None
    count = rate.get("count") or rate.get("min_count")
    if count:
        return min(100.0, 100.0 * count / population)
    return (
        100.0 * (task.get("selected") or 0) / population
    )  # the draw's own planned k (rules by size, groups)


def summary_view(plan: dict, record: dict, results: ResultSet | None, edition: Edition) -> dict[str, Any]:
    """汇总: counts per task (and per risk class where the edition shows classes), realised vs planned
    rates (every task has its reference mark), merged visits, inspector workloads, results entered."""
    subjects = record["subjects"]
    plan_tasks = {task_key(t["no"]): t for t in plan["tasks"]}
    tasks = []
    for task in record["tasks"]:
        per_risk: Counter[str] = Counter()
        for rnd in task["rounds"]:
            for st in rnd["strata"]:
                for sel in st["selected"]:
                    per_risk[subjects.get(sel["id"], {}).get("risk") or "U"] += 1
        plan_task = plan_tasks.get(task_key(task["no"]))
        reference = planned_percent(task, plan_task)
        tasks.append(
            {
                "no": task["no"],
                "label": unit_label(task),
                "name": task["name"],
                "population": task["population"],
                "selected": task["selected"],
                "floor": task["floor_percent"],
                "reference": reference,
                "reference_text": style.percent(reference),
                "floor_text": task["rate_text"],
                "realised": task["realised_percent"],
                "realised_text": style.percent(task["realised_percent"]),
                "below": (
                    task["floor_percent"] is not None
                    and task["realised_percent"] is not None
                    and task["realised_percent"] + 1e-9 < task["floor_percent"]
                ),
                "rounds": plan_task["rounds_text"] if plan_task else "",
                "risk": [per_risk.get(letter, 0) for letter in style.RISK_ORDER],
            }
        )
    visits = record["visits"]
    pairs = sum(len(v["tasks"]) for v in visits)
    risk_totals = [sum(t["risk"][i] for t in tasks) for i in range(len(style.RISK_ORDER))]
    workload = sorted(record["workload"], key=lambda w: (-int(w["visits"]), w["department"], w["badge"]))
    depts: Counter[str] = Counter()
    for w in record["workload"]:
        depts[w["department"]] += int(w["visits"])
    return {
        "tasks": tasks,
        "show_risk": edition.show_risk,
        "risk_names": [style.RISK_NAMES[r] for r in style.RISK_ORDER],
        "risk_totals": risk_totals,
        "visits": len(visits),
        "multi": sum(1 for v in visits if len(v["tasks"]) > 1),
        "pairs": pairs,
        "saved": pairs - len(visits),
        "max_tasks": max((len(v["tasks"]) for v in visits), default=0),
        "workload": workload,
        "results_done": len(results.rows) if results else None,
        "chart_rates": bar_chart(
            [
                (f"{t['label']} {t['name']}", float(t["realised"] or 0), style.percent(t["realised"]))
                for t in tasks
            ],
            marks=[t["reference"] for t in tasks],
        ),
        "chart_risk": bar_chart(
            [
                (n, float(c), str(c))
                for n, c in zip([style.RISK_NAMES[r] for r in style.RISK_ORDER], risk_totals, strict=True)
            ],
            unit=" 户",
            label_columns=12,
        ),
        "chart_departments": bar_chart(
            [(d, float(c), str(c)) for d, c in sorted(depts.items(), key=lambda x: (-x[1], x[0]))],
            unit=" 人次",
            label_columns=24,
        ),
    }


def summary_date(results: ResultSet | None, given: date | None, fallback: date) -> date:
    """The summary's date: --date, else the latest result's 检查日期, else the plan's default date."""
    if given is not None:
        return given
    if results is not None and results.rows:
        return max(r.date for r in results.rows)
    return fallback
