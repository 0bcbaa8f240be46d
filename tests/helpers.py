"""Stand-ins shared by the team, schedule and visit tests: real roster objects built in code, not from CSV.

They build genuine `registry.Inspector` / `registry.Roster` values (what `load_roster` returns), so the
tests exercise the same types as a real draw; keyword arguments keep them independent of field order.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

from ssjlang import registry


def Inspector(badge: str, name: str, department: str, qualified: bool = True,
              specialties: tuple[str, ...] = (), recusals: frozenset[str] = frozenset(),
              unavailable: frozenset[date] = frozenset(), row: int = 2) -> registry.Inspector:
    """A real registry.Inspector with test defaults (qualified, no recusals, always available, row 2)."""
    return registry.Inspector(badge=badge, name=name, department=department, qualified=qualified,
                              specialties=specialties, recusals=recusals, unavailable=unavailable, row=row)


def Roster(inspectors: tuple[registry.Inspector, ...], path: str = "roster.csv") -> registry.Roster:
    """A real registry.Roster around the inspectors (what load_roster would return, digest Q = "-")."""
    by_department: dict[str, list[registry.Inspector]] = {}
    for inspector in inspectors:
        by_department.setdefault(inspector.department, []).append(inspector)
    return registry.Roster(path=Path(path), header=(), inspectors=tuple(inspectors),
                           by_badge={i.badge: i for i in inspectors},
                           by_department={d: tuple(p) for d, p in sorted(by_department.items())}, digest="-")


def load_tool(name: str) -> ModuleType:
    """A script of tools/ as a module (tools/ is not a package: the scripts are run by hand)."""
    path = Path(__file__).resolve().parent.parent / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
