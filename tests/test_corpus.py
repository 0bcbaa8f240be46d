"""The corpus of real published plans (tests/plans/corpus/): each transcription checks, keeps its canonical
layout, exports what its published table says, and draws, verifies and compiles end to end against a registry
and roster made for it (tests/corpus_data.py).

The tables themselves (tests/plans/corpus/tables/*.json) are the page text as published; the comparison is
by row: every text cell (task name, items, scope) is found verbatim in the exported row, every number of a
rate, frequency, count or date cell is among the exported row's numbers, and every department named is a
declared body (or an alias) of the row.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from corpus_data import registry_csv, roster_csv

from ssjlang.check.checker import load_plan
from ssjlang.check.export import export_plan
from ssjlang.diagnostics import Severity
from ssjlang.language.formatter import format_plan
from ssjlang.language.parser import parse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "plans" / "corpus"
TABLES = CORPUS / "tables"
PLANS = sorted(CORPUS.glob("*.ssj"))


def test_the_corpus_is_what_the_language_issue_asks_for() -> None:
    """At least 15 plans, 8 provinces, 5 kinds of department, county, city and provincial plans."""
    tables = [json.loads(path.read_text("utf-8")) for path in sorted(TABLES.glob("*.json"))]
    assert len(PLANS) >= 15 and len(tables) == len(PLANS)
    assert {p.stem for p in PLANS} == {p.stem for p in TABLES.glob("*.json")}
    assert len({t["province"] for t in tables}) >= 8
    assert len({kind for t in tables for kind in t["department_kinds"]}) >= 5
    assert {t["level"] for t in tables} == {"county", "city", "province"}
    for table in tables:
        assert table["source"].startswith("http"), table["title"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_checks_and_keeps_its_canonical_layout(path: Path) -> None:
    source = path.read_text("utf-8")
    result = parse(source, str(path))
    assert result.plan is not None and not result.diagnostics, result.diagnostics
    assert format_plan(result.plan, result.comments, result.language) == source, "run ssj fmt"
    checked = load_plan(path)
    assert all(d.severity is Severity.WARNING for d in checked.warnings)
    assert f"来源：{_table(path)['source']}" in source or _table(path)["source"] in source


# ---------------------------------------------------------------- the export against the published table


def _table(path: Path) -> dict[str, Any]:
    return json.loads((TABLES / f"{path.stem}.json").read_text("utf-8"))


def squash(text: str) -> str:
    """Words only: NFKC (the page text had its full-width punctuation folded), no numbering, punctuation or
    white space."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?:^|(?<=[\s;；。,，]))\(?\d+[.、)）]", "", text)
    return "".join(c for c in text if not unicodedata.category(c).startswith(("P", "Z", "C", "S")))


def numbers(text: str) -> list[str]:
    """The numbers a cell writes (the years, months and days of its dates included), as canonical strings."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(\d{4})\.(\d{1,2})\.(\d{1,2})", r"\1 \2 \3", text)  # 2021.04.01 is a date
    return [str(float(n)).rstrip("0").rstrip(".") for n in re.findall(r"\d+(?:\.\d+)?", text)]


def _kind(column: str) -> str | None:
    """What a column of a published table is about (None: kept as it is, not compared)."""
    column = unicodedata.normalize("NFKC", column)
    if ("类别" in column and "事项" in column) or column.startswith("是否"):
        return None
    if any(word in column
           for word in ("任务名称", "计划名称", "抽查领域", "抽查类别", "行业", "权责清单事项")):
        return "name"
    if any(word in column for word in ("事项", "检查内容", "抽查内容")):
        return "items"
    if any(word in column for word in ("比例", "户数", "数量", "对象数", "频次", "周期", "基数")):
        return "numbers"
    if any(word in column for word in ("对象", "范围")):
        return "scope"
    if any(word in column for word in ("时间", "日期", "时限", "时间安排", "实施时间")):
        return "numbers"
    if any(word in column for word in ("部门", "主体", "单位", "股室", "科室", "处室", "处(科)室")):
        return "bodies"
    if "模式" in column:
        return "mode"
    return None


def _unit_texts(task: dict[str, Any], unit: dict[str, Any]) -> str:
    texts = [task["name"], unit.get("label") or "", unit["scope"]["text"], unit["risk_text"],
             unit["remarks"] or "", unit["category"] or "", unit["group"] or "", *unit["items"],
             *unit["methods"]]
    texts += [d["scope"]["text"] for d in unit["item_details"] if d["scope"]]
    texts += ([d["basis"] or "" for d in unit["item_details"]]
              + [d["category"] or "" for d in unit["item_details"]])
    texts += [rule["label"] or "" for rule in unit["rate"]["subgroups"] or []]
    if unit["base"] and unit["base"]["note"]:
        texts.append(unit["base"]["note"])
    if unit["draw_note"]:
        texts.append(unit["draw_note"])
    return squash("".join(texts))


def _unit_numbers(unit: dict[str, Any], plan: dict[str, Any]) -> set[str]:
    dump = json.dumps(unit, ensure_ascii=False)
    found = set(numbers(dump))
    found |= set(numbers(str(plan["plan"]["year"])))
    # the page text lost 年/月 in places: 2023720
    for y, m, d in re.findall(r"(\d{4})-(\d{2})-(\d{2})", dump):
        y, m, d = y, str(int(m)), str(int(d))
        found |= {f"{y}{m}{d}", f"{y}{m}", f"{m}{d}"}
    for profile in plan["profiles"]:
        if profile["name"] == unit["risk_profile"]:
            found |= set(numbers(json.dumps(profile, ensure_ascii=False)))
    return found


def _unit_bodies(unit: dict[str, Any], plan: dict[str, Any]) -> str:
    names = {unit["lead"], unit["guide"] or "", *unit["inspect"], *unit["assist"]}
    names |= {body for d in unit["item_details"] for body in d["inspect"]}
    known = []
    for department in plan["departments"]:
        group = {department["name"], *department["aliases"], department["full_name"] or ""}
        group |= ({u["name"] for u in department["units"]}
                  | {a for u in department["units"] for a in u["aliases"]})
        if names & group:
            known += sorted(group)
    for level in plan["levels"]:
        if level["name"] in names:
            known += [level["name"], level["text"], *level["members"]]
    return squash("".join(known))


def _units(exported: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    out = []
    for task in exported["tasks"]:
        for unit in task["parts"] or [task]:
            out.append((task, unit))
    return out


def _row_unit(row: dict[str, Any], header: list[str], units: list[tuple[dict[str, Any], dict[str, Any]]],
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The exported unit a table row was transcribed into: the one with the row's 序号 whose texts hold the
    most of the row's text cells."""
    cells = dict(zip(header, row["cells"], strict=True))
    number = next((v.strip() for k, v in cells.items() if k in ("序号",) and v.strip()), None)
    candidates = [(t, u) for t, u in units if number is None or str(t["code"]) == number] or units
    texts = [squash(v) for k, v in cells.items() if _kind(k) in ("name", "items", "scope") and squash(v)]
    return max(candidates, key=lambda tu: sum(text in _unit_texts(*tu) for text in texts))


def compare_with_table(path: Path) -> list[str]:
    """Every difference between the export of a corpus plan and its published table, in words."""
    table = _table(path)
    exported = export_plan(load_plan(path).resolved)
    units = _units(exported)
    problems: list[str] = []
    for r, row in enumerate(table["rows"], start=1):
        task, unit = _row_unit(row, table["header"], units)
        for column, cell in zip(table["header"], row["cells"], strict=True):
            kind = _kind(column)
            if not cell.strip() or kind is None or cell.strip() in ("-", "/", "无"):
                continue
            where = f"{path.stem} r{r} {column}"
            if kind in ("name", "items", "scope"):
                for part in re.split(r"\n", cell):
                    if squash(part) and squash(part) not in _unit_texts(task, unit):
                        problems.append(f"{where}: text {part!r} not in the export of 任务 {task['code']}")
            elif kind == "numbers":
                missing = [n for n in numbers(cell) if n not in _unit_numbers(unit, exported)]
                if missing:
                    problems.append(f"{where}: numbers {missing} of {cell!r} not in 任务 {task['code']}")
            elif kind == "bodies":
                bodies = _unit_bodies(unit, exported)
                for name in re.split(r"[、,，;；\s()（）]|配合|会", unicodedata.normalize("NFKC", cell)):
                    if squash(name) and squash(name) not in bodies:
                        problems.append(f"{where}: body {name!r} not declared for 任务 {task['code']}")
            elif kind == "mode":
                modes = squash("".join(unit["modes"]))
                if squash(cell) not in modes:
                    problems.append(f"{where}: mode {cell!r} not in {unit['modes']}")
    return problems


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_the_export_says_what_the_published_table_says(path: Path) -> None:
    assert compare_with_table(path) == []


# ---------------------------------------------------------------- draw, verify and compile end to end


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_draws_verifies_and_compiles_end_to_end(path: Path, tmp_path: Path) -> None:
    from ssjlang.documents.render import RenderOptions, render_documents
    from ssjlang.interpret.record import record_files
    from ssjlang.pipeline import make_record, verify_record

    checked = load_plan(path)
    registry, roster = tmp_path / "registry.csv", tmp_path / "roster.csv"
    registry.write_bytes(registry_csv(checked.resolved))
    roster.write_bytes(roster_csv(checked.resolved))
    record = make_record(path, registry, roster, "dice:d10x20", "31415926535897932384")
    everything_unstated = all(getattr(u.rate, "form", None) is not None and u.rate.form.value == "unstated"
                              for u in checked.resolved.units)
    assert record["tasks"] and (sum(t["selected"] for t in record["tasks"]) > 0 or everything_unstated)
    out = tmp_path / "record"
    out.mkdir()
    for name, data in record_files(record).items():
        (out / name).write_bytes(data)
    assert verify_record(out, path, registry, roster) == []
    rendered = render_documents(export_plan(checked.resolved), record, None,
                                RenderOptions(formats=frozenset({"html"})))
    assert "计划/工作计划表.html" in rendered.files
    assert any(n.startswith("通知书/V") for n in rendered.files) == bool(record["visits"])
