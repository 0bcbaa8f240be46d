"""The VS Code extension (editors/vscode/): its TextMate grammar, UI strings, configuration and package.

The grammar is generated from the keyword table, so the committed file must equal what
tools/gen_textmate.py writes. Its tokens for the shipped plans are checked against the parser's own tokens
by running the real TextMate engine (vscode-textmate with Oniguruma, the engine VS Code uses) under Node;
that part needs `node` and `npm ci` in editors/vscode (`.ci/run` does both) and is skipped without them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import load_tool
from highlight_truth import KIND_FAMILY, SHIPPED_PLANS, disagreements

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "editors" / "vscode"
PLANS = SHIPPED_PLANS

NODE = shutil.which("node")
NODE_MODULES = EXTENSION / "node_modules"
needs_node = pytest.mark.skipif(
    NODE is None or not (NODE_MODULES / "vscode-textmate").is_dir(),
    reason="needs node and `npm ci` in editors/vscode (.ci/run installs both)")


def generator():
    return load_tool("gen_textmate")


def test_committed_grammar_is_generated_from_the_keyword_table() -> None:
    committed = (EXTENSION / "syntaxes" / "ssj.tmLanguage.json").read_text(encoding="utf-8")
    assert committed == generator().text(), "run: python tools/gen_textmate.py"


def test_the_generator_check_mode_reports_a_stale_grammar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    tool = generator()
    stale = tmp_path / "ssj.tmLanguage.json"
    stale.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(tool, "GRAMMAR", stale)
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    monkeypatch.setattr("sys.argv", ["gen_textmate.py", "--check"])
    assert tool.main() == 1 and "out of date" in capsys.readouterr().out
    monkeypatch.setattr("sys.argv", ["gen_textmate.py"])
    assert tool.main() == 0
    monkeypatch.setattr("sys.argv", ["gen_textmate.py", "--check"])
    assert tool.main() == 0


def textmate_families(text: str, tokens: list[list[list[object]]]) -> list[str | None]:
    """Per character of `text`, the family of the innermost scope vscode-textmate gave it (indices of the
    Node output count UTF-16 code units; CJK Extension B characters are two)."""
    scope_family = {scope: KIND_FAMILY[kind] for kind, scope in generator().SCOPES.items()}
    families: list[str | None] = []
    for line, line_tokens in zip(text.split("\n"), tokens, strict=True):
        units: list[int] = []  # code-point index of each UTF-16 unit
        for index, char in enumerate(line):
            units += [index] * (2 if ord(char) > 0xFFFF else 1)
        line_families: list[str | None] = [None] * len(line)
        for start, end, scope in line_tokens:
            for unit in range(int(start), int(end)):
                line_families[units[unit]] = scope_family.get(str(scope))
        families += [*line_families, None]
    return families[:len(text)]


def tokenize_all(paths: list[Path]) -> dict[str, list[list[list[object]]]]:
    """The TextMate tokens of each file, from one run of Node."""
    assert NODE is not None
    done = subprocess.run([NODE, str(EXTENSION / "test" / "tokenize.js"), *map(str, paths)],
                          capture_output=True, text=True, check=False, cwd=EXTENSION)
    assert done.returncode == 0, done.stderr
    found: dict[str, list[list[list[object]]]] = json.loads(done.stdout)
    return found


def tokenize(path: Path) -> list[list[list[object]]]:
    return tokenize_all([path])[str(path)]


@needs_node
def test_textmate_tokens_agree_with_the_parser() -> None:
    tokens = tokenize_all(PLANS)
    wrong = {}
    for plan in PLANS:
        text = plan.read_text(encoding="utf-8")
        found = disagreements(text, textmate_families(text, tokens[str(plan)]))
        if found:
            wrong[plan.name] = found[:5]
    assert len(PLANS) > 20 and wrong == {}


@needs_node
def test_textmate_scopes_of_the_chengqu_plan(tmp_path: Path) -> None:
    """A few exact scopes, and a CJK Extension B character counted as two UTF-16 units."""
    sample = tmp_path / "sample.ssj"
    sample.write_text('部门 城区𠮷局\n任务 4 "名称" {\n  比例 不低于 20%\n  时间 3月—12月  # 注\n}\n',
                      encoding="utf-8")
    lines = tokenize(sample)
    assert [0, 2, "keyword.control.ssj"] in lines[0]
    assert [3, 8, "variable.other.name.ssj"] in lines[0]  # 城区𠮷局: 4 characters, 5 UTF-16 units
    assert [5, 9, "string.quoted.ssj"] in lines[1]
    assert [2, 4, "keyword.other.ssj"] in lines[2] and [5, 8, "keyword.other.ssj"] in lines[2]
    assert [9, 12, "constant.numeric.percentage.ssj"] in lines[2]
    assert [5, 7, "constant.numeric.date.ssj"] in lines[3] and [7, 8, "keyword.operator.ssj"] in lines[3]
    assert [13, 16, "comment.line.ssj"] in lines[3]


def test_ui_strings_exist_in_english_and_chinese() -> None:
    manifest = (EXTENSION / "package.json").read_text(encoding="utf-8")
    keys = set(re.findall(r'"%([\w.]+)%"', manifest))
    english = json.loads((EXTENSION / "package.nls.json").read_text(encoding="utf-8"))
    chinese = json.loads((EXTENSION / "package.nls.zh-cn.json").read_text(encoding="utf-8"))
    assert keys and keys == set(english) == set(chinese)
    assert all(re.search("[\u4e00-\u9fff]", text) for text in chinese.values())
    script = (EXTENSION / "extension.js").read_text(encoding="utf-8")
    runtime = set(re.findall(r'vscode\.l10n\.t\(\s*"((?:[^"\\]|\\.)*)"', script))
    bundle = json.loads((EXTENSION / "l10n" / "bundle.l10n.zh-cn.json").read_text(encoding="utf-8"))
    assert runtime and {s.replace('\\"', '"') for s in runtime} == set(bundle)


def test_manifest_language_configuration_and_lock() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    language = manifest["contributes"]["languages"][0]
    assert language["id"] == "ssj" and language["extensions"] == [".ssj"]
    assert manifest["contributes"]["grammars"][0]["path"] == "./syntaxes/ssj.tmLanguage.json"
    configuration = json.loads((EXTENSION / language["configuration"]).read_text(encoding="utf-8"))
    assert configuration["comments"] == {"lineComment": "#"}
    assert ["｛", "｝"] in configuration["brackets"] and ["（", "）"] in configuration["brackets"]
    assert ["【", "】"] in configuration["brackets"]
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]
    for name in [*manifest["dependencies"], *manifest["devDependencies"]]:
        assert f"node_modules/{name}" in locked, f"{name} is not locked"
        assert locked[f"node_modules/{name}"]["integrity"].startswith("sha512-")


VSIX = EXTENSION / "ssjlang.vsix"


@pytest.mark.skipif(not VSIX.is_file(), reason="the .vsix is built by .ci/run (npx vsce package)")
def test_the_vsix_contains_what_the_extension_needs() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(VSIX) as package:
        files = {name.removeprefix("extension/") for name in package.namelist()}
        packaged = json.loads(package.read("extension/package.json"))
    assert packaged["version"] == manifest["version"] and packaged["contributes"] == manifest["contributes"]
    assert {"package.json", "extension.js", "language-configuration.json", "syntaxes/ssj.tmLanguage.json",
            "package.nls.json", "package.nls.zh-cn.json", "l10n/bundle.l10n.zh-cn.json", "LICENSE.txt",
            "node_modules/vscode-languageclient/node.js", "extension.vsixmanifest"} <= files
    assert not any(name.startswith(("test/", "node_modules/@vscode/vsce", "node_modules/vscode-textmate"))
                   for name in files)


def test_editors_doc_shows_the_screenshot() -> None:
    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    assert "](editor-screenshot.png)" in doc and "Install from VSIX" in doc and "--no-index" in doc
    png = (ROOT / "docs" / "editor-screenshot.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1000 and height >= 800


@needs_node
def test_screenshot_page_colours_the_plan_by_scope() -> None:
    tool = load_tool("editor_screenshot")
    page = tool.page(ROOT / "plans" / "chengqu2024.ssj", 62)
    assert page.count('<span class="line">') == 62
    assert '<span style="color:#C586C0">任务</span>' in page  # a statement keyword
    assert '<span style="color:#B5CEA8">10%</span>' in page  # a percentage
    assert '<span style="color:#6A9955"># 晋城市城区' in page  # a comment
