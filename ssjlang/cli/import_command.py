"""`ssj import TABLE`: the plan table an office already has → a `.ssj` draft to finish and check.

Exit codes: 0 the draft needs nothing more from a person, 1 it was written but has places marked
`# 待补充：…` (each printed as a diagnostic at the table's file:row:column), or the file holds no usable
plan table; 2 usage or I/O problems (no such file, an output that exists without --force, an unknown
--encoding, no such --table/--sheet).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..language.keywords import LANGUAGES
from .common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    cannot_write,
    check_output_target,
    emit_diagnostics,
    encoding_option,
    fail_io,
)


@click.command("import")
@click.argument("table", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the draft here (default: TABLE with the suffix .ssj).")
@click.option("--year", type=click.IntRange(1900, 2200), default=None,
              help="Plan year (default: from the table's title, e.g. 2024年度).")
@click.option("--region", metavar="NAME", default=None, help="The plan's region (地区), e.g. 晋城市城区.")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="zh", show_default=True,
              help="Keyword language of the draft (zh 中文 / en English).")
@click.option("--table", "table_number", type=click.IntRange(1, None), default=None, metavar="N",
              help="Use the N-th table of a DOCX or HTML file (default: the first with a plan header).")
@click.option("--sheet", metavar="NAME", default=None,
              help="Use this sheet of an XLSX workbook (default: the first with a plan header).")
@encoding_option
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def import_command(table: Path, output: Path | None, year: int | None, region: str | None, language: str,
                   table_number: int | None, sheet: str | None, encoding: str | None, force: bool) -> None:
    """Import a plan table (导入计划表): DOCX, XLSX, CSV or HTML → a .ssj draft.

    Every cell the importer could not read is kept in the draft verbatim with a `# 待补充：…` comment and
    reported here at its row and column; then run `ssj check` on the draft, finish the marked places and
    `ssj fmt` it (docs/import.md).
    """
    from ..importer import Options
    from ..output import OutputExistsError, write_text_atomic
    from ..pipeline import import_table

    if not table.exists():
        fail_io(f"{table}: 文件不存在 (no such file)")
    target = output if output is not None else table.with_suffix(".ssj")
    if target.resolve() == table.resolve():
        fail_io(f"{target}: 输出会覆盖输入的表格 (the output would replace the table)；用 -o 指定草稿文件")
    check_output_target(target, force, directory=False)
    result = import_table(table, Options(year, region, language), table=table_number, sheet=sheet,
                          encoding=encoding)
    if result.text is None:
        emit_diagnostics(result.diagnostics, [table])
        sys.exit(EXIT_USAGE if result.usage else EXIT_INPUT)
    try:
        write_text_atomic(target, result.text, force=force)
    except OutputExistsError:
        fail_io(f"{target} 已存在 (already exists)；加 --force 覆盖 (use --force to replace it)")
    except OSError as exc:
        fail_io(cannot_write(target, exc))
    if result.diagnostics:
        emit_diagnostics(result.diagnostics, [table])
    tasks = len(result.draft.plan.tasks) if result.draft is not None else 0
    if result.pending:
        click.echo(f"草稿已写入 {target}（{tasks} 个任务），有 {result.pending} 处待补充 "
                   f"(draft written; {result.pending} places to finish)；"
                   f"补全后运行 ssj check {target}", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"草稿已写入 {target}（{tasks} 个任务） (draft written)；运行 ssj check {target}", err=True)
    sys.exit(EXIT_OK)


COMMANDS: list[click.Command] = [import_command]

__all__ = ["COMMANDS", "EXIT_USAGE"]
