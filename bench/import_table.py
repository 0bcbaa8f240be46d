"""How long `ssj import` takes on a 200-row plan table, in each format.

Run: python bench/import_table.py [--rows N] [--runs N]

Target: a 200-row table imports in under 2 s (issue 8). The table is the Chengqu seed's 27 rows repeated
with new numbers up to N rows, every fifth task spread over two rows with a merged 序号 (so sub-rows are
built too), written as DOCX, XLSX, HTML and CSV the way tests/table_files.py writes them. Each format is
timed in-process (`import_table`, median of the runs: reading, header, cells, AST, formatting and the
read-back check), and the DOCX once more as a whole `ssj import` process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
TARGET_S = 2.0


def table(rows: int):  # -> TableSpec
    from seed import read_seed
    from table_files import TableSpec

    seed = read_seed()
    grid = [list(seed.header)]
    merges = []
    number = 0
    while len(grid) - 1 < rows:
        for source in seed.rows:
            if len(grid) - 1 >= rows:
                break
            number += 1
            row = [str(number), *source[1:]]
            grid.append(row)
            if number % 5 == 0 and len(grid) - 1 < rows:
                second = [""] * len(row)
                second[2:5] = ["1.补充检查事项", "全区其他经营者", "5%；1次/年"]
                grid.append(second)
                merges.append((len(grid) - 2, 0, len(grid) - 1, 0))
                merges.append((len(grid) - 2, 1, len(grid) - 1, 1))
    return TableSpec(seed.title, grid, merges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from table_files import csv_bytes, docx_bytes, html_bytes, xlsx_bytes

    from ssjlang.importer import Options, import_table

    spec = table(args.rows)
    writers = {"docx": docx_bytes, "xlsx": xlsx_bytes, "html": html_bytes, "csv": csv_bytes}
    with tempfile.TemporaryDirectory(prefix="ssj-bench-import-") as tmp:
        print(f"{args.rows}-row plan table (median of {args.runs} runs, in-process import_table):")
        worst = 0.0
        for kind, writer in writers.items():
            path = Path(tmp) / f"plan.{kind}"
            path.write_bytes(writer(spec))
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                result = import_table(path, Options())
                times.append(time.perf_counter() - start)
            assert result.draft is not None, result.diagnostics
            tasks = len(result.draft.plan.tasks)
            seconds = statistics.median(times)
            worst = max(worst, seconds)
            print(f"  {kind:5} {seconds:6.3f} s  ({tasks} tasks, {path.stat().st_size // 1024} KiB)")
        path = Path(tmp) / "plan.docx"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ssjlang", "import", str(path), "-o", str(Path(tmp) / "p.ssj"),
                        "--force"], capture_output=True, check=False)
        whole = time.perf_counter() - start
        print(f"  whole `ssj import plan.docx` process: {whole:.3f} s")
        verdict = "OK" if max(worst, whole) < TARGET_S else "SLOWER THAN"
        print(f"{verdict} the {TARGET_S:.0f} s target")


if __name__ == "__main__":
    main()
