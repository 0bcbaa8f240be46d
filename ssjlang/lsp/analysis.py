"""Incremental parse and check of an open plan (增量检查): the language server's model of a document.

Parsing a 1,000-task plan takes longer than a keystroke may (Lark's LALR parser: about a second on the
reference machine), but an edit changes one statement. So the text is cut where the parser itself cuts
it after a syntax error — `parser.statement_bounds`: before every line that starts a top-level statement —
and each piece is parsed on its own and kept while its text does not change. The pieces' plans are joined
into one `Plan` and the checker (which is fast) runs over the whole of it.

Why the joined plan is the plan `parse` would give: the grammar is `statement*`, tokens never cross a
line, and a piece that parses alone ends where a statement ends, so the parser reading the whole text
passes through the same states piece after piece. When a piece does not parse alone, either the plan has
a syntax error or the cut was not a statement boundary (a line inside a block that begins with a
statement keyword, like a registry field called 部门级别): the piece is joined with the next ones until
it parses, or until the error lies before the last joined piece's first token (then it is the plan's
error, found exactly as `ssj check` finds it). Two 计划 blocks or an over-deep selector (the only
problems the parser finds across statements or after parsing) make it parse the whole text instead.
tests/test_lsp_analysis.py checks all this against a full parse and check under random edits.

Positions: each piece's AST keeps positions relative to the piece, lifted into a "slot" of its own
(line + slot·2²², offset + slot·2²⁴), so an unchanged piece keeps its AST when text before it moves.
`Analysis.absolute` maps any span back; slot 0 is the identity (used for a whole-text parse).
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..check.checker import check
from ..diagnostics import Diagnostic, Edit, Fix, Related, sorted_diagnostics
from ..language.nodes import NO_SPAN, Plan, PlanHeader, Span
from ..language.parser import (
    MAX_SOURCE_CHARS,
    SSJ015_TOO_DEEP,
    ParseResult,
    first_syntax_error,
    normalize_newlines,
    parse,
    statement_bounds,
)

LINE_BITS = 22
"""A piece has fewer than 2²² lines (a plan is refused above 2,000,000 characters)."""
OFFSET_BITS = 24
_LINE_MASK = (1 << LINE_BITS) - 1
_OFFSET_MASK = (1 << OFFSET_BITS) - 1


def lift(node: Any, slot: int) -> Any:
    """`node` (an AST node, diagnostic, tuple…) with every real span moved into `slot`."""
    if slot == 0:
        return node
    line_base, offset_base = slot << LINE_BITS, slot << OFFSET_BITS

    def move(value: Any) -> Any:
        if isinstance(value, Span):
            if value.line <= 0:
                return value
            return Span(
                value.line + line_base,
                value.column,
                value.end_line + line_base,
                value.end_column,
                value.start + offset_base,
                value.end + offset_base,
            )
        if isinstance(value, tuple):
            return tuple(move(item) for item in value)
        if isinstance(value, list):
            return [move(item) for item in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: move(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        return value

    return move(node)


@dataclass(frozen=True)
class Piece:
    """A run of whole statements: where it is now, its slot, and its parse (spans in the slot)."""

    begin: int
    end: int
    line: int
    """The 1-based line the piece starts on."""
    slot: int
    result: ParseResult

    @property
    def parsed(self) -> bool:
        return self.result.plan is not None


@dataclass
class Analysis:
    """One version of a document: its text, plan (spans in slots), every diagnostic (absolute spans,
    exactly what `ssj check` reports for the text) and the pieces."""

    text: str
    file: str
    plan: Plan | None
    diagnostics: list[Diagnostic]
    pieces: list[Piece]
    language: str
    reparsed: int = 0
    """How many pieces this version had to parse (the rest were kept): for tests and the benchmark."""
    _slots: dict[int, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._slots = {piece.slot: (piece.begin, piece.line) for piece in self.pieces}
        self._slots.setdefault(0, (0, 1))

    def absolute(self, span: Span) -> Span:
        """A span of the plan (in a slot) as a span of the text."""
        if span.line <= 0:
            return span
        begin, line = self._slots[span.line >> LINE_BITS]
        end_begin, end_line = self._slots[span.end_line >> LINE_BITS]
        return Span(
            line + (span.line & _LINE_MASK) - 1,
            span.column,
            end_line + (span.end_line & _LINE_MASK) - 1,
            span.end_column,
            begin + (span.start & _OFFSET_MASK),
            end_begin + (span.end & _OFFSET_MASK),
        )

    def virtual_offset(self, offset: int) -> int:
        """A text offset as an offset in the slot of the piece that holds it (to find AST nodes)."""
        for piece in self.pieces:
            if piece.begin <= offset < piece.end or (offset == piece.end == len(self.text)):
                return (piece.slot << OFFSET_BITS) + offset - piece.begin
        return offset

    def absolute_diagnostic(self, d: Diagnostic) -> Diagnostic:
        return _map_spans(d, self.absolute)


def _map_spans(d: Diagnostic, to: Any) -> Diagnostic:
    return dataclasses.replace(
        d,
        span=to(d.span),
        related=tuple(Related(r.message, to(r.span), r.file) for r in d.related),
        fixes=tuple(Fix(f.title, tuple(Edit(to(e.span), e.new_text) for e in f.edits)) for f in d.fixes),
    )


def _has_header(plan: Plan) -> bool:
    return plan.header.span != NO_SPAN


_STATEMENT_LISTS = tuple(f.name for f in dataclasses.fields(Plan) if f.name not in ("header", "span"))
"""The fields of a `Plan` that list statements (fields, departments, tasks, levels, joint draws …):
joining pieces concatenates each of them, so a new kind of statement needs nothing here."""


def _has_statements(plan: Plan) -> bool:
    return _has_header(plan) or any(getattr(plan, name) for name in _STATEMENT_LISTS)


class PlanDocument:
    """An open document: `update(text)` returns its `Analysis`, re-parsing only the changed pieces."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._next_slot = 1
        self._kept: dict[tuple[str, bool], list[tuple[int, ParseResult]]] = {}
        self.analysis: Analysis | None = None

    # -- pieces

    def _piece(
        self,
        text: str,
        begin: int,
        end: int,
        line: int,
        reuse: dict[tuple[str, bool], list[tuple[int, ParseResult]]],
        fresh: list[int],
    ) -> Piece:
        body = text[begin:end]
        key = (body, end == len(text))
        kept = reuse.get(key)
        if kept:
            slot, result = kept.pop()
        else:
            slot = self._next_slot
            self._next_slot += 1
            result = lift(parse(body, self.file, ends_file=key[1]), slot)
            fresh.append(slot)
        self._kept.setdefault(key, []).append((slot, result))
        return Piece(begin, end, line, slot, result)

    def update(self, source: str) -> Analysis:
        """Analyse a new version of the document's text.

        The cyclic garbage collector is paused meanwhile: the analysis makes no cycles, and with a
        large plan's AST alive each collection would walk all of it (as in `registry.load_registry`).
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._update(source)
        finally:
            if collecting:
                gc.enable()

    def _update(self, source: str) -> Analysis:
        text = normalize_newlines(source)
        reuse, self._kept = self._kept, {}
        fresh: list[int] = []
        bounds = statement_bounds(text)
        pieces: list[Piece] = []
        line = 1
        for begin, end in pairwise(bounds):
            pieces.append(self._piece(text, begin, end, line, reuse, fresh))
            line += text.count("\n", begin, end)
        analysis = self._analyse(text, pieces, bounds, reuse, fresh)
        analysis.reparsed = len(fresh)
        self.analysis = analysis
        return analysis

    # -- joining

    def _analyse(
        self,
        text: str,
        pieces: list[Piece],
        bounds: list[int],
        reuse: dict[tuple[str, bool], list[tuple[int, ParseResult]]],
        fresh: list[int],
    ) -> Analysis:
        if len(text) > MAX_SOURCE_CHARS or any(
            SSJ015_TOO_DEEP in {d.code for d in p.result.diagnostics} for p in pieces
        ):
            return self._whole(text)
        joined = self._join(text, pieces, reuse, fresh)
        if joined is None:  # the plan has a syntax error: report every piece's, as ssj check does
            return self._broken(text, pieces)
        if sum(1 for p in joined if p.result.plan is not None and _has_header(p.result.plan)) > 1:
            return self._whole(text)  # a second 计划 block (SSJ021) is found across statements
        return self._checked(text, joined)

    def _join(
        self,
        text: str,
        pieces: list[Piece],
        reuse: dict[tuple[str, bool], list[tuple[int, ParseResult]]],
        fresh: list[int],
    ) -> list[Piece] | None:
        """The pieces with every wrong cut undone, or None when the plan has a syntax error."""
        out: list[Piece] = []
        index = 0
        while index < len(pieces):
            piece = pieces[index]
            if piece.parsed:
                out.append(piece)
                index += 1
                continue
            body = text[piece.begin : piece.end]
            if first_syntax_error(body) != len(body):
                return None  # wrong before the piece ends: the plan's own error
            last = index
            while True:  # the piece's statement is still open where the piece ends
                if pieces[last].end == len(text):
                    return None  # open until the end of the file
                last += 1
                body = text[piece.begin : pieces[last].end]
                where = first_syntax_error(body)
                if where is None:  # the cut was inside a block: parse the pieces as one
                    out.append(self._piece(text, piece.begin, pieces[last].end, piece.line, reuse, fresh))
                    index = last + 1
                    break
                if where != len(body):
                    return None  # an error after a real statement start: the plan's own error
        return out

    def _whole(self, text: str) -> Analysis:
        """Parse and check the whole text at once (slot 0: spans are already absolute)."""
        result = parse(text, self.file)
        diagnostics = list(result.diagnostics)
        if result.plan is not None:
            diagnostics += check(result.plan, self.file, source=text)
        piece = Piece(0, len(text), 1, 0, result)
        return Analysis(
            text, self.file, result.plan, sorted_diagnostics(diagnostics), [piece], result.language
        )

    def _broken(self, text: str, pieces: list[Piece]) -> Analysis:
        analysis = Analysis(text, self.file, None, [], pieces, _language(pieces))
        found = [
            analysis.absolute_diagnostic(d) for p in pieces if not p.parsed for d in p.result.diagnostics
        ]
        unique = {(d.span.start, d.message): d for d in found}
        analysis.diagnostics = sorted_diagnostics(list(unique.values()))
        return analysis

    def _checked(self, text: str, pieces: list[Piece]) -> Analysis:
        plans = [p.result.plan for p in pieces if p.result.plan is not None]
        with_statements = [plan for plan in plans if _has_statements(plan)]
        header = next(
            (plan.header for plan in plans if _has_header(plan)),
            PlanHeader(None, None, None, None, None, None, None, NO_SPAN),
        )
        span = (
            Span.merge(with_statements[0].span, with_statements[-1].span)
            if with_statements
            else Span(1, 1, 1, 1, 0, 0)
        )
        lists = {name: tuple(item for p in plans for item in getattr(p, name)) for name in _STATEMENT_LISTS}
        plan = Plan(header=header, span=span, **lists)
        analysis = Analysis(text, self.file, plan, [], pieces, _language(pieces))
        parsed = sorted_diagnostics(
            [analysis.absolute_diagnostic(d) for p in pieces for d in p.result.diagnostics]
        )
        checked = [analysis.absolute_diagnostic(d) for d in check(plan, self.file, source=text)]
        analysis.diagnostics = sorted_diagnostics(parsed + checked)
        return analysis


def _language(pieces: list[Piece]) -> str:
    """The keyword language most of the text is in, weighing each piece by its length ("zh" on a tie)."""
    english = sum(p.end - p.begin for p in pieces if p.result.language == "en")
    chinese = sum(p.end - p.begin for p in pieces if p.result.language != "en")
    return "en" if english > chinese else "zh"


def walk(node: Any) -> Iterator[Any]:
    """Every dataclass node under `node` (itself included), parents first."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, tuple | list):
            stack.extend(reversed(value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield value
            stack.extend(reversed([getattr(value, f.name) for f in dataclasses.fields(value)]))
