"""Highlighting rules (ssjlang.language.highlight) and the Pygments lexer agree with the parser's own
tokens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from highlight_truth import KIND_FAMILY, SHIPPED_PLANS, disagreements, parser_tokens
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Keyword, Name, Operator, String

from ssjlang.language.highlight import KINDS, comparison_keys, rules
from ssjlang.language.keywords import KEYWORDS
from ssjlang.language.pygments_lexer import TOKEN_TYPES, SsjLexer

ROOT = Path(__file__).resolve().parent.parent
PLANS = SHIPPED_PLANS


def pygments_families(text: str) -> list[str | None]:
    families: list[str | None] = [None] * len(text)
    kind_of = {token_type: kind for kind, token_type in TOKEN_TYPES.items()}
    position = 0
    for _, token_type, value in SsjLexer().get_tokens_unprocessed(text):
        kind = kind_of.get(token_type)
        for i in range(position, position + len(value)):
            families[i] = KIND_FAMILY[kind] if kind else None
        position += len(value)
    return families


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name)
def test_pygments_colours_every_token_as_the_parser_reads_it(plan: Path) -> None:
    text = plan.read_text(encoding="utf-8")
    assert len(parser_tokens(text)) > 50
    assert disagreements(text, pygments_families(text)) == []


def test_the_comparison_catches_a_wrong_colour() -> None:
    text = "部门 城区商务局\n"
    families = pygments_families(text)
    assert disagreements(text, families) == []
    families[0] = "name"
    assert disagreements(text, families) == ["line 1: '部门' is keyword, coloured ['keyword', 'name']"]


@pytest.mark.parametrize(("text", "expected"), [
    ("风险 信用分类", [("风险", Keyword), ("信用分类", Name)]),
    ("筛选 风险等级 = \"A\"", [("筛选", Keyword), ("风险等级", Name), ("=", Operator), ('"A"', String)]),
    ("名录字段 { 部门级别 文本 }",
     [("名录字段", Keyword.Declaration), ("部门级别", Name), ("文本", Keyword)]),
    ("比例不低于10%", [("比例", Keyword), ("不低于", Keyword)]),
    ('行业类别包含"汽车销售"', [("行业类别", Name), ("包含", Operator.Word)]),
    ("风险 无锡局", [("无锡局", Name)]),
    ("risk none", [("risk", Keyword), ("none", Operator.Word)]),
    ("rate at  least 20%", [("at  least", Keyword)]),
    ("batch", [("batch", Keyword)]),
    ('where risk = "A" and category contains "x"', [("risk", Name), ("category", Name)]),
    ("比例 ≥10%", [("比例", Keyword)]),
])
def test_context_free_choices(text: str, expected: list[tuple[str, object]]) -> None:
    tokens = [(value, token_type) for token_type, value in SsjLexer().get_tokens(text)]
    for pair in expected:
        assert pair in tokens, tokens


def test_every_keyword_spelling_is_coloured_as_a_keyword() -> None:
    """Derived from keywords.py: a keyword added there is highlighted without touching the lexer."""
    lexer = SsjLexer()
    for keyword in KEYWORDS:
        for spelling in keyword.spellings:
            tokens = list(lexer.get_tokens(f"{spelling} "))
            kinds = (Keyword, Keyword.Declaration, Operator.Word)
            assert tokens[0][1] == spelling and tokens[0][0] in kinds, (keyword.key, spelling, tokens)


def test_rules_cover_the_kinds() -> None:
    assert [rule.kind for rule in rules()] == list(KINDS)
    assert set(TOKEN_TYPES) == set(KINDS)


def test_pygments_finds_the_lexer_by_entry_point() -> None:
    assert isinstance(get_lexer_by_name("ssj"), SsjLexer)
    assert isinstance(get_lexer_for_filename("plan.ssj"), SsjLexer)
    plan = str(ROOT / "plans" / "chengqu2024.ssj")
    done = subprocess.run([sys.executable, "-m", "pygments", "-l", "ssj", "-f", "html", plan],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '<span class="kd">任务</span>' in done.stdout


def test_comparison_keywords_come_from_the_grammar() -> None:
    assert comparison_keys() == ("contains", "in", "not_in")
