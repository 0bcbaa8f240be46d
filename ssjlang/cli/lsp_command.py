"""`ssj lsp`: the language server for editors (语言服务器), speaking LSP over standard input and output.

It needs the optional dependencies of the `lsp` extra (pygls 2): `pip install 'ssjlang[lsp]'`. Without
them the command says so and exits 2. Nothing here is imported by `ssj check`.
"""

from __future__ import annotations

import sys

import click

from .common import EXIT_USAGE

LSP_PACKAGES = ("pygls", "lsprotocol")


@click.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over standard input and output (the only transport; editors pass this flag).",
)
@click.option(
    "--debounce",
    type=click.FloatRange(min=0),
    default=0.03,
    show_default=True,
    help="Seconds typing must pause before the plan is checked again.",
)
def lsp_command(stdio: bool, debounce: float) -> None:
    """Run the language server (语言服务器) for editors: problems as you type, completion, hover,
    formatting, quick fixes, outline and code lenses for .ssj plans."""
    try:
        from ..lsp.server import start
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in LSP_PACKAGES:
            raise
        click.echo(
            "ssj lsp: 缺少语言服务器的依赖，请安装 pip install 'ssjlang[lsp]' "
            f"(the language server needs the lsp extra: {exc.name} is not installed)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    start(debounce)


COMMANDS: list[click.Command] = [lsp_command]
