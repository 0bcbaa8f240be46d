"""What every `ssj` command shares: exit codes, common options, and how failures are reported.

Messages follow the house style: Chinese first, a short English gloss in brackets.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import click

from ..diagnostics import Diagnostic, InputError, sorted_diagnostics

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def _text_encoding(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--encoding must name a text encoding: rot13, base64, zlib or `undefined` are refused (exit 2)."""
    from ..inputs import text_codec_problem

    problem = text_codec_problem(value) if value is not None else None
    if problem is not None:
        raise click.BadParameter(f"{problem}；常用编码：utf-8、gb18030 (兼容 gbk)、utf-16",
                                 param_hint="--encoding")
    return value


encoding_option = click.option("--encoding", metavar="E", default=None, callback=_text_encoding,
                               help="Encoding of CSV inputs (default: detect UTF-8 / GB18030).")


def plan_sources(paths: Sequence[Path | None]) -> dict[str, str | None]:
    """Source text of the .ssj inputs, so diagnostics can show the offending line."""
    from ..language.parser import read_source

    out: dict[str, str | None] = {}
    for path in paths:
        if path is not None and path.suffix.lower() == ".ssj":
            out[str(path)] = read_source(path)[0]  # bounded, never raises
    return out


def emit_diagnostics(diagnostics: Sequence[Diagnostic], paths: Sequence[Path | None]) -> None:
    """Diagnostics on stderr as file:line:col (file:row:col for tables), with the plan's source line."""
    from ..report.report import render_text, summary

    ordered = sorted_diagnostics(list(diagnostics))
    click.echo(render_text(ordered, plan_sources(paths), color=sys.stderr.isatty()), err=True, nl=False)
    click.echo(summary(ordered), err=True)


def input_error_exit(exc: InputError) -> int:
    """Report the diagnostics of bad input and give the exit code: 1 — or 2 when every error is a file that
    cannot be read at all (SSJ002, SSJ201: missing, unreadable, not a regular file, over its size cap), an
    I/O failure. The plan files the diagnostics name are read again to show their offending lines."""
    from ..interpret.registry import UNREADABLE
    from ..language.parser import SSJ002_UNREADABLE

    plans = sorted({Path(d.file) for d in exc.diagnostics if d.file.lower().endswith(".ssj")})
    emit_diagnostics(exc.diagnostics, plans)
    errors = {d.code for d in exc.diagnostics if d.is_error}
    return EXIT_USAGE if errors and errors <= {SSJ002_UNREADABLE, UNREADABLE} else EXIT_INPUT


def fail_io(message: str) -> NoReturn:
    """Report a usage or I/O problem (one line, house style) and exit 2."""
    click.echo(f"错误 (error): {message}", err=True)
    raise SystemExit(EXIT_USAGE)


def already_exists(path: Path | str) -> str:
    """The message for an existing output without --force."""
    return f"{path} 已存在 (already exists)；加 --force 覆盖 (use --force to replace it)"


def cannot_write(path: Path | str, exc: OSError) -> str:
    """The message for an output that cannot be written (the OS reason, or output.py's own words)."""
    return f"无法写入 {path} (cannot write): {exc.strerror or exc}"


def check_output_target(path: Path, force: bool, directory: bool) -> None:
    """Refuse an unusable -o before any work is done (exit 2): it exists and --force is not given, it is
    not a regular file (or, for `directory`, not a directory), or a parent of it is a file."""
    from ..output import OutputExistsError, check_directory_target, check_file_target

    try:
        if directory:
            check_directory_target(path, force)
        else:
            check_file_target(path, force)
    except OutputExistsError:
        fail_io(already_exists(path))
    except OSError as exc:
        fail_io(cannot_write(path, exc))


def terminal_progress() -> Callable[[str], None] | None:
    """Progress lines on stderr, only when a person is watching a terminal."""
    if not sys.stderr.isatty():
        return None
    return lambda message: click.echo(f"… {message}", err=True)
