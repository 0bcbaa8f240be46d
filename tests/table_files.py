"""Plan tables as an office has them, made for the import tests: a Word document, an Excel workbook, a
saved web page or a CSV with a title, merged cells and line breaks inside cells.

`TableSpec` is the table as a grid of texts (header rows included) plus its merged ranges; the writers
below produce DOCX (python-docx: merged cells via `merge`), XLSX (openpyxl: `merge_cells`, a merged title
row above the header), HTML (`rowspan`/`colspan`, the title in an <h1>) and CSV bytes from it.
`corpus_spec` builds the spec of a published table from tests/plans/corpus/tables/*.json: its header
(a heading written `抽查项目/抽查内容` becomes a two-row header under a spanning `抽查项目`) and its rows,
each column listed in a row's "merged" merged with the row above.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

CORPUS_TABLES = Path(__file__).resolve().parent / "plans" / "corpus" / "tables"

PLAN_HEADER = ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例及频次", "信用风险分类管理",
               "抽查检查起止时间", "发起部门", "配合部门", "抽查检查模式"]
"""The ten columns of a typical plan table, with the names offices write."""


@dataclass
class TableSpec:
    """Texts by row and column (a merged range's text in its top-left position) and merged ranges as
    (first row, first column, last row, last column), 0-based and inclusive."""

    title: str | None
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def covered(self) -> set[tuple[int, int]]:
        """Positions inside a merged range other than its top-left one."""
        out = set()
        for r0, c0, r1, c1 in self.merges:
            out |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        return out


def docx_bytes(spec: TableSpec) -> bytes:
    from docx import Document

    document = Document()
    if spec.title:
        document.add_paragraph(spec.title)
    width = len(spec.rows[0])
    table = document.add_table(rows=len(spec.rows), cols=width)
    covered = spec.covered()
    for r, row in enumerate(spec.rows):
        cells = table.rows[r].cells
        for c, text in enumerate(row):
            if (r, c) not in covered and text:
                cells[c].text = text
    for r0, c0, r1, c1 in spec.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(spec: TableSpec, sheet: str = "计划表") -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    offset = 0
    if spec.title:
        ws.cell(row=1, column=1, value=spec.title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec.rows[0]))
        offset = 1
    covered = spec.covered()
    for r, row in enumerate(spec.rows):
        for c, text in enumerate(row):
            if (r, c) not in covered and text:
                ws.cell(row=r + 1 + offset, column=c + 1, value=text)
    for r0, c0, r1, c1 in spec.merges:
        ws.merge_cells(
            start_row=r0 + 1 + offset, start_column=c0 + 1, end_row=r1 + 1 + offset, end_column=c1 + 1
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def html_bytes(spec: TableSpec, charset: str = "utf-8") -> bytes:
    covered = spec.covered()
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in spec.merges}
    lines = [
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>政府信息公开</title></head><body>',
        '<div class="nav">首页 &gt; 信息公开</div>',
    ]
    if spec.title:
        lines.append(f"<h1>{html.escape(spec.title)}</h1>")
    lines.append('<table border="1">')
    for r, row in enumerate(spec.rows):
        cells = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            attributes = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            body = "<br>".join(html.escape(line) for line in text.split("\n"))
            cells.append(f"<td{attributes}>{body}")  # unclosed <td>, as saved pages often have
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table><p>附件下载</p></body></html>")
    codec = "gb18030" if charset.lower().startswith("gb") else charset  # pages declare gb2312 and hold GBK
    return "\n".join(lines).encode(codec)


def csv_bytes(spec: TableSpec, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if spec.title:
        writer.writerow([spec.title])
    for row in spec.rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def corpus_spec(name: str) -> TableSpec:
    """The published table `name` (tests/plans/corpus/tables/NAME.json) as a spec: its title, its header
    (two rows where headings share a `parent/` prefix), its rows with the merged cells of the extraction."""
    data = json.loads((CORPUS_TABLES / f"{name}.json").read_text(encoding="utf-8"))
    header: list[str] = data["header"]
    parents = [h.split("/", 1)[0] if "/" in h else None for h in header]
    two_rows = any(p is not None and parents.count(p) > 1 for p in parents)
    rows: list[list[str]] = []
    merges: list[tuple[int, int, int, int]] = []
    if two_rows:
        top, bottom = [], []
        for h, p in zip(header, parents, strict=True):
            shared = p is not None and parents.count(p) > 1
            top.append(p if shared else h)
            bottom.append(h.split("/", 1)[1] if shared else "")
        rows += [top, bottom]
        c = 0
        while c < len(header):
            if parents[c] is not None and parents.count(parents[c]) > 1:
                end = max(i for i, p in enumerate(parents) if p == parents[c])
                merges.append((0, c, 0, end))
                c = end + 1
            else:
                merges.append((0, c, 1, c))
                c += 1
    else:
        rows.append(list(header))
    first = len(rows)
    for row in data["rows"]:
        rows.append(list(row["cells"]))
    for c, heading in enumerate(header):
        r = 1
        while r < len(data["rows"]):
            if heading in data["rows"][r]["merged"]:
                start = r - 1
                while r < len(data["rows"]) and heading in data["rows"][r]["merged"]:
                    r += 1
                merges.append((first + start, c, first + r - 1, c))
            else:
                r += 1
    return TableSpec(data["title"], rows, merges)
