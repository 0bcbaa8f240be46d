"""Records made before SSJ-TEAM-2 keep verifying: a published draw verifies forever.

`tests/data/chengqu_record_team1.json.gz` is the README's draw (plans/chengqu2024.ssj over the shipped
registry and roster, beacon value 31415926535897932384) as ssjlang made it before the engine and SSJ-TEAM-2
(commit bc54c66): its teams follow SSJ-TEAM-1 and its `extensions` do not name SSJ-TEAM-2.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from ssjlang.cli import main
from ssjlang.interpret.record import team_rule_of
from ssjlang.interpret.teams import TEAM_1

ROOT = Path(__file__).resolve().parent.parent
OLD = ROOT / "tests" / "data" / "chengqu_record_team1.json.gz"


def _old_record(tmp_path: Path) -> Path:
    path = tmp_path / "record.json"
    path.write_bytes(gzip.decompress(OLD.read_bytes()))
    return path


def test_a_record_made_before_team2_names_no_team_rule_and_is_read_as_team1(tmp_path: Path) -> None:
    record = json.loads(_old_record(tmp_path).read_text("utf-8"))
    assert "SSJ-TEAM-2" not in record.get("extensions", [])
    assert team_rule_of(record) == TEAM_1


def test_a_record_made_before_team2_still_verifies(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "verify", str(_old_record(tmp_path)), "--plan", str(ROOT / "plans" / "chengqu2024.ssj"),
        "--registry", str(ROOT / "data" / "registry.csv"), "--roster", str(ROOT / "data" / "roster.csv")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "verified"


def test_a_changed_team_in_an_old_record_is_found(tmp_path: Path) -> None:
    """It verifies because its teams are recomputed by SSJ-TEAM-1, not because teams are skipped."""
    path = _old_record(tmp_path)
    record = json.loads(path.read_text("utf-8"))
    member = record["visits"][0]["team"][0]
    other = next(m for v in record["visits"] for m in v["team"]
                 if m["department"] == member["department"] and m["badge"] != member["badge"])
    member["badge"], member["name"] = other["badge"], other["name"]  # another inspector of the department
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, [
        "verify", str(path), "--plan", str(ROOT / "plans" / "chengqu2024.ssj"),
        "--registry", str(ROOT / "data" / "registry.csv"), "--roster", str(ROOT / "data" / "roster.csv")])
    assert result.exit_code == 1 and "not verified" in result.output
