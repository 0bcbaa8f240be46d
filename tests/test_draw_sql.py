"""`ssj verify --sql`: the printed plain SQL, run in a fresh DuckDB over the raw CSV, gives exactly the
record's selections and every stratum's population and digest (docs/spec/SSJ-DRAW-SQL.md)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from conftest import ssj

ROOT = Path(__file__).resolve().parents[1]


def test_verify_sql_rederives_the_shipped_draw(tmp_path: Path) -> None:
    inputs = ["--registry", str(ROOT / "data" / "registry.csv"),
              "--roster", str(ROOT / "data" / "roster.csv")]
    out = tmp_path / "draw"
    done = ssj("draw", str(ROOT / "plans" / "chengqu2024.ssj"), *inputs, "--beacon", "dice:d10x20",
               "--beacon-value", "31415926535897932384", "-o", str(out))
    assert done.exit_code == 0, done.output
    printed = ssj("verify", str(out / "record.json"), "--plan", str(ROOT / "plans" / "chengqu2024.ssj"),
                  *inputs, "--sql")
    assert printed.exit_code == 0, printed.output
    con = duckdb.connect()
    con.execute(f"CREATE TABLE registry AS SELECT * FROM read_csv('{ROOT / 'data' / 'registry.csv'}', "
                "header = true, all_varchar = true)")
    statements = [s for s in printed.stdout.split(";\n")
                  if any(line.strip() and not line.startswith("--") for line in s.splitlines())]
    for statement in statements[:-2]:
        con.execute(statement)
    membership = con.execute(statements[-2]).fetchall()
    assert membership and all(row[-1] is True for row in membership)
    drawn = con.execute(statements[-1]).fetchall()
    record = json.loads((out / "record.json").read_text(encoding="utf-8"))
    expected = [(str(t["no"]), t.get("sub"), r["round"], s["label"], p["rank"], p["id"], p["key"])
                for t in record["tasks"] for r in t["rounds"] for s in r["strata"] for p in s["selected"]]
    assert sorted(drawn) == sorted(expected)
