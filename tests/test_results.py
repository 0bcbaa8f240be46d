"""Results intake (抽查结果): every bad row reported at file:row:column in one run, lateness as a warning."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ssjlang.diagnostics import InputError, Severity
from ssjlang.documents.results import RESULT_CATEGORIES, load_results

DATA = Path(__file__).parent / "data"
RESULTS = DATA / "results"


@pytest.fixture(scope="module")
def record() -> dict:
    return json.loads((DATA / "fixture_record.json").read_text("utf-8"))


def test_good_file_reads_every_row(record: dict) -> None:
    results, warnings = load_results(RESULTS / "results_ok.csv", record)
    assert [(r.row, r.subject, r.task) for r in results.rows] == [
        (2, "91140502MA0K00001Q", 4),
        (3, "91140502MA0K00001Q", 6),
        (4, "91140502MA0K00003Y", 4),
        (5, "91140502MA0K000055", 4),
        (6, "91140502MA0K00007B", 6),
    ]
    assert results.rows[2].date == date(2024, 3, 5)  # 2024/3/5
    assert results.rows[3].date == date(2024, 3, 6)  # 2024年3月6日
    assert results.publication_date == date(2024, 3, 8)  # the latest 检查日期
    assert results.rows[0].visit == "V0001"
    assert all(not w.is_error for w in warnings)


def test_bad_rows_all_reported_with_row_and_column(record: dict) -> None:
    with pytest.raises(InputError) as info:
        load_results(RESULTS / "results_bad.csv", record)
    found = {(d.code, d.span.line, d.span.column) for d in info.value.diagnostics}
    file = str(RESULTS / "results_bad.csv")
    assert all(d.file == file for d in info.value.diagnostics)
    assert ("SSJ407", 3, 1) in found  # duplicate of row 2
    assert ("SSJ403", 4, 1) in found  # unknown subject
    assert ("SSJ405", 5, 4) in found  # unknown category
    assert ("SSJ406", 6, 3) in found  # 2024-13-01
    assert ("SSJ404", 7, 2) in found  # subject drawn by task 4, not 6
    assert ("SSJ404", 8, 2) in found  # no task 99
    assert ("SSJ414", 9, 3) in found  # empty date
    by_code = {d.code: d for d in info.value.diagnostics}
    assert by_code["SSJ405"].hint == "是否应为「未发现问题」？"
    assert "是否应为 91140502MA0K00001Q" in (by_code["SSJ403"].hint or "")
    assert by_code["SSJ407"].related[0].span.line == 2
    assert any("抽中它的是任务4" in d.message for d in info.value.diagnostics if d.code == "SSJ404")
    assert by_code["SSJ406"].message == "检查日期「2024-13-01」不是有效日期 (not a date)"


def test_late_publication_is_a_warning_with_the_numbers(record: dict) -> None:
    results, warnings = load_results(RESULTS / "results_ok.csv", record, publication_date=date(2024, 5, 10))
    late = [w for w in warnings if w.code == "SSJ408"]
    assert late and all(w.severity is Severity.WARNING for w in late)
    first = next(w for w in late if w.span.line == 2)
    # V0001 inspected 2024-03-04: 20 working days later is 2024-04-01; 2024-05-10 is 39 days after it
    assert "晚于公示截止日 2024-04-01 39 天" in first.message
    assert first.message.endswith("(published after the deadline)")
    overdue = [w for w in warnings if w.code == "SSJ412"]
    assert overdue, "drawn subjects without a result past their deadline are reported"
    assert len(results.rows) == 5


def test_inspection_after_publication_date_is_an_error(record: dict) -> None:
    with pytest.raises(InputError) as info:
        load_results(RESULTS / "results_ok.csv", record, publication_date=date(2024, 3, 5))
    assert {(d.code, d.span.line) for d in info.value.diagnostics if d.is_error} == {
        ("SSJ409", 5),
        ("SSJ409", 6),
    }


def test_xlsx_with_english_headers_and_excel_dates(tmp_path: Path, record: dict) -> None:
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "task", "date", "result", "note"])
    ws.append(["91140502ma0k00001q", 4.0, datetime(2024, 3, 4), RESULT_CATEGORIES[0], None])
    ws.append(["91140502MA0K00003Y", "04", "2024-03-05", "已注销/被吊销/被撤销", "已注销"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    results, _ = load_results(path, record)
    assert [(r.subject, r.task, r.date.isoformat()) for r in results.rows] == [
        ("91140502MA0K00001Q", 4, "2024-03-04"),
        ("91140502MA0K00003Y", 4, "2024-03-05"),
    ]


def test_missing_column_and_gbk_file(tmp_path: Path, record: dict) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(
        "统一社会信用代码,检查日期,检查结果\n91140502MA0K00001Q,2024-03-04,未发现问题\n".encode("gb18030")
    )
    with pytest.raises(InputError) as info:
        load_results(path, record)
    assert [(d.code, d.span.line) for d in info.value.diagnostics] == [("SSJ402", 1)]
    assert info.value.diagnostics[0].message == "结果表缺少「任务序号」列 (no task column)"


def test_undecodable_and_empty_files(tmp_path: Path, record: dict) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\x81\x30\x81")
    with pytest.raises(InputError) as info:
        load_results(bad, record, encoding="utf-8")
    # the registry's reader: undecodable bytes at their row and column, in the intake's code
    undecodable = info.value.diagnostics[0]
    assert (undecodable.code, undecodable.span.line, undecodable.span.column) == ("SSJ203", 1, 1)
    assert "ff fe 00 81" in undecodable.message
    empty = tmp_path / "empty.csv"
    empty.write_text("统一社会信用代码,任务序号,检查日期,检查结果\n", "utf-8")
    with pytest.raises(InputError) as info:
        load_results(empty, record)
    assert info.value.diagnostics[-1].code == "SSJ413"


def test_results_read_like_the_registry(tmp_path: Path, record: dict) -> None:
    """One table reader: TAB-separated UTF-16 text, a title-free blank first line, damaged workbooks."""
    text = tmp_path / "unicode.txt"
    text.write_bytes(("\n统一社会信用代码\t任务序号\t检查日期\t检查结果\n"
                      "91140502MA0K00001Q\t4\t２０２４年３月４日\t未发现问题\n").encode("utf-16"))
    results, _ = load_results(text, record)
    assert [(r.row, r.subject, r.date) for r in results.rows] == [(3, "91140502MA0K00001Q", date(2024, 3, 4))]
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip archive")
    with pytest.raises(InputError) as info:
        load_results(damaged, record)
    assert [(d.code, d.span.line, d.span.column) for d in info.value.diagnostics] == [("SSJ202", 1, 1)]
    with pytest.raises(InputError) as info:
        load_results(tmp_path / "missing.csv", record)
    assert [d.code for d in info.value.diagnostics] == ["SSJ201"]


def test_formula_cells_without_values_are_warned(tmp_path: Path, record: dict) -> None:
    """A script-written workbook: the 检查结果 formula has no cached value, so the cell reads blank."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "任务序号", "检查日期", "检查结果"])
    ws.append(["91140502MA0K00001Q", 4, "2024-03-04", '=IF(1,"未发现问题","")'])
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_results(path, record)
    found = {(d.code, d.span.line, d.span.column) for d in info.value.diagnostics}
    assert ("SSJ258", 2, 4) in found and ("SSJ414", 2, 4) in found
    formula = next(d for d in info.value.diagnostics if d.code == "SSJ258")
    assert "D2" in formula.message and "Excel" in (formula.hint or "")
