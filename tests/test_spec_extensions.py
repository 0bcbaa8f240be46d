"""The extensions of SSJ-DRAW-1 (docs/spec/SSJ-DRAW-X1…X4.md, SSJ-ORG-1.md), held to their words.

(a) Every test vector a document prints — a JSON block after a `<!-- vector: NAME -->` line — is recomputed
    twice, with ssjlang and with the independent implementation tests/independent_extensions.py (standard
    library only), and both must give exactly the printed values; every full digest a document prints
    elsewhere must be one of its checked vector values.
(b) Hypothesis properties: ssjlang's allocate, spread, headcount totals, period rounds, batches, streams,
    classes and offices equal the independent ones, and allocate keeps its invariants.
(c) End to end: a 40,000-subject registry drawn at `3%（约1200户）` under a risk profile draws exactly
    1,200 and says how (SSJ-DRAW-X2), verifies, and is re-derived independently; a plan with text codes
    and sub-rows (SSJ-DRAW-X1) is re-derived independently, stream by stream and pick by pick.
(d) Defects of ssjlang found while writing the specifications, each held fixed by a test of the right
    behaviour.

SSJ_PROPERTY_EXAMPLES sets the number of hypothesis examples (default 40).
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import independent_draw as idraw
import independent_extensions as ie
import pytest
from click.testing import CliRunner
from helpers import Inspector, Roster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang import pipeline
from ssjlang.check import resolve
from ssjlang.check.resolved import (
    Batch,
    Body,
    BodyKind,
    ClassLevel,
    PlannedCount,
    Profile,
    RateForm,
    RateRule,
)
from ssjlang.cli import main
from ssjlang.diagnostics import InputError
from ssjlang.interpret import draw, record, teams
from ssjlang.interpret.uscc import uscc_check_char
from ssjlang.interpret.visits import Selection, merge_selections
from ssjlang.language.nodes import NO_SPAN, DatePoint, Period, TaskCode, Window, WindowKind

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "docs" / "spec"
DOCS = ("SSJ-DRAW-X1.md", "SSJ-DRAW-X2.md", "SSJ-DRAW-X3.md", "SSJ-DRAW-X4.md", "SSJ-ORG-1.md")
VECTOR = re.compile(r"^<!-- vector: ([\w-]+) -->\n```(\w+)\n(.*?)\n```$", re.S | re.M)
DIGEST = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
PREFIX = re.compile(r"(?<![0-9a-f])([0-9a-f]{8,63})…")
SETTINGS = settings(max_examples=int(os.environ.get("SSJ_PROPERTY_EXAMPLES", "40")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
DESCRIPTOR = "dice:d10x20"
VALUE = "31415926535897932384"


def blocks(doc: str) -> dict[str, str]:
    """NAME → the text of the fenced block after `<!-- vector: NAME -->` in one document."""
    found: dict[str, str] = {}
    for name, _language, text in VECTOR.findall((SPEC / doc).read_text(encoding="utf-8")):
        assert name not in found, f"{doc}: vector {name} twice"
        found[name] = text
    return found


VECTORS: dict[str, str] = {name: text for doc in DOCS for name, text in blocks(doc).items()}


def vector(name: str) -> Any:
    return json.loads(VECTORS[name])


def d(text: str) -> date:
    return date.fromisoformat(text)


# ---------------------------------------------------------------- the documents themselves


def test_every_document_has_vectors_and_every_vector_is_checked() -> None:
    for doc in DOCS:
        assert blocks(doc), f"{doc} has no test vector"
    assert set(VECTORS) == set(CHECKED), "a vector block without a test, or a test without its block"


@pytest.mark.parametrize("doc", DOCS)
def test_every_digest_a_document_prints_is_a_checked_vector_value(doc: str) -> None:
    """Prose and tables repeat digests for the reader; each must be one the JSON vectors hold (and so one the
    tests recompute), so a table cannot drift from the values checked."""
    text = (SPEC / doc).read_text(encoding="utf-8")
    checked = {h for name, _language, body in VECTOR.findall(text) for h in DIGEST.findall(body)}
    prose = VECTOR.sub("", text)
    assert set(DIGEST.findall(prose)) <= checked
    for prefix in PREFIX.findall(prose):  # 0fb60a3d… abbreviates a checked digest
        assert any(h.startswith(prefix) for h in checked), prefix


@pytest.mark.parametrize("doc", DOCS)
def test_every_document_states_version_extension_and_limits(doc: str) -> None:
    text = (SPEC / doc).read_text(encoding="utf-8")
    name = doc.removesuffix(".md")
    assert text.startswith(f"# {name}: ") and "Version 1." in text
    assert f'"{name}"' in text and "## Known limits" in text and "## Test vector" in text
    numbered = re.findall(r"^## (\d+)\. ", text, re.M)
    assert numbered == [str(i) for i in range(1, len(numbered) + 1)] and len(numbered) >= 4


def test_extension_names_agree_with_the_code_and_the_schema() -> None:
    schema = json.loads((SPEC / "record.schema.json").read_text(encoding="utf-8"))
    names = [draw.EXTENSION_TASK_IDS, draw.EXTENSION_TOTALS, draw.EXTENSION_STRATA, draw.EXTENSION_ROUNDS,
             record.ORG_EXTENSION]
    assert [doc.removesuffix(".md") for doc in DOCS] == names
    assert set(names) <= set(schema["properties"]["extensions"]["items"]["enum"])
    assert set(names) <= {*draw.EXTENSION_ORDER, record.ORG_EXTENSION}


# ---------------------------------------------------------------- SSJ-DRAW-X1


def check_x1_streams() -> None:
    v = vector("x1-streams")
    for case in v["cases"]:
        code = TaskCode(case["code"], NO_SPAN)
        assert code.stream_id == ie.task_id(case["code"]) == case["t"]
        assert record.record_no(SimpleNamespace(code=code)) == ie.record_no(case["code"]) == case["no"]
        assert draw.stream(v["seed"], code.stream_id, case["round"], case["sub"]) == case["stream"]
        assert ie.stream(v["seed"], case["code"], case["round"], case["sub"]) == case["stream"]


def check_x1_order() -> None:
    v = vector("x1-order")
    s_tr = ie.stream(v["seed"], v["code"], v["round"], v["sub"])
    assert s_tr == draw.stream(v["seed"], TaskCode(v["code"], NO_SPAN).stream_id, v["round"], v["sub"])
    ranked = [list(p) for p in ie.order(s_tr, v["ids"])]
    assert ranked == v["ranked"]
    assert [[p.id, p.key] for p in draw.select(s_tr, v["ids"], len(v["ids"]))] == v["ranked"]
    assert [p.id for p in draw.select(s_tr, v["ids"], v["k"])] == [i for i, _ in v["ranked"][:v["k"]]]


def check_x1_visit_key() -> None:
    v = vector("x1-visit-key")
    window = (date(2024, 3, 1), date(2024, 11, 30))
    selections = [Selection(no, r, v["subject"], *window, sub) for no, sub, r in v["units"]]
    (visit,) = merge_selections(selections)
    assert visit.key == v["key"]
    assert ie.visit_key(v["subject"], [tuple(u) for u in v["units"]]) == v["key"]


def check_x1_list_files() -> None:
    for case in vector("x1-list-files")["cases"]:
        args = (case["no"], case["round"], case["sub"])
        assert record.list_file_name(*args) == ie.list_file(*args) == case["file"], case


# ---------------------------------------------------------------- SSJ-DRAW-X2


def fake_unit(profile: Profile | None, body: Body | None = None) -> SimpleNamespace:
    """What draw._UnitBuilder reads of a DrawUnit: enough to split one rate unit into strata."""
    body = body or Body(BodyKind.DEPARTMENT, "甲局", "甲局", "甲局")
    return SimpleNamespace(profile=profile, rounds=1, inspecting=(body,), code=SimpleNamespace(text="1"),
                           sub=None, label_text="任务1")


def level(key: str, multiplier: str | None = None, rate: RateRule | None = None,
          exclude: bool = False) -> ClassLevel:
    return ClassLevel(key, key, Decimal(multiplier) if multiplier else None, rate, None, exclude, NO_SPAN)


def percent_rule(ppm: int, text: str = "r", **extra: Any) -> RateRule:
    return RateRule(RateForm.PERCENT, text, NO_SPAN, percent=Decimal(ppm) / 10000, ppm=ppm, **extra)


def class_ids(sizes: dict[str, int]) -> dict[str, list[str]]:
    return {label: [f"{label}{i:06d}" for i in range(n)] for label, n in sizes.items()}


def check_x2_planned() -> None:
    v = vector("x2-planned")
    classes = v["classes"]
    profile = Profile("信用", None, "风险等级", True,
                      tuple(level(c["label"], c["multiplier"]) for c in classes), NO_SPAN)
    builder = draw._UnitBuilder(fake_unit(profile), "plan.ssj", lambda _b, _o: None)
    rate = percent_rule(v["rate_ppm"], "3%（约1200户）", planned=PlannedCount(v["total"], True, "户"))
    strata = builder.unit_strata(class_ids({c["label"]: c["n"] for c in classes}), rate, None)
    assert [(s.label, len(s.ids), s.rate_ppm, s.k) for s in strata] == [
        (c["label"], c["n"], c["ppm"], c["k"]) for c in classes]
    assert [(t.total, t.planned, t.approx) for t in builder.totals] == [(v["total"], v["total"], True)]
    assert draw.EXTENSION_TOTALS in builder.extensions
    # the independent reading
    assert ie.sample_size(v["population"], v["rate_ppm"]) == v["total"] == sum(c["k"] for c in classes)
    ppm = [ie.escalate(v["rate_ppm"], c["multiplier"]) for c in classes]
    weights = [ie.class_weight(c["n"], ppm=q) for c, q in zip(classes, ppm, strict=True)]
    assert ppm == [c["ppm"] for c in classes] and weights == [c["weight"] for c in classes]
    assert ie.allocate(v["total"], weights, [c["n"] for c in classes]) == [c["k"] for c in classes]
    assert draw.allocate(v["total"], weights, [c["n"] for c in classes]) == [c["k"] for c in classes]
    pairs = list(zip(classes, ppm, strict=True))
    assert [ie.sample_size(c["n"], q) for c, q in pairs] == v["per_stratum_ceilings"]
    assert [draw.sample_size(c["n"], q) for c, q in pairs] == v["per_stratum_ceilings"]


def check_x2_weights() -> None:
    planned, headcount = vector("x2-weights")["cases"]
    # a 按-profile with a 不抽 class and a class count, under a planned total
    levels = []
    for c in planned["classes"]:
        own = RateRule(RateForm.COUNT, f"{c['count']}户", NO_SPAN, count=c["count"]) if "count" in c else None
        levels.append(level(c["label"], c.get("multiplier"), own, c.get("exclude", False)))
    profile = Profile("监管", None, "监管类别", False, tuple(levels), NO_SPAN)
    builder = draw._UnitBuilder(fake_unit(profile), "plan.ssj", lambda _b, _o: None)
    rate = percent_rule(planned["ppm"], planned["rate"], planned=PlannedCount(planned["planned"], True, "户"))
    strata = builder.unit_strata(class_ids({c["label"]: c["n"] for c in planned["classes"]}), rate, None)
    assert [(s.label, s.rate_ppm, s.k, s.note) for s in strata] == [
        (c["label"], c["rate_ppm"], c["k"], c.get("note")) for c in planned["classes"]]
    assert [t.total for t in builder.totals] == [planned["total"]]
    drawn = sum(c["n"] for c in planned["classes"] if not c.get("exclude", False))  # 不抽 is not in N
    assert ie.sample_size(drawn, planned["ppm"]) == planned["total"]
    weights = [ie.class_weight(c["n"], ppm=c["rate_ppm"] or None, count=c.get("count"),
                               exclude=c.get("exclude", False)) for c in planned["classes"]]
    assert weights == [c["weight"] for c in planned["classes"]]
    assert ie.allocate(planned["total"], weights, [c["n"] for c in planned["classes"]]) == [
        c["k"] for c in planned["classes"]]
    assert not ie.within(planned["total"], planned["planned"], True)
    # a headcount total weighed by the multipliers alone
    profile = Profile("信用", None, "风险等级", True,
                      tuple(level(c["label"], c["multiplier"]) for c in headcount["classes"]), NO_SPAN)
    builder = draw._UnitBuilder(fake_unit(profile), "plan.ssj", lambda _b, _o: headcount["inspectors"])
    rate = RateRule(RateForm.PER_INSPECTOR, headcount["rate"], NO_SPAN, count=headcount["per_inspector"])
    strata = builder.unit_strata(class_ids({c["label"]: c["n"] for c in headcount["classes"]}), rate, None)
    assert [(s.label, s.rate_ppm, s.k) for s in strata] == [
        (c["label"], c["rate_ppm"], c["k"]) for c in headcount["classes"]]
    assert [(t.total, t.inspectors) for t in builder.totals] == [
        (headcount["total"], headcount["inspectors"])]
    total = ie.headcount_total(headcount["inspectors"], per_inspector=headcount["per_inspector"])
    weights = [ie.class_weight(c["n"], multiplier=c["multiplier"]) for c in headcount["classes"]]
    assert total == headcount["total"] and weights == [c["weight"] for c in headcount["classes"]]
    assert ie.allocate(total, weights, [c["n"] for c in headcount["classes"]]) == [
        c["k"] for c in headcount["classes"]]


def check_x2_allocate() -> None:
    for case in vector("x2-allocate")["cases"]:
        args = (case["total"], case["weights"], case["caps"])
        assert draw.allocate(*args) == ie.allocate(*args) == case["k"], case


def check_x2_headcount() -> None:
    for case in vector("x2-headcount")["cases"]:
        if "per_inspector" in case:
            rule = RateRule(RateForm.PER_INSPECTOR, case["rate"], NO_SPAN, count=case["per_inspector"])
            mine = ie.headcount_total(case["inspectors"], per_inspector=case["per_inspector"])
        else:
            a, b = case["ratio"]
            rule = RateRule(RateForm.STAFF_RATIO, case["rate"], NO_SPAN, staff_ratio=(Decimal(a), Decimal(b)))
            mine = ie.headcount_total(case["inspectors"], ratio=(a, b))
        assert draw.headcount_total(rule, case["inspectors"]) == mine == case["total"], case


def check_x2_spread() -> None:
    for case in vector("x2-spread")["cases"]:
        assert list(draw.spread(case["total"], case["rounds"])) == ie.spread(case["total"], case["rounds"]) \
            == case["k"], case


def check_x2_within() -> None:
    for case in vector("x2-within")["cases"]:
        args = (case["realised"], case["planned"], case["approx"])
        assert draw.within(*args) is ie.within(*args) is case["agrees"], case


# ---------------------------------------------------------------- SSJ-DRAW-X3


def field_profile(field: str, classes: list[str]) -> Profile:
    return Profile("p", None, field, False, (*(level(c, "1") for c in classes), level("U", "1")), NO_SPAN)


def check_x3_classes() -> None:
    v = vector("x3-classes")
    profile = field_profile(v["field"], v["classes"])
    for value, expected in v["cases"]:
        subject = SimpleNamespace(fields={v["field"]: value})
        assert draw.class_of(subject, profile) == ie.class_of(value, v["classes"]) == expected, value


def check_x3_caps() -> None:
    for case in vector("x3-caps")["cases"]:
        profile = Profile("p", None, "风险等级", True, (level("D", case["multiplier"]),), NO_SPAN)
        builder = draw._UnitBuilder(fake_unit(profile), "plan.ssj", lambda _b, _o: None)
        rate = percent_rule(case["ppm"], upper_ppm=case["upper_ppm"], min_count=case["min_count"],
                            at_least=True)
        (stratum,) = builder.unit_strata(class_ids({"D": case["n"]}), rate, None)
        assert (stratum.rate_ppm, stratum.k) == (case["rate_ppm"], case["k"]), case
        assert (draw.EXTENSION_STRATA in builder.extensions) is case["capped"], case
        q = ie.capped_ppm(case["ppm"], case["multiplier"], case["upper_ppm"])
        assert (q, ie.sample_size(case["n"], q, case["min_count"])) == (case["rate_ppm"], case["k"]), case
        assert (ie.escalate(case["ppm"], case["multiplier"]) > q) is case["capped"]


def x3_inputs(tmp_path: Path) -> tuple[Path, Path]:
    plan = tmp_path / "plan.ssj"
    registry = tmp_path / "registry.csv"
    plan.write_text(VECTORS["x3-plan-source"] + "\n", encoding="utf-8")
    registry.write_text(VECTORS["x3-plan-registry"] + "\n", encoding="utf-8")
    return plan, registry


def recorded_strata(task: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"label": s["label"], "population": s["population"], "rate_ppm": s["rate_ppm"], "k": s["k"],
             **({"note": s["note"]} if "note" in s else {}),
             "selected": [[p["id"], p["key"]] for p in s["selected"]]} for s in task["rounds"][0]["strata"]]


def check_x3_plan(tmp_path: Path) -> None:
    v = vector("x3-plan")
    plan, registry = x3_inputs(tmp_path)
    made = pipeline.make_record(plan, registry, None, v["descriptor"], v["beacon_value"])
    committed = made["commitment"]
    assert (committed["plan"], committed["registry"], committed["digest"], made["seed"]) == (
        v["P"], v["R"], v["C"], v["S"])
    assert made["extensions"] == v["extensions"]
    assert [{"no": t["no"], "stream": t["rounds"][0]["stream"], "strata": recorded_strata(t)}
            for t in made["tasks"]] == v["tasks"]
    assert any(w.startswith("SSJ323: ") for w in made["warnings"])
    assert pipeline.verify_record(made, plan, registry, None) == []
    # independently, from the plan's bytes and the registry's cells
    p = idraw.plan_digest(plan)
    table = idraw.read_table(registry, "统一社会信用代码")
    c = idraw.sha(idraw.commitment_text(p, table.digest(), "-", v["descriptor"]))
    s = idraw.seed(c, v["beacon_value"])
    assert (p, table.digest(), c, s) == (v["P"], v["R"], v["C"], v["S"])
    keys = ["暂缓", "一般", "较重", "重点"]
    task1: dict[str, list[str]] = {}
    for row in table.rows:
        if row["行业类别"] == "甲":
            task1.setdefault(ie.class_of(row["监管类别"], keys), []).append(row["统一社会信用代码"])
    rates = {"暂缓": None, "一般": ie.capped_ppm(200000, "1", 400000),
             "较重": ie.capped_ppm(200000, "3", 400000), "重点": 1_000_000,
             "U": ie.capped_ppm(200000, "1", 400000)}
    groups = {"乙类": [r["统一社会信用代码"] for r in table.rows if r["行业类别"] == "乙"],
              "丙类": [r["统一社会信用代码"] for r in table.rows if r["行业类别"] == "丙"]}
    expected = []
    for no, strata, rate_of, notes in (
            (1, {key: task1[key] for key in [*keys, "U"] if key in task1}, rates, {"暂缓": "不抽"}),
            (2, groups, {"乙类": 500000, "丙类": None}, {"丙类": "待定：按上级要求"})):
        s_tr = ie.stream(s, str(no), 1)
        listed = []
        for label, ids in strata.items():
            ppm = rate_of[label]
            k = ie.sample_size(len(ids), ppm) if ppm is not None else 0
            listed.append({"label": label, "population": len(ids), "rate_ppm": ppm, "k": k,
                           **({"note": notes[label]} if label in notes else {}),
                           "selected": [list(pick) for pick in ie.order(s_tr, ids)[:k]]})
        expected.append({"no": no, "stream": s_tr, "strata": listed})
    assert expected == v["tasks"]
    digests = [s["population_digest"] for t in made["tasks"] for s in t["rounds"][0]["strata"]]
    assert digests == [ie.population_digest(ids) for ids in (*[task1[k] for k in [*keys, "U"] if k in task1],
                                                              *groups.values())]


# ---------------------------------------------------------------- SSJ-DRAW-X4


PERIODS = {"quarter": Period.QUARTER, "month": Period.MONTH, "half-year": Period.HALF_YEAR}


def check_x4_periods() -> None:
    for case in vector("x4-periods")["cases"]:
        start, end, times = d(case["start"]), d(case["end"]), case["times"]
        expected = [(d(a), d(b)) for a, b in case["windows"]]
        if case["period"] == "year":
            assert resolve.split_window(start, end, times) == ie.equal_cut(start, end, times) == expected
        else:
            period = PERIODS[case["period"]]
            assert resolve.period_windows(start, end, period, times) == expected, case
            assert ie.period_rounds(start, end, ie.PERIOD_MONTHS[case["period"]], times) == expected, case


def check_x4_deadlines() -> None:
    v = vector("x4-deadlines")
    kinds = {"before": WindowKind.BEFORE, "month-end": WindowKind.MONTH_END, "year-end": WindowKind.YEAR_END}
    for case in v["cases"]:
        point = None
        if case["month"] is not None:
            year = case["point_year"]
            next_year = year == v["year"] + 1
            point = DatePoint(None if next_year else year, case["month"], case["day"], next_year, NO_SPAN)
        window = Window(point, None, NO_SPAN, kinds[case["form"]])
        expected = (d(case["window"][0]), d(case["window"][1]))
        assert resolve.resolve_window(window, v["year"]) == expected, case["written"]
        assert ie.deadline_window(v["year"], case["form"], case["month"], case["day"], case["point_year"]) \
            == expected, case["written"]


def check_x4_rounds() -> None:
    v = vector("x4-rounds")
    streams = {r: ie.stream(v["seed"], str(v["task"]), r) for r in (1, 2)}
    assert [streams[1], streams[2]] == v["streams"]
    assert [list(p) for p in ie.order(streams[2], v["ids"])] == v["round_2_order"]
    full = draw.select(v["streams"][1], v["ids"], len(v["ids"]))
    assert [[p.id, p.key] for p in full] == v["round_2_order"]
    for mode, independent in (("excluding", False), ("independent", True)):
        stratum = draw.Stratum("B", "B", tuple(v["ids"]), count=v["k"][0], rounds=len(v["k"]))
        rounds = draw.draw_task(v["seed"], v["task"], [stratum], len(v["k"]), independent=independent)
        assert [r.stream for r in rounds] == v["streams"]
        assert [r.strata[0].eligible for r in rounds] == v[mode]["eligible"]
        assert [[[p.id, p.key] for p in r.strata[0].selected] for r in rounds] == v[mode]["selected"]
        mine = ie.draw_rounds(streams, v["ids"], v["k"], independent)
        assert [[list(p) for p in picks] for picks in mine] == v[mode]["selected"]


def check_x4_batches() -> None:
    v = vector("x4-batches")
    s_tr = ie.stream(v["seed"], str(v["task"]), v["round"])
    assert all(ie.key(s_tr, i) == k == draw.subject_key(s_tr, i) for i, k in v["picks"])
    windows = ie.batch_windows(d(v["start"]), [d(x) for x in v["deadlines"]])
    unit = SimpleNamespace(batches=tuple(Batch(name, end, start, end)
                                         for name, (start, end) in zip(v["names"], windows, strict=True)))
    picks = tuple(draw.Pick(rank, i, k) for rank, (i, k) in enumerate(v["picks"], start=1))
    stratum = draw.StratumDraw("全部", None, len(picks), len(picks), "", None, None, len(picks), picks)
    first = draw.RoundDraw(1, s_tr, (d(v["start"]), windows[-1][1]), (stratum,))
    split = draw.split_into_batches(unit, first)
    expected = [{"name": b["name"], "window": {"start": b["window"][0], "end": b["window"][1]},
                 "ids": b["ids"]} for b in v["batches"]]
    assert [b.to_json() for b in split.batches] == expected
    assert ie.batches([tuple(p) for p in v["picks"]], len(v["names"])) == [b["ids"] for b in v["batches"]]
    assert [[a.isoformat(), b.isoformat()] for a, b in windows] == [b["window"] for b in v["batches"]]


# ---------------------------------------------------------------- SSJ-ORG-1


def level_body(v: dict[str, Any]) -> Body:
    return Body(BodyKind.LEVEL, "区县局", None, "区县局", tuple(v["members"]), v["field"],
                {m: tuple(a) for m, a in v["areas"].items()})


def check_org_offices() -> None:
    v = vector("org-offices")
    body = level_body(v)
    for value, expected in v["cases"]:
        subject = SimpleNamespace(fields={v["field"]: value})
        mine = ie.office(v["areas"], v["members"], value)
        assert record.office_of(body, subject) == mine == expected, value


def org_roster(rows: list[list[Any]]) -> Any:
    return Roster(tuple(Inspector(badge, f"人员{badge}", dept, qualified=q) for badge, dept, q in rows))


def check_org_staffing() -> None:
    v = vector("org-staffing")
    roster = org_roster(v["roster"])
    pools = record._Teams(roster)
    listed = {dept for _badge, dept, _q in v["roster"]}
    kinds = {"department": BodyKind.DEPARTMENT, "unit": BodyKind.UNIT, "level": BodyKind.LEVEL}
    for case in v["cases"]:
        body = Body(kinds[case["kind"]], case["body"], case["department"], case["body"])
        assert pools.department(body, case["office"]) == case["staffed_by"], case
        assert pools.headcount(body, case["office"]) == case["h"], case
        mine = ie.staffing(case["kind"], case["body"], case["department"], listed, case["office"])
        assert mine == case["staffed_by"], case
        assert ie.headcount([(dept, q) for _b, dept, q in v["roster"]], mine) == case["h"], case


def check_org_slots() -> None:
    v = vector("org-slots")
    rows = vector("org-staffing")["roster"]
    index = teams.RosterIndex(org_roster(rows))
    slots = teams.plan_slots(v["inspecting"], v["assisting"], index)
    assert [[s.department, s.role] for s in slots] == v["slots"]
    assert [s.lead for s in slots] == [True] + [False] * (len(slots) - 1)
    qualified = {dept for _b, dept, q in rows if q}
    assert [list(s) for s in ie.slots(v["inspecting"], v["assisting"], qualified)] == v["slots"]


CHECKED = {
    "x1-streams": check_x1_streams, "x1-order": check_x1_order, "x1-visit-key": check_x1_visit_key,
    "x1-list-files": check_x1_list_files,
    "x2-planned": check_x2_planned, "x2-weights": check_x2_weights, "x2-allocate": check_x2_allocate,
    "x2-headcount": check_x2_headcount, "x2-spread": check_x2_spread, "x2-within": check_x2_within,
    "x3-classes": check_x3_classes, "x3-caps": check_x3_caps, "x3-plan": check_x3_plan,
    "x3-plan-source": None, "x3-plan-registry": None,  # the inputs of x3-plan
    "x4-periods": check_x4_periods, "x4-deadlines": check_x4_deadlines, "x4-rounds": check_x4_rounds,
    "x4-batches": check_x4_batches,
    "org-offices": check_org_offices, "org-staffing": check_org_staffing, "org-slots": check_org_slots,
}


@pytest.mark.parametrize("name", sorted(k for k, check in CHECKED.items() if check is not None))
def test_vector(name: str, tmp_path: Path) -> None:
    check = CHECKED[name]
    assert check is not None
    if name == "x3-plan":
        check(tmp_path)  # type: ignore[call-arg]
    else:
        check()  # type: ignore[call-arg]


# ---------------------------------------------------------------- (b) properties


weights_caps = st.integers(min_value=1, max_value=8).flatmap(lambda n: st.tuples(
    st.lists(st.one_of(st.just(0), st.integers(1, 50), st.integers(1, 10**9)), min_size=n, max_size=n),
    st.lists(st.integers(0, 60), min_size=n, max_size=n)))


@SETTINGS
@given(st.integers(0, 400), weights_caps)
def test_allocate_agrees_and_keeps_its_invariants(total: int, wc: tuple[list[int], list[int]]) -> None:
    weights, caps = wc
    k = draw.allocate(total, weights, caps)
    assert k == ie.allocate(total, weights, caps)
    assert sum(k) == min(total, sum(c for c, w in zip(caps, weights, strict=True) if w > 0))
    assert all(0 <= ki <= c for ki, c in zip(k, caps, strict=True))
    assert all(ki == 0 for ki, w in zip(k, weights, strict=True) if w == 0)
    open_weight = sum(w for w, c in zip(weights, caps, strict=True) if c > 0 and w > 0)
    if open_weight and all(c >= total for c in caps):  # no cap binds: each k is its share rounded down or up
        for ki, w, c in zip(k, weights, caps, strict=True):
            if c > 0 and w > 0:
                assert (ki - 1) * open_weight < total * w < (ki + 1) * open_weight


@SETTINGS
@given(st.integers(0, 10**6), st.integers(1, 60))
def test_spread_sums_and_balances(total: int, rounds: int) -> None:
    k = list(draw.spread(total, rounds))
    assert k == ie.spread(total, rounds)
    assert sum(k) == total and max(k) - min(k) <= 1
    assert [sum(k[:r]) for r in range(1, rounds + 1)] == [total * r // rounds for r in range(1, rounds + 1)]


decimals = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(50), places=1)


@SETTINGS
@given(st.integers(0, 500), st.integers(1, 100), decimals, decimals)
def test_headcount_totals_agree(inspectors: int, per: int, a: Decimal, b: Decimal) -> None:
    rule = RateRule(RateForm.PER_INSPECTOR, "r", NO_SPAN, count=per)
    assert draw.headcount_total(rule, inspectors) == ie.headcount_total(inspectors, per_inspector=per)
    ratio = RateRule(RateForm.STAFF_RATIO, "r", NO_SPAN, staff_ratio=(a, b))
    total = draw.headcount_total(ratio, inspectors)
    assert total == ie.headcount_total(inspectors, ratio=(str(a), str(b)))
    assert (total - 1) * a < inspectors * b <= total * a  # the ceiling, exactly


windows = st.tuples(st.dates(date(2023, 1, 1), date(2026, 12, 31)), st.integers(0, 500))


@SETTINGS
@given(windows, st.sampled_from(sorted(PERIODS)), st.integers(1, 4))
def test_period_rounds_agree(window: tuple[date, int], period: str, times: int) -> None:
    start, length = window
    end = start + timedelta(days=length)
    try:
        mine = resolve.period_windows(start, end, PERIODS[period], times)
    except ValueError:
        with pytest.raises(ValueError):
            ie.period_rounds(start, end, ie.PERIOD_MONTHS[period], times)
        return
    assert mine == ie.period_rounds(start, end, ie.PERIOD_MONTHS[period], times)
    assert mine[0][0] == start and mine[-1][1] == end
    assert all(b + timedelta(days=1) == c for (_a, b), (c, _d) in itertools.pairwise(mine))
    assert len(mine) == resolve.planned_round_count(
        SimpleNamespace(period=PERIODS[period], times=times), start, end)  # type: ignore[arg-type]


ids = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18)


@SETTINGS
@given(st.lists(ids, min_size=0, max_size=30, unique=True), st.integers(1, 6))
def test_batches_agree(subjects: list[str], count: int) -> None:
    s_tr = draw.H("batches")
    picks = [(i, draw.subject_key(s_tr, i)) for i in subjects]
    names = [f"第{b}批" for b in range(1, count + 1)]
    unit = SimpleNamespace(batches=tuple(Batch(n, date(2024, 12, 31), date(2024, 1, 1), date(2024, 12, 31))
                                         for n in names))
    stratum = draw.StratumDraw("全部", None, len(picks), len(picks), "", None, None, len(picks),
                               tuple(draw.Pick(r, i, k) for r, (i, k) in enumerate(picks, start=1)))
    split = draw.split_into_batches(unit, draw.RoundDraw(1, s_tr, None, (stratum,)))
    mine = ie.batches(picks, count)
    assert [list(b.ids) for b in split.batches] == mine
    assert sorted(i for batch in mine for i in batch) == sorted(subjects)
    assert [len(b) for b in mine] == ie.spread(len(subjects), count)


codes = st.one_of(st.from_regex(r"\A[0-9]{1,4}\Z"), st.text(min_size=1, max_size=12))


@SETTINGS
@given(codes, st.one_of(st.none(), st.integers(1, 9)), st.integers(1, 12))
def test_streams_of_codes_and_sub_rows_agree(code: str, sub: int | None, round_no: int) -> None:
    seed = draw.H("seed")
    task = TaskCode(code, NO_SPAN)
    assert task.stream_id == ie.task_id(code)
    stream = draw.stream(seed, task.stream_id, round_no, sub)
    assert stream == ie.stream(seed, code, round_no, sub)
    if code.isascii() and code.isdigit() and sub is None:  # a number: exactly SSJ-DRAW-1's stream
        assert stream == idraw.stream(seed, int(code), round_no)


@SETTINGS
@given(st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=4, unique=True),
       st.text(max_size=6))
def test_classes_and_offices_agree(values: list[str], cell: str) -> None:
    classes = [v.strip() for v in values if v.strip() and v.strip() != "U"]
    profile = field_profile("类别", classes)
    assert draw.class_of(SimpleNamespace(fields={"类别": cell}), profile) == ie.class_of(cell, classes)
    members = [f"局{i}" for i in range(len(classes))]
    areas = {m: [c] for m, c in zip(members, classes, strict=True)}
    body = Body(BodyKind.LEVEL, "层级", None, "层级", tuple(members), "所属区域",
                {m: tuple(a) for m, a in areas.items()})
    subject = SimpleNamespace(fields={"所属区域": cell})
    assert record.office_of(body, subject) == ie.office(areas, members, cell)


# ---------------------------------------------------------------- (c) end to end


PLANNED_PLAN = """计划 "四万户示例" {
  年度 2024
}
部门 甲局
风险递加 信用 {
  低风险 比例×1
  一般风险 比例×1.5
  较高风险 比例×2
  高风险 比例×3
}
任务 1 "按计划户数分配" {
  事项 "检查一"
  对象 "全部企业" 筛选 行业类别 = "批发零售"
  比例 3%（约1200户）
  频次 1次/年
  风险 信用
  时间 3月—11月
  发起 甲局
  模式 县抽县查
}
"""


def uscc(n: int) -> str:
    first = f"91140502MA{n:07d}"
    return first + uscc_check_char(first)


def write_registry(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """统一社会信用代码, 名称, 行业类别, 风险等级 — one row per (industry, risk), ids numbered in turn."""
    lines = ["统一社会信用代码,名称,行业类别,风险等级"]
    lines += [f"{uscc(n)},企业{n:05d},{industry},{risk}"
              for n, (industry, risk, _) in enumerate(rows, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_planned_total_draws_exactly_1200_and_says_how(tmp_path: Path) -> None:
    v = vector("x2-planned")
    plan = tmp_path / "plan.ssj"
    plan.write_text(PLANNED_PLAN, encoding="utf-8")
    registry = tmp_path / "registry.csv"
    letters = {c["label"]: ("" if c["label"] == "U" else c["label"]) for c in v["classes"]}
    write_registry(registry, [("批发零售", letters[c["label"]], "")
                              for c in v["classes"] for _ in range(c["n"])])
    made = pipeline.make_record(plan, registry, None, DESCRIPTOR, VALUE)
    (task,) = made["tasks"]
    assert made["extensions"] == ["SSJ-DRAW-X2"]
    assert task["population"] == v["population"] and task["selected"] == 1200
    assert task["totals"] == [{"group": None, "total": 1200, "basis": "3%（约1200户）：按比例计算总数",
                               "planned": 1200, "approx": True, "inspectors": None}]
    (first,) = task["rounds"]
    assert [(s["label"], s["population"], s["rate_ppm"], s["count"], s["k"]) for s in first["strata"]] == [
        (c["label"], c["n"], c["ppm"], None, c["k"]) for c in v["classes"]]
    assert not any(w.startswith("SSJ324") for w in made["warnings"])
    # published and verified by the CLI
    out = tmp_path / "record"
    record.write_record(made, out, force=False)
    verified = CliRunner().invoke(main, ["verify", str(out), "--plan", str(plan),
                                         "--registry", str(registry)])
    assert verified.exit_code == 0 and verified.stdout == "verified\n", verified.output
    # the allocation again, from the record alone (SSJ-DRAW-X2 §7)
    strata = first["strata"]
    weights = [s["population"] * s["rate_ppm"] for s in strata]
    assert ie.allocate(task["totals"][0]["total"], weights, [s["population"] for s in strata]) == [
        s["k"] for s in strata]
    # and the whole draw from the registry's cells, without ssjlang
    table = idraw.read_table(registry, "统一社会信用代码")
    c = idraw.sha(idraw.commitment_text(idraw.plan_digest(plan), table.digest(), "-", DESCRIPTOR))
    s = idraw.seed(c, VALUE)
    assert s == made["seed"]
    by_class: dict[str, list[str]] = {}
    for row in table.rows:
        by_class.setdefault(row["风险等级"] or "U", []).append(row["统一社会信用代码"])
    ppm = [ie.escalate(30000, c["multiplier"]) for c in v["classes"]]
    sizes = [len(by_class[c["label"]]) for c in v["classes"]]
    weights = [n * q for n, q in zip(sizes, ppm, strict=True)]
    ks = ie.allocate(ie.sample_size(sum(sizes), 30000), weights, sizes)
    s_tr = ie.stream(s, "1", 1)
    assert first["stream"] == s_tr
    for stratum, cls, k in zip(strata, v["classes"], ks, strict=True):
        members = by_class[cls["label"]]
        assert stratum["population_digest"] == ie.population_digest(members)
        again = [list(x) for x in ie.order(s_tr, members)[:k]]
        assert [[p["id"], p["key"]] for p in stratum["selected"]] == again


CODES_PLAN = """计划 "编号与子项" {
  年度 2024
}
部门 甲局
任务 "SJ-2024-01" "文本编号" {
  事项 "检查一"
  对象 "甲类" 筛选 行业类别 = "甲"
  比例 20%
  频次 2次/年
  风险 无
  时间 3月—11月
  发起 甲局
  模式 县抽县查
}
任务 007 "子项" {
  事项 "检查二"
  频次 1次/年
  风险 无
  时间 3月—11月
  发起 甲局
  模式 县抽县查
  子项 "乙" {
    对象 "乙类" 筛选 行业类别 = "乙"
    比例 30%
  }
  子项 {
    对象 "乙类、丙类" 筛选 行业类别 属于 ["乙", "丙"]
    比例 25%
    频次 2次/年
  }
}
"""


def codes_inputs(tmp_path: Path) -> tuple[Path, Path]:
    plan = tmp_path / "codes.ssj"
    plan.write_text(CODES_PLAN, encoding="utf-8")
    registry = tmp_path / "codes.csv"
    write_registry(registry, [(industry, "ABCD"[n % 4], "") for industry, count in (("甲", 23), ("乙", 17),
                                                                                    ("丙", 11), ("丁", 5))
                              for n in range(count)])
    return plan, registry


def test_text_codes_and_sub_rows_are_rederived_independently(tmp_path: Path) -> None:
    plan, registry = codes_inputs(tmp_path)
    made = pipeline.make_record(plan, registry, None, DESCRIPTOR, VALUE)
    assert made["extensions"] == ["SSJ-DRAW-X1"]
    assert pipeline.verify_record(made, plan, registry, None) == []
    heads = [{k: t.get(k) for k in ("no", "code", "sub", "label")} for t in made["tasks"]]
    assert heads == [{"no": 7, "code": "007", "sub": 1, "label": "乙"},
                     {"no": 7, "code": "007", "sub": 2, "label": None},
                     {"no": "SJ-2024-01", "code": None, "sub": None, "label": None}]
    table = idraw.read_table(registry, "统一社会信用代码")
    s = idraw.seed(idraw.sha(idraw.commitment_text(idraw.plan_digest(plan), table.digest(), "-", DESCRIPTOR)),
                   VALUE)
    assert s == made["seed"]

    def industry(*names: str) -> list[str]:
        return [r["统一社会信用代码"] for r in table.rows if r["行业类别"] in names]

    units = [("007", 1, industry("乙"), 300000, 1), ("007", 2, industry("乙", "丙"), 250000, 2),
             ("SJ-2024-01", None, industry("甲"), 200000, 2)]
    for task, (code, sub, members, ppm, rounds) in zip(made["tasks"], units, strict=True):
        k = ie.sample_size(len(members), ppm)
        streams = {r: ie.stream(s, code, r, sub) for r in range(1, rounds + 1)}
        picks = ie.draw_rounds(streams, members, [k] * rounds, independent=False)
        assert [r["stream"] for r in task["rounds"]] == list(streams.values())
        assert [[[p["id"], p["key"]] for p in r["strata"][0]["selected"]] for r in task["rounds"]] == [
            [list(p) for p in round_picks] for round_picks in picks]
        assert task["rounds"][0]["strata"][0]["population_digest"] == ie.population_digest(members)
    # the two sub-rows of task 7 draw with different streams from overlapping populations
    assert made["tasks"][0]["rounds"][0]["stream"] != made["tasks"][1]["rounds"][0]["stream"]


# ---------------------------------------------------------------- (d) defects found while writing the specs


def test_a_record_with_text_codes_and_sub_rows_writes_one_list_per_unit_round(tmp_path: Path) -> None:
    """Each unit round has its own list: a text code is a file name, sub-rows do not overwrite each other."""
    plan, registry = codes_inputs(tmp_path)
    made = pipeline.make_record(plan, registry, None, DESCRIPTOR, VALUE)
    lists = [name for name in record.record_files(made) if name.startswith("名单-")]
    assert len(lists) == sum(len(t["rounds"]) for t in made["tasks"])


def test_a_record_with_sub_rows_is_consistent_in_itself(tmp_path: Path) -> None:
    """S_tjr of a sub-row is recomputed with |sub|j: documents accept the record (ssj compile --record)."""
    plan, registry = codes_inputs(tmp_path)
    made = pipeline.make_record(plan, registry, None, DESCRIPTOR, VALUE)
    assert any("sub" in t for t in made["tasks"])
    assert record.record_consistency_problem(made) is None


def test_a_quoted_u_class_is_refused(tmp_path: Path) -> None:
    """A 按-profile class written "U" would share its key with 未分类 (SSJ-DRAW-X3 §1): refused."""
    plan = tmp_path / "u.ssj"
    plan.write_text(VECTORS["x3-plan-source"].replace('"一般" 比例×1', '"U" 比例×1') + "\n", encoding="utf-8")
    registry = tmp_path / "registry.csv"
    registry.write_text(VECTORS["x3-plan-registry"].replace(",甲,一般", ",甲,U") + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        pipeline.make_record(plan, registry, None, DESCRIPTOR, VALUE)
    assert [d.code for d in refused.value.diagnostics if d.is_error] == ["SSJ154"]


def test_an_item_with_its_own_inspecting_body_draws(tmp_path: Path) -> None:
    plan = tmp_path / "items.ssj"
    plan.write_text(CODES_PLAN.replace("部门 甲局\n", "部门 甲局\n部门 丙局\n").replace(
        '事项 "检查一"', '事项 { "检查一" { 检查 丙局 } }'), encoding="utf-8")
    _, registry = codes_inputs(tmp_path)
    roster = tmp_path / "roster.csv"
    people = [f"{dept}{i},人员{dept}{i},{dept},是\n" for dept in ("甲局", "丙局") for i in range(1, 7)]
    roster.write_text("执法证号,姓名,部门,执法资格\n" + "".join(people), encoding="utf-8")
    made = pipeline.make_record(plan, registry, roster, DESCRIPTOR, VALUE)
    assert "SSJ-ORG-1" in made["extensions"]
    assert all("丙局" in {m["department"] for m in v["team"]} for v in made["visits"]
               if any(t["no"] == "SJ-2024-01" for t in v["tasks"]))


def test_generated_registries_are_what_the_tests_say(tmp_path: Path) -> None:
    """The registries above are read back by the csv module as written (ids valid, classes as meant)."""
    _, registry = codes_inputs(tmp_path)
    with registry.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 56 and {r["行业类别"] for r in rows} == {"甲", "乙", "丙", "丁"}
    assert all(len(r["统一社会信用代码"]) == 18 for r in rows)
