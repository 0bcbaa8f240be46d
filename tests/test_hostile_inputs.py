"""Bad input as a hostile but realistic user produces it: a clear diagnostic and a non-zero exit, never a
traceback, a silently wrong draw or a half-written output.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ssjlang.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = Path(__file__).parent / "data" / "compile_small.ssj"
ROSTER = ROOT / "data" / "roster.csv"
BEACON = ["--beacon", "dice:d10x20", "--beacon-value", "31415926535897932384"]


def ssj(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr


def _set_date_number(r: dict[str, Any]) -> None:
    r["visits"][0]["date"] = 20240304


def _set_bad_date(r: dict[str, Any]) -> None:
    r["visits"][0]["date"] = "2024-13-45"


def _drop_visits(r: dict[str, Any]) -> None:
    del r["visits"]


def _tasks_text(r: dict[str, Any]) -> None:
    r["tasks"] = "abc"


def _team_null(r: dict[str, Any]) -> None:
    r["visits"][0]["team"] = None


def _subjects_list(r: dict[str, Any]) -> None:
    r["subjects"] = []


def _item_without_text(r: dict[str, Any]) -> None:
    r["visits"][0]["items"] = [{"task": r["visits"][0]["items"][0]["task"]}]


def _task_no_text(r: dict[str, Any]) -> None:
    r["visits"][0]["tasks"][0]["no"] = str(r["visits"][0]["tasks"][0]["no"])


def _unknown_subject(r: dict[str, Any]) -> None:
    r["visits"][0]["subject"] = "NOPE"


def _workload_object(r: dict[str, Any]) -> None:
    r["workload"] = {}


DAMAGE: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_set_date_number, "visits[0].date"),
    (_set_bad_date, "visits[0].date"),
    (_drop_visits, "visits 缺失"),
    (_tasks_text, "tasks 应为列表"),
    (_team_null, "visits[0].team 应为列表"),
    (_subjects_list, "subjects 应为对象"),
    (_item_without_text, "visits[0].items[0].item 缺失"),
    (_task_no_text, "visits[0].tasks[0].no 应为任务序号"),
    (_unknown_subject, "visits[0].subject NOPE 不在 subjects 中"),
    (_workload_object, "workload 应为列表"),
]


@pytest.mark.parametrize(("damage", "where"), DAMAGE, ids=[d.__name__.strip("_") for d, _ in DAMAGE])
def test_compile_refuses_a_damaged_record_by_place(
        record: dict[str, Any], tmp_path: Path, damage: Callable[[dict[str, Any]], None], where: str) -> None:
    damaged = json.loads(json.dumps(record))
    damage(damaged)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(damaged, ensure_ascii=False), "utf-8")
    result = ssj("compile", str(PLAN), "--record", str(path), "--format", "html", "-o", str(tmp_path / "o"))
    no_traceback(result)
    assert result.exit_code == 1, result.output + result.stderr
    assert "SSJ320" in result.stderr and where in result.stderr, result.stderr
    assert not (tmp_path / "o").exists()


def test_record_from_another_plan_says_so_in_chinese_first(record: dict[str, Any], tmp_path: Path) -> None:
    other = json.loads(json.dumps(record))
    other["commitment"]["plan"] = "0" * 64
    path = tmp_path / "record.json"
    path.write_text(json.dumps(other, ensure_ascii=False), "utf-8")
    result = ssj("compile", str(PLAN), "--record", str(path), "--format", "html", "-o", str(tmp_path / "o"))
    assert result.exit_code == 1 and "SSJ423" in result.stderr
    assert "不是用计划 compile_small.ssj 抽取的 (drawn from a different plan)" in result.stderr


def _with_first_id(source: Path, target: Path, value: str) -> Path:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][0] = value
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target


def test_scientific_notation_id_in_csv_is_refused(small_registry: Path, tmp_path: Path) -> None:
    registry = _with_first_id(small_registry, tmp_path / "registry.csv", "9.1140502E+17")
    result = ssj("commit", str(PLAN), "--registry", str(registry), "--beacon", "dice:d10x20")
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{registry}:2:1: error[SSJ217]" in result.stderr and "9.1140502E+17" in result.stderr


def test_scientific_notation_badge_is_refused(small_registry: Path, tmp_path: Path) -> None:
    roster = _with_first_id(ROSTER, tmp_path / "roster.csv", "1.40502E+11")
    result = ssj("draw", str(PLAN), "--registry", str(small_registry), "--roster", str(roster), *BEACON,
                 "-o", str(tmp_path / "o"))
    assert result.exit_code == 1 and f"{roster}:2:1: error[SSJ217]" in result.stderr
    assert not (tmp_path / "o").exists()


def test_xlsx_id_stored_as_a_number_is_refused(small_registry: Path, tmp_path: Path) -> None:
    import openpyxl

    with small_registry.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(rows[0])
    sheet.append([9.1140502e17, *rows[1][1:]])  # what Excel keeps of an 18-digit code typed as a number
    for row in rows[2:]:
        sheet.append(row)
    path = tmp_path / "registry.xlsx"
    workbook.save(path)
    result = ssj("commit", str(PLAN), "--registry", str(path), "--beacon", "dice:d10x20")
    assert result.exit_code == 1
    assert f"{path}:2:1: error[SSJ217]" in result.stderr and "9.1140502E+17" in result.stderr


@pytest.mark.parametrize(("window", "expected"), [
    ("频次 12次/年\n  风险 信用分类\n  时间 4月", "第 2 轮（2024-04-04—2024-04-06）内没有法定工作日"),
    ("频次 1次/年\n  风险 信用分类\n  时间 2024年10月1日—2024年10月7日",
     "起止时间（2024-10-01—2024-10-07）内没有法定工作日"),
])
def test_round_without_working_day_points_at_the_plan(small_registry: Path, tmp_path: Path,
                                                      window: str, expected: str) -> None:
    source = PLAN.read_text("utf-8")
    original = "频次 1次/年\n  风险 信用分类\n  时间 3月—12月"
    assert original in source
    plan = tmp_path / "plan.ssj"
    plan.write_text(source.replace(original, window, 1), "utf-8")
    line = source[:source.index(original)].count("\n") + 3
    result = ssj("draw", str(plan), "--registry", str(small_registry), "--roster", str(ROSTER), *BEACON,
                 "-o", str(tmp_path / "o"))
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{plan}:{line}:6: error[SSJ322]" in result.stderr and expected in result.stderr, result.stderr
    assert not (tmp_path / "o").exists()
