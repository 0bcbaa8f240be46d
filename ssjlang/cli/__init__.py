"""The `ssj` command: a thin layer of click commands over the pipeline stages.

Exit codes for every command: 0 success (warnings allowed), 1 the input has errors,
2 usage or I/O problems, 3 an internal error (a bug in ssjlang; see `LazyGroup.main`, the one place
where an exception that escapes a command becomes an exit code and a message — never a traceback).

Each command's module is imported only when that command runs (`LazyGroup`): `ssj check` then
loads the parse/check path only, not the document renderer (jinja2, openpyxl, python-docx) nor the
draw, which would more than double its start-up time. `ssj --help` imports them all to list them.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..diagnostics import InputError
from .common import EXIT_INTERNAL, EXIT_USAGE, already_exists, input_error_exit

COMMAND_MODULES: dict[str, str] = {
    "check": "plan_commands",
    "fmt": "plan_commands",
    "export": "plan_commands",
    "commit": "draw_commands",
    "draw": "draw_commands",
    "verify": "draw_commands",
    "compile": "compile_command",
    "import": "import_command",
    "lsp": "lsp_command",
}
"""Which module of `ssjlang.cli` defines each command (tests check it against each `COMMANDS`)."""


def command_module_commands(module_name: str) -> list[click.Command]:
    """The commands one module of `ssjlang.cli` defines (its `COMMANDS` list)."""
    module = importlib.import_module(f"{__name__}.{module_name}")
    commands: list[click.Command] = module.COMMANDS
    return commands


class LazyGroup(click.Group):
    """A click group that imports a command's module the first time the command is looked up, and maps
    whatever escapes a command to an exit code and a message (`main`)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Run a command; the one place where exceptions become exit codes.

        Arguments that are not UTF-8 text (a GBK file name or beacon descriptor, which Python hands over
        with surrogate escapes) are refused before any command runs (exit 2). An OSError that escapes a
        command is an I/O failure (exit 2); anything else is an internal error (exit 3): a short message
        in Chinese and English, the version, and the full traceback written to a file, never printed.
        An `InputError` (the inputs have errors) prints its diagnostics and exits 1 (2 when the only errors
        are files that cannot be read: `common.input_error_exit`).
        """
        arguments = list(sys.argv[1:] if args is None else args)
        _text_streams()
        bad = next((a for a in arguments if isinstance(a, str) and _not_utf8(a)), None)
        if bad is not None:
            shown = repr(os.fsencode(bad))
            click.echo(f"错误 (error): 命令行参数 {shown} 不是 UTF-8 文本 "
                       "(a command-line argument is not UTF-8)：文件名请改为 UTF-8"
                       "（或在 UTF-8 区域设置下运行），说明文字请以 UTF-8 输入", err=True)
            return _exit(EXIT_USAGE, standalone_mode)
        try:
            return super().main(arguments, prog_name, complete_var, standalone_mode, **extra)
        except InputError as exc:  # the inputs have errors: every diagnostic, file:line:column
            return _exit(input_error_exit(exc), standalone_mode)
        except OSError as exc:  # (a closed pipe, `ssj check … | head`, click has already ended quietly)
            from ..output import OutputExistsError  # (not imported up front: `ssj check` never writes)

            if isinstance(exc, OutputExistsError):
                click.echo(f"错误 (error): {already_exists(exc.path)}", err=True)
                return _exit(EXIT_USAGE, standalone_mode)
            where = f" {exc.filename} " if exc.filename else ""
            click.echo(f"错误 (error): 读写文件{where}失败 (I/O error): {exc.strerror or exc}", err=True)
            return _exit(EXIT_USAGE, standalone_mode)
        except MemoryError:
            click.echo("错误 (error): 内存不足 (out of memory)：输入文件过大，或换一台内存更大的机器",
                       err=True)
            return _exit(EXIT_USAGE, standalone_mode)
        except Exception as exc:  # the one catch-all: a bug of ours, reported without a traceback
            report = _write_traceback(exc, arguments)
            click.echo(f"ssj 内部错误 (internal error): {type(exc).__name__}\n"
                       "这是 ssjlang 的缺陷，不是您的输入有误；请把下面的文件发给维护者 "
                       "(a bug in ssjlang, not in your input: please report it with the file below)\n"
                       f"版本 (version): ssjlang {__version__}\n"
                       f"详细信息 (traceback): {report}", err=True)
            return _exit(EXIT_INTERNAL, standalone_mode)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, without importing the modules (for `ssj --help`)."""
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module on first use."""
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            for command in command_module_commands(COMMAND_MODULES[cmd_name]):
                if command.name is not None and command.name not in self.commands:
                    self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssj")
def main() -> None:
    """ssjlang — 双随机、一公开 joint spot-check plans as code."""


def _not_utf8(text: str) -> bool:
    """Whether an argument came from bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    return any("\ud800" <= char <= "\udfff" for char in text)


def _exit(code: int, standalone_mode: bool) -> int:
    """Leave with `code`: as click does in standalone mode (sys.exit), else return it."""
    if standalone_mode:
        sys.exit(code)
    return code


def _text_streams() -> None:
    """Let stdout and stderr write any text: an odd PYTHONIOENCODING must not turn a message into a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def error_report_dir() -> Path:
    """Where internal-error reports go: $XDG_CACHE_HOME/ssjlang (~/.cache/ssjlang), else the temp dir."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "ssjlang"


def _write_traceback(exc: BaseException, arguments: Sequence[str]) -> str:
    """Write the whole story of an internal error to a file of its own; its path (or why there is none)."""
    text = (f"ssjlang {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
            f"arguments: {list(arguments)!r}\n\n" + "".join(traceback.format_exception(exc)))
    name = f"ssj-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    for folder in (error_report_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8", errors="backslashreplace")
            return str(path)
        except OSError:
            continue
    return "（无法写入错误报告 (could not write the report)）"
