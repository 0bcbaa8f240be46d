"""Templates an office shares (`ssj compile --templates DIR`) run in Jinja's sandbox, and whatever a template
does wrong is SSJ420 at the template's file and line (exit 1): a division by zero, an overflow, a power or a
repetition too large to compute, a self-include, bytes that are not UTF-8, a Word template whose XML is
broken. A template that reaches for Python internals runs no command.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import PLAN, ROOT

from ssjlang.cli import main

HEAD = '{% extends "base.html" %}\n{% block body %}\n'
TAIL = "\n{% endblock %}\n"


def compile_with(templates: Path, out: Path, formats: str = "html") -> Result:
    result = CliRunner().invoke(main, ["compile", str(PLAN), "--templates", str(templates),
                                       "--format", formats, "-o", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    return result


@pytest.mark.parametrize(("expression", "said"), [
    ("{{ 1/0 }}", "ZeroDivisionError"),
    ("{{ 10.0**400 }}", "OverflowError"),
    ("{{ 10**1000000000 }}", "SecurityError: 10 ** 1000000000 is too large"),
    ('{{ "x" * 10**9 }}', "SecurityError: a sequence of 1 repeated 1000000000 times is too long"),
    ("{{ plan.nosuch.deeper }}", "UndefinedError"),
    ("{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}", "SecurityError"),
    ('{% include "../../etc/passwd" %}', "TemplateNotFound"),
])
def test_a_failing_template_is_an_error_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     expression: str, said: str) -> None:
    monkeypatch.chdir(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    template = templates / "plan_table.html"
    template.write_text(HEAD + "<p>第三行</p>\n" + expression + TAIL, encoding="utf-8")
    result = compile_with(templates, tmp_path / "out")
    assert result.exit_code == 1, result.stderr
    said = f"{template}:4:1: error[SSJ420]: 模板 plan_table.html 出错 (template error: {said}"
    assert said in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "PWNED").exists()


def test_a_template_that_includes_itself(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    template = '<p>x</p>\n{% include "plan_table.html" %}\n'
    (templates / "plan_table.html").write_text(template, encoding="utf-8")
    result = compile_with(templates, tmp_path / "out")
    assert result.exit_code == 1
    assert "模板 plan_table.html 出错：模板递归过深，是否包含了自身？ (template error: RecursionError" \
        in result.stderr
    assert f"{templates / 'plan_table.html'}:2:1: error[SSJ420]" in result.stderr


def test_a_template_that_is_not_utf8(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "plan_table.html").write_bytes("<p>工作计划表</p>".encode("gbk"))
    result = compile_with(templates, tmp_path / "out")
    assert result.exit_code == 1
    assert "error[SSJ420]" in result.stderr and "UnicodeDecodeError" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX only")
def test_a_template_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    os.mkfifo(templates / "plan_table.html")
    result = compile_with(templates, tmp_path / "out")
    assert result.exit_code == 1
    assert f"{templates / 'plan_table.html'}: error[SSJ420]" in result.stderr
    assert "(a FIFO, not a regular file)" in result.stderr


def test_the_sandbox_leaves_the_built_in_templates_working(tmp_path: Path) -> None:
    result = compile_with(tmp_path, tmp_path / "out", "html,docx,xlsx")  # an empty DIR: every built-in one
    assert result.exit_code == 0, result.stderr


def _docx_with(document_xml: bytes | None = None, replace: tuple[bytes, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(ROOT / "templates" / "docx" / "plan_table.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                if document_xml is not None:
                    data = document_xml
                if replace is not None:
                    assert replace[0] in data
                    data = data.replace(*replace, 1)
            target.writestr(info, data)
    return out.getvalue()


def _docx_text_node(data: bytes) -> bytes:
    start = data.index(b"<w:t>") + len(b"<w:t>")
    return data[start:data.index(b"</w:t>", start)]


@pytest.mark.parametrize(("kind", "code"), [("broken XML", "SSJ422"), ("jinja error", "SSJ420")])
def test_a_broken_word_template_is_an_error(tmp_path: Path, kind: str, code: str) -> None:
    original = zipfile.ZipFile(ROOT / "templates" / "docx" / "plan_table.docx").read("word/document.xml")
    text = _docx_text_node(original)
    if kind == "broken XML":
        data = _docx_with(original.replace(b"</w:body>", b"", 1))
    else:
        data = _docx_with(replace=(b"<w:t>" + text + b"</w:t>", b"<w:t>{{ 1/0 }}</w:t>"))
    templates = tmp_path / "templates"
    (templates / "docx").mkdir(parents=True)
    docx = templates / "docx" / "plan_table.docx"
    docx.write_bytes(data)
    result = compile_with(templates, tmp_path / "out", "docx")
    assert result.exit_code == 1, (kind, result.stderr)
    assert f"{docx}" in result.stderr and f"error[{code}]" in result.stderr, (kind, result.stderr)
    assert not (tmp_path / "out").exists()
