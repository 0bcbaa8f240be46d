"""An output directory survives SIGKILL of its writer at any point: the old or the new directory is always
there and complete, and the next run leaves no hidden `.DIR.*.tmp` / `.DIR.*.old` behind.

A writer subprocess stops at a chosen point (its own functions are wrapped to announce the point and wait);
the test SIGKILLs it there, looks at the directory, then runs a writer again. Points: while the new files
are being written, just before the swap, just after it (the old version not yet deleted), while the old
version is being deleted, and — for the fallback without renameat2 — between its two renames, where
there is briefly no output directory and the next run must put the old one back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ssjlang.output import _renameat2, check_directory_target, write_directory_atomic

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and flock are POSIX")

FILES = 40

WRITER = textwrap.dedent('''
    import os, shutil, sys, time
    from pathlib import Path
    import ssjlang.output as output

    target, tag, point, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

    def stop(name):
        if name == point:
            print("at " + name, flush=True)
            time.sleep(120)

    if mode == "fallback":
        output.exchange = lambda first, second: False
    real_exchange, real_replace, real_rmtree = output.exchange, os.replace, shutil.rmtree
    real_write = Path.write_bytes
    written = []

    def exchange(first, second):
        stop("before-swap")
        done = real_exchange(first, second)
        if done:
            stop("after-swap")
        return done

    def replace(src, dst):
        real_replace(src, dst)
        if Path(src) == target:
            stop("between-renames")
        if Path(dst) == target:
            stop("after-swap")

    def rmtree(path, *args, **kwargs):
        stop("removing-old")
        real_rmtree(path, *args, **kwargs)

    def write_bytes(self, data):
        written.append(self)
        if len(written) == HALF:
            stop("filling")
        return real_write(self, data)

    output.exchange = exchange
    os.replace = replace
    shutil.rmtree = rmtree
    Path.write_bytes = write_bytes
    files = {f"part{i:03d}/f.txt": f"{tag} {i}\\n".encode() for i in range(FILES)}
    output.write_directory_atomic(target, files, force=True)
    print("done", flush=True)
''').replace("HALF", str(FILES // 2)).replace("FILES", str(FILES))


def _files(tag: str) -> dict[str, bytes]:
    return {f"part{i:03d}/f.txt": f"{tag} {i}\n".encode() for i in range(FILES)}


def _content(target: Path) -> dict[str, bytes]:
    return {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()}


def _kill_at(target: Path, tag: str, point: str, mode: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(target), tag, point, mode],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line == f"at {point}\n", (line, process.stderr.read() if process.stderr else "")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


POINTS = {
    "exchange": ["filling", "before-swap", "after-swap", "removing-old"],
    "fallback": ["filling", "before-swap", "between-renames", "after-swap", "removing-old"],
}


@pytest.mark.parametrize(("mode", "point"), [(m, p) for m, points in POINTS.items() for p in points])
def test_sigkill_leaves_the_old_or_the_new_directory_whole(tmp_path: Path, mode: str, point: str) -> None:
    if mode == "exchange" and _renameat2() is None:
        pytest.skip("no renameat2 on this system")
    target = tmp_path / "out"
    write_directory_atomic(target, _files("old"))
    _kill_at(target, "new", point, mode)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "out")
    assert leftovers, "a killed run leaves its working copy or the old version behind"
    if mode == "fallback" and point == "between-renames":
        assert not target.exists()  # the one gap of the fallback, closed by the next run
    else:
        assert _content(target) in (_files("old"), _files("new")), point
    expected = _files("new") if point in ("after-swap", "removing-old") else _files("old")
    check_directory_target(target, force=True)  # what every next run does first
    assert _content(target) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    write_directory_atomic(target, _files("next"), force=True)
    assert _content(target) == _files("next")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
