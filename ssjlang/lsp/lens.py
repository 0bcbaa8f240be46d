"""The code lens above each task (任务概况): "名录 N 户 · 本年抽取约 k 户", computed without drawing.

N is the number of subjects of the configured 检查对象名录库 in the task's scope (its 筛选), k how many
the year's draw will take: the draw's own design of the task (`draw.plan_task`: strata by credit-risk
class, sample sizes, rounds) and the number each round takes (k per stratum, capped by what earlier
rounds left) — the same numbers `ssj draw` would select, only without choosing who.

Which registry: the client's setting `ssj.registry` (relative to the workspace folder), else the nearest
`ssj.toml` above the plan with `registry = "data/registry.csv"` (and optionally `registry_encoding`),
relative to that file. The registry is loaded once and again only when its file changes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checker import field_kinds
from ..diagnostics import InputError
from ..nodes import Plan, Task

CONFIG_FILE = "ssj.toml"


@dataclass(frozen=True)
class RegistrySetting:
    """Where the registry is and how to read it, and where that was said."""

    path: Path
    encoding: str | None
    source: str


def find_setting(
    plan_path: Path | None, registry: str, encoding: str, root: Path | None
) -> RegistrySetting | None:
    """The registry for a plan: the client's setting first, else the nearest ssj.toml above the plan."""
    if registry:
        base = root or (plan_path.parent if plan_path else Path.cwd())
        return RegistrySetting((base / registry).resolve(), encoding or None, "ssj.registry")
    if plan_path is None:
        return None
    for folder in [plan_path.parent, *plan_path.parent.parents]:
        config = folder / CONFIG_FILE
        if config.is_file():
            try:
                data = tomllib.loads(config.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return None
            value = data.get("registry")
            if not isinstance(value, str) or not value:
                return None
            coding = data.get("registry_encoding")
            return RegistrySetting(
                (folder / value).resolve(), coding if isinstance(coding, str) else None, str(config)
            )
        if root is not None and folder == root:
            break
    return None


@dataclass
class LoadedRegistry:
    """A registry ready for lenses: its subjects and their index, or why it cannot be used."""

    subjects: tuple[Any, ...] = ()
    index: Any = None
    problem: str | None = None


class RegistryCache:
    """Registries by path, loaded again when the file's size or modification time changes."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[Path, str | None], tuple[tuple[int, int], LoadedRegistry]] = {}

    def get(self, setting: RegistrySetting) -> LoadedRegistry:
        try:
            info = setting.path.stat()
        except OSError as exc:
            return LoadedRegistry(
                problem=f"名录库无法读取 (registry unreadable): {setting.path}: {exc.strerror}"
            )
        stamp = (info.st_size, info.st_mtime_ns)
        key = (setting.path, setting.encoding)
        cached = self._loaded.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        loaded = _load(setting)
        self._loaded[key] = (stamp, loaded)
        return loaded


def _load(setting: RegistrySetting) -> LoadedRegistry:
    from ..registry import load_registry
    from ..selector import SubjectIndex

    try:
        registry = load_registry(setting.path, encoding=setting.encoding)
    except InputError as exc:
        first = exc.diagnostics[0]
        return LoadedRegistry(problem=f"名录库有错误 (registry has errors): {first.message}")
    except OSError as exc:
        return LoadedRegistry(problem=f"名录库无法读取 (registry unreadable): {exc.strerror or exc}")
    return LoadedRegistry(registry.subjects, SubjectIndex(registry.subjects))


def expected_selections(design: Any) -> int:
    """How many subjects a task's draw takes over the year, from its design (`draw.TaskDesign`): round r
    takes k from each stratum with at least r rounds, capped by what earlier rounds left."""
    total = 0
    for stratum in design.strata:
        remaining = len(stratum.ids)
        for _ in range(min(stratum.rounds, design.rounds)):
            taken = min(stratum.k, remaining)
            total += taken
            remaining -= taken
    return total


def task_lens(plan: Plan, task: Task, loaded: LoadedRegistry, file: str) -> str:
    """The lens text of one task of a plan without errors."""
    from ..draw import plan_task
    from ..selector import compile_selector, select_subjects

    if loaded.problem is not None:
        return loaded.problem
    if plan.header.year is None:
        return "计划缺少年度，无法计算 (the plan has no year)"
    kinds = field_kinds(plan)

    def matcher(selector: Any) -> Callable[[Any], bool]:
        return compile_selector(selector, kinds)

    try:
        if task.scope is None or task.scope.selector is None:
            population: Any = loaded.subjects
        else:
            population = select_subjects(task.scope.selector, loaded.subjects, kinds, file, loaded.index)
        design = plan_task(task, plan, population, plan.header.year.value, file, matcher)
    except InputError as exc:
        return f"无法计算 (cannot compute): {exc.diagnostics[0].message}"
    return f"名录 {len(population)} 户 · 本年抽取约 {expected_selections(design)} 户"
