"""Joint draws (合并抽取), docs/spec/SSJ-DRAW-X5.md, held to their words.

(a) Every test vector the document prints — a JSON block after a `<!-- vector: NAME -->` line — is recomputed
    with ssjlang and with the independent implementation tests/independent_extensions.py (standard library
    only); every full digest the prose prints is one of the checked vector values.
(b) End to end: the document's plan drawn with a small roster makes a record whose task entry says `1+2`, that
    `ssj verify` verifies, whose visits list exactly the member tasks whose selectors hold each drawn subject,
    and whose picks are re-derived from the registry without ssjlang.
(c) The checker's rules for the block (SSJ158, SSJ159, SSJ129, SSJ113) and the order of §4.
(d) A hypothesis property: a joint draw's picks equal an independent selection over the union of the members'
    populations with the joint stream.

SSJ_PROPERTY_EXAMPLES sets the number of hypothesis examples (default 40).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import independent_draw as idraw
import independent_extensions as ie
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang import pipeline
from ssjlang.check.checker import check_source
from ssjlang.check.resolved import DrawUnit, ResolvedPlan
from ssjlang.cli import main
from ssjlang.interpret import draw, record
from ssjlang.interpret.uscc import uscc_check_char

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "spec" / "SSJ-DRAW-X5.md"
VECTOR = re.compile(r"^<!-- vector: ([\w-]+) -->\n```(\w+)\n(.*?)\n```$", re.S | re.M)
DIGEST = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
PREFIX = re.compile(r"(?<![0-9a-f])([0-9a-f]{8,63})…")
SETTINGS = settings(max_examples=int(os.environ.get("SSJ_PROPERTY_EXAMPLES", "40")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
DESCRIPTOR = "dice:d10x20"
VALUE = "31415926535897932384"
TYPE = "类型"


def blocks() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, _language, text in VECTOR.findall(DOC.read_text(encoding="utf-8")):
        assert name not in found, f"vector {name} twice"
        found[name] = text
    return found


VECTORS = blocks()


def vector(name: str) -> Any:
    return json.loads(VECTORS[name])


def resolved(source: str) -> ResolvedPlan:
    checked, diagnostics = check_source(source, "joint.ssj")
    errors = [f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in diagnostics if d.is_error]
    assert checked is not None and not errors, errors
    return checked.resolved


def error_codes(source: str) -> list[str]:
    _checked, diagnostics = check_source(source, "joint.ssj")
    return sorted({d.code for d in diagnostics if d.is_error})


def joint_unit(plan: ResolvedPlan) -> DrawUnit:
    (unit,) = [u for u in plan.units if u.joint]
    return unit


def header(written: str) -> str:
    """A 序号 as a task header or a joint block writes it: digits bare, anything else quoted."""
    return written if written.isdigit() else f'"{written}"'


def task_text(written: str, types: list[str] | None, rounds: str = "1次/年", lead: str = "甲局") -> str:
    listed = ", ".join(f'"{t}"' for t in types or ())
    scope = '对象 "全部对象"'  # no 筛选: the whole registry
    if types is not None:
        scope = f'对象 "{"、".join(types)}" 筛选 {TYPE} 属于 [{listed}]'
    return (f'任务 {header(written)} "任务{written}" {{\n  事项 "事项{written}"\n  {scope}\n  比例 2%\n'
            f"  频次 {rounds}\n  风险 无\n  时间 4月—11月\n  发起 {lead}\n  模式 县抽县查\n}}\n")


def joint_text(written: list[str], rate: str) -> str:
    return f"合并抽取 {{\n  任务 {'、'.join(header(w) for w in written)}\n  比例 {rate}\n}}\n"


HEAD = '计划 "合并抽取" {\n  年度 2024\n}\n部门 甲局\n部门 乙局\n'


# ---------------------------------------------------------------- (a) the document and its vectors


def test_the_document_has_its_parts_and_every_vector_is_checked() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.startswith("# SSJ-DRAW-X5: ") and "Version 1." in text
    assert '"SSJ-DRAW-X5"' in text and '"SSJ-DRAW-X1"' in text
    assert "## Known limits" in text and "## Test vector" in text
    numbered = re.findall(r"^## (\d+)\. ", text, re.M)
    assert numbered == [str(i) for i in range(1, len(numbered) + 1)] and len(numbered) >= 4
    assert set(VECTORS) == {"x5-streams", "x5-plan-source", "x5-plan-registry", "x5-plan"}


def test_every_digest_the_prose_prints_is_a_checked_vector_value() -> None:
    text = DOC.read_text(encoding="utf-8")
    checked = {h for _name, _language, body in VECTOR.findall(text) for h in DIGEST.findall(body)}
    prose = VECTOR.sub("", text)
    assert set(DIGEST.findall(prose)) <= checked
    for prefix in PREFIX.findall(prose):
        assert any(h.startswith(prefix) for h in checked), prefix


def test_the_extension_name_agrees_with_the_code_the_schema_and_draw_md() -> None:
    schema = json.loads((DOC.parent / "record.schema.json").read_text(encoding="utf-8"))
    assert draw.EXTENSION_JOINT == "SSJ-DRAW-X5" and draw.EXTENSION_ORDER[-1] == draw.EXTENSION_JOINT
    assert "SSJ-DRAW-X5" in schema["properties"]["extensions"]["items"]["enum"]
    assert "joint" in json.dumps(schema)
    table = (ROOT / "docs" / "draw.md").read_text(encoding="utf-8")
    assert "| [SSJ-DRAW-X5](spec/SSJ-DRAW-X5.md) |" in table


@pytest.mark.parametrize("case", vector("x5-streams")["cases"], ids=lambda c: "、".join(c["tasks"]))
def test_x5_streams(case: dict[str, Any]) -> None:
    seed = vector("x5-streams")["seed"]
    written = case["tasks"]
    # independently
    assert ie.joint_id(written) == case["t"] == case["no"]
    assert ie.joint_nos(written) == case["joint"]
    assert ie.joint_stream(seed, written, case["round"]) == case["stream"]
    assert ie.list_file(case["no"], case["round"]) == case["file"]
    # ssjlang, from a plan that writes the block
    declared = sorted(written, key=lambda w: ie.unit_order(ie.record_no(w), None))
    plan = resolved(HEAD + "".join(task_text(w, ["企业"]) for w in declared) + joint_text(written, "10%"))
    unit = joint_unit(plan)
    assert unit.code.stream_id == case["t"] and record.record_no(unit) == case["no"]
    assert [record.record_no(m) for m in unit.joint] == case["joint"]
    assert draw.stream(seed, unit.code.stream_id, case["round"]) == case["stream"]
    assert record.list_file_name(record.record_no(unit), case["round"]) == case["file"]
    # the members draw nothing of their own
    assert [u.code.stream_id for u in plan.units] == [case["t"]]


def doc_inputs(directory: Path) -> tuple[Path, Path]:
    plan = directory / "joint.ssj"
    registry = directory / "registry.csv"
    plan.write_text(VECTORS["x5-plan-source"] + "\n", encoding="utf-8")
    registry.write_text(VECTORS["x5-plan-registry"] + "\n", encoding="utf-8")
    return plan, registry


def independent_draw(plan: Path, registry: Path, roster: Path | None, v: dict[str, Any]) -> dict[str, Any]:
    """The document's draw from the plan's bytes and the registry's cells, without ssjlang: S, P_J, strata,
    picks, and the members each pick is inspected for."""
    table = idraw.read_table(registry, idraw.REGISTRY_ID)
    q = idraw.read_table(roster, idraw.ROSTER_ID).digest() if roster is not None else "-"
    p = idraw.plan_digest(plan)
    c = idraw.sha(idraw.commitment_text(p, table.digest(), q, v["descriptor"]))
    s = idraw.seed(c, v["beacon_value"])
    ids = [row[idraw.REGISTRY_ID] for row in table.rows]
    type_of = {row[idraw.REGISTRY_ID]: row[TYPE] for row in table.rows}
    members = [(int(no), {i for i in ids if type_of[i] in types}) for no, types in v["members"].items()]
    population = ie.joint_population(ids, [admitted for _no, admitted in members])
    s_jr = ie.joint_stream(s, [str(no) for no, _ in members], 1)
    strata = []
    for stratum in v["strata"]:
        ids_in = [i for i in population if type_of[i] in stratum["types"]]
        k = ie.sample_size(len(ids_in), stratum["rate_ppm"])
        (picks,) = ie.joint_rounds(s, [str(no) for no, _ in members], ids_in, [k])
        strata.append({"label": stratum["label"], "population": len(ids_in), "k": k,
                       "population_digest": ie.population_digest(ids_in),
                       "selected": [[i, key, ie.inspected_for(i, members)] for i, key in picks]})
    return {"P": p, "R": table.digest(), "C": c, "S": s, "stream": s_jr, "population": population,
            "members": members, "strata": strata}


def test_x5_plan(tmp_path: Path) -> None:
    v = vector("x5-plan")
    plan, registry = doc_inputs(tmp_path)
    made = pipeline.make_record(plan, registry, None, v["descriptor"], v["beacon_value"])
    committed = made["commitment"]
    assert (committed["plan"], committed["registry"], committed["digest"], made["seed"]) == (
        v["P"], v["R"], v["C"], v["S"])
    assert made["extensions"] == v["extensions"]
    (task,) = made["tasks"]
    assert (task["no"], task["joint"], task["name"], task["population"]) == (
        v["no"], v["joint"], v["name"], v["population"])
    assert "code" not in task
    (first,) = task["rounds"]
    assert first["stream"] == v["stream"]
    fields = ("label", "population", "rate_ppm", "k", "population_digest")
    recorded = [{**{key: s[key] for key in fields}, "selected": [[p["id"], p["key"]] for p in s["selected"]]}
                for s in first["strata"]]
    assert recorded == [{**{key: s[key] for key in fields}, "selected": [pick[:2] for pick in s["selected"]]}
                        for s in v["strata"]]
    assert pipeline.verify_record(made, plan, registry, None) == []
    assert record.record_consistency_problem(made) is None
    lists = [name for name in record.record_files(made) if name.startswith("名单-")]
    assert lists == ["名单-任务1+2-第1轮.csv"]
    # independently
    again = independent_draw(plan, registry, None, v)
    assert (again["P"], again["R"], again["C"], again["S"], again["stream"]) == (
        v["P"], v["R"], v["C"], v["S"], v["stream"])
    assert len(again["population"]) == v["population"]
    registered = [row[idraw.REGISTRY_ID] for row in idraw.read_table(registry, idraw.REGISTRY_ID).rows]
    assert [i for i in registered if i not in again["population"]] == v["outside"]
    assert [{key: s[key] for key in ("label", "population", "k", "population_digest", "selected")}
            for s in v["strata"]] == again["strata"]


# ---------------------------------------------------------------- (b) end to end, with a roster


ROSTER = """执法证号,姓名,部门,执法资格
J01,甲一,甲局,是
J02,甲二,甲局,是
J03,甲三,甲局,是
Y01,乙一,乙局,是
Y02,乙二,乙局,是
Y03,乙三,乙局,是
"""


def test_with_a_roster_it_verifies_and_visits_each_member_that_holds_the_subject(tmp_path: Path) -> None:
    v = vector("x5-plan")
    plan, registry = doc_inputs(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    made = pipeline.make_record(plan, registry, roster, DESCRIPTOR, VALUE)
    assert made["extensions"] == ["SSJ-DRAW-X1", "SSJ-DRAW-X5", "SSJ-TEAM-2"]  # not organised: no SSJ-ORG-1
    (task,) = made["tasks"]
    assert (task["no"], task["joint"], task["lead"]) == ("1+2", [1, 2], "甲局") and "code" not in task
    # verified by the CLI
    out = tmp_path / "record"
    record.write_record(made, out, force=False)
    verified = CliRunner().invoke(main, ["verify", str(out), "--plan", str(plan), "--registry", str(registry),
                                         "--roster", str(roster)])
    assert verified.exit_code == 0 and verified.stdout == "verified\n", verified.output
    # re-derived without ssjlang (the roster changes Q, so S and the picks differ from the vector's)
    again = independent_draw(plan, registry, roster, v)
    assert again["S"] == made["seed"] and again["stream"] == task["rounds"][0]["stream"]
    (first,) = task["rounds"]
    for stratum, expected in zip(first["strata"], again["strata"], strict=True):
        picked = [[p["id"], p["key"]] for p in stratum["selected"]]
        assert picked == [pick[:2] for pick in expected["selected"]]
        assert stratum["population_digest"] == expected["population_digest"]
    # one visit per pick, listing exactly the members whose selectors hold the subject
    items = {1: "名称规范使用情况的检查", 2: "年度报告公示信息的检查"}
    leads = {1: "甲局", 2: "乙局"}
    picks = [pick for s in again["strata"] for pick in s["selected"]]
    assert len(made["visits"]) == len(picks) and {p[2][0] for p in picks} == {1, 2}
    assert any(len(p[2]) == 2 for p in picks) and any(len(p[2]) == 1 for p in picks)
    for subject, _key, members in picks:
        (visit,) = [x for x in made["visits"] if x["subject"] == subject]
        assert visit["tasks"] == [{"no": no, "round": 1} for no in members]
        assert visit["items"] == [{"task": no, "item": items[no]} for no in members]
        assert visit["team"][0]["lead"] and visit["team"][0]["department"] == leads[members[0]]
        assert {m["department"] for m in visit["team"]} >= {leads[no] for no in members}
        key = ie.joint_visit_key(subject, 1, again["members"])
        assert key == subject + "|" + ",".join(f"{no}-1" for no in members)


# ---------------------------------------------------------------- (c) the block's rules and its place


BASE = VECTORS["x5-plan-source"] + "\n"
SUB_ROWS = ('任务 3 "子项任务" {\n  事项 "事项三"\n  频次 1次/年\n  风险 无\n  时间 4月—11月\n  发起 甲局\n'
            '  模式 县抽县查\n  子项 {\n    对象 "企业" 筛选 类型 = "企业"\n    比例 5%\n  }\n}\n')
JOINT_RATE = re.compile(r"  比例 按对象 \{.*?\n  \}\n", re.S)


@pytest.mark.parametrize(("source", "code"), [
    (BASE.replace("任务 1、2", "任务 1、9"), "SSJ158"),
    (BASE.replace("任务 1、2", "任务 1、2、1"), "SSJ158"),
    (BASE.replace("任务 1、2", "任务 1"), "SSJ158"),
    (JOINT_RATE.sub("", BASE), "SSJ158"),
    (BASE + "合并抽取 {\n  任务 2、1\n  比例 5%\n}\n", "SSJ158"),
    (BASE.replace("任务 1、2", "任务 1、2、3") + SUB_ROWS, "SSJ158"),
    (BASE.replace("  频次 1次/年\n  风险 无\n  时间 4月—11月\n  发起 乙局",
                  "  频次 2次/年\n  风险 无\n  时间 4月—11月\n  发起 乙局"), "SSJ159"),
    (BASE.replace("  时间 4月—11月\n  发起 乙局", "  时间 3月—11月\n  发起 乙局"), "SSJ159"),
    (JOINT_RATE.sub("  比例 不抽\n", BASE), "SSJ129"),
    (BASE.replace('备注 "两项检查合并抽取"', '备注 ""'), "SSJ113"),
], ids=["undeclared", "twice", "one-task", "no-rate", "two-blocks", "sub-rows", "rounds", "window", "exclude",
        "empty-remarks"])
def test_the_checker_refuses_what_section_1_refuses(source: str, code: str) -> None:
    assert source != BASE and error_codes(BASE) == []
    assert error_codes(source) == [code]


def test_members_are_matched_by_their_identifier() -> None:
    """`任务 001、"2"` names tasks 1 and 2 (SSJ-DRAW-X1 §1): the same unit, the same identifier."""
    plan = resolved(BASE.replace("任务 1、2", '任务 001、"2"'))
    unit = joint_unit(plan)
    assert unit.code.stream_id == "1+2" and [record.record_no(m) for m in unit.joint] == [1, 2]


def test_the_joint_unit_takes_its_first_members_place_and_the_written_order_counts(tmp_path: Path) -> None:
    """§4 and the first known limit: `任务 7、003` is t_J = 7+3, drawn at task 7's place (after task 5)."""
    written = ["7", "003"]
    plan = tmp_path / "order.ssj"
    tasks = task_text("003", ["企业"]) + task_text("5", ["个体工商户"]) + task_text("7", ["企业"])
    plan.write_text(HEAD + tasks + joint_text(written, "50%"), encoding="utf-8")
    registry = tmp_path / "registry.csv"
    registry.write_text(VECTORS["x5-plan-registry"] + "\n", encoding="utf-8")
    made = pipeline.make_record(plan, registry, None, DESCRIPTOR, VALUE)
    assert [(t["no"], t.get("joint")) for t in made["tasks"]] == [(5, None), ("7+3", [7, 3])]
    assert made["tasks"][1]["rounds"][0]["stream"] == ie.joint_stream(made["seed"], written, 1)
    assert ie.joint_stream(made["seed"], written, 1) != ie.joint_stream(made["seed"], ["003", "7"], 1)


# ---------------------------------------------------------------- (d) property


TYPES = ("企业", "个体工商户", "农民专业合作社", "其他")


def uscc(n: int) -> str:
    first = f"91140502MA{n:07d}"
    return first + uscc_check_char(first)


@st.composite
def joint_draws(draw_: st.DrawFn) -> dict[str, Any]:
    numbers = draw_(st.lists(st.integers(1, 40), min_size=2, max_size=3, unique=True))
    written = [draw_(st.sampled_from([str(n), f"{n:03d}", f"T{n}"])) for n in numbers]
    scopes = st.lists(st.sampled_from(TYPES[:3]), min_size=1, max_size=3, unique=True)
    selectors = [None if draw_(st.integers(0, 5)) == 0 else draw_(scopes) for _ in written]  # None: no 筛选
    rows = draw_(st.lists(st.sampled_from(TYPES), min_size=0, max_size=30))
    return {"written": written, "selectors": selectors, "rows": rows,
            "percent": draw_(st.integers(1, 100)), "rounds": draw_(st.integers(1, 3)),
            "independent": draw_(st.booleans()), "value": str(draw_(st.integers(0, 10**12)))}


@SETTINGS
@given(joint_draws())
def test_a_joint_draw_selects_over_the_union_with_the_joint_stream(case: dict[str, Any]) -> None:
    written, selectors = case["written"], case["selectors"]
    rounds = f"{case['rounds']}次/年" + (" 各轮独立" if case["independent"] and case["rounds"] > 1 else "")
    independent = case["independent"] and case["rounds"] > 1
    with tempfile.TemporaryDirectory() as directory:
        plan = Path(directory) / "p.ssj"
        tasks = "".join(task_text(w, s, rounds) for w, s in zip(written, selectors, strict=True))
        plan.write_text(HEAD + tasks + joint_text(written, f"{case['percent']}%"), encoding="utf-8")
        registry = Path(directory) / "registry.csv"
        registry.write_text(f"统一社会信用代码,名称,{TYPE}\n" + "".join(
            f"{uscc(n)},企业{n:03d},{t}\n" for n, t in enumerate(case["rows"], start=1)), encoding="utf-8")
        made = pipeline.make_record(plan, registry, None, DESCRIPTOR, case["value"])
        table = idraw.read_table(registry, idraw.REGISTRY_ID)
        c = idraw.sha(idraw.commitment_text(idraw.plan_digest(plan), table.digest(), "-", DESCRIPTOR))
        s = idraw.seed(c, case["value"])
    (task,) = made["tasks"]
    assert made["seed"] == s
    assert (task["no"], task["joint"]) == (ie.joint_id(written), ie.joint_nos(written))
    assert "SSJ-DRAW-X5" in made["extensions"] and "SSJ-DRAW-X1" in made["extensions"]
    ids = [row[idraw.REGISTRY_ID] for row in table.rows]
    type_of = {row[idraw.REGISTRY_ID]: row[TYPE] for row in table.rows}
    admitted = [None if sel is None else {i for i in ids if type_of[i] in sel} for sel in selectors]
    population = ie.joint_population(ids, admitted)
    assert task["population"] == len(population)
    k = ie.sample_size(len(population), case["percent"] * 10_000)
    got = [[(p["id"], p["key"]) for stratum in r["strata"] for p in stratum["selected"]]
           for r in task["rounds"]]
    if not population:  # nothing to draw (SSJ308)
        assert not any(got)
        return
    expected = ie.joint_rounds(s, written, population, [k] * case["rounds"], independent)
    assert got == expected
    members = list(zip(ie.joint_nos(written), admitted, strict=True))
    for round_picks in expected:
        for subject, _key in round_picks:
            assert ie.inspected_for(subject, members)  # every pick is some member's subject
