"""The editor's requests answered from an `Analysis` (编辑器功能): diagnostics, completion, hover, formatting,
definitions and references, the outline, folding and quick fixes.

Everything the editor offers comes from the language's own tables: completions are the terminals the
parser accepts at the cursor (`parser.expected_after`), keywords are spelled from `ssjlang.keywords` in
the file's language, snippets are a template plan written by the formatter, hover texts are
`keyword_docs`, and a task's resolved window, rate and rounds come from `ssjlang.export` (in
`resolved_task`, the one place to switch to the resolved plan of the language work).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from lsprotocol import types
from lsprotocol.types import Diagnostic as LspDiagnostic  # the editor's form of an ssjlang Diagnostic

from ..checker import KNOWN_MODES, department_index, field_kinds, format_decimal, profiles_by_name, rate_text
from ..diagnostics import Diagnostic, Severity
from ..doclinks import help_uri
from ..export import risk_text, spec_text, window_json
from ..formatter import format_plan, strip_spans
from ..highlight import rules
from ..keywords import KEYWORDS, KEYWORDS_BY_KEY, Keyword, keyword_of_terminal
from ..nodes import (
    NO_SPAN,
    STANDARD_FIELD_ALIASES,
    STANDARD_FIELDS,
    Compare,
    CompareOp,
    DatePoint,
    Department,
    Integer,
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
    Text,
    Window,
)
from ..parser import expected_after, parse, statement_keys
from .analysis import Analysis, walk
from .keyword_docs import KEYWORD_DOCS
from .positions import Positions

SOURCE = "ssj"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}
_NAME_CHAR = re.compile(r"[^\s0-9０-９\"'「」{}｛｝\[\]【】()（）,，、;；:：=≠!<>≤≥%％#/×*~～—–\-。]")
_KEYWORD_KINDS = frozenset({"statement", "operator_word", "keyword"})

NAME_ROLES: dict[str, str] = {
    "lead": "department",
    "assist": "department",
    "risk": "profile",
    "mode": "mode",
    "where": "field",
    "and": "field",
    "or": "field",
    "not": "field",
    "by_subgroup": "field",
    "department": "new",
    "escalation": "new",
    "fields": "new",
    "alias": "new",
}
"""What a bare name after a keyword names: the last of these keywords before the cursor decides."""
MONTH_AFTER = frozenset({"window", "to", "due", "next_year"})
"""After these (keyword keys, or the dash), a number is a month."""


def spell(keyword: Keyword, language: str) -> str:
    """A keyword as the file writes it: Chinese, or the first English spelling."""
    return keyword.english[0] if language == "en" and keyword.english else keyword.chinese


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

    departments: tuple[Department, ...]
    profiles: tuple[RiskProfile, ...]
    fields: dict[str, str]


def parsed_plans(analysis: Analysis) -> list[Plan]:
    """The plan, or when it has a syntax error the plans of its statements that parse."""
    if analysis.plan is not None:
        return [analysis.plan]
    return [p.result.plan for p in analysis.pieces if p.result.plan is not None]


def declarations(analysis: Analysis) -> Declarations:
    plans = parsed_plans(analysis)
    departments = tuple(d for plan in plans for d in plan.departments)
    profiles = tuple(r for plan in plans for r in plan.profiles)
    fields = {name: "standard" for name in STANDARD_FIELDS}
    if analysis.language == "en":
        fields.update({alias: "standard" for alias in STANDARD_FIELD_ALIASES})
    for plan in plans:
        for decl in plan.fields:
            fields.setdefault(decl.name.value, decl.kind.value)
    return Declarations(departments, profiles, fields)


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
    if role == "department":
        pairs = []
        for department in found.departments:
            pairs.append((department.name.value, "部门 (department)"))
            pairs += [
                (alias.value, f"{department.name.value} 的别名 (alias)") for alias in department.aliases
            ]
        return _value_items(pairs, types.CompletionItemKind.Class)
    if role == "profile":
        return _value_items(
            [
                (p.name.value, p.description.value if p.description else "风险递加 (escalation)")
                for p in found.profiles
            ],
            types.CompletionItemKind.Enum,
        )
    if role == "field":
        return _value_items(
            [
                (name, "标准字段 (standard field)" if kind == "standard" else f"名录字段 {kind}")
                for name, kind in found.fields.items()
            ],
            types.CompletionItemKind.Field,
        )
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
        number=Integer(1, NO_SPAN),
        name=Text("任务名称", NO_SPAN),
        items=(Text("抽查事项", NO_SPAN),),
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
        directed=None,
        lead=Name("发起部门", NO_SPAN),
        assist=(Name("配合部门", NO_SPAN),),
        mode=Name("县抽县查", NO_SPAN),
        batches=(),
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
        ("task", Plan(header, (), (), (), (task,), NO_SPAN), _TAB_STOPS[:10]),
        ("escalation", Plan(header, (), (), (profile,), (), NO_SPAN), _TAB_STOPS[10:]),
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


# ---------------------------------------------------------------- finding what is under the cursor


def _contains(span: Span, offset: int) -> bool:
    return span.line > 0 and span.start <= offset <= span.end


def _keyword_at(analysis: Analysis, positions: Positions, offset: int) -> tuple[Keyword, int, int] | None:
    line = positions.line_of(offset)
    start = positions.line_starts[line]
    text = positions.line_text(line)
    for kind, begin, end in _tokens(text):
        if begin <= offset - start <= end and kind in _KEYWORD_KINDS:
            keyword = _keyword_by_spelling().get(" ".join(text[begin:end].split()).lower())
            if keyword is not None:
                return keyword, start + begin, start + end
    return None


@lru_cache(maxsize=1)
def _compiled_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((rule.kind, re.compile(rule.pattern)) for rule in rules())


def _tokens(line: str) -> Iterator[tuple[str, int, int]]:
    """The highlighting tokens of one line: (kind, start, end)."""
    compiled = _compiled_rules()
    position = 0
    while position < len(line):
        if line[position].isspace():
            position += 1
            continue
        for kind, pattern in compiled:
            match = pattern.match(line, position)
            if match and match.end() > position:
                yield kind, position, match.end()
                position = match.end()
                break
        else:
            position += 1


@lru_cache(maxsize=1)
def _keyword_by_spelling() -> dict[str, Keyword]:
    table: dict[str, Keyword] = {}
    for keyword in KEYWORDS:
        for spelling in keyword.spellings:
            table.setdefault(" ".join(spelling.split()).lower(), keyword)
    return table


@dataclass(frozen=True)
class Target:
    """A declared thing the cursor is on: a department or a profile, and the span of the name under it."""

    kind: str
    name: str
    span: Span


def target_at(analysis: Analysis, offset: int) -> Target | None:
    """The department or profile named at `offset` (declaration, alias or use)."""
    plan = analysis.plan
    if plan is None:
        return None
    virtual = analysis.virtual_offset(offset)
    index = department_index(plan)
    for department in plan.departments:
        for name in (department.name, *department.aliases):
            if _contains(name.span, virtual):
                return Target("department", department.name.value, name.span)
    for profile in plan.profiles:
        if _contains(profile.name.span, virtual):
            return Target("profile", profile.name.value, profile.name.span)
    for task in plan.tasks:
        if not _contains(task.span, virtual):
            continue
        for name in (*([task.lead] if task.lead else []), *task.assist):
            if _contains(name.span, virtual) and name.value in index:
                return Target("department", index[name.value], name.span)
        if (
            task.risk is not None
            and task.risk.profile is not None
            and _contains(task.risk.profile.span, virtual)
        ):
            return Target("profile", task.risk.profile.value, task.risk.profile.span)
    return None


def _uses(plan: Plan, target: Target) -> Iterator[Span]:
    index = department_index(plan)
    for task in plan.tasks:
        if target.kind == "department":
            for name in (*([task.lead] if task.lead else []), *task.assist):
                if index.get(name.value) == target.name:
                    yield name.span
        elif (
            task.risk is not None and task.risk.profile is not None and task.risk.profile.value == target.name
        ):
            yield task.risk.profile.span


def _declaration(plan: Plan, target: Target) -> list[Span]:
    if target.kind == "department":
        return [
            span
            for d in plan.departments
            if d.name.value == target.name
            for span in (d.name.span, *(a.span for a in d.aliases))
        ]
    return [p.name.span for p in plan.profiles if p.name.value == target.name]


def definition(analysis: Analysis, positions: Positions, uri: str, offset: int) -> list[types.Location]:
    """Where the department or profile under the cursor is declared."""
    target = target_at(analysis, offset)
    if target is None or analysis.plan is None:
        return []
    spans = _declaration(analysis.plan, target)[:1]
    return [types.Location(uri=uri, range=positions.range(analysis.absolute(span))) for span in spans]


def references(
    analysis: Analysis, positions: Positions, uri: str, offset: int, include_declaration: bool
) -> list[types.Location]:
    """Every task that names the department (by name or alias) or profile under the cursor."""
    target = target_at(analysis, offset)
    if target is None or analysis.plan is None:
        return []
    spans = list(_uses(analysis.plan, target))
    if include_declaration:
        spans = _declaration(analysis.plan, target) + spans
    return [types.Location(uri=uri, range=positions.range(analysis.absolute(span))) for span in spans]


# ---------------------------------------------------------------- hover


@dataclass(frozen=True)
class ResolvedTask:
    """A task as it will be drawn: window in dates, rate and rounds as the plan table prints them, and per
    credit-risk class the rate and rounds after escalation."""

    window: str | None
    rate: str | None
    rounds: str | None
    risk: str
    classes: tuple[tuple[str, str, str], ...]


def resolved_task(plan: Plan, task: Task) -> ResolvedTask:
    """The one place that resolves a task for the editor (today from `ssjlang.export`)."""
    year = plan.header.year.value if plan.header.year is not None else None
    window = None
    if task.window is not None:
        try:
            data = window_json(task.window, year)
            window = (
                f"{data['start']} — {data['end']}（{data['text']}）" if data["start"] else str(data["text"])
            )
        except ValueError:
            window = None
    rate = spec_text(task.rate) if task.rate is not None else None
    rounds = f"{task.rounds.per_year}次/年" if task.rounds is not None else None
    profiles = profiles_by_name(plan)
    profile = profiles.get(task.risk.profile.value) if task.risk and task.risk.profile else None
    classes: list[tuple[str, str, str]] = []
    if profile is not None and isinstance(task.rate, Rate) and task.rounds is not None:
        levels = {level.risk: level for level in reversed(profile.levels)}
        for risk in RiskClass:
            level = levels.get(risk)
            classes.append((risk.chinese, _level_rate(task.rate, level), _level_rounds(task.rounds, level)))
    return ResolvedTask(window, rate, rounds, risk_text(task, profiles), tuple(classes))


def _level_rate(rate: Rate, level: RiskLevel | None) -> str:
    if level is not None and level.rate is not None:
        return rate_text(level.rate)
    multiplier = level.multiplier if level is not None and level.multiplier is not None else Decimal(1)
    if rate.count is not None:
        return rate_text(rate)
    percent = min(Decimal(100), (rate.percent or Decimal(0)) * multiplier)
    floor = "不低于" if rate.at_least else ""
    return f"{floor}{format_decimal(percent)}%（×{format_decimal(multiplier)}）"


def _level_rounds(rounds: Rounds, level: RiskLevel | None) -> str:
    per_year = (
        max(rounds.per_year, level.rounds.per_year) if level is not None and level.rounds else rounds.per_year
    )
    return f"{per_year}次/年"


def _task_markdown(plan: Plan, task: Task) -> str:
    resolved = resolved_task(plan, task)
    lines = [f"**任务 {task.number.value} {task.name.value}**", ""]
    for label, value in (
        ("时间 (window)", resolved.window),
        ("比例 (rate)", resolved.rate),
        ("频次 (rounds)", resolved.rounds),
    ):
        if value:
            lines.append(f"- {label}：{value}")
    if resolved.classes:
        lines += ["", "| 信用风险 (risk class) | 比例 (rate) | 频次 (rounds) |", "|---|---|---|"]
        lines += [f"| {name} | {rate} | {rounds} |" for name, rate, rounds in resolved.classes]
    if resolved.risk:
        lines += ["", f"风险要求 (risk text)：{resolved.risk}"]
    return "\n".join(lines)


def _department_markdown(analysis: Analysis, plan: Plan, name: str) -> str:
    department = next(d for d in plan.departments if d.name.value == name)
    keyword = spell(KEYWORDS_BY_KEY["department"], analysis.language)
    declared = f"{keyword} {name}"
    if department.aliases:
        alias = spell(KEYWORDS_BY_KEY["alias"], analysis.language)
        declared += f" {alias} " + "、".join(a.value for a in department.aliases)
    line = analysis.absolute(department.span).line
    target = Target("department", name, department.name.span)
    leads = sum(1 for t in plan.tasks if t.lead and department_index(plan).get(t.lead.value) == name)
    uses = sum(1 for _ in _uses(plan, target))
    return (
        f"```ssj\n{declared}\n```\n声明于第 {line} 行 (declared on line {line})；"
        f"发起 {leads} 项任务，共被 {uses} 处引用 (leads {leads} tasks, named {uses} times)"
    )


def _profile_markdown(plan: Plan, name: str) -> str:
    profile = profiles_by_name(plan)[name]
    rows = []
    for level in profile.levels:
        if level.rate is not None:
            rate = rate_text(level.rate)
        else:
            rate = f"×{format_decimal(level.multiplier if level.multiplier is not None else Decimal(1))}"
        rounds = f"{level.rounds.per_year}次/年" if level.rounds else "任务频次 (the task's)"
        rows.append(f"| {level.risk.chinese}（{level.risk.value}） | {rate} | {rounds} |")
    missing = [risk.chinese for risk in RiskClass if risk not in {level.risk for level in profile.levels}]
    text = [f"**风险递加 {name}**", ""]
    if profile.description is not None:
        text += [profile.description.value, ""]
    text += ["| 等级 (class) | 比例 (rate) | 频次 (rounds) |", "|---|---|---|", *rows]
    if missing:
        text += ["", f"未列出的 {'、'.join(missing)} 按任务比例×1 (classes not listed use ×1)"]
    return "\n".join(text)


def hover(analysis: Analysis, positions: Positions, offset: int) -> types.Hover | None:
    """Help for what is under the cursor: a keyword, a department, a profile, a field or a task."""

    def markdown(value: str, start: int, end: int) -> types.Hover:
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
            range=types.Range(start=positions.position(start), end=positions.position(end)),
        )

    found = _keyword_at(analysis, positions, offset)
    if found is not None:
        keyword, start, end = found
        spellings = "、".join(f"`{s}`" for s in keyword.spellings)
        return markdown(
            f"**{keyword.chinese}** ({keyword.english[0] if keyword.english else ''})\n\n"
            f"{KEYWORD_DOCS.get(keyword.key, '')}\n\n写法 (spellings)：{spellings}",
            start,
            end,
        )
    plan = analysis.plan
    if plan is None:
        return None
    target = target_at(analysis, offset)
    if target is not None:
        span = analysis.absolute(target.span)
        text = (
            _department_markdown(analysis, plan, target.name)
            if target.kind == "department"
            else _profile_markdown(plan, target.name)
        )
        return markdown(text, span.start, span.end)
    virtual = analysis.virtual_offset(offset)
    kinds = field_kinds(plan)
    for task in plan.tasks:
        if not _contains(task.span, virtual):
            continue
        if _contains(Span.merge(task.number.span, task.name.span), virtual):
            span = analysis.absolute(Span.merge(task.number.span, task.name.span))
            return markdown(_task_markdown(plan, task), span.start, span.end)
        for node in walk(task):
            if isinstance(node, Compare) and _contains(node.field.span, virtual):
                name = node.field.value
                kind = kinds.get(name)
                standard = (
                    "标准字段 (standard field)"
                    if name in STANDARD_FIELDS or name in STANDARD_FIELD_ALIASES
                    else "名录字段 (declared field)"
                )
                span = analysis.absolute(node.field.span)
                about = f"{standard}，类型 {kind.value}" if kind else "未知字段 (unknown field)"
                return markdown(f"**{name}** — {about}", span.start, span.end)
    return None


# ---------------------------------------------------------------- formatting, outline, folding, fixes


def formatting(analysis: Analysis, positions: Positions) -> list[types.TextEdit]:
    """The `ssj fmt` layout as one edit; nothing when the plan has syntax errors or is already formatted."""
    result = parse(analysis.text, analysis.file)
    if result.plan is None or any(d.is_error for d in result.diagnostics):
        return []
    formatted = format_plan(result.plan, result.comments, result.language)
    again = parse(formatted, analysis.file).plan
    if again is None or strip_spans(again) != strip_spans(result.plan) or formatted == analysis.text:
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
            out.append(
                symbol(
                    department.name.value,
                    types.SymbolKind.Class,
                    department.span,
                    department.name.span,
                    f"又称 {aliases}" if aliases else "部门",
                )
            )
        for profile in part.profiles:
            levels = [
                symbol(level.risk.chinese, types.SymbolKind.EnumMember, level.span, level.span)
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
                for x in (task.lead.value if task.lead else "", spec_text(task.rate) if task.rate else "")
                if x
            )
            out.append(
                symbol(
                    f"任务 {task.number.value} {task.name.value}",
                    types.SymbolKind.Event,
                    task.span,
                    Span.merge(task.number.span, task.name.span),
                    detail or None,
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
        (task, positions.range(analysis.absolute(Span.merge(task.number.span, task.name.span))))
        for task in analysis.plan.tasks
    ]
