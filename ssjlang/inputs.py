"""Reading input files within bounds: regular files only, never more than a cap of bytes.

Every input (plan, registry, roster, results, draw record, template) is read here, so that /dev/zero as a
plan, a FIFO as `--registry` or an XLSX that inflates to gigabytes is refused with a message instead of
reading without end, blocking for ever or exhausting memory. The caps are generous for real files and
can be raised by environment variables (docs/architecture.md, "Input limits"):

| variable | default | what |
|---|---|---|
| `SSJ_MAX_PLAN_BYTES` | 8,000,000 | a `.ssj` plan |
| `SSJ_MAX_TABLE_BYTES` | 1 GiB | a registry, roster or results file (CSV or XLSX as stored) |
| `SSJ_MAX_RECORD_BYTES` | 256 MiB | a draw record (`record.json`) |
| `SSJ_MAX_TEMPLATE_BYTES` | 64 MiB | one template (HTML or Word) |
| `SSJ_MAX_UNZIPPED_BYTES` | 512 MiB | an XLSX or DOCX once unzipped (all its parts together) |

Problems are raised as `InputFileError`, an `OSError` whose `strerror` is the house-style message, so every
reader's existing "cannot read" path reports it with the file named.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limit:
    """A cap on the bytes of one kind of input, and the environment variable that overrides it."""

    what: str  # in words, for the message: Chinese
    english: str
    variable: str
    default: int

    def bytes(self) -> int:
        """The cap in force: the environment variable when set (a whole number of bytes), else the default."""
        text = os.environ.get(self.variable)
        if text is None or not text.strip():
            return self.default
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            value = -1
        if value <= 0:
            raise InputFileError(errno.EINVAL, f"环境变量 {self.variable}={text!r} 不是正整数字节数 "
                                               f"(not a positive byte count)", self.variable)
        return value


PLAN = Limit("计划文件", "plan", "SSJ_MAX_PLAN_BYTES", 8_000_000)
TABLE = Limit("表格文件", "table", "SSJ_MAX_TABLE_BYTES", 1 << 30)
RECORD = Limit("抽查记录", "record", "SSJ_MAX_RECORD_BYTES", 256 << 20)
TEMPLATE = Limit("模板", "template", "SSJ_MAX_TEMPLATE_BYTES", 64 << 20)
UNZIPPED = Limit("解压后的工作簿或文档", "unzipped", "SSJ_MAX_UNZIPPED_BYTES", 512 << 20)

#: At most this many parts in an XLSX/DOCX zip (a real workbook has a few dozen).
MAX_ZIP_ENTRIES = 10_000


class InputFileError(OSError):
    """An input that is not read: not a regular file, larger than its cap, or a zip that would inflate
    beyond its cap. `strerror` is the whole message (house style); `too_large` tells size refusals apart."""

    def __init__(self, code: int, message: str, filename: object = None, too_large: bool = False) -> None:
        super().__init__(code, message, filename)
        self.too_large = too_large

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}" if self.filename else str(self.strerror)


def _too_large(path: object, size: int, limit: Limit, cap: int) -> InputFileError:
    message = (f"{limit.what}超过上限 {cap:,} 字节 ({size:,}+ bytes: over the {limit.english} cap)，"
               f"可用环境变量 {limit.variable} 调高上限")
    return InputFileError(errno.EFBIG, message, path, too_large=True)


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read as an input (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "这是一个目录，不是文件 (a directory, not a file)"
    if stat.S_ISFIFO(mode):
        return "这是管道 (FIFO)，不是普通文件 (a FIFO, not a regular file)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是设备文件，不是普通文件 (a device, not a regular file)"
    return "这不是普通文件 (not a regular file)"


def read_limited(path: Path | str, limit: Limit) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; `InputFileError` otherwise (OSError as the OS
    gives it for a missing or unreadable file).

    The file is opened without blocking (a FIFO would wait for a writer) and checked with fstat before a
    byte is read; at most cap + 1 bytes are ever read, so a file that grows (or lies about its size, as
    /proc files do) is still refused.
    """
    cap = limit.bytes()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        problem = not_regular(info.st_mode)
        if problem is not None:
            code = errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL
            raise InputFileError(code, problem, str(path))
        if info.st_size > cap:
            raise _too_large(str(path), info.st_size, limit, cap)
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            chunk = handle.read(min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > cap:
        raise _too_large(str(path), len(data), limit, cap)
    return data


def check_zip(data: bytes, path: Path | str) -> None:
    """Refuse an XLSX/DOCX whose parts would unzip beyond `UNZIPPED` (a zip bomb), before any part is
    inflated. The sizes checked are the ones the zip declares, and Python's zip reader never inflates a
    part beyond its declared size, so the check holds for a zip that lies. A damaged zip is left to the
    caller's reader to report."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return
    if len(parts) > MAX_ZIP_ENTRIES:
        raise InputFileError(errno.EFBIG, f"压缩包中有 {len(parts):,} 个部件，多于 {MAX_ZIP_ENTRIES:,} "
                                          f"(too many parts in the zip)", str(path), too_large=True)
    total = sum(part.file_size for part in parts)
    cap = UNZIPPED.bytes()
    if total > cap:
        biggest = max(parts, key=lambda part: part.file_size)
        message = (f"{UNZIPPED.what}将超过上限 {cap:,} 字节，{biggest.filename} 一项即 "
                   f"{biggest.file_size:,} 字节 (would unzip to {total:,} bytes: over the cap)，"
                   f"可用环境变量 {UNZIPPED.variable} 调高上限")
        raise InputFileError(errno.EFBIG, message, str(path), too_large=True)


def text_codec_problem(name: str) -> str | None:
    """Why `name` cannot be the encoding of a text file (None when it can): unknown, or a codec that is
    not a text encoding (rot13, base64, zlib: bytes-to-bytes or str-to-str) or that decodes nothing
    (`undefined`)."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return f"未知的编码「{name}」 (unknown encoding)"
    if not getattr(info, "_is_text_encoding", True):
        return f"「{name}」不是文本编码 (not a text encoding)"
    try:
        codecs.decode(b"a,b\n", info.name)
    except (UnicodeError, LookupError, ValueError, TypeError):
        return f"「{name}」不能用于解码文本 (cannot decode text)"
    return None
