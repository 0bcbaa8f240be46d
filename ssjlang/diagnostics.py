"""Diagnostics as data: every stage reports problems as `Diagnostic` values, never by raising.

Codes are stable (OPA style) and grouped by stage:
SSJ0xx source and syntax (parser), SSJ1xx plan semantics (checker), SSJ2xx registry and roster
intake, SSJ3xx draw, teams and schedule, SSJ4xx results intake and rendering, SSJ5xx importing a
plan table (`ssj import`).
`docs/diagnostics.md` lists every code with an example and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .language.nodes import NO_SPAN, Span


class Severity(Enum):
    """Whether a diagnostic stops the pipeline (error, exit 1) or is only reported (warning)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Related:
    """Another place that explains the diagnostic (the first declaration, the other duplicate)."""

    message: str
    span: Span
    file: str | None = None


@dataclass(frozen=True)
class Edit:
    """Replace the text of `span` with `new_text`; a span that starts where it ends is an insertion."""

    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A structured fix (快速修复) for a diagnostic: a title saying what it does, and its edits.

    An editor offers it as a quick fix; `ssj check --format json` lists it. Titles follow the house
    style of messages (Chinese first, English gloss). Edits of one fix never overlap.
    """

    title: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Diagnostic:
    """One problem. For tabular inputs (registry, roster, results) span.line is the row number
    (1-based, header = row 1) and span.column the column number (1-based)."""

    code: str
    severity: Severity
    message: str
    file: str
    span: Span = NO_SPAN
    hint: str | None = None
    related: tuple[Related, ...] = field(default=())
    fixes: tuple[Fix, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        """Whether this diagnostic stops the pipeline."""
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        """File, then position, then code: the order diagnostics are shown in."""
        return (self.file, self.span.line, self.span.column, self.code)


def sorted_diagnostics(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """Diagnostics in reading order (file, line, column, code), so output is deterministic."""
    return sorted(diagnostics, key=Diagnostic.sort_key)


def has_errors(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    """Whether any diagnostic is an error (decides exit code 1)."""
    return any(d.is_error for d in diagnostics)


class InputError(Exception):
    """Raised by intake and interpret stages when input cannot be used; carries all diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = sorted_diagnostics(diagnostics)


def error(code: str, message: str, file: str, span: Span = NO_SPAN, hint: str | None = None,
          related: tuple[Related, ...] = (), fixes: tuple[Fix, ...] = ()) -> Diagnostic:
    """An error diagnostic: the input cannot be used as it is."""
    return Diagnostic(code, Severity.ERROR, message, file, span, hint, related, fixes)


def warning(code: str, message: str, file: str, span: Span = NO_SPAN, hint: str | None = None,
            related: tuple[Related, ...] = (), fixes: tuple[Fix, ...] = ()) -> Diagnostic:
    """A warning diagnostic: worth a look, but the pipeline goes on."""
    return Diagnostic(code, Severity.WARNING, message, file, span, hint, related, fixes)


def insertion_at(span: Span, *, end: bool) -> Span:
    """An empty span at the start (or, with `end`, the end) of `span`: where a fix inserts text."""
    if end:
        return Span(span.end_line, span.end_column, span.end_line, span.end_column, span.end, span.end)
    return Span(span.line, span.column, span.line, span.column, span.start, span.start)


def cell_span(row: int, column: int) -> Span:
    """The span of a table cell: line = row, column = column (both 1-based)."""
    return Span(row, column, row, column, 0, 0)
