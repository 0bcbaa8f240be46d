"""Round trip: every plan's table, as `ssj compile` renders it (DOCX and XLSX), imports to a plan whose
export equals the original's in every column the table shows (selectors aside, which a table does not
carry; a rate given per sub-population needs selectors too, so only its text must survive)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ssjlang.checker import check_source, load_plan
from ssjlang.cli import main
from ssjlang.export import export_plan
from ssjlang.formatter import format_plan
from ssjlang.importer import Options, import_table
from ssjlang.parser import parse
from ssjlang.render import RenderOptions, render_documents

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted(
    [*ROOT.glob("plans/*.ssj"), *ROOT.glob("tests/plans/*.ssj"), *ROOT.glob("tests/plans/corpus/*.ssj")]
)


def table_columns(task: dict[str, Any], rate_text_only: bool = False) -> dict[str, Any]:
    """What the plan table shows of an exported task (PLAN_COLUMNS of ssjlang.render); the whole rate, or
    only its text for a rate per sub-population (which needs the selectors the table does not carry)."""
    rate = task["rate"]
    shown_rate: Any = (
        rate["text"]
        if rate_text_only
        else {
            k: rate.get(k)
            for k in (
                "percent",
                "at_least",
                "count",
                "min_count",
                "count_unit",
                "text",
                "form",
                "upper",
                "staff_ratio",
                "planned",
                "annual",
                "all_levels",
                "by_count",
            )
        }
    )
    return {
        "no": task["no"],
        "name": task["name"],
        "items": task["items"],
        "scope": task["scope"]["text"],
        "rate": shown_rate,
        "rounds_text": task["rounds_text"],
        "rounds": task["rounds"],
        "risk_text": task["risk_text"],
        "window": task["window"],
        "lead": task["lead"],
        "assist": task["assist"],
        "mode": task["mode"],
    }


def render_tables(plan_path: Path, out: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    exported = export_plan(load_plan(plan_path).resolved)
    rendered = render_documents(exported, options=RenderOptions(formats=frozenset({"docx", "xlsx"})))
    files = {}
    for name, data in rendered.files.items():
        if not name.startswith("计划/工作计划表."):
            continue  # index.html lists the documents
        kind = name.rsplit(".", 1)[1]
        files[kind] = out / f"{plan_path.stem}.{kind}"
        files[kind].write_bytes(data)
    return exported, files


@pytest.mark.parametrize("plan_path", PLANS, ids=[p.stem for p in PLANS])
def test_rendered_table_imports_to_the_same_table_columns(plan_path: Path, tmp_path: Path) -> None:
    original, files = render_tables(plan_path, tmp_path)
    assert set(files) == {"docx", "xlsx"}
    header = original["plan"]
    for kind, path in files.items():
        result = import_table(path, Options(year=header["year"], region=header["region"]))
        assert result.text is not None, (kind, result.diagnostics)
        assert not [d for d in result.diagnostics if d.code in ("SSJ510", "SSJ511", "SSJ512", "SSJ530")], kind
        checked, diagnostics = check_source(result.text, str(path))
        assert checked is not None, (kind, [d.message for d in diagnostics if d.is_error])
        imported = export_plan(checked.resolved)
        assert imported["plan"]["title"] == header["title"], kind
        assert len(imported["tasks"]) == len(original["tasks"]), kind
        for before, after in zip(original["tasks"], imported["tasks"], strict=True):
            by_text = bool(before["rate"]["subgroups"])
            assert table_columns(after, by_text) == table_columns(before, by_text), (kind, before["no"])


def test_drafts_are_deterministic_and_in_canonical_layout(tmp_path: Path) -> None:
    """The same table gives byte-identical drafts, and `ssj fmt` would not change one (comments kept)."""
    _original, files = render_tables(ROOT / "plans" / "chengqu2024.ssj", tmp_path)
    first = import_table(files["docx"], Options(year=2024)).text
    second = import_table(files["docx"], Options(year=2024)).text
    assert first is not None and first == second
    parsed = parse(first, "draft.ssj")
    assert parsed.plan is not None and not parsed.diagnostics
    assert format_plan(parsed.plan, parsed.comments, parsed.language) == first


def test_english_keywords_draft_reads_back(tmp_path: Path) -> None:
    original, files = render_tables(ROOT / "tests" / "plans" / "english2026.ssj", tmp_path)
    result = import_table(files["xlsx"], Options(year=2026, language="en"))
    assert result.text is not None and "task 1 " in result.text and "任务" not in result.text.split("#")[0]
    checked, _ = check_source(result.text, "draft.ssj")
    assert checked is not None
    assert [t["name"] for t in export_plan(checked.resolved)["tasks"]] == [
        t["name"] for t in original["tasks"]
    ]


def test_cli_round_trip_through_export(tmp_path: Path) -> None:
    """`ssj compile` → `ssj import` → `ssj export`, the commands a person runs."""
    runner = CliRunner()
    plan = ROOT / "tests" / "plans" / "corpus" / "zhengzhou-sifa-2023.ssj"
    out = tmp_path / "out"
    compiled = runner.invoke(main, ["compile", str(plan), "-o", str(out)])
    assert compiled.exit_code == 0, compiled.output
    table = out / "计划" / "工作计划表.docx"
    draft = tmp_path / "draft.ssj"
    imported = runner.invoke(main, ["import", str(table), "-o", str(draft)])
    assert imported.exit_code == 0, imported.output  # nothing to finish: no escalation, every column read
    exported = runner.invoke(main, ["export", str(draft)])
    assert exported.exit_code == 0, exported.output
    original = json.loads(runner.invoke(main, ["export", str(plan)]).stdout)
    again = json.loads(exported.stdout)
    assert [table_columns(t) for t in again["tasks"]] == [table_columns(t) for t in original["tasks"]]


def test_equal_ignoring_spans_agrees_with_strip_spans() -> None:
    """The importer's read-back check says what `strip_spans(a) == strip_spans(b)` says."""
    from dataclasses import replace

    from ssjlang.nodes import equal_ignoring_spans, strip_spans

    first = parse((ROOT / "plans" / "chengqu2024.ssj").read_text(encoding="utf-8"), "a.ssj").plan
    moved = parse("\n\n" + (ROOT / "plans" / "chengqu2024.ssj").read_text(encoding="utf-8"), "b.ssj").plan
    assert first is not None and moved is not None and first != moved
    assert equal_ignoring_spans(first, moved) and strip_spans(first) == strip_spans(moved)
    renamed = replace(moved, tasks=(replace(moved.tasks[0], name=replace(moved.tasks[0].name, value="x")),
                                    *moved.tasks[1:]))
    assert not equal_ignoring_spans(first, renamed) and strip_spans(first) != strip_spans(renamed)
