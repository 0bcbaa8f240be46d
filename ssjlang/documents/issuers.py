"""Who issues each document, and through which channel a result is published (文书的发文机关与公示渠道).

The documents read the plan as data (`export_plan`): the plan header (发文机关, 文号, 联系人, 电话, 地址,
网站, 见证) and the departments with their units, issuing details and 辖区, the levels (层级) with their
member offices, and per task its 发起/检查/配合 bodies and per item the department that checks it (一业一查).
This module turns that into one answer per document:

- the plan table, the draw publication and the summary: the plan's authority (发文机关);
- a task's 抽查名单 and each 检查通知书: the task's 发起 — a department itself, a unit (单位) under its
  department's full name, a level (层级) through the office of the subject's area (the department of the
  visit's team that belongs to the level); a joint notice names every department on the team;
- each department's 抽查结果公示: the department that inspected (谁检查、谁录入、谁公开), for what it
  inspected: an item's 检查 department, else the task's 检查 body, else its 发起;
- the channel: enterprises and 个体工商户 (统一社会信用代码 beginning with 9, or registry 类型 个体工商户)
  on 国家企业信用信息公示系统, every other subject (事业单位 12…, 社会组织 5…) on the department's own site.

`--issuers FILE` (a CSV/XLSX table) supplies what a plan does not say yet — for instance the shipped
Chengqu plan, whose digest is committed in its draw and which therefore cannot gain the new 部门 fields.
The plan's own values win; a file value that contradicts one is a warning (SSJ432).

`--session FILE` describes the draw session (时间, 地点, 主持, 见证, 随机数) for the 抽查情况公示.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..canonical import canonical_text, parse_date
from ..diagnostics import Diagnostic, InputError, cell_span, error, has_errors, warning
from ..inputs import PLAN, read_limited
from ..interpret.registry import read_table
from ..language.nodes import Span

SSJ424 = "SSJ424"  # an issuer has no contact person or telephone (warning)
SSJ425 = "SSJ425"  # a draw is published without the session's time and place (warning)
SSJ430 = "SSJ430"  # --issuers: a required column is missing, or the file is empty
SSJ431 = "SSJ431"  # --issuers: a row names no department of the plan
SSJ432 = "SSJ432"  # --issuers: a value contradicts the plan (warning; the plan's value is used)
SSJ433 = "SSJ433"  # --issuers: a bad cell (文号 without {号}, 起始号 not a positive number, a repeated row)
SSJ434 = "SSJ434"  # --session: a line that is not 键：值, an unknown or repeated key, an empty value
SSJ435 = "SSJ435"  # --session: the 时间 cannot be read

#: 国家企业信用信息公示系统: where enterprises' and 个体工商户's results are published.
GSXT = "国家企业信用信息公示系统"

#: The plan itself in an --issuers file (its authority's row), besides the authority's own name.
PLAN_ROW_NAMES: tuple[str, ...] = ("发文机关", "计划")


@dataclass(frozen=True)
class Issuer:
    """A body that issues documents: `name` is printed (全称), `key` the declared department name ("" for
    the plan's authority); the rest may be None when neither the plan nor --issuers says it."""

    key: str
    name: str
    doc_number: str | None = None
    contact: str | None = None
    phone: str | None = None
    address: str | None = None
    site: str | None = None
    first_number: int | None = None

    @property
    def site_text(self) -> str:
        """Where this issuer publishes on its own: `晋城市城区教育科技局门户网站（http://…）`."""
        return f"{self.name}门户网站" + (f"（{self.site}）" if self.site else "")

    def as_view(self) -> dict[str, Any]:
        """The issuer as templates read it (every field a string, "" when unknown)."""
        return {
            "key": self.key,
            "name": self.name,
            "contact": self.contact or "",
            "phone": self.phone or "",
            "address": self.address or "",
            "site": self.site or "",
            "site_text": self.site_text,
        }


ISSUER_FIELDS: dict[str, tuple[str, ...]] = {
    "department": ("部门", "department"),
    "name": ("全称", "发文机关", "full_name", "name"),
    "doc_number": ("文号", "文号格式", "doc_number"),
    "contact": ("联系人", "contact"),
    "phone": ("电话", "联系电话", "phone"),
    "address": ("地址", "address"),
    "site": ("网站", "公示网站", "site"),
    "first_number": ("起始号", "起始文号", "first_number"),
}


@dataclass
class IssuerFile:
    """An --issuers table: department key ("" for the plan) → the fields it gives, and where each row is."""

    file: str
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, int] = field(default_factory=dict)


class Organisation:
    """The plan's bodies as the documents need them: every name, alias and unit → its department, each
    department's issuer (plan values, then --issuers), the plan's own issuer, and the levels."""

    def __init__(self, plan: dict[str, Any], extra: IssuerFile | None = None) -> None:
        header = plan["plan"]
        self.publish_risk = bool(header.get("publish_risk"))
        self.departments: dict[str, dict[str, Any]] = {d["name"]: d for d in plan.get("departments") or []}
        self.levels: dict[str, dict[str, Any]] = {lv["name"]: lv for lv in plan.get("levels") or []}
        self.owner: dict[str, str] = {}
        for d in self.departments.values():
            for name in (d["name"], *(d.get("aliases") or ())):
                self.owner[name] = d["name"]
            for unit in d.get("units") or ():
                for name in (unit["name"], *(unit.get("aliases") or ())):
                    self.owner[name] = d["name"]
        extra_rows = extra.rows if extra is not None else {}
        plan_extra = extra_rows.get("", {})
        authority = header.get("authority") or plan_extra.get("name") or ""
        self.plan_issuer = Issuer(
            "",
            authority,
            header.get("doc_number") or plan_extra.get("doc_number"),
            header.get("contact") or plan_extra.get("contact"),
            header.get("phone") or plan_extra.get("phone"),
            header.get("address") or plan_extra.get("address"),
            header.get("site") or plan_extra.get("site"),
            plan_extra.get("first_number"),
        )
        self.issuers: dict[str, Issuer] = {}
        for name, d in self.departments.items():
            given = extra_rows.get(name, {})
            declared = d.get("full_name") if d.get("full_name") and d.get("full_name") != name else None
            issuer = Issuer(
                name,
                declared or given.get("name") or name,
                d.get("doc_number") or given.get("doc_number"),
                d.get("contact") or given.get("contact"),
                d.get("phone") or given.get("phone"),
                d.get("address") or given.get("address"),
                d.get("site") or given.get("site"),
                given.get("first_number"),
            )
            if authority and issuer.name == authority:
                # the plan's own authority: its 文号 and contact are the plan header's unless it has its own
                plan = self.plan_issuer
                issuer = replace(
                    issuer,
                    doc_number=issuer.doc_number or plan.doc_number,
                    contact=issuer.contact or plan.contact,
                    phone=issuer.phone or plan.phone,
                    address=issuer.address or plan.address,
                    site=issuer.site or plan.site,
                    first_number=issuer.first_number or plan.first_number,
                )
            self.issuers[name] = issuer

    # ------------------------------------------------------------ bodies

    def department_of(self, name: str | None) -> str | None:
        """The declared department a department, unit or alias name belongs to (None for a level or an
        unknown name)."""
        if not name:
            return None
        return self.owner.get(name)

    def issuer(self, department: str | None) -> Issuer:
        """A department's issuer; an unknown name issues under its own name (never another body's)."""
        if department is None:
            return self.plan_issuer
        found = self.issuers.get(department)
        return found if found is not None else Issuer(department, department)

    def team_departments(self, team: list[dict[str, Any]]) -> list[str]:
        """The departments of a visit's team, in team order, each once (a unit counts as its department)."""
        out: list[str] = []
        for member in team:
            name = self.department_of(member.get("department")) or member.get("department") or ""
            if name and name not in out:
                out.append(name)
        return out

    def body_department(self, body: str | None, team: list[dict[str, Any]]) -> str | None:
        """The department that acts for a task's body on one visit: a department itself, a unit's
        department, a level's office (the team's department that is a member of the level, else the
        team's first department); None when no department can be named (a level without a team)."""
        if not body:
            return None
        found = self.department_of(body)
        if found is not None:
            return found
        level = self.levels.get(body)
        departments = self.team_departments(team)
        if level is not None:
            members = set(level.get("members") or ())
            for name in departments:
                if name in members:
                    return name
        return departments[0] if departments else None

    def is_level(self, body: str | None) -> bool:
        return bool(body) and body in self.levels and self.department_of(body) is None


# ---------------------------------------------------------------- publication channel


def channel(subject_id: str, subject: dict[str, Any]) -> str:
    """`gsxt` for enterprises and 个体工商户 (credit code 9…, or 类型 个体工商户), else `site`."""
    kind = str(subject.get("type") or "")
    if subject_id.startswith("9") or "个体工商户" in kind:
        return "gsxt"
    return "site"


def channel_text(subject_id: str, subject: dict[str, Any], issuer: Issuer) -> str:
    """The channel in words: 国家企业信用信息公示系统, or the issuer's own site."""
    return GSXT if channel(subject_id, subject) == "gsxt" else issuer.site_text


# ---------------------------------------------------------------- the task bodies of a draw unit


def unit_index(plan: dict[str, Any]) -> dict[tuple[str, int | None], dict[str, Any]]:
    """(task number as text, sub-row or None) → the plan's task or sub-row as data."""
    out: dict[tuple[str, int | None], dict[str, Any]] = {}
    for task in plan["tasks"]:
        out[(str(task["no"]), None)] = task
        for part in task.get("parts") or ():
            out[(str(task["no"]), part.get("sub"))] = {**task, **part}
    return out


def task_key(no: object) -> str:
    """A task number as the documents key it: `4` (also for 04 or 4.0), or a code such as SJ-2023-01."""
    text = canonical_text(str(no))
    m = re.fullmatch(r"0*(\d+)(\.0+)?", text)
    return str(int(m.group(1))) if m else text


def task_sort_key(no: object) -> tuple[int, int, str]:
    """Plan order for task keys: numbers by value, codes after them by text."""
    text = task_key(no)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


# ---------------------------------------------------------------- --issuers FILE


def load_issuers(
    path: Path, plan: dict[str, Any], encoding: str | None = None
) -> tuple[IssuerFile, list[Diagnostic]]:
    """Read an --issuers table (部门, 全称, 文号, 联系人, 电话, 地址, 网站, 起始号). Raises InputError with
    every problem at file:row:column; returns the rows and the warnings (SSJ432 contradictions)."""
    file = str(path)
    table, diagnostics = read_table(Path(path), encoding, ("发文机关", "部门", "issuers"))
    if table is None:
        raise InputError(diagnostics)
    found: dict[str, int] = {}
    for key, spellings in ISSUER_FIELDS.items():
        lowered = {s.lower() for s in spellings}
        for index, cell in enumerate(table.header):
            if cell.lower() in lowered and key not in found:
                found[key] = index
    if not table.header or "department" not in found:
        raise InputError(
            [
                *diagnostics,
                error(
                    SSJ430,
                    "发文机关表缺少「部门」列 (no department column)",
                    file,
                    cell_span(max(table.header_row, 1), 1),
                    hint="第一行为表头：部门,全称,文号,联系人,电话,地址,网站,起始号；「部门」写计划中声明的部门名，"
                    "写「发文机关」表示计划本身",
                ),
            ]
        )
    org = Organisation(plan)
    authority = org.plan_issuer.name
    out = IssuerFile(file)
    for row_no, cells in table.rows:
        if not any(cells):
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            index = found.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        name = cell("department")
        if name in PLAN_ROW_NAMES or (authority and name == authority):
            key = ""
        else:
            key = org.department_of(name) or ""
            if not key:
                known = "、".join(sorted(org.departments)) or "（计划中没有声明部门）"
                diagnostics.append(
                    error(
                        SSJ431,
                        f"计划中没有部门「{name}」 (unknown department)",
                        file,
                        cell_span(row_no, found["department"] + 1),
                        hint=f"写计划中声明的部门名或其又称：{known}；写「发文机关」表示计划本身",
                    )
                )
                continue
        if key in out.rows:
            diagnostics.append(
                error(
                    SSJ433,
                    f"部门「{name}」在发文机关表中出现两次 (department listed twice)",
                    file,
                    cell_span(row_no, found["department"] + 1),
                    hint=f"第{out.places[key]}行已写过这个部门；合并为一行",
                )
            )
            continue
        values: dict[str, Any] = {}
        for field_key in ("name", "doc_number", "contact", "phone", "address", "site"):
            if cell(field_key):
                values[field_key] = cell(field_key)
        pattern = values.get("doc_number")
        if pattern is not None and "{号}" not in pattern:
            diagnostics.append(
                error(
                    SSJ433,
                    f"文号格式「{pattern}」中没有 {{号}} (no {{号}} in the 文号 pattern)",
                    file,
                    cell_span(row_no, found["doc_number"] + 1),
                    hint="用 {年} 和 {号} 写出文号格式，例如 城区教科发〔{年}〕{号}号",
                )
            )
        first = cell("first_number")
        if first:
            if re.fullmatch(r"0*[1-9]\d{0,6}(\.0+)?", first):
                values["first_number"] = int(float(first))
            else:
                diagnostics.append(
                    error(
                        SSJ433,
                        f"起始号「{first}」不是正整数 (first number must be a positive whole number)",
                        file,
                        cell_span(row_no, found["first_number"] + 1),
                        hint="写本部门下一份检查通知书的序号，例如 15",
                    )
                )
        declared = _declared(plan, key)
        for field_key, value in values.items():
            mine = declared.get(field_key)
            if mine and mine != value:
                column = found[field_key] + 1
                diagnostics.append(
                    warning(
                        SSJ432,
                        f"「{name}」的{ISSUER_FIELDS[field_key][0]}与计划不一致：计划为「{mine}」，"
                        f"表中为「{value}」 (differs from the plan; the plan's value is used)",
                        file,
                        cell_span(row_no, column),
                        hint="以计划为准；若计划有误，改计划后重新抽取，或删去表中这一格",
                    )
                )
        out.rows[key] = values
        out.places[key] = row_no
    if has_errors(diagnostics):
        raise InputError(diagnostics)
    return out, diagnostics


def _declared(plan: dict[str, Any], key: str) -> dict[str, Any]:
    """The issuing values the plan itself gives for a department ("" = the plan header)."""
    if key == "":
        header = plan["plan"]
        return {
            "name": header.get("authority"),
            "doc_number": header.get("doc_number"),
            "contact": header.get("contact"),
            "phone": header.get("phone"),
            "address": header.get("address"),
            "site": header.get("site"),
        }
    d = next(d for d in plan.get("departments") or () if d["name"] == key)
    full = d.get("full_name") if d.get("full_name") != key else None
    return {
        "name": full,
        "doc_number": d.get("doc_number"),
        "contact": d.get("contact"),
        "phone": d.get("phone"),
        "address": d.get("address"),
        "site": d.get("site"),
    }


# ---------------------------------------------------------------- --session FILE


SESSION_KEYS: dict[str, str] = {
    "时间": "time",
    "地点": "place",
    "主持": "host",
    "见证": "witnesses",
    "随机数": "random",
    "说明": "note",
}


@dataclass(frozen=True)
class Session:
    """The draw session as the 抽查情况公示 tells it. `time` is printed as written after checking that
    its date can be read (`day`)."""

    time: str | None = None
    day: date | None = None
    place: str | None = None
    host: str | None = None
    witnesses: tuple[str, ...] = ()
    random: str | None = None
    note: str | None = None


def _session_time(text: str) -> tuple[str, date] | None:
    """`2024-02-28 09:30` or `2024年2月28日上午9时30分` → (how the document prints it, the day)."""
    m = re.match(r"^\s*(\S+?日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*(.*)$", text)
    if m is None:
        return None
    day = parse_date(m.group(1))
    if day is None:
        return None
    rest = m.group(2).strip()
    clock = re.fullmatch(r"(\d{1,2})[:：](\d{2})", rest)
    if clock is not None:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if hour > 23 or minute > 59:
            return None
        rest = f"{hour}时" + (f"{minute}分" if minute else "")
    return f"{day.year}年{day.month}月{day.day}日{rest}", day


def load_session(path: Path) -> Session:
    """Read a --session file: UTF-8 (or GB18030) text, one `键：值` per line, keys 时间 地点 主持 见证 随机数
    说明; `#` starts a comment. Raises InputError with every problem at file:line."""
    file = str(path)
    data = read_limited(Path(path), PLAN)  # a few lines; an OSError (a FIFO, too large) names the file
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    values: dict[str, str] = {}
    problems: list[Diagnostic] = []
    keys = "、".join(SESSION_KEYS)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = canonical_text(raw.split("#", 1)[0])
        if not line:
            continue
        span = Span(number, 1, number, 1, 0, 0)
        m = re.fullmatch(r"([^:：]+?)\s*[:：]\s*(.*)", line)
        if m is None:
            problems.append(
                error(
                    SSJ434,
                    f"这一行不是「键：值」 (not a key: value line)：{line}",
                    file,
                    span,
                    hint=f"每行写一项，例如 地点：城区市场监管局三楼会议室；可用的键：{keys}",
                )
            )
            continue
        key, value = m.group(1), m.group(2)
        if key not in SESSION_KEYS:
            problems.append(
                error(SSJ434, f"未知的键「{key}」 (unknown key)", file, span, hint=f"可用的键：{keys}")
            )
        elif key in values:
            problems.append(
                error(
                    SSJ434,
                    f"「{key}」写了两次 (key given twice)",
                    file,
                    span,
                    hint="每个键只写一行；多个见证单位用「、」隔开写在一行",
                )
            )
        elif not value:
            problems.append(
                error(
                    SSJ434,
                    f"「{key}」没有内容 (empty value)",
                    file,
                    span,
                    hint=f"在「{key}：」后写上内容，或删去这一行",
                )
            )
        else:
            values[key] = value
            if key == "时间" and _session_time(value) is None:
                problems.append(
                    error(
                        SSJ435,
                        f"抽取时间「{value}」无法识别 (cannot read the time)",
                        file,
                        span,
                        hint="写作 2024-02-28 09:30 或 2024年2月28日上午9时30分",
                    )
                )
    if problems:
        raise InputError(problems)
    when = _session_time(values["时间"]) if "时间" in values else None
    witnesses = tuple(w for w in re.split(r"[、，,；;]", values.get("见证", "")) if w.strip())
    return Session(
        time=when[0] if when else None,
        day=when[1] if when else None,
        place=values.get("地点"),
        host=values.get("主持"),
        witnesses=tuple(w.strip() for w in witnesses),
        random=values.get("随机数"),
        note=values.get("说明"),
    )


def describe_beacon(descriptor: str) -> str:
    """How the random value was produced, in words: `dice:d10x20` → 当众投掷10面骰子20次…; any other
    descriptor is the office's own words and is quoted as written."""
    m = re.fullmatch(r"dice:d(\d+)x(\d+)", descriptor.strip())
    if m:
        faces, throws = int(m.group(1)), int(m.group(2))
        return f"当众投掷{faces}面骰子{throws}次，依次记录每次的点数，连成随机数"
    return f"取自事先公布的公开随机来源：{descriptor}"
