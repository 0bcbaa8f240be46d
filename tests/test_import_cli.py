"""`ssj import` as a person runs it: the output file, --force, --year/--region/--lang, exit codes, and the
example of docs/import.md, which must stay what the command really prints and writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner
from table_files import PLAN_HEADER, TableSpec, xlsx_bytes

from ssjlang.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "计划表.csv"

CLEAN = TableSpec(
    "城区劳务派遣抽查计划",
    [
        PLAN_HEADER,
        ["1", "对劳务派遣机构的双随机抽查", "对劳务派遣用工的检查", "全区劳务派遣机构", "不低于10% 1次/年",
         "", "3月—12月", "城区人社局", "", "县抽县查"],
    ],
)


def _block(text: str, after: str) -> str:
    marker = after + "\n\n```\n"
    start = text.index(marker) + len(marker)
    return text[start : text.index("\n```\n", start)]


def test_docs_example_is_what_the_command_prints_and_writes(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["import", EXAMPLE.name, "-o", "plan.ssj"])
    finally:
        os.chdir(cwd)
    doc = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stderr.rstrip() == _block(doc, "`ssj import 计划表.csv -o plan.ssj` prints")
    assert (tmp_path / "plan.ssj").read_text(encoding="utf-8").rstrip() == _block(doc, "and writes")


def test_a_clean_table_exits_0_with_the_year_and_region_given(tmp_path: Path) -> None:
    table = tmp_path / "计划.xlsx"
    table.write_bytes(xlsx_bytes(CLEAN))
    result = CliRunner().invoke(main, ["import", str(table), "--year", "2024", "--region", "晋城市城区"])
    assert result.exit_code == 0, result.output
    draft = (tmp_path / "计划.ssj").read_text(encoding="utf-8")  # the default output: TABLE.ssj
    assert '  年度 2024\n  地区 "晋城市城区"\n' in draft and "待补充" not in draft.split("\n", 1)[1]
    checked = CliRunner().invoke(main, ["check", str(tmp_path / "计划.ssj")])
    assert checked.exit_code == 0, checked.output


def test_existing_output_needs_force_and_is_replaced_atomically(tmp_path: Path) -> None:
    table = tmp_path / "t.xlsx"
    table.write_bytes(xlsx_bytes(CLEAN))
    out = tmp_path / "draft.ssj"
    out.write_text("keep me", encoding="utf-8")
    refused = CliRunner().invoke(main, ["import", str(table), "-o", str(out), "--year", "2024"])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = CliRunner().invoke(main, ["import", str(table), "-o", str(out), "--year", "2024", "--force"])
    assert forced.exit_code == 0 and out.read_text(encoding="utf-8").count("任务 1 ") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.ssj", "t.xlsx"]  # no temporary file left


def test_english_keywords_and_the_missing_year(tmp_path: Path) -> None:
    table = tmp_path / "t.xlsx"
    table.write_bytes(xlsx_bytes(CLEAN))
    out = tmp_path / "en.ssj"
    result = CliRunner().invoke(main, ["import", str(table), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1 and "SSJ524" in result.output  # no year anywhere: marked, not guessed
    text = out.read_text(encoding="utf-8")
    assert "task 1 " in text and "rate at least 10%" in text and "year " not in text


def test_import_is_listed_in_help() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0 and "--sheet" in result.output and "待补充" in result.output
