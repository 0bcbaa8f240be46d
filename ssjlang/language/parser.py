"""Parse stage: .ssj source text → AST (`ssjlang.language.nodes`), with diagnostics a policy officer can act
on.

The grammar (grammar/ssj.lark) is completed at load time with terminals generated from the one
keyword table (`ssjlang.language.keywords`) and built once per process (LALR, contextual lexer). Building
the LALR tables takes a few hundred milliseconds, more than the rest of `ssj check`, so the built
parser is kept in the user's cache directory (see `parser_cache_file`). Syntax
errors name what was found and what the place expects in Chinese and English; after an error the
parser resumes at the next top-level statement (计划/名录字段/部门/风险递加/任务) so one run reports
every broken statement. The parser never judges meaning: unknown departments or 13月 parse fine and
are left to the checker (SSJ1xx).

Codes (documented in docs/diagnostics/ssj0.md):
SSJ001 not UTF-8 · SSJ002 cannot read · SSJ003 binary or UTF-16 · SSJ004 too large ·
SSJ010 unexpected token · SSJ011 unrecognised character · SSJ012 full-width/Chinese punctuation ·
SSJ013 unterminated text · SSJ014 unknown escape · SSJ015 nested too deeply ·
SSJ020 field given twice · SSJ021 second 计划 block · SSJ022 whole number expected.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark import __version__ as lark_version
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.tree import Meta
from lark.utils import TextSlice

from ..check.fixes import fullwidth_fixes
from ..diagnostics import Diagnostic, Related, error, sorted_diagnostics
from ..gcpause import collector_paused
from ..inputs import PLAN as PLAN_LIMIT
from ..inputs import InputFileError, read_limited
from ..resources import grammar_file
from .cache_files import open_own_regular_file, write_cache_file
from .keywords import (
    KEYWORDS,
    KEYWORDS_BY_KEY,
    NAME_ALTERNATIVE_KEYS,
    NAME_STOP_KEYS,
    TERMINAL_LABELS,
    Keyword,
    keyword_of_terminal,
    keyword_terminal,
    simplified,
    terminal_label,
)
from .nodes import (
    NO_SPAN,
    And,
    Base,
    Batch,
    Comment,
    Compare,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    Department,
    DrawWindow,
    FieldDecl,
    FieldKind,
    Integer,
    Item,
    JointDraw,
    Level,
    Money,
    Name,
    Not,
    Number,
    Or,
    Part,
    Period,
    Plan,
    PlanHeader,
    Planned,
    Rate,
    RiskClass,
    RiskLevel,
    RiskProfile,
    RiskRef,
    Rounds,
    Scope,
    Span,
    SubgroupRates,
    SubgroupRule,
    Task,
    TaskCode,
    Text,
    Unit,
    Unstated,
    ValueList,
    Window,
    WindowKind,
)
from .scanner_cache import ScannerCache
from .scanner_cache import install as install_scanner_cache

SSJ001_NOT_UTF8 = "SSJ001"
SSJ002_UNREADABLE = "SSJ002"
SSJ003_BINARY = "SSJ003"
SSJ004_TOO_LARGE = "SSJ004"
SSJ010_UNEXPECTED_TOKEN = "SSJ010"
SSJ011_UNKNOWN_CHARACTER = "SSJ011"
SSJ012_FULLWIDTH = "SSJ012"
SSJ013_UNTERMINATED_TEXT = "SSJ013"
SSJ014_BAD_ESCAPE = "SSJ014"
SSJ015_TOO_DEEP = "SSJ015"
SSJ020_DUPLICATE_FIELD = "SSJ020"
SSJ021_DUPLICATE_HEADER = "SSJ021"
SSJ022_WHOLE_NUMBER = "SSJ022"

MAX_SOURCE_CHARS = 2_000_000
"""A plan is a few dozen kilobytes; anything this large is not a plan (and would take long to parse)."""

MAX_NESTING = 100
"""Deepest selector nesting (非/且/或/parentheses) accepted; later stages walk the AST recursively."""


@dataclass(frozen=True)
class ParseResult:
    """The AST (None when the text has a syntax error), the comments for the formatter, and problems.

    language is the keyword language most of the file is written in ("zh" or "en"; "zh" on a tie
    or when no keyword is written in either), so `ssj fmt` keeps an English plan English.
    """

    plan: Plan | None
    comments: tuple[Comment, ...]
    diagnostics: list[Diagnostic]
    language: str = "zh"


# ---------------------------------------------------------------- grammar assembly

_PUNCTUATION = (
    "\"'「」『』“”‘’{}｛｝\\[\\]【】()（）,，、;；:：=≠!<>≤≥⩽⩾%％#\\/×*✕~～—–\\-\\\\。…"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\\x00-\\x1f\\x7f-\\x9f\\u200b-\\u200f\\u2028\\u2029\\u2060\\ufeff"
)
"""Characters that can never be part of a bare name (ASCII and full-width punctuation)."""


def _name_regex() -> str:
    """NAME: a bare word without digits or punctuation; balanced () or （） inside, where 、 may also
    stand (各县（市、区）市场监管部门).

    It stops before the infix keywords (包含 属于 不属于 且 或 又称) so ``行业类别包含"x"`` lexes.
    """
    stops = sorted(
        (s for key in NAME_STOP_KEYS for s in KEYWORDS_BY_KEY[key].chinese_spellings),
        key=lambda s: (-len(s), s),
    )
    char = f"(?:(?!{'|'.join(map(re.escape, stops))})[^\\s0-9０-９{_PUNCTUATION}])"
    inner = f"(?:{char}|、)"
    return f"{char}+(?:[(（]{inner}+[)）]{char}*)*"


@lru_cache(maxsize=1)
def _name_pattern() -> tuple[re.Pattern[str], frozenset[str]]:
    return re.compile(_name_regex()), frozenset(s for keyword in KEYWORDS for s in keyword.spellings)


def is_bare_name(text: str) -> bool:
    """Whether `text` can be written as a bare name (部门、单位、模式): the NAME terminal matches all of
    it and it is no keyword's spelling (a department called 无 would read as 风险 无)."""
    pattern, spellings = _name_pattern()
    return pattern.fullmatch(text) is not None and text not in spellings


def _lark_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _spelling_pattern(spelling: str) -> str:
    """A Lark terminal body for one spelling: a literal, case-insensitive if it has ASCII letters."""
    if " " in spelling:
        body = r"\s+".join(re.escape(part) for part in spelling.split())
        return f"/{body}/i"
    insensitive = "i" if re.search("[A-Za-z]", spelling) else ""
    return _lark_string(spelling) + insensitive


@lru_cache(maxsize=1)
def _all_chinese_spellings() -> tuple[str, ...]:
    return tuple(s for keyword in KEYWORDS for s in keyword.chinese_spellings)


def _spelling_regex(spelling: str) -> str:
    """A regex for one spelling.

    One ending in a Latin letter must end a word: otherwise the risk-class letter `B` (or `D`, `U`)
    would match the start of `batch` (`directed`, `undirected`) where the LALR tables let both come
    next, e.g. after `rounds 1 per year`. A Chinese spelling that begins a longer spelling of another
    keyword does not match there: 检查 is not the start of 检查方式, 次 not the start of 次年 or 次/年."""
    body = r"\s+".join(re.escape(part) for part in spelling.split())
    body = body.replace("/", "\\/")
    if re.search("[A-Za-z]$", spelling):
        body += "(?![A-Za-z_])"
    elif not spelling.isascii():
        longer = sorted({other[len(spelling):] for other in _all_chinese_spellings()
                         if other.startswith(spelling) and other != spelling}, key=lambda s: (-len(s), s))
        if longer:
            body += "(?!" + "|".join(re.escape(rest).replace("/", "\\/") for rest in longer) + ")"
    return f"(?i:{body})" if re.search("[A-Za-z]", spelling) else body


@lru_cache(maxsize=1)
def grammar_text() -> str:
    """The complete grammar: grammar/ssj.lark with its `_k_<key>` keywords completed from the table (made
    once per process: the parser cache's key needs it, and making it takes 15 ms)."""
    source = grammar_file().read_text(encoding="utf-8")
    lines = ["", "// ---- generated from ssjlang/language/keywords.py"]
    single: set[str] = set()
    for keyword in KEYWORDS:
        if keyword.key in NAME_ALTERNATIVE_KEYS:
            names = [keyword_terminal(keyword.key, i) for i in range(len(keyword.spellings))]
            lines.append(f"_k_{keyword.key}: {' | '.join(names)}")
            for name, spelling in zip(names, keyword.spellings, strict=True):
                lines.append(f"{name}: {_spelling_pattern(spelling)}")
        else:
            single.add(keyword.key)
            spellings = sorted(keyword.spellings, key=lambda s: (-len(s), s))
            pattern = "|".join(map(_spelling_regex, spellings))
            lines.append(f"{keyword_terminal(keyword.key)}: /(?:{pattern})/")

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        return keyword_terminal(key) if key in single else match.group(0)

    source = re.sub(r"(?<![A-Za-z0-9_])_k_([a-z_]+)(?![A-Za-z0-9_])", substitute, source)
    lines.append(f"NAME: /{_name_regex()}/")
    return source + "\n".join(lines) + "\n"


_local = threading.local()


def _collect_comment(token: Token) -> Token:
    sink = getattr(_local, "comments", None)
    if sink is not None:
        sink.append(token)
    return token


def _collect_keyword(token: Token) -> Token:
    """Lexer callback of every keyword terminal: counts how the file spells its keywords."""
    sink = getattr(_local, "keywords", None)
    if sink is not None:
        sink.append(token)
    return token


def _lexer_callbacks() -> dict[str, Any]:
    callbacks: dict[str, Any] = {"COMMENT": _collect_comment}
    for keyword in KEYWORDS:
        if keyword.key in NAME_ALTERNATIVE_KEYS:
            for index in range(len(keyword.spellings)):
                callbacks[keyword_terminal(keyword.key, index)] = _collect_keyword
        else:
            callbacks[keyword_terminal(keyword.key)] = _collect_keyword
    return callbacks


_LARK_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": True,
    "maybe_placeholders": True,
}


def parser_cache_file(grammar: str | None = None) -> Path | None:
    """Where the built parser is cached: ``$XDG_CACHE_HOME/ssjlang`` (else ``~/.cache/ssjlang``).

    The file name carries a SHA-256 of the complete grammar text, the Lark options, the Lark
    version and the Python version, so a changed grammar or an upgraded Lark never loads a stale
    parser; None when no home directory is known. Nothing is ever written into the package or the
    working directory.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
        return None
    text = grammar if grammar is not None else grammar_text()
    key = "\0".join([text, repr(sorted(_LARK_OPTIONS.items())), lark_version, sys.version])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return root / "ssjlang" / f"parser-lark{lark_version}-{digest}.pickle"


def _load_cached(path: Path) -> Lark | None:
    """The cached parser, or None when there is none or it cannot be used (then it is rebuilt).

    The cache is a pickle, so only a regular file owned by the current user is loaded (opened without
    blocking: a FIFO in its place is skipped, not waited on).
    """
    try:
        with open_own_regular_file(path) as handle:
            return Lark.load(handle) if handle is not None else None
    except Exception:  # missing, unreadable, truncated or from an incompatible build: rebuild
        return None


def _save_cached(parser: Lark, path: Path) -> None:
    """Write the parser atomically (temporary file + rename); silently skip if that fails."""
    write_cache_file(path, parser.save, ".parser-")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The parser, built once per process, or loaded from the user's cache when built before; its lexers
    compile their scanners through the scanner cache kept beside it (`_scanners`)."""
    grammar = grammar_text()
    path = parser_cache_file(grammar)
    parser = _load_cached(path) if path is not None else None
    if parser is None:
        parser = Lark(grammar, lexer_callbacks=_lexer_callbacks(), **_LARK_OPTIONS)
        if path is not None:
            _save_cached(parser, path)
    scanners = ScannerCache(path.with_suffix(".scanners") if path is not None else None)
    install_scanner_cache(parser, scanners)
    _scanners[:] = [scanners]
    return parser


_scanners: list[ScannerCache] = []
"""The scanner cache of the parser `_parser` gave (saved after a parse that compiled new scanners)."""


# ---------------------------------------------------------------- reading files


def read_source(path: Path) -> tuple[str | None, list[Diagnostic]]:
    """Read a plan file as text: UTF-8 with or without BOM, CRLF/CR → LF.

    Returns (None, diagnostics) for unreadable, binary, too large or non-UTF-8 (e.g. GBK) files.
    """
    file = str(path)
    try:
        data = read_limited(path, PLAN_LIMIT)  # a regular file, bounded: never /dev/zero or a FIFO
    except InputFileError as exc:
        if exc.too_large:
            return None, [error(SSJ004_TOO_LARGE,
                                f"文件太大，不像计划文件 (the file is too large to be a plan)："
                                f"{exc.strerror}", file,
                                hint="检查是否选错了文件 (check that this is the plan file)")]
        return None, [error(SSJ002_UNREADABLE, f"无法读取文件 (cannot read the file): {exc.strerror}", file,
                            hint="给出 .ssj 计划文件的路径 (give the path of a .ssj plan file)")]
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return None, [error(SSJ002_UNREADABLE, f"无法读取文件 (cannot read the file): {reason}", file,
                            hint="检查路径和权限 (check the path and the permissions)")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [error(SSJ003_BINARY, "文件是 UTF-16 编码 (the file is UTF-16 encoded)", file,
                            Span(1, 1, 1, 1, 0, 0),
                            hint="另存为 UTF-8 编码 (save the file as UTF-8)")]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, [error(SSJ003_BINARY,
                            "文件含有 NUL 字节，不是文本文件 "
                            "(the file contains NUL bytes: it is not a text file)",
                            file, Span(line, 1, line, 1, nul, nul),
                            hint="计划文件应为 UTF-8 文本 (.ssj)；检查是否选错了文件 "
                                 "(a plan is a UTF-8 text file; check you picked the right file)")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(file, data, exc)]
    return normalize_newlines(text), []


def _not_utf8(file: str, data: bytes, exc: UnicodeDecodeError) -> Diagnostic:
    start = exc.start
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    guess = ""
    try:
        data.decode("gb18030")
        guess = "；看起来是 GBK/GB18030 编码 (it looks like GBK/GB18030)"
    except UnicodeDecodeError:
        pass
    return error(
        SSJ001_NOT_UTF8,
        f"文件不是 UTF-8 编码{guess} (the file is not UTF-8: byte 0x{data[start]:02X} cannot be decoded)",
        file, Span(line, column, line, column + 1, start, start + 1),
        hint="将文件另存为 UTF-8 编码，例如记事本“另存为 → 编码 UTF-8” (save the file as UTF-8)",
    )


def _too_large(file: str, size: int, unit: str) -> Diagnostic:
    return error(SSJ004_TOO_LARGE,
                 f"文件太大 ({size} {unit})，不像计划文件 (the file is too large to be a plan)", file,
                 hint=f"计划文件应小于 {MAX_SOURCE_CHARS} 个字符；检查是否选错了文件 "
                      f"(a plan has fewer than {MAX_SOURCE_CHARS} characters; check the file)")


def normalize_newlines(text: str) -> str:
    """Drop a leading BOM and turn CRLF and CR into LF (spans then count lines as editors do)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- parsing


_TOP_LEVEL_KEYS = ("plan", "fields", "department", "level", "escalation", "task")


def statement_keys() -> tuple[str, ...]:
    """The keys of the keywords that start a top-level statement (for highlighters and the editor)."""
    return _TOP_LEVEL_KEYS


def name_pattern() -> str:
    """The regex of a bare name (NAME), for highlighters that must tell names from keywords as the
    parser does."""
    return _name_regex()


@lru_cache(maxsize=1)
def _statement_start() -> re.Pattern[str]:
    """A line that starts a top-level statement: where parsing resumes after a syntax error."""
    alternatives = []
    for key in _TOP_LEVEL_KEYS:
        keyword = KEYWORDS_BY_KEY[key]
        alternatives += [re.escape(s) for s in keyword.chinese_spellings]
        alternatives += [re.escape(s) + r"(?![A-Za-z0-9_])" for s in keyword.english]
    return re.compile(r"^[ \t\u3000]*(?:" + "|".join(alternatives) + ")", re.MULTILINE | re.IGNORECASE)


def parse(source: str, file: str, *, ends_file: bool = True) -> ParseResult:
    """Parse .ssj source text into a `Plan`.

    plan is None when the text has a syntax error; errors that leave a well-formed AST (a field
    given twice, a fraction where a whole number belongs) come with the plan. `ends_file` False says
    the text is a run of whole statements cut from a file at `statement_bounds` with more after it
    (the editor re-parses such pieces): a statement left open at its end is then reported as
    running into the next statement, not into the end of the file.
    """
    text = normalize_newlines(source)
    if len(text) > MAX_SOURCE_CHARS:
        return ParseResult(None, (), [_too_large(file, len(text), "characters")])
    with collector_paused():
        result = _parse_text(text, file, ends_file)
    for scanners in _scanners:
        scanners.save()  # only when this parse compiled scanners no earlier process had
    return result


def _parse_text(text: str, file: str, ends_file: bool) -> ParseResult:
    _local.comments = []
    _local.keywords = []
    try:
        tree, syntax = _parse_tree(text, file, ends_file)
        comment_tokens: list[Token] = _local.comments
        keyword_tokens: list[Token] = _local.keywords
    finally:
        _local.comments = None
        _local.keywords = None
    comments = _comments(text, comment_tokens)
    language = keyword_language(keyword_tokens)
    if syntax:
        return ParseResult(None, comments, sorted_diagnostics(syntax), language)
    assert tree is not None
    deep = _too_deep(tree, file)
    if deep is not None:
        return ParseResult(None, comments, [deep], language)
    builder = _Builder(file, text)
    plan = builder.transform(tree)
    return ParseResult(plan, comments, sorted_diagnostics(builder.diagnostics), language)


def spelling_language(keyword_type: str, spelling: str) -> str | None:
    """The language of one keyword spelling: en (English), zh (Chinese) or None for neither.

    The risk-class letters A B C D U are written the same in both languages.
    """
    keyword = keyword_of_terminal(keyword_type)
    if keyword is None:
        return None
    folded = " ".join(spelling.split()).lower()
    if folded in (e.lower() for e in keyword.english):
        return "en"
    return None if spelling.isascii() else "zh"


def keyword_language(tokens: list[Token]) -> str:
    """The keyword language of most keyword tokens (each position counted once); "zh" on a tie."""
    seen: dict[int, str | None] = {}
    for token in tokens:
        start = token.start_pos or 0
        if start not in seen:
            seen[start] = spelling_language(token.type, str(token))
    english = sum(1 for language in seen.values() if language == "en")
    chinese = sum(1 for language in seen.values() if language == "zh")
    return "en" if english > chinese else "zh"


def statement_bounds(text: str) -> list[int]:
    """0, the start of every line that begins with a top-level statement keyword, and len(text).

    After a syntax error the parser parses each piece between two bounds on its own; the language
    server re-parses only the pieces an edit changed.
    """
    return [*sorted({0, *(m.start() for m in _statement_start().finditer(text))}), len(text)]


def first_syntax_error(text: str) -> int | None:
    """Where parsing the whole text first fails — an offset, len(text) when the text ends inside a
    statement — or None when it parses. The language server uses it to tell a statement left open at the
    end of a piece from a piece cut inside a block."""
    try:
        _parser().parse(text)
    except UnexpectedCharacters as exc:
        return exc.pos_in_stream
    except UnexpectedToken as exc:
        return len(text) if exc.token.type == "$END" else exc.token.start_pos or 0
    return None


def expected_after(text: str) -> tuple[list[str], set[str]] | None:
    """What may come next after `text`, the beginning of a statement: the types of the tokens read and
    the terminals the parser accepts now; None when `text` already has a syntax error. The language
    server offers completions from it, so they follow the grammar."""
    try:
        interactive = _parser().parse_interactive(text)
        read = [token.type for token in interactive.iter_parse()]
        return read, set(interactive.accepts())
    except UnexpectedInput:
        return None


def _parse_tree(text: str, file: str, ends_file: bool = True) -> tuple[Tree | None, list[Diagnostic]]:
    parser = _parser()
    try:
        return parser.parse(text), []
    except UnexpectedInput:
        pass
    # Recovery: parse each top-level statement on its own; every broken one gives one diagnostic.
    diagnostics: list[Diagnostic] = []
    for begin, end in pairwise(statement_bounds(text)):
        try:
            parser.parse(TextSlice(text, begin, end))
        except UnexpectedInput as exc:
            diagnostics.append(_syntax_diagnostic(exc, text, file, ends_file and end == len(text)))
    if not diagnostics:  # pragma: no cover - pieces parse but the whole did not: report the whole
        try:
            parser.parse(text)
        except UnexpectedInput as exc:
            diagnostics.append(_syntax_diagnostic(exc, text, file, ends_file))
    unique = {(d.span.start, d.message): d for d in diagnostics}
    return None, list(unique.values())


def _comments(text: str, tokens: list[Token]) -> tuple[Comment, ...]:
    seen: dict[int, Comment] = {}
    for token in tokens:
        start = token.start_pos or 0
        if start in seen:
            continue
        raw = str(token)
        body = raw[1:] if raw.startswith("#") else raw[2:]
        if body.startswith(" "):
            body = body[1:]
        line_start = text.rfind("\n", 0, start) + 1
        trailing = text[line_start:start].strip(" \t\u3000\u00a0\f") != ""
        seen[start] = Comment(body.rstrip(), _token_span(token), trailing)
    return tuple(seen[k] for k in sorted(seen))


def _too_deep(tree: Tree, file: str) -> Diagnostic | None:
    """Reject selectors nested beyond MAX_NESTING before any recursive walk can overflow."""
    stack: list[tuple[Tree, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return error(SSJ015_TOO_DEEP,
                         f"筛选条件嵌套超过 {MAX_NESTING} 层 (the selector is nested more than "
                         f"{MAX_NESTING} levels deep)", file, _meta_span(node.meta),
                         hint="拆分或简化筛选条件 (simplify the selector)")
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1))
    return None


# ---------------------------------------------------------------- syntax error messages

_CHAR_HINTS: dict[str, str] = {
    "“": '文本用英文引号 "…" 或直角引号 「…」 括起；中文引号只能出现在文本里面 '
         '(start text with " or 「; Chinese quotes may only appear inside text)',
    "”": '文本用英文引号 "…" 或直角引号 「…」 括起 (quote text with " or 「」)',
    "‘": '文本用英文引号 "…" 或直角引号 「…」 括起 (quote text with " or 「」)',
    "’": '文本用英文引号 "…" 或直角引号 「…」 括起 (quote text with " or 「」)',
    "＂": '改用英文引号 " (type the ASCII ")',
    "＝": "改用半角 = (type the ASCII =)",
    "＞": "改用半角 > 或 ≥ (type the ASCII > or ≥)",
    "＜": "改用半角 < 或 ≤ (type the ASCII < or ≤)",
    "！": "不等于写作 ≠ 或 != (write ≠ or !=)",
    "。": "句号只能出现在文本里面；语句之间用换行或 ； 分隔 "
          "(a full stop belongs inside quoted text; separate statements with a new line or ；)",
    "＃": "注释以半角 # 或 // 开头 (comments start with the ASCII # or //)",
    "．": "小数点用半角 . (type the ASCII . as decimal point)",
    "＊": "倍数写作 × 或 * (write × or *)",
    "『": "文本用 「…」 或 \"…\" 括起 (quote text with 「」 or \")",
}


def _char_description(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if not name:
        name = "CONTROL CHARACTER" if unicodedata.category(char).startswith("C") else "UNNAMED CHARACTER"
    shown = char if char.isprintable() else ""
    return f"{shown} ({code} {name})".strip()


_TASK_FIELD_KEYS = frozenset({"items", "category", "method", "scope", "rate", "rounds", "risk", "window",
                              "draw_window", "batch", "directed", "undirected", "lead", "guide", "inspect",
                              "assist", "mode", "remarks", "materials", "part"})
"""Keywords that start a task field: a syntax error inside a task names them as one group."""


def _expected_labels(names: Any) -> list[str]:
    names = set(names)
    if len(names) > 1:
        names.discard("_SEP")
    order = {k.key: i for i, k in enumerate(KEYWORDS)}
    terminal_order = {name: i for i, name in enumerate(TERMINAL_LABELS)}
    fields = {name for name in names if (keyword := keyword_of_terminal(name)) is not None
              and keyword.key in _TASK_FIELD_KEYS}
    grouped = len(fields) >= 6
    if grouped:
        names -= fields

    def sort_key(name: str) -> tuple[int, int, str]:
        keyword = keyword_of_terminal(name)
        if keyword is not None:
            return (0, order[keyword.key], name)
        return (1, terminal_order.get(name, 999), name)

    labels: list[str] = ["任务的字段关键字 (a task field: "
                         "事项、对象、比例、频次、时间、发起、检查、配合、模式 …)"] if grouped else []
    for name in sorted(names, key=sort_key):
        label = terminal_label(name)
        if label not in labels:
            labels.append(label)
    return labels


def keyword_suggestion(found: str, expected: set[str]) -> Keyword | None:
    """The keyword a misspelt word most likely means (发启 → 发起, 頻次 → 频次, ratte → rate): a keyword
    allowed here whose spelling the word (or its start) misses by one character, or equals once
    Traditional characters are written Simplified; None when nothing is that close."""
    word = found.strip()
    if not word:
        return None
    candidates: list[tuple[int, int, Keyword]] = []
    for name in expected:
        keyword = keyword_of_terminal(name)
        if keyword is None:
            continue
        for spelling in keyword.spellings:
            if spelling.isascii():
                head = word[:len(spelling) + 1].lower()
                distance = _edit_distance(head.rstrip(), spelling.lower())
                if len(spelling) >= 4 and distance <= 1:
                    candidates.append((distance, -len(spelling), keyword))
                continue
            head = simplified(word[:len(spelling)])
            if len(spelling) >= 2 and len(head) == len(spelling):
                distance = _edit_distance(head, spelling)
                if distance <= 1:
                    candidates.append((distance, -len(spelling), keyword))
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c[0], c[1], c[2].key))[2]


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (small words only)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _join_labels(labels: list[str]) -> str:
    if not labels:
        return "其他内容 (something else)"
    if len(labels) == 1:
        return labels[0]
    return "、".join(labels[:-1]) + " 或 " + labels[-1]


def _found_description(token: Token) -> str:
    kind = token.type
    value = str(token)
    if kind == "$END":
        return TERMINAL_LABELS["$END"]
    shown = value if len(value) <= 24 else value[:23] + "…"
    if kind.startswith("_KW_"):
        return f'"{shown}" (关键字 keyword {terminal_label(kind)})'
    if kind == "NAME":
        for keyword in KEYWORDS:
            if value in keyword.spellings or value.lower() in keyword.english:
                return f'"{shown}" (关键字 keyword {keyword.label})'
        return f'名称 (name) "{shown}"'
    if kind == "STRING":
        return f"文本 (text) {shown}"
    if kind == "NUMBER":
        return f"数字 (number) {shown}"
    return f'"{shown}"'


def _syntax_hint(found: Token, expected: set[str]) -> str | None:
    folded = unicodedata.normalize("NFKC", str(found))
    if found.type != "$END" and folded != str(found) and folded.isascii():
        return f"改用半角字符 {folded} (type the half-width characters {folded})"
    if found.type == "$END" and "_RBRACE" in expected:
        return "有 { 没有对应的 }：检查上面的块是否闭合 (a block opened with { is not closed)"
    if found.type == "STRING" and "NAME" in expected:
        return ("部门、字段、方案名称不加引号 "
                "(names of departments, fields and profiles are written without quotes)")
    if found.type == "NAME" and "STRING" in expected:
        return '文本要用引号括起："…" 或 「…」 (put text in quotes)'
    if "_PERCENT" in expected and found.type != "$END":
        return "比例写作 20%、不低于 10% 或 20户 (write a rate as 20%, 不低于 10% or 20户)"
    if found.type.startswith("_KW_") and any(e.startswith("_KW_") for e in expected):
        return "每个字段以关键字开头，见 docs/language.md (each field starts with its keyword)"
    return None


def _really_expected(exc: UnexpectedToken) -> set[str]:
    """The terminals the parser would really accept here (LALR lookahead sets are merged across
    contexts; the interactive parser replays the reductions to find the true ones)."""
    try:
        accepts = exc.accepts if exc.interactive_parser is not None else None
    except Exception:  # pragma: no cover - fall back to the table's lookaheads
        accepts = None
    return set(accepts) if accepts else set(exc.expected)


def _syntax_diagnostic(exc: UnexpectedInput, text: str, file: str, at_file_end: bool) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        return _character_diagnostic(exc, text, file)
    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    expected = _really_expected(exc)
    if token.type == "$END":
        # the end of a recovery slice is not the end of the file: say what really comes next
        pos = token.start_pos if token.start_pos is not None else len(text)
        pos = min(pos, len(text))
        line, column = _position(text, pos)
        span = Span(line, column, line, column, pos, pos)
        at_end = at_file_end
        found = TERMINAL_LABELS["$END"] if at_end else "下一条语句 (the next statement)"
        hint = _syntax_hint(token, expected)
    else:
        span = _token_span(token)
        found = _found_description(token)
        hint = _syntax_hint(token, expected)
        guess = keyword_suggestion(str(token), expected) if token.type in ("NAME", "STRING") or \
            token.type.startswith("_KW_") else None
        if guess is not None and token.type != "STRING":
            return error(SSJ010_UNEXPECTED_TOKEN,
                         f"无法识别「{token}」：是否应为关键字「{guess.chinese}」？ "
                         f"(unknown word; did you mean {guess.chinese}, {guess.english[0]}?)", file, span,
                         hint=f"改为 {guess.chinese}（{guess.meaning or guess.english[0]}）" if guess.meaning
                         else f"改为 {guess.chinese}")
    message = f"这里应为 {_join_labels(_expected_labels(expected))}，但找到 {found} (unexpected token)"
    return error(SSJ010_UNEXPECTED_TOKEN, message, file, span, hint=hint)


def _character_diagnostic(exc: UnexpectedCharacters, text: str, file: str) -> Diagnostic:
    pos = exc.pos_in_stream
    char = text[pos] if pos < len(text) else ""
    line, column = _position(text, pos)
    span = Span(line, column, line, column + 1, pos, pos + 1)
    if char in ('"', "「"):
        closer = '"' if char == '"' else "」"
        return error(SSJ013_UNTERMINATED_TEXT,
                     f"文本缺少结尾的 {closer} (the text has no closing {closer} on this line)", file, span,
                     hint=f"在同一行用 {closer} 结束文本；文本中的 \" 写作 \\\" "
                          f"(close the text with {closer} on the same line; write \\\" for a quote inside)")
    expected = _join_labels(_expected_labels(exc.allowed or ()))
    description = _char_description(char)
    hint = _CHAR_HINTS.get(char)
    if hint is None:
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and folded.isascii() and folded.isprintable():
            hint = f"改用半角字符 {folded} (type the half-width character {folded})"
    if hint is not None:
        return error(SSJ012_FULLWIDTH,
                     f"这里不能用字符 (character not allowed here) {description}；这里应为 {expected}",
                     file, span, hint=hint, fixes=fullwidth_fixes(text, pos))
    return error(SSJ011_UNKNOWN_CHARACTER,
                 f"无法识别的字符 (unrecognised character) {description}；这里应为 {expected}", file, span,
                 hint="删除该字符或检查前面的内容 (remove the character or check what comes before it)")


def _position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _token_span(token: Token) -> Span:
    return Span(token.line or 0, token.column or 0, token.end_line or 0, token.end_column or 0,
                token.start_pos or 0, token.end_pos or 0)


def _meta_span(meta: Meta) -> Span:
    if getattr(meta, "empty", True):
        return NO_SPAN
    return Span(meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)


# ---------------------------------------------------------------- tree → AST

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}

_TASK_FIELD_LABELS = {
    "items": "事项 (items)",
    "scope": "对象 (scope)",
    "rate": "比例 (rate)",
    "rounds": "频次 (rounds)",
    "risk": "风险 (risk)",
    "window": "时间 (window)",
    "draw_window": "抽取 (draw-window)",
    "directed": "定向/不定向 (directed/undirected)",
    "lead": "发起 (lead)",
    "guide": "指导 (guide)",
    "inspect": "检查 (inspected-by)",
    "assist": "配合 (assist)",
    "modes": "模式 (mode)",
    "methods": "方式 (method)",
    "category": "类别 (category)",
    "remarks": "备注 (remarks)",
    "materials": "材料 (materials)",
    "group": "分组 (group)",
}
_JOINT_LABELS = {
    "tasks": "任务 (task)",
    "rate": "比例 (rate)",
    "remarks": "备注 (remarks)",
}
_HEADER_LABELS = {
    "year": "年度 (year)",
    "region": "地区 (region)",
    "division_code": "区划代码 (division)",
    "authority": "发文机关 (authority)",
    "plan_no": "计划编号 (plan-number)",
    "doc_number": "文号 (doc-number)",
    "contact": "联系人 (contact)",
    "phone": "电话 (phone)",
    "address": "地址 (address)",
    "site": "网站 (site)",
    "witnesses": "见证 (witness)",
    "publish_risk": "公开风险分类 (publish-risk-classes)",
    "materials": "材料 (materials)",
}
_DEPARTMENT_LABELS = {
    "full_name": "全称 (full-name)",
    "doc_number": "文号 (doc-number)",
    "contact": "联系人 (contact)",
    "phone": "电话 (phone)",
    "address": "地址 (address)",
    "site": "网站 (site)",
    "area": "辖区 (area)",
}
_ITEM_LABELS = {
    "inspect": "检查 (inspected-by)",
    "scope": "对象 (scope)",
    "basis": "依据 (basis)",
    "code": "代码 (code)",
    "category": "类别 (category)",
    "methods": "方式 (method)",
    "materials": "材料 (materials)",
}
_LEVEL_LABELS = {"by": "按 (by)", "members": "成员 (members)"}


_COUNT_UNIT = KEYWORDS_BY_KEY["count_unit"]


@dataclass(frozen=True)
class _Count:
    """A count as written: the number and its measure word (量词)."""

    value: int
    unit: str


@dataclass(frozen=True)
class _Field:
    """A task field, header setting or risk-level part before assembly: its slot, value and span."""

    slot: str
    value: Any
    span: Span


class _Builder:
    """Turns the Lark tree into `nodes` dataclasses and reports structural problems.

    Each grammar rule `r` has a method `r(meta, children)`. This is Lark's Transformer protocol with
    `v_args(meta=True)`, called directly: Lark wraps every such call in a fresh function wrapper, which
    made building the AST of a 1,000-task plan a third slower than parsing it."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.diagnostics: list[Diagnostic] = []

    def transform(self, tree: Tree) -> Any:
        """The node for `tree`, children first (recursion is bounded: `_too_deep` ran before)."""
        children = [self.transform(c) if isinstance(c, Tree) else c for c in tree.children]
        return getattr(self, tree.data)(tree.meta, children)

    # -- helpers
    def _error(self, code: str, message: str, span: Span, hint: str | None = None,
               related: tuple[Related, ...] = ()) -> None:
        self.diagnostics.append(error(code, message, self.file, span, hint, related))

    def _text(self, token: Token) -> Text:
        raw = str(token)
        span = _token_span(token)
        if raw.startswith("「"):
            return Text(raw[1:-1], span)
        body = raw[1:-1]
        if "\\" not in body:
            return Text(body, span)
        out: list[str] = []
        i = 0
        while i < len(body):
            char = body[i]
            if char == "\\" and i + 1 < len(body):
                nxt = body[i + 1]
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                else:
                    pos = (token.start_pos or 0) + 1 + i
                    line, column = _position(self.text, pos)
                    self._error(SSJ014_BAD_ESCAPE,
                                f"文本中有未知的转义 \\{nxt} (unknown escape \\{nxt} in text)",
                                Span(line, column, line, column + 2, pos, pos + 2),
                                hint='只能用 \\" \\\\ \\n \\t；反斜杠本身写作 \\\\ '
                                     "(write a backslash as \\\\)")
                    out.append(nxt)
                i += 2
                continue
            out.append(char)
            i += 1
        return Text("".join(out), span)

    def _whole(self, token: Token, what: str) -> int:
        value = Decimal(str(token))
        if value != value.to_integral_value():
            self._error(SSJ022_WHOLE_NUMBER,
                        f"{what}应为整数，不能是 {token} ({what} must be a whole number)",
                        _token_span(token), hint=f"写成整数，如 {int(value)} (write a whole number)")
        return int(value)

    def _integer(self, token: Token, what: str) -> Integer:
        return Integer(self._whole(token, what), _token_span(token))

    def _assemble(self, fields: list[_Field], labels: dict[str, str], where: str) -> dict[str, _Field]:
        """First occurrence of each slot wins; a second one is SSJ020 pointing at the first."""
        chosen: dict[str, _Field] = {}
        for item in fields:
            if item.slot not in labels:
                continue
            first = chosen.get(item.slot)
            if first is None:
                chosen[item.slot] = item
                continue
            label = labels[item.slot]
            self._error(SSJ020_DUPLICATE_FIELD,
                        f"{where}中 {label} 写了两次 ({label} is given twice in {where})",
                        item.span, hint="删除多余的一行；只保留第一处 (delete one; the first one is used)",
                        related=(Related("第一次出现在这里 (first given here)", first.span, self.file),))
        return chosen

    # -- plan
    def start(self, meta: Meta, children: list[Any]) -> Plan:
        headers = [c for c in children if isinstance(c, PlanHeader)]
        for extra in headers[1:]:
            self._error(SSJ021_DUPLICATE_HEADER, "计划 (plan) 块只能有一个 (only one 计划 block is allowed)",
                        extra.span, hint="把设置合并到第一个 计划 块 (merge it into the first 计划 block)",
                        related=(Related("第一个 计划 块 (the first 计划 block)", headers[0].span,
                                         self.file),))
        header = headers[0] if headers else PlanHeader(None, None, None, None, None, None, None, NO_SPAN)
        fields: list[FieldDecl] = []
        for child in children:
            if isinstance(child, tuple) and child and isinstance(child[0], FieldDecl):
                fields.extend(child)
        span = _meta_span(meta)
        if span == NO_SPAN:
            span = Span(1, 1, 1, 1, 0, 0)
        return Plan(
            header=header,
            fields=tuple(fields),
            departments=tuple(c for c in children if isinstance(c, Department)),
            profiles=tuple(c for c in children if isinstance(c, RiskProfile)),
            tasks=tuple(c for c in children if isinstance(c, Task)),
            span=span,
            levels=tuple(c for c in children if isinstance(c, Level)),
            joints=tuple(c for c in children if isinstance(c, JointDraw)),
        )

    def header(self, meta: Meta, children: list[Any]) -> PlanHeader:
        title = self._text(children[0])
        got = self._assemble(children[1:], _HEADER_LABELS, "计划 (plan)")

        def value(slot: str, default: Any = None) -> Any:
            return got[slot].value if slot in got else default

        return PlanHeader(title, value("year"), value("region"), value("division_code"), value("authority"),
                          value("doc_number"), value("contact"), _meta_span(meta), plan_no=value("plan_no"),
                          phone=value("phone"), address=value("address"), site=value("site"),
                          witnesses=value("witnesses", ()), publish_risk=value("publish_risk"),
                          materials=value("materials", ()))

    def set_year(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("year", self._integer(children[0], "年度 (year) "), _meta_span(meta))

    def _setting(self, slot: str, meta: Meta, children: list[Any]) -> _Field:
        return _Field(slot, self._text(children[0]), _meta_span(meta))

    def set_region(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("region", meta, children)

    def set_division(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("division_code", meta, children)

    def set_authority(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("authority", meta, children)

    def set_plan_no(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("plan_no", meta, children)

    def set_doc_number(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("doc_number", meta, children)

    def set_contact(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("contact", meta, children)

    def set_phone(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("phone", meta, children)

    def set_address(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("address", meta, children)

    def set_site(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("site", meta, children)

    def set_full_name(self, meta: Meta, children: list[Any]) -> _Field:
        return self._setting("full_name", meta, children)

    def set_witness(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("witnesses", children[0], _meta_span(meta))

    def set_area(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("area", children[0], _meta_span(meta))

    def set_publish_risk(self, meta: Meta, children: list[Any]) -> _Field:
        span = _meta_span(meta)
        return _Field("publish_risk", span, span)

    def _texts(self, children: list[Any]) -> tuple[Text, ...]:
        return tuple(self._text(c) for c in children if isinstance(c, Token) and c.type == "STRING")

    def set_materials(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("materials", self._texts(children), _meta_span(meta))

    def materials(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("materials", self._texts(children), _meta_span(meta))

    def text_list(self, meta: Meta, children: list[Any]) -> tuple[Text, ...]:
        return self._texts(children)

    # -- fields, departments, units, levels
    def fields_decl(self, meta: Meta, children: list[Any]) -> tuple[FieldDecl, ...]:
        return tuple(children)

    def field_decl(self, meta: Meta, children: list[Any]) -> FieldDecl:
        name, kind = children
        return FieldDecl(_name(name), kind, _meta_span(meta))

    def kind_text(self, meta: Meta, children: list[Any]) -> FieldKind:
        return FieldKind.TEXT

    def kind_list(self, meta: Meta, children: list[Any]) -> FieldKind:
        return FieldKind.LIST

    def kind_money(self, meta: Meta, children: list[Any]) -> FieldKind:
        return FieldKind.MONEY

    def kind_number(self, meta: Meta, children: list[Any]) -> FieldKind:
        return FieldKind.NUMBER

    def kind_date(self, meta: Meta, children: list[Any]) -> FieldKind:
        return FieldKind.DATE

    def department(self, meta: Meta, children: list[Any]) -> Department:
        name, aliases, *settings = children
        units = tuple(c for c in settings if isinstance(c, Unit))
        got = self._assemble([c for c in settings if isinstance(c, _Field)], _DEPARTMENT_LABELS,
                             f"部门 {name}")

        def value(slot: str, default: Any = None) -> Any:
            return got[slot].value if slot in got else default

        return Department(_name(name), aliases or (), _meta_span(meta), units=units,
                          full_name=value("full_name"), doc_number=value("doc_number"),
                          contact=value("contact"), phone=value("phone"), address=value("address"),
                          site=value("site"), area=value("area", ()))

    def unit(self, meta: Meta, children: list[Any]) -> Unit:
        name, aliases = children
        return Unit(_name(name), aliases or (), _meta_span(meta))

    def name_list(self, meta: Meta, children: list[Any]) -> tuple[Name, ...]:
        return tuple(_name(t) for t in children)

    def level(self, meta: Meta, children: list[Any]) -> Level:
        name, text, *parts = children
        got = self._assemble(parts, _LEVEL_LABELS, f"层级 {name}")
        members = got["members"].value if "members" in got else ()
        by = got["by"].value if "by" in got else None
        return Level(_name(name), self._text(text) if text is not None else None, by, members,
                     _meta_span(meta))

    def level_by(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("by", _name(children[0]), _meta_span(meta))

    def level_members(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("members", children[0], _meta_span(meta))

    # -- profiles
    def profile(self, meta: Meta, children: list[Any]) -> RiskProfile:
        name, description, by, *levels = children
        return RiskProfile(_name(name), self._text(description) if description is not None else None,
                           tuple(levels), _meta_span(meta), by=_name(by) if by is not None else None)

    def risk_level(self, meta: Meta, children: list[Any]) -> RiskLevel:
        risk, *parts = children
        shown = risk.chinese if isinstance(risk, RiskClass) else risk.value
        got = self._assemble(parts, {"rate": "比例 (rate)", "rounds": "频次 (rounds)"},
                             f"风险等级 {shown}")
        rate_part = got.get("rate")
        how = rate_part.value if rate_part is not None else None
        multiplier = how if isinstance(how, Decimal) else None
        rate = how if isinstance(how, Rate) else None
        rounds = got["rounds"].value if "rounds" in got else None
        exclude = any(isinstance(p, _Field) and p.slot == "exclude" for p in parts)
        return RiskLevel(risk, multiplier, rate, rounds, _meta_span(meta), exclude=exclude)

    def class_low(self, meta: Meta, children: list[Any]) -> RiskClass:
        return RiskClass.LOW

    def class_medium(self, meta: Meta, children: list[Any]) -> RiskClass:
        return RiskClass.MEDIUM

    def class_higher(self, meta: Meta, children: list[Any]) -> RiskClass:
        return RiskClass.HIGHER

    def class_high(self, meta: Meta, children: list[Any]) -> RiskClass:
        return RiskClass.HIGH

    def class_unclassified(self, meta: Meta, children: list[Any]) -> RiskClass:
        return RiskClass.UNCLASSIFIED

    def class_named(self, meta: Meta, children: list[Any]) -> Text:
        return self._text(children[0])

    def level_multiplier(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("rate", _decimal(children[0]), _meta_span(meta))

    def level_rate(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("rate", children[0], _meta_span(meta))

    def level_rounds(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("rounds", children[0], _meta_span(meta))

    def level_exclude(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("exclude", True, _meta_span(meta))

    # -- tasks
    def _fields(self, fields: list[Any], where: str) -> dict[str, Any]:
        """The task fields of a task or a sub-row, as keyword arguments of `TaskFields`."""
        plain = [f for f in fields if isinstance(f, _Field)]
        got = self._assemble(plain, _TASK_FIELD_LABELS, where)
        values: dict[str, Any] = {slot: got[slot].value for slot in got}
        values["batches"] = tuple(f.value for f in plain if f.slot == "batch")
        if isinstance(values.get("assist"), Unstated):
            values["assist_unstated"] = values.pop("assist")
        return values

    def joint(self, meta: Meta, children: list[Any]) -> JointDraw:
        name, *parts = children
        shown = self._text(name) if name is not None else None
        where = f"合并抽取 {shown.value if shown is not None else ''} (joint draw)".replace("  ", " ")
        got = self._assemble([p for p in parts if isinstance(p, _Field)], _JOINT_LABELS, where)
        return JointDraw(shown, got["tasks"].value if "tasks" in got else (),
                         got["rate"].value if "rate" in got else None,
                         got["remarks"].value if "remarks" in got else None, _meta_span(meta))

    def joint_tasks(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("tasks", tuple(children), _meta_span(meta))

    def task(self, meta: Meta, children: list[Any]) -> Task:
        code, name, *fields = children
        where = f"任务 {code.text} (task {code.text})"
        parts = tuple(f for f in fields if isinstance(f, Part))
        return Task(code=code, name=self._text(name), parts=parts, span=_meta_span(meta),
                    **self._fields(fields, where))

    def code_number(self, meta: Meta, children: list[Any]) -> TaskCode:
        token = children[0]
        self._whole(token, "任务序号 (task number) ")
        digits = unicodedata.normalize("NFKC", str(token))
        return TaskCode(digits.split(".")[0], _token_span(token))

    def code_text(self, meta: Meta, children: list[Any]) -> TaskCode:
        """A quoted 序号 in NFKC form without outer spaces: "１２" is task 12, as the number 12 is."""
        return TaskCode(unicodedata.normalize("NFKC", self._text(children[0]).value).strip(),
                        _token_span(children[0]))

    def part(self, meta: Meta, children: list[Any]) -> Part:
        label, *fields = children
        shown = self._text(label) if label is not None else None
        where = f"子项 {shown.value if shown is not None else ''} (part)".replace("  ", " ")
        return Part(label=shown, span=_meta_span(meta), **self._fields(fields, where))

    def items_block(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("items", tuple(c for c in children if isinstance(c, Item)), _meta_span(meta))

    def items_single(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("items", (children[0],), _meta_span(meta))

    def item(self, meta: Meta, children: list[Any]) -> Item:
        text, *attributes = children
        node = self._text(text)
        got = self._assemble([a for a in attributes if isinstance(a, _Field)], _ITEM_LABELS,
                             f"事项「{node.value}」")

        def value(slot: str, default: Any = None) -> Any:
            return got[slot].value if slot in got else default

        return Item(node, _meta_span(meta), basis=value("basis"), code=value("code"),
                    category=value("category"), methods=value("methods", ()),
                    materials=value("materials", ()), inspect=value("inspect", ()), scope=value("scope"))

    def item_inspect(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("inspect", children[0], _meta_span(meta))

    def item_scope(self, meta: Meta, children: list[Any]) -> _Field:
        text, selector = children
        span = _meta_span(meta)
        return _Field("scope", Scope(self._text(text), selector, span), span)

    def group(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("group", self._text(children[0]), _meta_span(meta))

    def item_basis(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("basis", self._text(children[0]), _meta_span(meta))

    def item_code(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("code", self._text(children[0]), _meta_span(meta))

    def category(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("category", self._text(children[0]), _meta_span(meta))

    def methods(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("methods", children[0], _meta_span(meta))

    def remarks(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("remarks", self._text(children[0]), _meta_span(meta))

    def scope(self, meta: Meta, children: list[Any]) -> _Field:
        text, selector, base = children
        span = _meta_span(meta)
        return _Field("scope", Scope(self._text(text), selector, span, base), span)

    def scope_base(self, meta: Meta, children: list[Any]) -> Base:
        about, counted, note = children
        return Base(counted.value, about is not None, counted.unit,
                    self._text(note) if note is not None else None, _meta_span(meta))

    def rate_field(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("rate", children[0], _meta_span(meta))

    def subgroup_rates(self, meta: Meta, children: list[Any]) -> _Field:
        span = _meta_span(meta)
        *rest, overall, planned = children
        rules = tuple(c for c in rest if isinstance(c, SubgroupRule))
        return _Field("rate", SubgroupRates(rules, span, planned, overall), span)

    def count_rates(self, meta: Meta, children: list[Any]) -> _Field:
        span = _meta_span(meta)
        return _Field("rate", CountRates(tuple(c for c in children if c is not None), span), span)

    def rounds_field(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("rounds", children[0], _meta_span(meta))

    def risk_ref(self, meta: Meta, children: list[Any]) -> _Field:
        name, text = children
        span = _meta_span(meta)
        override = self._text(text) if text is not None else None
        return _Field("risk", RiskRef(_name(name), override, span), span)

    def risk_none(self, meta: Meta, children: list[Any]) -> _Field:
        (text,) = children
        span = _meta_span(meta)
        return _Field("risk", RiskRef(None, self._text(text) if text is not None else None, span), span)

    def risk_label(self, meta: Meta, children: list[Any]) -> _Field:
        span = _meta_span(meta)
        return _Field("risk", RiskRef(None, self._text(children[0]), span, label=True), span)

    def window(self, meta: Meta, children: list[Any]) -> _Field:
        tentative, window = children
        if tentative is not None:
            window = replace(window, tentative=True)
        return _Field("window", window, _meta_span(meta))

    def tentative(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def draw_window(self, meta: Meta, children: list[Any]) -> _Field:
        window = next((c for c in children if isinstance(c, Window)), None)
        note = next((c for c in children if isinstance(c, Token)), None)
        days = next((c for c in children if isinstance(c, int) and not isinstance(c, bool)), None)
        span = _meta_span(meta)
        return _Field("draw_window", DrawWindow(window, self._text(note) if note is not None else None, span,
                                                days), span)

    def each_round_draw(self, meta: Meta, children: list[Any]) -> int:
        return self._whole(children[0], "抽取天数 (days) ")

    def window_range(self, meta: Meta, children: list[Any]) -> Window:
        start, end = children
        span = Span.merge(start.span, end.span if end is not None else start.span)
        return Window(start, end, span)

    def window_before(self, meta: Meta, children: list[Any]) -> Window:
        return Window(children[0], None, _meta_span(meta), WindowKind.BEFORE)

    def window_month_end(self, meta: Meta, children: list[Any]) -> Window:
        return Window(children[0], None, _meta_span(meta), WindowKind.MONTH_END)

    def window_year_end(self, meta: Meta, children: list[Any]) -> Window:
        return Window(None, None, _meta_span(meta), WindowKind.YEAR_END)

    def window_whole_year(self, meta: Meta, children: list[Any]) -> Window:
        return Window(None, None, _meta_span(meta), WindowKind.WHOLE_YEAR)

    def batch(self, meta: Meta, children: list[Any]) -> _Field:
        name, deadline = children
        span = _meta_span(meta)
        return _Field("batch", Batch(self._text(name), deadline, span), span)

    def directed(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("directed", True, _meta_span(meta))

    def undirected(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("directed", False, _meta_span(meta))

    def lead(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("lead", _name(children[0]), _meta_span(meta))

    def guide(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("guide", _name(children[0]), _meta_span(meta))

    def inspect(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("inspect", children[0], _meta_span(meta))

    def assist(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("assist", children[0], _meta_span(meta))

    def assist_unstated(self, meta: Meta, children: list[Any]) -> Unstated:
        (note,) = children
        return Unstated(self._text(note) if note is not None else None, _meta_span(meta))

    def mode(self, meta: Meta, children: list[Any]) -> _Field:
        return _Field("modes", children[0], _meta_span(meta))

    # -- rates
    def rate(self, meta: Meta, children: list[Any]) -> Rate:
        annual, all_levels, main, min_count, planned, ceiling, drawn_by = children
        changes: dict[str, Any] = {"span": _meta_span(meta), "annual": annual is not None,
                                   "all_levels": all_levels is not None, "ceiling": ceiling,
                                   "drawn_by": drawn_by}
        if min_count is not None:
            changes["min_count"] = min_count.value
            if main.count is None:
                changes["count_unit"] = min_count.unit
        if planned is not None:
            changes["planned"] = planned
        return replace(main, **changes)

    def drawn_by(self, meta: Meta, children: list[Any]) -> Text:
        return self._text(children[0])

    def ceiling(self, meta: Meta, children: list[Any]) -> Decimal:
        return children[-1]

    def annual(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def all_levels(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def _rate(self, meta: Meta, percent: Decimal | None = None, at_least: bool = False,
              count: _Count | None = None, **extra: Any) -> Rate:
        unit = count.unit if count is not None else _COUNT_UNIT.chinese
        return Rate(percent, at_least, count.value if count is not None else None, None, _meta_span(meta),
                    unit, **extra)

    def rate_exact(self, meta: Meta, children: list[Any]) -> Rate:
        return self._rate(meta, children[0])

    def rate_floor(self, meta: Meta, children: list[Any]) -> Rate:
        return self._rate(meta, children[0], at_least=True)

    def rate_count(self, meta: Meta, children: list[Any]) -> Rate:
        return self._rate(meta, count=children[0])

    def rate_count_floor(self, meta: Meta, children: list[Any]) -> Rate:
        return self._rate(meta, at_least=True, count=children[0])

    def rate_range(self, meta: Meta, children: list[Any]) -> Rate:
        low, upper = children[0], children[-1]
        return self._rate(meta, _decimal(low), at_least=True, upper=upper)

    def rate_count_range(self, meta: Meta, children: list[Any]) -> Rate:
        low, upper = children[0], children[-1]
        written = _Count(self._whole(low, "户数 (a count) "), upper.unit)
        return self._rate(meta, at_least=True, count=written, upper=Decimal(upper.value))

    def rate_per_inspector(self, meta: Meta, children: list[Any]) -> Rate:
        floor, counted = children
        return self._rate(meta, count=counted, at_least=floor is not None, per_inspector=True)

    def at_least(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def rate_staff_ratio(self, meta: Meta, children: list[Any]) -> Rate:
        floor, inspectors, subjects = children
        return self._rate(meta, at_least=floor is not None,
                          staff_ratio=(_decimal(inspectors), _decimal(subjects)))

    def rate_exclude(self, meta: Meta, children: list[Any]) -> Rate:
        return self._rate(meta, exclude=True)

    def rate_unstated(self, meta: Meta, children: list[Any]) -> Rate:
        (note,) = children
        return self._rate(meta, unstated=True, unstated_text=self._text(note) if note is not None else None)

    def min_count(self, meta: Meta, children: list[Any]) -> _Count:
        return children[0]

    def planned(self, meta: Meta, children: list[Any]) -> Planned:
        counted = children[-1]
        approx = any(c is True for c in children[:-1])
        return Planned(counted.value, approx, counted.unit, _meta_span(meta))

    def about(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def percent(self, meta: Meta, children: list[Any]) -> Decimal:
        return _decimal(children[0])

    def count(self, meta: Meta, children: list[Any]) -> _Count:
        number, unit = children
        return _Count(self._whole(number, "户数 (a count) "), unit)

    def count_unit(self, meta: Meta, children: list[Any]) -> str:
        """The measure word as written (户 家 所 个, Traditional 戶 個 read as 户 个);
        English `subjects` is 户."""
        written = simplified(self.text[meta.start_pos:meta.end_pos])
        return written if written in _COUNT_UNIT.spellings and not written.isascii() else _COUNT_UNIT.chinese

    def rounds(self, meta: Meta, children: list[Any]) -> Rounds:
        floor, (times, period), independent = children
        return Rounds(times, _meta_span(meta), period, floor is not None, independent is not None)

    def rounds_floor(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def independent(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def _rounds_count(self, children: list[Any], period: Period) -> tuple[int, Period]:
        number = next(c for c in children if isinstance(c, Token) and c.type == "NUMBER")
        return self._whole(number, "频次 (rounds) "), period

    def per_year(self, meta: Meta, children: list[Any]) -> tuple[int, Period]:
        return self._rounds_count(children, Period.YEAR)

    def per_quarter(self, meta: Meta, children: list[Any]) -> tuple[int, Period]:
        return self._rounds_count(children, Period.QUARTER)

    def per_month(self, meta: Meta, children: list[Any]) -> tuple[int, Period]:
        return self._rounds_count(children, Period.MONTH)

    def per_half_year(self, meta: Meta, children: list[Any]) -> tuple[int, Period]:
        return self._rounds_count(children, Period.HALF_YEAR)

    def subgroup_rule(self, meta: Meta, children: list[Any]) -> SubgroupRule:
        label, selector, rate = children
        shown = self._text(label) if label is not None else None
        return SubgroupRule(shown, selector, rate, _meta_span(meta))

    def count_rule(self, meta: Meta, children: list[Any]) -> CountRule:
        (op, threshold), rate = children
        return CountRule(op, threshold, rate, _meta_span(meta))

    def _cond(self, op: CompareOp, children: list[Any]) -> tuple[CompareOp, int]:
        return op, self._whole(children[0], "总数条件 (the count condition) ")

    def cond_le(self, meta: Meta, children: list[Any]) -> tuple[CompareOp, int]:
        return self._cond(CompareOp.LE, children)

    def cond_lt(self, meta: Meta, children: list[Any]) -> tuple[CompareOp, int]:
        return self._cond(CompareOp.LT, children)

    def cond_gt(self, meta: Meta, children: list[Any]) -> tuple[CompareOp, int]:
        return self._cond(CompareOp.GT, children)

    def cond_ge(self, meta: Meta, children: list[Any]) -> tuple[CompareOp, int]:
        return self._cond(CompareOp.GE, children)

    # -- windows
    def date_cn(self, meta: Meta, children: list[Any]) -> DatePoint:
        next_year, year, month, day = children
        return DatePoint(year, self._whole(month, "月份 (the month) "), day, next_year is not None,
                         _meta_span(meta))

    def bare_month(self, meta: Meta, children: list[Any]) -> DatePoint:
        return DatePoint(None, self._whole(children[0], "月份 (the month) "), None, False, _meta_span(meta))

    def _date_parts(self, meta: Meta, token: Token, separator: str) -> DatePoint:
        parts = [int(p) for p in str(token).split(separator)]
        day = parts[2] if len(parts) == 3 else None
        return DatePoint(parts[0], parts[1], day, False, _meta_span(meta))

    def date_iso(self, meta: Meta, children: list[Any]) -> DatePoint:
        return self._date_parts(meta, children[0], "-")

    def date_slash(self, meta: Meta, children: list[Any]) -> DatePoint:
        return self._date_parts(meta, children[0], "/")

    def date_dot(self, meta: Meta, children: list[Any]) -> DatePoint:
        return self._date_parts(meta, children[0], ".")

    def next_year(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def year_part(self, meta: Meta, children: list[Any]) -> int:
        return self._whole(children[0], "年份 (the year) ")

    def day_part(self, meta: Meta, children: list[Any]) -> int:
        return self._whole(children[0], "日期 (the day) ")

    # -- selectors
    def or_expr(self, meta: Meta, children: list[Any]) -> Or:
        return Or(tuple(children), _meta_span(meta))

    def and_expr(self, meta: Meta, children: list[Any]) -> And:
        return And(tuple(children), _meta_span(meta))

    def not_expr(self, meta: Meta, children: list[Any]) -> Not:
        return Not(children[0], _meta_span(meta))

    def compare(self, meta: Meta, children: list[Any]) -> Compare:
        field, op, value = children
        return Compare(_name(field), op, value, _meta_span(meta))

    def op_eq(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.EQ

    def op_ne(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.NE

    def op_lt(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.LT

    def op_le(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.LE

    def op_gt(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.GT

    def op_ge(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.GE

    def op_contains(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.CONTAINS

    def op_in(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.IN

    def op_not_in(self, meta: Meta, children: list[Any]) -> CompareOp:
        return CompareOp.NOT_IN

    def value_list(self, meta: Meta, children: list[Any]) -> ValueList:
        return ValueList(tuple(c for c in children if c is not None), _meta_span(meta))

    def text_value(self, meta: Meta, children: list[Any]) -> Text:
        return self._text(children[0])

    def number_value(self, meta: Meta, children: list[Any]) -> Number:
        return Number(_decimal(children[0]), _meta_span(meta))

    def money_value(self, meta: Meta, children: list[Any]) -> Money:
        amount, factor = children
        return Money(_decimal(amount) * factor, _meta_span(meta))

    def unit_wan(self, meta: Meta, children: list[Any]) -> Decimal:
        return Decimal(1)

    def unit_yi(self, meta: Meta, children: list[Any]) -> Decimal:
        return Decimal(10000)

    def unit_yuan(self, meta: Meta, children: list[Any]) -> Decimal:
        return Decimal("0.0001")


def _name(token: Token) -> Name:
    return Name(str(token), _token_span(token))


def _decimal(token: Token) -> Decimal:
    """Digits as written (full-width digits allowed), e.g. 1.5 or ２０."""
    return Decimal(unicodedata.normalize("NFKC", str(token)))
