"""Diagnostics for people and for machines: rustc-style text, JSON, GitHub workflow commands.

The text form underlines the offending span under the source line. Columns in a `Span` count
characters, but a terminal shows CJK characters two columns wide, so the caret is placed by
display width (unicodedata.east_asian_width) with tabs expanded — otherwise the caret would land
in the middle of the line for every Chinese plan.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from ..diagnostics import Diagnostic, Related, Severity
from ..language.nodes import Span

FORMATS = ("text", "json", "github")
CI_FORMATS = ("sarif", "gitlab", "junit")
"""Formats for CI systems, rendered by `ssjlang.report.ci_formats` (imported only when asked for)."""
TAB_WIDTH = 4
GITHUB_ANNOTATION_LIMIT = 10
"""GitHub shows at most this many error annotations, and as many warnings, per step of a workflow."""


def char_width(char: str) -> int:
    """Display columns of one character: 2 for wide/fullwidth (CJK), 0 for combining marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1


def expand_line(line: str) -> tuple[str, list[int]]:
    """The line as displayed (tabs expanded, control characters shown as �) and the display
    column where each character starts (one extra entry for the end of the line)."""
    shown: list[str] = []
    starts: list[int] = []
    column = 0
    for char in line:
        starts.append(column)
        if char == "\t":
            width = TAB_WIDTH - column % TAB_WIDTH
            shown.append(" " * width)
        elif unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
            width = 1
            shown.append("\ufffd")
        else:
            width = char_width(char)
            shown.append(char)
        column += width
    starts.append(column)
    return "".join(shown), starts


def display_width(text: str) -> int:
    """Display columns of `text` (tabs expanded from column 0)."""
    return expand_line(text)[1][-1]


def location(diagnostic_file: str, span: Span) -> str:
    """`file:line:col`, or just `file` for a diagnostic about the whole file."""
    if span.line <= 0:
        return diagnostic_file
    return f"{diagnostic_file}:{span.line}:{max(span.column, 1)}"


def _severity_word(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _identity(text: str, **_: object) -> str:
    return text


class _Style:
    """click.style when colour is on, plain text otherwise (tests and CI never see escapes)."""

    def __init__(self, color: bool) -> None:
        self.style: Callable[..., str]
        if color:
            import click

            self.style = click.style
        else:
            self.style = _identity

    def severity(self, severity: Severity) -> str:
        word = _severity_word(severity)
        return self.style(word, fg="red" if severity is Severity.ERROR else "yellow", bold=True)

    def gutter(self, text: str) -> str:
        return self.style(text, fg="blue", bold=True)

    def marker(self, text: str, severity: Severity) -> str:
        return self.style(text, fg="red" if severity is Severity.ERROR else "yellow", bold=True)

    def bold(self, text: str) -> str:
        return self.style(text, bold=True)


def _source_lines(source: str | None) -> list[str] | None:
    if source is None:
        return None
    return source.split("\n")


def _snippet(lines: list[str], span: Span, severity: Severity, style: _Style, gutter_width: int) -> list[str]:
    """The source line(s) of `span` with a caret/underline below, rustc style."""
    if span.line <= 0 or span.line > len(lines):
        return []
    out: list[str] = []
    pad = " " * gutter_width
    last_line = min(max(span.end_line, span.line), len(lines))
    shown_lines = [span.line] if last_line == span.line else [span.line, last_line]
    out.append(f"{pad} {style.gutter('|')}")
    for index, number in enumerate(shown_lines):
        if index == 1 and number > shown_lines[0] + 1:
            out.append(f"{style.gutter('...'.rjust(gutter_width))}")
        text = lines[number - 1]
        shown, starts = expand_line(text)
        out.append(f"{style.gutter(str(number).rjust(gutter_width))} {style.gutter('|')} {shown}".rstrip())
        first_char = max(span.column, 1) - 1 if number == span.line else 0
        first_char = min(first_char, len(text))
        if number == last_line and span.end_line == number:
            end_char = max(span.end_column - 1, first_char)
        else:
            end_char = len(text)
        end_char = min(end_char, len(text))
        start_col = starts[first_char]
        end_col = starts[end_char]
        marks = "^" * max(end_col - start_col, 1)
        out.append(f"{pad} {style.gutter('|')} {' ' * start_col}{style.marker(marks, severity)}")
    return out


def render_text(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str | None] | None = None,
                color: bool = False) -> str:
    """rustc-like report: `file:line:col: error[SSJ104]: message`, the source line with a caret,
    `= hint: …` and related notes. Files with no source text (tables) show only `file:row:col`."""
    style = _Style(color)
    sources = sources or {}
    line_cache: dict[str, list[str] | None] = {}

    def lines_of(file: str) -> list[str] | None:
        if file not in line_cache:
            line_cache[file] = _source_lines(sources.get(file))
        return line_cache[file]

    blocks: list[str] = []
    for diagnostic in diagnostics:
        related_lines = [r.span.end_line for r in diagnostic.related if r.span.line > 0]
        gutter_width = len(str(max([diagnostic.span.end_line, diagnostic.span.line, *related_lines, 1])))
        head = (f"{style.bold(location(diagnostic.file, diagnostic.span))}: "
                f"{style.severity(diagnostic.severity)}{style.bold(f'[{diagnostic.code}]')}: "
                f"{diagnostic.message}")
        out = [head]
        lines = lines_of(diagnostic.file)
        if lines is not None:
            out += _snippet(lines, diagnostic.span, diagnostic.severity, style, gutter_width)
        pad = " " * gutter_width
        if diagnostic.hint:
            out.append(f"{pad} {style.gutter('=')} hint: {diagnostic.hint}")
        for related in diagnostic.related:
            out += _related_text(related, diagnostic.file, lines_of, style, gutter_width)
        blocks.append("\n".join(out))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _related_text(related: Related, default_file: str, lines_of: Callable[[str], list[str] | None],
                  style: _Style, gutter_width: int) -> list[str]:
    file = related.file or default_file
    pad = " " * gutter_width
    out = [f"{pad} {style.gutter('=')} note: {related.message}"]
    if related.span.line > 0:
        out.append(f"{pad}{style.gutter('-->')} {location(file, related.span)}")
        lines = lines_of(file)
        if lines is not None:
            out += _snippet(lines, related.span, Severity.WARNING, _NoteStyle(style), gutter_width)
    return out


class _NoteStyle(_Style):
    """Related spans are underlined with `-` in the note colour, like rustc's secondary labels."""

    def __init__(self, base: _Style) -> None:
        self.style = base.style

    def marker(self, text: str, severity: Severity) -> str:
        return self.style("-" * len(text), fg="blue", bold=True)


def _span_json(span: Span) -> dict[str, int | None]:
    if span.line <= 0:
        return {"line": None, "column": None, "end_line": None, "end_column": None}
    return {"line": span.line, "column": span.column,
            "end_line": span.end_line, "end_column": span.end_column}


def diagnostic_to_dict(diagnostic: Diagnostic) -> dict[str, object]:
    """One diagnostic as plain data (the JSON report's element)."""
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "file": diagnostic.file,
        **_span_json(diagnostic.span),
        "hint": diagnostic.hint,
        "related": [
            {"message": r.message, "file": r.file or diagnostic.file, **_span_json(r.span)}
            for r in diagnostic.related
        ],
        "fixes": [
            {"title": fix.title,
             "edits": [{**_span_json(edit.span), "new_text": edit.new_text} for edit in fix.edits]}
            for fix in diagnostic.fixes
        ],
    }


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON list of diagnostic objects (UTF-8 text, not \\u escapes), with a trailing newline."""
    data = [diagnostic_to_dict(d) for d in diagnostics]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=SSJ104::message`)
    so a CI run annotates the plan file in the pull request."""
    out: list[str] = []
    for diagnostic in diagnostics:
        properties = [f"file={_escape_property(diagnostic.file)}"]
        span = diagnostic.span
        if span.line > 0:
            properties.append(f"line={span.line}")
            if span.column > 0:
                properties.append(f"col={span.column}")
            if span.end_line >= span.line:
                properties.append(f"endLine={span.end_line}")
                if span.end_line == span.line and span.end_column > span.column > 0:
                    properties.append(f"endColumn={span.end_column}")
        properties.append(f"title={_escape_property(diagnostic.code)}")
        message = diagnostic.message
        if diagnostic.hint:
            message += f"\nhint: {diagnostic.hint}"
        for related in diagnostic.related:
            where = location(related.file or diagnostic.file, related.span)
            message += f"\nnote: {related.message} ({where})"
        command = "error" if diagnostic.severity is Severity.ERROR else "warning"
        out.append(f"::{command} {','.join(properties)}::{_escape_data(message)}")
    notice = _github_overflow_notice(diagnostics)
    if notice is not None:
        out.append(f"::notice title=ssj check::{_escape_data(notice)}")
    return "".join(line + "\n" for line in out)


def _github_overflow_notice(diagnostics: Sequence[Diagnostic]) -> str | None:
    """The closing notice when GitHub will not show every annotation: how many problems there are and
    how many it leaves out, so a big plan's problems are not silently lost."""
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    limit = GITHUB_ANNOTATION_LIMIT
    hidden = max(0, errors - limit) + max(0, warnings - limit)
    if hidden == 0:
        return None
    total = len(diagnostics)
    return (f"共 {total} 个问题（{errors} 个错误，{warnings} 个警告），GitHub 每步只标注前 {limit} 个错误和"
            f"前 {limit} 个警告，另有 {hidden} 个未标注；完整列表见本步日志，或用 ssj check --format sarif "
            f"上传到代码扫描 ({total} problems: GitHub annotates only {limit} errors and {limit} "
            f"warnings per step, {hidden} are not annotated; see this step's log or upload "
            f"ssj check --format sarif)")


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """`2 errors, 1 warning（2 个错误，1 个警告）`, or `no problems（未发现问题）`."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    if errors == 0 and warnings == 0:
        return "no problems（未发现问题）"
    english = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    chinese = [f"{errors} 个错误"] if errors else []
    if warnings:
        english.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        chinese.append(f"{warnings} 个警告")
    return f"{', '.join(english)}（{'，'.join(chinese)}）"


def render(diagnostics: Sequence[Diagnostic], fmt: str, sources: Mapping[str, str | None] | None = None,
           color: bool = False) -> str:
    """Dispatch on the `--format` value: text, json or github."""
    if fmt == "json":
        return render_json(diagnostics)
    if fmt == "github":
        return render_github(diagnostics)
    if fmt == "text":
        return render_text(diagnostics, sources, color)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
