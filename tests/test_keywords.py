"""The keyword table (ssjlang/language/keywords.py): its Traditional forms agree with OpenCC, a plan written
in Traditional characters means what its Simplified text means, and a misspelt keyword is named.

OpenCC (the converter Chinese-language software uses) is the reference for Traditional characters: a
Taiwan or Hong Kong office's table is typed with its conversions, so a keyword spelt the way OpenCC writes
it must be read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ssjlang.check.checker import KNOWN_MODES
from ssjlang.language.formatter import format_plan
from ssjlang.language.keywords import KEYWORDS, SIMPLIFIED_TRADITIONAL, simplified, traditional_forms
from ssjlang.language.parser import parse

opencc = pytest.importorskip("opencc")

ROOT = Path(__file__).resolve().parent.parent
CHENGQU = ROOT / "plans" / "chengqu2024.ssj"
TABLE = {entry[0]: entry[1:] for entry in SIMPLIFIED_TRADITIONAL.split()}
S2T = opencc.OpenCC("s2t")
S2TW = opencc.OpenCC("s2tw")
S2HK = opencc.OpenCC("s2hk")


def _chinese_spellings() -> list[str]:
    spellings = [s for k in KEYWORDS for s in (k.chinese, *k.other) if not s.isascii()]
    return [*spellings, *KNOWN_MODES, "户"]


@pytest.mark.parametrize("simple", sorted(TABLE))
def test_table_entry_is_opencc(simple: str) -> None:
    """Each character's Traditional forms are what OpenCC (s2t, s2tw, s2hk) writes for it — alone, or
    inside a spelling that uses it, since some characters change only in words (联系 → 聯繫, 注册 → 註冊)."""
    forms = TABLE[simple]
    assert len(forms) == len(set(forms)) and simple not in forms
    written: set[str] = set()
    for text in [simple, *(s for s in _chinese_spellings() if simple in s)]:
        for converter in (S2T, S2TW, S2HK):
            converted = converter.convert(text)
            written.update(c for c, original in zip(converted, text, strict=True) if original == simple)
    written.discard(simple)
    assert set(forms) <= written, f"{simple}: table {forms}, OpenCC writes {sorted(written)}"
    first = {S2T.convert(text)[text.index(simple)]
             for text in [simple, *_chinese_spellings()] if simple in text}
    assert forms[0] in first, f"{simple}: the first form should be OpenCC's s2t, one of {sorted(first)}"


@pytest.mark.parametrize("spelling", sorted(set(_chinese_spellings())))
def test_every_changed_character_is_in_the_table(spelling: str) -> None:
    """The table covers every character OpenCC changes in any keyword spelling, mode or count unit."""
    for char in spelling:
        converted = S2T.convert(char)
        if converted != char:
            assert char in TABLE, f"{spelling}: {char}→{converted} missing from SIMPLIFIED_TRADITIONAL"


@pytest.mark.parametrize("spelling", sorted({s for k in KEYWORDS for s in (k.chinese, *k.other)
                                             if not s.isascii()}))
def test_opencc_spelling_is_accepted(spelling: str) -> None:
    """OpenCC's Traditional text of a spelling is among the forms the parser accepts, and reads back."""
    converted = S2T.convert(spelling)
    forms = (spelling, *traditional_forms(spelling))
    assert converted in forms
    assert simplified(converted) == spelling


def _formatted(source: str, file: str) -> str:
    result = parse(source, file)
    assert result.plan is not None, [d.message for d in result.diagnostics]
    return format_plan(result.plan, result.comments, result.language)


def _to_traditional(source: str) -> str:
    """The plan's text in Traditional characters, keywords and values alike (a Taiwan office's copy)."""
    return S2T.convert(source)


def test_traditional_plan_parses_to_the_same_plan() -> None:
    """Chengqu in Traditional characters: every keyword is read; `ssj fmt` writes the keywords Simplified,
    and once values are also written Simplified the plan is the one we started from."""
    source = CHENGQU.read_text(encoding="utf-8")
    traditional = _to_traditional(source)
    assert traditional != source
    result = parse(traditional, "chengqu-traditional.ssj")
    assert not [d for d in result.diagnostics if d.is_error], [d.message for d in result.diagnostics]
    formatted = _formatted(traditional, "chengqu-traditional.ssj")
    back = opencc.OpenCC("t2s")
    assert back.convert(formatted) == back.convert(_formatted(source, "chengqu2024.ssj"))
    keywords_left = [k.chinese for k in KEYWORDS if k.traditional_spellings
                     and re.search(rf"^\s*(?:{'|'.join(map(re.escape, k.traditional_spellings))})\s",
                                   formatted, re.M)]
    assert not keywords_left, f"fmt left Traditional keywords: {keywords_left}"


@pytest.mark.parametrize(("written", "meant"), [
    ("发启", "发起"),      # one character wrong
    ("频率", "频次"),
    ("比列", "比例"),
    ("ratte", "rate"),
])
def test_misspelt_keyword_is_named(written: str, meant: str) -> None:
    """A misspelt task field gets `did you mean` with the keyword it most likely is, at its place."""
    source = CHENGQU.read_text(encoding="utf-8")
    target = {"发起": "发起", "频次": "频次", "比例": "比例", "rate": "比例"}[meant]
    lines = source.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.lstrip().startswith(target + " "))
    indent = len(lines[index]) - len(lines[index].lstrip())
    lines[index] = lines[index][:indent] + written + lines[index][indent + len(target):]
    result = parse("".join(lines), "typo.ssj")
    errors = [d for d in result.diagnostics if d.is_error]
    assert errors, "a misspelt keyword must be an error"
    first = errors[0]
    assert (first.span.line, first.span.column) == (index + 1, indent + 1)
    assert meant in (first.hint or "") + first.message, first
