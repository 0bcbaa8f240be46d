"""Damaged and altered draw records (`ssj verify`, `ssj compile --record`): one JSON Schema
(docs/spec/record.schema.json) refuses them before anything reads them, a record that contradicts itself is
refused by `compile --record`, and a file name is never built from a record's data outside `-o`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import PLAN, ROOT, ROSTER, ssj

from ssjlang.interpret.recordschema import record_schema, schema_problem, where


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "record.json"
    path.write_text(text, encoding="utf-8")
    return path


def _text(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2)


def _verify(path: Path, registry: Path) -> Result:
    return ssj("verify", str(path), "--plan", str(PLAN), "--registry", str(registry), "--roster", str(ROSTER))


def _compile(path: Path, out: Path) -> Result:
    return ssj("compile", str(PLAN), "--record", str(path), "--format", "html,xlsx,docx,csv", "-o", str(out))


# ---------------------------------------------------------------- the old records still validate


def test_the_fixture_record_and_the_shipped_example_draw_validate(record: dict[str, Any]) -> None:
    fixture = json.loads((ROOT / "tests" / "data" / "fixture_record.json").read_text("utf-8"))
    assert schema_problem(fixture) is None  # made before eligible, count, floors and calendar existed
    assert schema_problem(record) is None


def test_the_schema_is_closed_and_an_optional_field_is_one_line() -> None:
    """Every object of the schema lists its keys (additionalProperties false): a new optional field is one
    line in `properties`; required lists only fields every record has."""
    def objects(node: Any) -> list[dict[str, Any]]:
        found = []
        if isinstance(node, dict):
            if node.get("type") in ("object", ["object", "null"]) and "properties" in node:
                found.append(node)
            for value in node.values():
                found += objects(value)
        elif isinstance(node, list):
            for value in node:
                found += objects(value)
        return found

    closed = objects(record_schema())
    assert len(closed) >= 15
    for node in closed:
        assert node["additionalProperties"] is False
        assert set(node["required"]) <= set(node["properties"])


# ---------------------------------------------------------------- damage refused by the schema


def _huge_integer(text: str) -> str:
    return re.sub(r'"population": \d+', '"population": ' + "9" * 5000, text, count=1)


def _deep_nesting(text: str) -> str:
    return text.replace('"warnings": []', '"warnings": ' + "[" * 5000 + "]" * 5000, 1)


def _lone_surrogate(text: str) -> str:
    return re.sub(r'"name": "[^"]*"', r'"name": "\\ud800"', text, count=1)


def _nul_in_a_name(text: str) -> str:
    return re.sub(r'"name": "([^"]*)"', r'"name": "\1\\u0000"', text, count=1)


def _not_a_number(text: str) -> str:
    return re.sub(r'"realised_percent": [0-9.]+', '"realised_percent": NaN', text, count=1)


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        data = json.loads(text)
        change(data)
        return _text(data)
    edit.__name__ = change.__name__
    return edit


def _stratum(r: dict[str, Any]) -> dict[str, Any]:
    stratum: dict[str, Any] = r["tasks"][0]["rounds"][0]["strata"][0]
    return stratum


DAMAGE: list[tuple[Callable[[str], str], str]] = [
    (_huge_integer, "有位数过多的整数"),
    (_deep_nesting, "嵌套层数过深"),
    (_lone_surrogate, "不含 NUL 和孤立代理项的文本"),
    (_nul_in_a_name, "不含 NUL 和孤立代理项的文本"),
    (_not_a_number, "NaN is not a JSON number"),
    (_edit(lambda r: _stratum(r).update(risk=5)), "任务4.rounds[0].strata[0].risk 应为信用风险分类字母"),
    (_edit(lambda r: _stratum(r).update(rate_ppm="200000")), "任务4.rounds[0].strata[0].rate_ppm 应为"),
    (_edit(lambda r: _stratum(r).pop("population_digest")),
     "任务4.rounds[0].strata[0].population_digest 缺失"),
    (_edit(lambda r: r["tasks"][0].update(floor_percent="20")), "任务4.floor_percent 应为0—100"),
    (_edit(lambda r: r["tasks"][0].update(realised_percent=None)), "任务4.realised_percent 应为数"),
    (_edit(lambda r: r["tasks"][0].update(no=4.0)), "第1个任务.no 应为任务序号"),
    (_edit(lambda r: r["tasks"][1].update(population=-1)), "任务24.population 应为非负整数"),
    (_edit(lambda r: r.update(surprise=1)), "surprise 是未知的字段"),
    (_edit(lambda r: r["visits"][0].update(visit="../../../victim/PWNED")), "visits[0].visit 应为检查编号"),
    (_edit(lambda r: r["visits"][0].update(date="9999-12-30")), "visits[0].date 应为2000—2199 年间的日期"),
]
DAMAGE_IDS = [d.__name__.strip("_") if d.__name__ != "<lambda>" else w.split(" ")[0] for d, w in DAMAGE]


@pytest.mark.parametrize(("damage", "said"), DAMAGE, ids=[f"{i}-{n}" for i, n in enumerate(DAMAGE_IDS)])
def test_a_damaged_record_is_refused_by_verify_and_compile(
        drawn_dir: Path, small_registry: Path, tmp_path: Path, damage: Callable[[str], str],
        said: str) -> None:
    original = (drawn_dir / "record.json").read_text("utf-8")
    damaged = damage(original)
    assert damaged != original
    path = _write(tmp_path, damaged)
    verified = _verify(path, small_registry)
    assert verified.exit_code == 2, verified.output + verified.stderr
    assert "error[SSJ320]" in verified.stderr and said in verified.stderr, verified.stderr
    out = tmp_path / "o"
    compiled = _compile(path, out)
    assert compiled.exit_code == 1 and "error[SSJ320]" in compiled.stderr and said in compiled.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_a_record_path_that_is_not_a_regular_file_is_refused(small_registry: Path) -> None:
    result = _verify(Path("/dev/zero"), small_registry)
    assert result.exit_code == 2 and "/dev/zero" in result.stderr and "这是设备文件" in result.stderr


# ---------------------------------------------------------------- altered records refused by compile --record


def _commitment_text(r: dict[str, Any]) -> None:
    r["commitment"]["text"] = r["commitment"]["text"].replace("dice:d10x20", "dice:d10x21")


def _commitment_digest(r: dict[str, Any]) -> None:
    r["commitment"]["digest"] = "0" * 64


def _beacon_value(r: dict[str, Any]) -> None:
    r["beacon_value"] = "31415926535897932385"


def _stream(r: dict[str, Any]) -> None:
    r["tasks"][1]["rounds"][0]["stream"] = "f" * 64


def _key(r: dict[str, Any]) -> None:
    _stratum(r)["selected"][0]["key"] = "e" * 64


def _swapped_pick(r: dict[str, Any]) -> None:
    selected = _stratum(r)["selected"][0]
    other = next(s for s in r["subjects"] if s != selected["id"])
    selected["id"] = other


def _fewer_picks(r: dict[str, Any]) -> None:
    _stratum(r)["selected"].pop()


def _visit_twice(r: dict[str, Any]) -> None:
    r["visits"][1]["visit"] = r["visits"][0]["visit"]


ALTERED: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_commitment_text, "commitment.text 与承诺中的摘要 P、R、Q 和随机源描述不符"),
    (_commitment_digest, "commitment.digest 不等于 H(T)"),
    (_beacon_value, "seed 不等于由 C 和随机源数值算出的种子"),
    (_stream, "任务24.rounds[0].stream 不等于由种子 S 算出的随机流"),
    (_key, "任务4.rounds[0].strata[0].selected[0].key 不等于由随机流和统一社会信用代码算出的随机键"),
    (_swapped_pick, "任务4.rounds[0].strata[0].selected[0].key 不等于"),
    (_fewer_picks, "任务4.rounds[0].strata[0].k 为"),
    (_visit_twice, "visits[1].visit V0001 重复"),
]


@pytest.mark.parametrize(("alter", "said"), ALTERED, ids=[a.__name__.strip("_") for a, _ in ALTERED])
def test_compile_refuses_a_record_that_contradicts_itself(record: dict[str, Any], tmp_path: Path,
                                                          alter: Callable[[dict[str, Any]], None],
                                                          said: str) -> None:
    alter(record)
    path = _write(tmp_path, _text(record))
    result = _compile(path, tmp_path / "o")
    assert result.exit_code == 1 and "error[SSJ320]" in result.stderr and said in result.stderr, result.stderr
    assert not (tmp_path / "o").exists()


def test_an_intact_record_compiles(drawn_dir: Path, tmp_path: Path) -> None:
    result = _compile(drawn_dir / "record.json", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
    notices = sorted(p.name for p in (tmp_path / "o" / "通知书").iterdir())
    assert notices[0].startswith("V0001-")


# ---------------------------------------------------------------- file names from data stay inside -o


def test_a_visit_id_never_leads_out_of_the_output_directory(record: dict[str, Any], tmp_path: Path) -> None:
    """Behind the schema, the renderer makes a visit id file-name safe, and the writer confines every name."""
    from ssjlang.check.checker import load_plan
    from ssjlang.check.export import export_plan
    from ssjlang.documents.render import RenderOptions, render_documents
    from ssjlang.output import write_directory_atomic

    record["visits"][0]["visit"] = "../../../victim/PWNED"
    record["subjects"][record["visits"][0]["subject"]]["name"] = "../../公司/..\\x"
    plan = export_plan(load_plan(PLAN).resolved)
    files = render_documents(plan, record, None, RenderOptions(formats=frozenset({"html"}))).files
    notices = [name for name in files if name.startswith("通知书/") and "PWNED" in name]
    assert notices == ["通知书/victimPWNED-公司..x.html"]  # no separator left: one name inside 通知书/
    out = tmp_path / "inside" / "out"
    write_directory_atomic(out, files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inside"]
    assert sorted(p.name for p in (tmp_path / "inside").iterdir()) == ["out"]


# ---------------------------------------------------------------- verify's messages


def test_verify_names_a_task_by_its_number(record: dict[str, Any], small_registry: Path,
                                           tmp_path: Path) -> None:
    record["tasks"][1]["rounds"][0]["strata"][0]["population"] += 1
    result = _verify(_write(tmp_path, _text(record)), small_registry)
    assert result.exit_code == 1
    assert "not verified: 任务24.rounds[0].strata[0].population 不一致 (differs)" in result.stdout
    assert "tasks[" not in result.stdout


def test_two_differing_keys_are_shown_far_enough_to_differ() -> None:
    from ssjlang.interpret.record import short_pair

    first = "0123456789abcdef" * 4
    second = first[:20] + "0" + first[21:]
    mine, theirs = short_pair(first, second)
    assert mine != theirs and mine == first[:25] + "…" and theirs == second[:25] + "…"
    assert short_pair("a" * 64, "b" * 64) == ("aaaaaaaa…", "bbbbbbbb…")


def test_verify_shows_a_key_that_differs_late_far_enough(record: dict[str, Any], small_registry: Path,
                                                         tmp_path: Path) -> None:
    pick = _stratum(record)["selected"][0]
    key = pick["key"]
    pick["key"] = key[:40] + ("0" if key[40] != "0" else "1") + key[41:]
    result = _verify(_write(tmp_path, _text(record)), small_registry)
    assert result.exit_code == 1
    assert f"记录中为 {pick['key'][:45]}…，重新计算为 {key[:45]}…" in result.stdout, result.stdout


def test_verify_requires_the_roster_the_record_commits_to(drawn_dir: Path, small_registry: Path) -> None:
    result = ssj("verify", str(drawn_dir), "--plan", str(PLAN), "--registry", str(small_registry))
    assert result.exit_code == 2
    assert "核验需要 --roster (the record was drawn with a roster: give --roster)" in result.stderr
    help_text = " ".join(ssj("verify", "--help").output.split())
    assert "required when the record commits to one" in help_text
    verified = _verify(drawn_dir, small_registry)
    assert verified.exit_code == 0 and verified.stdout == "verified\n"


def test_where_names_tasks_by_number_and_escapes_odd_keys() -> None:
    record = {"tasks": [{"no": 4}, {"no": "x"}]}
    assert where(("tasks", 0, "rounds", 1, "k"), record) == "任务4.rounds[1].k"
    assert where(("tasks", 1, "name"), record) == "第2个任务.name"
    assert where(("visits", 0, "date")) == "visits[0].date"
    assert where(("\ud800",)) == '"\\ud800"'
