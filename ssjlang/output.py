"""The write stage (写出): atomic writes, and the one CSV writer with its spreadsheet-safe cells.

Everything is written into a temporary file or directory beside the target (same file system),
then renamed into place, so a reader never sees a half-written file or directory. An existing target
is never replaced unless `force` is given, and never at all when it is not what is being written (a
device such as /dev/full, a FIFO, a directory where a file goes, a file where a directory goes); on
any error the temporary copy is removed and the old target, if any, is left as it was. A directory is
swapped in with Linux renameat2(RENAME_EXCHANGE), so even SIGKILL at any instant leaves the whole old or
the whole new directory; working copies are flock'ed so that the next run can tell the leftovers of a
killed run from a live run's and clean them up (`tidy_leftovers`). File names built from data are
confined to the output directory (`confined`).

Tables leave here as CSV the way Chinese offices open them (`csv_bytes`): UTF-8 with BOM, CRLF, and
every cell that a spreadsheet would run as a formula neutralised (`safe_cell`, `neutralise_cell`, also
used for XLSX cells by the renderer).
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import functools
import io
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from .canonical import UNWRITABLE

try:
    import fcntl
except ImportError:  # not POSIX: no flock, so leftovers of killed runs are left alone
    fcntl = None  # type: ignore[assignment]


class OutputExistsError(FileExistsError):
    """The target exists and `force` was not given (the CLI exits 2 with a hint to use --force)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; use --force to replace it")
        self.path = path


class OutputPathError(OSError):
    """The target cannot be written whatever `force` says: wrong kind of file, or a parent that is a file.

    Its text is the whole message in the house style (Chinese first, English gloss in brackets); the CLI
    prints it after 无法写入 … (cannot write).
    """

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------- leftovers of killed runs

#: mkdtemp/mkstemp's random part: 8 characters of this alphabet (how a leftover is told from a sibling).
_LEFTOVER = re.compile(r"[a-z0-9_]{8}")
_SUFFIXES = (".tmp", ".old")


def _lock(fd: int, wait: bool) -> bool:
    """flock(2) an open file or directory; False when another live process holds it (only when not
    waiting). The kernel drops the lock when its holder dies, even by SIGKILL: that is how a leftover
    of a killed run is told from the working copy of a run still going on."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def _parent_locked(parent: Path) -> Iterator[None]:
    """Hold the directory `parent` locked: creating a working copy, swapping it in, and tidying up
    leftovers never interleave between processes (tidying never sees a half-made swap)."""
    try:
        fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield  # nothing to lock (a parent we may not open): the writes themselves will say why
        return
    try:
        _lock(fd, wait=True)
        yield
    finally:
        os.close(fd)


def _open_locked(path: Path) -> int:
    """Open a working copy of ours (file or directory) and lock it for as long as this process lives."""
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0))
    _lock(fd, wait=True)
    return fd


def _leftovers(target: Path) -> list[Path]:
    """`.NAME.xxxxxxxx.tmp` / `.old` beside `target`: working copies and set-aside old versions."""
    prefix = f".{target.name}."
    found: list[Path] = []
    try:
        entries = sorted(os.listdir(target.parent))
    except OSError:
        return []
    for name in entries:
        if name.startswith(prefix) and name.endswith(_SUFFIXES) and _LEFTOVER.fullmatch(name[len(prefix):-4]):
            found.append(target.parent / name)
    return found


def tidy_leftovers(target: Path) -> None:
    """Clean up after earlier runs that were killed while writing `target` (best effort, never raises).

    A working copy (`.NAME.*.tmp`) or a set-aside old version (`.NAME.*.old`) that no live process holds
    locked is a leftover: it is removed, except that when `target` itself is missing — a run of the
    rename fallback killed between its two renames — the old version is first put back as `target`.
    Without flock (not POSIX) a live run cannot be told from a dead one, so nothing is touched.
    """
    if fcntl is None:
        return
    target = Path(target)
    with contextlib.suppress(OSError), _parent_locked(target.parent):
        for leftover in _leftovers(target):
            try:
                fd = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW
                             | (getattr(os, "O_DIRECTORY", 0) if leftover.is_dir() else 0))
            except OSError:
                continue
            try:
                if not _lock(fd, wait=False):
                    continue  # a live run's working copy
                old = leftover / "old"
                if leftover.suffix == ".old" and not os.path.lexists(target) and os.path.lexists(old):
                    os.rename(old, target)
                _remove(leftover)
            finally:
                os.close(fd)


# ---------------------------------------------------------------- target checks


def _kind(mode: int) -> str:
    """What a non-regular file is, in words (for the refusal message)."""
    if stat.S_ISDIR(mode):
        return "目录 (a directory)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件 (a device)"
    if stat.S_ISFIFO(mode):
        return "管道 (a FIFO)"
    if stat.S_ISSOCK(mode):
        return "套接字 (a socket)"
    if stat.S_ISREG(mode):
        return "普通文件 (a regular file)"
    return "特殊文件 (a special file)"


def _existing_mode(path: Path) -> int | None:
    """The mode of what `path` names, following symbolic links; None when nothing is there."""
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # a parent is a file: reported by _check_parent


def _check_parent(path: Path) -> None:
    """Refuse a target whose nearest existing ancestor is not a directory (`-o some_file/x`)."""
    for ancestor in path.parents:
        try:
            mode = ancestor.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        if not stat.S_ISDIR(mode):
            raise OutputPathError(path, f"「{ancestor}」不是目录 (is not a directory)："
                                        f"无法在其中写入 {path.name}，请换一个输出路径")
        return


def check_file_target(path: Path, force: bool = False) -> None:
    """Raise unless `path` may be written as a regular file: OutputPathError (never replaceable) or
    OutputExistsError (exists, no `force`). The CLI calls it before the work, the writers again; both
    first tidy up leftovers of killed runs (`tidy_leftovers`)."""
    path = Path(path)
    _check_parent(path)
    tidy_leftovers(path)
    mode = _existing_mode(path)
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise OutputPathError(path, f"「{path}」是目录 (is a directory)：请给出要写入的文件名")
        raise OutputPathError(path, f"「{path}」是{_kind(mode)}，不是普通文件 (not a regular file)，"
                                    "不会被替换：请换一个输出文件名")
    if (mode is not None or path.is_symlink()) and not force:
        raise OutputExistsError(path)


def check_directory_target(path: Path, force: bool = False) -> None:
    """Raise unless `path` may be written as a directory (the directory-level twin of `check_file_target`;
    an old output that a killed run left set aside is put back first, so "exists" is the truth)."""
    path = Path(path)
    _check_parent(path)
    tidy_leftovers(path)
    _check_directory(path, force)


def _check_directory(path: Path, force: bool) -> None:
    """`check_directory_target` without the tidy-up (for use while the parent is locked)."""
    mode = _existing_mode(path)
    if mode is not None and not stat.S_ISDIR(mode):
        raise OutputPathError(path, f"「{path}」是{_kind(mode)}，不是目录 (not a directory)，"
                                    "不会被替换：请换一个输出目录名")
    if (mode is not None or path.is_symlink()) and not force:
        raise OutputExistsError(path)


# ---------------------------------------------------------------- atomic writes


def _umask() -> int:
    """The process umask (read by setting and restoring it), so published files get the usual modes."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path, data: bytes, force: bool = False) -> Path:
    """Write a file through a locked temporary sibling and `os.replace` (never a torn file)."""
    path = Path(path)
    check_file_target(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes 0600: a new file gets the usual permissions, a replaced one keeps its own
    mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_umask()
    with _parent_locked(path.parent):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        _lock(fd, wait=True)
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, path)  # still locked: a concurrent tidy-up never takes it for a leftover
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(path: Path, text: str, force: bool = False, encoding: str = "utf-8") -> Path:
    """Text through `write_bytes_atomic`; newlines are written exactly as given."""
    return write_bytes_atomic(path, text.encode(encoding), force)


RENAME_EXCHANGE = 2
"""renameat2(2) flag: swap two paths in one step (Linux 3.15+, glibc 2.28+)."""
_AT_FDCWD = -100


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """libc's renameat2 through ctypes, or None where there is none (not Linux, an old or other libc)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths atomically (renameat2 RENAME_EXCHANGE); False where the system or the file
    system cannot, so the caller falls back to two renames."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap_in(tmp: Path, target: Path) -> Path | None:
    """Put the finished working copy `tmp` in place of `target`; returns what now holds the old version
    (to delete), or None.

    Linux: one renameat2(RENAME_EXCHANGE) — at every instant `target` is the whole old or the whole new
    directory. Elsewhere (or a file system without it) the fallback moves the old one aside into a locked
    `.NAME.*.old` and renames the new one in; a run killed between the two leaves no `target`, and the
    next run's `tidy_leftovers` puts the old version back.
    """
    if not (target.exists() or target.is_symlink()):
        os.replace(tmp, target)
        return None
    if exchange(tmp, target):
        return tmp
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    fd = _open_locked(aside)
    try:
        old = aside / "old"
        os.replace(target, old)
        try:
            os.replace(tmp, target)
        except BaseException:
            os.replace(old, target)
            raise
    except BaseException:
        _remove(aside)
        raise
    finally:
        os.close(fd)
    return aside


@contextlib.contextmanager
def atomic_directory(target: Path, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary directory that becomes `target` when the block succeeds.

    With `force`, an existing target is swapped with the new directory (`_swap_in`) and then deleted;
    if the block raises, the temporary directory is removed and `target` untouched. The working copy is
    flock'ed while this process lives, so a run killed at any point leaves only leftovers that the next
    run tidies up (`tidy_leftovers`), never a partial `target`.
    """
    target = Path(target)
    check_directory_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _parent_locked(target.parent):
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
        fd = _open_locked(tmp)
    old: Path | None = None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        with _parent_locked(target.parent):
            _check_directory(target, force)
            old = _swap_in(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    finally:
        os.close(fd)
    if old is not None:
        _remove(old)


def _remove(path: Path) -> None:
    """Delete a temporary file or directory of ours, quietly (it may already be gone)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def confined(root: Path, name: str) -> Path:
    """`root / name` for a relative POSIX name built from data (a visit id, a task or subject name),
    refused unless it stays inside `root`: no absolute name, no `..`, no NUL or backslash, and the
    resolved parent (symbolic links followed) inside the resolved root."""
    parts = name.split("/")
    if (not name or name.startswith("/") or "\\" in name or "\x00" in name
            or any(part in ("", ".", "..") for part in parts)):
        raise OutputPathError(root / name, f"文件名「{name!r}」会写到输出目录之外或不是合法的文件名 "
                                           "(file name escapes the output directory)：输出未写入")
    path = root.joinpath(*parts)
    base = root.resolve()
    if not path.parent.resolve().is_relative_to(base):
        raise OutputPathError(path, f"文件名「{name!r}」会写到输出目录 {root} 之外 "
                                    "(file name escapes the output directory)：输出未写入")
    return path


def write_directory_atomic(target: Path, files: Mapping[str, bytes], force: bool = False) -> list[Path]:
    """Write `files` (relative name → bytes) as the directory `target`, all or nothing; every name is
    confined to the directory (`confined`), whatever data it was built from.

    Returns the final paths in the order given.
    """
    target = Path(target)
    for name in files:
        confined(target, name)  # refuse before any work: nothing is written
    with atomic_directory(target, force) as tmp:
        for name, data in files.items():
            path = confined(tmp, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return [target / name for name in files]


# ---------------------------------------------------------------- CSV and spreadsheet cells


#: Cells that a spreadsheet would run as a formula (CSV/XLSX formula injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def xml_safe(text: str) -> str:
    """Text an XLSX or DOCX can hold: each character XML 1.0 forbids (canonical.UNWRITABLE: U+0001,
    U+FFFE, a lone surrogate…) replaced by U+FFFD �, so a stray control character in a registry or a plan
    shows as � instead of crashing the writer."""
    return UNWRITABLE.sub("\ufffd", text)


def neutralise_cell(value: object) -> object:
    """Prefix `'` to text that starts like a formula so Excel/WPS shows it instead of running it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_cell(value: object) -> str:
    """A CSV cell as text Excel/WPS will not run as a formula (None → empty, see `neutralise_cell`)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(header: Iterable[object], rows: Iterable[Iterable[object]]) -> bytes:
    """CSV as offices open it: UTF-8 with BOM (Excel/WPS read Chinese correctly), CRLF, safe cells."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
