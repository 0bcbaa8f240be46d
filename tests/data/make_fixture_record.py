"""Builds tests/data/fixture_record.json: a small but genuine SSJ-DRAW-1 draw record for the render tests.

It follows docs/architecture.md "The draw record" and docs/spec/SSJ-DRAW-1.md (T, C, S, streams, keys,
ceiling sample sizes, rounds excluding earlier selections), so the publication's verification steps can be
checked against it. Run: /work/venv/bin/python tests/data/make_fixture_record.py (deterministic).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

HERE = Path(__file__).parent
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def h(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def uscc(serial: int) -> str:
    body = f"91140502MA0K{serial:05d}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + ALPHABET[(31 - total % 31) % 31]


def add_workdays(start: date, n: int) -> date:
    d = start
    while n:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def main() -> None:
    plan = json.loads((HERE / "fixture_plan.json").read_text("utf-8"))
    # subjects: (serial, name, tags, risk, type)
    specs = [
        (1, "晋城市城区甲汽车销售有限公司", ["汽车销售", "二手车销售"], "A", "有限责任公司"),
        (2, "晋城市城区乙汽车销售有限公司", ["汽车销售"], "A", "有限责任公司"),
        (3, "晋城市城区<丙&丁>汽车销售有限公司", ["汽车销售"], "B", "有限责任公司"),
        (4, "晋城市城区丁汽车服务部", ["汽车销售", "二手车销售"], "B", "个体工商户"),
        (5, "晋城市城区戊汽车销售有限公司", ["汽车销售"], "C", "有限责任公司"),
        (6, "晋城市城区己汽车销售有限公司", ["汽车销售"], "D", "有限责任公司"),
        (7, "=1+1二手车交易市场有限公司", ["二手车销售"], "", "有限责任公司"),
        (8, "晋城市城区辛保安服务有限公司", ["保安服务"], "A", "有限责任公司"),
        (9, "晋城市城区壬保安服务有限公司", ["保安服务"], "B", "有限责任公司"),
        (10, "晋城市城区癸保安服务有限公司", ["保安服务"], "A", "有限责任公司"),
        (11, "晋城市珏山滑雪场有限公司", ["滑雪场所"], "B", "有限责任公司"),
        (12, "晋城市城区白马寺滑雪场有限公司", ["滑雪场所"], "C", "有限责任公司"),
        (13, "晋城市医疗保险事务中心", [], "", "事业单位"),
        (14, "晋城市城区泽州投资集团有限公司", ["统计在库单位"], "A", "有限责任公司"),
        (15, "晋城市城区凤台建设发展有限公司", [], "B", "有限责任公司"),
        (16, "晋城市城区太行实业有限公司", [], "A", "有限责任公司"),
    ]
    subjects = {}
    for serial, name, tags, risk, kind in specs:
        subjects[uscc(serial)] = {
            "name": name,
            "tags": tags,
            "risk": risk or "U",
            "type": kind,
            "address": f"晋城市城区凤台东街{serial}号",
            "legal_rep": "王" + "一二三四五六七八九十"[serial % 10],
            "phone": f"0356-20{serial:05d}",
            "capital": 5000 if serial >= 14 else 100,
        }

    plan_source = '计划 "fixture"\n'
    p = h(plan_source)
    r = h("registry fixture\n")
    q = h("roster fixture\n")
    descriptor = "福彩双色球 2024-02-27 开奖号码"
    beacon_value = "03 07 12 19 26 31 + 09"
    t = f"SSJ-DRAW-1\nplan={p}\nregistry={r}\nroster={q}\nbeacon={descriptor}\n"
    c = h(t)
    s = h(f"SSJ-DRAW-1|seed|{c}|{beacon_value}")

    def population(task: dict) -> list[str]:
        no = task["no"]
        tag = {4: "汽车销售", 6: "二手车销售", 18: "保安服务", 20: "滑雪场所"}.get(no)
        if tag:
            return [i for i, v in subjects.items() if tag in v["tags"]]
        if no == 21:
            return [i for i, v in subjects.items() if v["name"] == "晋城市医疗保险事务中心"]
        return [i for i, v in subjects.items() if v["capital"] >= 3000 and v["type"] != "个体工商户"]

    tasks_out = []
    drawn: dict[str, list[tuple[int, int]]] = {}
    for task in plan["tasks"]:
        pop = population(task)
        escalate = task["risk_profile"] is not None
        mult = {"A": 1.0, "B": 1.5, "C": 2.0, "D": 3.0, "U": 1.0}
        strata_ids: dict[str, list[str]] = {}
        for i in sorted(pop):
            label = subjects[i]["risk"] if escalate else "全部"
            strata_ids.setdefault(label, []).append(i)
        taken: set[str] = set()
        rounds = []
        for rnd in range(1, task["rounds_per_year"] + 1):
            s_tr = h(f"{s}|task|{task['no']}|round|{rnd}")
            strata = []
            for label in sorted(strata_ids, key=lambda x: "ABCDU全部".index(x)):
                ids = strata_ids[label]
                ppm = min(1_000_000, int(task["rate"]["percent"] * 10_000 * (mult[label] if escalate else 1)))
                n = len(ids)
                k = min(n, (n * ppm + 999_999) // 1_000_000)
                if task["rate"]["min_count"]:
                    k = min(n, max(k, task["rate"]["min_count"]))
                remaining = [i for i in ids if i not in taken]
                k = min(k, len(remaining))
                keyed = sorted((h(f"{s_tr}|{i}"), i.encode()) for i in remaining)
                sel = []
                for rank, (key, raw) in enumerate(keyed[:k], start=1):
                    sid = raw.decode()
                    taken.add(sid)
                    sel.append({"rank": rank, "id": sid, "key": key})
                    drawn.setdefault(sid, []).append((task["no"], rnd))
                pop_digest = h("".join(i + "\n" for i in sorted(ids, key=lambda x: x.encode())))
                strata.append(
                    {
                        "label": label,
                        "risk": label if escalate else None,
                        "population": n,
                        "population_digest": pop_digest,
                        "rate_ppm": ppm,
                        "k": k,
                        "selected": sel,
                    }
                )
            start = task["window"]["start"] if rnd == 1 else "2024-07-01"
            end = task["window"]["end"] if task["rounds_per_year"] == 1 or rnd == 2 else "2024-06-30"
            rounds.append(
                {"round": rnd, "stream": s_tr, "window": {"start": start, "end": end}, "strata": strata}
            )
        selected = sum(len(st["selected"]) for rd in rounds for st in rd["strata"])
        tasks_out.append(
            {
                "no": task["no"],
                "name": task["name"],
                "lead": task["lead"],
                "assist": task["assist"],
                "rate_text": task["rate"]["text"],
                "floor_percent": task["rate"]["percent"],
                "population": len(pop),
                "selected": selected,
                "realised_percent": round(100 * selected / len(pop), 1) if pop else None,
                "rounds": rounds,
            }
        )

    inspectors = [
        ("14050200101", "李明", "城区商务局"),
        ("14050200102", "赵丽", "城区商务局"),
        ("14050200201", "张伟", "城区市场监管局"),
        ("14050200202", "刘洋", "城区市场监管局"),
        ("14050200301", "陈刚", "城区公安局"),
        ("14050200401", "杨帆", "城区人社局"),
        ("14050200501", "周静", "城区卫体局"),
        ("14050200601", "吴磊", "城区医保局"),
        ("14050200701", "郑爽", "城区审批局"),
    ]
    by_dept: dict[str, list[tuple[str, str, str]]] = {}
    for ins in inspectors:
        by_dept.setdefault(ins[2], []).append(ins)
    task_by_no = {t["no"]: t for t in plan["tasks"]}
    round_window = {(t["no"], rd["round"]): rd["window"] for t in tasks_out for rd in t["rounds"]}
    visits = []
    day = date(2024, 3, 4)
    for n, sid in enumerate(sorted(drawn, key=lambda x: x.encode())):
        pairs = sorted(drawn[sid])
        windows = [round_window[pr] for pr in pairs]
        start = max(w["start"] for w in windows)
        end = min(w["end"] for w in windows)
        d = max(date.fromisoformat(start), day + timedelta(days=n))
        while not chinese_calendar.is_workday(d):
            d += timedelta(days=1)
        first = task_by_no[pairs[0][0]]
        lead_dept = by_dept[first["lead"]]
        assist_dept = by_dept[first["assist"][0]]
        team = [
            {
                "badge": lead_dept[n % len(lead_dept)][0],
                "name": lead_dept[n % len(lead_dept)][1],
                "department": first["lead"],
                "lead": True,
            },
            {
                "badge": assist_dept[n % len(assist_dept)][0],
                "name": assist_dept[n % len(assist_dept)][1],
                "department": first["assist"][0],
                "lead": False,
            },
        ]
        items = [{"task": no, "item": it} for no, _ in pairs for it in task_by_no[no]["items"]]
        visits.append(
            {
                "subject": sid,
                "tasks": [{"no": no, "round": rd} for no, rd in pairs],
                "items": items,
                "window": {"start": start, "end": end},
                "date": d.isoformat(),
                "publish_by": add_workdays(d, 20).isoformat(),
                "team": team,
            }
        )
    visits.sort(key=lambda v: (v["date"], v["subject"].encode()))
    visits = [{"visit": f"V{i:04d}", **v} for i, v in enumerate(visits, start=1)]
    counts: dict[str, int] = {}
    for v in visits:
        for m in v["team"]:
            counts[m["badge"]] = counts.get(m["badge"], 0) + 1
    workload = [
        {"badge": b, "name": nm, "department": dp, "visits": counts.get(b, 0)} for b, nm, dp in inspectors
    ]

    record = {
        "spec": "SSJ-DRAW-1",
        "generator": "ssjlang 0.1.0",
        "commitment": {"text": t, "digest": c, "plan": p, "registry": r, "roster": q, "beacon": descriptor},
        "beacon_value": beacon_value,
        "seed": s,
        "plan": {"file": "fixture.ssj", "title": plan["plan"]["title"], "year": 2024, "region": "晋城市城区"},
        "registry": {"file": "registry.csv", "subjects": len(subjects)},
        "roster": {"file": "roster.csv", "inspectors": len(inspectors)},
        "tasks": tasks_out,
        "subjects": {
            i: {
                "name": subjects[i]["name"],
                "type": subjects[i]["type"],
                "address": subjects[i]["address"],
                "risk": subjects[i]["risk"],
                "legal_rep": subjects[i]["legal_rep"],
                "phone": subjects[i]["phone"],
            }
            for i in sorted(drawn, key=lambda x: x.encode())
        },
        "visits": visits,
        "workload": workload,
        "warnings": ["任务18 第2轮：保安服务 总体 3 户，第1轮已抽 1 户"],
    }
    (HERE / "fixture_record.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )


if __name__ == "__main__":
    main()
