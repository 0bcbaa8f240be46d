"""Benchmark of the README's main command: `ssj compile` beside `ssj draw` on the same inputs, as processes.

`ssj draw` is the floor here: compile draws the same subjects, teams and dates and then renders every
document (1,183 files for the bundled data). The two are run alternately --repeat times; the medians of wall
time and the peak resident memory of each (the process's own rusage from wait4) are printed with the ratio
compile / draw. Issue 12's target: compile within 1.5× of draw.

    python bench/compile.py               # the bundled data (data/), 3 runs each
    python bench/compile.py --repeat 5

Not a test: timings belong here, run by hand on a quiet machine (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw import run  # bench/draw.py: a process's wall time and peak RSS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DRAW_INPUTS = ["--registry", str(DATA / "registry.csv"), "--roster", str(DATA / "roster.csv"),
               "--beacon", "dice:d10x20", "--beacon-value", "31415926535897932384"]
DOCUMENT_INPUTS = ["--results", str(DATA / "results.csv"), "--issuers", str(DATA / "issuers.csv"),
                   "--session", str(DATA / "session.txt")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ssj = [sys.executable, "-m", "ssjlang"]
    plan = str(ROOT / "plans" / "chengqu2024.ssj")
    print(f"load average before: {os.getloadavg()[0]:.2f}; cores {os.cpu_count()}")
    draws: list[tuple[float, float]] = []
    compiles: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            wall, peak, _ = run([*ssj, "draw", plan, *DRAW_INPUTS, "-o", f"{tmp}/draw", "--force"])
            draws.append((wall, peak))
            wall, peak, _ = run([*ssj, "compile", plan, *DRAW_INPUTS, *DOCUMENT_INPUTS, "-o", f"{tmp}/docs",
                                 "--force"])
            compiles.append((wall, peak))
        files = sum(len(names) for _, _, names in os.walk(f"{tmp}/docs"))
    draw_s = statistics.median(w for w, _ in draws)
    compile_s = statistics.median(w for w, _ in compiles)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"ssj draw    median {draw_s:6.2f} s  peak {max(p for _, p in draws):6.0f} MiB")
    print(f"ssj compile median {compile_s:6.2f} s  peak {max(p for _, p in compiles):6.0f} MiB  "
          f"({files} files)")
    verdict = "ok" if compile_s <= 1.5 * draw_s else "SLOW"
    print(f"compile / draw: {compile_s / draw_s:.2f}×  (target ≤ 1.5×) {verdict}")


if __name__ == "__main__":
    main()
