"""House style of diagnostic messages: Chinese first, then a short English gloss in round brackets.

`未声明的部门「区人社局」 (unknown department)`: the district officer reads the Chinese, an IT admin wiring CI
(or a reader of the published draw who has no Chinese) still knows what went wrong. Hints stay Chinese.

The source is scanned, not imported: every `error(` / `warning(` / `Diagnostic(` call in ssjlang/ (and the
stage helpers `self.error(` / `report.warning(` / `self._error(`) whose message is a string literal, an
f-string, a sum of those, a conditional between them, or a local variable assigned from them is checked;
a call that forwards its own `message` parameter is a helper and is checked at its callers. Any other
message expression must be listed in OPAQUE_MESSAGES with a test of its own, so the style cannot drift.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ssjlang"
BROKEN = ROOT / "tests" / "broken"

CALLS = frozenset({"error", "warning", "_error", "_warning"})
"""Names whose second positional argument (or `message=`) is a diagnostic message."""

PLACEHOLDER = "{}"
"""What an f-string's replacement field stands as in a message template."""

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_GLOSS_CHARS = rf"\x20-\x27\x2a-\x7e{_CJK}≤≥–—…×"
STYLE = re.compile(rf"[{_CJK}][^\n]*?\s\((?P<gloss>[{_GLOSS_CHARS}]*)\)")
"""CJK text, then whitespace and a parenthesised gloss. The gloss is ASCII, except for the Chinese terms a
user types literally (`no 名称 column`, `a list needs 属于 / 不属于`) and a few math signs (≤ ≥ –)."""

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")

OPAQUE_MESSAGES = {("interpret/visits.py", "coverage")}
"""Messages made by a function call: visits.py's `coverage` is workdays.coverage_warning(…), checked below."""


@dataclass(frozen=True)
class Site:
    """One diagnostic call: where it is and the message templates it can produce."""

    file: str
    line: int
    templates: tuple[str, ...]


def is_house_style(message: str) -> bool:
    """Whether a message (or template) has Chinese text followed by a parenthesised English gloss."""
    return any(ENGLISH_WORD.search(m.group("gloss").replace(PLACEHOLDER, ""))
               for m in STYLE.finditer(message))


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _message_argument(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "message":
            return keyword.value
    index = 2 if name == "Diagnostic" else 1
    return call.args[index] if len(call.args) > index else None


def _templates(node: ast.expr, assigned: dict[str, list[ast.expr]], depth: int = 0) -> list[str] | None:
    """The message texts `node` can be, replacement fields as {}; None when it is not made of literals."""
    if depth > 5:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        out = [""]
        for part in node.values:
            piece = part.value if isinstance(part, ast.Constant) else PLACEHOLDER
            out = [o + str(piece) for o in out]
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _templates(node.left, assigned, depth + 1)
        right = _templates(node.right, assigned, depth + 1)
        left = left if left is not None else [PLACEHOLDER]
        right = right if right is not None else [PLACEHOLDER]
        return [a + b for a in left for b in right]
    if isinstance(node, ast.IfExp):
        body = _templates(node.body, assigned, depth + 1)
        orelse = _templates(node.orelse, assigned, depth + 1)
        return body + orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.Name) and node.id in assigned:
        out: list[str] = []
        for value in assigned[node.id]:
            found = _templates(value, {}, depth + 1)
            if found is None:
                return None
            out += found
        return out
    return None


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}


def scan(root: Path = PACKAGE) -> tuple[list[Site], list[str]]:
    """Every diagnostic call under `root` as a Site, and the calls whose message cannot be read."""
    sites: list[Site] = []
    opaque: list[str] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        owner: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for function in functions:  # outer first: an inner function's calls end up owned by the inner one
            for node in ast.walk(function):
                owner[id(node)] = function
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = _called_name(call)
            if name not in CALLS and name != "Diagnostic":
                continue
            message = _message_argument(call, name)
            if message is None:
                continue
            function = owner.get(id(call))
            assigned: dict[str, list[ast.expr]] = {}
            if function is not None:
                for node in ast.walk(function):
                    if (isinstance(node, ast.Assign) and len(node.targets) == 1
                            and isinstance(node.targets[0], ast.Name)):
                        assigned.setdefault(node.targets[0].id, []).append(node.value)
            templates = _templates(message, assigned)
            if templates is not None:
                sites.append(Site(relative, call.lineno, tuple(templates)))
                continue
            forwarded = (isinstance(message, ast.Name) and function is not None
                         and message.id in _parameters(function) and message.id not in assigned)
            named = message.id if isinstance(message, ast.Name) else ast.unparse(message)
            if not forwarded and (relative, named) not in OPAQUE_MESSAGES:
                opaque.append(f"{relative}:{call.lineno}: {named}")
    return sites, opaque


# ---------------------------------------------------------------- the check itself


@pytest.mark.parametrize("message", [
    "未声明的部门「区人社局」 (unknown department)",
    "任务 4 的抽查比例已是 100%，风险递加无法再提高比例 (escalating a 100% rate has no effect)",
    "无法读取文件 (cannot read the file): {}",
    "缺少「{}」列 (no {} column); 表头为：{}",
    "名录中没有「名称」列，文书中将只显示代码 (no 名称 column)",
    "任务序号 {} 必须是正整数 (task number must be ≥ 1)",
])
def test_house_style_examples_pass(message: str) -> None:
    assert is_house_style(message)


@pytest.mark.parametrize("message", [
    "任务 {} 没有抽查比例",                           # no gloss
    "任务 {} 没有抽查比例（没有比例）",                # full-width brackets, Chinese inside
    "任务 {} 没有抽查比例 ({})",                      # only a replacement field: no English word
    "任务 {} 没有抽查比例(no rate)",                  # glued to the Chinese
    "no rate for task {}",                            # English only
    "(no rate) 任务 {} 没有抽查比例",                 # gloss before any Chinese
    "任务 {} 没有抽查比例 (比例为空)",                 # Chinese in the brackets
    "任务 {} 没有抽查比例 (no rate：写上比例)",        # full-width punctuation in the gloss
])
def test_messages_without_an_english_gloss_fail(message: str) -> None:
    assert not is_house_style(message)


def test_the_scan_reads_the_package() -> None:
    """Guards the scan itself: it finds the stages' messages (the suite is not vacuously green)."""
    sites, _ = scan()
    files = {site.file for site in sites}
    assert len(sites) > 120
    assert {"language/parser.py", "check/checker.py", "interpret/registry.py", "interpret/draw.py",
            "interpret/record.py", "interpret/selector.py", "interpret/schedule.py", "documents/results.py",
            "documents/render.py"} <= files


def test_the_scan_flags_unglossed_and_unreadable_messages(tmp_path: Path) -> None:
    """The scan on a made-up module: literal, f-string, variable and forwarded messages, and a call."""
    (tmp_path / "stage.py").write_text(
        'def check(no, file, make, message):\n'
        '    out = [error("SSJ1", "任务没有比例 (no rate)", file)]\n'
        '    out.append(warning("SSJ2", f"任务 {no} 没有比例", file))\n'
        '    text = f"任务 {no} 没有时间" if no else "没有时间 (no window)"\n'
        '    out.append(error("SSJ3", text, file))\n'
        '    out.append(Diagnostic("SSJ4", ERROR, "没有事项", file))\n'
        '    out.append(error("SSJ5", message, file))\n'
        '    out.append(error("SSJ6", make(no), file))\n'
        '    return out\n', encoding="utf-8")
    sites, opaque = scan(tmp_path)
    unglossed = sorted((site.line, template) for site in sites for template in site.templates
                       if not is_house_style(template))
    assert unglossed == [(3, "任务 {} 没有比例"), (5, "任务 {} 没有时间"), (6, "没有事项")]
    assert opaque == ["stage.py:8: make(no)"]


def test_every_diagnostic_message_has_an_english_gloss() -> None:
    sites, _ = scan()
    offenders = [f"{site.file}:{site.line}: {template}" for site in sites for template in site.templates
                 if not is_house_style(template)]
    assert offenders == [], ("diagnostic messages need Chinese text then a parenthesised English gloss, "
                             "e.g. 未声明的部门「区人社局」 (unknown department):\n" + "\n".join(offenders))


def test_every_diagnostic_message_can_be_checked() -> None:
    """A message made some other way (a call, an attribute) must be listed in OPAQUE_MESSAGES with its own
    test below; otherwise the style check above would silently skip it."""
    _, opaque = scan()
    assert opaque == []


def test_calendar_coverage_warning_has_a_gloss() -> None:
    """The one message made by a function call (OPAQUE_MESSAGES): SSJ348's text from workdays."""
    from ssjlang.interpret.workdays import FIRST_COVERED_YEAR, coverage_warning

    text = coverage_warning([FIRST_COVERED_YEAR - 1])
    assert text is not None and is_house_style(text)


def test_the_golden_corpus_messages_have_a_gloss() -> None:
    """The messages as printed, replacement fields filled in (tests/broken/*.expected)."""
    line = re.compile(r"^\S+:\d+:\d+: (?:error|warning)\[SSJ\d{3}\]: (?P<message>.+)$")
    messages = [(path.name, m.group("message")) for path in sorted(BROKEN.glob("*.expected"))
                for text in path.read_text(encoding="utf-8").splitlines() if (m := line.match(text))]
    assert len(messages) > 50
    offenders = [f"{name}: {message}" for name, message in messages if not is_house_style(message)]
    assert offenders == []
