"""Reading plan tables: the four formats, merged cells, titles, two-row and Traditional headers, encodings —
and hostile files (empty, no header, 10,000 rows, a zip bomb, formulas, binary junk, damaged archives),
each refused with a clear diagnostic and exit 1 or 2, never a traceback."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from table_files import PLAN_HEADER, TableSpec, csv_bytes, docx_bytes, html_bytes, xlsx_bytes

from ssjlang.cli import main
from ssjlang.importer import Options, import_table
from ssjlang.importer.tables import MAX_ROWS, read_grids

HEADER = PLAN_HEADER
ROW = [
    "1",
    "对汽车销售企业的部门联合抽查",
    "1.对从事汽车销售及其相关服务活动的检查\n2.市场主体登记事项和公示信息检查",
    "全区汽车销售企业",
    "不低于20%，1次/年",
    "",
    "3月—12月",
    "城区商务局",
    "城区市场监管局",
    "县抽县查",
]
SPEC = TableSpec(
    "某区2024年度部门联合双随机抽查工作计划",
    [
        HEADER,
        ROW,
        [
            "2",
            "对二手车交易市场的部门联合抽查",
            "对二手车经营主体的检查",
            "全区二手车销售企业",
            "60%;1次/年",
            "",
            "3月-12月",
            "城区商务局",
            "城区市场监管局",
            "县抽县查",
        ],
    ],
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def draft_of(path: Path, **options: object) -> str:
    result = import_table(path, Options(**options))  # type: ignore[arg-type]
    assert result.text is not None, result.diagnostics
    return result.text


@pytest.mark.parametrize("kind", ["docx", "xlsx", "html", "csv"])
def test_each_format_gives_the_same_draft(kind: str, tmp_path: Path) -> None:
    writer = {"docx": docx_bytes, "xlsx": xlsx_bytes, "html": html_bytes, "csv": csv_bytes}[kind]
    path = tmp_path / f"plan.{kind}"
    path.write_bytes(writer(SPEC))
    text = draft_of(path)
    body = text.split("\n", 2)[2]  # the first line names the file
    assert "title" not in body and '计划 "某区2024年度部门联合双随机抽查工作计划" {\n  年度 2024\n}' in body
    assert (
        '事项 {\n    "对从事汽车销售及其相关服务活动的检查"\n    "市场主体登记事项和公示信息检查"\n  }'
        in body
    )
    assert "比例 不低于 20%\n  频次 1次/年" in body and "# 原表：60%;1次/年" in body
    reference = tmp_path / "reference.docx"
    reference.write_bytes(docx_bytes(SPEC))
    assert body == draft_of(reference).split("\n", 2)[2]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_bytes(SPEC, encoding))
    assert "对二手车交易市场的部门联合抽查" in draft_of(path)


def test_html_page_in_gbk_with_its_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(html_bytes(SPEC, charset="gb2312"))
    assert "部门 城区商务局" in draft_of(path)


def test_merged_cells_fill_every_row_they_span(tmp_path: Path) -> None:
    """A 发起部门 cell merged over both rows is both rows' lead; a merged 序号 makes sub-rows one task."""
    spec = TableSpec(
        None,
        [HEADER, ROW, ["", "", "3.第三项检查", "全区汽车维修企业", "10%，1次/年", "", "", "", "", ""]],
        merges=[(1, 0, 2, 0), (1, 1, 2, 1), (1, 6, 2, 6), (1, 7, 2, 7), (1, 8, 2, 8), (1, 9, 2, 9)],
    )
    path = tmp_path / "merged.xlsx"
    path.write_bytes(xlsx_bytes(spec))
    grid = read_grids(path)[0]
    assert [cell.text for cell in grid.rows[2]][7] == "城区商务局" and grid.rows[2][7].merged
    text = draft_of(path, year=2024)
    assert text.count("任务 ") == 1 and text.count("子项 {") == 2
    assert '    事项 "第三项检查"\n    对象 "全区汽车维修企业"' in text


def test_two_row_header_and_traditional_headings(tmp_path: Path) -> None:
    top = [
        "序號",
        "抽查項目",
        "抽查項目",
        "抽查對象",
        "抽查比例",
        "抽查頻次",
        "完成時限",
        "發起部門",
        "抽查檢查模式",
    ]
    sub = [top[0], "抽查事項名稱", "抽查內容", *top[3:]]  # the second header row under 抽查項目
    spec = TableSpec(
        "2023年度抽查計劃",
        [
            top,
            sub,
            [
                "1",
                "對律師的行政檢查",
                "1.執業表現;2.會員義務履行情況。",
                "律師",
                "不低於5%",
                "1次/年",
                "年底",
                "市司法局",
                "市抽市查",
            ],
        ],
        merges=[(0, 1, 0, 2)] + [(0, c, 1, c) for c in (0, 3, 4, 5, 6, 7, 8)],
    )
    path = tmp_path / "traditional.docx"
    path.write_bytes(docx_bytes(spec))
    result = import_table(path, Options())
    assert result.text is not None and not [d for d in result.diagnostics if d.code in ("SSJ511", "SSJ512")]
    assert '任务 1 "對律師的行政檢查"' in result.text and '"執業表現"' in result.text
    assert "比例 不低于 5%" in result.text and "时间 年底前" in result.text


def test_an_unknown_column_is_named_and_its_cells_kept(tmp_path: Path) -> None:
    spec = TableSpec(None, [[*HEADER, "组织层级"], [*ROW, "市级"]])
    path = tmp_path / "extra.csv"
    path.write_bytes(csv_bytes(spec))
    result = import_table(path, Options(year=2024))
    assert result.text is not None and "# 原表「组织层级」：市级" in result.text
    unknown = [d for d in result.diagnostics if d.code == "SSJ511"]
    assert [(d.span.line, d.span.column) for d in unknown] == [(1, 11)] and "组织层级" in unknown[0].message


def test_added_document_columns_are_read(tmp_path: Path) -> None:
    """Columns the plan table may gain (抽查类型, 检查方式, 检查主体) are read, not reported."""
    spec = TableSpec(
        None,
        [
            [*HEADER, "抽查类型", "检查方式", "检查主体"],
            [*ROW, "定向", "现场检查、书面检查", "城区市场监管局"],
        ],
    )
    path = tmp_path / "more.xlsx"
    path.write_bytes(xlsx_bytes(spec))
    result = import_table(path, Options(year=2024))
    assert result.text is not None and not [d for d in result.diagnostics if d.code == "SSJ511"]
    assert "  定向\n" in result.text and '方式 "现场检查"、"书面检查"' in result.text
    assert "检查 城区市场监管局" in result.text


def test_the_table_and_sheet_options(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(SPEC)))
    workbook.create_sheet("说明", 0)["A1"] = "填表说明"
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    assert "部门 城区商务局" in draft_of(path)  # the first sheet with a plan header, not the first sheet
    code, output = run("import", str(path), "--sheet", "没有这张表", "-o", str(tmp_path / "a.ssj"))
    assert code == 2 and "SSJ505" in output and "说明、计划表" in output
    code, output = run("import", str(path), "--sheet", "说明", "-o", str(tmp_path / "b.ssj"))
    assert code == 1 and "SSJ510" in output
    docx = tmp_path / "one.docx"
    docx.write_bytes(docx_bytes(SPEC))
    code, output = run("import", str(docx), "--table", "2", "-o", str(tmp_path / "c.ssj"))
    assert code == 2 and "SSJ505" in output


# ---------------------------------------------------------------- hostile files


def _zip_bomb(path: Path) -> None:
    """A DOCX-looking archive whose document.xml inflates to 256 MiB of zeros (about 250 KiB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(256):
                member.write(chunk)


def _formula_workbook(path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(SPEC)))
    workbook.active["E3"] = "=B3*0.1"
    workbook.save(path)


@pytest.mark.parametrize(
    ("name", "make", "code", "exit_code"),
    [
        ("empty.csv", lambda p: p.write_bytes(b""), "SSJ504", 1),
        ("blank.docx", lambda p: p.write_bytes(b"  \n"), "SSJ504", 1),
        ("junk.bin", lambda p: p.write_bytes(bytes(range(256)) * 40), "SSJ502", 1),
        ("old.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "SSJ502", 1),
        ("cut.docx", lambda p: p.write_bytes(docx_bytes(SPEC)[:3000]), "SSJ502", 1),
        ("other.zip", lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "SSJ502", 1),
        ("bomb.docx", _zip_bomb, "SSJ503", 1),
        (
            "letter.csv",
            lambda p: p.write_text("尊敬的各位：\n请于三月底前报送材料。\n", encoding="utf-8"),
            "SSJ510",
            1,
        ),
        (
            "no_table.html",
            lambda p: p.write_text("<html><body><p>无表格</p></body></html>", encoding="utf-8"),
            "SSJ504",
            1,
        ),
        (
            "huge_cell.csv",
            lambda p: p.write_text(",".join(HEADER) + "\n" + "x" * 30000 + "\n", encoding="utf-8"),
            "SSJ503",
            1,
        ),
        ("formula.xlsx", _formula_workbook, "SSJ506", 1),
    ],
)
def test_hostile_files_give_a_diagnostic_not_a_traceback(
    name: str, make: object, code: str, exit_code: int, tmp_path: Path
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    status, output = run("import", str(path), "-o", str(tmp_path / "draft.ssj"))
    assert status == exit_code and code in output, output
    assert "Traceback" not in output


def test_ten_thousand_rows_are_refused_before_the_work(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(
        ",".join(HEADER) + "\n" + ("1,任务,事项,对象,5%,,3月,甲局,,县抽县查\n" * 10000), encoding="utf-8"
    )
    status, output = run("import", str(path), "-o", str(tmp_path / "draft.ssj"))
    assert status == 1 and "SSJ503" in output and f"上限 {MAX_ROWS} 行" in output
    assert not (tmp_path / "draft.ssj").exists()


def test_a_formula_is_kept_as_written_never_computed(tmp_path: Path) -> None:
    path = tmp_path / "formula.xlsx"
    _formula_workbook(path)
    result = import_table(path, Options())
    assert result.text is not None and '比例 待定 "=B3*0.1"' in result.text
    formula = [d for d in result.diagnostics if d.code == "SSJ506"]
    assert [(d.span.line, d.span.column) for d in formula] == [(3, 5)]


def test_truncated_archives_never_raise(tmp_path: Path) -> None:
    for kind, data in (("docx", docx_bytes(SPEC)), ("xlsx", xlsx_bytes(SPEC))):
        for cut in range(1, 8):
            path = tmp_path / f"cut{cut}.{kind}"
            path.write_bytes(data[: len(data) * cut // 8])
            result = import_table(path, Options())
            assert result.text is None and result.diagnostics and not result.usage


def test_usage_problems_exit_2(tmp_path: Path) -> None:
    csv_path = tmp_path / "plan.csv"
    csv_path.write_bytes(csv_bytes(SPEC))
    assert run("import", str(tmp_path / "missing.csv"))[0] == 2
    assert run("import", str(tmp_path))[0] == 2  # a directory
    status, output = run(
        "import", str(csv_path), "--encoding", "no-such-codec", "-o", str(tmp_path / "x.ssj")
    )
    assert status == 2 and "no-such-codec" in output
    status, output = run("import", str(csv_path), "-o", str(csv_path))
    assert status == 2 and "覆盖输入" in output


_PIECES = [
    "1.",
    "2、",
    "（1）",
    "①",
    "10",
    "%",
    "不低于",
    "次/年",
    "每季度",
    "1次",
    "月",
    "3月",
    "—",
    "-",
    "至",
    "前",
    "底",
    "年",
    "2024",
    "日",
    "、",
    "，",
    ";",
    "\n",
    " ",
    "局",
    "市场监管",
    "县抽县查",
    "(区)",
    "（",
    "）",
    "户",
    "约",
    "递加",
    "风险",
    "/",
    "待定",
    "不抽",
    "=",
    ">=",
    "定向",
    "“",
    "”",
    "\\",
    '"',
    "#",
    "{",
    "}",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), min_size=10, max_size=10),
        min_size=1,
        max_size=4,
    )
)
def test_any_cells_give_a_draft_that_reads_back(rows: list[list[str]]) -> None:
    """Whatever the cells say, the importer returns a draft that parses back to the plan it built (SSJ530
    would say otherwise) — or a diagnostic — and never raises."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.csv"
        path.write_bytes(csv_bytes(TableSpec("2024年度计划", [HEADER, *rows])))
        result = import_table(path, Options())
    assert result.text is not None or result.diagnostics
    assert not [d for d in result.diagnostics if d.code == "SSJ530"], result.text
