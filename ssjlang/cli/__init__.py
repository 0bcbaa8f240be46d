"""The `ssj` command: a thin layer of click commands over the pipeline stages.

Exit codes for every command: 0 success (warnings allowed), 1 the input has errors,
2 usage or I/O problems.

Each command's module is imported only when that command runs (`LazyGroup`): `ssj check` then
loads the parse/check path only, not the document renderer (jinja2, openpyxl, python-docx) nor the
draw, which would more than double its start-up time. `ssj --help` imports them all to list them.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

COMMAND_MODULES: dict[str, str] = {
    "check": "plan_commands",
    "fmt": "plan_commands",
    "export": "plan_commands",
    "commit": "draw_commands",
    "draw": "draw_commands",
    "verify": "draw_commands",
    "compile": "compile_command",
    "import": "import_command",
}
"""Which module of `ssjlang.cli` defines each command (tests check it against each `COMMANDS`)."""


def command_module_commands(module_name: str) -> list[click.Command]:
    """The commands one module of `ssjlang.cli` defines (its `COMMANDS` list)."""
    module = importlib.import_module(f"{__name__}.{module_name}")
    commands: list[click.Command] = module.COMMANDS
    return commands


class LazyGroup(click.Group):
    """A click group that imports a command's module the first time the command is looked up."""

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
