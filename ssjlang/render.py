"""Render the official documents (`ssj compile`) from the plan as data and the draw record.

Everything here takes plain dicts (the `export_plan` schema and the draw record schema in
docs/architecture.md), so rendering never depends on the AST. Output is a mapping of relative paths to
bytes: the CLI writes it atomically, tests compare it byte for byte. Determinism: no clock (the 成文日期 is a
parameter), sorted iteration, fixed zip timestamps and core properties in DOCX/XLSX.

Templates are Jinja: a user's `--templates DIR` is searched first, then the package's `templates/`, so an
office overrides one document by copying one file (HTML in DIR/, Word in DIR/docx/).
"""

from __future__ import annotations

import io
import re
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from . import officialstyle as style
from .diagnostics import Diagnostic, InputError, error, warning
from .inputs import TEMPLATE as TEMPLATE_LIMIT
from .inputs import check_zip, read_limited
from .nodes import Span
from .output import csv_bytes, neutralise_cell, xml_safe
from .resources import templates_dir
from .results import RESULT_CATEGORIES, ResultSet

SSJ420 = "SSJ420"  # a template cannot be parsed or rendered
SSJ421 = "SSJ421"  # the plan has no usable 文号 pattern (warning)
SSJ422 = "SSJ422"  # a Word template cannot be opened

FORMATS: tuple[str, ...] = ("html", "docx", "xlsx", "csv")
DEFAULT_FORMATS: frozenset[str] = frozenset({"html", "docx", "xlsx"})

#: The fixed zip entry time of DOCX/XLSX (the earliest a zip can hold), so outputs are byte-identical.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class RenderOptions:
    """What to render and how. `date` is the 成文日期; None derives it from the plan (first window start)."""

    formats: frozenset[str] = DEFAULT_FORMATS
    templates: Path | None = None
    date: date | None = None
    first_number: int = 1
    plan_file: str = "plan"


@dataclass
class Rendered:
    """Rendered files (relative POSIX path → bytes) and the warnings raised while rendering."""

    files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)


# ---------------------------------------------------------------- environment


def _package_source(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    """Jinja loader function over the package's templates (works from a wheel or a zip too)."""
    node = templates_dir()
    for part in name.split("/"):
        node = node.joinpath(part)
    if not node.is_file():
        return None
    return node.read_text(encoding="utf-8"), f"<ssjlang>/templates/{name}", lambda: True


#: The largest string or list a template may build with `*`, and the largest power it may compute.
MAX_TEMPLATE_ITEMS = 1_000_000
MAX_POWER_BITS = 4096


class TemplateSandbox(SandboxedEnvironment):
    """Jinja's sandbox for templates shared between offices: no attribute path to Python internals
    (`cycler.__init__.__globals__.os` is refused), and no `**` or `*` that would take the machine's time
    or memory (`10**10**10`, `"x" * 10**10`)."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """`**` and `*`, refused beyond MAX_POWER_BITS / MAX_TEMPLATE_ITEMS."""
        if operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 \
                    and max(abs(left), 2).bit_length() * right > MAX_POWER_BITS:
                raise SecurityError(f"{left} ** {right} is too large")
            return left**right
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, str | list | tuple) and isinstance(count, int) \
                    and len(sequence) * count > MAX_TEMPLATE_ITEMS:
                raise SecurityError(f"a sequence of {len(sequence)} repeated {count} times is too long")
        return left * right


def _user_loader(directory: Path) -> jinja2.FunctionLoader:
    """The office's `--templates DIR`: names inside DIR only (no `..`), regular files within the template
    cap, UTF-8 (a file that is none of these is a template error naming it)."""

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        path = directory.joinpath(*split_template_path(name))
        if not path.exists():
            return None
        data = read_limited(path, TEMPLATE_LIMIT)
        return data.decode("utf-8-sig"), str(path), lambda: True

    return jinja2.FunctionLoader(load)


def make_environment(templates: Path | None = None) -> jinja2.Environment:
    """The HTML environment (sandboxed): user templates first, autoescape for .html, StrictUndefined,
    style filters."""
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(_user_loader(Path(templates)))
    loaders.append(jinja2.FunctionLoader(_package_source))
    env = TemplateSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    _add_filters(env)
    return env


def _add_filters(env: jinja2.Environment) -> None:
    env.filters["cn_date"] = style.cn_date
    env.filters["cn_month_day"] = style.cn_month_day
    env.filters["risk_name"] = style.risk_name
    env.filters["percent"] = style.percent
    env.filters["cn_number"] = style.cn_number
    env.globals["FONT_BODY"] = style.FONT_BODY
    env.globals["FONT_HEADING"] = style.FONT_HEADING
    env.globals["FONT_TABLE"] = style.FONT_TABLE


def _template_place(exc: BaseException) -> tuple[str | None, int]:
    """The template file and line an error arose at: a syntax error says so, otherwise the innermost
    template frame of Jinja's rewritten traceback (its frames carry the template's file name and line)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.filename or exc.name, exc.lineno or 0
    place: tuple[str | None, int] = (None, 0)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.name == "top-level template code" or frame.name.startswith(("block ", "macro ")):
            place = (frame.filename, frame.lineno or 0)
    return place


def _template_error(exc: BaseException, name: str, origin: str | None = None,
                    word: bool = False) -> InputError:
    """A template problem as SSJ420 at the template's file:line; `word` for a Word template, whose lines
    are those of its document XML."""
    file, line = _template_place(exc)
    if word:
        file = origin or file or name
        line = line or getattr(exc, "lineno", None) or 0
    elif file is None:
        file = origin or name
    what = "：模板递归过深，是否包含了自身？" if isinstance(exc, RecursionError) else ""
    reason = str(exc) if not isinstance(exc, RecursionError) else "recursion too deep"
    kind = "Word 模板" if word else "模板"
    where = f"（文档 XML 第 {line} 行）" if word and line else ""
    span = Span(line, 1, line, 1, 0, 0) if line else Span(0, 0, 0, 0, 0, 0)
    hint = ("修正模板中的 {{ … }} 和 {%p … %} 标记；模板用到的每个变量都必须存在（见 docs/documents.md）"
            if word else "修正模板（可复制软件包自带的版本重新开始）；模板中用到的每个变量都必须存在")
    return InputError([error(SSJ420, f"{kind} {name} 出错{where}{what} (template error: "
                                     f"{type(exc).__name__}: {reason})", file, span, hint=hint)])


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one HTML template; any failure of the template itself (syntax, a missing variable, 1/0,
    an overflow, a self-include, a sandbox refusal, an unreadable override file) becomes SSJ420 at its
    file and line — a template is a small program an office writes, and what it does wrong is its error."""
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        if exc.name != name:
            raise _template_error(exc, name) from exc
        raise InputError([error(SSJ420, f"找不到模板 {name} (template not found)", name,
                                hint="软件包自带的模板缺失；请重新安装 ssjlang")]) from exc
    except (jinja2.TemplateError, OSError, UnicodeDecodeError, RecursionError) as exc:
        raise _template_error(exc, name, getattr(exc, "filename", None)) from exc
    try:
        return template.render(context)
    except InputError:
        raise
    except Exception as exc:  # whatever a template does wrong is its error
        raise _template_error(exc, name, template.filename) from exc


# ---------------------------------------------------------------- dates and numbers


def default_date(plan: dict) -> date:
    """The 成文日期 when none is given: the plan's first window start (else 1 January of the plan year)."""
    starts = [t["window"]["start"] for t in plan["tasks"] if t.get("window") and t["window"].get("start")]
    if starts:
        return date.fromisoformat(min(starts))
    return date(int(plan["plan"]["year"]), 1, 1)


def notice_numbering(
    plan: dict, count: int, first: int, file: str = "plan"
) -> tuple[list[str], list[Diagnostic]]:
    """文号 of each notice in visit order, and a warning when the plan's pattern cannot number them."""
    pattern = plan["plan"].get("doc_number")
    year = int(plan["plan"]["year"])
    warnings: list[Diagnostic] = []
    if not pattern:
        warnings.append(
            warning(
                SSJ421,
                "计划没有文号格式，检查通知书将不编号 (no 文号 pattern)",
                file,
                hint='在 计划 块中加入本机关的文号格式：文号 "××〔{年}〕{号}号"，×× 换成本机关的发文机关代字',
            )
        )
        return [""] * count, warnings
    if "{号}" not in pattern and count > 1:
        warnings.append(
            warning(
                SSJ421,
                f"文号格式「{pattern}」中没有 {{号}}，所有检查通知书的文号都相同 "
                f"(no {{号}} in the 文号 pattern)",
                file,
                hint=f'用 {{号}} 表示序号，例如：文号 "{pattern}{{号}}号"' if pattern.endswith("〕") else
                '用 {号} 表示序号：文号 "××〔{年}〕{号}号"，×× 为本机关的发文机关代字',
            )
        )
    return [style.doc_number(pattern, year, first + i) for i in range(count)], warnings


# ---------------------------------------------------------------- view models


def plan_view(plan: dict) -> dict[str, Any]:
    """The plan table (工作计划表) as rows of the seed's ten columns."""
    tasks = []
    for t in plan["tasks"]:
        tasks.append(
            {
                "no": t["no"],
                "name": t["name"],
                "checks": style.numbered_items(t["items"]),
                "scope": t["scope"]["text"],
                "rate": t["rate"]["text"],
                "rounds": t["rounds_text"],
                "rate_rounds": style.rate_and_rounds(t["rate"]["text"], t["rounds_text"]),
                "risk": t["risk_text"],
                "window": t["window"]["text"],
                "lead": t["lead"],
                "assist": "、".join(t["assist"]),
                "mode": t["mode"] or "",
                "batches": [
                    {"name": b["name"], "deadline": style.cn_date(b["deadline"])}
                    for b in t.get("batches") or []
                ],
            }
        )
    header = plan["plan"]
    return {
        "title": header["title"],
        "year": header["year"],
        "region": header.get("region") or "",
        "authority": header.get("authority") or "",
        "contact": header.get("contact") or "",
        "tasks": tasks,
    }


PLAN_COLUMNS: tuple[str, ...] = (
    "序号",
    "抽查任务名称",
    "抽查事项",
    "抽查对象范围",
    "抽查比例及频次",
    "智慧监管（信用风险分类）要求",
    "抽查检查起止时间",
    "发起部门",
    "配合部门",
    "抽查检查模式",
)


def plan_rows(plan: dict) -> list[list[str]]:
    """The plan table as plain text cells (XLSX, tests): items joined by newlines."""
    return [
        [
            str(t["no"]),
            t["name"],
            "\n".join(t["checks"]),
            t["scope"],
            t["rate_rounds"],
            t["risk"],
            t["window"],
            t["lead"],
            t["assist"],
            t["mode"],
        ]
        for t in plan_view(plan)["tasks"]
    ]


def _visit_lookup(record: dict) -> dict[tuple[str, int, int], dict]:
    index: dict[tuple[str, int, int], dict] = {}
    for visit in record["visits"]:
        for task in visit["tasks"]:
            index[(visit["subject"], int(task["no"]), int(task["round"]))] = visit
    return index


def _team_text(team: list[dict]) -> str:
    return "；".join(f"{m['name']}（{m['badge']}{'，主检' if m.get('lead') else ''}）" for m in team)


def draw_lists(record: dict) -> list[dict[str, Any]]:
    """抽查名单: one list per task and round, subjects in stratum order then draw rank."""
    visits = _visit_lookup(record)
    subjects = record["subjects"]
    lists = []
    for task in record["tasks"]:
        for rnd in task["rounds"]:
            rows = []
            for stratum in rnd["strata"]:
                for sel in stratum["selected"]:
                    subject = subjects.get(sel["id"], {})
                    visit = visits.get((sel["id"], int(task["no"]), int(rnd["round"])))
                    team = visit["team"] if visit else []
                    rows.append(
                        {
                            "seq": len(rows) + 1,
                            "stratum": stratum["label"],
                            "rank": sel["rank"],
                            "id": sel["id"],
                            "name": subject.get("name", ""),
                            "address": subject.get("address", ""),
                            "risk": style.risk_name(subject.get("risk")),
                            "date": visit["date"] if visit else "",
                            "visit": visit["visit"] if visit else "",
                            "team": [
                                {
                                    "name": m["name"],
                                    "badge": m["badge"],
                                    "department": m["department"],
                                    "lead": bool(m.get("lead")),
                                }
                                for m in team
                            ],
                            "team_text": _team_text(team),
                        }
                    )
            lists.append(
                {
                    "task": task["no"],
                    "name": task["name"],
                    "round": rnd["round"],
                    "lead": task["lead"],
                    "assist": "、".join(task["assist"]),
                    "window": rnd["window"],
                    "population": sum(s["population"] for s in rnd["strata"]),
                    "rows": rows,
                    "slug": f"任务{int(task['no']):02d}-第{rnd['round']}轮",
                }
            )
    return lists


_UNSAFE = re.compile(r'[\\/:*?"<>|&#%\s\x00-\x1f]+')


def safe_filename(text: str, limit: int = 40) -> str:
    """A file-name-safe fragment (Windows-reserved characters and white space removed, length capped)."""
    cleaned = _UNSAFE.sub("", text).strip(".")
    return cleaned[:limit] or "_"


def notices_view(
    plan: dict, record: dict, options: RenderOptions
) -> tuple[list[dict[str, Any]], list[Diagnostic]]:
    """检查通知书: one per visit, every item of every task in the visit, the team with 主检 marked."""
    tasks = {int(t["no"]): t for t in plan["tasks"]}
    numbers, warnings = notice_numbering(plan, len(record["visits"]), options.first_number, options.plan_file)
    header = plan["plan"]
    notices = []
    for visit, number in zip(record["visits"], numbers, strict=True):
        subject = record["subjects"].get(visit["subject"], {})
        groups: list[dict[str, Any]] = []
        for item in visit["items"]:
            no = int(item["task"])
            if not groups or groups[-1]["task"] != no:
                task = tasks.get(no, {"name": "", "lead": "", "assist": []})
                groups.append(
                    {
                        "task": no,
                        "name": task["name"],
                        "lead": task["lead"],
                        "assist": "、".join(task["assist"]),
                        "checks": [],
                    }
                )
            groups[-1]["checks"].append(item["item"])
        counter = 0
        for group in groups:
            group["numbered"] = []
            for text in group["checks"]:
                counter += 1
                group["numbered"].append(f"{counter}.{text}")
        departments: list[str] = []
        for group in groups:
            for dept in [group["lead"], *tasks.get(group["task"], {"assist": []})["assist"]]:
                if dept and dept not in departments:
                    departments.append(dept)
        issued = options.date or date.fromisoformat(visit["date"])
        team = [
            {
                "name": m["name"],
                "badge": m["badge"],
                "department": m["department"],
                "lead": bool(m.get("lead")),
            }
            for m in visit["team"]
        ]
        notices.append(
            {
                "visit": visit["visit"],
                "number": number,
                "subject_id": visit["subject"],
                "subject": subject.get("name", ""),
                "address": subject.get("address", ""),
                "legal_rep": subject.get("legal_rep", ""),
                "groups": groups,
                "departments": "、".join(departments),
                "tasks_text": "、".join(f"“{g['name']}”" for g in groups),
                "date": visit["date"],
                "date_cn": style.cn_date(visit["date"]),
                "window_cn": style.cn_date_range(visit["window"]["start"], visit["window"]["end"]),
                "publish_by_cn": style.cn_date(visit["publish_by"]),
                "team": team,
                "team_text": _team_text(visit["team"]),
                "issued": issued.isoformat(),
                "issued_cn": style.cn_date(issued),
                "authority": header.get("authority") or "",
                "contact": header.get("contact") or "",
                "plan_title": header["title"],
                "file": f"{safe_filename(visit['visit'])}-{safe_filename(subject.get('name', ''))}",
            }
        )
    return notices, warnings


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


def publication_view(record: dict) -> dict[str, Any]:
    """抽查情况公示: commitment, beacon, seed, per task counts and selected subjects, how to verify."""
    subjects = record["subjects"]
    tasks = []
    for task in record["tasks"]:
        rounds = []
        for rnd in task["rounds"]:
            strata = []
            for st in rnd["strata"]:
                strata.append(
                    {
                        "label": st["label"],
                        "risk": style.risk_name(st["risk"]) if st.get("risk") else "全部",
                        "population": st["population"],
                        "digest": st["population_digest"],
                        "rate": _stratum_rate(st),
                        "k": st["k"],
                        "selected": [
                            {
                                "rank": s["rank"],
                                "id": s["id"],
                                "name": subjects.get(s["id"], {}).get("name", ""),
                                "key": s["key"],
                            }
                            for s in st["selected"]
                        ],
                    }
                )
            rounds.append(
                {"round": rnd["round"], "stream": rnd["stream"], "window": rnd["window"], "strata": strata}
            )
        tasks.append(
            {
                "no": task["no"],
                "name": task["name"],
                "lead": task["lead"],
                "assist": "、".join(task["assist"]),
                "rate_text": task["rate_text"],
                "population": task["population"],
                "selected": task["selected"],
                "realised": style.percent(task["realised_percent"]),
                "rounds": rounds,
            }
        )
    return {
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
        "warnings": list(record.get("warnings") or []),
    }


def results_view(record: dict, results: ResultSet) -> dict[str, Any]:
    """抽查结果公示 grouped by task (plan order), rows by 检查日期 then code; category counts."""
    subjects = record["subjects"]
    by_task: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(results.rows, key=lambda r: (r.task, r.date, r.subject)):
        by_task.setdefault(row.task, []).append(
            {
                "id": row.subject,
                "name": subjects.get(row.subject, {}).get("name", ""),
                "date": row.date.isoformat(),
                "date_cn": style.cn_date(row.date),
                "result": row.category,
                "note": row.note,
                "visit": row.visit,
            }
        )
    groups = []
    for task in record["tasks"]:
        rows = by_task.get(int(task["no"]), [])
        if rows:
            groups.append(
                {
                    "no": task["no"],
                    "name": task["name"],
                    "lead": task["lead"],
                    "assist": "、".join(task["assist"]),
                    "selected": task["selected"],
                    "rows": rows,
                }
            )
    counts = Counter(r.category for r in results.rows)
    return {
        "groups": groups,
        "total": len(results.rows),
        "categories": [{"name": c, "count": counts.get(c, 0)} for c in RESULT_CATEGORIES],
        "published": results.publication_date.isoformat(),
        "published_cn": style.cn_date(results.publication_date),
    }


def bar_chart(
    rows: Iterable[tuple[str, float, str]],
    unit: str = "",
    width: int = 640,
    bar_height: int = 18,
    marks: Iterable[float | None] | None = None,
) -> Markup:
    """A horizontal bar chart as inline SVG (no JavaScript): (label, value, shown text) per bar.

    `marks` draws a thin line per bar (e.g. the plan's floor rate beside the realised rate)."""
    rows = list(rows)
    mark_list = list(marks) if marks is not None else [None] * len(rows)
    label_w, gap, right = 260, 6, 90
    scale_max = max([v for _, v, _ in rows] + [m for m in mark_list if m is not None] + [1e-9])
    plot_w = width - label_w - right
    height = len(rows) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    for i, ((label, value, shown), mark) in enumerate(zip(rows, mark_list, strict=True)):
        y = gap + i * (bar_height + gap)
        w = 0 if value <= 0 else max(1, round(plot_w * value / scale_max))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_height - 5}" text-anchor="end" class="label">'
            f"{escape(label)}</text>"
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_height}" class="bar"/>')
        if mark is not None:
            mx = label_w + round(plot_w * mark / scale_max)
            parts.append(f'<line x1="{mx}" y1="{y - 2}" x2="{mx}" y2="{y + bar_height + 2}" class="mark"/>')
        parts.append(
            f'<text x="{label_w + w + 6}" y="{y + bar_height - 5}" class="value">{escape(shown)}'
            f"{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def summary_view(plan: dict, record: dict, results: ResultSet | None) -> dict[str, Any]:
    """汇总: counts per task and risk class, realised vs floor rates, merged visits, inspector workloads."""
    subjects = record["subjects"]
    floors = {int(t["no"]): t for t in plan["tasks"]}
    tasks = []
    for task in record["tasks"]:
        per_risk = Counter()
        for rnd in task["rounds"]:
            for st in rnd["strata"]:
                for sel in st["selected"]:
                    per_risk[subjects.get(sel["id"], {}).get("risk") or "U"] += 1
        plan_task = floors.get(int(task["no"]))
        tasks.append(
            {
                "no": task["no"],
                "name": task["name"],
                "population": task["population"],
                "selected": task["selected"],
                "floor": task["floor_percent"],
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
    multi = [v for v in visits if len(v["tasks"]) > 1]
    pairs = sum(len(v["tasks"]) for v in visits)
    risk_totals = [sum(t["risk"][i] for t in tasks) for i in range(len(style.RISK_ORDER))]
    workload = sorted(record["workload"], key=lambda w: (-int(w["visits"]), w["department"], w["badge"]))
    depts = Counter()
    for w in record["workload"]:
        depts[w["department"]] += int(w["visits"])
    results_done = len(results.rows) if results else None
    return {
        "tasks": tasks,
        "risk_names": [style.RISK_NAMES[r] for r in style.RISK_ORDER],
        "risk_totals": risk_totals,
        "visits": len(visits),
        "multi": len(multi),
        "pairs": pairs,
        "saved": pairs - len(visits),
        "max_tasks": max((len(v["tasks"]) for v in visits), default=0),
        "workload": workload,
        "results_done": results_done,
        "chart_rates": bar_chart(
            [
                (f"{t['no']} {t['name'][:14]}", float(t["realised"] or 0), style.percent(t["realised"]))
                for t in tasks
            ],
            marks=[float(t["floor"]) if t["floor"] is not None else None for t in tasks],
        ),
        "chart_risk": bar_chart(
            [
                (n, float(c), str(c))
                for n, c in zip([style.RISK_NAMES[r] for r in style.RISK_ORDER], risk_totals, strict=True)
            ],
            unit=" 户",
        ),
        "chart_departments": bar_chart(
            [(d, float(c), str(c)) for d, c in sorted(depts.items(), key=lambda x: (-x[1], x[0]))],
            unit=" 人次",
        ),
    }


# ---------------------------------------------------------------- OOXML (DOCX, XLSX)


def _core_stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def normalise_ooxml(data: bytes, day: date) -> bytes:
    """Rewrite a DOCX/XLSX zip byte-deterministically: fixed entry times and attributes, core properties
    created/modified set to the document date instead of the clock."""
    stamp = _core_stamp(day)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text
                    )
                text = re.sub(r"(<cp:lastPrinted>)[^<]*(</cp:lastPrinted>)", rf"\g<1>{stamp}\g<2>", text)
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, content)
    return out.getvalue()


def _docx_template_bytes(name: str, templates: Path | None) -> tuple[bytes, str]:
    """A Word template: the user's DIR/docx/NAME first, else the package's."""
    if templates is not None:
        candidate = templates / "docx" / name
        if candidate.exists():
            try:
                data = read_limited(candidate, TEMPLATE_LIMIT)
                check_zip(data, candidate)
            except OSError as exc:
                raise InputError([error(SSJ422, f"无法打开 Word 模板 {name} (cannot open the Word template): "
                                                f"{exc.strerror or exc}", str(candidate),
                                        hint="给出 .docx 文件，或删除它以使用软件包自带的模板")]) from exc
            return data, str(candidate)
    node = templates_dir().joinpath("docx").joinpath(name)
    return node.read_bytes(), f"<ssjlang>/templates/docx/{name}"


def render_docx(name: str, context: dict[str, Any], templates: Path | None, day: date) -> bytes:
    """Render a docxtpl (Jinja-in-Word) template; output is normalised so it is byte-identical per input."""
    from docxtpl import DocxTemplate

    data, origin = _docx_template_bytes(name, templates)
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
    except Exception as exc:  # a damaged .docx fails in many ways (zip, XML, parts)
        raise InputError(
            [
                error(
                    SSJ422,
                    f"无法打开 Word 模板 {name} (cannot open the Word template): {exc}",
                    origin,
                    hint="把模板另存为 .docx (Word 2007 及以后)，或删除它以使用软件包自带的模板",
                )
            ]
        ) from exc
    env = TemplateSandbox(undefined=jinja2.StrictUndefined, autoescape=True)
    _add_filters(env)
    try:
        template.render(_xml_safe_data(context), jinja_env=env, autoescape=True)
    except Exception as exc:  # as render_template: the template's own error
        raise _template_error(exc, name, origin, word=True) from exc
    props = template.docx.core_properties
    stamp = datetime(day.year, day.month, day.day)
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    out = io.BytesIO()
    template.save(out)
    return normalise_ooxml(out.getvalue(), day)


def _new_workbook(day: date, title: str) -> Any:
    import openpyxl

    workbook = openpyxl.Workbook()
    stamp = datetime(day.year, day.month, day.day)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "ssjlang"
    workbook.properties.title = xml_safe(title)
    return workbook


def _xlsx_cell(value: object) -> object:
    """A cell value as it goes into a workbook: formulas neutralised, characters XML forbids replaced."""
    return neutralise_cell(xml_safe(value) if isinstance(value, str) else value)


def _xml_safe_data(value: Any) -> Any:
    """A render context with every string made `xml_safe` (Word templates: lxml refuses U+0001)."""
    if isinstance(value, str):
        return type(value)(xml_safe(value)) if isinstance(value, Markup) else xml_safe(value)
    if isinstance(value, dict):
        return {key: _xml_safe_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe_data(item) for item in value)
    return value


def _xlsx_bytes(workbook: Any, day: date) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return normalise_ooxml(out.getvalue(), day)


def _sheet_table(
    sheet: Any,
    title: str,
    header: list[str],
    rows: list[list[Any]],
    widths: list[int],
    landscape: bool = True,
) -> None:
    """Title row (merged), header row repeated on every printed page, wrapped neutralised cells.

    The cell styles are made once per sheet and given to each cell by copying their style ids: assigning
    a Font, an Alignment and a Border object per cell made openpyxl look each one up again (a third of
    `ssj compile` for the draw lists of one plan)."""
    from copy import copy

    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.cell(row=1, column=1, value=_xlsx_cell(title)).font = Font(
        name=style.DOCX_FONT_HEADING, size=14, bold=True
    )
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.row_dimensions[1].height = 36
    for col, text in enumerate(header, start=1):
        c = sheet.cell(row=2, column=col, value=text)
        c.font = Font(name=style.DOCX_FONT_HEADING, size=11, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    body = None  # the style ids of a body cell, made on the first body cell
    for r, values in enumerate(rows, start=3):
        for col, value in enumerate(values, start=1):
            c = sheet.cell(row=r, column=col)
            safe = _xlsx_cell(value)
            c.value = safe
            if isinstance(safe, str):
                c.data_type = "s"
            if body is None:
                c.font = Font(name=style.DOCX_FONT_TABLE, size=10.5)
                c.alignment = Alignment(vertical="center", wrap_text=True)
                c.border = border
                body = c._style
            else:
                c._style = copy(body)
    for col, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = w
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def plan_table_xlsx(plan: dict, day: date) -> bytes:
    """工作计划表.xlsx: the ten seed columns, one task per row."""
    workbook = _new_workbook(day, plan["plan"]["title"])
    sheet = workbook.active
    sheet.title = "工作计划表"
    _sheet_table(
        sheet,
        plan["plan"]["title"],
        list(PLAN_COLUMNS),
        plan_rows(plan),
        [6, 24, 48, 22, 14, 30, 14, 14, 14, 10],
    )
    return _xlsx_bytes(workbook, day)


DRAW_LIST_COLUMNS: tuple[str, ...] = (
    "序号",
    "分层",
    "层内顺位",
    "统一社会信用代码",
    "名称",
    "地址",
    "风险等级",
    "检查日期",
    "检查组（执法证号）",
)


def _draw_list_rows(lst: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            r["seq"],
            r["stratum"],
            r["rank"],
            r["id"],
            r["name"],
            r["address"],
            r["risk"],
            r["date"],
            r["team_text"],
        ]
        for r in lst["rows"]
    ]


def draw_lists_xlsx(record: dict, lists: list[dict[str, Any]], day: date) -> bytes:
    """抽查名单.xlsx: one sheet per task and round."""
    workbook = _new_workbook(day, f"{record['plan']['title']} 抽查名单")
    workbook.remove(workbook.active)
    for lst in lists:
        sheet = workbook.create_sheet(title=lst["slug"][:31])
        title = f"任务{lst['task']} {lst['name']} 第{style.cn_number(int(lst['round']))}轮抽查名单"
        _sheet_table(
            sheet, title, list(DRAW_LIST_COLUMNS), _draw_list_rows(lst), [6, 8, 8, 22, 34, 34, 10, 12, 44]
        )
    if not lists:
        workbook.create_sheet(title="抽查名单")
    return _xlsx_bytes(workbook, day)


RESULT_COLUMNS: tuple[str, ...] = (
    "任务序号",
    "抽查任务名称",
    "统一社会信用代码",
    "名称",
    "检查日期",
    "检查结果",
    "处理情况/备注",
)


def _result_rows(view: dict[str, Any]) -> list[list[Any]]:
    return [
        [g["no"], g["name"], r["id"], r["name"], r["date"], r["result"], r["note"]]
        for g in view["groups"]
        for r in g["rows"]
    ]


def results_xlsx(record: dict, view: dict[str, Any], day: date) -> bytes:
    """抽查结果公示.xlsx: one row per inspected subject, grouped by task."""
    workbook = _new_workbook(day, f"{record['plan']['title']} 抽查结果公示")
    sheet = workbook.active
    sheet.title = "抽查结果公示"
    _sheet_table(
        sheet,
        f"{record['plan']['title']} 抽查结果公示",
        list(RESULT_COLUMNS),
        _result_rows(view),
        [8, 30, 22, 34, 12, 30, 40],
    )
    return _xlsx_bytes(workbook, day)


# ---------------------------------------------------------------- the document set


def render_documents(
    plan: dict,
    record: dict | None = None,
    results: ResultSet | None = None,
    options: RenderOptions | None = None,
) -> Rendered:
    """Every document for `ssj compile`: the plan table always; with a record the draw lists, notices,
    publication and summary; with results the 抽查结果公示. Raises `InputError` on template problems."""
    options = options or RenderOptions()
    env = make_environment(options.templates)
    fmt = options.formats
    day = options.date or default_date(plan)
    out = Rendered()
    common = {"plan": plan_view(plan), "date": day.isoformat(), "date_cn": style.cn_date(day)}

    def html(path: str, template: str, context: dict[str, Any]) -> None:
        out.files[path] = render_template(env, template, {**common, **context}).encode("utf-8")

    if "html" in fmt:
        html("计划/工作计划表.html", "plan_table.html", {})
    if "docx" in fmt:
        out.files["计划/工作计划表.docx"] = render_docx(
            "plan_table.docx", dict(common), options.templates, day
        )
    if "xlsx" in fmt:
        out.files["计划/工作计划表.xlsx"] = plan_table_xlsx(plan, day)
    if record is None:
        return out

    lists = draw_lists(record)
    notices, warnings = notices_view(plan, record, options)
    out.warnings.extend(warnings)
    if "html" in fmt:
        for lst in lists:
            html(f"名单/{lst['slug']}.html", "draw_list.html", {"list": lst})
        for notice in notices:
            html(f"通知书/{notice['file']}.html", "notice.html", {"notice": notice})
        html("通知书/检查通知书（合并打印）.html", "notices.html", {"notices": notices})
        html("公示/抽查情况公示.html", "publication.html", {"pub": publication_view(record)})
    if "docx" in fmt:
        out.files["通知书/检查通知书.docx"] = render_docx(
            "notice.docx", {**common, "notices": notices}, options.templates, day
        )
    if "xlsx" in fmt:
        out.files["名单/抽查名单.xlsx"] = draw_lists_xlsx(record, lists, day)
    if "csv" in fmt:
        out.files["名单/抽查名单.csv"] = csv_bytes(
            ["任务序号", "轮次", *DRAW_LIST_COLUMNS],
            [[lst["task"], lst["round"], *row] for lst in lists for row in _draw_list_rows(lst)],
        )

    view = results_view(record, results) if results is not None else None
    if view is not None:
        result_day = options.date or results.publication_date  # type: ignore[union-attr]
        if "html" in fmt:
            html(
                "公示/抽查结果公示.html",
                "results.html",
                {"res": view, "date": result_day.isoformat(), "date_cn": style.cn_date(result_day)},
            )
        if "xlsx" in fmt:
            out.files["公示/抽查结果公示.xlsx"] = results_xlsx(record, view, result_day)
        if "csv" in fmt:
            out.files["公示/抽查结果公示.csv"] = csv_bytes(RESULT_COLUMNS, _result_rows(view))
    if "html" in fmt:
        html(
            "汇总.html",
            "summary.html",
            {"sum": summary_view(plan, record, results), "record_plan": record["plan"]},
        )
    return out
