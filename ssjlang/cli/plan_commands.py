"""`ssj check`, `ssj fmt`, `ssj export`: the commands that work on a plan file alone.

Exit codes (every command): 0 clean (warnings allowed), 1 the plan has errors (or, for
`fmt --check`, would be reformatted), 2 usage or I/O problems (missing file, a directory, no
permission). Heavy modules (the Lark parser, the formatter) are imported inside the commands so
`ssj --help` and `ssj check` start fast.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..diagnostics import Diagnostic, has_errors, sorted_diagnostics
from ..language.keywords import LANGUAGES
from ..report.report import CI_FORMATS, FORMATS, render, render_text, summary
from .common import EXIT_INPUT, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from ..language.nodes import Plan

STDIN_NAME = "<stdin>"


def _use_color() -> bool:
    """Colour only for a person at a terminal: never in pipes, files, tests or CI logs."""
    if os.environ.get("NO_COLOR") is not None:
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty is not None and isatty())


@dataclass
class _Source:
    """A plan file as read: its text (None when unreadable) and the diagnostics of reading it."""

    file: str
    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    io_error: str | None = None
    raw: bytes | None = None


def _io_problem(path: Path) -> str | None:
    """Why `path` cannot be read at all (exit 2), or None. Content problems are diagnostics."""
    from ..inputs import not_regular

    if not path.exists():
        return "文件不存在 (no such file)"
    if path.is_dir():
        return "这是一个目录，不是计划文件 (is a directory, not a plan file)"
    problem = not_regular(path.stat().st_mode)
    if problem is not None:  # /dev/zero, a FIFO: never read (it would not end, or block)
        return problem
    if not os.access(path, os.R_OK):
        return "没有读取权限 (permission denied)"
    return None


def _read(argument: str) -> _Source:
    from ..language.parser import read_source

    path = Path(argument)
    problem = _io_problem(path)
    if problem is not None:
        return _Source(argument, None, io_error=problem)
    try:
        text, diagnostics = read_source(path)
    except OSError as exc:  # vanished or unreadable between the check and the read
        return _Source(argument, None, io_error=f"无法读取 (cannot read): {exc.strerror or exc}")
    raw = None
    if text is not None:
        from ..inputs import PLAN, read_limited

        try:
            raw = read_limited(path, PLAN)
        except OSError:
            raw = None
    return _Source(argument, text, list(diagnostics), raw=raw)


def _read_stdin() -> _Source:
    """`-`: the plan on standard input, decoded like a file (UTF-8, BOM and CRLF removed)."""
    from ..inputs import PLAN
    from ..language.parser import read_source

    data = sys.stdin.buffer.read(PLAN.bytes() + 1)  # bounded: `ssj fmt - < /dev/zero` ends
    with tempfile.TemporaryDirectory(prefix="ssj-fmt-") as tmp:
        path = Path(tmp) / "stdin.ssj"
        path.write_bytes(data)
        text, diagnostics = read_source(path)
    renamed = [replace(d, file=STDIN_NAME) for d in diagnostics]
    return _Source(STDIN_NAME, text, renamed, raw=data)


def _report_io(command: str, source: _Source) -> None:
    click.echo(f"ssj {command}: {source.file}: {source.io_error}", err=True)


def _check_source(source: _Source) -> list[Diagnostic]:
    """Parse and check one source; parse errors stop before the checker (its AST is partial)."""
    from ..pipeline import plan_diagnostics

    if source.text is None:
        return sorted_diagnostics(list(source.diagnostics))
    return sorted_diagnostics([*source.diagnostics, *plan_diagnostics(source.text, source.file)])


# ---------------------------------------------------------------- ssj check


@click.command("check")
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS + CI_FORMATS), default="text", show_default=True,
              help="text for people, json for tools, github for GitHub Actions annotations, sarif for code "
                   "scanning (SARIF 2.1.0), gitlab for GitLab Code Quality, junit for test reports.")
@click.option("--quiet", "-q", is_flag=True, help="Report errors only: no warnings, no summary line.")
@click.option("--fail-level", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 on errors only, or on warnings too.")
@click.option("--docs-url", metavar="URL", default=None,
              help="Base URL of the documentation for the help links of --format sarif "
                   "(default: $SSJ_DOCS_URL, else the documentation installed with ssjlang).")
def check_command(files: tuple[str, ...], fmt: str, quiet: bool, fail_level: str,
                  docs_url: str | None) -> None:
    """Check plan files (检查计划): syntax and meaning, every problem in one run.

    Exit 0 when there are no errors (warnings allowed; with --fail-level warning, no warnings either),
    1 when a plan has them, 2 when a file cannot be read.
    """
    all_diagnostics: list[Diagnostic] = []
    sources: dict[str, str | None] = {}
    unreadable: dict[str, str] = {}
    for argument in files:
        source = _read_stdin() if argument == "-" else _read(argument)
        if source.io_error is not None:
            _report_io("check", source)
            unreadable[source.file] = source.io_error
            continue
        sources[source.file] = source.text
        all_diagnostics += _check_source(source)
    shown = [d for d in all_diagnostics if d.is_error] if quiet else all_diagnostics
    if fmt in CI_FORMATS:
        from ..report.ci_formats import render_ci

        output = render_ci(fmt, shown, files=[*sources, *unreadable], sources=sources, unreadable=unreadable,
                           fail_level=fail_level, docs_url=docs_url)
    else:
        output = render(shown, fmt, sources, color=_use_color() if fmt == "text" else False)
    if fmt == "text":
        if output:
            click.echo(output, nl=False)
        if not quiet and sources:
            if output:
                click.echo()
            click.echo(summary(all_diagnostics))
    else:
        click.echo(output, nl=False)
    if unreadable:
        sys.exit(EXIT_USAGE)
    failed = has_errors(all_diagnostics) or (fail_level == "warning" and bool(all_diagnostics))
    sys.exit(EXIT_INPUT if failed else EXIT_OK)


# ---------------------------------------------------------------- ssj fmt


def _same_meaning(before: Plan, after_text: str, file: str) -> bool:
    from ..language.nodes import strip_spans
    from ..language.parser import parse

    result = parse(after_text, file)
    if result.plan is None or has_errors(result.diagnostics):
        return False
    return bool(strip_spans(before) == strip_spans(result.plan))


def _replace_file(path: Path, text: str) -> None:
    """Rewrite a plan in place atomically, keeping its permissions (output.write_text_atomic)."""
    from ..output import write_text_atomic

    write_text_atomic(path, text, force=True)


@click.command("fmt")
@click.argument("files", nargs=-1, required=True)
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; list files that would change and exit 1 if any would.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Write nothing; print a unified diff of the changes and exit 1 if there are any.")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default=None,
              help="Keyword language to write (zh 中文 / en English). Default: the one most of the "
                   "file's keywords are written in (Chinese on a tie).")
def fmt_command(files: tuple[str, ...], check_only: bool, show_diff: bool, language: str | None) -> None:
    """Rewrite plan files in the canonical layout (统一格式), in place and atomically.

    Each file keeps its keyword language: a plan written with English keywords stays English,
    a Chinese one stays Chinese (--lang forces one). A file with syntax errors is left untouched
    (exit 1 with the errors). `-` reads standard input and writes the formatted plan to standard
    output.
    """
    from ..language.formatter import format_plan
    from ..language.parser import parse

    exit_code = EXIT_OK
    would_change: list[str] = []
    for argument in files:
        stdin = argument == "-"
        source = _read_stdin() if stdin else _read(argument)
        if source.io_error is not None:
            _report_io("fmt", source)
            exit_code = EXIT_USAGE
            continue
        diagnostics = list(source.diagnostics)
        result = parse(source.text, source.file) if source.text is not None else None
        if result is not None:
            diagnostics += result.diagnostics
        if result is None or result.plan is None or has_errors(diagnostics):
            errors = [d for d in sorted_diagnostics(diagnostics) if d.is_error]
            click.echo(render_text(errors, {source.file: source.text}, color=False), err=True, nl=False)
            click.echo(f"ssj fmt: {source.file}: 有语法错误，未排版 (syntax errors; file not formatted)",
                       err=True)
            exit_code = max(exit_code, EXIT_INPUT)
            continue
        formatted = format_plan(result.plan, result.comments, language or result.language)
        if not _same_meaning(result.plan, formatted, source.file):
            click.echo(f"ssj fmt: {source.file}: 内部错误：排版会改变计划内容，文件未改动 "
                       "(internal error: formatting would change the plan; file left unchanged — "
                       "please report)",
                       err=True)
            exit_code = max(exit_code, EXIT_INPUT)
            continue
        if stdin and not (check_only or show_diff):
            click.echo(formatted, nl=False)
            continue
        raw = source.raw if source.raw is not None else (source.text or "").encode("utf-8")
        if raw == formatted.encode("utf-8"):
            continue
        would_change.append(source.file)
        if show_diff:
            before = raw.decode("utf-8", errors="replace").replace("\r\n", "\n").lstrip("\ufeff")
            diff = difflib.unified_diff(before.splitlines(keepends=True), formatted.splitlines(keepends=True),
                                        fromfile=f"{source.file} (原文)", tofile=f"{source.file} (排版后)")
            text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                           for line in diff)
            click.echo(text or f"# {source.file}: 仅换行符或 BOM 不同 (only line endings or BOM differ)\n",
                       nl=False)
            # like `diff` and `black --diff --check`: a change shown is exit 1
            exit_code = max(exit_code, EXIT_INPUT)
        if check_only:
            click.echo(f"would reformat（需要排版）: {source.file}")
            exit_code = max(exit_code, EXIT_INPUT)
        elif not show_diff:
            try:
                _replace_file(Path(argument), formatted)
            except OSError as exc:  # a read-only or full file system: the plan is left as it was
                click.echo(f"ssj fmt: 无法写入 {source.file} (cannot write): {exc.strerror or exc}；"
                           "文件未改动", err=True)
                exit_code = EXIT_USAGE
                continue
            click.echo(f"reformatted（已排版）: {source.file}", err=True)
    sys.exit(exit_code)


# ---------------------------------------------------------------- ssj export


@click.command("export")
@click.argument("plan_file", metavar="PLAN")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def export_command(plan_file: str, fmt: str, output: Path | None, force: bool) -> None:
    """Export a plan as data (导出计划): JSON in the schema of docs/architecture.md.

    Only a plan without errors is exported; warnings are shown on standard error.
    """
    from ..check.export import export_plan
    from ..pipeline import check_text

    source = _read_stdin() if plan_file == "-" else _read(plan_file)
    if source.io_error is not None:
        _report_io("export", source)
        sys.exit(EXIT_USAGE)
    checked, found = check_text(source.text, source.file) if source.text is not None else (None, [])
    diagnostics = sorted_diagnostics([*source.diagnostics, *found])
    if diagnostics:
        click.echo(render_text(diagnostics, {source.file: source.text}, color=False), err=True, nl=False)
    if checked is None or has_errors(diagnostics):
        click.echo(f"ssj export: {source.file}: {summary(diagnostics)}；计划有错误，未导出 "
                   "(the plan has errors; nothing exported)", err=True)
        sys.exit(EXIT_INPUT)
    text = json.dumps(export_plan(checked.resolved), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        sys.exit(EXIT_OK)
    from ..output import OutputExistsError, write_text_atomic

    try:
        write_text_atomic(output, text, force=force)
    except OutputExistsError:
        click.echo(f"ssj export: {output} 已存在 (already exists); 加 --force 覆盖 "
                   "(use --force to replace it)",
                   err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(f"ssj export: 无法写入 {output} (cannot write): {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK)


COMMANDS: list[click.Command] = [check_command, fmt_command, export_command]
