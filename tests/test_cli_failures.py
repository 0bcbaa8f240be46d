"""What the command line does when things go wrong around the input: arguments that are not UTF-8, an
`--encoding` that is no text encoding, a plan that cannot be written back, an I/O error or a bug that
escapes a command. Always a message and exit 2 (usage, I/O) or 3 (a bug, with a report file) — never a
traceback on the screen.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLAN, ssj

from ssjlang import __version__

GBK_DESCRIPTOR = os.fsdecode("福彩双色球".encode("gbk"))  # what Python makes of GBK bytes in argv


# ---------------------------------------------------------------- command-line text that is not UTF-8


def test_a_gbk_beacon_descriptor_is_refused(small_registry: Path) -> None:
    result = ssj("commit", str(PLAN), "--registry", str(small_registry), "--beacon", GBK_DESCRIPTOR)
    assert result.exit_code == 2
    assert "不是 UTF-8 文本 (a command-line argument is not UTF-8)" in result.stderr
    assert repr("福彩双色球".encode("gbk")) in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_a_gbk_file_name_is_refused_in_a_real_process(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/" + "计划".encode("gbk") + b".ssj"
    with open(name, "wb") as handle:
        handle.write(PLAN.read_bytes())
    done = subprocess.run([sys.executable, "-m", "ssjlang", "check", name], capture_output=True, timeout=60)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "(a command-line argument is not UTF-8)" in stderr
    assert "Traceback" not in stderr and done.stdout == b""


@pytest.mark.parametrize(("codec", "said"), [
    ("rot13", "「rot13」不是文本编码 (not a text encoding)"),
    ("base64", "「base64」不是文本编码 (not a text encoding)"),
    ("zlib", "「zlib」不是文本编码 (not a text encoding)"),
    ("undefined", "「undefined」不能用于解码文本 (cannot decode text)"),
    ("gbx", "未知的编码「gbx」 (unknown encoding)"),
])
def test_an_encoding_that_is_no_text_encoding_is_a_usage_error(small_registry: Path, codec: str,
                                                                said: str) -> None:
    result = ssj("commit", str(PLAN), "--registry", str(small_registry), "--beacon", "dice:d10x20",
                 "--encoding", codec)
    assert result.exit_code == 2 and said in result.stderr, result.stderr


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib", "undefined"])
def test_the_library_reports_a_non_text_codec_as_ssj216(small_registry: Path, codec: str) -> None:
    from ssjlang.diagnostics import InputError
    from ssjlang.interpret.registry import load_registry

    with pytest.raises(InputError) as caught:
        load_registry(small_registry, encoding=codec)
    assert [d.code for d in caught.value.diagnostics] == ["SSJ216"]


# ---------------------------------------------------------------- ssj fmt cannot write


def _unformatted(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "plan.ssj"
    data = PLAN.read_bytes().replace(b"\n  ", b"\n      ", 3)
    path.write_bytes(data)
    return path, data


@pytest.mark.parametrize(("where", "code", "reason"), [
    ("tempfile.mkstemp", errno.EROFS, "Read-only file system"),
    ("os.fsync", errno.ENOSPC, "No space left on device"),
])
def test_fmt_that_cannot_write_says_so_and_leaves_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          where: str, code: int, reason: str) -> None:
    from ssjlang import output

    path, data = _unformatted(tmp_path)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, reason)

    module, function = where.split(".")
    monkeypatch.setattr(getattr(output, module), function, fail)
    result = ssj("fmt", str(path))
    assert result.exit_code == 2
    assert f"ssj fmt: 无法写入 {path} (cannot write): {reason}；文件未改动" in result.stderr
    assert path.read_bytes() == data and sorted(p.name for p in tmp_path.iterdir()) == ["plan.ssj"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_fmt_in_a_read_only_folder(tmp_path: Path) -> None:
    path, data = _unformatted(tmp_path)
    tmp_path.chmod(0o555)
    try:
        result = ssj("fmt", str(path))
    finally:
        tmp_path.chmod(0o755)
    assert result.exit_code == 2 and "无法写入" in result.stderr and path.read_bytes() == data


def test_fmt_writes_the_other_files_and_still_exits_2(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from ssjlang.cli import plan_commands

    first, _ = _unformatted(tmp_path)
    second = tmp_path / "second.ssj"
    second.write_bytes(first.read_bytes())
    real = plan_commands._replace_file

    def only_second(path: Path, text: str) -> None:
        if path.name == "plan.ssj":
            raise OSError(errno.EACCES, "Permission denied")
        real(path, text)

    monkeypatch.setattr(plan_commands, "_replace_file", only_second)
    result = ssj("fmt", str(first), str(second))
    assert result.exit_code == 2 and f"reformatted（已排版）: {second}" in result.stderr
    assert ssj("fmt", "--check", str(second)).exit_code == 0


# ---------------------------------------------------------------- what escapes a command


def test_an_internal_error_gives_a_short_message_and_a_report_file(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from ssjlang.check import checker

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug for the test")

    monkeypatch.setattr(checker, "check", broken)
    result = ssj("check", str(PLAN), env={"XDG_CACHE_HOME": str(tmp_path)})
    assert result.exit_code == 3
    assert "ssj 内部错误 (internal error): RuntimeError" in result.stderr
    assert "(a bug in ssjlang, not in your input: please report it with the file below)" in result.stderr
    assert f"版本 (version): ssjlang {__version__}" in result.stderr
    [report] = (tmp_path / "ssjlang").iterdir()
    assert f"详细信息 (traceback): {report}" in result.stderr
    text = report.read_text("utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: a bug for the test" in text
    assert "'check'" in text


def test_an_os_error_that_escapes_a_command_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssjlang.check import checker

    def failing_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error", "/mnt/plans/x.ssj")

    monkeypatch.setattr(checker, "check", failing_disk)
    result = ssj("check", str(PLAN))
    assert result.exit_code == 2
    assert "错误 (error): 读写文件 /mnt/plans/x.ssj 失败 (I/O error): Input/output error" in result.stderr
