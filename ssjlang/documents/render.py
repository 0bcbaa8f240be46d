"""Render the official documents (`ssj compile`) from the plan as data and the draw record.

Everything here takes plain dicts (the `export_plan` schema and the draw record schema in
docs/architecture.md), so rendering never depends on the AST. What each document says is decided in
`views` (issuers by `issuers.Organisation`, the public and internal editions); this module renders the
views through the templates into HTML, Word, Excel, CSV and PDF. Output is a mapping of relative paths to
bytes plus a catalogue (kind, department, title) that `index.html` and the terminal summary list: the CLI
writes it atomically, tests compare it byte for byte. Determinism: no clock (the 成文日期 is a parameter),
sorted iteration, fixed zip timestamps and core properties in DOCX/XLSX, fixed PDF metadata.

Templates are Jinja: a user's `--templates DIR` is searched first, then the package's `templates/`, so an
office overrides one document by copying one file (HTML in DIR/, Word in DIR/docx/).
"""

from __future__ import annotations

import io
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..diagnostics import Diagnostic, InputError, error
from ..inputs import TEMPLATE as TEMPLATE_LIMIT
from ..inputs import check_zip, read_limited
from ..language.nodes import Span
from ..output import csv_bytes, xml_safe
from ..resources import templates_dir
from . import officialstyle as style
from . import sheets
from .issuers import IssuerFile, Organisation, Session, unit_index
from .ooxml import ZIP_EPOCH, normalise_ooxml
from .results import ResultSet
from .views import (
    ENTRY_COLUMNS,
    NO_ROSTER_FILE,
    NO_ROSTER_VIEW,
    PLAN_COLUMNS,
    SSJ421,
    TABLE_COLUMNS,
    Edition,
    draw_lists,
    entry_rows,
    notices_view,
    plan_rows,
    plan_view,
    publication_view,
    record_forms,
    results_views,
    safe_filename,
    summary_date,
    summary_view,
    verification_steps,
)

__all__ = [
    "DEFAULT_FORMATS",
    "EDITIONS",
    "ENTRY_COLUMNS",
    "FORMATS",
    "KINDS",
    "NO_ROSTER_FILE",
    "NO_ROSTER_VIEW",
    "PLAN_COLUMNS",
    "SSJ420",
    "SSJ421",
    "SSJ422",
    "ZIP_EPOCH",
    "CatalogueEntry",
    "RenderOptions",
    "Rendered",
    "default_date",
    "make_environment",
    "normalise_ooxml",
    "plan_rows",
    "plan_view",
    "render_documents",
    "render_template",
    "safe_filename",
    "verification_steps",
]

SSJ420 = "SSJ420"  # a template cannot be parsed or rendered
SSJ422 = "SSJ422"  # a Word template cannot be opened

FORMATS: tuple[str, ...] = ("html", "docx", "xlsx", "csv", "pdf")
DEFAULT_FORMATS: frozenset[str] = frozenset({"html", "docx", "xlsx"})
EDITIONS: tuple[str, ...] = ("public", "internal")

#: Document kinds in the order the index and the terminal summary list them: key → name.
KINDS: dict[str, str] = {
    "plan": "工作计划表",
    "list": "抽查名单",
    "notice": "检查通知书（含送达回证）",
    "form": "检查情况记录表",
    "publication": "抽查情况公示",
    "results": "抽查结果公示",
    "entry": "结果录入表",
    "summary": "抽查汇总",
    "record": "抽查记录（供核验，非公开文书）",
}


@dataclass(frozen=True)
class RenderOptions:
    """What to render and how. `date` is the 成文日期; None derives it from the plan (first window start).
    `edition` public (no subject's risk class) or internal; `issuers` an --issuers table; `session` the
    draw session (--session); `cite_tool` names the program and `ssj verify` in the draw publication."""

    formats: frozenset[str] = DEFAULT_FORMATS
    templates: Path | None = None
    date: date | None = None
    first_number: int = 1
    plan_file: str = "plan"
    edition: str = "public"
    issuers: IssuerFile | None = None
    session: Session | None = None
    cite_tool: bool = False


@dataclass(frozen=True)
class CatalogueEntry:
    """One written file as the index lists it."""

    path: str
    kind: str
    department: str
    title: str


@dataclass
class Rendered:
    """Rendered files (relative POSIX path → bytes), the catalogue, and the warnings raised while
    rendering."""

    files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    catalogue: list[CatalogueEntry] = field(default_factory=list)

    def add(self, path: str, data: bytes, kind: str, department: str, title: str) -> None:
        self.files[path] = data
        self.catalogue.append(CatalogueEntry(path, kind, department, title))


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


def default_date(plan: dict) -> date:
    """The 成文日期 when none is given: the plan's first window start (else 1 January of the plan year)."""
    starts = [t["window"]["start"] for t in plan["tasks"] if t.get("window") and t["window"].get("start")]
    if starts:
        return date.fromisoformat(min(starts))
    return date(int(plan["plan"]["year"]), 1, 1)


# ---------------------------------------------------------------- Word


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


_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
"""A Word text element holding a TAB, BEL, LF or FF: what docxtpl's `resolve_listing` rewrites."""


@lru_cache(maxsize=1)
def _docx_template_class() -> type:
    """docxtpl's template, skipping `resolve_listing` when no text element holds a character it rewrites.

    docxtpl runs three nested regular-expression passes over every paragraph and run of the rendered XML
    to turn TAB, LF, BEL and FF inside text into Word tabs, breaks and paragraphs — more than a third of
    `ssj compile` for 538 notices in one file. When no `<w:t>` holds any of them (their text cannot hold
    `<`), those passes return the XML unchanged, so skipping them changes no byte."""
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):  # type: ignore[misc]
        def resolve_listing(self, xml: str) -> str:
            if _LISTING_TEXT.search(xml) is None:
                return xml
            return str(super().resolve_listing(xml))

    return Template


def render_docx(name: str, context: dict[str, Any], templates: Path | None, day: date, title: str = "",
                author: str = "", finish: Callable[[Any], None] | None = None) -> bytes:
    """Render a docxtpl (Jinja-in-Word) template; output is normalised so it is byte-identical per input.
    `finish` gets the rendered python-docx document before it is saved."""
    data, origin = _docx_template_bytes(name, templates)
    try:
        template = _docx_template_class()(io.BytesIO(data))
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
    if finish is not None:
        finish(template.docx)
    props = template.docx.core_properties
    stamp = datetime(day.year, day.month, day.day)
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.title = xml_safe(title)  # the document's, not the template's (nor the template's own comments)
    props.author = xml_safe(author)
    props.comments = ""
    out = io.BytesIO()
    template.save(out)
    return normalise_ooxml(out.getvalue(), day)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _word_int(element: Any, attribute: str, default: int, low: int = 0) -> int:
    """An integer attribute of an office's Word template (gridSpan, w), `default` when absent or not one."""
    if element is None:
        return default
    try:
        return max(low, int(element.get(f"{_W}{attribute}")))
    except (TypeError, ValueError):
        return default


def fit_plan_table(document: Any, view: dict[str, Any]) -> None:
    """The Word plan table as the plan needs it: the optional columns no task uses (view `hidden`) removed
    from every row (a cell spanning columns loses the hidden ones), the shown columns at the view's widths,
    and `tblGrid` and `tblW` agreeing with the cells. Columns are known by their heading, or by position
    when the table has as many columns as `TABLE_COLUMNS` and an office reworded a heading."""
    from docx.shared import Mm

    tables = [t for t in document.tables if t.rows]
    if not tables:
        return
    tbl = tables[0]._tbl
    grid = tbl.tblGrid
    cols = grid.findall(f"{_W}gridCol")
    header = tbl.findall(f"{_W}tr")[0]
    headings: list[str] = []
    for tc in header.findall(f"{_W}tc"):
        text = "".join(t.text or "" for t in tc.iter(f"{_W}t")).strip()
        headings += [text] * _word_int(tc.find(f"{_W}tcPr/{_W}gridSpan"), "val", 1, 1)
    if len(headings) != len(cols):
        return  # not a table this function knows
    known = [c.heading for c in TABLE_COLUMNS]
    if len(cols) == len(known) and not set(headings) <= set(known):
        headings = known  # every column, some reworded: known by position
    hidden = set(view["hidden"])
    wanted = {c["heading"]: int(Mm(c["mm"]).twips) for c in view["columns"]}
    keep = [i for i, h in enumerate(headings) if h not in hidden]
    width = {i: wanted.get(headings[i], _word_int(cols[i], "w", 0)) for i in keep}
    if not set(wanted) <= {headings[i] for i in keep}:  # an office's table without a column the plan shows
        before = sum(_word_int(c, "w", 0) for c in cols)
        scale = before / max(1, sum(width.values()))
        width = {i: int(w * scale) for i, w in width.items()}
    for tr in tbl.findall(f"{_W}tr"):
        column = 0
        for tc in tr.findall(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            span_el = pr.find(f"{_W}gridSpan") if pr is not None else None
            span = _word_int(span_el, "val", 1, 1)
            covered = [i for i in range(column, column + span) if i in width]
            column += span
            if not covered:
                tr.remove(tc)
                continue
            if span_el is not None and pr is not None:
                if len(covered) > 1:
                    span_el.set(f"{_W}val", str(len(covered)))
                else:
                    pr.remove(span_el)
            tcw = pr.find(f"{_W}tcW") if pr is not None else None
            if tcw is not None:
                tcw.set(f"{_W}w", str(sum(width[i] for i in covered)))
                tcw.set(f"{_W}type", "dxa")
    for i, col in enumerate(cols):
        if i in width:
            col.set(f"{_W}w", str(width[i]))
        else:
            grid.remove(col)
    total = tbl.tblPr.find(f"{_W}tblW") if tbl.tblPr is not None else None
    if total is not None:
        total.set(f"{_W}w", str(sum(width.values())))
        total.set(f"{_W}type", "dxa")


def _xml_safe_data(value: Any) -> Any:
    """A render context with every string made `xml_safe` (Word templates: lxml refuses U+0001)."""
    if isinstance(value, str):
        return type(value)(xml_safe(value)) if isinstance(value, Markup) else xml_safe(value)
    if isinstance(value, dict):
        return {key: _xml_safe_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe_data(item) for item in value)
    return value


# ---------------------------------------------------------------- the document set


class _Writer:
    """Renders one document into the formats asked for and records it in the catalogue."""

    def __init__(
        self, out: Rendered, env: jinja2.Environment, options: RenderOptions, common: dict[str, Any]
    ) -> None:
        self.out, self.env, self.options, self.common = out, env, options, common
        self.formats = options.formats

    def html(
        self,
        path: str,
        template: str,
        context: dict[str, Any],
        kind: str,
        department: str,
        title: str,
        day: date,
        author: str,
        pdf_path: str | None = None,
    ) -> None:
        """An HTML document (when html is asked for) and its PDF (when pdf is, at `pdf_path`)."""
        wanted_html = "html" in self.formats
        wanted_pdf = "pdf" in self.formats and pdf_path is not None
        if not (wanted_html or wanted_pdf):
            return
        text = render_template(self.env, template, {**self.common, **context})
        if wanted_html:
            self.out.add(path, text.encode("utf-8"), kind, department, title)
        if wanted_pdf:
            from .pdf import html_to_pdf

            self.out.add(
                pdf_path,
                html_to_pdf(text, day, title, author),
                kind,
                department,  # type: ignore[arg-type]
                title + "（PDF）",
            )


def render_documents(
    plan: dict,
    record: dict | None = None,
    results: ResultSet | None = None,
    options: RenderOptions | None = None,
    extra_files: dict[str, bytes] | None = None,
    prior_warnings: tuple[Diagnostic, ...] | list[Diagnostic] = (),
) -> Rendered:
    """Every document for `ssj compile`: the plan table always; with a record the draw lists, notices with
    their receipts, record forms, the draw publication, the entry templates and the summary; with results
    each department's 抽查结果公示; `extra_files` (the record directory) are listed too; `index.html` lists
    everything. Raises `InputError` on template problems."""
    options = options or RenderOptions()
    env = make_environment(options.templates)
    fmt = options.formats
    org = Organisation(plan, options.issuers)
    units = unit_index(plan)
    edition = Edition(options.edition, org.publish_risk)
    day = options.date or default_date(plan)
    out = Rendered()
    table = plan_view(plan, org)
    authority = org.plan_issuer.name
    common = {
        "plan": table,
        "date": day.isoformat(),
        "date_cn": style.cn_date(day),
        "edition": edition.label,
        "internal": edition.internal,
    }
    write = _Writer(out, env, options, common)

    title = table["title"]
    write.html(
        "计划/工作计划表.html",
        "plan_table.html",
        {},
        "plan",
        authority,
        title,
        day,
        authority,
        "计划/工作计划表.pdf",
    )
    if "docx" in fmt:
        out.add(
            "计划/工作计划表.docx",
            render_docx("plan_table.docx", dict(common), options.templates, day, title, authority,
                        lambda document: fit_plan_table(document, table)),
            "plan",
            authority,
            title + "（Word）",
        )
    if "xlsx" in fmt:
        out.add(
            "计划/工作计划表.xlsx",
            sheets.plan_table_xlsx(table, day),
            "plan",
            authority,
            title + "（Excel）",
        )
    if record is not None:
        _record_documents(plan, record, results, options, org, units, edition, day, write)
    for path, data in sorted((extra_files or {}).items()):
        out.add(path, data, "record", authority, path.rsplit("/", 1)[-1])
    _index(out, env, common, [*prior_warnings, *out.warnings])
    return out


def _record_documents(
    plan: dict,
    record: dict,
    results: ResultSet | None,
    options: RenderOptions,
    org: Organisation,
    units: dict,
    edition: Edition,
    day: date,
    write: _Writer,
) -> None:
    out, fmt = write.out, write.formats
    authority = org.plan_issuer.name
    title = plan["plan"]["title"]
    lists = draw_lists(record, org, units, edition)
    for lst in lists:
        heading = f"{lst['label']} {lst['name']} 第{style.cn_number(int(lst['round']))}轮抽查名单"
        departments = "、".join(lst["departments"]) or authority
        write.html(
            f"名单/{lst['slug']}.html",
            "draw_list.html",
            {"list": lst},
            "list",
            departments,
            heading,
            day,
            lst["issuers"][0] if lst["issuers"] else authority,
            f"名单/{lst['slug']}.pdf",
        )
    if "xlsx" in fmt:
        out.add(
            "名单/抽查名单.xlsx",
            sheets.draw_lists_xlsx(title, authority, lists, edition.show_risk, day),
            "list",
            authority,
            "抽查名单（全部任务，Excel）",
        )
    if "csv" in fmt:
        out.add(
            "名单/抽查名单.csv",
            csv_bytes(
                ["任务序号", "轮次", *sheets.draw_list_columns(edition.show_risk)],
                [[lst["task"], lst["round"], *row] for lst in lists for row in sheets.draw_list_rows(lst)],
            ),
            "list",
            authority,
            "抽查名单（全部任务，CSV）",
        )

    notices, warnings = notices_view(
        plan, record, org, units, options.first_number, options.date, options.plan_file
    )
    out.warnings.extend(warnings)
    forms = record_forms(plan, record, notices, units)
    for notice, form in zip(notices, forms, strict=True):
        keys = "、".join(i["key"] or i["name"] for i in notice["issuers"])
        who = f"{notice['visit']} {notice['subject']}"
        write.html(
            f"通知书/{notice['file']}.html",
            "notice.html",
            {"notice": notice},
            "notice",
            keys,
            f"{who}{'（' + notice['number'] + '）' if notice['number'] else ''}",
            day,
            notice["authority"],
        )
        write.html(
            f"记录表/{form['file']}.html",
            "record_form.html",
            {"form": form},
            "form",
            keys,
            who,
            day,
            notice["authority"],
        )
    if notices:
        write.html(
            "通知书/检查通知书（合并打印）.html",
            "notices.html",
            {"notices": notices},
            "notice",
            "",
            "全部检查通知书及送达回证（合并打印）",
            day,
            authority,
            "通知书/检查通知书（合并打印）.pdf",
        )
        write.html(
            "记录表/检查情况记录表（合并打印）.html",
            "record_forms.html",
            {"forms": forms},
            "form",
            "",
            "全部检查情况记录表（合并打印）",
            day,
            authority,
            "记录表/检查情况记录表（合并打印）.pdf",
        )
        if "docx" in fmt:
            out.add(
                "通知书/检查通知书.docx",
                render_docx("notice.docx", {**write.common, "notices": notices}, options.templates, day,
                            "检查通知书", authority),
                "notice",
                "",
                "全部检查通知书及送达回证（Word）",
            )
            out.add(
                "记录表/检查情况记录表.docx",
                render_docx("record_form.docx", {**write.common, "forms": forms}, options.templates, day,
                            "检查情况记录表", authority),
                "form",
                "",
                "全部检查情况记录表（Word）",
            )
    publication, warnings = publication_view(
        plan, record, org, units, edition, options.session, options.cite_tool, options.plan_file
    )
    out.warnings.extend(warnings)
    write.html(
        "公示/抽查情况公示.html",
        "publication.html",
        {"pub": publication},
        "publication",
        authority,
        f"{title} 抽查情况公示",
        day,
        authority,
        "公示/抽查情况公示.pdf",
    )
    if "xlsx" in fmt:
        for department, rows in entry_rows(record, org, units).items():
            issuer = org.issuer(department or None)
            name = safe_filename(department or issuer.name)
            out.add(
                f"结果录入/结果录入表-{name}.xlsx",
                sheets.entry_xlsx(title, department, issuer.name, rows, day),
                "entry",
                department,
                f"{issuer.name} 结果录入表（{len(rows)} 行）",
            )
    if results is not None:
        result_day = options.date or results.publication_date
        for view in results_views(plan, record, results, org, units, result_day):
            base = f"公示/抽查结果公示-{view['slug']}"
            heading = f"{view['issuer']['name']} 抽查结果公示（{view['total']} 户次）"
            context = {"res": view, "date": result_day.isoformat(), "date_cn": style.cn_date(result_day)}
            write.html(
                f"{base}.html",
                "results.html",
                context,
                "results",
                view["department"],
                heading,
                result_day,
                view["issuer"]["name"],
                f"{base}.pdf",
            )
            if "xlsx" in fmt:
                out.add(
                    f"{base}.xlsx",
                    sheets.results_xlsx(title, view, result_day),
                    "results",
                    view["department"],
                    heading + "（Excel）",
                )
            if "csv" in fmt:
                out.add(
                    f"{base}.csv",
                    csv_bytes(sheets.RESULT_COLUMNS, sheets.result_rows(view)),
                    "results",
                    view["department"],
                    heading + "（CSV）",
                )
    summary_day = summary_date(results, options.date, day)
    write.html(
        "汇总.html",
        "summary.html",
        {
            "sum": summary_view(plan, record, results, edition),
            "record_plan": record["plan"],
            "date": summary_day.isoformat(),
            "date_cn": style.cn_date(summary_day),
        },
        "summary",
        authority,
        f"{title} 抽查汇总",
        summary_day,
        authority,
        "汇总.pdf",
    )


def _index(
    out: Rendered, env: jinja2.Environment, common: dict[str, Any], warnings: list[Diagnostic]
) -> None:
    """index.html: every written file by kind, then by department, with what to open first."""
    groups = []
    for kind, name in KINDS.items():
        entries = [e for e in out.catalogue if e.kind == kind]
        if not entries:
            continue
        departments: dict[str, list[CatalogueEntry]] = {}
        for entry in entries:
            departments.setdefault(entry.department, []).append(entry)
        groups.append(
            {
                "kind": kind,
                "name": name,
                "count": len(entries),
                "departments": [
                    {"name": d or "（合并文件）", "entries": sorted(es, key=lambda e: e.path)}
                    for d, es in departments.items()
                ],
            }
        )
    first = [
        e
        for e in out.catalogue
        if e.path
        in (
            "计划/工作计划表.html",
            "公示/抽查情况公示.html",
            "通知书/检查通知书（合并打印）.html",
            "汇总.html",
        )
    ]
    text = render_template(
        env,
        "index.html",
        {
            **common,
            "groups": groups,
            "first": first,
            "warnings": [f"{d.code}: {d.message}" for d in warnings],
        },
    )
    out.add("index.html", text.encode("utf-8"), "index", "", "文书目录")
