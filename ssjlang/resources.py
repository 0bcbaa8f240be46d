"""Locations of package data: the grammar and the document templates ship inside the package.

Installed, they are the subpackages `ssjlang.grammar`, `ssjlang.templates` and `ssjlang.spec` (setup.cfg
maps the top-level `grammar/`, `templates/` and `docs/spec/` folders there). Run from a source checkout
without installing, the same folders are found beside the package.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def _package_data(package: str, folder: str) -> Traversable:
    """The data subpackage when installed, else the top-level folder of the source checkout."""
    try:
        return files(package)
    except ModuleNotFoundError:
        return _SOURCE_ROOT / folder


def grammar_file(name: str = "ssj.lark") -> Traversable:
    """The Lark grammar file, installed or in the source tree."""
    return _package_data("ssjlang.grammar", "grammar").joinpath(name)


def templates_dir() -> Traversable:
    """The built-in document templates folder, installed or in the source tree."""
    return _package_data("ssjlang.templates", "templates")


def record_schema_file() -> Traversable:
    """docs/spec/record.schema.json: the draw record's JSON Schema, installed or in the source tree."""
    return _package_data("ssjlang.spec", "docs/spec").joinpath("record.schema.json")
