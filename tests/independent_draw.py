"""An independent SSJ-DRAW-1 (独立复算) for the acceptance tests, from draw-spec.md and docs/draw.md alone.

Why: a draw is only verifiable if someone who never saw ssjlang's code can recompute it. This module plays
that someone: it uses only the standard library (hashlib, csv, unicodedata, decimal), the plan file's
bytes, the registry and roster read with the csv module, and the plan as exported data (`ssj export
--format json`). It deliberately does not import ssjlang.interpret.draw, ssjlang.interpret.selector,
ssjlang.canonical or
ssjlang.interpret.registry, so a bug there cannot hide by being repeated here.

It covers what the shipped plan uses (rates in percent, escalation by credit-risk class with multipliers and
extra rounds, windows without batches, selectors with 包含/属于/=/≠/>=/and/or/not) and refuses anything else
with `Unsupported`, rather than guessing.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

PPM = 1_000_000
RISK_ORDER = ("A", "B", "C", "D", "U")
CONTROL_RUN = re.compile(r"[\t\r\n]+")
LIST_SEPARATORS = re.compile(r"[;；、,，]")
REGISTRY_ID = "统一社会信用代码"
ROSTER_ID = "执法证号"


class Unsupported(ValueError):
    """The plan uses a feature this independent implementation does not model (so it must not guess)."""


# ---------------------------------------------------------------- §1 canonical text, hashing


def canonical(text: str) -> str:
    """§1: NFC, each run of TAB/CR/LF → one space, Unicode white space trimmed at both ends."""
    text = unicodedata.normalize("NFC", text)
    return CONTROL_RUN.sub(" ", text).strip()


def canonical_id(text: str) -> str:
    """§1 for ids: canonical text with ASCII a–z upper-cased (non-ASCII letters untouched)."""
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in canonical(text))


def sha(text: str) -> str:
    """H(x): lowercase hex SHA-256 of the UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- §2 digests


@dataclass(frozen=True)
class Table:
    """A CSV table in canonical form: canonical header in file order and one canonical dict per row."""

    header: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    id_column: str

    def digest(self) -> str:
        """§2: H(header joined by TAB + "\\n" + rows joined by TAB, each + "\\n", sorted by id bytes)."""
        lines = sorted(
            ("\t".join(row[name] for name in self.header) + "\n" for row in self.rows),
            key=lambda line: line.split("\t")[self.header.index(self.id_column)].encode("utf-8"),
        )
        return sha("\t".join(self.header) + "\n" + "".join(lines))


def read_table(path: Path, id_column: str) -> Table:
    """Read a UTF-8 (BOM allowed) CSV with the csv module and canonicalise every header and cell (§1)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        raw = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    header = tuple(canonical(name) for name in raw[0])
    if id_column not in header:
        raise Unsupported(f"{path}: no {id_column} column")
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(raw[1:], start=2):
        padded = [*cells, *[""] * (len(header) - len(cells))]
        row = {name: canonical(cell) for name, cell in zip(header, padded, strict=False)}
        row[id_column] = canonical_id(row[id_column])
        if not row[id_column] or row[id_column] in seen:
            first = seen.get(row[id_column])
            raise Unsupported(f"{path}: row {number} has an empty or duplicate id (first at row {first})")
        seen[row[id_column]] = number
        rows.append(row)
    return Table(header, tuple(rows), id_column)


def plan_digest(path: Path) -> str:
    """§2: P = H(plan text) with a leading BOM removed and CRLF, CR turned into LF."""
    text = path.read_bytes().decode("utf-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return sha(text)


# ---------------------------------------------------------------- §3, §4 commitment, seed, streams, keys


def commitment_text(p: str, r: str, q: str, descriptor: str) -> str:
    """§3: the commitment text T."""
    return f"SSJ-DRAW-1\nplan={p}\nregistry={r}\nroster={q}\nbeacon={canonical(descriptor)}\n"


def seed(c: str, beacon_value: str) -> str:
    """§3: S = H("SSJ-DRAW-1|seed|" + C + "|" + value)."""
    return sha(f"SSJ-DRAW-1|seed|{c}|{canonical(beacon_value)}")


def stream(s: str, task: int, round_no: int) -> str:
    """§4: S_tr."""
    return sha(f"{s}|task|{task}|round|{round_no}")


def subject_key(s_tr: str, subject_id: str) -> str:
    """§4: K = H(S_tr + "|" + id)."""
    return sha(f"{s_tr}|{subject_id}")


# ---------------------------------------------------------------- selectors on registry rows


def _capital_column(header: tuple[str, ...]) -> str:
    """The registered-capital column; the shipped registry names its unit in the header (注册资本（万元）)."""
    for name in ("注册资本（万元）", "注册资本(万元)", "注册资本"):
        if name in header:
            return name
    raise Unsupported("the registry has no 注册资本 column")


@functools.lru_cache(maxsize=4096)
def _split(cell: str) -> tuple[str, ...]:
    """A list cell's canonical elements (cached: the registry repeats a few dozen 行业类别 cells)."""
    return tuple(part for part in (canonical(p) for p in LIST_SEPARATORS.split(cell)) if part)


def _values(field: str, row: dict[str, str], header: tuple[str, ...]) -> tuple[list[str], bool]:
    """A field's value(s) and whether it is a list field (行业类别 is split on ; ； 、 , ，)."""
    if field == "行业类别":
        return list(_split(row["行业类别"])), True
    if field in ("名称", "类型"):
        return [row[field]], False
    raise Unsupported(f"selector field {field}")


def _number(value: Any) -> Decimal:
    """A selector constant as an exact number (money is already in 万元)."""
    if isinstance(value, dict) and set(value) == {"wan_yuan"}:
        return Decimal(str(value["wan_yuan"]))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raise Unsupported(f"numeric constant {value!r}")


def evaluate(selector: dict[str, Any], row: dict[str, str], header: tuple[str, ...]) -> bool:
    """Does the exported selector admit this registry row? (docs/architecture.md, "Selector semantics")."""
    op = selector["op"]
    if op == "and":
        return all(evaluate(s, row, header) for s in selector["operands"])
    if op == "or":
        return any(evaluate(s, row, header) for s in selector["operands"])
    if op == "not":
        return not evaluate(selector["operand"], row, header)
    field, value = selector["field"], selector["value"]
    if op in (">=", ">", "<=", "<"):
        if field != "注册资本":
            raise Unsupported(f"numeric field {field}")
        cell = row[_capital_column(header)]
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", cell):
            return False  # blank or non-numeric never matches
        have, want = Decimal(cell), _number(value)
        return {">=": have >= want, ">": have > want, "<=": have <= want, "<": have < want}[op]
    values, is_list = _values(field, row, header)
    if op == "包含":
        return str(value) in values if is_list else str(value) in values[0]
    if op == "属于":
        return any(v in [str(x) for x in value] for v in values)
    if op == "不属于":
        return not any(v in [str(x) for x in value] for v in values)
    if op == "=":
        return canonical(str(value)) in values
    if op == "≠":
        return canonical(str(value)) not in values
    raise Unsupported(f"selector op {op}")


def risk_class(row: dict[str, str]) -> str:
    """风险等级 → A–D, blank → U (未分类); anything else is not guessed at."""
    cell = canonical(row.get("风险等级", "")).upper()
    if cell == "":
        return "U"
    if cell in ("A", "B", "C", "D"):
        return cell
    raise Unsupported(f"风险等级 {cell!r}")


# ---------------------------------------------------------------- rates, sizes, windows


def percent_ppm(percent: Any) -> int:
    """A plan percent → integer ppm (must be whole)."""
    ppm = Decimal(str(percent)) * 10000
    if ppm != ppm.to_integral_value():
        raise Unsupported(f"{percent}% is not a whole number of ppm")
    return int(ppm)


def stratum_rate(base_ppm: int, level: dict[str, Any] | None) -> int:
    """docs/draw.md: base × multiplier rounded up to a whole ppm, capped at 100 %, or the level's own rate."""
    if level is None:
        return base_ppm
    if level.get("rate") is not None:
        return min(PPM, percent_ppm(level["rate"]))
    product = Decimal(base_ppm) * Decimal(str(level["multiplier"]))
    return min(PPM, int(product.to_integral_value(rounding=ROUND_CEILING)))


def sample_size(n: int, q_ppm: int, min_count: int | None) -> int:
    """§6: k = min(N, ceil(N·q / 10^6)) in integers; a minimum count m → min(N, max(k, m))."""
    k = min(n, (n * q_ppm + 999_999) // PPM)
    if min_count is not None:
        k = min(n, max(k, min_count))
    return k


def round_windows(start: date, end: date, rounds: int) -> list[tuple[date, date]]:
    """docs/draw.md "Round windows" without batches: D days in R parts, the first D mod R one day longer."""
    days = (end - start).days + 1
    windows: list[tuple[date, date]] = []
    first = start
    for index in range(rounds):
        length = days // rounds + (1 if index < days % rounds else 0)
        windows.append((first, first + timedelta(days=length - 1)))
        first += timedelta(days=length)
    return windows


# ---------------------------------------------------------------- the whole draw


def _select(ids: list[str], s_tr: str, k: int) -> list[dict[str, Any]]:
    """§5: order by (K, id bytes), take the first k with their 1-based rank and key."""
    ranked = sorted((subject_key(s_tr, i), i.encode("utf-8"), i) for i in ids)[:k]
    return [{"rank": rank, "id": i, "key": key} for rank, (key, _, i) in enumerate(ranked, start=1)]


def draw_task(task: dict[str, Any], profiles: dict[str, dict[str, Any]], registry: Table,
              s: str) -> dict[str, Any]:
    """Recompute one task: population, strata, rounds with exclusion, windows, realised rate of round 1."""
    rate = task["rate"]
    if rate["count"] is not None or rate["subgroups"] is not None or rate["by_count"] is not None:
        raise Unsupported(f"task {task['no']}: absolute counts, sub-populations and count rules")
    if task["batches"]:
        raise Unsupported(f"task {task['no']}: batches")
    selector = task["scope"]["selector"]
    if selector is None:
        raise Unsupported(f"task {task['no']}: no selector")
    population = [row for row in registry.rows if evaluate(selector, row, registry.header)]
    base = percent_ppm(rate["percent"])
    task_rounds = int(task["rounds_per_year"])

    strata: list[dict[str, Any]] = []
    if task["risk_profile"] is None:
        ids = [row[REGISTRY_ID] for row in population]
        if ids:
            strata.append({"label": "全部", "risk": None, "ids": ids, "rate_ppm": base,
                           "rounds": task_rounds})
    else:
        levels = {level["risk"]: level for level in profiles[task["risk_profile"]]["levels"]}
        for letter in RISK_ORDER:
            ids = [row[REGISTRY_ID] for row in population if risk_class(row) == letter]
            if not ids:
                continue  # only non-empty strata are recorded
            level = levels.get(letter)
            level_rounds = (level or {}).get("rounds_per_year") or 0
            strata.append({"label": letter, "risk": letter, "ids": ids, "rate_ppm": stratum_rate(base, level),
                           "rounds": max(task_rounds, int(level_rounds))})
    rounds_total = max([task_rounds, *[st["rounds"] for st in strata]])
    windows = round_windows(date.fromisoformat(task["window"]["start"]),
                            date.fromisoformat(task["window"]["end"]), rounds_total)

    rounds: list[dict[str, Any]] = []
    taken: dict[str, set[str]] = {st["label"]: set() for st in strata}
    for r in range(1, rounds_total + 1):
        s_tr = stream(s, int(task["no"]), r)
        out: list[dict[str, Any]] = []
        for st in strata:
            if st["rounds"] < r:
                continue
            n = len(st["ids"])
            eligible = [i for i in st["ids"] if i not in taken[st["label"]]]
            k = min(len(eligible), sample_size(n, st["rate_ppm"], rate["min_count"]))
            selected = _select(eligible, s_tr, k)
            taken[st["label"]].update(item["id"] for item in selected)
            digest = sha("".join(i + "\n" for i in sorted(st["ids"], key=lambda x: x.encode("utf-8"))))
            out.append({"label": st["label"], "risk": st["risk"], "population": n,
                        "eligible": len(eligible), "population_digest": digest, "rate_ppm": st["rate_ppm"],
                        "k": k, "selected": selected})
        start, end = windows[r - 1]
        window = {"start": start.isoformat(), "end": end.isoformat()}
        rounds.append({"round": r, "stream": s_tr, "window": window, "strata": out})

    n_task = len(population)
    first_round = sum(st["k"] for st in rounds[0]["strata"]) if rounds else 0
    realised = None
    if n_task:
        exact = Decimal(first_round * 100) / Decimal(n_task)
        realised = str(exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN))
    return {"no": int(task["no"]), "population": n_task,
            "selected": sum(st["k"] for rd in rounds for st in rd["strata"]),
            "realised_percent": realised, "rounds": rounds}


def independent_draw(plan_path: Path, registry_path: Path, roster_path: Path, export: dict[str, Any],
                     descriptor: str, beacon_value: str) -> dict[str, Any]:
    """The whole SSJ-DRAW-1 draw of a plan: digests, T, C, S and every task's rounds and strata."""
    registry = read_table(registry_path, REGISTRY_ID)
    roster = read_table(roster_path, ROSTER_ID)
    p, r, q = plan_digest(plan_path), registry.digest(), roster.digest()
    t = commitment_text(p, r, q, descriptor)
    c = sha(t)
    s = seed(c, beacon_value)
    profiles = {profile["name"]: profile for profile in export["profiles"]}
    tasks = [draw_task(task, profiles, registry, s) for task in export["tasks"]]
    return {"P": p, "R": r, "Q": q, "T": t, "C": c, "S": s, "tasks": tasks}
