"""Acceptance: the issues' "Done when" on the shipped data (验收测试), through the real command line.

Why: unit tests prove modules; these prove what a district officer, a CI admin and a member of the public
were promised — the README's command on plans/chengqu2024.ssj, data/registry.csv and data/roster.csv draws
what an independent reading of SSJ-DRAW-1 (tests/independent_draw.py) draws, the teams and dates obey the
rules of docs/teams.md checked against the roster read independently, tampering with any input is named by
`ssj verify`, and `ssj compile` writes every document docs/documents.md promises.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shlex
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import chinese_calendar
import docx
import independent_draw as ind
import openpyxl
import pytest
from click.testing import CliRunner, Result
from helpers import load_tool

from ssjlang.cli import main

REPO = Path(__file__).resolve().parents[1]
PUBLISH_WITHIN = 20  # working days (企业信息公示暂行条例 第六条)
DAILY_CAP = 2  # visits per inspector per day (docs/teams.md §2 default)
# task 20's window crosses the year (SSJ133); tasks 25 and 26 escalate a 100 % rate (SSJ124)
EXPECTED_PLAN_WARNINGS = Counter({"SSJ133": 1, "SSJ124": 2})


# ---------------------------------------------------------------- helpers


def readme_compile_args() -> list[str]:
    """The arguments of `ssj compile` in README.md's first sh block (the test breaks if the README drifts)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```sh\n(.*?)^```", readme, re.S | re.M)
    assert block, "README.md has no sh block"
    command = re.search(r"\bssj compile (.+)$", block.group(1), re.M)
    assert command, "README.md's first sh block does not run `ssj compile`"
    return shlex.split(command.group(1))


def option(args: list[str], name: str) -> str:
    """The value following `name` in an argument list."""
    assert name in args, f"README command lacks {name}"
    return args[args.index(name) + 1]


README = readme_compile_args()
PLAN = REPO / README[0]
REGISTRY = REPO / option(README, "--registry")
ROSTER = REPO / option(README, "--roster")
DESCRIPTOR = option(README, "--beacon")
VALUE = option(README, "--beacon-value")


def ssj(*args: str | Path) -> dict[str, Any]:
    """Run the real `ssj` (python -m ssjlang) from the repository root, as a user would."""
    done = subprocess.run([sys.executable, "-m", "ssjlang", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)
    return {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def cli(*args: str | Path) -> Result:
    """Run a quick `ssj` command in-process (absolute paths only), sparing an interpreter start."""
    return CliRunner().invoke(main, [str(a) for a in args])


def shared(factory: pytest.TempPathFactory, name: str, produce: Callable[[Path], None]) -> Path:
    """Produce `name` once per test session, even across pytest-xdist workers (the first one makes it, the
    others wait for its `.done` marker); return its directory. Keeps the module's runtime to one draw."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by all workers of this session
    target = root / f"acceptance-{name}"
    done, failed = target / ".done", target / ".failed"
    try:
        target.mkdir()
    except FileExistsError:
        deadline = time.monotonic() + 300
        while not done.exists():
            if failed.exists():
                pytest.fail(f"{name} failed in another worker: {failed.read_text(encoding='utf-8')}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {name} from another worker")
            time.sleep(0.05)
        return target
    try:
        produce(target)
    except BaseException as exc:
        failed.write_text(repr(exc), encoding="utf-8")
        raise
    done.write_text("", encoding="utf-8")
    return target


def add_workdays(start: date, n: int) -> date:
    """The n-th official working day (国务院 calendar with 调休) after `start`, `start` itself not counted."""
    day = start
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def split_list(cell: str) -> list[str]:
    """Split a roster list cell like the registry's list fields (; ； 、 , ，)."""
    return [p.strip() for p in re.split(r"[;；、,，]", cell) if p.strip()]


def read_roster(path: Path, export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The roster by badge, read with csv only: department aliases resolved with the plan's declarations."""
    canonical_dept = {d["name"]: d["name"] for d in export["departments"]}
    canonical_dept |= {alias: d["name"] for d in export["departments"] for alias in d["aliases"]}
    roster: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            unavailable: set[date] = set()
            for part in split_list(row["不可用日期"]):
                first, _, last = part.partition("~")
                day, end = date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
                while day <= end:
                    unavailable.add(day)
                    day += timedelta(days=1)
            roster[row["执法证号"].strip().upper()] = {
                "name": row["姓名"].strip(), "department": canonical_dept[row["部门"].strip()],
                "qualified": row["执法资格"].strip() in ("是", "yes", "1"),
                "recusals": {i.upper() for i in split_list(row["回避对象"])}, "unavailable": unavailable}
    return roster


def stratum_view(stratum: dict[str, Any]) -> dict[str, Any]:
    """The fields of a recorded stratum that SSJ-DRAW-1 and docs/draw.md determine."""
    keys = ("label", "risk", "population", "eligible", "population_digest", "rate_ppm", "k", "selected")
    return {key: stratum[key] for key in keys}


def selections(record: dict[str, Any]) -> set[tuple[int, int, str]]:
    """Every (task, round, subject) the record draws."""
    return {(t["no"], rd["round"], s["id"]) for t in record["tasks"] for rd in t["rounds"]
            for st in rd["strata"] for s in st["selected"]}


# ---------------------------------------------------------------- fixtures (one draw per module)


@pytest.fixture(scope="module")
def export() -> dict[str, Any]:
    """The checked plan as data from `ssj export`: the independent draw's only view of the plan's meaning."""
    result = cli("export", PLAN, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


Drawn = tuple[Path, dict[str, Any]]


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Drawn:
    """`ssj draw` on the shipped data with the README's beacon: output directory and process result."""

    def produce(target: Path) -> None:
        result = ssj("draw", PLAN, "--registry", REGISTRY, "--roster", ROSTER, "--beacon", DESCRIPTOR,
                     "--beacon-value", VALUE, "-o", target / "chengqu2024")
        (target / "result.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")

    target = shared(tmp_path_factory, "draw", produce)
    return target / "chengqu2024", json.loads((target / "result.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def record(drawn: Drawn) -> dict[str, Any]:
    """The draw record written by `ssj draw`."""
    out, result = drawn
    assert result["returncode"] == 0, result["stderr"]
    return json.loads((out / "record.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def independent(tmp_path_factory: pytest.TempPathFactory, export: dict[str, Any]) -> dict[str, Any]:
    """The same draw recomputed by tests/independent_draw.py."""

    def produce(target: Path) -> None:
        computed = ind.independent_draw(PLAN, REGISTRY, ROSTER, export, DESCRIPTOR, VALUE)
        (target / "independent.json").write_text(json.dumps(computed, ensure_ascii=False), encoding="utf-8")

    target = shared(tmp_path_factory, "independent", produce)
    return json.loads((target / "independent.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def roster(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """data/roster.csv read independently."""
    return read_roster(ROSTER, export)


# ---------------------------------------------------------------- the independent implementation itself


def test_independent_draw_reproduces_the_spec_test_vector(tmp_path: Path) -> None:
    """Guard the referee: tests/independent_draw.py must give the numbers frozen in draw-spec.md."""
    registry = tmp_path / "registry.csv"
    rows = [[f"91140502MA0K00000{i}", f"晋城市城区{s}汽车销售有限公司", risk]
            for i, s, risk in ((1, "甲", "A"), (2, "乙", "A"), (3, "丙", "B"), (4, "丁", "B"), (5, "戊", "B"),
                               (6, "己", "C"), (7, "庚", "C"), (8, "辛", "D"))]
    rows += [["91140502MA0K000009", " 晋城市城区壬汽车销售有限公司\t", "B"],
             ["91140502ma0k000010", "晋城市城区癸汽车销售有限公司", "B"]]
    with registry.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["统一社会信用代码", "名称", "风险等级"], *rows])
    plan = tmp_path / "plan.ssj"
    plan.write_bytes('计划 "示例"\r\n'.encode())
    r = ind.read_table(registry, ind.REGISTRY_ID).digest()
    assert r == "ae9d4903f8173f503d489e0cf8f4abf7611f501b349b03d4a4ee899f867b2172"
    p = ind.plan_digest(plan)
    assert p == "bcf4c5d963bc452c012cce49d2d6887789a6747caf3e40d3a004ce8f5eefb9e4"
    c = ind.sha(ind.commitment_text(p, r, "-", "dice:d10x20"))
    assert c == "d26326406e9229ef64d0a509e042c244e3521789bacc5ca68e18b5e4b936855e"
    s = ind.seed(c, "31415926535897932384")
    assert s == "e1231772476298469d25b4e55caae96e68a43f67f1e5c74370538bd98df2782d"
    export = {"profiles": [{"name": "p", "levels": [
        {"risk": "A", "multiplier": 1.0, "rate": 10, "rounds_per_year": None},
        {"risk": "B", "multiplier": 1.0, "rate": 20, "rounds_per_year": None},
        {"risk": "C", "multiplier": 1.0, "rate": 40, "rounds_per_year": None},
        {"risk": "D", "multiplier": 1.0, "rate": 100, "rounds_per_year": None}]}]}
    task = {"no": 4, "scope": {"selector": {"op": "包含", "field": "名称", "value": "汽车销售"}},
            "rate": {"percent": 10, "count": None, "min_count": None, "subgroups": None, "by_count": None},
            "rounds_per_year": 1, "risk_profile": "p", "batches": [],
            "window": {"start": "2024-03-01", "end": "2024-12-31"}}
    got = ind.draw_task(task, {"p": export["profiles"][0]}, ind.read_table(registry, ind.REGISTRY_ID), s)
    (only,) = got["rounds"]
    assert only["stream"] == "c10573a03501d6a8a9b42df7e516d2d6c8f2a65c7d1acded47d6655a97bd3ec0"
    picked = {st["label"]: (st["population"], st["k"], [x["id"][-4:] for x in st["selected"]])
              for st in only["strata"]}
    assert picked == {"A": (2, 1, ["0001"]), "B": (5, 1, ["0009"]),
                      "C": (2, 1, ["0007"]), "D": (1, 1, ["0008"])}
    assert only["strata"][1]["selected"][0]["key"] == \
        "0fb60a3da172f00004bab45f1f834c385e0ce92d618f687f14731dad36b90e41"


# ---------------------------------------------------------------- verifiable draws


def verify(record_path: Path, plan: Path = PLAN, registry: Path = REGISTRY, roster: Path = ROSTER) -> Result:
    """`ssj verify RECORD --plan P --registry R --roster Q`."""
    return cli("verify", record_path, "--plan", plan, "--registry", registry, "--roster", roster)


def test_draw_then_verify_succeeds(drawn: Drawn, record: dict[str, Any]) -> None:
    """`ssj draw` then `ssj verify` on the shipped data: exit 0, "verified", one list file per task round."""
    out, result = drawn
    assert result["returncode"] == 0, result["stderr"]
    checked = verify(out / "record.json")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.strip() == "verified"
    lists = {p.name for p in out.glob("名单-任务*-第*轮.csv")}
    rounds = [(t["no"], rd["round"]) for t in record["tasks"] for rd in t["rounds"]]
    assert lists == {f"名单-任务{no:02d}-第{r}轮.csv" for no, r in rounds}


def test_commitment_and_seed_equal_the_independent_computation(record: dict[str, Any],
                                                               independent: dict[str, Any]) -> None:
    """P, R, Q, T, C and S in the record are what anyone recomputes from the files with SHA-256."""
    commitment = record["commitment"]
    assert (commitment["plan"], commitment["registry"], commitment["roster"]) == \
        (independent["P"], independent["R"], independent["Q"])
    assert commitment["text"] == independent["T"]
    assert commitment["digest"] == independent["C"]
    assert commitment["beacon"] == DESCRIPTOR and record["beacon_value"] == VALUE
    assert record["seed"] == independent["S"]
    assert record["registry"]["subjects"] == 30000


def test_commit_before_the_value_publishes_the_recorded_t_and_c(record: dict[str, Any]) -> None:
    """`ssj commit` (run before the beacon value exists) prints exactly the T and C the record carries."""
    result = cli("commit", PLAN, "--registry", REGISTRY, "--roster", ROSTER, "--beacon", DESCRIPTOR)
    assert result.exit_code == 0, result.output
    assert result.stdout == record["commitment"]["text"] + f"C={record['commitment']['digest']}\n"


def test_same_content_in_other_files_verifies(tmp_path: Path, drawn: Drawn, record: dict[str, Any]) -> None:
    """Digests are over content (§2): the registry re-saved as GB18030 with LF line ends under another name,
    and the plan with a BOM and CRLF line ends, still verify — and give the same R and P independently."""
    registry = tmp_path / "名录库-导出.csv"
    text = REGISTRY.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    registry.write_bytes(text.encode("gb18030"))
    plan = tmp_path / "计划.ssj"
    plan.write_bytes(b"\xef\xbb\xbf" + PLAN.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert ind.plan_digest(plan) == record["commitment"]["plan"]
    result = verify(drawn[0] / "record.json", plan=plan, registry=registry)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "verified"


def test_every_task_round_and_stratum_equals_the_independent_draw(record: dict[str, Any],
                                                                  independent: dict[str, Any],
                                                                  export: dict[str, Any]) -> None:
    """Population, digest, rate, k, and every selected id with rank and key — task by task, round by round."""
    assert [t["no"] for t in record["tasks"]] == [t["no"] for t in independent["tasks"]] == \
        [t["no"] for t in export["tasks"]]
    differences: list[str] = []
    for got, want in zip(record["tasks"], independent["tasks"], strict=True):
        where = f"task {want['no']}"
        if (got["population"], got["selected"]) != (want["population"], want["selected"]):
            differences.append(f"{where}: population/selected {got['population']}/{got['selected']} "
                               f"!= {want['population']}/{want['selected']}")
        if Decimal(str(got["realised_percent"])) != Decimal(want["realised_percent"]):
            differences.append(f"{where}: realised {got['realised_percent']} != {want['realised_percent']}")
        if [rd["round"] for rd in got["rounds"]] != [rd["round"] for rd in want["rounds"]]:
            differences.append(f"{where}: rounds {len(got['rounds'])} != {len(want['rounds'])}")
            continue
        for got_round, want_round in zip(got["rounds"], want["rounds"], strict=True):
            here = f"{where} round {want_round['round']}"
            if got_round["stream"] != want_round["stream"]:
                differences.append(f"{here}: stream differs")
            if got_round["window"] != want_round["window"]:
                differences.append(f"{here}: window {got_round['window']} != {want_round['window']}")
            got_strata = [stratum_view(st) for st in got_round["strata"]]
            if got_strata != want_round["strata"]:
                differences.append(f"{here}: strata differ: {got_strata} != {want_round['strata']}")
    assert not differences, "\n".join(differences)
    assert sum(len(s["selected"]) for t in record["tasks"] for rd in t["rounds"] for s in rd["strata"]) == 555


def test_floors_are_met_and_drawn_subjects_described(record: dict[str, Any], export: dict[str, Any]) -> None:
    """不低于 p% holds for round 1 of each such task; `subjects` is exactly the drawn ones, as registered."""
    for task, planned in zip(record["tasks"], export["tasks"], strict=True):
        floor = planned["rate"]["percent"] if planned["rate"]["at_least"] else None
        assert task["floor_percent"] == floor, task["no"]
        if floor is not None:
            round_one = sum(st["k"] for st in task["rounds"][0]["strata"])
            assert round_one * 100 >= floor * task["population"], task["no"]
    drawn_ids = {s for _, _, s in selections(record)}
    assert list(record["subjects"]) == sorted(drawn_ids, key=lambda i: i.encode("utf-8"))
    registry = {row[ind.REGISTRY_ID]: row for row in ind.read_table(REGISTRY, ind.REGISTRY_ID).rows}
    for subject_id, subject in record["subjects"].items():
        row = registry[subject_id]
        assert (subject["name"], subject["address"], subject["risk"]) == \
            (row["名称"], row["地址"], ind.risk_class(row)), subject_id


# ---------------------------------------------------------------- visits, teams, dates


def test_every_selection_is_in_exactly_one_visit_and_merges_are_across_tasks(record: dict[str, Any],
                                                                             export: dict[str, Any]) -> None:
    """进一次门、查多项 merges only different tasks of one subject; each selection is inspected once."""
    seen: Counter[tuple[int, int, str]] = Counter()
    items = {t["no"]: t["items"] for t in export["tasks"]}
    for visit in record["visits"]:
        numbers = [t["no"] for t in visit["tasks"]]
        assert len(set(numbers)) == len(numbers), f"{visit['visit']} merges two rounds of one task"
        assert numbers == sorted(numbers)
        for t in visit["tasks"]:
            seen[(t["no"], t["round"], visit["subject"])] += 1
        expected_items = [{"task": n, "item": item} for n in numbers for item in items[n]]
        assert visit["items"] == expected_items, visit["visit"]
    assert set(seen) == selections(record)
    assert all(n == 1 for n in seen.values()), [k for k, n in seen.items() if n > 1]
    numbering = [f"V{i:04d}" for i in range(1, len(record["visits"]) + 1)]
    assert [v["visit"] for v in record["visits"]] == numbering
    order = [(v["date"], v["subject"].encode("utf-8")) for v in record["visits"]]
    assert order == sorted(order)


def test_every_team_obeys_the_roster_and_the_slot_rules(record: dict[str, Any], export: dict[str, Any],
                                                        roster: dict[str, dict[str, Any]]) -> None:
    """≥ 2 qualified inspectors, one 主检 from the first task's lead, every lead and staffed assisting
    department once, nobody recused or on leave, at most the daily cap of visits per inspector per day."""
    tasks = {t["no"]: t for t in export["tasks"]}
    staffed = {i["department"] for i in roster.values() if i["qualified"]}
    per_day: Counter[tuple[str, str]] = Counter()
    problems: list[str] = []
    for visit in record["visits"]:
        where, day, team = visit["visit"], date.fromisoformat(visit["date"]), visit["team"]
        numbers = [t["no"] for t in visit["tasks"]]
        slots: list[str] = []
        for n in numbers:
            if tasks[n]["lead"] not in slots:
                slots.append(tasks[n]["lead"])
        for n in numbers:
            slots += [d for d in tasks[n]["assist"] if d not in slots and d in staffed]
        if len(slots) == 1:
            slots.append(tasks[numbers[0]]["lead"])
        if len(team) < 2:
            problems.append(f"{where}: team of {len(team)}")
        if [m["lead"] for m in team].count(True) != 1 or not team[0]["lead"]:
            problems.append(f"{where}: not exactly one 主检, listed first")
        if team and team[0]["department"] != tasks[numbers[0]]["lead"]:
            problems.append(f"{where}: 主检 from {team[0]['department']}")
        if Counter(m["department"] for m in team) != Counter(slots):
            problems.append(f"{where}: departments {[m['department'] for m in team]} != slots {slots}")
        if len({m["badge"] for m in team}) != len(team):
            problems.append(f"{where}: an inspector twice")
        for member in team:
            person = roster.get(member["badge"])
            if person is None:
                problems.append(f"{where}: {member['badge']} not in the roster")
                continue
            if (member["name"], member["department"]) != (person["name"], person["department"]):
                problems.append(f"{where}: {member['badge']} is {person['name']} of {person['department']}")
            if not person["qualified"]:
                problems.append(f"{where}: {member['badge']} has no 执法资格")
            if visit["subject"] in person["recusals"]:
                problems.append(f"{where}: {member['badge']} is recused for {visit['subject']}")
            if day in person["unavailable"]:
                problems.append(f"{where}: {member['badge']} is unavailable on {day}")
            per_day[(member["badge"], visit["date"])] += 1
    problems += [f"{badge} has {n} visits on {d}" for (badge, d), n in per_day.items() if n > DAILY_CAP]
    assert not problems, "\n".join(problems[:30])


def test_dates_are_working_days_in_every_round_window_with_deadlines(record: dict[str, Any],
                                                                     independent: dict[str, Any]) -> None:
    """The date is a working day in every covered task round's window; publish_by is 20 working days on."""
    windows = {(t["no"], rd["round"]): rd["window"] for t in independent["tasks"] for rd in t["rounds"]}
    problems: list[str] = []
    for visit in record["visits"]:
        day = date.fromisoformat(visit["date"])
        if not chinese_calendar.is_workday(day):
            problems.append(f"{visit['visit']}: {day} is not a working day")
        for t in visit["tasks"]:
            window = windows[(t["no"], t["round"])]
            if not window["start"] <= visit["date"] <= window["end"]:
                problems.append(f"{visit['visit']}: {day} outside task {t['no']} round {t['round']} {window}")
        if not visit["window"]["start"] <= visit["date"] <= visit["window"]["end"]:
            problems.append(f"{visit['visit']}: {day} outside its own window {visit['window']}")
        if visit["publish_by"] != add_workdays(day, PUBLISH_WITHIN).isoformat():
            problems.append(f"{visit['visit']}: publish_by {visit['publish_by']} for {day}")
    assert not problems, "\n".join(problems[:30])


def test_workload_is_even_within_each_department(record: dict[str, Any],
                                                 roster: dict[str, dict[str, Any]]) -> None:
    """The workload table counts every qualified inspector's visits; within a department max − min ≤ 1."""
    counted = Counter(m["badge"] for v in record["visits"] for m in v["team"])
    qualified = sorted(badge for badge, person in roster.items() if person["qualified"])
    assert [w["badge"] for w in record["workload"]] == qualified
    assert {w["badge"]: w["visits"] for w in record["workload"]} == {b: counted[b] for b in qualified}
    by_department: defaultdict[str, list[int]] = defaultdict(list)
    for badge in qualified:
        by_department[roster[badge]["department"]].append(counted[badge])
    uneven = {d: (min(v), max(v)) for d, v in by_department.items() if max(v) - min(v) > 1}
    assert not uneven, uneven


# ---------------------------------------------------------------- tampering is named


def _change_registry_byte(data: bytes, record: dict[str, Any]) -> bytes:
    """One ASCII digit of a drawn subject's phone number, +1 mod 10: exactly one byte differs."""
    subject = next(iter(record["subjects"].values()))
    phone = subject["phone"].encode()
    at = data.index(phone) + len(phone) - 1
    return data[:at] + str((int(chr(data[at])) + 1) % 10).encode() + data[at + 1:]


def _change_registry_name(data: bytes, record: dict[str, Any]) -> bytes:
    """One character of one drawn subject's name (the last one, swapped for another CJK character)."""
    name = next(iter(record["subjects"].values()))["name"]
    changed = name[:-1] + ("甲" if name[-1] != "甲" else "乙")
    assert data.count(name.encode()) == 1
    return data.replace(name.encode(), changed.encode())


@pytest.mark.parametrize("change", [_change_registry_byte, _change_registry_name], ids=["byte", "name"])
def test_changed_registry_fails_verify_naming_the_registry_digest(
    change: Callable[[bytes, dict[str, Any]], bytes], tmp_path: Path, record: dict[str, Any], drawn: Drawn
) -> None:
    """`ssj verify` exits 1 and says the registry digest differs, with the recorded and recomputed digests."""
    copy = tmp_path / REGISTRY.name
    original = REGISTRY.read_bytes()
    copy.write_bytes(change(original, record))
    assert sum(a != b for a, b in zip(original, copy.read_bytes(), strict=False)) >= 1
    recomputed = ind.read_table(copy, ind.REGISTRY_ID).digest()
    result = verify(drawn[0] / "record.json", registry=copy)
    output = result.output
    assert result.exit_code == 1, output
    assert "registry digest differs" in output
    assert record["commitment"]["registry"][:8] in output and recomputed[:8] in output
    assert "verified" not in output.replace("not verified", "")


def test_changed_plan_and_roster_fail_verify_naming_their_digests(tmp_path: Path, drawn: Drawn) -> None:
    """One byte of the plan (a digit in a comment) or of the roster changes P or Q, and verify says which."""
    plan = tmp_path / PLAN.name
    text = PLAN.read_bytes()
    assert b"27\xe9\xa1\xb9" in text  # "27项" in the header comment
    plan.write_bytes(text.replace(b"27\xe9\xa1\xb9", b"28\xe9\xa1\xb9", 1))
    result = verify(drawn[0] / "record.json", plan=plan)
    assert result.exit_code == 1, result.output
    assert "plan digest differs" in result.output
    assert ind.plan_digest(plan)[:8] in result.output

    roster = tmp_path / ROSTER.name
    data = ROSTER.read_bytes()
    assert data.count(b"2024-10-14~2024-10-17") == 1  # one inspector's leave; its last day moves by one
    roster.write_bytes(data.replace(b"2024-10-14~2024-10-17", b"2024-10-14~2024-10-18"))
    result = verify(drawn[0] / "record.json", roster=roster)
    assert result.exit_code == 1, result.output
    assert "roster digest differs" in result.output
    assert ind.read_table(roster, ind.ROSTER_ID).digest()[:8] in result.output


def test_changed_beacon_value_fails_verify_naming_the_seed(tmp_path: Path, record: dict[str, Any]) -> None:
    """A record whose beacon value was altered (one digit) no longer gives its seed."""
    changed = dict(record, beacon_value=VALUE[:-1] + str((int(VALUE[-1]) + 1) % 10))
    path = tmp_path / "record.json"
    path.write_text(json.dumps(changed, ensure_ascii=False, indent=2), encoding="utf-8")
    result = verify(path)
    assert result.exit_code == 1, result.output
    assert "seed differs" in result.output


# ---------------------------------------------------------------- documents (ssj compile, the README command)




Compiled = tuple[Path, dict[str, Any], list[dict[str, str]]]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory, record: dict[str, Any]) -> Compiled:
    """The README's exact `ssj compile` (its shipped results file included) with `-o` moved to a temporary
    directory: output, process result, and the results rows as dicts by header."""
    results = REPO / option(README, "--results")
    with results.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))

    def produce(target: Path) -> None:
        args = list(README)
        args[args.index("-o") + 1] = str(target / "out")
        result = ssj("compile", *args)
        (target / "result.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")

    target = shared(tmp_path_factory, "compile", produce)
    return target / "out", json.loads((target / "result.json").read_text(encoding="utf-8")), rows


def test_shipped_results_are_the_generators_for_the_readme_draw(record: dict[str, Any]) -> None:
    """data/results.csv is exactly what tools/gen_example_results.py makes from the README's draw, and every
    row names a drawn subject of a task of its visit, on the visit's date, within every deadline."""
    tool = load_tool("gen_example_results")
    example_results, results_csv = tool.example_results, tool.results_csv

    results = REPO / option(README, "--results")
    assert results.read_bytes() == results_csv(example_results(record))
    visits = {(v["subject"], t["no"]): v for v in record["visits"] for t in v["tasks"]}
    latest = max(row[3] for row in example_results(record)[1:])
    for subject, _, task, day, _, _ in example_results(record)[1:]:
        visit = visits[(subject, int(task))]
        assert day == visit["date"] and latest <= visit["publish_by"]


def test_compile_with_the_readme_command_writes_every_document(compiled: Compiled, drawn: Drawn) -> None:
    """Exit 0; fewer than 30 lines on the terminal: files per kind, the warnings (the plan's expected ones
    only — no results warning: the dates are the visits', within deadline), the index to open; index.html
    links every file written; the record is byte-identical to `ssj draw`'s."""
    out, result, _ = compiled
    assert result["returncode"] == 0, result["stderr"]
    lines = result["stdout"].splitlines() + result["stderr"].splitlines()
    assert len(lines) < 30, lines
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert f"：{len(files)} 个文件，公开版 (documents written)" in result["stdout"]
    assert result["stdout"].splitlines()[-1].endswith("/index.html")
    index = (out / "index.html").read_text(encoding="utf-8")
    linked = {html.unescape(h) for h in re.findall(r'href="([^"]+)"', index)}
    assert linked == {p.relative_to(out).as_posix() for p in files if p.name != "index.html"}
    assert (out / "record" / "record.json").read_bytes() == (drawn[0] / "record.json").read_bytes()
    assert Counter(re.findall(r"\[(SSJ\d+)\]", result["stderr"])) == EXPECTED_PLAN_WARNINGS, result["stderr"]
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<style" in text and "<link" not in text and "<script" not in text, page  # self-contained


def test_plan_table_in_html_docx_and_xlsx(compiled: Compiled, export: dict[str, Any]) -> None:
    """工作计划表: every task in plan order, in the three formats, with the ten documented columns."""
    out = compiled[0] / "计划"
    names = [t["name"] for t in export["tasks"]]
    page = (out / "工作计划表.html").read_text(encoding="utf-8")
    positions = [page.index(html.escape(n)) for n in names]
    assert positions == sorted(positions)
    sheet = openpyxl.load_workbook(out / "工作计划表.xlsx").active
    header = ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查类型", "抽查比例及频次",
              "智慧监管（信用风险分类）要求", "抽查检查起止时间", "发起部门", "配合部门", "抽查检查模式"]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    start = table.index(header) + 1
    assert [row[1] for row in table[start:start + len(names)]] == names
    word = docx.Document(str(out / "工作计划表.docx"))
    cells = {cell.text.strip() for t in word.tables for row in t.rows for cell in row.cells}
    assert set(names) <= cells


def test_one_draw_list_per_task_round(compiled: Compiled, record: dict[str, Any]) -> None:
    """抽查名单: one HTML per task round of the record, one XLSX sheet each, with exactly its selections."""
    out = compiled[0] / "名单"
    rounds = {f"任务{t['no']:02d}-第{rd['round']}轮": rd for t in record["tasks"] for rd in t["rounds"]}
    assert {p.stem for p in out.glob("*.html")} == set(rounds)
    book = openpyxl.load_workbook(out / "抽查名单.xlsx")
    assert set(book.sheetnames) == set(rounds)
    for name, rd in rounds.items():
        ids = sorted(s["id"] for st in rd["strata"] for s in st["selected"])
        column = [str(c.value) for c in book[name]["B"] if c.value is not None]  # public: code in B
        in_sheet = sorted(v for v in column if re.fullmatch(r"[0-9A-Z]{18}", v))
        assert in_sheet == ids, name
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert all(i in page for i in ids), name


def test_one_notice_per_visit(compiled: Compiled, record: dict[str, Any]) -> None:
    """检查通知书: V####-<名称>.html per visit, numbered by the plan's 文号 in visit order; merged, DOCX."""
    out = compiled[0] / "通知书"
    forbidden = re.compile(r'[\\/:*?"<>|&#%\s]')
    expected = {f"{v['visit']}-{forbidden.sub('', record['subjects'][v['subject']]['name'])}.html": v
                for v in record["visits"]}
    notices = {p.name for p in out.glob("V*.html")}
    assert notices == set(expected)
    pattern = re.compile(r"(\w+)〔2024〕(\d+)号")
    merged = (out / "检查通知书（合并打印）.html").read_text(encoding="utf-8")
    word = zipfile.ZipFile(out / "检查通知书.docx").read("word/document.xml").decode("utf-8")
    numbers: dict[str, list[int]] = defaultdict(list)
    for name, visit in sorted(expected.items()):
        text = (out / name).read_text(encoding="utf-8")
        found = set(pattern.findall(text))
        assert len(found) == 1 and visit["subject"] in text, name
        prefix, number = found.pop()
        numbers[prefix].append(int(number))
        assert all(m["badge"] in text for m in visit["team"]), name
    for prefix, issued in numbers.items():  # every issuer numbers its own notices 1, 2, 3 … in visit order
        assert issued == list(range(1, len(issued) + 1)), prefix
    everything = {f"{p}〔2024〕{n}号" for p, ns in numbers.items() for n in ns}
    assert set(re.findall(r"\w+〔2024〕\d+号", merged)) == everything
    assert set(re.findall(r"\w+〔2024〕\d+号", word)) == everything


def test_draw_publication_lets_the_public_recompute(compiled: Compiled, record: dict[str, Any]) -> None:
    """抽查情况公示: T's digests, C, the beacon and value, S, every stratum digest and every selected key."""
    page = (compiled[0] / "公示" / "抽查情况公示.html").read_text(encoding="utf-8")
    commitment = record["commitment"]
    for value in (commitment["plan"], commitment["registry"], commitment["roster"], commitment["digest"],
                  record["seed"], VALUE, html.escape(DESCRIPTOR)):
        assert value in page, value
    for task in record["tasks"]:
        for rd in task["rounds"]:
            for st in rd["strata"]:
                assert st["population_digest"] in page
                assert all(s["key"] in page and s["id"] in page for s in st["selected"])
    assert "sha256sum" in page and "ssj verify" not in page and "ssjlang" not in page  # no tool name


def test_results_publication_and_summary(compiled: Compiled, export: dict[str, Any]) -> None:
    """抽查结果公示 (HTML, XLSX) carries every results row; 汇总 has every task and inline SVG charts."""
    out, _, rows = compiled
    pages = {p.stem.split("-", 1)[1]: p.read_text(encoding="utf-8")
             for p in (out / "公示").glob("抽查结果公示-*.html")}
    sheets = {p.stem.split("-", 1)[1]: {str(c.value) for row in openpyxl.load_workbook(p).active.iter_rows()
                                         for c in row if c.value is not None}
              for p in (out / "公示").glob("抽查结果公示-*.xlsx")}
    leads = {str(t["no"]): t["lead"] for t in export["tasks"]}
    assert rows and set(pages) == set(sheets) == {leads[row["任务序号"]] for row in rows}
    for row in rows:  # each result is published by the department that inspected it (the task's 发起)
        subject, category, lead = row["统一社会信用代码"], row["检查结果"], leads[row["任务序号"]]
        assert subject in pages[lead] and category in pages[lead]
        assert subject in sheets[lead] and category in sheets[lead]
    summary = (out / "汇总.html").read_text(encoding="utf-8")
    assert "<svg" in summary
    assert all(html.escape(t["name"]) in summary for t in export["tasks"])


OTHER_LEADS_MUST_NOT_SHOW = "晋城市城区市场监督管理局"
"""The plan's authority (城区市场监管局's full name in data/issuers.csv): never the issuer of another lead's
document."""


def _issuers_of(page: str) -> dict[str, Any]:
    """Where a notice names its issuer: the red header lines, the 文号, the seal block, the 回避 address."""
    notice = page.split('<section class="receipt"', 1)[0]
    seal = re.search(r'<div class="seal">(.*?)</div></div>', notice, re.S)
    recusal = re.search(r"有权在检查开始前向(.+?)或当场向检查组申请回避", notice)
    return {"header": re.findall(r'<div class="authority heading">([^<]+)</div>', notice),
            "number": re.findall(r'<div class="docno">([^<]*)</div>', notice),
            "seal": re.findall(r"<div>([^<]+)<span class=\"stamp\">", seal.group(1)) if seal else [],
            "recusal": recusal.group(1) if recusal else None}


def test_every_document_is_issued_by_its_lead(compiled: Compiled, record: dict[str, Any],
                                              export: dict[str, Any]) -> None:
    """A notice's header, 文号, seal and 回避 address are its tasks' 发起 departments only; a task's 名单 is
    signed by its 发起; each 抽查结果公示 by the department that inspected (here the 发起)."""
    out = compiled[0]
    full = {row["部门"]: row["全称"] for row in csv.DictReader(
        (REPO / option(README, "--issuers")).read_text(encoding="utf-8-sig").splitlines())}
    leads = {t["no"]: t["lead"] for t in export["tasks"]}
    prefixes = {row["全称"]: row["文号"].split("〔")[0] for row in csv.DictReader(
        (REPO / option(README, "--issuers")).read_text(encoding="utf-8-sig").splitlines()) if row["文号"]}
    prefixes["晋城市城区市场监督管理局"] = export["plan"]["doc_number"].split("〔")[0]
    checked_other = 0
    for visit in record["visits"]:
        name = re.sub(r'[\\/:*?"<>|&#%\s]', "", record["subjects"][visit["subject"]]["name"])
        page = (out / "通知书" / f"{visit['visit']}-{name}.html").read_text(encoding="utf-8")
        issuers = [full[leads[t["no"]]] for t in visit["tasks"]]
        issuers = list(dict.fromkeys(issuers))
        found = _issuers_of(page)
        assert found["header"] == found["seal"] == issuers, visit["visit"]
        assert found["number"][0].startswith(prefixes[issuers[0]]), visit["visit"]
        assert found["recusal"] == issuers[0]
        if OTHER_LEADS_MUST_NOT_SHOW not in issuers:
            checked_other += 1
            assert "城区市监发" not in page, visit["visit"]
    assert checked_other > 400  # most tasks are led by other departments
    for task in record["tasks"]:
        for rd in task["rounds"]:
            page = (out / "名单" / f"任务{task['no']:02d}-第{rd['round']}轮.html").read_text(encoding="utf-8")
            signature = re.search(r'<div class="signature small"><div>([^<]+)</div>', page)
            assert signature and signature.group(1) == full[leads[task["no"]]], task["no"]
    for page in (out / "公示").glob("抽查结果公示-*.html"):
        department = page.stem.split("-", 1)[1]
        text = page.read_text(encoding="utf-8")
        assert f'<div class="authority heading">{full[department]}</div>' in text
        if department != "城区市场监管局":
            assert OTHER_LEADS_MUST_NOT_SHOW not in text


RISK_WORDS = ("低风险", "一般风险", "较高风险", "高风险", "未分类", "风险等级")


def _readable_text(path: Path) -> str:
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


def test_public_edition_contains_no_risk_class(compiled: Compiled, export: dict[str, Any]) -> None:
    """Every file of the public edition (the record directory, the auditors' copy, apart) is free of risk
    class words once the plan's own policy text (智慧监管 column, profile descriptions) is taken out."""
    out = compiled[0]
    policy = {t["risk_text"] for t in export["tasks"]} | {p["description"] for p in export["profiles"]}
    files = [p for p in out.rglob("*") if p.is_file() and p.relative_to(out).parts[0] != "record"]
    assert len(files) > 1000
    for path in files:
        text = _readable_text(path)
        for words in sorted((w for w in policy if w), key=len, reverse=True):
            text = text.replace(words, "").replace(html.escape(words), "")
        assert not [w for w in RISK_WORDS if w in text], path


def test_internal_edition_keeps_the_risk_classes(tmp_path: Path, compiled: Compiled) -> None:
    out = tmp_path / "internal"
    args = ["compile", PLAN, "--record", compiled[0] / "record", "--issuers",
            REPO / option(README, "--issuers"), "--edition", "internal", "--format", "html", "-o", out]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "内部版" in result.stdout
    page = (out / "名单" / "任务04-第1轮.html").read_text(encoding="utf-8")
    assert "<th>风险等级</th>" in page and "低风险" in page
    assert "按信用风险分类" in (out / "汇总.html").read_text(encoding="utf-8")


PDF_CHUNKS = 4
"""The combined notices are laid out in this many parts, so that pytest-xdist spreads the work over the
cores."""


@pytest.mark.parametrize("chunk", range(PDF_CHUNKS))
def test_every_notice_prints_on_one_page_and_its_receipt_on_the_next(
        compiled: Compiled, record: dict[str, Any], chunk: int) -> None:
    """Every visit of the combined printable notices laid out by WeasyPrint (what `--format pdf` writes; the
    PDF's pages are these pages): exactly two A4 pages per visit, the visit's bookmark on its notice page
    and its receipt's on the next. (A full PDF is written and read back with pypdf in test_documents.)"""
    from ssjlang.documents.pdf import layout

    page = (compiled[0] / "通知书" / "检查通知书（合并打印）.html").read_text(encoding="utf-8")
    head, body = page.split('<div class="visit"', 1)
    parts = ['<div class="visit"' + part for part in body.split('<div class="visit"')]
    parts[-1] = parts[-1].split("</body>", 1)[0]
    visits = record["visits"]
    assert len(parts) == len(visits)
    size = -(-len(visits) // PDF_CHUNKS)
    mine = range(chunk * size, min(len(visits), (chunk + 1) * size))
    document = layout(head + "".join(parts[i] for i in mine) + "</body>\n</html>\n")
    assert len(document.pages) == 2 * len(mine)
    marks = [(label, target[0], [(c[0], c[1][0]) for c in children])
             for label, target, children, _state in document.make_bookmark_tree()]
    for n, (label, page_no, children) in zip(mine, marks, strict=True):
        visit = visits[n]
        assert label.split()[0] == visit["visit"] and page_no == 2 * (n - mine.start), label
        assert children == [(f"{visit['visit']} 送达回证", page_no + 1)], label


# ---------------------------------------------------------------- language (smoke; details live elsewhere)


def test_plan_checks_clean_and_exports_27_tasks(export: dict[str, Any]) -> None:
    """`ssj check` exits 0 with only the expected warnings, and the export has the seed's 27 tasks."""
    check = cli("check", PLAN, "--format", "json")
    assert check.exit_code == 0, check.output
    diagnostics = json.loads(check.stdout)
    assert {d["severity"] for d in diagnostics} == {"warning"}
    assert Counter(d["code"] for d in diagnostics) == EXPECTED_PLAN_WARNINGS
    seed = (REPO / "tests" / "data" / "seed_chengqu2024.txt").read_text(encoding="utf-8")
    assert [t["no"] for t in export["tasks"]] == list(range(1, 28))
    assert all(t["name"] in seed for t in export["tasks"])


# Plans non-canonical on purpose: deliberate errors (tests/broken/README.md) and loose typing that the
# formatter must normalise (tests/parse_inputs/README.md). Every other plan must already be canonical.
NOT_CANONICAL_ON_PURPOSE = ("tests/broken/", "tests/parse_inputs/", "build/", ".venv/", "out/")


def test_fmt_check_passes_on_every_plan_in_the_repo() -> None:
    """`ssj fmt --check` passes on every plan in the repository (the shipped, example and fixture plans)."""
    plans = sorted(p for p in REPO.rglob("*.ssj")
                   if not p.relative_to(REPO).as_posix().startswith(NOT_CANONICAL_ON_PURPOSE))
    assert REPO / "plans" / "chengqu2024.ssj" in plans
    fmt = cli("fmt", "--check", *plans)
    assert fmt.exit_code == 0, fmt.output
