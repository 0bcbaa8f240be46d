"""An independent reading of the extensions SSJ-DRAW-X1…X4 and SSJ-ORG-1 (docs/spec/), for the tests.

Like tests/independent_draw.py it uses only the standard library and the specifications' words, never
ssjlang.draw or ssjlang.resolve, so a mistake there cannot hide by being repeated here. Each function names
the section it follows.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, timedelta
from fractions import Fraction


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- SSJ-DRAW-X1


def task_id(written: str) -> str:
    """X1 §1: a 序号 of ASCII digits is written without leading zeros; any other code as written."""
    return str(int(written)) if written.isascii() and written.isdigit() else written


def stream(seed: str, written: str, round_no: int, sub: int | None = None) -> str:
    """X1 §2: S_tr, or S_tjr = H(S + "|task|" + t + "|sub|" + j + "|round|" + r) for sub-row j."""
    t = task_id(written)
    if sub is None:
        return sha(f"{seed}|task|{t}|round|{round_no}")
    return sha(f"{seed}|task|{t}|sub|{sub}|round|{round_no}")


def order(stream_hex: str, ids: list[str]) -> list[tuple[str, str]]:
    """SSJ-DRAW-1 §5: (id, K) by (K, id bytes)."""
    keyed = [(sha(f"{stream_hex}|{i}"), i) for i in ids]
    return [(i, k) for k, i in sorted(keyed, key=lambda x: (x[0], x[1].encode("utf-8")))]


# ---------------------------------------------------------------- SSJ-DRAW-X2


def allocate(total: int, weights: list[int], caps: list[int]) -> list[int]:
    """X2 §2, as its steps are written: give every stratum whose exact share reaches its cap the cap; share
    what is left among the rest again; then the whole parts, then one each by largest remainder (ties to the
    earlier stratum)."""
    k = [0] * len(weights)
    open_strata = [i for i in range(len(weights)) if weights[i] > 0 and caps[i] > 0]
    left = min(total, sum(caps[i] for i in open_strata))
    changed = True
    while changed and left > 0 and open_strata:
        changed = False
        weight = sum(weights[i] for i in open_strata)
        for i in list(open_strata):
            if Fraction(left * weights[i], weight) >= caps[i]:
                k[i] = caps[i]
                open_strata.remove(i)
                changed = True
        if changed:
            left = min(total, sum(caps[i] for i in range(len(weights)) if weights[i] > 0 and caps[i] > 0)) - sum(k)
    if left > 0 and open_strata:
        weight = sum(weights[i] for i in open_strata)
        shares = {i: Fraction(left * weights[i], weight) for i in open_strata}
        for i in open_strata:
            k[i] = int(shares[i])
        rest = left - sum(int(shares[i]) for i in open_strata)
        ranked = sorted(open_strata, key=lambda i: (-(shares[i] - int(shares[i])), i))
        for i in ranked[:rest]:
            k[i] += 1
    return k


def spread(total: int, rounds: int) -> list[int]:
    """X2 §4: round r takes ⌊T·r/R⌋ − ⌊T·(r−1)/R⌋."""
    return [total * r // rounds - total * (r - 1) // rounds for r in range(1, rounds + 1)]


def headcount_total(inspectors: int, per_inspector: int | None = None,
                    ratio: tuple[Fraction, Fraction] | None = None) -> int:
    """X2 §3: c × H, or ⌈H × b / a⌉ for 人员比 a:b."""
    if per_inspector is not None:
        return per_inspector * inspectors
    assert ratio is not None
    a, b = ratio
    value = Fraction(inspectors) * b / a
    return -(-value.numerator // value.denominator)


# ---------------------------------------------------------------- SSJ-DRAW-X4


def equal_cut(start: date, end: date, parts: int) -> list[tuple[date, date]]:
    """docs/draw.md: D days in `parts` pieces, the first D mod parts one day longer."""
    days = (end - start).days + 1
    base, extra = divmod(days, parts)
    out, cursor = [], start
    for r in range(parts):
        last = cursor + timedelta(days=base + (1 if r < extra else 0) - 1)
        out.append((cursor, last))
        cursor = last + timedelta(days=1)
    return out


def period_rounds(start: date, end: date, months: int, times: int) -> list[tuple[date, date]]:
    """X4 §1: calendar periods of `months` months (Jan–Mar, Apr–Jun …) met by the window, each period ∩ window
    cut into `times` equal pieces."""
    out: list[tuple[date, date]] = []
    year, month = start.year, (start.month - 1) // months * months + 1
    while date(year, month, 1) <= end:
        last_month = month + months - 1
        period_end = date(year, last_month, calendar.monthrange(year, last_month)[1])
        piece = (max(start, date(year, month, 1)), min(end, period_end))
        if piece[0] <= piece[1]:
            out += equal_cut(piece[0], piece[1], times)
        month += months
        if month > 12:
            year, month = year + 1, month - 12
    return out


def batches(picks: list[tuple[str, str]], count: int) -> list[list[str]]:
    """X4 §3: the round's picks (id, K) by (K, id bytes); batch b takes ⌊n·b/B⌋ − ⌊n·(b−1)/B⌋ of them."""
    ordered = [i for i, _ in sorted(picks, key=lambda p: (p[1], p[0].encode("utf-8")))]
    out, cursor = [], 0
    for size in spread(len(ordered), count):
        out.append(sorted(ordered[cursor:cursor + size], key=lambda i: i.encode("utf-8")))
        cursor += size
    return out


# ---------------------------------------------------------------- SSJ-ORG-1


def office(areas: dict[str, list[str]], members: list[str], value: str) -> str | None:
    """ORG-1 §1: the first member (in the level's order) whose 辖区 holds the subject's value."""
    return next((m for m in members if value in areas[m]), None)
