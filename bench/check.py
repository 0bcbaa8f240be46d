"""How long `ssj check` takes: parse + check once imported, and a whole process.

Run: /work/venv/bin/python bench/check.py [--runs N]

Targets: the 27-task plan parses and checks in under 50 ms once imported; a whole
`ssj check plans/chengqu2024.ssj` process finishes in under 0.5 s, and one on a generated 1,000-task plan in
under 1 s. Each process is shown beside the floor measured in the same run: a process that only starts
Python and imports Lark and click. The whole process is timed twice:
cold (an empty parser cache, as on the first run after installing or changing the grammar: the
LALR tables are built and then saved) and warm (the built parser is loaded from
`$XDG_CACHE_HOME/ssjlang`, as on every later run). The import times of the modules a `ssj check`
process loads are listed so a slow import can be made lazy.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "chengqu2024.ssj"
PARSE_CHECK_TARGET_MS = 50.0
PROCESS_TARGET_MS = 500.0
BIG_TARGET_MS = 1000.0
WATCHED_PACKAGES = ("ssjlang", "lark", "click", "jinja2", "openpyxl", "docx", "docxtpl", "chinese_calendar")


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def process_ms(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of `runs` whole processes, in ms.

    The CPU time hardly changes when other processes share the machine; the wall time does.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, cwd=ROOT, check=False, env=env)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def generated_plan(tasks: int) -> str:
    """A synthetic plan with `tasks` tasks in the shape of the seed's rows (deterministic)."""
    head = ['计划 "基准测试计划" {', "  年度 2024", '  地区 "晋城市城区"', "}", "",
            "部门 城区市场监管局", "部门 城区商务局", "部门 城区人社局 又称 区人社局", "",
            '风险递加 信用分类 "递加" {', "  低风险 比例×1", "  一般风险 比例×1.5", "  较高风险 比例×2",
            "  高风险 比例×3 频次 2次/年", "}", ""]
    body = []
    for number in range(1, tasks + 1):
        body += [
            f'任务 {number} "第{number}项联合抽查" {{',
            '  事项 { "对从事汽车销售及其相关服务活动的检查"; "市场主体登记事项和公示信息检查" }',
            f'  对象 "全区汽车销售企业" 筛选 行业类别 包含 "汽车销售{number % 7}"'
            f" 且 注册资本 >= {number}万元",
            f"  比例 不低于 {5 + number % 40}%",
            "  频次 1次/年",
            "  风险 信用分类",
            f"  时间 {1 + number % 6}月—{7 + number % 6}月",
            "  发起 城区商务局",
            "  配合 城区市场监管局、区人社局",
            "  模式 县抽县查",
            "}",
        ]
    return "\n".join(head + body) + "\n"


def import_times() -> list[tuple[str, float]]:
    """Import time (ms, cumulative) of each ssjlang module a fresh `ssj check` process loads."""
    code = ("import sys, runpy; sys.argv = ['ssj', 'check', '--help']\n"
            "try:\n    runpy.run_module('ssjlang', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "import ssjlang.language.parser, ssjlang.check.checker\n")
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    rows = []
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            name = parts[2].strip()
            top = name.split(".")[0]
            if top in WATCHED_PACKAGES:
                rows.append((name, int(parts[1]) / 1000))
    return sorted(rows, key=lambda row: -row[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per in-process measurement (median)")
    args = parser.parse_args()

    from ssjlang.check.checker import check_source
    from ssjlang.language.parser import parse

    source = PLAN.read_text(encoding="utf-8")
    parse(source, str(PLAN))  # build the Lark parser once (as the first file of a process does)

    def parse_and_check(text: str, file: str) -> None:
        checked, diagnostics = check_source(text, file)
        assert checked is not None, diagnostics

    seed_ms = median_ms(lambda: parse_and_check(source, str(PLAN)), args.runs)
    big = generated_plan(1000)
    with tempfile.TemporaryDirectory(prefix="ssj-bench-") as tmp:
        big_plan = Path(tmp) / "generated-1000.ssj"
        big_plan.write_text(big, encoding="utf-8")
        # As installed: byte code cached (pip writes .pyc files; here into a temporary prefix, never
        # into the source tree), whatever PYTHONDONTWRITEBYTECODE says in this shell.
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        # The floor: a process that only starts Python and imports the libraries `ssj check` needs
        # (Lark, click); measured in this run, beside the command, so a loaded machine shows in both.
        floor = [sys.executable, "-c", "import lark, click"]
        process = [sys.executable, "-m", "ssjlang", "check", str(PLAN)]
        colds = []
        for run in range(5):  # a new, empty parser cache every time
            env = {**base, "XDG_CACHE_HOME": os.path.join(tmp, f"cold{run}")}
            colds.append(process_ms(process, env, 1))
        cold_ms = statistics.median(c[0] for c in colds)
        cold_cpu = statistics.median(c[1] for c in colds)
        warm_env = {**base, "XDG_CACHE_HOME": os.path.join(tmp, "warm")}
        process_ms(process, warm_env, 1)  # fill the parser cache
        process_ms(floor, warm_env, 1)
        floor_ms, floor_cpu = process_ms(floor, warm_env, 7)
        warm_ms, warm_cpu = process_ms(process, warm_env, 7)
        big_command = [sys.executable, "-m", "ssjlang", "check", str(big_plan)]
        big_ms, big_cpu = process_ms(big_command, warm_env, 5)
        # ssjlang compiled from source in every process (a source checkout run with
        # PYTHONDONTWRITEBYTECODE=1, as in the development sandbox); libraries keep their .pyc files
        source_env = {k: v for k, v in warm_env.items() if k != "PYTHONPYCACHEPREFIX"}
        source_env["PYTHONDONTWRITEBYTECODE"] = "1"
        nobyte_ms, nobyte_cpu = process_ms(process, source_env, 5)

    def verdict(ms: float, target: float) -> str:
        return "ok" if ms < target else "SLOW"

    shown = PLAN.relative_to(ROOT)
    print(f"load average (1 min) during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"floor: `python -c 'import lark, click'`, median of 7:       {floor_ms:8.1f} ms"
          f"  (CPU {floor_cpu:.0f} ms)")
    print(f"parse+check {PLAN.name} (27 tasks), in process, median of {args.runs}: {seed_ms:8.1f} ms"
          f"  (target < {PARSE_CHECK_TARGET_MS:.0f} ms) {verdict(seed_ms, PARSE_CHECK_TARGET_MS)}")
    print(f"`ssj check {shown}`, warm (parser cached), median of 7:   {warm_ms:8.1f} ms"
          f"  (CPU {warm_cpu:.0f} ms,"
          f" {warm_ms / floor_ms:.1f}× the floor)  (target < {PROCESS_TARGET_MS:.0f} ms)"
          f" {verdict(warm_ms, PROCESS_TARGET_MS)}")
    print(f"`ssj check` of a 1000-task plan ({len(big) // 1024} KiB), warm, median of 5: {big_ms:8.1f} ms"
          f"  (CPU {big_cpu:.0f} ms, {big_ms / floor_ms:.1f}× the floor)  (target < {BIG_TARGET_MS:.0f} ms)"
          f" {verdict(big_ms, BIG_TARGET_MS)}")
    print(f"`ssj check {shown}`, cold (no parser cache), median of 5: {cold_ms:8.1f} ms"
          f"  (CPU {cold_cpu:.0f} ms)")
    print(f"  the same warm, ssjlang compiled from source (no .pyc), median of 5: {nobyte_ms:8.1f} ms"
          f"  (CPU {nobyte_cpu:.0f} ms)")
    print("slowest imports in that process (cumulative ms):")
    for name, ms in import_times()[:12]:
        print(f"  {ms:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
