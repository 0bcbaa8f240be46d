"""Inspector teams: slots, SSJ-TEAM-1 choice, the docs/teams.md test vector, constraints and errors."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers import Inspector, Roster

from ssjlang.diagnostics import InputError
from ssjlang.interpret import registry
from ssjlang.interpret.teams import RosterIndex, Slot, choose_inspector, plan_slots, team_key
from ssjlang.interpret.visits import Selection, TaskInfo, plan_visits
from ssjlang.interpret.workdays import is_workday

# ---------------------------------------------------------------- the docs/teams.md test vector

S = "e1231772476298469d25b4e55caae96e68a43f67f1e5c74370538bd98df2782d"  # SSJ-DRAW-1's test-vector seed
ID = "91140502MA0K00000"
SHANGWU, JIANGUAN, RENFANG, XIAOFANG = "城区商务局", "城区市场监管局", "城区人防办", "城区消防救援大队"

VECTOR_ROSTER = Roster((
    Inspector("14050201", "张伟", SHANGWU, unavailable=frozenset({date(2024, 10, 11)}), row=2),
    Inspector("14050202", "李娜", SHANGWU, row=3),
    Inspector("14050203", "王芳", SHANGWU, qualified=False, row=4),
    Inspector("14050211", "赵强", JIANGUAN, recusals=frozenset({ID + "2"}), row=5),
    Inspector("14050212", "陈静", JIANGUAN, row=6),
    Inspector("14050221", "刘洋", RENFANG, row=7),
    Inspector("14050222", "杨帆", RENFANG, row=8),
))
VECTOR_TASKS = {
    4: TaskInfo(4, "对汽车销售企业的部门联合抽查", SHANGWU, (JIANGUAN,),
                ("对从事汽车销售及其相关服务活动的检查", "市场主体登记事项和公示信息检查")),
    6: TaskInfo(6, "对二手车销售企业的部门联合抽查", SHANGWU, (JIANGUAN,), ("二手车销售活动的检查",)),
    9: TaskInfo(9, "对人防工程使用单位的部门联合抽查", RENFANG, (XIAOFANG,), ("人防工程维护管理情况的检查",)),
}
W4 = (date(2024, 10, 8), date(2024, 10, 14))
W6 = (date(2024, 10, 9), date(2024, 10, 31))
VECTOR_SELECTIONS = [
    Selection(4, 1, ID + "1", *W4), Selection(4, 1, ID + "2", *W4), Selection(4, 1, ID + "3", *W4),
    Selection(6, 1, ID + "3", *W6), Selection(6, 1, ID + "4", *W6), Selection(9, 1, ID + "8", *W4),
]

# Frozen from docs/teams.md §7 (computed by ssjlang and by `_reference` below).
VECTOR_EXPECTED = [
    # visit, subject, date, publish_by, team (主检 first)
    ("V0001", ID + "3", "2024-10-10", "2024-11-06", ["14050202", "14050212"]),
    ("V0002", ID + "2", "2024-10-11", "2024-11-07", ["14050202", "14050212"]),
    ("V0003", ID + "8", "2024-10-11", "2024-11-07", ["14050221", "14050222"]),
    ("V0004", ID + "1", "2024-10-14", "2024-11-11", ["14050201", "14050211"]),
    ("V0005", ID + "4", "2024-10-29", "2024-11-26", ["14050201", "14050211"]),
]
VECTOR_ORDER_KEYS = {
    ID + "3|4-1,6-1": "bda17df66dd46a2abe6b296e237ae3b76f6cb4105181282863d4efb8049dc753",
    ID + "8|9-1": "2a3f8205ab8572feefa1ef21dc1409bb928f806c965b96c37258f7067ae44eaa",
    ID + "1|4-1": "b5b510274d2f9382acf281d0ae0ff698ec68687fe6329054ed6400f237ecc527",
    ID + "2|4-1": "be6c486dabdc9fbf1a87ae4d8f68599f699ad6e818eaebec5bbead7d2825b3c1",
    ID + "4|6-1": "cd0a606e30f3b260ae36a8806bf76ece129ee66610e4bdf017e10f2e1da12586",
}
VECTOR_OFFSETS = {ID + "3|4-1,6-1": 1, ID + "8|9-1": 3, ID + "1|4-1": 5, ID + "2|4-1": 2, ID + "4|6-1": 15}

# Working days of October 2024 from the 国务院办公厅 notice (国庆 10-01…07 off, Saturday 10-12 worked),
# written out so that the reference below does not depend on the calendar package.
OCTOBER_2024_WORKDAYS = [date(2024, 10, d) for d in (8, 9, 10, 11, 12, 14, 15, 16, 17, 18,
                                                      21, 22, 23, 24, 25, 28, 29, 30, 31)]


def _h(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reference(per_day: int = 2) -> tuple[list[tuple[str, str, list[str]]], dict[str, str], dict[str, int]]:
    """SSJ-SCHED-1 + SSJ-TEAM-1 for the test vector, step by step from docs/teams.md, hashlib only.

    Returns (subject, date, team badges) in processing order, the order keys and the offsets.
    """
    people = [
        # badge, department, qualified, recused subjects, unavailable dates
        ("14050201", SHANGWU, True, set(), {date(2024, 10, 11)}),
        ("14050202", SHANGWU, True, set(), set()),
        ("14050203", SHANGWU, False, set(), set()),
        ("14050211", JIANGUAN, True, {ID + "2"}, set()),
        ("14050212", JIANGUAN, True, set(), set()),
        ("14050221", RENFANG, True, set(), set()),
        ("14050222", RENFANG, True, set(), set()),
    ]
    # §1 merge by hand: …0003 has tasks 4 and 6 (windows overlap 10-09…10-14); the rest are single.
    # §2 slots: tasks 4 and 6 → 商务局 (主检), 市场监管局;
    # task 9 → 人防办 (主检), 消防 has nobody → 人防办 again.
    visits = [
        (ID + "1", "4-1", W4, [SHANGWU, JIANGUAN]),
        (ID + "2", "4-1", W4, [SHANGWU, JIANGUAN]),
        (ID + "3", "4-1,6-1", (date(2024, 10, 9), date(2024, 10, 14)), [SHANGWU, JIANGUAN]),
        (ID + "4", "6-1", W6, [SHANGWU, JIANGUAN]),
        (ID + "8", "9-1", W4, [RENFANG, RENFANG]),
    ]
    order_keys: dict[str, str] = {}
    offsets: dict[str, int] = {}
    entries = []
    for subject, tasks, (start, end), slots in visits:
        key = subject + "|" + tasks
        days = [d for d in OCTOBER_2024_WORKDAYS if start <= d <= end]
        order_keys[key] = _h(S + "|order|" + key)
        offsets[key] = int(_h(S + "|date|" + key), 16) % len(days)
        entries.append((len(days), order_keys[key], key, subject, days, slots))
    entries.sort()
    dept_day: dict[tuple[str, date], int] = {}
    inspector_day: dict[tuple[str, date], int] = {}
    load = {badge: 0 for badge, _, qualified, _, _ in people if qualified}
    result = []
    for _, _, key, subject, days, slots in entries:

        def eligible(dept: str, day: date, subject: str = subject) -> list[str]:
            return [b for b, d, q, rec, away in people
                    if d == dept and q and subject not in rec and day not in away
                    and inspector_day.get((b, day), 0) < per_day]

        def feasible(day: date, slots: list[str] = slots) -> bool:
            return all(len(eligible(dept, day)) >= slots.count(dept) for dept in set(slots))

        width = len(days)
        cost = [sum(dept_day.get((dept, day), 0) for dept in sorted(set(slots))) for day in days]
        ranked = sorted(range(width), key=lambda j, key=key, cost=cost, width=width:
                        (cost[j], (j - offsets[key]) % width))
        day = next(days[j] for j in ranked if feasible(days[j]))
        team: list[str] = []
        for dept in slots:
            candidates = [b for b in eligible(dept, day) if b not in team]
            least = min(load[b] for b in candidates)
            tied = [b for b in candidates if load[b] == least]
            chosen = min(tied, key=lambda b, dept=dept, subject=subject:
                         _h(S + "|team|" + subject + "|" + dept + "|" + b))
            team.append(chosen)
            load[chosen] += 1
        for dept in set(slots):
            dept_day[(dept, day)] = dept_day.get((dept, day), 0) + 1
        for badge in team:
            inspector_day[(badge, day)] = inspector_day.get((badge, day), 0) + 1
        result.append((subject, day.isoformat(), team))
    return result, order_keys, offsets


def test_vector_reference_matches_frozen_numbers() -> None:
    steps, order_keys, offsets = _reference()
    assert order_keys == VECTOR_ORDER_KEYS
    assert offsets == VECTOR_OFFSETS
    by_subject = {subject: (day, team) for subject, day, team in steps}
    assert {s: by_subject[s] for _, s, _, _, _ in VECTOR_EXPECTED} == {
        s: (day, team) for _, s, day, _, team in VECTOR_EXPECTED}
    # processing order of docs/teams.md §7: narrowest window first, then the order key
    assert [s[-1] for s, _, _ in steps] == ["3", "8", "1", "2", "4"]


def test_vector_implementation_matches_frozen_numbers() -> None:
    plan = plan_visits(VECTOR_SELECTIONS, VECTOR_TASKS, VECTOR_ROSTER, S, 2024).to_json()
    got = [(v["visit"], v["subject"], v["date"], v["publish_by"], [m["badge"] for m in v["team"]])
           for v in plan["visits"]]
    assert got == VECTOR_EXPECTED
    merged = plan["visits"][0]
    assert merged["tasks"] == [{"no": 4, "round": 1}, {"no": 6, "round": 1}]
    assert merged["window"] == {"start": "2024-10-09", "end": "2024-10-14"}
    assert [m["lead"] for m in merged["team"]] == [True, False]
    assert [(w["badge"], w["visits"]) for w in plan["workload"]] == [
        ("14050201", 2), ("14050202", 2), ("14050211", 2), ("14050212", 2), ("14050221", 1), ("14050222", 1)]
    assert plan["warnings"] == [
        "SSJ343: 城区消防救援大队配合任务9，但执法检查人员名录中没有该部门的人员 "
        "(assisting department has no inspectors in the roster)；"
        "这些任务的检查将没有城区消防救援大队的人员参加"]


def test_vector_team_keys_of_the_ties() -> None:
    """The key comparisons docs/teams.md §7 shows for V0001 (…0003) and V0003 (…0008), at load 0."""
    shown = {
        (ID + "3", SHANGWU, "14050201"): "8b551da7", (ID + "3", SHANGWU, "14050202"): "56965497",
        (ID + "3", JIANGUAN, "14050211"): "53775e1a", (ID + "3", JIANGUAN, "14050212"): "51c830b4",
        (ID + "8", RENFANG, "14050221"): "29ad785e", (ID + "8", RENFANG, "14050222"): "9af71716",
    }
    for (subject, dept, badge), prefix in shown.items():
        key = team_key(S, subject, dept, badge)
        assert key == _h(S + "|team|" + subject + "|" + dept + "|" + badge)
        assert key.startswith(prefix)


# ---------------------------------------------------------------- slots and the choice rule


def _index(*inspectors: Inspector) -> RosterIndex:
    return RosterIndex(Roster(tuple(inspectors)))


def test_slots_lead_then_assist_and_skip_unstaffed() -> None:
    index = _index(Inspector("1", "a", "L"), Inspector("2", "b", "A"),
                   Inspector("3", "c", "B", qualified=False))
    slots = plan_slots(["L"], ["A", "B", "X"], index)
    assert slots == (Slot("L", "lead", lead=True), Slot("A", "assist"))


def test_slots_several_tasks_deduplicate() -> None:
    index = _index(Inspector("1", "a", "L"), Inspector("2", "b", "M"), Inspector("3", "c", "A"))
    slots = plan_slots(["L", "M", "L"], ["A", "M", "A"], index)
    assert [(s.department, s.role, s.lead) for s in slots] == [
        ("L", "lead", True), ("M", "lead", False), ("A", "assist", False)]


def test_slots_alone_get_a_second_from_the_lead_department() -> None:
    index = _index(Inspector("1", "a", "L"), Inspector("2", "b", "L"))
    assert plan_slots(["L"], ["Nobody"], index) == (Slot("L", "lead", lead=True), Slot("L", "second"))


def test_choose_least_loaded_then_smallest_key() -> None:
    people = [Inspector(b, b, "D") for b in ("p", "q", "r")]
    load = {"p": 1, "q": 0, "r": 0}
    chosen = choose_inspector("seed", "X", "D", people, load)
    expected = min(["q", "r"], key=lambda b: _h("seed|team|X|D|" + b))
    assert chosen.badge == expected
    assert choose_inspector("seed", "X", "D", people, {"p": 0, "q": 1, "r": 1}).badge == "p"


# ---------------------------------------------------------------- a generated scenario


def _scenario(rng: random.Random, visits: int = 300, recusals: bool = True,
              leave: bool = True) -> tuple[list[Selection], dict[int, TaskInfo], Roster]:
    departments = [f"部门{i:02d}" for i in range(8)]
    people: list[Inspector] = []
    for dept in departments:
        for k in range(rng.randint(3, 7)):
            badge = f"{dept[-2:]}{k:03d}"
            away = frozenset()
            if leave and rng.random() < 0.3:
                first = date(2024, 3, 1) + timedelta(days=rng.randint(0, 200))
                away = frozenset(first + timedelta(days=i) for i in range(rng.randint(1, 15)))
            people.append(Inspector(badge, f"检查员{badge}", dept, qualified=rng.random() > 0.1 or k < 2,
                                    unavailable=away, row=len(people) + 2))
    tasks: dict[int, TaskInfo] = {}
    windows: dict[int, tuple[date, date]] = {}
    for no in range(1, 13):
        lead = rng.choice(departments)
        assist = tuple(rng.sample([d for d in departments if d != lead], rng.randint(0, 2)))
        tasks[no] = TaskInfo(no, f"任务{no}", lead, assist, (f"事项{no}.1", f"事项{no}.2"))
        start = date(2024, rng.randint(3, 6), 1)
        windows[no] = (start, start + timedelta(days=rng.randint(40, 200)))
    chosen: set[tuple[int, str]] = set()
    while len(chosen) < visits:
        chosen.add((rng.randint(1, 12), f"9114050200{rng.randint(0, visits):08d}"))
    selections = [Selection(no, 1, sid, *windows[no]) for no, sid in sorted(chosen)]
    if recusals:
        subject_ids = sorted({s.subject_id for s in selections})
        people = [
            Inspector(i.badge, i.name, i.department, i.qualified, (), frozenset(rng.sample(subject_ids, 3)),
                      i.unavailable, i.row) if rng.random() < 0.3 else i
            for i in people
        ]
    return selections, tasks, Roster(tuple(people))


def _check_constraints(plan: dict, selections: list[Selection], tasks: dict[int, TaskInfo], roster: Roster,
                       per_day: int = 2) -> None:
    people = {i.badge: i for i in roster.inspectors}
    qualified_depts = {i.department for i in roster.inspectors if i.qualified}
    per_inspector_day: dict[tuple[str, str], int] = {}
    covered = set()
    for visit in plan["visits"]:
        team = visit["team"]
        day = date.fromisoformat(visit["date"])
        assert is_workday(day)
        assert visit["window"]["start"] <= visit["date"] <= visit["window"]["end"]
        assert len(team) >= 2
        assert len({m["badge"] for m in team}) == len(team)
        assert [m["lead"] for m in team].count(True) == 1 and team[0]["lead"]
        first_task = tasks[visit["tasks"][0]["no"]]
        assert team[0]["department"] == first_task.lead
        departments = {m["department"] for m in team}
        for ref in visit["tasks"]:
            task = tasks[ref["no"]]
            assert task.lead in departments
            for dept in task.assist:
                if dept in qualified_depts:
                    assert dept in departments
            covered.add((ref["no"], ref["round"], visit["subject"]))
        for member in team:
            inspector = people[member["badge"]]
            assert inspector.qualified
            assert inspector.department == member["department"]
            assert visit["subject"] not in inspector.recusals
            assert day not in inspector.unavailable
            slot = (member["badge"], visit["date"])
            per_inspector_day[slot] = per_inspector_day.get(slot, 0) + 1
    assert max(per_inspector_day.values()) <= per_day
    assert covered == {(s.task_no, s.round, s.subject_id) for s in selections}


def test_generated_scenario_meets_every_constraint() -> None:
    selections, tasks, roster = _scenario(random.Random(7))
    plan = plan_visits(selections, tasks, roster, S, 2024).to_json()
    _check_constraints(plan, selections, tasks, roster)


def test_workload_balanced_within_each_department_when_nothing_forces_otherwise() -> None:
    selections, tasks, roster = _scenario(random.Random(11), recusals=False, leave=False)
    plan = plan_visits(selections, tasks, roster, S, 2024).to_json()
    _check_constraints(plan, selections, tasks, roster)
    loads: dict[str, list[int]] = {}
    for row in plan["workload"]:
        loads.setdefault(row["department"], []).append(row["visits"])
    assert all(max(v) - min(v) <= 1 for v in loads.values()), loads
    assert not [w for w in plan["warnings"] if w.startswith("SSJ349")]


def test_determinism_same_seed_same_output_other_seed_other_teams() -> None:
    selections, tasks, roster = _scenario(random.Random(3), visits=150)
    first = json.dumps(plan_visits(selections, tasks, roster, S, 2024).to_json(), ensure_ascii=False)
    again = json.dumps(plan_visits(list(reversed(selections)), tasks, roster, S, 2024).to_json(),
                       ensure_ascii=False)
    assert first == again
    other = plan_visits(selections, tasks, roster, _h("another seed"), 2024).to_json()
    teams = {v["subject"] + v["date"]: [m["badge"] for m in v["team"]] for v in json.loads(first)["visits"]}
    other_teams = {v["subject"] + v["date"]: [m["badge"] for m in v["team"]] for v in other["visits"]}
    assert teams != other_teams


# ---------------------------------------------------------------- errors and warnings


def _one_task(lead: str = "城区人防办", assist: tuple[str, ...] = ()) -> dict[int, TaskInfo]:
    return {9: TaskInfo(9, "人防", lead, assist, ("检查",))}


SUBJECT = "91140502MA0K000009"
WINDOW = (date(2024, 4, 1), date(2024, 4, 30))


def _errors(roster: Roster, tasks: dict[int, TaskInfo] | None = None,
            window: tuple[date, date] = WINDOW, per_day: int = 2) -> list:
    with pytest.raises(InputError) as caught:
        plan_visits([Selection(9, 1, SUBJECT, *window)], tasks or _one_task(), roster, S, 2024, per_day)
    return caught.value.diagnostics


def test_error_only_inspector_of_the_department_is_recused() -> None:
    roster = Roster((Inspector("1", "张三", "城区人防办", recusals=frozenset({SUBJECT}), row=2),
                     Inspector("2", "李四", "城区市场监管局", row=3)))
    [d] = _errors(roster, _one_task(assist=("城区市场监管局",)))
    assert d.code == "SSJ345" and d.file == "roster.csv" and d.span.line == 2
    assert d.message.startswith(SUBJECT + " 的检查（任务9；2024-04-01—2024-04-30）无法组成检查组 "
                                "(recusals leave too few inspectors)：")
    assert "城区人防办唯一有执法资格的人员 张三（1）须回避 " + SUBJECT in d.message


def test_error_everyone_recused() -> None:
    recused = frozenset({SUBJECT})
    roster = Roster(tuple(Inspector(str(k), f"员{k}", "城区消防救援大队", recusals=recused, row=k + 2)
                          for k in range(3)))
    [d] = _errors(roster, _one_task(lead="城区消防救援大队"))
    assert d.code == "SSJ345"
    assert "城区消防救援大队的 3 名有执法资格的人员都须回避 " + SUBJECT in d.message
    assert len(d.related) == 3


def test_error_second_inspector_recused_leaves_one() -> None:
    roster = Roster((Inspector("1", "张三", "城区人防办", row=2),
                     Inspector("2", "李四", "城区人防办", recusals=frozenset({SUBJECT}), row=3)))
    [d] = _errors(roster)
    assert d.code == "SSJ345" and "其中 1 名须回避" in d.message and "需要该部门 2 人" in d.message


def test_error_window_without_working_day() -> None:
    roster = Roster((Inspector("1", "a", "城区人防办"), Inspector("2", "b", "城区人防办")))
    [d] = _errors(roster, window=(date(2024, 10, 1), date(2024, 10, 7)))
    assert d.code == "SSJ347" and "2024-10-01—2024-10-07" in d.message and SUBJECT in d.message


def test_error_lead_department_missing_or_unqualified() -> None:
    [d] = _errors(Roster((Inspector("1", "a", "别的部门"),)))
    assert d.code == "SSJ340" and d.message.startswith("城区人防办是任务9的发起部门")
    [d] = _errors(Roster((Inspector("1", "a", "城区人防办", qualified=False),)))
    assert d.code == "SSJ341"


def test_error_single_inspector_department_alone() -> None:
    [d] = _errors(Roster((Inspector("1", "a", "城区人防办", row=5),)))
    assert d.code == "SSJ342" and "需要该部门派出两人" in d.message and SUBJECT in d.message


def test_error_everyone_on_leave_for_the_whole_window() -> None:
    away = frozenset(WINDOW[0] + timedelta(days=i) for i in range(30))
    roster = Roster((Inspector("1", "a", "城区人防办", unavailable=away), Inspector("2", "b", "城区人防办")))
    [d] = _errors(roster)
    assert d.code == "SSJ346" and "不可用日期" in d.message and SUBJECT in d.message


def test_assisting_department_without_qualified_inspectors_warns() -> None:
    roster = Roster((Inspector("1", "a", "城区人防办"), Inspector("2", "b", "城区人防办"),
                     Inspector("3", "c", "城区消防救援大队", qualified=False)))
    tasks = _one_task(assist=("城区消防救援大队",))
    plan = plan_visits([Selection(9, 1, SUBJECT, *WINDOW)], tasks, roster, S, 2024)
    assert [d.code for d in plan.diagnostics] == ["SSJ344"]
    assert [m.department for m in plan.visits[0].team] == ["城区人防办", "城区人防办"]


def test_imbalance_forced_by_recusals_is_reported() -> None:
    subjects = [f"91140502MA0K1{k:05d}" for k in range(6)]
    roster = Roster((Inspector("1", "a", "L", recusals=frozenset(subjects)), Inspector("2", "b", "L"),
                     Inspector("3", "c", "A")))
    tasks = {1: TaskInfo(1, "t", "L", ("A",), ("i",))}
    plan = plan_visits([Selection(1, 1, s, *WINDOW) for s in subjects], tasks, roster, S, 2024)
    assert [w["visits"] for w in plan.to_json()["workload"]] == [0, 6, 6]
    assert [d.code for d in plan.diagnostics] == ["SSJ349"]


def test_vector_through_load_roster(tmp_path: Path) -> None:
    """The same vector with the roster read from a CSV by registry.load_roster (as `ssj draw` does)."""
    csv = tmp_path / "roster.csv"
    csv.write_text(
        "执法证号,姓名,部门,执法资格,回避对象,不可用日期\n"
        "14050201,张伟,城区商务局,是,,2024-10-11\n"
        "14050202,李娜,城区商务局,是,,\n"
        "14050203,王芳,城区商务局,否,,\n"
        f"14050211,赵强,城区市场监管局,是,{ID}2,\n"
        "14050212,陈静,城区市场监管局,是,,\n"
        "14050221,刘洋,城区人防办,是,,\n"
        "14050222,杨帆,城区人防办,是,,\n", encoding="utf-8")
    departments = {name: name for name in (SHANGWU, JIANGUAN, RENFANG, XIAOFANG)}
    roster = registry.load_roster(csv, departments)
    plan = plan_visits(VECTOR_SELECTIONS, VECTOR_TASKS, roster, S, 2024).to_json()
    got = [(v["visit"], v["subject"], v["date"], v["publish_by"], [m["badge"] for m in v["team"]])
           for v in plan["visits"]]
    assert got == VECTOR_EXPECTED
    # a recusal error points at the 回避对象 cell of the recused inspector (row 5, column 5)
    alone = {4: TaskInfo(4, "汽车", JIANGUAN, (), ("检查",))}
    with pytest.raises(InputError) as caught:
        plan_visits([Selection(4, 1, ID + "2", *W4)], alone, roster, S, 2024)
    [d] = caught.value.diagnostics
    assert d.code == "SSJ345" and d.file == str(csv) and (d.span.line, d.span.column) == (5, 5)


# ---------------------------------------------------------------- where roster-level errors point


ROSTER_HEADER = "执法证号,姓名,部门,执法资格,回避对象,不可用日期\n"


def _roster_errors(tmp_path: Path, rows: str, tasks: dict[int, TaskInfo] | None = None,
                   selections: list[Selection] | None = None) -> tuple[Path, list]:
    """The diagnostics of one visit (or the given ones) against a roster read from CSV, as `ssj draw` does."""
    csv = tmp_path / "roster.csv"
    csv.write_text(ROSTER_HEADER + rows, encoding="utf-8")
    departments = {name: name for name in (SHANGWU, JIANGUAN, RENFANG, XIAOFANG)}
    roster = registry.load_roster(csv, departments)
    with pytest.raises(InputError) as caught:
        plan_visits(selections or [Selection(9, 1, SUBJECT, *WINDOW)], tasks or _one_task(RENFANG), roster, S,
                    2024)
    return csv, caught.value.diagnostics


def test_missing_lead_department_points_at_the_department_column(tmp_path: Path) -> None:
    csv, [d] = _roster_errors(tmp_path, "14050201,张伟,城区商务局,是,,\n14050202,李娜,城区商务局,是,,\n")
    assert d.code == "SSJ340" and d.file == str(csv) and (d.span.line, d.span.column) == (1, 3)


def test_unqualified_lead_department_points_at_its_first_row(tmp_path: Path) -> None:
    rows = ("14050201,张伟,城区商务局,是,,\n"
            "14050229,杨帆,城区人防办,否,,\n"     # row 3: the department's first row in the file
            "14050221,刘洋,城区人防办,否,,\n")    # smaller badge, later row
    csv, [d] = _roster_errors(tmp_path, rows)
    assert d.code == "SSJ341" and d.file == str(csv) and (d.span.line, d.span.column) == (3, 4)
    assert [(r.span.line, r.span.column) for r in d.related] == [(3, 4), (4, 4)]


def test_recusal_error_points_at_the_first_recusing_row(tmp_path: Path) -> None:
    rows = (f"14050229,杨帆,城区人防办,是,{SUBJECT},\n"   # row 2, larger badge
            f"14050221,刘洋,城区人防办,是,{SUBJECT},\n")
    csv, [d] = _roster_errors(tmp_path, rows)
    assert d.code == "SSJ345" and d.file == str(csv) and (d.span.line, d.span.column) == (2, 5)
    assert [(r.span.line, r.span.column) for r in d.related] == [(2, 5), (3, 5)]


def test_no_day_error_points_at_the_leave_that_blocks_it(tmp_path: Path) -> None:
    rows = ("14050221,刘洋,城区人防办,是,,\n"
            "14050222,杨帆,城区人防办,是,,2024-04-01~2024-04-30\n")
    csv, [d] = _roster_errors(tmp_path, rows)
    assert d.code == "SSJ346" and d.file == str(csv) and (d.span.line, d.span.column) == (3, 6)


def test_no_day_error_from_the_daily_cap_points_at_the_department(tmp_path: Path) -> None:
    day = (date(2024, 4, 1), date(2024, 4, 1))
    subjects = [f"91140502MA0K1{k:05d}" for k in range(3)]
    rows = ("14050201,张伟,城区商务局,是,,\n"
            "14050222,杨帆,城区人防办,是,,\n"
            "14050221,刘洋,城区人防办,是,,\n")
    csv, found = _roster_errors(tmp_path, rows, selections=[Selection(9, 1, s, *day) for s in subjects])
    [d] = [d for d in found if d.code == "SSJ346"]
    assert "当天都已有 2 次检查" in d.message
    assert d.file == str(csv) and (d.span.line, d.span.column) == (3, 1)
