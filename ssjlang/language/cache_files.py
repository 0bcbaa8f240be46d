"""The per-user cache files of the parse stage (the built parser, the compiled scanners) in
`$XDG_CACHE_HOME/ssjlang`: read only when a regular file owned by the current user, written atomically, and
never a reason to fail — a cache that cannot be read or written is only a slower start."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def open_own_regular_file(path: Path) -> Iterator[BinaryIO | None]:
    """A cache file opened for reading, or None when it is not a regular file owned by the current user
    (opened without blocking, so a FIFO put in its place cannot hang the process). Raises OSError when it
    cannot be opened at all (missing, no permission)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        getuid = getattr(os, "getuid", None)
        own = getuid is None or info.st_uid == getuid()
        yield handle if stat.S_ISREG(info.st_mode) and own else None


def write_cache_file(path: Path, write: Callable[[BinaryIO], None], prefix: str) -> bool:
    """Write a cache file atomically (a temporary file beside it, then rename); False, leaving nothing
    behind, when that fails (read-only or full disk, no permission, `write` itself failing)."""
    tmp: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
        tmp = None
        return True
    except Exception:  # the cache is only an optimisation
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
