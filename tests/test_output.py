"""The write stage: atomic writes refuse targets of the wrong kind (devices, FIFOs, a file where a directory
goes and the reverse, a parent that is a file) with a house-style message, even with --force.

Device targets are reached through a symbolic link inside tmp_path, so a regression could only replace
that link, never the machine's /dev/full."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ssjlang.output import (
    OutputExistsError,
    OutputPathError,
    check_directory_target,
    check_file_target,
    write_bytes_atomic,
    write_directory_atomic,
    write_text_atomic,
)

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX only")


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _device_link(tmp_path: Path) -> Path:
    """-o /dev/full, through a link of our own (what a shell alias or a careless path amounts to)."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    link = tmp_path / "full"
    link.symlink_to("/dev/full")
    return link


@needs_fifo
@pytest.mark.parametrize("force", [False, True])
def test_a_fifo_is_never_replaced_by_a_file(tmp_path: Path, force: bool) -> None:
    fifo = _fifo(tmp_path)
    with pytest.raises(OutputPathError) as caught:
        write_bytes_atomic(fifo, b"x", force=force)
    assert "不是普通文件 (not a regular file)" in str(caught.value) and "管道" in str(caught.value)
    assert str(caught.value).startswith(f"「{fifo}」")
    assert fifo.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@pytest.mark.parametrize("force", [False, True])
def test_a_device_is_never_replaced_by_a_file(tmp_path: Path, force: bool) -> None:
    link = _device_link(tmp_path)
    with pytest.raises(OutputPathError) as caught:
        write_text_atomic(link, "x", force=force)
    assert "设备文件 (a device)" in str(caught.value)
    assert link.is_symlink() and os.readlink(link) == "/dev/full"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_a_directory_is_not_a_file_target(tmp_path: Path) -> None:
    target = tmp_path / "dir"
    target.mkdir()
    with pytest.raises(OutputPathError, match=r"是目录 \(is a directory\)"):
        write_bytes_atomic(target, b"x", force=True)
    assert target.is_dir()


def test_a_regular_file_is_not_a_directory_target(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(OutputPathError) as caught:
        write_directory_atomic(target, {"record.json": b"{}"}, force=True)
    assert f"「{target}」是普通文件 (a regular file)，不是目录 (not a directory)" in str(caught.value)
    assert target.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@needs_fifo
def test_a_fifo_is_not_a_directory_target(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    with pytest.raises(OutputPathError, match=r"不是目录 \(not a directory\)"):
        write_directory_atomic(fifo, {"a": b""}, force=True)
    assert fifo.is_fifo()


@pytest.mark.parametrize("depth", [("x",), ("a", "b", "x")])
def test_a_parent_that_is_a_file_is_named(tmp_path: Path, depth: tuple[str, ...]) -> None:
    blocker = tmp_path / "some_file"
    blocker.write_text("keep", encoding="utf-8")
    target = blocker.joinpath(*depth)
    for write in (lambda: write_bytes_atomic(target, b"x", force=True),
                  lambda: write_directory_atomic(target, {"a": b""}, force=True)):
        with pytest.raises(OutputPathError) as caught:
            write()
        assert str(caught.value).startswith(f"「{blocker}」不是目录 (is not a directory)")
        assert "File exists" not in str(caught.value)
    assert blocker.read_text(encoding="utf-8") == "keep"


def test_wrong_kind_is_reported_before_already_exists(tmp_path: Path) -> None:
    """Without --force an unusable target is still named as such: --force would not help."""
    target = tmp_path / "dir"
    target.mkdir()
    with pytest.raises(OutputPathError):
        check_file_target(target, force=False)
    regular = tmp_path / "file"
    regular.write_bytes(b"")
    with pytest.raises(OutputExistsError):
        check_file_target(regular, force=False)
    with pytest.raises(OutputExistsError):
        check_directory_target(target, force=False)
    check_file_target(regular, force=True)
    check_directory_target(target, force=True)
    check_file_target(tmp_path / "new" / "file.json")
    check_directory_target(tmp_path / "new" / "dir")


def test_regular_targets_are_still_replaced_with_force(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text_atomic(link, "new", force=True)  # the link itself is replaced, as before
    assert link.read_text(encoding="utf-8") == "new" and not link.is_symlink()
    write_text_atomic(real, "newer", force=True)
    assert real.read_text(encoding="utf-8") == "newer"
    out = tmp_path / "out"
    write_directory_atomic(out, {"a.txt": b"1"})
    write_directory_atomic(out, {"b.txt": b"2"}, force=True)
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    made = write_bytes_atomic(tmp_path / "deep" / "er" / "x.bin", b"\x00")
    assert made.read_bytes() == b"\x00"


def test_replacing_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "plan.ssj"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text_atomic(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640


# ---------------------------------------------------------------- confinement and leftovers


@pytest.mark.parametrize("name", ["../victim/PWNED.html", "/etc/PWNED", "a/../../b", "", "a//b", "./x",
                                  "a\\..\\b", "nul\x00.html"])
def test_a_name_escaping_the_output_directory_writes_nothing(tmp_path: Path, name: str) -> None:
    from ssjlang.output import confined

    out = tmp_path / "out"
    with pytest.raises(OutputPathError) as caught:
        write_directory_atomic(out, {"ok.txt": b"1", name: b"x"})
    assert "(file name escapes the output directory)" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with pytest.raises(OutputPathError):
        confined(out, name)


def test_a_symbolic_link_inside_the_output_cannot_lead_out(tmp_path: Path) -> None:
    from ssjlang.output import confined

    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(OutputPathError):
        confined(root, "link/x.html")
    assert confined(root, "名单/任务04-第1轮.html") == root / "名单" / "任务04-第1轮.html"


def _leftover_names(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))


def test_leftovers_of_killed_runs_are_removed_and_a_live_run_is_left_alone(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    write_directory_atomic(out, {"a.txt": b"1"})
    dead_tmp = tmp_path / ".out.abcd1234.tmp"
    (dead_tmp / "sub").mkdir(parents=True)
    dead_old = tmp_path / ".out.zz_99xyz.old"
    (dead_old / "old").mkdir(parents=True)
    dead_file = tmp_path / ".plan.ssj.q1w2e3r4.tmp"
    dead_file.write_bytes(b"half")
    other = tmp_path / ".out.v2.abcd1234.tmp"  # a leftover of "out.v2", not of "out"
    other.mkdir()
    live = tmp_path / ".out.live0000.tmp"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a run still writing (another open file description: blocks tidy)
    try:
        import subprocess
        import sys
        done = subprocess.run([sys.executable, "-c", "import sys; from ssjlang.output import tidy_leftovers;"
                               "tidy_leftovers(sys.argv[1]); tidy_leftovers(sys.argv[2])",
                               str(out), str(tmp_path / "plan.ssj")],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    finally:
        os.close(fd)
    assert _leftover_names(tmp_path) == [".out.live0000.tmp", ".out.v2.abcd1234.tmp"]
    assert (out / "a.txt").read_bytes() == b"1"


def test_the_old_version_set_aside_by_a_killed_fallback_run_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    aside = tmp_path / ".out.k1ll3d00.old"
    (aside / "old").mkdir(parents=True)
    (aside / "old" / "a.txt").write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        check_directory_target(out, force=False)  # the old output is back: it does exist
    assert (out / "a.txt").read_bytes() == b"old" and _leftover_names(tmp_path) == []


@pytest.mark.parametrize("exchange_works", [True, False])
def test_replacement_with_and_without_rename_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      exchange_works: bool) -> None:
    from ssjlang import output

    if not exchange_works:
        monkeypatch.setattr(output, "exchange", lambda first, second: False)
    elif output._renameat2() is None:
        pytest.skip("no renameat2 on this system")
    out = tmp_path / "out"
    write_directory_atomic(out, {"a.txt": b"1"})
    write_directory_atomic(out, {"b.txt": b"2", "sub/c.txt": b"3"}, force=True)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["b.txt", "sub", "sub/c.txt"]
    assert _leftover_names(tmp_path) == []


def test_exchange_swaps_two_directories(tmp_path: Path) -> None:
    from ssjlang.output import _renameat2, exchange

    if _renameat2() is None:
        pytest.skip("no renameat2 on this system")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_bytes(b"a")
    (b / "x").write_bytes(b"b")
    assert exchange(a, b)
    assert (a / "x").read_bytes() == b"b" and (b / "x").read_bytes() == b"a"
    with pytest.raises(FileNotFoundError):
        exchange(a, tmp_path / "missing")
