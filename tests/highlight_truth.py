"""What the parser itself sees in a plan, token by token: the yardstick for every highlighter.

The Lark parser's contextual lexer is run through the plan (`parse_interactive().iter_parse()`), and each
token is put in a family a highlighter must agree with: keyword, string, number (numbers, percentages,
dates and their 年/月/日/% marks), name, comment, punct. A highlighter is right when every character of
every token is coloured as a member of the token's family.
"""

from __future__ import annotations

from pathlib import Path

from ssjlang.language.parser import _parser, parse

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_PLANS = sorted([
    ROOT / "plans" / "chengqu2024.ssj", *(ROOT / "tests" / "plans").rglob("*.ssj"),
    *(ROOT / "tests" / "parse_inputs").glob("*.ssj"), *(ROOT / "tests" / "data").glob("*.ssj"),
])
"""Every plan shipped with the repository that parses: the example plan, the corpus of transcribed
published plans, the parser's loose inputs and the test data plans."""

KIND_FAMILY = {
    "statement": "keyword", "operator_word": "keyword", "keyword": "keyword",
    "string": "string", "comment": "comment", "name": "name",
    "number": "number", "percent": "number", "date": "number",
    "operator": "punct", "punctuation": "punct",
}
"""ssjlang.language.highlight kinds → families."""

_NUMBER_TERMINALS = {"NUMBER", "DATE_ISO", "_PERCENT", "_YEAR_MARK", "_MONTH_MARK", "_DAY_MARK"}


def family_of_terminal(terminal: str) -> str:
    if terminal.startswith("_KW_"):
        return "keyword"
    if terminal == "STRING":
        return "string"
    if terminal == "NAME":
        return "name"
    if terminal in _NUMBER_TERMINALS:
        return "number"
    return "punct"


def parser_tokens(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, family, text) of every token the parser reads, comments included, in order."""
    tokens = [(t.start_pos or 0, t.end_pos or 0, family_of_terminal(t.type), str(t))
              for t in _parser().parse_interactive(text).iter_parse()]
    tokens += [(c.span.start, c.span.end, "comment", text[c.span.start:c.span.end])
               for c in parse(text, "plan.ssj").comments]
    return sorted(tokens)


def disagreements(text: str, families: list[str | None]) -> list[str]:
    """Tokens a highlighter coloured wrongly, given the family it gave each character (None: uncoloured)."""
    wrong = []
    for start, end, family, shown in parser_tokens(text):
        got = set(families[start:end])
        if got != {family}:
            line = text.count("\n", 0, start) + 1
            wrong.append(f"line {line}: {shown!r} is {family}, coloured {sorted(map(str, got))}")
    return wrong
