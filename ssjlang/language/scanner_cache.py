"""The lexer's compiled regular expressions, kept across processes beside the cached parser.

Lark's contextual lexer builds, on first use in each process, one scanner per set of terminals a parser
state accepts: an alternation of every terminal it may meet (the keyword spellings in three forms, NAME,
numbers, dates …). The 27-task plan meets about 50 such sets, and Python's regular-expression parser,
written in Python, takes about 0.2 s to compile them — a third of a whole `ssj check` process. What it
produces is a list of integers (the SRE code) that `_sre.compile` turns into a pattern at C speed. This
module keeps those codes in a file keyed by the grammar, the Python build and the SRE version, so a later
process compiles each scanner without parsing its pattern again.

The same pattern object results either way (the code is what `re.compile` would pass to `_sre.compile`),
so the lexer's tokens cannot differ; any surprise — an unknown Python, a damaged or foreign file — falls
back to `re.compile`, and the file is only an optimisation (like the parser cache, it is a pickle and
loaded only when it is a regular file owned by the current user).
"""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path
from typing import Any, BinaryIO

from .cache_files import open_own_regular_file, write_cache_file

try:  # the internals `re.compile` itself uses (Python 3.11+); without them, plain re.compile
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python implementation
    _sre = None  # type: ignore[assignment]

Key = tuple[str, int]
Code = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


def cache_version() -> str:
    """What a cached code depends on besides the pattern: the Python build and the SRE engine."""
    magic = getattr(_sre, "MAGIC", None) if _sre is not None else None
    return f"{sys.version}|{sys.implementation.name}|{magic}|{getattr(_sre, 'CODESIZE', None)}"


class ScannerCache:
    """A `re`-like object for Lark's lexers (`compile` and `match`; everything else is `re`'s) whose
    compiled patterns come from stored SRE code when this Python has stored them before."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.codes: dict[Key, Code] = self._load()
        self.added = False

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        if _sre is None or not isinstance(pattern, str):
            return re.compile(pattern, flags)
        key = (pattern, int(flags))
        code = self.codes.get(key)
        if code is not None:
            try:
                return _sre.compile(pattern, *code)  # type: ignore[no-any-return]
            except Exception:  # a code this build cannot take: compile it afresh
                del self.codes[key]
        try:
            compiled, code = _compile_with_code(pattern, int(flags))
        except Exception:  # internals not as expected: the ordinary way
            return re.compile(pattern, flags)
        self.codes[key] = code
        self.added = True
        return compiled

    def match(self, pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).match(string)

    def _load(self) -> dict[Key, Code]:
        if self.path is None or _sre is None:
            return {}
        try:
            with open_own_regular_file(self.path) as handle:
                if handle is None:
                    return {}
                stored = pickle.load(handle)
            if not isinstance(stored, dict) or stored.get("version") != cache_version():
                return {}
            codes = stored.get("codes")
            return dict(codes) if isinstance(codes, dict) else {}
        except Exception:  # missing, unreadable, truncated or foreign: start empty
            return {}

    def save(self) -> None:
        """Write the codes when this process compiled new ones (atomically; silently skipped on failure)."""
        if not self.added or self.path is None:
            return
        stored = {"version": cache_version(), "codes": self.codes}

        def write(handle: BinaryIO) -> None:
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)

        if write_cache_file(self.path, write, ".scanners-"):
            self.added = False


def _compile_with_code(pattern: str, flags: int) -> tuple[re.Pattern[str], Code]:
    """`re._compiler.compile`, step by step, keeping the arguments it gives `_sre.compile`."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    arguments: Code = (flags | parsed.state.flags, [int(op) for op in code], parsed.state.groups - 1,
                       groupindex, tuple(indexgroup))
    return _sre.compile(pattern, *arguments), arguments


def install(lark_parser: Any, cache: ScannerCache) -> None:
    """Let every lexer of a Lark LALR parser (the contextual lexer's per-state lexers and its root lexer)
    compile through `cache`; a parser of another shape is left as it is."""
    lexer = getattr(getattr(lark_parser, "parser", None), "lexer", None)
    states = getattr(lexer, "lexers", None)
    if not isinstance(states, dict):
        return
    lexers = (*states.values(), getattr(lexer, "root_lexer", None))
    for basic in {id(b): b for b in lexers if b is not None}.values():
        if hasattr(basic, "re"):
            basic.re = cache
