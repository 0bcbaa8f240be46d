"""The diagnostic codes in the source and in the docs agree: every code the program can print is explained.

A user who sees `error[SSJ346]` looks it up in docs/diagnostics.md; a code missing there (or documented
but never emitted) is a broken promise. Codes are found in ssjlang's source by pattern, documented codes by
the headings of docs/diagnostics/*.md (`## SSJ346 — …`), and the index by its table rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "diagnostics"
INDEX = ROOT / "docs" / "diagnostics.md"
CODE = re.compile(r"\bSSJ\d{3}\b")
HEADING = re.compile(r"^#{2,3} (SSJ\d{3}) — (.+)$")
INDEX_ROW = re.compile(r"^\| \[(SSJ\d{3})\]\(diagnostics/([\w.-]+\.md)\) \| (error|warning) \| (.+) \|$")


def source_codes() -> set[str]:
    """Every SSJnnn in the package's Python source (constants, messages, docstrings)."""
    return {code for path in sorted((ROOT / "ssjlang").rglob("*.py"))
            for code in CODE.findall(path.read_text(encoding="utf-8"))}


def _severity(heading: str, section: str | None) -> str | None:
    lowered = heading.lower()
    if "warning" in lowered:
        return "warning"
    if "error" in lowered:
        return "error"
    return section


def documented() -> dict[str, tuple[str, str | None]]:
    """Code → (page, severity) from the headings of the per-range pages; a section `## Warnings` /
    `## Errors` gives the severity of headings that do not state it."""
    found: dict[str, tuple[str, str | None]] = {}
    for page in sorted(PAGES.glob("*.md")):
        section: str | None = None
        for line in page.read_text(encoding="utf-8").splitlines():
            match = HEADING.match(line)
            if match is None:
                if line.startswith("## "):
                    section = _severity(line, section)
                continue
            code = match.group(1)
            assert code not in found, f"{code} is documented twice: {found[code][0]} and {page.name}"
            found[code] = (page.name, _severity(match.group(2), section))
    return found


def indexed() -> dict[str, tuple[str, str, str]]:
    """Code → (page, severity, one line) from the table rows of docs/diagnostics.md."""
    rows: dict[str, tuple[str, str, str]] = {}
    for line in INDEX.read_text(encoding="utf-8").splitlines():
        match = INDEX_ROW.match(line)
        if match:
            code = match.group(1)
            assert code not in rows, f"{code} is listed twice in docs/diagnostics.md"
            rows[code] = (match.group(2), match.group(3), match.group(4))
    return rows


def reserved_codes(text: str) -> set[str]:
    """Codes a page declares reserved, as single codes or ranges (`SSJ319, SSJ322–SSJ339 are reserved`)."""
    codes: set[str] = set()
    for sentence in re.split(r"(?<=\.)\s", text):
        if "reserved" not in sentence.lower():
            continue
        for first, last in re.findall(r"\b(SSJ\d{3})(?:–(SSJ\d{3}))?", sentence):
            low = int(first[3:])
            high = int(last[3:]) if last else low
            codes.update(f"SSJ{n:03d}" for n in range(low, high + 1))
    return codes


def test_the_patterns_find_what_they_should() -> None:
    """The checks below mean something only if the patterns find codes at all."""
    assert {"SSJ001", "SSJ104", "SSJ346", "SSJ423"} <= source_codes()
    assert documented()["SSJ348"] == ("ssj3-teams.md", "warning")
    assert documented()["SSJ250"] == ("ssj2.md", "warning")
    assert indexed()["SSJ104"][:2] == ("ssj1.md", "error")
    assert reserved_codes("SSJ319, SSJ322–SSJ324 are reserved. SSJ330 is not.") == {
        "SSJ319", "SSJ322", "SSJ323", "SSJ324"}


def test_every_code_in_the_source_is_documented_on_its_page() -> None:
    missing = sorted(source_codes() - set(documented()))
    assert not missing, f"codes used in ssjlang/ but without a heading in docs/diagnostics/*.md: {missing}"


def test_every_code_in_the_source_is_in_the_index() -> None:
    missing = sorted(source_codes() - set(indexed()))
    assert not missing, f"codes used in ssjlang/ but not listed in docs/diagnostics.md: {missing}"


def test_no_documented_code_is_unused() -> None:
    used = source_codes()
    unused_pages = sorted(set(documented()) - used)
    assert not unused_pages, f"documented in docs/diagnostics/ but never emitted: {unused_pages}"
    unused_index = sorted(set(indexed()) - used)
    assert not unused_index, f"listed in docs/diagnostics.md but never emitted: {unused_index}"


def test_index_agrees_with_the_pages() -> None:
    pages = documented()
    for code, (page, severity, line) in indexed().items():
        assert (PAGES / page).is_file(), f"{code} links to a missing page {page}"
        assert pages[code] == (page, severity), f"{code}: index {page}/{severity}, page {pages[code]}"
        assert line.strip(), f"{code} has no one-line meaning"


@pytest.mark.parametrize("page", sorted(p.name for p in PAGES.glob("*.md")))
def test_reserved_codes_are_not_in_use(page: str) -> None:
    reserved = reserved_codes((PAGES / page).read_text(encoding="utf-8"))
    assert not sorted(reserved & source_codes()), f"{page} reserves codes the source uses"
    assert not sorted(reserved & set(documented())), f"{page} reserves codes that are documented"


def test_each_code_sits_on_the_page_of_its_range() -> None:
    """SSJ0xx on ssj0.md, SSJ1xx on ssj1.md, … SSJ300–339 on ssj3-draw.md, SSJ340–379 on ssj3-teams.md."""
    for code, (page, _) in documented().items():
        number = int(code[3:])
        if 300 <= number < 400:
            expected = "ssj3-draw.md" if number < 340 else "ssj3-teams.md"
        else:
            expected = f"ssj{number // 100}.md"
        assert page == expected, f"{code} is documented on {page}, expected {expected}"
