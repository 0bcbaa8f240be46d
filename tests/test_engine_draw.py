"""The draw in the engine (DuckDB, ssjlang/interpret/engine_draw.py) equals the draw in Python
(draw.draw_plan over the registry's subjects, the reference the independent readings test) — for every
corpus plan, which between them use every extension (text task codes, sub-rows, totals, headcounts,
custom strata, 不抽/待定, caps, periods, independent rounds, batches, levels and offices), and for random
registries."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from corpus_data import registry_csv, roster_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang.check.checker import load_plan
from ssjlang.diagnostics import InputError
from ssjlang.interpret import draw, engine_draw
from ssjlang.interpret.engine_draw import draw_registry
from ssjlang.interpret.record import _Teams, office_of, roster_departments
from ssjlang.interpret.registry import load_registry, load_roster
from ssjlang.interpret.uscc import ALPHABET, uscc_check_char

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "plans" / "corpus").glob("*.ssj"))
SEED = draw.H("engine test seed")


def _shape(result: draw.PlanDraw) -> Any:
    units = [(u.design.unit.code.text, u.design.unit.sub, u.design.population,
              [(r.round, r.stream, r.window, r.batches,
                [(s.label, s.risk, s.population, s.eligible, s.population_digest, s.rate_ppm, s.count, s.k,
                  s.selected, s.note) for s in r.strata]) for r in u.rounds],
              u.realised, u.design.totals) for u in result.units]
    return units, [(d.code, d.message) for d in result.warnings], result.extensions


def _both(plan_path: Path, registry_path: Path, roster_path: Path | None) -> tuple[Any, Any]:
    checked = load_plan(plan_path)
    plan = checked.resolved
    registry = load_registry(registry_path)
    teams = None
    if roster_path is not None:
        teams = _Teams(load_roster(roster_path, roster_departments(plan.organisation)))
    headcount = teams.headcount if teams is not None else None
    def in_sql() -> draw.PlanDraw:  # every stratum keyed, ranked and digested by the engine's queries
        with mock.patch.object(engine_draw, "MEMBERS_IN_PYTHON", -1):
            return draw_registry(plan, registry, SEED, checked.file, headcount, office_of)

    outcomes = []
    for run in (in_sql,  # and the members held in Python, as a small registry is drawn:
                lambda: draw_registry(plan, registry, SEED, checked.file, headcount, office_of),
                lambda: draw.draw_plan(plan, registry.subjects, SEED, checked.file, headcount, office_of)):
        try:
            outcomes.append(_shape(run()))
        except InputError as exc:
            outcomes.append([(d.code, d.message) for d in exc.diagnostics])
    assert outcomes[0] == outcomes[1]  # the engine's two ways agree
    return outcomes[0], outcomes[2]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_engine_equals_python_on_every_corpus_plan(path: Path, tmp_path: Path) -> None:
    resolved = load_plan(path).resolved
    (tmp_path / "registry.csv").write_bytes(registry_csv(resolved))
    (tmp_path / "roster.csv").write_bytes(roster_csv(resolved))
    engine_result, python_result = _both(path, tmp_path / "registry.csv", tmp_path / "roster.csv")
    assert engine_result == python_result


def _uscc(rng: random.Random) -> str:
    body = "91140502" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


TAGS = ["汽车销售", "机动车维修", "二手车销售", "学校", "卷烟零售", "统计在库单位", "住宅小区", "其他"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n=st.integers(0, 400))
def test_engine_equals_python_on_random_registries(seed: int, n: int, tmp_path: Path) -> None:
    """The Chengqu plan over random registries: random tags (so random populations), classes (blank ones
    included), capitals around the 3000万元 threshold, names — the shipped one of 任务21 now and then."""
    rng = random.Random(seed)
    rows = [["统一社会信用代码", "名称", "类型", "注册资本（万元）", "行业类别", "风险等级"]]
    seen: set[str] = set()
    for k in range(n):
        sid = _uscc(rng)
        if sid in seen:
            continue
        seen.add(sid)
        name = "晋城市医疗保险事务中心" if rng.random() < 0.02 else f"主体{k}"
        tags = ";".join(sorted(rng.sample(TAGS, rng.randint(0, 3))))
        rows.append([sid, name, rng.choice(["个体工商户", "有限责任公司", "事业单位"]),
                     rng.choice(["", "30", "2999.99", "3000", "5000", "0.3亿元"]), tags,
                     rng.choice(["", "A", "B", "C", "D", "低风险", "高风险"])])
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    registry = tmp_path / f"random-{seed}-{n}.csv"
    registry.write_text(text.getvalue(), encoding="utf-8")
    engine_result, python_result = _both(ROOT / "plans" / "chengqu2024.ssj", registry, None)
    assert engine_result == python_result


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n=st.integers(1, 200))
def test_engine_record_equals_the_independent_reading_on_random_registries(seed: int, n: int,
                                                                           tmp_path: Path) -> None:
    """The whole record (`make_record`, the engine's draw) against tests/independent_draw.py — the draw read
    from the specification with the standard library only — over random registries: digests, T, C, S,
    and every task's population, selections, rounds, streams, windows and strata."""
    import independent_draw as ind

    from ssjlang.check.export import export_plan
    from ssjlang.pipeline import make_record

    rng = random.Random(seed)
    rows = [["统一社会信用代码", "名称", "类型", "注册资本（万元）", "行业类别", "风险等级"]]
    for k in range(n):
        rows.append([_uscc(rng), f"主体{k}", rng.choice(["个体工商户", "有限责任公司"]),
                     rng.choice(["", "30", "3000", "5000"]),
                     ";".join(sorted(rng.sample(TAGS, rng.randint(0, 3)))),
                     rng.choice(["", "A", "B", "C", "D"])])
    if len({r[0] for r in rows}) != len(rows):
        return  # a repeated random id: not a registry
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    registry = tmp_path / f"reg-{seed}-{n}.csv"
    registry.write_text(text.getvalue(), encoding="utf-8")
    plan = ROOT / "plans" / "chengqu2024.ssj"
    roster = ROOT / "data" / "roster.csv"
    try:
        record = make_record(plan, registry, roster, "dice:d10x20", "31415926535897932384")
    except InputError:
        return  # e.g. a floor the random classes cannot meet: the independent reading is about draws
    export = export_plan(load_plan(plan).resolved)
    independent = ind.independent_draw(plan, registry, roster, export, "dice:d10x20", "31415926535897932384")
    assert record["commitment"]["registry"] == independent["R"]
    keys = ("label", "risk", "population", "eligible", "population_digest", "rate_ppm", "k", "selected")
    for got, want in zip(record["tasks"], independent["tasks"], strict=True):
        assert (got["no"], got["population"], got["selected"]) == (want["no"], want["population"],
                                                                   want["selected"])
        mine = [(r["round"], r["window"], [{k: s[k] for k in keys} for s in r["strata"]])
                for r in got["rounds"]]
        assert mine == [(r["round"], r["window"], r["strata"]) for r in want["rounds"]]
