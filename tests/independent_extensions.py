"""An independent reading of the extensions SSJ-DRAW-X1…X4 and SSJ-ORG-1 (docs/spec/), for the tests.

Like tests/independent_draw.py it uses only the standard library and the specifications' words, never
ssjlang (draw, resolve, record, canonical), so a mistake there cannot hide by being repeated here. Each
function names the section it follows. Where a specification says "exactly", this module computes with
integers and `fractions.Fraction`, never floating point.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction

PPM = 1_000_000
UNCLASSIFIED = "U"
WHITE_SPACE = ("\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
               "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""Unicode White_Space: what SSJ-DRAW-1 §1 trims."""
_CONTROL_RUN = re.compile(r"[\t\r\n]+")


def sha(text: str) -> str:
    """H(x) of SSJ-DRAW-1: lowercase hex SHA-256 of the UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(text: str) -> str:
    """SSJ-DRAW-1 §1: NFC, each TAB/CR/LF run → one space, Unicode white space trimmed."""
    return _CONTROL_RUN.sub(" ", unicodedata.normalize("NFC", text)).strip(WHITE_SPACE)


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


# ---------------------------------------------------------------- SSJ-DRAW-X1


def task_id(written: str) -> str:
    """X1 §1: a 序号 of ASCII digits only is its value in decimal without leading zeros; any other code is
    used exactly as written (no normalisation, no case folding, no trimming)."""
    return str(int(written)) if written and all("0" <= c <= "9" for c in written) else written


def record_no(written: str) -> int | str:
    """X1 §3: the record's `no`: the integer of an all-ASCII-digit 序号, else the code as written."""
    return int(written) if written and all("0" <= c <= "9" for c in written) else written


def stream(seed: str, written: str, round_no: int, sub: int | None = None) -> str:
    """X1 §2: S_tr = H(S + "|task|" + t + "|round|" + r); a sub-row j draws with
    S_tjr = H(S + "|task|" + t + "|sub|" + j + "|round|" + r)."""
    t = task_id(written)
    if sub is None:
        return sha(f"{seed}|task|{t}|round|{round_no}")
    return sha(f"{seed}|task|{t}|sub|{sub}|round|{round_no}")


def key(stream_hex: str, subject_id: str) -> str:
    """SSJ-DRAW-1 §4: K = H(S_tr + "|" + id)."""
    return sha(f"{stream_hex}|{subject_id}")


def order(stream_hex: str, ids: Iterable[str]) -> list[tuple[str, str]]:
    """SSJ-DRAW-1 §5: (id, K) in the order (K, UTF-8 bytes of id)."""
    keyed = sorted((key(stream_hex, i), utf8(i), i) for i in ids)
    return [(i, k) for k, _, i in keyed]


def population_digest(ids: Iterable[str]) -> str:
    """SSJ-DRAW-1 record: H of the stratum's ids sorted by UTF-8 bytes, each followed by a newline."""
    return sha("".join(i + "\n" for i in sorted(ids, key=utf8)))


def unit_order(no: int | str, sub: int | None) -> tuple[int, int, bytes, int]:
    """X1 §3: numbers in numeric order, then codes by UTF-8 bytes; a task's sub-rows by j (the task 0)."""
    if isinstance(no, int):
        return (0, no, b"", sub or 0)
    return (1, 0, utf8(no), sub or 0)


def unit_text(no: int | str, sub: int | None) -> str:
    """X1 §4: how a visit key writes a unit: `t`, or `t.j` for sub-row j."""
    return f"{no}" if sub is None else f"{no}.{sub}"


def visit_key(subject_id: str, units: Sequence[tuple[int | str, int | None, int]]) -> str:
    """X1 §4 with SSJ-MERGE-1: id + "|" + the units (no, sub, round) in (unit order, round) order as
    `t-r` / `t.j-r`, joined by ","."""
    ordered = sorted(units, key=lambda u: (unit_order(u[0], u[1]), u[2]))
    return subject_id + "|" + ",".join(f"{unit_text(no, sub)}-{r}" for no, sub, r in ordered)


_FILE_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s]')


def list_file(no: int | str, round_no: int, sub: int | None = None) -> str:
    """X1 §3: 名单-任务{t}[-子项{j}]-第{r}轮.csv; a number in two digits at least; a text code with the
    characters a file name cannot hold as _, dots at either end dropped, then - and H(code)[:8] if changed."""
    if isinstance(no, int):
        task = f"{no:02d}"
    else:
        task = _FILE_UNSAFE.sub("_", no).strip(".") or "_"
        if task != no:
            task += "-" + sha(no)[:8]
    return f"名单-任务{task}{f'-子项{sub}' if sub is not None else ''}-第{round_no}轮.csv"


# ---------------------------------------------------------------- SSJ-DRAW-X2


def allocate(total: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """X2 §2, as its steps are written: the open strata are those with weight > 0 and cap > 0; the amount
    to share is min(total, sum of the caps of the strata with weight > 0). Repeatedly, every open stratum
    whose exact share (amount × weight / open weight) reaches its cap gets the cap and closes, and the rest
    is shared again among the others; then each open stratum gets the whole part of its share, and the
    selections left over go one each by largest remainder (ties to the earlier stratum)."""
    k = [0] * len(weights)
    open_strata = [i for i in range(len(weights)) if weights[i] > 0 and caps[i] > 0]
    left = min(total, sum(caps[i] for i in range(len(weights)) if weights[i] > 0))
    while left > 0 and open_strata:
        weight = sum(weights[i] for i in open_strata)
        full = [i for i in open_strata if Fraction(left * weights[i], weight) >= caps[i]]
        if not full:
            break
        for i in full:
            k[i] = caps[i]
        left -= sum(caps[i] for i in full)
        open_strata = [i for i in open_strata if i not in full]
    if left > 0 and open_strata:
        weight = sum(weights[i] for i in open_strata)
        shares = {i: Fraction(left * weights[i], weight) for i in open_strata}
        whole = {i: shares[i].numerator // shares[i].denominator for i in open_strata}
        for i in open_strata:
            k[i] = whole[i]
        rest = left - sum(whole.values())
        ranked = sorted(open_strata, key=lambda i: (-(shares[i] - whole[i]), i))
        for i in ranked[:rest]:
            k[i] += 1
    return k


def spread(total: int, rounds: int) -> list[int]:
    """X2 §4: round r takes ⌊T·r/R⌋ − ⌊T·(r−1)/R⌋."""
    return [total * r // rounds - total * (r - 1) // rounds for r in range(1, rounds + 1)]


def ceil_fraction(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)


def headcount_total(inspectors: int, per_inspector: int | None = None,
                    ratio: tuple[str, str] | None = None) -> int:
    """X2 §3: 每名执法人员 c户 is c × H; 人员比 a:b is ⌈H × b / a⌉, exactly (a, b decimals as written)."""
    if per_inspector is not None:
        return per_inspector * inspectors
    assert ratio is not None
    a, b = (Fraction(x) for x in ratio)
    return ceil_fraction(Fraction(inspectors) * b / a)


def within(realised: int, planned: int, approx: bool) -> bool:
    """X2 §5: equal, or for 约 at most planned/10 away (exactly)."""
    if not approx:
        return realised == planned
    return abs(realised - planned) * 10 <= planned


def escalate(ppm: int, multiplier: str | None) -> int:
    """docs/draw.md (used by X2 §2, X3 §4): ppm × multiplier rounded up to a whole ppm, at most 10^6."""
    if multiplier is None:
        return ppm
    return min(PPM, ceil_fraction(ppm * Fraction(multiplier)))


def class_weight(n: int, *, ppm: int | None = None, count: int | None = None, multiplier: str | None = None,
                 exclude: bool = False) -> int:
    """X2 §2: a class's weight: 0 for 不抽; c × 10^6 for a class count c; N × q for a class rate q in ppm;
    else ⌈N × 10^6 × m⌉ for a headcount total's class of multiplier m."""
    if exclude:
        return 0
    if count is not None:
        return count * PPM
    if ppm is not None:
        return n * ppm
    return ceil_fraction(n * PPM * Fraction(multiplier or "1"))


def sample_size(n: int, ppm: int, min_count: int | None = None) -> int:
    """SSJ-DRAW-1 §6: ⌈N·q/10^6⌉ at most N, raised to a minimum count."""
    k = min(n, (n * ppm + PPM - 1) // PPM)
    return min(n, max(k, min_count)) if min_count is not None else k


# ---------------------------------------------------------------- SSJ-DRAW-X3


def class_of(value: str, keys: Sequence[str]) -> str:
    """X3 §1: a subject's class under a profile that reads a registry column: its canonical cell value when
    that is one of the profile's classes, else 未分类 (U)."""
    cell = canonical(value)
    return cell if cell in keys else UNCLASSIFIED


def capped_ppm(base_ppm: int, multiplier: str | None, upper_ppm: int | None) -> int:
    """X3 §4: a class drawn at the task's rate: the escalated rate, lowered to the range's upper end or the
    ceiling (不高于) when it exceeds it."""
    ppm = escalate(base_ppm, multiplier)
    return min(ppm, upper_ppm) if upper_ppm is not None else ppm


# ---------------------------------------------------------------- SSJ-DRAW-X4


def equal_cut(start: date, end: date, parts: int) -> list[tuple[date, date]]:
    """X4 §1 (docs/draw.md): D days in `parts` pieces, the first D mod parts one day longer."""
    days = (end - start).days + 1
    if parts < 1 or days < parts:
        raise ValueError("fewer days than parts")
    base, extra = divmod(days, parts)
    out, cursor = [], start
    for r in range(parts):
        last = cursor + timedelta(days=base + (1 if r < extra else 0) - 1)
        out.append((cursor, last))
        cursor = last + timedelta(days=1)
    return out


PERIOD_MONTHS = {"month": 1, "quarter": 3, "half-year": 6}


def period_rounds(start: date, end: date, months: int, times: int) -> list[tuple[date, date]]:
    """X4 §2: calendar periods of `months` months (Jan–Mar, Apr–Jun …) met by the window, in order, each
    period ∩ window cut into `times` equal pieces."""
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


def deadline_window(year: int, form: str, month: int | None = None, day: int | None = None,
                    point_year: int | None = None) -> tuple[date, date]:
    """X4 §1: the window of a deadline form in plan year `year`: `before` (M月D日前 keeps the day, M月前
    ends on the last day of the month before), `month-end` (M月底前), `year-end` (年底前) and `whole-year`
    (全年). A deadline window starts on 1 January of the plan year, or of the deadline's year when earlier."""
    if form in ("year-end", "whole-year"):
        return date(year, 1, 1), date(year, 12, 31)
    assert month is not None
    y = point_year if point_year is not None else year
    if form == "before" and day is not None:
        end = date(y, month, day)
    elif form == "before":
        end = date(y, month, 1) - timedelta(days=1)
    else:
        end = date(y, month, calendar.monthrange(y, month)[1])
    first = date(year, 1, 1)
    return (first if end >= first else date(end.year, 1, 1)), end


def draw_rounds(stream_of: dict[int, str], ids: Sequence[str], ks: Sequence[int],
                independent: bool) -> list[list[tuple[str, str]]]:
    """SSJ-DRAW-1 §7 and X4 §3: round r (1-based) draws min(ks[r−1], eligible) from the stratum by its own
    stream; eligible are the ids not selected by earlier rounds — or all of them for independent rounds."""
    taken: set[str] = set()
    out = []
    for r, k in enumerate(ks, start=1):
        eligible = list(ids) if independent else [i for i in ids if i not in taken]
        picks = order(stream_of[r], eligible)[:min(k, len(eligible))]
        taken.update(i for i, _ in picks)
        out.append(picks)
    return out


def batches(picks: Sequence[tuple[str, str]], count: int) -> list[list[str]]:
    """X4 §4: the round's picks (id, K) of every stratum by (K, id bytes); batch b takes
    ⌊n·b/B⌋ − ⌊n·(b−1)/B⌋ of them in turn; each batch lists its ids by UTF-8 bytes."""
    ordered = [i for i, _ in sorted(picks, key=lambda p: (p[1], utf8(p[0])))]
    out, cursor = [], 0
    for size in spread(len(ordered), count):
        out.append(sorted(ordered[cursor:cursor + size], key=utf8))
        cursor += size
    return out


def batch_windows(start: date, deadlines: Sequence[date]) -> list[tuple[date, date]]:
    """X4 §4: batch b runs from the day after batch b−1's deadline (batch 1: the window's first day) to its
    own deadline."""
    out, cursor = [], start
    for deadline in deadlines:
        out.append((cursor, deadline))
        cursor = deadline + timedelta(days=1)
    return out


# ---------------------------------------------------------------- SSJ-ORG-1


def office(areas: dict[str, list[str]], members: Sequence[str], value: str) -> str | None:
    """ORG-1 §1: the member (in the level's order) whose 辖区 holds the subject's canonical value, or None."""
    cell = canonical(value)
    return next((m for m in members if cell in [a.strip() for a in areas.get(m, [])]), None)


def staffing(kind: str, name: str, department: str | None, roster_departments: set[str],
             office_name: str | None = None) -> str:
    """ORG-1 §2: the roster department that staffs a body: a department itself; a unit itself when the roster
    lists anybody under the unit, else its department; a level the office of the subject's area."""
    if kind == "level":
        return office_name or ""
    if kind == "unit" and name not in roster_departments and department is not None:
        return department
    return name


def headcount(roster: Sequence[tuple[str, bool]], department: str) -> int:
    """ORG-1 §2: H, the roster's inspectors of the staffing department with 执法资格 = 是."""
    return sum(1 for dept, qualified in roster if dept == department and qualified)


def slots(leads: Sequence[str], assists: Sequence[str], qualified: set[str]) -> list[tuple[str, str]]:
    """SSJ-TEAM-1 §2 with ORG-1 §3's departments: (department, role) — the inspecting departments in order
    (the first one's inspector is the 主检), then the assisting ones not already in and with a qualified
    inspector, then a second slot of the first department when that leaves one."""
    first = list(dict.fromkeys(leads))
    out = [(first[0], "lead")] + [(d, "lead") for d in first[1:]]
    out += [(d, "assist") for d in dict.fromkeys(assists) if d not in first and d in qualified]
    if len(out) < 2:
        out.append((first[0], "second"))
    return out
