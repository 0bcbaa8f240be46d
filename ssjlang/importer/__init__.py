"""`ssj import`: the plan table an office already has (DOCX, XLSX, CSV, HTML) → a `.ssj` draft.

The stages, one module each: `tables` reads the file into a grid of cells (merged ranges filled, each
cell's row and column kept), `headers` finds the header row and what each column means, `cells` reads a
cell as language constructs, `build` makes the AST and its `# 待补充：…` comments, and the text is
`formatter.format_plan`'s. `import_table` runs them; it never raises for anything in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, error, has_errors, sorted_diagnostics
from .build import Builder, Draft, Options, data_rows
from .headers import find_header, looks_like_header, missing_columns, no_header
from .tables import NO_SUCH_TABLE, NO_TABLE, Grid, TableError, read_grids

INTERNAL = "SSJ530"  # the draft would not read back as the plan built (a bug: please report)


@dataclass
class ImportResult:
    """The draft text (None when the file gave no table), every diagnostic, and whether a failure is a
    usage or file-system problem (exit 2) rather than the table's content (exit 1)."""

    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    usage: bool = False
    draft: Draft | None = None

    @property
    def pending(self) -> int:
        """How many places the draft marks 待补充 (each an error diagnostic)."""
        return sum(1 for d in self.diagnostics if d.is_error)


def import_table(path: Path, options: Options | None = None, table: int | None = None,
                 sheet: str | None = None, encoding: str | None = None) -> ImportResult:
    """Read the plan table in `path` and make the draft. `table` (1-based) picks a document's table,
    `sheet` a workbook's sheet; otherwise the first table with a plan header is used."""
    options = options or Options()
    try:
        grids = read_grids(Path(path), encoding=encoding, sheet=sheet)
    except TableError as exc:
        return ImportResult(None, sorted_diagnostics(exc.diagnostics), usage=exc.usage)
    grid = _choose(str(path), grids, table)
    if isinstance(grid, ImportResult):
        return grid
    header = find_header(grid)
    if header is None:
        return ImportResult(None, [*grid.problems, no_header(grid)])
    builder = Builder(grid, header, options)
    builder.read(data_rows(grid, header))
    draft = builder.build()
    diagnostics = [*grid.problems, *header.diagnostics, *missing_columns(grid, header), *draft.diagnostics]
    diagnostics += _read_back(str(path), draft)
    return ImportResult(draft.text, sorted_diagnostics(diagnostics), draft=draft)


def _choose(file: str, grids: list[Grid], table: int | None) -> Grid | ImportResult:
    if table is not None:
        if not 1 <= table <= len(grids):
            message = f"文件中没有第 {table} 个表格，共 {len(grids)} 个 (no such table)"
            problem = error(NO_SUCH_TABLE, message, file, hint="--table 从 1 数起")
            return ImportResult(None, [problem], usage=True)
        return grids[table - 1]
    if not grids:
        return ImportResult(None, [error(NO_TABLE, "文件中没有表格 (no table in the file)", file,
                                         hint="给出含计划表的文件：Word 表格、Excel 工作表、CSV "
                                              "或网页中的 <table>")])
    for grid in grids:
        if looks_like_header(grid):
            return grid
    return grids[0]


def _read_back(file: str, draft: Draft) -> list[Diagnostic]:
    """The draft must parse back to the plan that was built (the formatter's own promise, checked)."""
    from ..language.nodes import equal_ignoring_spans
    from ..language.parser import parse

    result = parse(draft.text, file)
    if result.plan is not None and not has_errors(result.diagnostics) and \
            equal_ignoring_spans(result.plan, draft.plan):
        return []
    return [error(INTERNAL, "内部错误：生成的草稿读回后与导入的内容不一致 "
                  "(internal error: the draft does not read back; please report)", file,
                  hint="请把表格文件附在问题报告中")]


__all__ = ["ImportResult", "Options", "import_table"]
