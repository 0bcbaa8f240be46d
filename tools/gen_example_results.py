"""Generate the shipped example results file `data/results.csv` (抽查结果) for the README's draw.

    python tools/gen_example_results.py         # draws with the README's beacon, writes data/results.csv

An office publishes results in batches, each within 20 working days of the inspections it covers. The
example is the first such batch of the 2024 plan: every visit from the first inspection day up to the
earliest publication deadline (publish_by) of the year, so that publishing it on its last inspection day
keeps every deadline. Results follow a realistic mix (most 未发现问题, some problems corrected on the spot,
a few unreachable or closed businesses); which subject gets which result is decided by SHA-256 of its id
and task, so the file is deterministic and a test checks the committed copy against this generator.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ssjlang.pipeline import make_record  # noqa: E402

#: The README's main command draws with this public beacon (tests/test_readme.py keeps them equal).
BEACON = "dice:d10x20"
BEACON_VALUE = "31415926535897932384"

HEADER = ("统一社会信用代码", "名称", "任务序号", "检查日期", "检查结果", "处理情况/备注")

#: (result category, share in ‰, what was done) — categories are the standard ones of domain.md.
OUTCOMES: tuple[tuple[str, int, str], ...] = (
    ("未发现问题", 820, ""),
    ("发现问题已责令改正", 90, "现场责令改正，已整改完毕"),
    ("未按规定公示应当公示的信息", 30, "责令限期补报年度报告"),
    ("通过登记的住所（经营场所）无法联系", 20, "拟列入经营异常名录"),
    ("未发现开展本次抽查涉及的经营活动", 20, ""),
    ("发现问题待后续处理（移交）", 15, "线索已移交主管部门依法处理"),
    ("已关闭停业或正在组织清算", 5, ""),
)


def outcome(subject: str, task: int) -> tuple[str, str]:
    """The result of one subject in one task: a share of the ‰ scale picked by SHA-256, never by chance."""
    point = int(hashlib.sha256(f"example-result|{subject}|{task}".encode()).hexdigest(), 16) % 1000
    for category, share, action in OUTCOMES:
        if point < share:
            return category, action
        point -= share
    return OUTCOMES[0][0], OUTCOMES[0][2]


def example_results(record: dict[str, Any]) -> list[tuple[str, ...]]:
    """Header and rows: every task of every visit dated no later than the earliest publication deadline."""
    visits = record["visits"]
    if not visits:
        return [HEADER]
    cutoff = min(visit["publish_by"] for visit in visits)
    rows = [HEADER]
    for visit in visits:
        if visit["date"] > cutoff:
            continue
        name = record["subjects"][visit["subject"]]["name"]
        for task in visit["tasks"]:
            category, action = outcome(visit["subject"], task["no"])
            rows.append((visit["subject"], name, str(task["no"]), visit["date"], category, action))
    return rows


def results_csv(rows: list[tuple[str, ...]]) -> bytes:
    """UTF-8 with BOM and CRLF, as Excel on Chinese Windows writes and opens it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "results.csv")
    args = parser.parse_args()
    record = make_record(ROOT / "plans" / "chengqu2024.ssj", ROOT / "data" / "registry.csv",
                         ROOT / "data" / "roster.csv", BEACON, BEACON_VALUE)
    args.out.write_bytes(results_csv(example_results(record)))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
