"""The code lens above each task (任务概况): "名录 N 户 · 本年抽取约 k 户", computed without drawing.

N is the number of subjects of the configured 检查对象名录库 in the task's scope (its 筛选; over its
sub-rows, 子项, when it has them), k how many the year's draw will take: the draw's own design of each
draw unit of the resolved plan (`draw.design_unit`: strata by risk class, sample sizes, rounds) and the
number each round takes — the same numbers `ssj draw` would select, only without choosing who. Rates
that depend on the roster (每名执法人员 …) cannot be computed without one; the lens says so.

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

from ..check.resolved import ResolvedPlan, ResolvedTask
from ..diagnostics import InputError

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
    from ..interpret.registry import load_registry
    from ..interpret.selector import SubjectIndex

    try:
        registry = load_registry(setting.path, encoding=setting.encoding)
    except InputError as exc:
        first = exc.diagnostics[0]
        return LoadedRegistry(problem=f"名录库有错误 (registry has errors): {first.message}")
    except OSError as exc:
        return LoadedRegistry(problem=f"名录库无法读取 (registry unreadable): {exc.strerror or exc}")
    return LoadedRegistry(registry.subjects, SubjectIndex(registry.subjects))


def expected_selections(design: Any) -> int:
    """How many selections a unit's draw makes over the year, from its design (`draw.UnitDesign`), as
    `draw.draw_task` counts them: round r takes each stratum's k of that round (its share of an annual
    total, or k) from the strata with at least r rounds, capped by what earlier rounds left (unless the
    rounds are independent, when each round draws from everybody)."""
    independent = design.unit.rounds_spec.independent
    total = 0
    for stratum in design.strata:
        remaining = len(stratum.ids)
        for round_no in range(1, design.rounds + 1):
            if stratum.rounds < round_no or not stratum.ids:
                continue
            taken = min(stratum.round_size(round_no), len(stratum.ids) if independent else remaining)
            total += taken
            remaining -= taken
    return total


def task_lens(plan: ResolvedPlan, task: ResolvedTask, loaded: LoadedRegistry, file: str) -> str:
    """The lens text of one task of a plan without errors: over its draw units (itself, or its sub-rows)."""
    from ..interpret.draw import design_unit
    from ..interpret.selector import compile_selector, select_subjects

    if loaded.problem is not None:
        return loaded.problem
    kinds = dict(plan.fields)

    def matcher(selector: Any) -> Callable[[Any], bool]:
        return compile_selector(selector, kinds)

    population = selected = 0
    try:
        for unit in task.units:
            if unit.selector is None:
                members: Any = loaded.subjects
            else:
                members = select_subjects(unit.selector, loaded.subjects, kinds, file, loaded.index)
            design = design_unit(unit, members, file, matcher, lambda _body, _office: None)
            population += len(members)
            selected += expected_selections(design)
    except InputError as exc:
        return f"无法计算 (cannot compute): {exc.diagnostics[0].message}"
    return f"名录 {population} 户 · 本年抽取约 {selected} 户"
