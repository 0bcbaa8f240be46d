"""Locations of package data: the grammar and the document templates ship inside the package."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def grammar_file(name: str = "ssj.lark") -> Traversable:
    return files("ssjlang.grammar").joinpath(name)


def templates_dir() -> Traversable:
    return files("ssjlang.templates")
