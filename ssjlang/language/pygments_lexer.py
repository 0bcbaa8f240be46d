"""A Pygments lexer for `.ssj` plans (`pygmentize -l ssj plan.ssj`), registered by entry point.

Documentation sites (Sphinx, MkDocs) and `pygmentize` find it under the names `ssj` and `ssjlang` once ssjlang
is installed beside Pygments. Its rules are `ssjlang.language.highlight.rules()`, shared with the VS Code
extension's TextMate grammar, so both colour a plan alike and follow the keyword table.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.lexer import RegexLexer
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

from .highlight import rules

TOKEN_TYPES: dict[str, _TokenType] = {
    "comment": Comment.Single,
    "string": String,
    "date": Literal.Date,
    "percent": Number,
    "number": Number,
    "statement": Keyword.Declaration,
    "operator_word": Operator.Word,
    "keyword": Keyword,
    "name": Name,
    "operator": Operator,
    "punctuation": Punctuation,
}


def _root() -> list[Any]:
    return [
        ("[ \\t\\u3000\\u00a0\\r\\n\\f]+", Whitespace),
        *((rule.pattern, TOKEN_TYPES[rule.kind]) for rule in rules()),
        (".", Text),
    ]


class SsjLexer(RegexLexer):
    """双随机抽查计划 (.ssj) — the plan language of ssjlang, Chinese and English keywords."""

    name = "ssj"
    aliases: ClassVar[list[str]] = ["ssj", "ssjlang"]
    filenames: ClassVar[list[str]] = ["*.ssj"]
    mimetypes: ClassVar[list[str]] = ["text/x-ssj"]
    tokens: ClassVar[dict[str, Any]] = {"root": _root()}
