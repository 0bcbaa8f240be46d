"""Text offsets ↔ LSP positions (位置换算): lines from 0, characters in the client's code units.

LSP counts characters in UTF-16 code units unless client and server agree on UTF-8 or UTF-32 (pygls
negotiates it). A CJK Extension B character such as 𠮷 is one character in Python and in a `Span`, two
UTF-16 units and four UTF-8 bytes; getting this wrong puts every underline after it in the wrong place.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property

from lsprotocol import types

from ..language.nodes import Span

_NEWLINE = re.compile("\n")


def units(text: str, encoding: str) -> int:
    """The length of `text` in the code units of `encoding` ("utf-16", "utf-8" or "utf-32")."""
    if text.isascii():
        return len(text)
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


class Positions:
    """Position conversions for one version of a document's text (LF line ends)."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = str(encoding)

    @cached_property
    def line_starts(self) -> list[int]:
        """The offset where each line starts (built on first use: publishing problems needs none)."""
        return [0, *(m.end() for m in _NEWLINE.finditer(self.text))]

    def line_of(self, offset: int) -> int:
        """The 0-based line holding `offset`."""
        return bisect_right(self.line_starts, offset) - 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.text)
        return self.text[start:end]

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        return types.Position(
            line=line, character=units(self.text[self.line_starts[line] : offset], self.encoding)
        )

    def _at(self, line: int, column: int, offset: int) -> types.Position:
        """The position of a span end given as line, column (both from 1, characters) and offset: the
        line's start is offset − column + 1, so no line table is needed."""
        start = offset - column + 1
        return types.Position(line=line - 1, character=units(self.text[start:offset], self.encoding))

    def range(self, span: Span) -> types.Range:
        """A span (absolute) as a range; a span without a place is the file's first position."""
        if span.line <= 0:
            return types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            )
        start = self._at(span.line, max(span.column, 1), span.start)
        if span.end < span.start:
            return types.Range(start=start, end=start)
        return types.Range(start=start, end=self._at(span.end_line, max(span.end_column, 1), span.end))

    def offset(self, position: types.Position) -> int:
        """The text offset of a client position (clamped to the line and the text)."""
        if position.line >= len(self.line_starts):
            return len(self.text)
        line_text = self.line_text(position.line)
        counted = 0
        for index, char in enumerate(line_text):
            if counted >= position.character:
                return self.line_starts[position.line] + index
            counted += units(char, self.encoding)
        return self.line_starts[position.line] + len(line_text)

    def whole(self) -> types.Range:
        """The range of the whole text."""
        return types.Range(start=types.Position(line=0, character=0), end=self.position(len(self.text)))
