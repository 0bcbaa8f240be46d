"""Where each diagnostic code is explained (诊断说明链接): its page and heading under docs/diagnostics/.

The language server links every diagnostic to its explanation, and `ssj check --format sarif` gives
each rule a help link and help text. The documentation is the one source: the index
(docs/diagnostics.md, one table row per code) says which page explains a code, and the page's heading
`### SSJ104 — …` starts its section. Both are read when first needed, so a new code needs nothing but
its documentation (tests/test_docs.py makes sure every code has it).

Links point at the documentation installed with the package (a `file:` URI, which works in an office
without internet) unless a base URL is given — `--docs-url` or the environment variable `SSJ_DOCS_URL`,
e.g. the docs/ folder of the repository on the office's Git server.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from ..resources import docs_dir

DOCS_URL_ENV = "SSJ_DOCS_URL"
"""Environment variable with the base URL of the documentation (the URL of the docs/ folder)."""

_INDEX_ROW = re.compile(r"^\| \[(SSJ\d{3})\]\((diagnostics/[\w.-]+\.md)\) \| (error|warning) \| (.+) \|$")
_HEADING = re.compile(r"^(#{2,3}) (SSJ\d{3}) — (.+)$")
_ANY_HEADING = re.compile(r"^(#{1,6}) ")


@dataclass(frozen=True)
class CodeDoc:
    """One code as documented: its page (relative to docs/), severity, one-line meaning, the heading's
    anchor and the Markdown of its section (heading excluded)."""

    code: str
    page: str
    severity: str
    summary: str
    title: str
    anchor: str
    section: str


def github_anchor(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub, GitLab) gives a heading: lower case, punctuation
    dropped, spaces as hyphens; Chinese characters are kept."""
    kept = []
    for char in heading.strip().lower():
        category = unicodedata.category(char)
        if char in "-_" or category[0] in "LN" or category == "Mn":
            kept.append(char)
        elif char == " ":
            kept.append("-")
    return "".join(kept)


def _sections(text: str) -> dict[str, tuple[str, str]]:
    """Code → (heading title, section Markdown) of one page."""
    out: dict[str, tuple[str, str]] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match is None:
            continue
        level = len(match.group(1))
        body: list[str] = []
        for following in lines[index + 1 :]:
            other = _ANY_HEADING.match(following)
            if other is not None and len(other.group(1)) <= level:
                break
            body.append(following)
        out[match.group(2)] = (line[level + 1 :], "\n".join(body).strip())
    return out


@lru_cache(maxsize=1)
def code_docs() -> dict[str, CodeDoc]:
    """Every documented code, from the index and the pages it links to (empty if the docs are absent)."""
    root = docs_dir()
    try:
        index = root.joinpath("diagnostics.md").read_text(encoding="utf-8")
    except OSError:
        return {}
    pages: dict[str, dict[str, tuple[str, str]]] = {}
    out: dict[str, CodeDoc] = {}
    for line in index.splitlines():
        match = _INDEX_ROW.match(line)
        if match is None:
            continue
        code, page, severity, summary = match.groups()
        if page not in pages:
            try:
                pages[page] = _sections(root.joinpath(page).read_text(encoding="utf-8"))
            except OSError:
                pages[page] = {}
        title, section = pages[page].get(code, (code, ""))
        out[code] = CodeDoc(code, page, severity, summary.strip(), title, github_anchor(title), section)
    return out


def docs_base(base: str | None = None) -> str:
    """The base URL links are made from, ending in "/": `base`, else $SSJ_DOCS_URL, else the
    `file:` URI of the installed documentation."""
    chosen = base or os.environ.get(DOCS_URL_ENV, "")
    if not chosen:
        chosen = Path(str(docs_dir())).resolve().as_uri()
    return chosen if chosen.endswith("/") else chosen + "/"


def help_uri(code: str, base: str | None = None) -> str | None:
    """The link to the explanation of `code` (page#anchor), or None for an undocumented code."""
    doc = code_docs().get(code)
    if doc is None:
        return None
    return f"{docs_base(base)}{doc.page}#{quote(doc.anchor)}"
