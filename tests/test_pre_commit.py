"""`.pre-commit-hooks.yaml`: `pre-commit try-repo` installs this repository as a hook repository and runs
ssj-check and ssj-fmt on a plans repository, as an office's Git would on every commit.

This installs ssjlang and its dependencies into pre-commit's own environment (from the package index),
so it takes a while; it is skipped only when git or pre-commit is missing or this is not a Git checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "chengqu2024.ssj"

needs_git = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                               reason="needs git and a Git checkout of ssjlang")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_hooks_are_declared_for_plans() -> None:
    declared = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hooks = {hook["id"]: hook for hook in declared}
    assert set(hooks) == {"ssj-check", "ssj-fmt"}
    assert hooks["ssj-check"]["entry"] == "ssj check" and hooks["ssj-fmt"]["entry"] == "ssj fmt"
    assert all(hook["language"] == "python" and hook["files"] == r"\.ssj$" for hook in hooks.values())


@needs_git
def test_try_repo_runs_both_hooks_on_the_plans(tmp_path: Path) -> None:
    """One run (installing the hook environment is the slow part) over a clean plan, a plan with an error
    and a plan that is not in the canonical layout."""
    plans = tmp_path / "plans-repo"
    (plans / "plans").mkdir(parents=True)
    text = PLAN.read_text(encoding="utf-8")
    (plans / "plans" / "chengqu2024.ssj").write_text(text, encoding="utf-8")
    broken = text.replace("配合 区人社局", "配合 城区人设局")
    (plans / "plans" / "broken.ssj").write_text(broken, encoding="utf-8")
    (plans / "plans" / "messy.ssj").write_text(text.replace("  比例 不低于 10%", "比例不低于10％", 1),
                                             encoding="utf-8")
    git(plans, "init", "-q")
    git(plans, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files"],
                          cwd=plans, env=env, capture_output=True, text=True, check=False, timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"ssj check \(检查抽查计划\)\.+Failed", output), output
    assert re.search(r"ssj fmt \(统一计划格式\)\.+Failed", output), output
    errors = re.findall(r"^(\S+?):\d+:\d+: error\[(SSJ\d+)\]", output, flags=re.MULTILINE)
    assert errors == [("plans/broken.ssj", "SSJ104")], output
    assert "files were modified by this hook" in output
    assert re.findall(r"reformatted（已排版）: (\S+)", output) == ["plans/messy.ssj"]
    assert (plans / "plans" / "messy.ssj").read_text(encoding="utf-8") == text
    assert (plans / "plans" / "broken.ssj").read_text(encoding="utf-8") == broken
