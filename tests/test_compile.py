"""`ssj compile` end to end: check → draw → render → atomic write, exit codes, --record, --templates,
--results diagnostics at file:row:column."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ssjlang.cli import main

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
PLAN = DATA / "compile_small.ssj"
REGISTRY = ROOT / "data" / "registry.csv"
ROSTER = ROOT / "data" / "roster.csv"
DRAW = [
    "--registry",
    str(REGISTRY),
    "--roster",
    str(ROSTER),
    "--beacon",
    "dice:d10x20",
    "--beacon-value",
    "31415926535897932384",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["compile", *args])


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert REGISTRY.exists() and ROSTER.exists(), "the example data ships with the repository"
    out = tmp_path_factory.mktemp("drawn") / "out"
    result = run(str(PLAN), *DRAW, "--date", "2024-02-28", "-o", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    return out


def test_plan_documents_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(PLAN), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"已写入 {out.as_posix()}：4 个文件，公开版 (documents written)",
        "  工作计划表：3",
        f"先打开 (open first)：{out.as_posix()}/index.html",
    ]
    plan_files = [f"计划/工作计划表.{ext}" for ext in ("docx", "html", "xlsx")]
    assert sorted(tree(out)) == ["index.html", *plan_files]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary directory left beside it


def test_verbose_lists_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(PLAN), "-o", str(out), "--verbose")
    assert result.exit_code == 0, result.stderr
    listed = [line for line in result.stdout.splitlines() if line.startswith(out.as_posix() + "/")]
    assert listed == sorted(listed) == [f"{out.as_posix()}/{name}" for name in sorted(tree(out))]


def test_existing_output_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", "utf-8")
    result = run(str(PLAN), "-o", str(out))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (out / "keep.txt").read_text("utf-8") == "mine"
    result = run(str(PLAN), "-o", str(out), "--force", "--format", "html")
    assert result.exit_code == 0
    assert sorted(tree(out)) == ["index.html", "计划/工作计划表.html"]


def test_draw_and_render_everything(drawn: Path) -> None:
    files = tree(drawn)
    record = json.loads(files["record/record.json"])
    assert sum(1 for name in files if name.startswith("通知书/V")) == len(record["visits"])
    for name in (
        "公示/抽查情况公示.html",
        "汇总.html",
        "名单/抽查名单.xlsx",
        "通知书/检查通知书.docx",
        "计划/工作计划表.docx",
        "名单/任务04-第1轮.html",
        "名单/任务24-第1轮.html",
    ):
        assert name in files
    publication = files["公示/抽查情况公示.html"].decode()
    assert record["seed"] in publication and record["commitment"]["digest"] in publication
    notice = files[next(n for n in files if n.startswith("通知书/V0001"))].decode()
    visit = record["visits"][0]
    prefix = "城区商务发" if visit["tasks"][0]["no"] == 4 else "城区交发"  # the 文号 of the task's 发起
    assert f"{prefix}〔2024〕1号" in notice and "2024年2月28日" in notice
    assert "城区监〔" not in notice  # never the plan authority's 文号 on another department's notice


def test_compile_from_record_gives_the_same_documents(drawn: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    result = run(str(PLAN), "--record", str(drawn / "record"), "--date", "2024-02-28", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert tree(out) == tree(drawn)  # byte-identical, record included


def test_record_from_another_plan_is_refused(drawn: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.ssj"
    other.write_text(PLAN.read_text("utf-8").replace("（测试）", "（另一版）"), "utf-8")
    result = run(str(other), "--record", str(drawn / "record" / "record.json"), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1 and "SSJ423" in result.stderr
    assert not (tmp_path / "o").exists()


def _edited_record(drawn: Path, tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """The drawn record, edited by hand but keeping its committed P (it still names this plan)."""
    record = json.loads((drawn / "record" / "record.json").read_text("utf-8"))
    edit(record)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return path


def _renumber_first_task(record: dict[str, Any]) -> None:
    record["tasks"][0]["no"] = 99


def _drop_last_task(record: dict[str, Any]) -> None:
    record["tasks"].pop()


def _repeat_first_task(record: dict[str, Any]) -> None:
    record["tasks"].append(record["tasks"][0])


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (_renumber_first_task, "记录中有任务 99，计划中没有；计划的任务 4 不在记录中"),
        (_drop_last_task, "计划的任务 24 不在记录中"),
        (_repeat_first_task, "任务 4 在记录中出现多次"),
    ],
)
def test_record_whose_tasks_are_not_the_plans_is_refused(
    drawn: Path, tmp_path: Path, edit: Callable[[dict[str, Any]], None], said: str
) -> None:
    path = _edited_record(drawn, tmp_path, edit)
    out = tmp_path / "o"
    result = run(str(PLAN), "--record", str(path), "--format", "html", "-o", str(out))
    assert result.exit_code == 1, result.stdout + result.stderr
    where = f"{path}: error[SSJ423]: 抽查记录 {path} 的任务与计划 compile_small.ssj 的任务不符 "
    assert where in result.stderr
    assert "(record tasks are not the plan's tasks)：" + said in result.stderr
    assert not out.exists()


def test_output_under_a_file_or_onto_a_file_is_refused(drawn: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep", "utf-8")
    under = run(str(PLAN), "--record", str(drawn / "record"), "-o", str(notes / "docs"))
    assert under.exit_code == 2
    said = f"无法写入 {notes / 'docs'} (cannot write): 「{notes}」不是目录 (is not a directory)"
    assert said in under.stderr
    onto = run(str(PLAN), "--record", str(drawn / "record"), "-o", str(notes), "--force")
    assert onto.exit_code == 2 and "不是目录 (not a directory)" in onto.stderr
    assert notes.read_text("utf-8") == "keep" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_results_publication_and_row_diagnostics(drawn: Path, tmp_path: Path) -> None:
    record = json.loads((drawn / "record" / "record.json").read_text("utf-8"))
    visit = record["visits"][0]
    good = tmp_path / "results.csv"
    with good.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "任务序号", "检查日期", "检查结果", "处理情况/备注"])
        writer.writerow([visit["subject"], visit["tasks"][0]["no"], visit["date"], "未发现问题", ""])
    out = tmp_path / "out"
    result = run(str(PLAN), "--record", str(drawn / "record"), "--results", str(good), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    lead = "城区商务局" if visit["tasks"][0]["no"] == 4 else "城区交通局"
    html = (out / "公示" / f"抽查结果公示-{lead}.html").read_text("utf-8")
    assert visit["subject"] in html and "未发现问题" in html

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "统一社会信用代码,任务序号,检查日期,检查结果\n"
        f"{visit['subject']},{visit['tasks'][0]['no']},{visit['date']},未发现问提\n"
        f"{visit['subject']},{visit['tasks'][0]['no']},2024-02-31,未发现问题\n",
        "utf-8",
    )
    result = run(
        str(PLAN), "--record", str(drawn / "record"), "--results", str(bad), "-o", str(tmp_path / "o2")
    )
    assert result.exit_code == 1
    assert f"{bad}:2:4: error[SSJ405]" in result.stderr and "未发现问题" in result.stderr
    assert f"{bad}:3:3: error[SSJ406]" in result.stderr
    assert not (tmp_path / "o2").exists()


def test_template_override(tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "plan_table.html").write_text(
        '{% extends "base.html" %}{% block body %}<h1>本局自定义：{{ plan.title }}</h1>'
        "{% for t in plan.tasks %}<p>{{ t.no }} {{ t.name }}</p>{% endfor %}{% endblock %}\n",
        "utf-8",
    )
    out = tmp_path / "out"
    result = run(str(PLAN), "--templates", str(templates), "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = (out / "计划" / "工作计划表.html").read_text("utf-8")
    assert "本局自定义：" in html and "24 机动车维修企业双随机联合抽查" in html
    assert "@page" in html  # base.html and the CSS still come from the package

    (templates / "plan_table.html").write_text("{{ plan.nosuch }}\n", "utf-8")
    result = run(str(PLAN), "--templates", str(templates), "--format", "html", "-o", str(tmp_path / "o2"))
    assert result.exit_code == 1 and "SSJ420" in result.stderr and "plan_table.html:1" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--registry", str(REGISTRY)], "--roster"),
        (["--results", str(DATA / "results" / "results_ok.csv")], "--results needs a draw"),
        (["--format", "pdf,rtf"], "unknown format rtf"),
        (["--edition", "secret"], "'secret' is not one of 'public', 'internal'"),
        (["--date", "2024-02-30"], "is not a date"),
        (["--record", str(DATA / "fixture_record.json"), "--registry", str(REGISTRY)], "not both"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(str(PLAN), *args, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_plan_with_errors_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ssj"
    broken.write_text(PLAN.read_text("utf-8").replace("发起 城区交通局", "发起 城区不存在局"), "utf-8")
    result = run(str(broken), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"{broken}:" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_bad_issuers_and_session_files_exit_1_naming_the_place(tmp_path: Path) -> None:
    issuers = tmp_path / "issuers.csv"
    issuers.write_text("部门,全称\n城区不存在局,某局\n", "utf-8")
    result = run(str(PLAN), "--issuers", str(issuers), "-o", str(tmp_path / "o1"))
    assert result.exit_code == 1 and f"{issuers}:2:1: error[SSJ431]" in result.stderr
    session = tmp_path / "session.txt"
    session.write_text("时间：二月底\n", "utf-8")
    result = run(str(PLAN), "--session", str(session), "-o", str(tmp_path / "o2"))
    assert result.exit_code == 1 and f"{session}:1:1: error[SSJ435]" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_results_in_several_files_and_the_internal_edition(drawn: Path, tmp_path: Path) -> None:
    record = json.loads((drawn / "record" / "record.json").read_text("utf-8"))
    files = []
    for n, visit in enumerate(record["visits"][:2]):
        path = tmp_path / f"r{n}.csv"
        path.write_text("统一社会信用代码,任务序号,检查日期,检查结果\n"
                        f"{visit['subject']},{visit['tasks'][0]['no']},{visit['date']},未发现问题\n", "utf-8")
        files += ["--results", str(path)]
    out = tmp_path / "out"
    result = run(str(PLAN), "--record", str(drawn / "record"), *files, "--edition", "internal",
                 "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "内部版" in result.stdout
    published = "".join(p.read_text("utf-8") for p in (out / "公示").glob("抽查结果公示-*.html"))
    assert all(v["subject"] in published for v in record["visits"][:2])
    assert "风险等级" in (out / "名单" / "任务04-第1轮.html").read_text("utf-8")
