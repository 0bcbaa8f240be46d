"""The README's two set-up commands are what CI and users run: keep them and `.ci/run` in step."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S)]


def test_readme_has_exactly_the_two_setup_commands_first() -> None:
    main_job, tests = sh_blocks()[:2]
    assert main_job.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert "/ssj compile plans/chengqu2024.ssj " in main_job and "--registry data/registry.csv" in main_job
    assert tests.startswith("python3 -m venv .venv && .venv/bin/pip install") and "pytest" in tests


def test_ci_runs_the_readme_test_command_exactly() -> None:
    tests = sh_blocks()[1]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in ci_lines if line and not line.startswith("#")]
    assert commands[-1] == tests


def test_readme_draws_with_the_beacon_the_example_results_were_made_for() -> None:
    from helpers import load_tool

    tool = load_tool("gen_example_results")
    main_job = sh_blocks()[0]
    assert f'--beacon "{tool.BEACON}" --beacon-value {tool.BEACON_VALUE} ' in main_job
    assert "--results data/results.csv" in main_job
