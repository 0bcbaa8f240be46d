"""The write stage (写出): atomic writes, and the one CSV writer with its spreadsheet-safe cells.

Everything is written into a temporary file or directory beside the target (same file system),
then renamed into place, so a reader never sees a half-written file or directory. An existing target
is never replaced unless `force` is given, and never at all when it is not what is being written (a
device such as /dev/full, a FIFO, a directory where a file goes, a file where a directory goes); on
any error the temporary copy is removed and the old target, if any, is left as it was.

Tables leave here as CSV the way Chinese offices open them (`csv_bytes`): UTF-8 with BOM, CRLF, and
every cell that a spreadsheet would run as a formula neutralised (`safe_cell`, `neutralise_cell`, also
used for XLSX cells by the renderer).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path


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
    OutputExistsError (exists, no `force`). The CLI calls it before the work, the writers again."""
    path = Path(path)
    _check_parent(path)
    mode = _existing_mode(path)
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise OutputPathError(path, f"「{path}」是目录 (is a directory)：请给出要写入的文件名")
        raise OutputPathError(path, f"「{path}」是{_kind(mode)}，不是普通文件 (not a regular file)，"
                                    "不会被替换：请换一个输出文件名")
    if (mode is not None or path.is_symlink()) and not force:
        raise OutputExistsError(path)


def check_directory_target(path: Path, force: bool = False) -> None:
    """Raise unless `path` may be written as a directory (the directory-level twin of `check_file_target`)."""
    path = Path(path)
    _check_parent(path)
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
    """Write a file through a temporary sibling and `os.replace` (never a torn file)."""
    path = Path(path)
    check_file_target(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes 0600: a new file gets the usual permissions, a replaced one keeps its own
    mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(path: Path, text: str, force: bool = False, encoding: str = "utf-8") -> Path:
    """Text through `write_bytes_atomic`; newlines are written exactly as given."""
    return write_bytes_atomic(path, text.encode(encoding), force)


@contextlib.contextmanager
def atomic_directory(target: Path, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary directory that becomes `target` when the block succeeds.

    With `force`, an existing target directory is moved aside, the new directory renamed in, and the
    old one deleted; if the block raises, the temporary directory is removed and `target` untouched.
    """
    target = Path(target)
    check_directory_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        check_directory_target(target, force)
        if target.exists() or target.is_symlink():
            aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
            old = aside / "old"
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old, target)
                _remove(aside)
                raise
            _remove(aside)
        else:
            os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: Path) -> None:
    """Delete a temporary file or directory of ours, quietly (it may already be gone)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def write_directory_atomic(target: Path, files: Mapping[str, bytes], force: bool = False) -> list[Path]:
    """Write `files` (relative name → bytes) as the directory `target`, all or nothing.

    Returns the final paths in the order given.
    """
    target = Path(target)
    with atomic_directory(target, force) as tmp:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return [target / name for name in files]


# ---------------------------------------------------------------- CSV and spreadsheet cells


#: Cells that a spreadsheet would run as a formula (CSV/XLSX formula injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


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
