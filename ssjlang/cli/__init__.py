"""The `ssj` command: a thin layer of click commands over the pipeline stages.

Exit codes for every command: 0 success (warnings allowed), 1 the input has errors,
2 usage or I/O problems.
"""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssj")
def main() -> None:
    """ssjlang — 双随机、一公开 joint spot-check plans as code."""


def _register() -> None:
    from . import compile_command, draw_commands, plan_commands

    for module in (plan_commands, draw_commands, compile_command):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
