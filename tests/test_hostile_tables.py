"""Registries, rosters and results as a hostile or careless office makes them: an unbalanced quote, a file
cut off mid-row, merged XLSX cells, control characters a workbook cannot hold, dates at the edge of time.
Each is a diagnostic at file:row:column — never a silently lost row, never a crash of a writer.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import BEACON, PLAN, ROSTER, ssj

from ssjlang.diagnostics import InputError
from ssjlang.documents.results import load_results
from ssjlang.interpret.registry import load_registry, load_roster, read_table

HEADER = "统一社会信用代码,名称,行业类别\n"
ROWS = ["91140502MA0K000001,甲汽车销售,汽车销售\n", "91140502MA0K000002,乙汽车销售,汽车销售\n",
        "91140502MA0K000003,丙汽车销售,汽车销售\n"]


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "registry.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _errors(path: Path) -> list[tuple[str, int, int, str]]:
    with pytest.raises(InputError) as caught:
        load_registry(path)
    return [(d.code, d.span.line, d.span.column, d.message) for d in caught.value.diagnostics if d.is_error]


# ---------------------------------------------------------------- CSV quotes and truncation


def test_an_unbalanced_quote_is_named_at_the_row_where_it_opened(tmp_path: Path) -> None:
    """`91…,"甲汽车销售,汽车销售` took every later row into one cell: 1 subject of 3, exit 0."""
    text = HEADER + ROWS[0] + '91140502MA0K000002,"乙汽车销售,汽车销售\n' + ROWS[2]
    path = _csv(tmp_path, text)
    [(code, row, column, message)] = _errors(path)
    assert (code, row, column) == ("SSJ218", 3, 2)
    assert message.startswith("第 3 行第 2 列的引号没有闭合")
    assert "(unbalanced quote: never closed)" in message
    result = ssj("commit", str(PLAN), "--registry", str(path), "--beacon", "dice:d10x20")
    assert result.exit_code == 1 and f"{path}:3:2: error[SSJ218]" in result.stderr


def test_a_quote_that_closes_rows_later_is_named_too(tmp_path: Path) -> None:
    text = (HEADER + ROWS[0] + '91140502MA0K000002,"乙汽车销售,汽车销售\n91140502MA0K000003,丙"汽车销售,x\n'
            + "91140502MA0K000004,丁汽车销售,汽车销售\n")
    [(code, row, column, message)] = _errors(_csv(tmp_path, text))
    assert (code, row, column) == ("SSJ218", 3, 2)
    assert message.endswith("的引号到第 4 行才闭合，其间 1 行被读进了一个单元格 "
                            "(unbalanced quote: rows swallowed into one cell)")


def test_a_quote_opened_after_a_multi_line_cell_names_the_record_and_the_file_line(tmp_path: Path) -> None:
    text = HEADER + '91140502MA0K000001,"甲汽车\n销售",汽车销售\n91140502MA0K000002,"乙汽车销售,汽车销售\n'
    [(code, row, _column, message)] = _errors(_csv(tmp_path, text))
    assert (code, row) == ("SSJ218", 3) and message.startswith("第 3 行（文件第 4 行）第 2 列的引号没有闭合")


def test_a_real_multi_line_cell_is_still_read(tmp_path: Path) -> None:
    text = HEADER + '91140502MA0K000001,"甲汽车\n销售公司",汽车销售\n' + ROWS[1]
    registry = load_registry(_csv(tmp_path, text))
    assert [s.name for s in registry.subjects] == ["甲汽车 销售公司", "乙汽车销售"]


@pytest.mark.parametrize(("kind", "text", "encoding"), [
    ("fast path", HEADER + ROWS[0] + ROWS[1] + "91140502MA0K000003,丙汽车", "utf-8"),
    ("quoted", HEADER + '91140502MA0K000001,"甲,汽车销售",汽车销售\n' + ROWS[1] + "91140502MA0K000003,丙",
     "utf-8"),
    ("GB18030", HEADER + ROWS[0] + ROWS[1] + "91140502MA0K000003,丙汽车", "gb18030"),
    ("CRLF", (HEADER + ROWS[0] + ROWS[1]).replace("\n", "\r\n") + "91140502MA0K000003", "utf-8-sig"),
])
def test_a_registry_cut_off_mid_row_is_refused(tmp_path: Path, kind: str, text: str, encoding: str) -> None:
    errors = _errors(_csv(tmp_path, text, encoding))
    assert [(c, r) for c, r, _col, _m in errors] == [("SSJ219", 4)], kind
    assert "(the file ends in the middle of a row: truncated?)" in errors[0][3]


@pytest.mark.parametrize("line_end", ["\r", "\n", "\r\n"])
def test_undecodable_bytes_after_lone_carriage_returns_are_placed(tmp_path: Path, line_end: str) -> None:
    """Found by the fuzz test: a CSV with old-Mac line ends (CR only) and a byte that is neither UTF-8 nor
    GB18030 crashed while the row of the byte was worked out."""
    text = (HEADER + ROWS[0]).replace("\n", line_end).encode() + b"91140502MA0K000002,\x80\xff,x" + b"\r"
    path = tmp_path / "registry.csv"
    path.write_bytes(text)
    assert [e[:3] for e in _errors(path)] == [("SSJ203", 3, 2)]


def test_a_complete_last_row_without_a_line_break_is_fine(tmp_path: Path) -> None:
    registry = load_registry(_csv(tmp_path, HEADER + ROWS[0] + ROWS[1].rstrip("\n")))
    assert len(registry.subjects) == 2


def test_results_with_an_unbalanced_quote_are_refused(record: dict[str, Any], tmp_path: Path) -> None:
    visit = record["visits"][0]
    text = ("统一社会信用代码,任务序号,检查日期,检查结果,处理情况/备注\n"
            f'{visit["subject"]},{visit["tasks"][0]["no"]},{visit["date"]},未发现问题,"已整改\n')
    with pytest.raises(InputError) as caught:
        load_results(_csv(tmp_path, text, name="results.csv"), record)
    assert [(d.code, d.span.line, d.span.column) for d in caught.value.diagnostics] == [("SSJ218", 2, 5)]


# ---------------------------------------------------------------- XLSX merged cells


def _xlsx(tmp_path: Path, rows: list[list[Any]], merges: list[str], name: str = "registry.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    path = tmp_path / name
    workbook.save(path)
    return path


def _rows() -> list[list[Any]]:
    return [line.rstrip("\n").split(",") for line in [HEADER, *ROWS]]


def test_merged_cells_in_the_data_are_refused_with_the_range(tmp_path: Path) -> None:
    """行业类别 merged over C2:C4 read as blank in C3 and C4: two subjects dropped out of the selector."""
    path = _xlsx(tmp_path, _rows(), ["C2:C4"])
    [(code, row, column, message)] = _errors(path)
    assert (code, row, column) == ("SSJ220", 2, 3)
    assert message == ("C2:C4 是合并单元格：除左上角外都会读作空白 "
                       "(merged cells: all but the first cell read as blank)")


def test_a_merged_title_row_above_the_header_is_fine(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["检查对象名录库", "", ""], *_rows()], ["A1:C1"])
    assert len(load_registry(path).subjects) == 3


def test_merged_cells_in_a_roster_and_in_results_are_refused(tmp_path: Path, record: dict[str, Any]) -> None:
    roster = _xlsx(tmp_path, [["执法证号", "姓名", "部门", "执法资格"], ["1", "张三", "城区商务局", "是"],
                              ["2", "李四", "城区商务局", "是"]], ["C2:C3"], "roster.xlsx")
    with pytest.raises(InputError) as caught:
        load_roster(roster, {"城区商务局": "城区商务局"})
    assert "SSJ220" in [d.code for d in caught.value.diagnostics if d.is_error]
    visit = record["visits"][0]
    results = _xlsx(tmp_path, [["统一社会信用代码", "任务序号", "检查日期", "检查结果"],
                               [visit["subject"], visit["tasks"][0]["no"], visit["date"], "未发现问题"],
                               [visit["subject"], "", "", ""]], ["A2:A3"], "results.xlsx")
    table, diagnostics = read_table(results)
    assert table is None and [(d.code, d.span.line) for d in diagnostics] == [("SSJ220", 2)]


# ---------------------------------------------------------------- characters a workbook cannot hold


def test_control_characters_in_a_registry_are_named_and_documents_still_write(
        small_registry: Path, tmp_path: Path) -> None:
    lines = small_registry.read_text("utf-8").splitlines(keepends=True)
    damaged = [i for i, line in enumerate(lines) if "汽车销售" in line]  # task 4 draws from these
    for i in damaged:
        cells = lines[i].split(",")
        cells[1] = cells[1][:2] + "\x01" + cells[1][2:] + "\ufffe"
        lines[i] = ",".join(cells)
    registry = tmp_path / "registry.csv"
    registry.write_text("".join(lines), "utf-8")
    loaded = load_registry(registry)
    found = [(d.code, d.span.line, d.span.column) for d in loaded.warnings if d.code == "SSJ259"]
    assert found[:2] == [("SSJ259", damaged[0] + 1, 2), ("SSJ259", damaged[1] + 1, 2)]
    drawn = tmp_path / "drawn"
    result = ssj("draw", str(PLAN), "--registry", str(registry), "--roster", str(ROSTER), *BEACON,
                 "-o", str(drawn))
    assert result.exit_code == 0, result.stderr
    assert f"warning: SSJ259: 名录库第{damaged[0] + 1}行第2列：单元格中有控制字符 U+0001" in result.stderr
    record = json.loads((drawn / "record.json").read_text("utf-8"))
    names = [s["name"] for s in record["subjects"].values() if "\x01" in s["name"]]
    assert names, "task 4 draws subjects whose names hold U+0001"
    out = tmp_path / "out"
    result = ssj("compile", str(PLAN), "--record", str(drawn), "--format", "html,docx,xlsx,csv",
                 "-o", str(out))
    assert result.exit_code == 0, result.stderr
    workbook = openpyxl.load_workbook(out / "名单" / "抽查名单.xlsx")
    texts = [c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row
             if isinstance(c, str)]
    assert not any("\x01" in t or "\ufffe" in t for t in texts)
    assert names[0].replace("\x01", "\ufffd").replace("\ufffe", "\ufffd") in texts
    assert (out / "通知书" / "检查通知书.docx").stat().st_size > 0


def test_control_characters_in_a_gb18030_registry_are_named(tmp_path: Path) -> None:
    path = _csv(tmp_path, HEADER + ROWS[0] + "91140502MA0K000002,乙\x1b汽车,汽车销售\n", "gb18030")
    loaded = load_registry(path)
    assert [(d.code, d.span.line, d.span.column) for d in loaded.warnings if d.code == "SSJ259"] == [
        ("SSJ259", 3, 2)]
    assert [s.name for s in loaded.subjects] == ["甲汽车销售", "乙\x1b汽车"]  # kept: the digest is the file's


def test_results_notes_with_control_characters_are_written(record: dict[str, Any], tmp_path: Path) -> None:
    from ssjlang.documents.render import RenderOptions, render_documents

    visit = record["visits"][0]
    text = ("统一社会信用代码,任务序号,检查日期,检查结果,处理情况/备注\n"
            f"{visit['subject']},{visit['tasks'][0]['no']},{visit['date']},未发现问题,已\x07整改\x1f\n")
    results, warnings = load_results(_csv(tmp_path, text, name="results.csv"), record)
    assert [(d.code, d.span.line, d.span.column) for d in warnings if d.code == "SSJ259"] == [
        ("SSJ259", 2, 5)]
    plan = json.loads((Path(__file__).parent / "data" / "fixture_plan.json").read_text("utf-8"))
    files = render_documents(plan, record, results, RenderOptions(formats=frozenset({"xlsx"}))).files
    data = next(v for k, v in files.items() if k.startswith("公示/抽查结果公示-") and k.endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert "已\ufffd整改\ufffd" in [c for row in sheet.iter_rows(values_only=True) for c in row]


def test_every_writer_takes_text_a_workbook_cannot_hold() -> None:
    from ssjlang.documents.render import RenderOptions, render_documents
    from ssjlang.output import xml_safe

    assert xml_safe("a\x00\ud800b\tc\n") == "a\ufffd\ufffdb\tc\n"
    bad = "\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff"  # what a registry, a plan or a results file can hold
    assert xml_safe(f"a{bad}b") == "a" + "\ufffd" * len(bad) + "b"
    record = json.loads((Path(__file__).parent / "data" / "fixture_record.json").read_text("utf-8"))
    plan = json.loads((Path(__file__).parent / "data" / "fixture_plan.json").read_text("utf-8"))
    plan["plan"]["title"] += bad
    plan["tasks"][0]["name"] += bad
    record["subjects"][record["visits"][0]["subject"]]["name"] += bad
    options = RenderOptions(formats=frozenset({"html", "docx", "xlsx"}))
    rendered = render_documents(plan, record, None, options)
    assert "计划/工作计划表.xlsx" in rendered.files and "通知书/检查通知书.docx" in rendered.files


# ---------------------------------------------------------------- dates at the edge


def test_a_results_date_far_in_the_future_is_a_diagnostic(record: dict[str, Any], tmp_path: Path) -> None:
    visit = record["visits"][0]
    text = ("统一社会信用代码,任务序号,检查日期,检查结果\n"
            f"{visit['subject']},{visit['tasks'][0]['no']},9999-12-30,未发现问题\n"
            f"{visit['subject']},{visit['tasks'][-1]['no']},1899-01-01,未发现问题\n")
    with pytest.raises(InputError) as caught:
        load_results(_csv(tmp_path, text, name="results.csv"), record)
    found = [(d.code, d.span.line, d.span.column) for d in caught.value.diagnostics if d.code == "SSJ415"]
    assert found == [("SSJ415", 2, 3), ("SSJ415", 3, 3)]
    first = caught.value.diagnostics[0].message
    assert "检查日期 9999-12-30 不在 2000—2100 年之间 (date out of range)" in first


def test_a_roster_unavailable_date_far_away_is_a_diagnostic(tmp_path: Path) -> None:
    roster = _csv(tmp_path, "执法证号,姓名,部门,执法资格,不可用日期\n1,张三,城区商务局,是,9999-12-31\n",
                  name="roster.csv")
    with pytest.raises(InputError) as caught:
        load_roster(roster, {"城区商务局": "城区商务局"})
    [d] = [d for d in caught.value.diagnostics if d.is_error]
    assert d.code == "SSJ214" and "9999-12-31（不在 2000—2100 年之间）" in d.message


def test_a_document_date_far_away_is_a_usage_error(drawn_dir: Path, tmp_path: Path) -> None:
    result = ssj("compile", str(PLAN), "--record", str(drawn_dir), "--date", "9999-12-31",
                 "-o", str(tmp_path / "o"))
    assert result.exit_code == 2 and "(date out of range)" in result.stderr
