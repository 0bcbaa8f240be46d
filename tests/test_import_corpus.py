"""Real tables: published plan tables (tests/plans/corpus/tables/*.json) made into the files an office has —
a Word table, an Excel sheet with a title row, a saved web page — with their merged cells, numbered items
and original header names, imported and compared with the hand transcriptions (tests/plans/corpus/*.ssj)
field by field. Where they differ, the table itself does not say what the transcriber wrote (a column it
lacks, a cell it words loosely); each such difference is listed below with its reason, and the test fails
on any other difference — or when a listed one disappears.

The Chengqu seed table (tests/data/seed_chengqu2024.txt, via tests/seed.py) is made into a DOCX and must
import to the 27 rows the shipped plan has, proposing 区人社局 as an alias of 城区人社局.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from import_compare import differences
from seed import SEED_CORRECTIONS, read_seed
from table_files import TableSpec, corpus_spec, docx_bytes, html_bytes, xlsx_bytes

from ssjlang.check.checker import check_source, load_plan
from ssjlang.check.export import export_plan
from ssjlang.importer import Options, import_table
from ssjlang.language.parser import parse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "plans" / "corpus"

NO_LEAD_COLUMN = "the table has no 发起 column; the transcriber wrote the publishing office"
NO_ROUNDS = "the table gives no frequency; the transcriber assumed 1次/年"


def rows(task: str, field: str, parts: range | tuple[int, ...] = (0,)) -> set[tuple[str, int, str]]:
    return {(task, part, field) for part in parts}


EXPECTED: dict[str, tuple[str, dict[tuple[str, int, str], str]]] = {
    "changzhi-2024": (
        "docx",
        {
            **dict.fromkeys(
                rows("2", "rate") | rows("3", "rate"),
                "市级…抽查比例之和≥20% is read by the transcriber as 各级合计 不低于 20%; the importer keeps "
                'the sentence as 待定 "…"',
            ),
            **dict.fromkeys(
                rows("2", "inspect") | rows("3", "inspect"),
                "no 检查主体 column; the transcriber declared a level of city and county offices",
            ),
            ("plan", 0, "departments"): "the transcriber added the level's twelve county offices",
        },
    ),
    "changzhi-luzhou-2025": (
        "xlsx",
        {
            (
                "1",
                0,
                "rounds",
            ): "100%,抽查1次 — the transcriber made the rounds independent (各轮独立) so escalation "
            "can draw again; the table does not say so",
        },
    ),
    "zhengzhou-sifa-2023": (
        "docx",
        {
            **dict.fromkeys(set().union(*(rows(t, "lead") for t in "1234")), NO_LEAD_COLUMN),
            ("plan", 0, "departments"): NO_LEAD_COLUMN,
        },
    ),
    "taishan-weijian-2021": (
        "html",
        {
            **dict.fromkeys(
                set().union(*(rows(t, "items") for t in "123456")),
                "no 抽查事项 column; the transcriber used the task name as the item",
            ),
            **dict.fromkeys(set().union(*(rows(t, "lead") for t in "123456")), NO_LEAD_COLUMN),
            **dict.fromkeys(set().union(*(rows(t, "rounds") for t in "123456")), NO_ROUNDS),
            (
                "plan",
                0,
                "departments",
            ): "the transcriber declared 台山市卫生健康局 又称 卫健局; the table only says 卫健局",
        },
    ),
    "wangcang-nongye-2021": (
        "xlsx",
        {
            **dict.fromkeys(
                rows("1", "lead", range(1, 5)) | rows("2", "lead") | rows("3", "lead"), NO_LEAD_COLUMN
            ),
            **dict.fromkeys(
                rows("1", "rounds", range(1, 5)) | rows("2", "rounds") | rows("3", "rounds"), NO_ROUNDS
            ),
            ("plan", 0, "departments"): "the transcriber declared the 执法中队 as units of 旺苍县农业农村局",
        },
    ),
    "wuhan-kaifaqu-2022": (
        "html",
        {
            **dict.fromkeys(
                rows("1", "rounds", range(1, 5))
                | rows("2", "rounds", range(1, 3))
                | rows("3", "rounds")
                | rows("4", "rounds")
                | rows("5", "rounds"),
                NO_ROUNDS,
            ),
            **dict.fromkeys(
                rows("1", "window", range(1, 5))
                | rows("2", "window", range(1, 3))
                | rows("3", "window")
                | rows("4", "window")
                | rows("5", "window"),
                "no time column; the transcriber wrote 全年",
            ),
            **dict.fromkeys(
                rows("2", "lead", range(1, 3)) | rows("4", "lead"),
                "市级发起: the transcriber named a city department the table does not name",
            ),
            **dict.fromkeys(
                rows("2", "inspect", range(1, 3)) | rows("4", "inspect"),
                "下派区级检查: the transcriber made the table's 发起 department the inspector",
            ),
            **dict.fromkeys(
                rows("2", "assist", range(1, 3)) | rows("3", "assist") | rows("4", "assist"),
                "人力资源和社会保障、市场监管部门 shares one suffix; the transcriber wrote each name out",
            ),
            ("plan", 0, "departments"): "the names above",
        },
    ),
    "jinan-gangcheng-nongye-2021": (
        "docx",
        {
            **dict.fromkeys(rows("1", "lead") | rows("2", "lead") | rows("3", "lead"), NO_LEAD_COLUMN),
        },
    ),
    "pingjiang-nongye-2022": (
        "html",
        {
            **dict.fromkeys(set().union(*(rows(t, "lead") for t in "1234")), NO_LEAD_COLUMN),
            **dict.fromkeys(
                rows("1", "inspect") | rows("2", "inspect") | rows("1", "assist") | rows("2", "assist"),
                "局种植业和农药管理股、(县市场监管局配合) mixes an inspector and a bracketed assistant",
            ),
            ("plan", 0, "departments"): "the names above",
        },
    ),
}


def _write(spec: TableSpec, kind: str, path: Path) -> Path:
    writer = {"docx": docx_bytes, "xlsx": xlsx_bytes, "html": html_bytes}[kind]
    path.write_bytes(writer(spec))
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_published_table_imports_like_the_hand_transcription(name: str, tmp_path: Path) -> None:
    kind, expected = EXPECTED[name]
    table = _write(corpus_spec(name), kind, tmp_path / f"{name}.{kind}")
    result = import_table(table, Options())
    assert result.text is not None, result.diagnostics
    draft = parse(result.text, "draft.ssj")
    assert draft.plan is not None and not draft.diagnostics
    transcription = parse((CORPUS / f"{name}.ssj").read_text(encoding="utf-8"), name).plan
    assert transcription is not None
    found = differences(draft.plan, transcription)
    assert found == set(expected), (sorted(found - set(expected)), sorted(set(expected) - found))
    for diagnostic in result.diagnostics:  # every marked place points into the table
        assert diagnostic.file == str(table) and diagnostic.span.line >= 1


def test_a_table_whose_cells_need_a_person_says_where(tmp_path: Path) -> None:
    """changzhi-2024: the unreadable rate and the escalation without numbers are marked at their cells."""
    table = _write(corpus_spec("changzhi-2024"), "docx", tmp_path / "changzhi.docx")
    result = import_table(table, Options())
    assert result.text is not None
    places = sorted((d.code, d.span.line, d.span.column) for d in result.diagnostics)
    assert places == [("SSJ520", 3, 5), ("SSJ520", 4, 5), ("SSJ523", 2, 6)]
    text = result.text
    assert '比例 待定 "市级医疗保障部门每年对市级及以下经办机构抽查比例之和≥20%"' in text
    profile = text.index("风险递加 信用分类")
    assert "# 待补充：原表只写了递加的要求" in text[:profile].rsplit("\n", 2)[-2]
    assert "低风险" not in text[profile : text.index("}", profile)].split("\n", 1)[1]  # no invented levels


# ---------------------------------------------------------------- the Chengqu seed table


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    seed = read_seed()
    spec = TableSpec(seed.title, [list(seed.header), *[list(row) for row in seed.rows]])
    path = tmp_path_factory.mktemp("seed") / "城区2024计划表.docx"
    path.write_bytes(docx_bytes(spec))
    return path, import_table(path, Options())


def test_seed_table_imports_to_the_shipped_plans_27_rows(seed_import: tuple[Path, object]) -> None:
    _path, result = seed_import
    assert result.text is not None
    checked, diagnostics = check_source(result.text, "draft.ssj")
    assert checked is not None, [d.message for d in diagnostics if d.is_error]
    mine = export_plan(checked.resolved)
    shipped = export_plan(load_plan(ROOT / "plans" / "chengqu2024.ssj").resolved)
    assert mine["plan"]["title"] == shipped["plan"]["title"] and mine["plan"]["year"] == 2024
    assert [t["no"] for t in mine["tasks"]] == list(range(1, 28))
    for a, b in zip(mine["tasks"], shipped["tasks"], strict=True):
        assert a["name"] == b["name"] and a["items"] == b["items"], a["no"]
        assert a["scope"]["text"] == b["scope"]["text"] and a["rate"] == b["rate"], a["no"]
        assert a["rounds"] == b["rounds"] and a["window"] == b["window"], a["no"]
        assert a["risk_text"] == b["risk_text"] and a["mode"] == b["mode"] and a["lead"] == b["lead"], a["no"]
        # the shipped plan corrects two names of the seed (SEED_CORRECTIONS); the draft keeps the table's
        assert [SEED_CORRECTIONS.get(n, n) for n in a["assist"]] == b["assist"], a["no"]
    assert mine["tasks"][17]["assist"] == ["区人社局"] and mine["tasks"][8]["assist"] == ["城区消防救援支队"]


def test_seed_import_proposes_the_alias_and_invents_nothing(seed_import: tuple[Path, object]) -> None:
    _path, result = seed_import
    text = result.text
    lines = text.split("\n")
    at = lines.index("部门 区人社局")
    assert "「区人社局」与「城区人社局」写法相近" in lines[at - 1] and "又称 区人社局" in lines[at - 1]
    assert "部门 城区人社局" in lines  # both spellings declared: nothing merged without a person
    alias = [d for d in result.diagnostics if d.code == "SSJ522" and "区人社局" in d.message]
    assert [(d.span.line, d.span.column) for d in alias] == [(19, 9)]  # task 18's 配合部门 cell
    assert "筛选" not in text.replace("筛选 条件不在计划表中", "")  # no selector made up
    assert sorted({d.code for d in result.diagnostics}) == ["SSJ522", "SSJ523"]
