"""The built-parser cache: where it lives, that it is used, and that it can never break parsing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import ssjlang.language.parser as parser_module
from ssjlang.language.nodes import strip_spans
from ssjlang.language.parser import _parser, grammar_text, parse, parser_cache_file

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "plans" / "chengqu2024.ssj"


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache home, and no parser built yet in this process (restored afterwards)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _parser.cache_clear()
    yield tmp_path / "cache"
    _parser.cache_clear()


def test_cache_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = parser_cache_file()
    assert path is not None and path.parent == tmp_path / "ssjlang"
    assert path.name.startswith("parser-lark") and path.suffix == ".pickle"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # the XDG spec says: ignore a relative path
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert parser_cache_file() == tmp_path / "home" / ".cache" / "ssjlang" / path.name
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert parser_cache_file() == tmp_path / "home" / ".cache" / "ssjlang" / path.name


def test_cache_key_changes_with_the_grammar() -> None:
    text = grammar_text()
    assert parser_cache_file(text) == parser_cache_file()
    assert parser_cache_file(text + "\n// changed\n") != parser_cache_file(text)


def test_first_build_is_cached_and_then_loaded(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = PLAN.read_text(encoding="utf-8")
    built = parse(source, str(PLAN))
    path = parser_cache_file()
    assert path is not None and path.is_file() and path.parent.parent == fresh
    # the parser and its compiled scanners, no temporary file left behind
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.with_suffix(".scanners").name]
    _parser.cache_clear()

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser was rebuilt instead of loaded from the cache")

    monkeypatch.setattr(parser_module, "_save_cached", no_rebuild)
    loaded = parse(source, str(PLAN))
    assert built.plan is not None and loaded.plan is not None
    assert strip_spans(loaded.plan) == strip_spans(built.plan)
    assert loaded.plan == built.plan  # spans too
    assert loaded.comments == built.comments and loaded.comments  # the lexer callbacks survive loading
    assert loaded.language == built.language == "zh"
    english = parse('task 1 "t" { rate 20 subjects }', "en.ssj")
    assert english.language == "en" and english.plan is not None
    assert english.plan.tasks[0].rate is not None


def test_a_broken_cache_file_is_replaced_silently(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = parser_cache_file()
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x80\x05 not a pickle of a parser")
    result = parse('任务 1 "t" { 比例 20% }', "t.ssj")
    assert result.plan is not None and result.diagnostics == []
    assert capsys.readouterr() == ("", "")
    assert path.read_bytes()[:2] != b"\x80\x05 n"  # rewritten with a good parser
    _parser.cache_clear()
    assert parse('任务 1 "t" { 比例 20% }', "t.ssj").plan == result.plan


def test_an_unwritable_cache_dir_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _parser.cache_clear()
    try:
        result = parse('任务 1 "t" { 比例 20% }', "t.ssj")
    finally:
        _parser.cache_clear()
    assert result.plan is not None and result.diagnostics == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-dir"]


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_a_cache_file_owned_by_someone_else_is_not_loaded(fresh: Path) -> None:
    path = parser_cache_file()
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_bytes(b"planted")
    os.chown(path, 65534, 65534)
    assert parser_module._load_cached(path) is None


def test_a_process_writes_only_into_the_cache_dir(tmp_path: Path) -> None:
    """Cold then warm `ssj check`: same output; nothing written into the working directory or the package."""
    work = tmp_path / "work"
    work.mkdir()
    package_files = sorted(p.name for p in (ROOT / "grammar").iterdir())
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "ssjlang", "check", str(PLAN)]
    cold = subprocess.run(command, capture_output=True, text=True, cwd=work, env=env, check=False)
    warm = subprocess.run(command, capture_output=True, text=True, cwd=work, env=env, check=False)
    assert cold.returncode == warm.returncode == 0, cold.stderr
    assert cold.stdout == warm.stdout and cold.stderr == warm.stderr == ""
    assert list(work.iterdir()) == []
    assert len(list((tmp_path / "cache" / "ssjlang").glob("parser-*.pickle"))) == 1
    assert sorted(p.name for p in (ROOT / "grammar").iterdir()) == package_files
