"""Unbounded inputs: /dev/zero, a FIFO, a file over its cap or an XLSX zip bomb is refused with a message
(exit 2: the file cannot be read as an input) — never read without end, never a blocked process, never
gigabytes of memory. The caps are environment variables (ssjlang/inputs.py, docs/architecture.md).
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import BEACON, PLAN, ROOT, ROSTER, ssj

from ssjlang.inputs import PLAN as PLAN_LIMIT
from ssjlang.inputs import InputFileError, check_zip, read_limited

ZERO = Path("/dev/zero")
needs_dev_zero = pytest.mark.skipif(not ZERO.exists(), reason="no /dev/zero")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX only")


@needs_dev_zero
@pytest.mark.parametrize("where", ["plan", "registry", "roster", "results", "record"])
def test_dev_zero_as_any_input_is_refused(where: str, small_registry: Path, drawn_dir: Path,
                                          tmp_path: Path) -> None:
    results = ROOT / "tests" / "data" / "results" / "results_ok.csv"
    inputs = {"plan": str(PLAN), "registry": str(small_registry), "roster": str(ROSTER),
              "results": str(results), "record": str(drawn_dir)}
    inputs[where] = str(ZERO)
    if where == "record":
        result = ssj("compile", inputs["plan"], "--record", inputs["record"], "-o", str(tmp_path / "o"))
    elif where == "results":
        result = ssj("compile", inputs["plan"], "--record", inputs["record"], "--results", inputs["results"],
                     "-o", str(tmp_path / "o"))
    else:
        result = ssj("draw", inputs["plan"], "--registry", inputs["registry"], "--roster", inputs["roster"],
                     *BEACON, "-o", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output + result.stderr
    assert "设备文件" in result.stderr and "(a device, not a regular file)" in result.stderr, result.stderr
    assert not (tmp_path / "o").exists()


@needs_dev_zero
def test_check_and_fmt_refuse_dev_zero() -> None:
    for command in ("check", "fmt"):
        result = ssj(command, str(ZERO))
        assert result.exit_code == 2 and "(a device, not a regular file)" in result.stderr


@needs_fifo
def test_a_fifo_as_registry_is_refused_without_blocking(tmp_path: Path) -> None:
    """In a real process with a timeout: a regression would block on open() for ever."""
    fifo = tmp_path / "registry.csv"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "ssjlang", "commit", str(PLAN), "--registry", str(fifo),
                           "--beacon", "dice:d10x20"], capture_output=True, text=True, encoding="utf-8",
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert "error[SSJ201]" in done.stderr and "(a FIFO, not a regular file)" in done.stderr
    assert "Traceback" not in done.stderr


@needs_fifo
def test_a_fifo_as_plan_or_record_is_refused(tmp_path: Path, small_registry: Path) -> None:
    fifo = tmp_path / "x.ssj"
    os.mkfifo(fifo)
    assert ssj("check", str(fifo)).exit_code == 2
    result = ssj("verify", str(fifo), "--plan", str(PLAN), "--registry", str(small_registry))
    assert result.exit_code == 2 and "(a FIFO, not a regular file)" in result.stderr


def test_caps_come_from_the_environment_and_are_checked(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    plan = tmp_path / "plan.ssj"
    plan.write_bytes(b"x" * 100)
    assert read_limited(plan, PLAN_LIMIT) == b"x" * 100
    monkeypatch.setenv("SSJ_MAX_PLAN_BYTES", "99")
    with pytest.raises(InputFileError) as caught:
        read_limited(plan, PLAN_LIMIT)
    assert caught.value.too_large and "SSJ_MAX_PLAN_BYTES" in str(caught.value)
    result = ssj("check", str(plan), env={"SSJ_MAX_PLAN_BYTES": "99"})
    assert result.exit_code == 1 and "error[SSJ004]" in result.stdout
    assert "SSJ_MAX_PLAN_BYTES" in result.stdout
    monkeypatch.setenv("SSJ_MAX_PLAN_BYTES", "lots")
    with pytest.raises(InputFileError) as caught:
        read_limited(plan, PLAN_LIMIT)
    assert "SSJ_MAX_PLAN_BYTES='lots' 不是正整数字节数 (not a positive byte count)" in str(caught.value)


def _workbook(rows: list[list[str]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _with_declared_part(data: bytes, name: str, declared: int) -> bytes:
    """The workbook plus one more part whose zip headers declare `declared` bytes (a lying zip bomb)."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"a" * 1000)
    raw = bytearray(out.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46:central + 46 + length] == name.encode():
            struct.pack_into("<I", raw, central + 24, declared)
            break
        central = raw.rfind(b"PK\x01\x02", 0, central)
    return bytes(raw)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(small_registry: Path, tmp_path: Path) -> None:
    rows = [line.split(",") for line in small_registry.read_text("utf-8").splitlines()[:5]]
    bomb = tmp_path / "registry.xlsx"
    bomb.write_bytes(_with_declared_part(_workbook(rows), "xl/sharedStrings2.xml", 800_000_000))
    with pytest.raises(InputFileError) as caught:
        check_zip(bomb.read_bytes(), bomb)
    assert "xl/sharedStrings2.xml 一项即 800,000,000 字节" in str(caught.value)
    result = ssj("commit", str(PLAN), "--registry", str(bomb), "--beacon", "dice:d10x20")
    assert result.exit_code == 2 and "error[SSJ201]" in result.stderr
    assert "SSJ_MAX_UNZIPPED_BYTES" in result.stderr, result.stderr


def test_a_real_big_string_in_a_workbook_is_refused_under_a_lowered_cap(small_registry: Path,
                                                                        tmp_path: Path) -> None:
    rows = [line.split(",") for line in small_registry.read_text("utf-8").splitlines()[:5]]
    rows += [[f"X{i}", "名" * 32_000] for i in range(20)]  # 1.9 MB of text that compresses to kilobytes
    path = tmp_path / "registry.xlsx"
    path.write_bytes(_workbook(rows))
    assert path.stat().st_size < 100_000
    result = ssj("commit", str(PLAN), "--registry", str(path), "--beacon", "dice:d10x20",
                 env={"SSJ_MAX_UNZIPPED_BYTES": "1500000"})
    assert result.exit_code == 2 and "would unzip to" in result.stderr, result.stderr


def test_a_zip_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"p{i}", b"")
    with pytest.raises(InputFileError) as caught:
        check_zip(out.getvalue(), tmp_path / "x.xlsx")
    assert "(too many parts in the zip)" in str(caught.value)
