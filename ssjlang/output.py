"""Atomic writes (原子写入): a reader never sees a half-written file or directory.

Everything is written into a temporary file or directory beside the target (same file system),
then renamed into place. An existing target is never replaced unless `force` is given; on any
error the temporary copy is removed and the old target, if any, is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path


class OutputExistsError(FileExistsError):
    """The target exists and `force` was not given (the CLI exits 2 with a hint to use --force)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; use --force to replace it")
        self.path = path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(path: Path, force: bool) -> None:
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputExistsError(path)


def write_bytes_atomic(path: Path, data: bytes, force: bool = False) -> Path:
    """Write a file through a temporary sibling and `os.replace` (never a torn file)."""
    path = Path(path)
    _check_target(path, force)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a published file is readable
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

    With `force`, an existing target is moved aside, the new directory renamed in, and the old
    one deleted; if the block raises, the temporary directory is removed and `target` untouched.
    """
    target = Path(target)
    _check_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        _check_target(target, force)
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
