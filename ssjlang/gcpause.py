"""Pausing Python's cyclic garbage collector while a stage builds many objects that form no cycles.

Parsing a 1,000-task plan allocates about a million objects (Lark's tokens and tree, then the AST), and
drawing 10^6 subjects keeps them all alive: each automatic collection walks every live object, which made
parsing twice as slow as the parse itself (measured by bench/check.py) and the draw a third slower. The
stages make no reference cycles, so nothing is lost by collecting once afterwards instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with automatic collection off (nested uses are fine); restore the setting after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
