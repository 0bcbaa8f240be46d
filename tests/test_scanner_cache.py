"""The lexer's scanner cache (ssjlang/language/scanner_cache.py): patterns compiled from stored SRE code
behave as `re.compile`'s, a second process uses the stored codes, and a damaged or foreign file is ignored."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ssjlang.language.scanner_cache import ScannerCache, cache_version

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "chengqu2024.ssj"
PATTERNS = [
    (r"(?P<NAME>(?:(?!属于|或)[^\s0-9]+))|(?P<NUMBER>[0-9]+(?:\.[0-9]+)?)|(?P<PERCENT>%)", 0),
    (r"(?P<KW>(?i:inspected\-by(?![A-Za-z_]))|检查(?!主体))|(?P<WS>[ \t\u3000]+)", re.MULTILINE),
]
SAMPLES = ["检查主体", "检查 ", "Inspected-By x", "12.5%", "属于", "任务 4", "\u3000 ", ""]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_stored_code_gives_the_pattern_re_compile_gives(tmp_path: Path, pattern: str, flags: int) -> None:
    path = tmp_path / "scanners"
    first = ScannerCache(path)
    made = first.compile(pattern, flags)
    assert first.added
    first.save()
    second = ScannerCache(path)
    assert (pattern, flags) in second.codes
    again = second.compile(pattern, flags)
    assert not second.added  # taken from the file, not compiled afresh
    expected = re.compile(pattern, flags)
    for compiled in (made, again):
        assert (compiled.pattern, compiled.flags, compiled.groupindex, compiled.groups) == (
            expected.pattern, expected.flags, expected.groupindex, expected.groups)
        for text in SAMPLES:
            ours, theirs = compiled.match(text), expected.match(text)
            assert (ours and (ours.group(0), ours.lastgroup)) == (
                theirs and (theirs.group(0), theirs.lastgroup))


def test_a_damaged_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "scanners"
    path.write_bytes(b"\x80\x05not a pickle at all")
    assert ScannerCache(path).codes == {}
    path.write_bytes(pickle.dumps({"version": "another Python", "codes": {("a", 0): (0, [], 0, {}, ())}}))
    assert ScannerCache(path).codes == {}
    broken = {("a", 0): (0, [1, 2, 3], 0, {}, ())}
    path.write_bytes(pickle.dumps({"version": cache_version(), "codes": broken}))
    cache = ScannerCache(path)
    assert cache.compile("a").match("a")  # a code the engine refuses is compiled afresh


def _export(cache_home: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run([sys.executable, "-m", "ssjlang", "export", str(PLAN), "--format", "json"],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return done.stdout


def test_a_second_process_parses_alike_with_the_stored_scanners(tmp_path: Path) -> None:
    first = _export(tmp_path)
    stored = list((tmp_path / "ssjlang").glob("*.scanners"))
    assert len(stored) == 1 and stored[0].stat().st_size > 0
    assert _export(tmp_path) == first


def test_a_fifo_or_a_directory_in_place_of_a_cache_file_is_skipped_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert ScannerCache(fifo).codes == {}  # returns at once: opened without blocking, not a regular file
    folder = tmp_path / "folder"
    folder.mkdir()
    assert ScannerCache(folder).codes == {}
    from ssjlang.language.parser import _load_cached

    assert _load_cached(fifo) is None and _load_cached(folder) is None
