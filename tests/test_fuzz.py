"""Fuzzing: hypothesis mutates plans, registries, results and draw records and feeds them to the stages and
to the command line. Whatever the input, a stage answers with diagnostics (`InputError`) and the command
with exit 0, 1 or 2 — any other exception, an internal error (exit 3) or a traceback fails the test.

The normal run is seeded (derandomized) and small: a few thousand cases in a few seconds. A longer, random
run: `SSJ_FUZZ_SCALE=50 .venv/bin/pytest -q tests/test_fuzz.py` (every example count times the scale).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang.check.checker import check
from ssjlang.cli import main
from ssjlang.diagnostics import InputError
from ssjlang.documents.results import load_results
from ssjlang.interpret.record import load_record, record_files
from ssjlang.interpret.registry import load_registry
from ssjlang.language.parser import parse, read_source
from ssjlang.report.report import render_json, render_text

SCALE = max(1, int(os.environ.get("SSJ_FUZZ_SCALE", "1") or 1))
DATA = Path(__file__).parent / "data"


def fuzz(examples: int) -> Callable[[Any], Any]:
    """Seeded and small by default; SSJ_FUZZ_SCALE multiplies the examples and makes the run random."""
    return settings(max_examples=examples * SCALE, deadline=None, derandomize=SCALE == 1, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------- seeds and mutations

PLAN = """计划 "测试" {
  年度 2024
  文号 "城区监〔{年}〕{号}号"
}
部门 城区商务局 又称 区商务局
部门 城区市场监管局
风险递加 信用分类 "按信用风险分类递加" {
  低风险 比例×1
  高风险 比例×3
}
任务 4 "对汽车销售企业的抽查" {
  事项 { "对从事汽车销售的检查" "市场主体登记事项检查" }
  对象 "全区汽车销售企业" 筛选 行业类别 包含 "汽车销售" 且 注册资本 >= 3000万元
  比例 不低于 20%
  频次 2次/年
  风险 信用分类
  时间 3月—次年2月
  发起 区商务局
  配合 城区市场监管局
  模式 县抽县查
}
""".encode()

REGISTRY = ("统一社会信用代码,名称,行业类别,风险等级,注册资本（万元）\n"
            "91140502MA0K000001,甲汽车销售,汽车销售,A,3000\n"
            '91140502MA0K000002,"乙, 汽车",汽车销售;二手车,B,\n'
            "91140502MA0K000003,丙公司,零售业,,12.5\n").encode()

FIXTURE_RECORD = json.loads((DATA / "fixture_record.json").read_text("utf-8"))
VISIT = FIXTURE_RECORD["visits"][0]
RESULTS = ("统一社会信用代码,任务序号,检查日期,检查结果,处理情况/备注\n"
           f"{VISIT['subject']},{VISIT['tasks'][0]['no']},{VISIT['date']},未发现问题,\n"
           f'{VISIT["subject"]},{VISIT["tasks"][1]["no"]},2024年3月5日,发现问题已责令改正,"已整改,复查"\n').encode()

PIECES: tuple[bytes, ...] = (
    b'"', b",", b"\n", b"\r", b"\r\n", b"\t", b"\x00", b"\x01", "\ufffe".encode(), b"\xff\xfe", b"\xc4\xe3",
    b"{", b"}", b"[", b"]", b"(", b")", "（".encode(), "“".encode(), b"9" * 60, b"-1", b"1e400", b"NaN",
    b"[" * 200, b"\\u0000", b"\\ud800", b"null", b"true", b"0", b"2024-13-45", b"9999-12-30",
    "任务".encode(), "比例".encode(), "且".encode(), "次年".encode(), b"%", "　".encode(),
    "𠀀".encode(), b"\xef\xbb\xbf", b"=SUM(A1)", b"../", b" " * 30,
)
OPERATIONS = ("insert", "replace", "delete", "duplicate", "truncate")

mutations = st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 1 << 20), st.integers(0, 1 << 20),
                               st.sampled_from(PIECES)), min_size=1, max_size=6)


def mutate(data: bytes, steps: list[tuple[str, int, int, bytes]]) -> bytes:
    """Apply byte-level edits at positions taken modulo the current length (so every step lands)."""
    for operation, first, second, piece in steps:
        n = len(data) + 1
        at, other = first % n, second % n
        start, end = min(at, other), max(at, other)
        if operation == "insert":
            data = data[:at] + piece + data[at:]
        elif operation == "replace":
            data = data[:at] + piece + data[at + len(piece):]
        elif operation == "delete":
            data = data[:start] + data[end:end + 1] + data[end + 1:] if end - start < 200 else data
        elif operation == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        else:
            data = data[:at]
    return data


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ssj-fuzz-") as folder:
        yield Path(folder)


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- in process


@fuzz(600)
@given(mutations)
def test_plans(workdir: Path, steps: list[tuple[str, int, int, bytes]]) -> None:
    path = _file(workdir, "plan.ssj", mutate(PLAN, steps))
    text, diagnostics = read_source(path)
    if text is not None:
        result = parse(text, str(path))
        diagnostics = [*diagnostics, *result.diagnostics]
        if result.plan is not None:
            diagnostics += check(result.plan, str(path))
            if not any(d.is_error for d in diagnostics):
                from ssjlang.check.export import export_plan
                from ssjlang.check.resolve import resolve_plan

                json.dumps(export_plan(resolve_plan(result.plan)), ensure_ascii=False)
    render_text(diagnostics, {str(path): text})
    json.loads(render_json(diagnostics))


@fuzz(500)
@given(mutations)
def test_registries(workdir: Path, steps: list[tuple[str, int, int, bytes]]) -> None:
    path = _file(workdir, "registry.csv", mutate(REGISTRY, steps))
    try:
        registry = load_registry(path)
    except InputError as exc:
        assert all(d.code.startswith("SSJ2") for d in exc.diagnostics if d.is_error)
        return
    assert len(registry.subjects) == len(registry.by_id) and len(registry.digest) == 64


@fuzz(500)
@given(mutations)
def test_results(workdir: Path, steps: list[tuple[str, int, int, bytes]]) -> None:
    path = _file(workdir, "results.csv", mutate(RESULTS, steps))
    try:
        load_results(path, FIXTURE_RECORD)
    except InputError:
        return


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(["", "\x00", "\x01", "\ud800", "../../x", "V0001", "2024-02-30", "A", "0" * 64]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            yield from _places(item, (*path, index))


PLACES = list(_places(FIXTURE_RECORD))[1:]


def _replaced(record: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(record))
    node = copy
    for part in path[:-1]:
        node = node[part]
    if value is _DROP and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = None if value is _DROP else value
    return copy


_DROP = object()


def _use_record(path: Path) -> None:
    """Load a record as compile --record does; a record that loads must also give its files and render (the
    workbook: the writer that control characters used to crash)."""
    try:
        record = load_record(path, complete=True)
    except InputError:
        return
    record_files(record)
    from ssjlang.documents.render import RenderOptions, render_documents

    plan = json.loads((DATA / "fixture_plan.json").read_text("utf-8"))
    render_documents(plan, record, None, RenderOptions(formats=frozenset({"xlsx", "csv"})))


@fuzz(200)
@given(st.sampled_from(PLACES), JSON_VALUES | st.just(_DROP))
def test_records_by_field(workdir: Path, place: tuple[Any, ...], value: Any) -> None:
    text = json.dumps(_replaced(FIXTURE_RECORD, place, value), ensure_ascii=False)
    _use_record(_file(workdir, "record.json", text.encode("utf-8", "surrogatepass")))


@fuzz(150)
@given(mutations)
def test_records_by_bytes(workdir: Path, steps: list[tuple[str, int, int, bytes]]) -> None:
    data = json.dumps(FIXTURE_RECORD, ensure_ascii=False, indent=1).encode("utf-8")
    _use_record(_file(workdir, "record.json", mutate(data, steps)))


# ---------------------------------------------------------------- through the command line


def _cli(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.output + result.stderr


@fuzz(12)
@given(mutations, mutations)
def test_command_line(workdir: Path, plan_steps: list[tuple[str, int, int, bytes]],
                      registry_steps: list[tuple[str, int, int, bytes]]) -> None:
    plan = _file(workdir, "cli.ssj", mutate(PLAN, plan_steps))
    registry = _file(workdir, "cli.csv", mutate(REGISTRY, registry_steps))
    _cli("check", str(plan))
    _cli("fmt", "--check", str(plan))
    _cli("commit", str(plan), "--registry", str(registry), "--beacon", "dice:d10x20")
    record = _file(workdir, "cli.json", mutate(json.dumps(FIXTURE_RECORD).encode(), plan_steps))
    _cli("verify", str(record), "--plan", str(plan), "--registry", str(registry))
    _cli("compile", str(plan), "--record", str(record), "--format", "html", "-o", str(workdir / "out"),
         "--force")
