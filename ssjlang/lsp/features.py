"""The editor's requests answered from an `Analysis` (编辑器功能): diagnostics, completion, formatting, the
outline, folding and quick fixes (hover is `hovers`, definitions and references `navigation`).

Everything the editor offers comes from the language's own tables: completions are the terminals the parser
accepts at the cursor (`parser.expected_after`), keywords are spelled from `ssjlang.language.keywords` in the
file's language, and snippets are a template plan written by the formatter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lsprotocol import types
from lsprotocol.types import Diagnostic as LspDiagnostic  # the editor's form of an ssjlang Diagnostic

from ..check.checker import KNOWN_MODES
from ..check.resolve import class_name
from ..diagnostics import Diagnostic, Severity
from ..language.formatter import format_plan
from ..language.keywords import KEYWORDS, KEYWORDS_BY_KEY, Keyword, keyword_of_terminal
from ..language.nodes import (
    NO_SPAN,
    STANDARD_FIELD_ALIASES,
    STANDARD_FIELDS,
    Compare,
    CompareOp,
    DatePoint,
    Item,
    Name,
    Plan,
    PlanHeader,
    Rate,
    RiskClass,
    RiskLevel,
    RiskProfile,
    RiskRef,
    Rounds,
    Scope,
    Span,
    Task,
    TaskCode,
    Text,
    Window,
    equal_ignoring_spans,
)
from ..language.parser import expected_after, parse, statement_keys
from ..language.wording import rate_text
from ..report.doclinks import help_uri
from .analysis import Analysis
from .hovers import spell
from .keyword_docs import KEYWORD_DOCS
from .navigation import BODY_KINDS, Declared, declared
from .positions import Positions

SOURCE = "ssj"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}
_NAME_CHAR = re.compile(r"[^\s0-9０-９\"'「」{}｛｝\[\]【】()（）,，、;；:：=≠!<>≤≥%％#/×*~～—–\-。]")

NAME_ROLES: dict[str, str] = {
    "lead": "body",
    "guide": "body",
    "inspect": "body",
    "assist": "body",
    "members": "body",
    "risk": "profile",
    "mode": "mode",
    "where": "field",
    "and": "field",
    "or": "field",
    "not": "field",
    "by_subgroup": "field",
    "department": "new",
    "unit": "new",
    "level": "new",
    "escalation": "new",
    "fields": "new",
    "alias": "new",
}
"""What a bare name after a keyword names: the last of these keywords before the cursor decides."""
MONTH_AFTER = frozenset({"window", "to", "due", "next_year"})
"""After these (keyword keys, or the dash), a number is a month."""


# ---------------------------------------------------------------- diagnostics


def lsp_diagnostic(
    d: Diagnostic, positions: Positions, uri: str, docs_url: str | None = None
) -> types.Diagnostic:
    """A diagnostic for the editor: code with a link to its explanation, hint, related places."""
    link = help_uri(d.code, docs_url)
    message = d.message + (f"\n提示 (hint): {d.hint}" if d.hint else "")
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=positions.range(r.span)), message=r.message
        )
        for r in d.related
        if r.file in (None, d.file)
    ]
    return LspDiagnostic(
        range=positions.range(d.span),
        message=message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        source=SOURCE,
        code_description=types.CodeDescription(href=link) if link else None,
        related_information=related or None,
    )


# ---------------------------------------------------------------- declarations (also of a broken plan)


@dataclass(frozen=True)
class Declarations:
    """What the plan declares, from every statement that parses (so completion works mid-edit)."""

    declared: tuple[Declared, ...]
    fields: dict[str, str]


def parsed_plans(analysis: Analysis) -> list[Plan]:
    """The plan, or when it has a syntax error the plans of its statements that parse."""
    if analysis.plan is not None:
        return [analysis.plan]
    return [p.result.plan for p in analysis.pieces if p.result.plan is not None]


def declarations(analysis: Analysis) -> Declarations:
    plans = parsed_plans(analysis)
    fields = {name: "standard" for name in STANDARD_FIELDS}
    if analysis.language == "en":
        fields.update({alias: "standard" for alias in STANDARD_FIELD_ALIASES})
    for plan in plans:
        for decl in plan.fields:
            fields.setdefault(decl.name.value, decl.kind.value)
    return Declarations(tuple(declared(plans)), fields)


# ---------------------------------------------------------------- completion


def _keyword_item(keyword: Keyword, language: str, rank: int) -> types.CompletionItem:
    label = spell(keyword, language)
    other = keyword.chinese if label != keyword.chinese else (keyword.english[0] if keyword.english else "")
    return types.CompletionItem(
        label=label,
        kind=types.CompletionItemKind.Keyword,
        detail=other or None,
        documentation=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=KEYWORD_DOCS.get(keyword.key, "")
        ),
        sort_text=f"1{rank:03d}",
    )


def _value_items(
    values: Iterable[tuple[str, str]], kind: types.CompletionItemKind
) -> list[types.CompletionItem]:
    return [
        types.CompletionItem(label=label, kind=kind, detail=detail or None, sort_text=f"0{index:04d}")
        for index, (label, detail) in enumerate(values)
    ]


def _name_role(read: list[str]) -> str | None:
    for terminal in reversed(read):
        keyword = keyword_of_terminal(terminal)
        if keyword is not None and keyword.key in NAME_ROLES:
            return NAME_ROLES[keyword.key]
    return None


def _names(role: str | None, found: Declarations) -> list[types.CompletionItem]:
    if role == "body":
        pairs = []
        for body in found.declared:
            if body.kind in BODY_KINDS:
                pairs.append((body.name, BODY_KINDS[body.kind]))
                pairs += [(alias.value, f"{body.name} 的别名 (alias)") for alias in body.names[1:]]
        return _value_items(pairs, types.CompletionItemKind.Class)
    if role == "profile":
        profiles = [body.node for body in found.declared if isinstance(body.node, RiskProfile)]
        pairs = [
            (p.name.value, p.description.value if p.description else "风险递加 (escalation)")
            for p in profiles
        ]
        return _value_items(pairs, types.CompletionItemKind.Enum)
    if role == "field":
        pairs = [
            (name, "标准字段 (standard field)" if kind == "standard" else f"名录字段 {kind}")
            for name, kind in found.fields.items()
        ]
        return _value_items(pairs, types.CompletionItemKind.Field)
    if role == "mode":
        return _value_items(
            [(mode, "抽查检查模式 (mode)") for mode in KNOWN_MODES], types.CompletionItemKind.Value
        )
    return []


def _word_start(text: str, offset: int) -> int:
    start = offset
    while start > 0 and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    return start


def completion(analysis: Analysis, positions: Positions, offset: int) -> types.CompletionList:
    """What may be written at `offset`: the keywords, names, months and blocks the grammar accepts there."""
    text = analysis.text
    start = _word_start(text, offset)
    piece_begin = max((p.begin for p in analysis.pieces if p.begin <= start), default=0)
    expected = expected_after(text[piece_begin:start])
    if expected is None:  # the statement is already broken before the cursor: offer the statements
        read, accepts = [], {f"_KW_{key.upper()}" for key in statement_keys()}
    else:
        read, accepts = expected
    language = analysis.language
    found = declarations(analysis)
    items: list[types.CompletionItem] = []
    order = {keyword.key: index for index, keyword in enumerate(KEYWORDS)}
    seen: set[str] = set()
    for terminal in sorted(accepts):
        keyword = keyword_of_terminal(terminal)
        if keyword is not None and keyword.key not in seen:
            seen.add(keyword.key)
            items.append(_keyword_item(keyword, language, order[keyword.key]))
    if "NAME" in accepts:
        items += _names(_name_role(read), found)
    if (
        "NUMBER" in accepts
        and read
        and (read[-1] == "_DASH" or getattr(keyword_of_terminal(read[-1]), "key", "") in MONTH_AFTER)
    ):
        items += _value_items(
            [(f"{month}月", "月份 (month)") for month in range(1, 13)], types.CompletionItemKind.Value
        )
    if any(f"_KW_{key.upper()}" in accepts for key in statement_keys()):
        items += snippets(language)
    replace = types.Range(start=positions.position(start), end=positions.position(offset))
    for item in items:
        if item.insert_text_format != types.InsertTextFormat.Snippet:
            item.text_edit = types.TextEdit(range=replace, new_text=item.label)
    return types.CompletionList(is_incomplete=False, items=items)


# ---------------------------------------------------------------- snippets


_TAB_STOPS = (
    "1",
    "任务名称",
    "抽查事项",
    "抽查对象范围",
    "行业类别",
    "汽车销售",
    "10",
    "发起部门",
    "配合部门",
    "县抽县查",
    "信用分类",
    "递加要求",
)
"""The placeholder values of the snippets, in tab order; each first occurrence becomes a tab stop."""


def _snippet_text(written: str, stops: tuple[str, ...]) -> str:
    """Formatter output as snippet syntax: `$ } \\` escaped, each placeholder a numbered tab stop."""
    escaped = written.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")
    for number, stop in enumerate(stops, start=1):
        escaped = escaped.replace(stop, f"${{{number}:{stop}}}", 1)
    return escaped


def snippets(language: str) -> list[types.CompletionItem]:
    """A whole 任务 block and a whole 风险递加 block, written by the formatter in the file's language."""
    task = Task(
        code=TaskCode("1", NO_SPAN),
        name=Text("任务名称", NO_SPAN),
        items=(Item(Text("抽查事项", NO_SPAN), NO_SPAN),),
        scope=Scope(
            Text("抽查对象范围", NO_SPAN),
            Compare(Name("行业类别", NO_SPAN), CompareOp.CONTAINS, Text("汽车销售", NO_SPAN), NO_SPAN),
            NO_SPAN,
        ),
        rate=Rate(Decimal(10), True, None, None, NO_SPAN),
        rounds=Rounds(1, NO_SPAN),
        risk=RiskRef(None, None, NO_SPAN),
        window=Window(
            DatePoint(None, 3, None, False, NO_SPAN), DatePoint(None, 11, None, False, NO_SPAN), NO_SPAN
        ),
        lead=Name("发起部门", NO_SPAN),
        assist=(Name("配合部门", NO_SPAN),),
        modes=(Name("县抽县查", NO_SPAN),),
        span=NO_SPAN,
    )
    levels = tuple(
        RiskLevel(
            risk, Decimal(multiplier), None, Rounds(2, NO_SPAN) if risk is RiskClass.HIGH else None, NO_SPAN
        )
        for risk, multiplier in (
            (RiskClass.LOW, 1),
            (RiskClass.MEDIUM, "1.5"),
            (RiskClass.HIGHER, 2),
            (RiskClass.HIGH, 3),
        )
    )
    profile = RiskProfile(Name("信用分类", NO_SPAN), Text("递加要求", NO_SPAN), levels, NO_SPAN)
    header = PlanHeader(None, None, None, None, None, None, None, NO_SPAN)
    out = []
    for key, plan, stops in (
        (
            "task",
            Plan(header=header, fields=(), departments=(), profiles=(), tasks=(task,), span=NO_SPAN),
            _TAB_STOPS[:10],
        ),
        (
            "escalation",
            Plan(header=header, fields=(), departments=(), profiles=(profile,), tasks=(), span=NO_SPAN),
            _TAB_STOPS[10:],
        ),
    ):
        written = format_plan(plan, (), language).strip("\n")
        keyword = KEYWORDS_BY_KEY[key]
        label = f"{spell(keyword, language)} {{…}}"
        out.append(
            types.CompletionItem(
                label=label,
                kind=types.CompletionItemKind.Snippet,
                detail=KEYWORD_DOCS[key].split("：", 1)[0],
                insert_text=_snippet_text(written, stops),
                insert_text_format=types.InsertTextFormat.Snippet,
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.Markdown, value=f"```ssj\n{written}\n```"
                ),
                sort_text="2",
            )
        )
    return out


# ---------------------------------------------------------------- formatting, outline, folding, fixes


def formatting(analysis: Analysis, positions: Positions) -> list[types.TextEdit]:
    """The `ssj fmt` layout as one edit; nothing when the plan has syntax errors or is already formatted."""
    result = parse(analysis.text, analysis.file)
    if result.plan is None or any(d.is_error for d in result.diagnostics):
        return []
    formatted = format_plan(result.plan, result.comments, result.language)
    again = parse(formatted, analysis.file).plan
    if again is None or not equal_ignoring_spans(again, result.plan) or formatted == analysis.text:
        return []
    return [types.TextEdit(range=positions.whole(), new_text=formatted)]


def symbols(analysis: Analysis, positions: Positions) -> list[types.DocumentSymbol]:
    """The outline: the plan header, departments, profiles and every task."""
    plans = parsed_plans(analysis)
    out: list[types.DocumentSymbol] = []

    def symbol(
        name: str,
        kind: types.SymbolKind,
        span: Span,
        selection: Span,
        detail: str | None = None,
        children: list[types.DocumentSymbol] | None = None,
    ) -> types.DocumentSymbol:
        return types.DocumentSymbol(
            name=name,
            kind=kind,
            range=positions.range(analysis.absolute(span)),
            selection_range=positions.range(analysis.absolute(selection)),
            detail=detail,
            children=children,
        )

    for part in plans:
        header = part.header
        if header.span != NO_SPAN:
            title = header.title.value if header.title else "计划"
            out.append(
                symbol(
                    title or "计划",
                    types.SymbolKind.Namespace,
                    header.span,
                    header.title.span if header.title else header.span,
                    f"{header.year.value} 年度" if header.year else None,
                )
            )
        for department in part.departments:
            aliases = "、".join(a.value for a in department.aliases)
            units = [
                symbol(unit.name.value, types.SymbolKind.Class, unit.span, unit.name.span, "单位")
                for unit in department.units
            ]
            out.append(
                symbol(
                    department.name.value,
                    types.SymbolKind.Class,
                    department.span,
                    department.name.span,
                    f"又称 {aliases}" if aliases else "部门",
                    units or None,
                )
            )
        for level in part.levels:
            out.append(
                symbol(
                    level.name.value,
                    types.SymbolKind.Struct,
                    level.span,
                    level.name.span,
                    "层级 " + "、".join(m.value for m in level.members),
                )
            )
        for profile in part.profiles:
            levels = [
                symbol(class_name(level.risk), types.SymbolKind.EnumMember, level.span, level.span)
                for level in profile.levels
            ]
            out.append(
                symbol(
                    profile.name.value,
                    types.SymbolKind.Enum,
                    profile.span,
                    profile.name.span,
                    "风险递加",
                    levels,
                )
            )
        for task in part.tasks:
            detail = " · ".join(
                x
                for x in (
                    task.lead.value if task.lead else "",
                    rate_text(task.rate) if isinstance(task.rate, Rate) else "",
                )
                if x
            )
            rows = [
                symbol(
                    f"子项 {index}" + (f" {row.label.value}" if row.label else ""),
                    types.SymbolKind.Event,
                    row.span,
                    row.span,
                )
                for index, row in enumerate(task.parts, start=1)
            ]
            out.append(
                symbol(
                    f"任务 {task.code.text} {task.name.value}",
                    types.SymbolKind.Event,
                    task.span,
                    Span.merge(task.code.span, task.name.span),
                    detail or None,
                    rows or None,
                )
            )
    out.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    return out


_STRIP = re.compile(r'"(?:[^"\\\n]|\\.)*"|「[^」\n]*」|(?:#|//).*')


def folding(analysis: Analysis, positions: Positions) -> list[types.FoldingRange]:
    """Every block `{ … }` over several lines, and every run of two or more comment lines."""
    out: list[types.FoldingRange] = []
    open_lines: list[int] = []
    comment_start: int | None = None
    lines = analysis.text.split("\n")
    for number, line in enumerate(lines):
        stripped = line.strip(" \t\u3000")
        is_comment = stripped.startswith(("#", "//"))
        if is_comment and comment_start is None:
            comment_start = number
        if not is_comment and comment_start is not None:
            if number - 1 > comment_start:
                out.append(
                    types.FoldingRange(
                        start_line=comment_start, end_line=number - 1, kind=types.FoldingRangeKind.Comment
                    )
                )
            comment_start = None
        for char in _STRIP.sub("", line):
            if char in "{｛":
                open_lines.append(number)
            elif char in "}｝" and open_lines:
                start = open_lines.pop()
                if number - 1 > start:
                    out.append(
                        types.FoldingRange(
                            start_line=start, end_line=number - 1, kind=types.FoldingRangeKind.Region
                        )
                    )
    if comment_start is not None and len(lines) - 1 > comment_start:
        out.append(
            types.FoldingRange(
                start_line=comment_start, end_line=len(lines) - 1, kind=types.FoldingRangeKind.Comment
            )
        )
    return sorted(out, key=lambda r: (r.start_line, r.end_line))


def code_actions(
    analysis: Analysis, positions: Positions, uri: str, requested: types.Range, docs_url: str | None = None
) -> list[types.CodeAction]:
    """The structured fixes of the diagnostics in `requested`, as quick fixes."""
    first = positions.offset(requested.start)
    last = positions.offset(requested.end)
    out: list[types.CodeAction] = []
    for d in analysis.diagnostics:
        if not d.fixes or d.span.line <= 0 or d.span.end < first or d.span.start > last:
            continue
        shown = lsp_diagnostic(d, positions, uri, docs_url)
        for index, fix in enumerate(d.fixes):
            edits = [
                types.TextEdit(range=positions.range(edit.span), new_text=edit.new_text) for edit in fix.edits
            ]
            out.append(
                types.CodeAction(
                    title=fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[shown],
                    is_preferred=index == 0,
                    edit=types.WorkspaceEdit(changes={uri: edits}),
                )
            )
    return out


def task_at_lines(analysis: Analysis, positions: Positions) -> list[tuple[Task, types.Range]]:
    """Each task with the range of its header (`任务 4 "…"`), where its code lens stands."""
    if analysis.plan is None:
        return []
    return [
        (task, positions.range(analysis.absolute(Span.merge(task.code.span, task.name.span))))
        for task in analysis.plan.tasks
    ]
