"""SSJ-TEAM-2 (docs/spec/SSJ-TEAM-2.md): the test vector, recomputed by an independent step-by-step
reading (hashlib only) and by ssjlang; the heap answers as a full scan of the pool would."""

from __future__ import annotations

import hashlib
import random
from datetime import date

from test_teams import (
    ID,
    JIANGUAN,
    OCTOBER_2024_WORKDAYS,
    RENFANG,
    SHANGWU,
    VECTOR_ROSTER,
    VECTOR_SELECTIONS,
    VECTOR_TASKS,
    W4,
    W6,
    S,
    _check_constraints,
    _scenario,
)

from ssjlang.interpret.teams import TEAM_2, department_stream, team2_key
from ssjlang.interpret.visits import plan_visits

# Frozen from docs/spec/SSJ-TEAM-2.md §4 (computed by ssjlang and by `_reference` below).
TEAM2_EXPECTED = [
    # visit, subject, date, publish_by, team (主检 first)
    ("V0001", ID + "3", "2024-10-10", "2024-11-06", ["14050201", "14050211"]),
    ("V0002", ID + "2", "2024-10-11", "2024-11-07", ["14050202", "14050212"]),
    ("V0003", ID + "8", "2024-10-11", "2024-11-07", ["14050222", "14050221"]),
    ("V0004", ID + "1", "2024-10-14", "2024-11-11", ["14050202", "14050212"]),
    ("V0005", ID + "4", "2024-10-29", "2024-11-26", ["14050201", "14050211"]),
]


def _h(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reference(per_day: int = 2) -> list[tuple[str, str, list[str]]]:
    """SSJ-SCHED-1 with SSJ-TEAM-2 for the vector, step by step from the spec, hashlib only: every
    eligible inspector of the slot's department is scanned (no heap)."""
    people = [
        ("14050201", SHANGWU, True, set(), {date(2024, 10, 11)}),
        ("14050202", SHANGWU, True, set(), set()),
        ("14050203", SHANGWU, False, set(), set()),
        ("14050211", JIANGUAN, True, {ID + "2"}, set()),
        ("14050212", JIANGUAN, True, set(), set()),
        ("14050221", RENFANG, True, set(), set()),
        ("14050222", RENFANG, True, set(), set()),
    ]
    visits = [
        (ID + "1", "4-1", W4, [SHANGWU, JIANGUAN]),
        (ID + "2", "4-1", W4, [SHANGWU, JIANGUAN]),
        (ID + "3", "4-1,6-1", (date(2024, 10, 9), date(2024, 10, 14)), [SHANGWU, JIANGUAN]),
        (ID + "4", "6-1", W6, [SHANGWU, JIANGUAN]),
        (ID + "8", "9-1", W4, [RENFANG, RENFANG]),
    ]
    entries = []
    for subject, tasks, (start, end), slots in visits:
        key = subject + "|" + tasks
        days = [d for d in OCTOBER_2024_WORKDAYS if start <= d <= end]
        entries.append((len(days), _h(S + "|order|" + key), key, subject, days, slots,
                        int(_h(S + "|date|" + key), 16) % len(days)))
    entries.sort()
    dept_day: dict[tuple[str, date], int] = {}
    inspector_day: dict[tuple[str, date], int] = {}
    load = {badge: 0 for badge, _, qualified, _, _ in people if qualified}
    result = []
    for _, _, _key, subject, days, slots, offset in entries:

        def eligible(dept: str, day: date, subject: str = subject) -> list[str]:
            return [b for b, d, q, rec, away in people
                    if d == dept and q and subject not in rec and day not in away
                    and inspector_day.get((b, day), 0) < per_day]

        width = len(days)
        cost = [sum(dept_day.get((dept, day), 0) for dept in sorted(set(slots))) for day in days]
        ranked = sorted(range(width), key=lambda j, cost=cost, width=width, offset=offset:
                        (cost[j], (j - offset) % width))
        day = next(days[j] for j in ranked
                   if all(len(eligible(dept, days[j])) >= slots.count(dept) for dept in set(slots)))
        team: list[str] = []
        for dept in slots:
            stream = _h(S + "|team2|" + dept)
            candidates = [b for b in eligible(dept, day) if b not in team]
            chosen = min(candidates,
                         key=lambda b, stream=stream: (load[b], _h(stream + "|" + str(load[b]) + "|" + b), b))
            team.append(chosen)
            load[chosen] += 1
        for dept in set(slots):
            dept_day[(dept, day)] = dept_day.get((dept, day), 0) + 1
        for badge in team:
            inspector_day[(badge, day)] = inspector_day.get((badge, day), 0) + 1
        result.append((subject, day.isoformat(), team))
    return result


def test_team2_vector_reference_matches_frozen_numbers() -> None:
    by_subject = {subject: (day, team) for subject, day, team in _reference()}
    assert by_subject == {s: (day, team) for _, s, day, _, team in TEAM2_EXPECTED}


def test_team2_vector_implementation_matches_frozen_numbers() -> None:
    plan = plan_visits(VECTOR_SELECTIONS, VECTOR_TASKS, VECTOR_ROSTER, S, 2024, team_rule=TEAM_2).to_json()
    got = [(v["visit"], v["subject"], v["date"], v["publish_by"], [m["badge"] for m in v["team"]])
           for v in plan["visits"]]
    assert got == TEAM2_EXPECTED


def test_team2_keys_by_hand() -> None:
    stream = department_stream(S, SHANGWU)
    assert stream == _h(S + "|team2|" + SHANGWU)
    assert team2_key(stream, 0, "14050202") == _h(stream + "|0|14050202")


def test_team2_generated_scenario_meets_every_constraint_and_balances() -> None:
    selections, tasks, roster = _scenario(random.Random(11))
    plan = plan_visits(selections, tasks, roster, S, 2024, team_rule=TEAM_2).to_json()
    _check_constraints(plan, selections, tasks, roster)
