"""Structured fixes (快速修复) that diagnostics carry, so an editor can apply them with one click.

The checker and the parser say *what* is wrong; this module says how to rewrite the source to
make it right, as `Fix` values (a title and `Edit`s on spans). Fixes are built only where the right
rewrite is clear: a misspelt department or profile (the did-you-mean), a department that is not
declared (declare it, or add the written name as an alias 又称 of the suggested one), and full-width
punctuation (SSJ012). Keywords in inserted text come from `ssjlang.language.keywords` (the Chinese form,
which every plan accepts).
"""

from __future__ import annotations

import unicodedata

from ..diagnostics import Edit, Fix, insertion_at
from ..language.keywords import KEYWORDS_BY_KEY
from ..language.nodes import Department, Name, Plan, Span, Unit


def replace_name(name: Name, new: str) -> Fix:
    """Write `new` where the misspelt `name` is (the did-you-mean of SSJ104, SSJ108)."""
    return Fix(f"改为「{new}」 (replace with {new})", (Edit(name.span, new),))


def declare_department(plan: Plan, name: str) -> Fix:
    """Declare `name` as a new department: after the last 部门 line, else after the 计划 block, else
    before the first task."""
    keyword = KEYWORDS_BY_KEY["department"].chinese
    if plan.departments:
        edit = Edit(insertion_at(plan.departments[-1].span, end=True), f"\n{keyword} {name}")
    elif plan.header.span.line > 0:
        edit = Edit(insertion_at(plan.header.span, end=True), f"\n\n{keyword} {name}")
    else:
        edit = Edit(
            insertion_at(plan.tasks[0].span if plan.tasks else plan.span, end=False), f"{keyword} {name}\n\n"
        )
    return Fix(f"声明部门「{name}」 (declare the department {name})", (edit,))


def add_alias(declared: Department | Unit, alias: str) -> Fix:
    """Add `alias` to a department's or unit's 又称 list (the written name is a short form of it)."""
    if declared.aliases:
        edit = Edit(insertion_at(declared.aliases[-1].span, end=True), f"、{alias}")
    else:
        keyword = KEYWORDS_BY_KEY["alias"].chinese
        edit = Edit(insertion_at(declared.name.span, end=True), f" {keyword} {alias}")
    name = declared.name.value
    return Fix(f"在「{name}」的声明中加上 又称 {alias} (add {alias} as an alias of {name})", (edit,))


def unknown_department_fixes(plan: Plan, name: Name, suggestion: str | None) -> tuple[Fix, ...]:
    """SSJ104: use the suggested department or unit (preferred), make the written name its alias, or
    declare the written name as a department of its own. (A level, 层级, has no aliases.)"""
    fixes: list[Fix] = []
    if suggestion is not None:
        fixes.append(replace_name(name, suggestion))
        declared = [d for department in plan.departments for d in (department, *department.units)]
        target = next((d for d in declared if d.name.value == suggestion), None)
        if target is not None:
            fixes.append(add_alias(target, name.value))
    fixes.append(declare_department(plan, name.value))
    return tuple(fixes)


# ---------------------------------------------------------------- full-width punctuation (SSJ012)

_QUOTE_PAIRS = {"“": "”", "‘": "’", "『": "』"}
"""Quotes that cannot start a text; the fix rewrites the pair as 「…」, which needs no escapes."""

_DELETABLE = {"。": "删除句号 (delete the full stop)"}


def _span(text: str, start: int, end: int) -> Span:
    """The span of text[start:end] (on one line)."""
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Span(line, column, line, column + end - start, start, end)


def fullwidth_fixes(text: str, pos: int) -> tuple[Fix, ...]:
    """SSJ012 at text[pos]: the half-width character, 「…」 for a quoted text, or no full stop."""
    char = text[pos]
    closer = _QUOTE_PAIRS.get(char)
    if closer is not None:
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end < 0 else line_end
        close = text.find(closer, pos + 1, line_end)
        if close < 0 or "」" in text[pos + 1 : close]:
            return ()
        edits = (Edit(_span(text, pos, pos + 1), "「"), Edit(_span(text, close, close + 1), "」"))
        return (Fix(f"改用直角引号 「…」 (quote the text with 「…」 instead of {char}…{closer})", edits),)
    if char in _DELETABLE:
        return (Fix(_DELETABLE[char], (Edit(_span(text, pos, pos + 1), ""),)),)
    folded = unicodedata.normalize("NFKC", char)
    if folded != char and folded.isascii() and folded.isprintable():
        return (
            Fix(
                f"改用半角字符 {folded} (type the half-width {folded})",
                (Edit(_span(text, pos, pos + 1), folded),),
            ),
        )
    return ()
