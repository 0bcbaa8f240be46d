"""SSJ-DRAW-1 §1–§2: canonical text and table digests (规范化文本与名录摘要).

Everything a draw depends on is reduced to canonical text first, so that anyone can recompute the
digests with nothing but SHA-256: the same registry gives the same digest whether it was exported
as UTF-8 CSV, GBK CSV from Excel, or XLSX, and whatever stray spaces, tabs or line breaks an office
suite put into a cell. See docs/spec/SSJ-DRAW-1.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

# The Unicode White_Space property (not Python's str.isspace, which also counts U+001C–U+001F):
# a verifier in another language must strip exactly these characters.
WHITE_SPACE = (
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)

_TAB_CR_LF_RUN = re.compile(r"[\t\r\n]+")
_LOWER_ASCII = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def canonical_text(s: str) -> str:
    """§1 canonical text of a cell, header or label.

    Unicode NFC; each run of TAB/CR/LF becomes one space; leading and trailing Unicode white space
    (U+3000 全角空格 included) removed. Spaces inside the text are kept as written.
    """
    s = unicodedata.normalize("NFC", s)
    if "\t" in s or "\n" in s or "\r" in s:
        s = _TAB_CR_LF_RUN.sub(" ", s)
    return s.strip(WHITE_SPACE)


def canonical_id(s: str) -> str:
    """§1 canonical id (统一社会信用代码, 执法证号): canonical text with ASCII a–z upper-cased.

    Only ASCII letters change: a verifier must not apply locale or full Unicode case mapping.
    """
    return canonical_text(s).translate(_LOWER_ASCII)


# A date as officers type it: 2024-03-05, 2024/3/5, 2024.3.5 (the same separator twice), 2024年3月5日
# (日 optional), 20240305; spaces around the parts allowed, and a time of day after it (an Excel date
# cell with a time) ignored once it is a real time.
_DATE = re.compile(
    r"([0-9]{4})\s*(?:([-/.])\s*([0-9]{1,2})\s*\2|年\s*([0-9]{1,2})\s*月)\s*([0-9]{1,2})(?:\s*日)?"
    r"|([0-9]{4})([0-9]{2})([0-9]{2})"
)
_TIME = re.compile(r"(?:\s+|T)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?")


def parse_date(text: str) -> date | None:
    """A date cell or value as officers type it (检查日期, 不可用日期, a declared 日期 field) → date.

    Accepts 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305 and full-width digits and
    separators (２０２４－０３－０５), with optional spaces and a trailing time of day (Excel writes
    2024-03-05 00:00:00). None for anything else and for impossible dates (2024-02-30, 2024-13-01): the
    one date reader of intake, results and selectors, so all three accept the same cells.
    """
    parts = date_parts(text)
    if parts is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters an XLSX or DOCX cannot hold (XML 1.0): C0 controls other than TAB, LF and CR, U+FFFE, U+FFFF
and lone surrogates. Intake and `ssj check` name them (SSJ259, SSJ156); writers replace them
(output.xml_safe)."""

FIRST_YEAR = 2000
LAST_YEAR = 2100
"""The years a date in an input may fall in (plan years are 2000–2100 too): anything outside is a typing
mistake (9999-12-30, 1900-01-01), and refusing it keeps date arithmetic (20 working days later) away from
the end of the calendar."""


def in_date_range(day: date) -> bool:
    """Whether `day` lies in FIRST_YEAR–LAST_YEAR."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of text written in a form `parse_date` accepts, whether or not that day exists:
    lets a message tell "2024-02-30 does not exist" from "not a date"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.strip(WHITE_SPACE)
    m = _DATE.match(text)
    if m is None:
        return None
    rest = text[m.end():]
    if rest:
        t = _TIME.fullmatch(rest)
        if t is None or int(t.group(1)) > 23 or int(t.group(2)) > 59 or int(t.group(3) or 0) > 59:
            return None
    if m.group(1) is not None:
        return int(m.group(1)), int(m.group(3) or m.group(4)), int(m.group(5))
    return int(m.group(6)), int(m.group(7)), int(m.group(8))


def sha256_hex(s: str) -> str:
    """H(x) of the spec: lowercase hex SHA-256 of the UTF-8 bytes of `s`."""
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def table_digest(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """§2 digest of a table (R for the registry, Q for the roster).

    `header` is the column names *as written in the file* (canonicalised here), in file order — not
    the standard names they resolve to, so a registry with English headers has its own R.
    Each row's first cell is its id; rows are the cells in header order (a short row is padded with
    empty cells). Result: H(header joined by TAB + "\\n" + every row's cells joined by TAB, each
    followed by "\\n", rows sorted by the UTF-8 bytes of the canonical id).

    Rows whose id column is not the first can be passed through `table_digest_keyed`.
    """
    return table_digest_keyed(header, rows, 0)


def table_digest_keyed(header: Sequence[str], rows: Iterable[Sequence[str]], id_column: int) -> str:
    """§2 digest where the id is in column `id_column` (0-based) rather than the first column.

    Cells are canonicalised (the id cell with `canonical_id`); the caller must already have refused
    empty and duplicate ids (§1), since the digest is only defined for a table without them.
    """
    width = len(header)
    canonical_rows: list[tuple[str, str]] = []
    for row in rows:
        cells = [canonical_text(c) for c in row]
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        cells[id_column] = canonical_id(cells[id_column])
        canonical_rows.append((cells[id_column], "\t".join(cells[:width])))
    return digest_of_lines("\t".join(canonical_text(h) for h in header), canonical_rows)


def digest_of_lines(header_line: str, keyed_lines: Iterable[tuple[str, str]]) -> str:
    """H(header_line + "\\n" + lines sorted by key, each followed by "\\n"), for canonical text.

    Keys must be unique (the caller has refused duplicate ids); a list argument is sorted in place.

    Sorting `str` keys orders them by code point, which equals the order of their UTF-8 bytes.
    """
    ordered = keyed_lines if isinstance(keyed_lines, list) else list(keyed_lines)
    ordered.sort()  # ids are unique (§1), so comparing the pairs compares the keys
    h = hashlib.sha256(header_line.encode("utf-8") + b"\n")
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        h.update(("\n".join([line for _key, line in chunk]) + "\n").encode("utf-8"))
    return h.hexdigest()


def digest_of_blocks(header_line: str, blocks: Iterable[bytes]) -> str:
    """H(header_line + "\n" + the blocks in order): each block is whole lines of canonical text in
    UTF-8, each line followed by "\n".

    The intake streams a 10^6-row registry through one SHA-256 this way, a block of rows in id order
    at a time, never joining every row at once.
    """
    h = hashlib.sha256(header_line.encode("utf-8") + b"\n")
    for block in blocks:
        h.update(block)
    return h.hexdigest()


def digest_of_sorted_rows(header_line: str, rows: Sequence[Sequence[str]]) -> str:
    """H(header_line + "\\n" + each row's cells joined by TAB + "\\n"), rows already in id order.

    The intake fast path: rows are canonical cell tuples, joined in chunks to keep Python overhead
    and peak memory low for 10^6-row registries.
    """
    h = hashlib.sha256(header_line.encode("utf-8") + b"\n")
    join = "\t".join
    for start in range(0, len(rows), _CHUNK):
        h.update(("\n".join([join(r) for r in rows[start:start + _CHUNK]]) + "\n").encode("utf-8"))
    return h.hexdigest()


_CHUNK = 65536
