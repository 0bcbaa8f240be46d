"""Fixtures shared by the hostile-input tests: a small real registry and a genuine draw record from it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ssjlang.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = Path(__file__).parent / "data" / "compile_small.ssj"
ROSTER = ROOT / "data" / "roster.csv"
BEACON = ["--beacon", "dice:d10x20", "--beacon-value", "31415926535897932384"]


def ssj(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run `ssj` in process; whatever the arguments, it ends with an exit code, never an exception or a
    traceback on the screen."""
    result = CliRunner(env=env).invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    return result


@pytest.fixture(scope="session")
def small_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example registry cut to the plan's two industries plus a few hundred others (fast draws)."""
    with (ROOT / "data" / "registry.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    wanted = [r for r in rows[1:] if "汽车销售" in r[9] or "机动车维修" in r[9]][:60] + rows[1:300]
    seen: set[str] = set()
    out = [rows[0]]
    for row in wanted:
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    path = tmp_path_factory.mktemp("registry") / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(out)
    return path


@pytest.fixture(scope="session")
def drawn_dir(small_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory `ssj draw` wrote for compile_small.ssj on the small registry and the example roster."""
    out = tmp_path_factory.mktemp("drawn") / "out"
    result = CliRunner().invoke(main, ["draw", str(PLAN), "--registry", str(small_registry), "--roster",
                                       str(ROSTER), *BEACON, "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.fixture()
def record(drawn_dir: Path) -> dict[str, Any]:
    """The draw record as data (a fresh copy per test: tests damage it)."""
    data: dict[str, Any] = json.loads((drawn_dir / "record.json").read_text("utf-8"))
    assert data["visits"], "the example draw has visits to damage"
    return data
