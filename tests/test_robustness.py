"""Hostile input never produces a traceback: always a diagnostic and exit 1 (bad plan) or 2 (cannot read)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang.check.checker import check
from ssjlang.cli import main
from ssjlang.language.parser import parse
from ssjlang.report.report import render_github, render_json, render_text

ROOT = Path(__file__).resolve().parent.parent
HEADER = '计划 "测试" {\n  年度 2024\n}\n部门 城区商务局\n'


def run_check(path: Path, *options: str) -> Result:
    result = CliRunner().invoke(main, ["check", *options, str(path)])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        result.exception)
    assert "Traceback" not in result.output
    return result


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name, data, code", [
    ("junk.ssj", bytes(range(256)) * 4, "SSJ003"),
    ("random.ssj", bytes((i * 131 + 7) % 256 for i in range(4096)).replace(b"\x00", b"\x01"), "SSJ001"),
    ("gbk.ssj", (HEADER + '任务 1 "检查" {\n}\n').encode("gbk"), "SSJ001"),
    ("utf16.ssj", HEADER.encode("utf-16"), "SSJ003"),
])
def test_undecodable_files(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    result = run_check(_write(tmp_path, name, data))
    assert result.exit_code == 1
    assert f"error[{code}]" in result.stdout


def test_gbk_is_named(tmp_path: Path) -> None:
    result = run_check(_write(tmp_path, "gbk.ssj", (HEADER + '任务 1 "检查" {\n}\n').encode("gbk")))
    assert "GBK" in result.stdout


def test_empty_file(tmp_path: Path) -> None:
    result = run_check(_write(tmp_path, "empty.ssj", b""))
    assert result.exit_code == 1
    assert "error[SSJ1" in result.stdout or "error[SSJ0" in result.stdout


def test_ten_megabytes(tmp_path: Path) -> None:
    line = '# 注释 comment ' + "x" * 80 + "\n"
    data = (HEADER + line * (10_000_000 // len(line.encode("utf-8")))).encode("utf-8")
    assert len(data) >= 9_000_000
    result = run_check(_write(tmp_path, "big.ssj", data))
    assert result.exit_code == 1
    assert "error[SSJ004]" in result.stdout


@pytest.mark.parametrize("opening, closing", [("(", ")"), ("（", "）"), ("非 (", ")")])
def test_deep_nesting(tmp_path: Path, opening: str, closing: str) -> None:
    """1000 nested parentheses: either accepted (redundant brackets) or refused with SSJ015."""
    selector = opening * 1000 + '行业类别 包含 "汽车销售"' + closing * 1000
    task = (f'任务 1 "深" {{\n  事项 "检查"\n  对象 "x" 筛选 {selector}\n  比例 10%\n  频次 1次/年\n'
            "  时间 3月—11月\n  发起 城区商务局\n  模式 县抽县查\n}\n")
    result = run_check(_write(tmp_path, "deep.ssj", (HEADER + task).encode("utf-8")))
    if result.exit_code == 1:
        assert "error[SSJ015]" in result.stdout
    else:
        assert result.exit_code == 0 and "no problems" in result.stdout


def test_directory_and_missing_file(tmp_path: Path) -> None:
    directory = run_check(tmp_path)
    assert directory.exit_code == 2 and "目录" in directory.stderr
    missing = run_check(tmp_path / "nope.ssj")
    assert missing.exit_code == 2 and "文件不存在" in missing.stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.ssj", HEADER.encode())
    path.chmod(0)
    try:
        assert run_check(path).exit_code == 2
    finally:
        path.chmod(0o644)


def test_real_process_reports_without_traceback(tmp_path: Path) -> None:
    """Once through a real `python -m ssjlang` process: stdout/stderr as a CI job sees them."""
    junk = _write(tmp_path, "junk.ssj", b"\x00\x01\x02binary")
    missing = tmp_path / "missing.ssj"
    done = subprocess.run([sys.executable, "-m", "ssjlang", "check", "--format", "json", str(junk),
                           str(missing)],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=ROOT)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert json.loads(done.stdout)[0]["code"] == "SSJ003"
    assert "missing.ssj" in done.stderr


_fragments = st.sampled_from([
    "任务", "1", '"名称"', "{", "}", "比例", "不低于", "20%", "频次", "1次/年", "时间", "3月", "—",
    "次年", "12月", "发起", "配合", "城区商务局", "、", "模式", "县抽县查", "对象", "筛选", "行业类别",
    "包含", "(", ")", "且", "风险", "信用分类", "无", "\n", " ", "；", "按总数", "不超过", "10", "：",
    "2户", "批次", "截止", "13月", "注册资本", ">=", "3000万元", "[", "]", "属于", "部门", "又称",
    "风险递加", "高风险", "比例×3", "\t", "“", "@",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fragments, max_size=60))
def test_random_token_soup_never_crashes(parts: list[str]) -> None:
    text = HEADER + "".join(parts)
    result = parse(text, "soup.ssj")
    diagnostics = list(result.diagnostics)
    if result.plan is not None:
        diagnostics += check(result.plan, "soup.ssj")
    for diagnostic in diagnostics:
        assert diagnostic.code.startswith("SSJ") and diagnostic.message
    render_text(diagnostics, {"soup.ssj": text})
    json.loads(render_json(diagnostics))
    render_github(diagnostics)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    result = parse(text, "any.ssj")
    diagnostics = list(result.diagnostics)
    if result.plan is not None:
        diagnostics += check(result.plan, "any.ssj")
    render_text(diagnostics, {"any.ssj": text})
