"""Wall time per stage of a command (intake, digest, subject draw, teams, schedule, record), for
bench/draw.py: measured inside the one process a user runs, written only when $SSJ_STAGE_TIMES names
a file. Nothing here reaches a record or an output (no clock in anything published)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

STAGE_TIMES_ENV = "SSJ_STAGE_TIMES"
_times: dict[str, float] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the time spent in the block to stage `name` (stages may nest: each is timed as a whole)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        _times[name] = _times.get(name, 0.0) + time.perf_counter() - start


def add(name: str, seconds: float) -> None:
    """Add measured seconds to a stage (a stage timed in many small pieces, such as teams)."""
    _times[name] = _times.get(name, 0.0) + seconds


def dump() -> None:
    """Write the stage times as JSON to $SSJ_STAGE_TIMES, if set."""
    path = os.environ.get(STAGE_TIMES_ENV)
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(_times, handle, indent=1, sort_keys=True)
