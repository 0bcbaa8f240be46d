"""docs/language.md is tested: its examples parse and check as their fences say, its keyword table is
ssjlang/language/keywords.py's, and the diagnostic codes and pages it links exist.

Every fenced block of the page says what it is in its info string; a block that says `ssj` is checked:

    ```ssj                   a whole plan, checked as it stands
    ```ssj preamble          a whole plan with exactly one task: the context of the fragments below
    ```ssj statements        top-level statements (a 计划 header, 名录字段, 部门, 层级, 风险递加, 任务 …)
                             checked inside a context plan; what they declare replaces the context's
                             declaration of the same name, their tasks replace the context's tasks
    ```ssj fields            task fields (比例, 频次, 子项 …) written over the context's template task

Options after the kind: `from=NAME` takes the context from plans/NAME.ssj or tests/plans/corpus/NAME.ssj
(else the page's `ssj preamble` block) and requires every line of the block that is not a comment to be a
line of that file, so a quotation cannot drift from the plan it quotes; `task=N` names the template task of
`from=` (the preamble's task otherwise); `expect=SSJ150,SSJ119` is the exact set of diagnostic codes the
check reports (none when absent, so a new warning or error fails the block); `canonical` says the block is
exactly what `ssj fmt` writes; `id=X` / `same-as=X` say two blocks parse to the same plan (a plan written
with English keywords against its Chinese original). Blocks in other languages say so (`text`, `sh`):
a fence without an info string fails, so no example escapes the test by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from functools import cache
from pathlib import Path

import pytest

from ssjlang.check.checker import check
from ssjlang.check.resolve import merged_fields, resolve_plan, resolve_window
from ssjlang.diagnostics import Diagnostic, Severity
from ssjlang.language.formatter import format_plan
from ssjlang.language.keywords import KEYWORDS, KEYWORDS_BY_KEY
from ssjlang.language.nodes import Plan, Task, TaskFields, strip_spans
from ssjlang.language.parser import parse

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "language.md"
INDEX = ROOT / "docs" / "diagnostics.md"
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
LANGUAGES = {"ssj", "text", "sh"}
KINDS = {"preamble", "statements", "fields"}
PENDING_SPECS = {"spec/SSJ-DRAW-X1.md", "spec/SSJ-DRAW-X2.md", "spec/SSJ-DRAW-X3.md", "spec/SSJ-DRAW-X4.md",
                 "spec/SSJ-DRAW-X5.md", "spec/SSJ-ORG-1.md"}
"""Specifications written in parallel with this page: linked by name before they exist."""
FRAGMENT_TASK = '任务 "片段" "片段" {'
"""The task header a `fields` block is parsed under before it is written over the template task."""


@dataclass(frozen=True)
class Block:
    """One fenced block of the page: where it starts, what its info string says, its text."""

    line: int
    language: str
    kind: str | None
    options: dict[str, str]
    flags: frozenset[str]
    text: str

    @property
    def name(self) -> str:
        extra = " ".join([*(self.kind or "",), *(f"{k}={v}" for k, v in self.options.items())]).strip()
        return f"docs/language.md:{self.line} ({extra or 'plan'})"


def _blocks() -> list[Block]:
    text = DOC.read_text(encoding="utf-8")
    out = []
    for match in FENCE.finditer(text):
        words = match.group("info").split()
        line = text.count("\n", 0, match.start()) + 1
        language = words[0] if words else ""
        kind = next((w for w in words[1:] if w in KINDS), None)
        options = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        flags = frozenset(w for w in words[1:] if "=" not in w and w not in KINDS)
        out.append(Block(line, language, kind, options, flags, match.group("body")))
    return out


BLOCKS = _blocks()
SSJ_BLOCKS = [b for b in BLOCKS if b.language == "ssj"]


# ---------------------------------------------------------------- contexts


def _plan_path(name: str) -> Path:
    for path in (ROOT / "plans" / f"{name}.ssj", ROOT / "tests" / "plans" / "corpus" / f"{name}.ssj"):
        if path.is_file():
            return path
    raise AssertionError(f"from={name}: no plans/{name}.ssj or tests/plans/corpus/{name}.ssj")


@cache
def _context_text(name: str | None) -> str:
    if name is not None:
        return _plan_path(name).read_text(encoding="utf-8")
    preambles = [b for b in SSJ_BLOCKS if b.kind == "preamble"]
    assert len(preambles) == 1, "docs/language.md needs exactly one ```ssj preamble block"
    return preambles[0].text


def _without_comment(line: str) -> str:
    """A line without a trailing comment set off by two spaces (`比例 5%  # …`), stripped."""
    return re.split(r"\s{2,}(?:#|//)", line, maxsplit=1)[0].strip()


def _quoted_lines_missing(block: Block) -> list[str]:
    """The block's lines that are not lines of the plan its from= names (comments and blank lines aside)."""
    name = block.options.get("from")
    if name is None:
        return []
    source = {_without_comment(line) for line in _context_text(name).splitlines()}
    return [line.strip() for line in block.text.splitlines()
            if _without_comment(line) and not line.strip().startswith(("#", "//"))
            and _without_comment(line) not in source]


def _shown(diagnostics: list[Diagnostic], offset_lines: int = 0) -> str:
    return "\n".join(f"  {d.code} line {d.span.line - offset_lines}: {d.message}" for d in diagnostics)


def _parsed(text: str, name: str) -> Plan:
    result = parse(text, name)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert result.plan is not None and not errors, f"{name} does not parse:\n{_shown(result.diagnostics)}"
    return result.plan


@cache
def _context_plan(name: str | None) -> Plan:
    return _parsed(_context_text(name), f"context {name or 'preamble'}")


def _in_context(block: Block) -> tuple[Plan | None, list[Diagnostic], int]:
    """The plan a fragment stands for — the context plan with the fragment's declarations and tasks (or
    fields) in place of the context's — what parsing the fragment reported, and how many lines come before
    the fragment's first line.

    The fragment is parsed on its own after as many blank lines as the context has characters, so its
    positions (which the checker uses to tell fields apart) never coincide with the context's."""
    context = _context_plan(block.options.get("from"))
    padding = "\n" * len(_context_text(block.options.get("from")))
    if block.kind == "fields":
        result = parse(padding + FRAGMENT_TASK + "\n" + block.text + "}\n", block.name)
        if result.plan is None:
            return None, result.diagnostics, len(padding) + 1
        (fragment,) = result.plan.tasks
        template = _template(context, block)
        merged = merged_fields(template, fragment)  # type: ignore[arg-type]
        values = {f.name: getattr(merged, f.name) for f in dataclass_fields(TaskFields)}
        task = Task(code=template.code, name=template.name, parts=fragment.parts or template.parts, **values)
        plan = replace(context, tasks=(task,), **_joints(result.plan))
        return plan, result.diagnostics, len(padding) + 1
    result = parse(padding + block.text, block.name)
    if result.plan is None:
        return None, result.diagnostics, len(padding)
    fragment_plan = result.plan

    def kept(mine: tuple, theirs: tuple) -> tuple:
        ours = {n.name.value for n in mine}
        return tuple(n for n in theirs if n.name.value not in ours) + mine

    header = fragment_plan.header if fragment_plan.header.title is not None else context.header
    plan = replace(context, header=header, fields=kept(fragment_plan.fields, context.fields),
                   departments=kept(fragment_plan.departments, context.departments),
                   levels=kept(fragment_plan.levels, context.levels),
                   profiles=kept(fragment_plan.profiles, context.profiles), tasks=fragment_plan.tasks,
                   **_joints(fragment_plan))
    return plan, result.diagnostics, len(padding)


def _joints(fragment: Plan) -> dict[str, tuple]:
    """The fragment's joint draws (合并抽取) only: the context's name tasks the fragment has replaced."""
    if not hasattr(fragment, "joints"):
        return {}
    return {"joints": fragment.joints}


def _template(context: Plan, block: Block) -> Task:
    """The task a `fields` block is written over: `task=N` of its plan, or the preamble's only task."""
    if "task" in block.options:
        found = [t for t in context.tasks if t.code.text == block.options["task"]]
        assert found, f"{block.name}: the context has no task {block.options['task']}"
        return found[0]
    assert len(context.tasks) == 1, f"{block.name}: say task=N (the context has {len(context.tasks)} tasks)"
    return context.tasks[0]


def _diagnostics(block: Block) -> tuple[Plan | None, list[Diagnostic], int]:
    """The plan of a block and what parsing and checking it report (a plan without errors is resolved too)."""
    if block.kind in (None, "preamble"):
        result = parse(block.text, block.name)
        plan, diagnostics, lines = result.plan, list(result.diagnostics), 0
    else:
        plan, diagnostics, lines = _in_context(block)
    if plan is None:
        return None, diagnostics, lines
    checked = check(plan, block.name)
    if block.kind in ("statements", "fields") and not plan.tasks:  # declarations shown on their own
        checked = [d for d in checked if d.code != "SSJ109"]
    diagnostics += checked
    if not any(d.severity is Severity.ERROR for d in diagnostics):
        resolve_plan(plan)
    return plan, diagnostics, lines


# ---------------------------------------------------------------- the examples


def test_the_page_has_examples_of_every_kind() -> None:
    kinds = {b.kind for b in SSJ_BLOCKS}
    assert {None, "preamble", "statements", "fields"} <= kinds
    assert len(SSJ_BLOCKS) >= 40
    assert any("from" in b.options for b in SSJ_BLOCKS) and any("expect" in b.options for b in SSJ_BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"line{b.line}")
def test_every_block_says_what_it_is(block: Block) -> None:
    assert block.language in LANGUAGES, f"{block.name}: fence info must start with one of {sorted(LANGUAGES)}"
    if block.language != "ssj":
        assert block.kind is None and not block.options, f"{block.name}: options only on ssj blocks"
        return
    unknown = set(block.options) - {"from", "task", "expect", "id", "same-as"}
    assert not unknown, f"{block.name}: unknown options {sorted(unknown)}"
    assert block.flags <= {"canonical"}, f"{block.name}: unknown words {sorted(block.flags)}"
    assert "task" not in block.options or block.kind == "fields", f"{block.name}: task= goes with fields"


@pytest.mark.parametrize("block", SSJ_BLOCKS, ids=lambda b: f"line{b.line}")
def test_example_checks_as_its_fence_says(block: Block) -> None:
    missing = _quoted_lines_missing(block)
    assert not missing, f"{block.name}: lines not in {block.options['from']}: {missing}"
    _, diagnostics, lines = _diagnostics(block)
    expected = {code for code in block.options.get("expect", "").split(",") if code}
    got = {d.code for d in diagnostics}
    assert got == expected, (f"{block.name}: expected {sorted(expected) or 'no diagnostics'}, got "
                             f"{sorted(got) or 'none'}:\n{_shown(diagnostics, lines)}")


@pytest.mark.parametrize("block", [b for b in SSJ_BLOCKS if "canonical" in b.flags],
                         ids=lambda b: f"line{b.line}")
def test_canonical_example_is_what_fmt_writes(block: Block) -> None:
    assert block.kind in (None, "preamble"), f"{block.name}: only whole plans can be canonical"
    result = parse(block.text, block.name)
    assert result.plan is not None
    formatted = format_plan(result.plan, result.comments, result.language)
    assert formatted == block.text, f"{block.name}: run ssj fmt"


def test_blocks_said_to_be_the_same_plan_are() -> None:
    ids = {b.options["id"]: b for b in SSJ_BLOCKS if "id" in b.options}
    pairs = [(b, b.options["same-as"]) for b in SSJ_BLOCKS if "same-as" in b.options]
    assert pairs, "the page shows a plan in English keywords next to its Chinese original"
    for block, other in pairs:
        assert other in ids, f"{block.name}: no block has id={other}"
        mine, _, _ = _diagnostics(block)
        theirs, _, _ = _diagnostics(ids[other])
        assert strip_spans(mine) == strip_spans(theirs), f"{block.name} is another plan than id={other}"


# ---------------------------------------------------------------- the keyword table


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _section_rows(heading: str) -> list[list[str]]:
    """The body rows of the first table after `heading` (a whole heading line)."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    assert heading in lines, f"docs/language.md has no heading {heading!r}"
    rows: list[list[str]] = []
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith("|"):
            rows.append(_cells(line))
        elif rows or line.startswith("#"):
            break
    assert len(rows) > 2, f"no table under {heading!r}"
    return rows[2:]  # header and delimiter rows


def _codes(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


KEYWORD_TABLE = "### Every keyword (关键字表)"
KEYWORD_COLUMNS = ["中文 (canonical)", "also accepted", "Traditional (繁體)", "English", "meaning", "key"]


def expected_row(key: str) -> str:
    """The table row of a keyword as it should read (all but the meaning, which is written by hand)."""
    k = KEYWORDS_BY_KEY[key]

    def spelled(values: tuple[str, ...]) -> str:
        return " ".join(f"`{v}`" for v in values) or "—"

    return (f"| `{k.chinese}` | {spelled(k.other)} | {spelled(k.traditional_spellings)} | "
            f"{spelled(k.english)} | … | `{k.key}` |")


def test_every_keyword_is_in_the_keyword_table_as_keywords_py_spells_it() -> None:
    rows = _section_rows(KEYWORD_TABLE)
    by_key: dict[str, list[str]] = {}
    for row in rows:
        assert len(row) == len(KEYWORD_COLUMNS), f"keyword table row with {len(row)} cells: {row}"
        (key,) = _codes(row[5]) or ["?"]
        assert key not in by_key, f"keyword {key} has two rows"
        by_key[key] = row
    missing = [expected_row(k.key) for k in KEYWORDS if k.key not in by_key]
    assert not missing, "keywords missing from the table in docs/language.md; add:\n" + "\n".join(missing)
    extra = sorted(set(by_key) - set(KEYWORDS_BY_KEY))
    assert not extra, f"the keyword table lists keys keywords.py does not have: {extra}"
    for keyword in KEYWORDS:
        row = by_key[keyword.key]
        got = (_codes(row[0]), _codes(row[1]), _codes(row[2]), _codes(row[3]))
        want = ([keyword.chinese], list(keyword.other), list(keyword.traditional_spellings),
                list(keyword.english))
        assert got == want, f"row of {keyword.key} differs from keywords.py:\n{expected_row(keyword.key)}"
        assert row[4] and row[4] != "…", f"row of {keyword.key} has no meaning"
    assert [by_key[k.key] for k in KEYWORDS] == rows, "keep the table in the order of keywords.py"


def test_the_keyword_table_header_is_as_the_test_reads_it() -> None:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    first_row = next(line for line in lines[lines.index(KEYWORD_TABLE) + 1:] if line.startswith("|"))
    assert _cells(first_row) == KEYWORD_COLUMNS


COLUMN_HEADINGS = "### Column headings (表头)"


def test_column_headings_name_the_keyword_they_are_spellings_of() -> None:
    spellings = {k.chinese: k for k in KEYWORDS}
    listed: set[str] = set()
    for row in _section_rows(COLUMN_HEADINGS):
        headings, written = _codes(row[0]), _codes(row[1])
        targets = [spellings[w.split()[0]] for w in written if w.split() and w.split()[0] in spellings]
        assert targets, f"column heading row {row[0]} does not say which keyword to write"
        for heading in headings:
            owners = [k for k in KEYWORDS if heading in k.spellings]
            if owners:  # a heading that is itself a keyword spelling must be one of the row's keywords
                assert owners[0] in targets, f"{heading} spells {owners[0].chinese}, not {written}"
                listed.add(heading)
    heading_keys = ("items", "basis", "code", "category", "method", "scope", "base", "rate", "rounds",
                    "risk", "window", "draw_window", "lead", "guide", "inspect", "assist", "mode", "group",
                    "materials", "authority", "plan_no", "phone", "site")
    unlisted = [s for key in heading_keys for s in KEYWORDS_BY_KEY[key].other if s not in listed]
    assert not unlisted, f"column headings keywords.py accepts but the page does not list: {unlisted}"


WINDOWS = "### Windows — `时间`"


def test_the_window_table_says_what_each_window_means() -> None:
    """Each row's first form, in a 2024 plan, resolves to the row's first and last day."""
    rows = _section_rows(WINDOWS)
    for row in rows:
        written, first, last = _codes(row[0])[0], row[1], row[2]
        plan = _parsed(f'计划 "窗口" {{ 年度 2024 }} 部门 甲局 任务 1 "窗口" {{ 事项 "x" 对象 "y" 比例 1% '
                       f'频次 1次/年 时间 {written} 发起 甲局 模式 县抽县查 }}', f"window {written}")
        window = plan.tasks[0].window
        assert window is not None
        start, end = resolve_window(window, 2024)
        assert (start.isoformat(), end.isoformat()) == (first, last), f"时间 {written} is {start}…{end}"
    assert len(rows) >= 15


RATES = "### Rates — `比例`"
ROUNDS = "### Rounds — `频次`"
FORM_WARNINGS = {"SSJ150", "SSJ152", "SSJ157"}
"""What a rate form warns about by itself (待定, 各级合计 without a level, 由…抽取)."""


def _fields_block(text: str) -> Block:
    """Task fields written in a table cell, as a `fields` block over the preamble's task."""
    return Block(0, "ssj", "fields", {}, frozenset(), text + "\n")


def test_every_rate_in_the_rate_table_checks_and_is_in_the_plan_it_names() -> None:
    for row in _section_rows(RATES):
        form = _codes(row[0])[0]
        if form.startswith("比例"):
            _, diagnostics, _ = _diagnostics(_fields_block(form))
            assert {d.code for d in diagnostics} <= FORM_WARNINGS, f"{form}: {_shown(diagnostics)}"
        source = row[2].strip()
        if re.fullmatch(r"[\w-]+", source):
            assert form.removeprefix("比例 ") in _context_text(source), f"{form} is not in {source}"


def test_every_form_in_the_rounds_table_checks() -> None:
    for row in _section_rows(ROUNDS):
        for form in _codes(row[0]):
            if "…" in form:
                continue
            _, diagnostics, _ = _diagnostics(_fields_block(f"频次 {form}"))
            assert not diagnostics, f"频次 {form}: {_shown(diagnostics)}"


# ---------------------------------------------------------------- codes and links


def _code_pages() -> dict[str, str]:
    """Code → its page: the index of docs/diagnostics.md, and every code ssjlang/ emits on the page of its
    range (tests/test_docs.py makes sure the index catches up with the source)."""
    pages: dict[str, str] = {}
    for path in sorted((ROOT / "ssjlang").rglob("*.py")):
        for code in re.findall(r"\bSSJ\d{3}\b", path.read_text(encoding="utf-8")):
            number = int(code[3:])
            if 300 <= number < 400:
                pages[code] = "ssj3-draw.md" if number < 340 else "ssj3-teams.md"
            else:
                pages[code] = f"ssj{number // 100}.md"
    rows = re.findall(r"^\| \[(SSJ\d{3})\]\(diagnostics/([\w.-]+\.md)\)", INDEX.read_text("utf-8"), re.M)
    pages.update(rows)
    return pages


def test_every_code_the_page_names_exists_and_links_to_its_page() -> None:
    text = DOC.read_text(encoding="utf-8")
    pages = _code_pages()
    named = set(re.findall(r"\bSSJ\d{3}\b", text))
    assert named, "the page names no diagnostic codes"
    assert not sorted(named - set(pages)), f"codes nobody emits or documents: {sorted(named - set(pages))}"
    for code, page in re.findall(r"\[(SSJ\d{3})\]\(diagnostics/([\w.-]+\.md)[^)]*\)", text):
        assert pages[code] == page, f"{code} links to diagnostics/{page}; it is on diagnostics/{pages[code]}"
    unlinked = [code for code in named if f"[{code}](" not in text]
    assert not unlinked, f"link each code at least once: {sorted(unlinked)}"


def test_every_relative_link_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        if target in PENDING_SPECS:
            continue
        assert (DOC.parent / target).exists(), f"docs/language.md links to a missing {target}"
    for spec in PENDING_SPECS:
        assert f"]({spec})" in text, f"link {spec} where the draw section needs it"


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_within_the_page_finds_its_heading() -> None:
    text = DOC.read_text(encoding="utf-8")
    anchors = {_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):
        assert anchor in anchors, f"docs/language.md links to #{anchor}, which no heading makes"
