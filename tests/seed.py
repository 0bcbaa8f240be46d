"""The seed plan table (晋城市城区 2024, `tests/data/seed_chengqu2024.txt`): one reader for every test that
compares the project's output with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent / "data" / "seed_chengqu2024.txt"

#: Corrections the shipped plan makes to the seed (docs/example-data.md): an alias and a wrong unit name.
SEED_CORRECTIONS = {"区人社局": "城区人社局", "城区消防救援支队": "城区消防救援大队"}


@dataclass(frozen=True)
class SeedTable:
    """The title line, the header row and the task rows, each row its ten cells as written."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def read_seed(path: Path = SEED_FILE) -> SeedTable:
    """The dump is a title line, then rows separated by blank lines; each cell is a line starting with a
    TAB, and a line without a leading TAB continues the cell above (the seed breaks cells over lines)."""
    lines = path.read_text("utf-8").split("\n")
    rows: list[tuple[str, ...]] = []
    current: list[str] = []
    for line in lines[1:]:
        if line.startswith("\t"):
            current.append(line[1:])
        elif not line.strip():
            if current:
                rows.append(tuple(current))
                current = []
        elif current:
            current[-1] += "\n" + line
    if current:
        rows.append(tuple(current))
    return SeedTable(lines[0].strip(), rows[0], tuple(rows[1:]))
