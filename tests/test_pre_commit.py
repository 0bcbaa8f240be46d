"""`.pre-commit-hooks.yaml`: `pre-commit try-repo` installs this repository as a hook repository and runs
ssj-check and ssj-fmt on a plans repository, as an office's Git would on every commit.

This installs ssjlang and its dependencies into pre-commit's own environment (from the package index),
so it takes a while; it is skipped only when git or pre-commit is missing or this is not a Git checkout.
"""

from __future__ import annotations

import os
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
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert set(hooks) == {"ssj-check", "ssj-fmt"}
    assert hooks["ssj-check"]["entry"] == "ssj check" and hooks["ssj-fmt"]["entry"] == "ssj fmt"
    assert all(hook["language"] == "python" and hook["files"] == r"\.ssj$" for hook in hooks.values())


@needs_git
def test_try_repo_runs_both_hooks_on_the_plans(tmp_path: Path) -> None:
    plans = tmp_path / "plans-repo"
    (plans / "plans").mkdir(parents=True)
    shutil.copy(PLAN, plans / "plans" / "chengqu2024.ssj")
    git(plans, "init", "-q")
    git(plans, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env.pop("VIRTUAL_ENV", None)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files"],
                              cwd=plans, env=env, capture_output=True, text=True, check=False, timeout=900)

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "ssj check (检查抽查计划)" in clean.stdout and "ssj fmt (统一计划格式)" in clean.stdout
    assert clean.stdout.count("Passed") == 2

    text = PLAN.read_text(encoding="utf-8")
    (plans / "plans" / "broken.ssj").write_text(text.replace("配合 区人社局", "配合 城区人设局"), encoding="utf-8")
    (plans / "plans" / "messy.ssj").write_text(text.replace("  比例 不低于 10%", "比例不低于10％", 1),
                                             encoding="utf-8")
    git(plans, "add", ".")
    dirty = try_repo()
    assert dirty.returncode == 1
    assert "error[SSJ104]: 未声明的部门「城区人设局」" in dirty.stdout
    assert "files were modified by this hook" in dirty.stdout
    assert "reformatted（已排版）: plans/messy.ssj" in dirty.stdout
    assert (plans / "plans" / "messy.ssj").read_text(encoding="utf-8") == text
