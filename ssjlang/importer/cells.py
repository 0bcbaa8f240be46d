"""Reading one cell of a plan table as language constructs (单元格解析).

Each reader takes the cell's text as written and returns the construct it means, or None when the text
is not one of the forms real tables use — then the builder keeps the text verbatim and marks it
待补充. Nothing here guesses: a rate is read only when the whole cell (less the separators around it)
is a rate, a window only when every character belongs to it. Full-width digits and punctuation are
read as their ASCII forms and Traditional characters as Simplified, so 不低於１０％ is 不低于10%.

Forms read (examples from published tables):
- items: split at their numbering `1.…2.…`, `1、…`, `（1）…`, `①…` (numbering dropped);
- rates: `20%`, `不低于10%`, `抽查比例不低于3%`, `全年抽查比例不低于1%`, `各级合计不低于20%`, `5%（约20户）`,
  `3%（不少于20户）`, `10-20%`, `20户`, `60-70家`, `不少于2所`, `每名执法人员不少于10户`, `人员比1:2.5`,
  `总数不超过10：不少于2户；总数超过10：不低于50%`, `待定`, `不抽`;
- rounds: `1次/年`, `不少于1次/年`, `抽查1次`, `每季度1次`, `每季度各抽查1次`, `1次/季度`, `=1`, `>=1`,
  `（各轮独立）`; a combined cell `不低于10%，1次/年`, `3%;2次/年`, `100%,抽查1次`, `1次/年 100%`;
- windows: `3月—11月`, `3月-11月`, `4-11月`, `3月至10月`, `12月至次年2月`, `2025年4月-9月`, `4月`,
  `10月31日前`, `12月前`, `10月底前`, `年底前`, `全年`, `2021.04.01`, `2021/5/20`, `2021-04-01`,
  `2021年9月（暂定）`, `暂定2021年9月`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from ..language.keywords import simplified
from ..language.nodes import (
    NO_SPAN,
    CompareOp,
    CountRates,
    CountRule,
    DatePoint,
    Period,
    Planned,
    Rate,
    RateSpec,
    Rounds,
    Text,
    Window,
    WindowKind,
)
from ..language.parser import is_bare_name
from ..language.wording import rate_text

# ---------------------------------------------------------------- normalising


def reading_form(text: str) -> str:
    """The text as the readers see it: full-width ASCII as ASCII (NFKC on those only), Simplified,
    white space removed, the dashes of ranges as one `—`."""
    out = []
    for char in text:
        if "\uff01" <= char <= "\uff5e" or char == "\u3000":
            char = unicodedata.normalize("NFKC", char)
        out.append(char)
    flat = re.sub(r"\s+", "", simplified("".join(out)))
    return re.sub(r"[-–—~～−]+|－", "—", flat)


_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = "户家所个"


# ---------------------------------------------------------------- items


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    number: int


def _markers(text: str, number: int, style: str, first: bool) -> list[_Marker]:
    """Where item `number` may start, in the style the cell's first item used."""
    if style == "circled":
        if number > len(_CIRCLED):
            return []
        circled = re.escape(_CIRCLED[number - 1])
        return [_Marker(m.start(), m.end(), number) for m in re.finditer(circled, text)]
    if style == "paren":
        pattern = rf"[(（]{number}[)）]"
    else:
        # 1. 1、 1． 1) — and, after the first, a bare number glued to the text (…检查2单位履行…), as the
        # seed table writes it; never inside a longer number, a date, a count or a percentage.
        glued = rf"|(?<![\d.．]){number}(?=[\u4e00-\u9fff“《(（])(?![年月日号次户家所个条款项])"
        bare = "" if first else glued
        pattern = rf"(?<![\d.．第]){number}(?:[.．、,，)）](?!\d)){bare}"
    return [_Marker(m.start(), m.end(), number) for m in re.finditer(pattern, text)]


def split_items(text: str) -> list[str] | None:
    """The items of a numbered cell, numbering and the separators between items removed; None when the
    cell does not start with an item number (it is one item, kept whole)."""
    stripped = text.strip()
    head = re.match(rf"([(（](\d{{1,3}})[)）])|([{_CIRCLED}])|((\d{{1,3}})[.．、)）](?!\d))", stripped)
    if head is None:
        return None
    if head.group(1):
        style, number = "paren", int(head.group(2))
    elif head.group(3):
        style, number = "circled", _CIRCLED.index(head.group(3)) + 1
    else:
        style, number = "plain", int(head.group(5))
    bounds = [_Marker(0, head.end(), number)]
    position = head.end()
    while True:
        number += 1
        candidates = [m for m in _markers(stripped, number, style, False) if m.start >= position]
        if not candidates:
            break
        marker = candidates[0]
        bounds.append(marker)
        position = marker.end
    one_line = "\n" not in stripped
    items = []
    for current, following in zip(bounds, [*bounds[1:], None], strict=True):
        end = following.start if following is not None else len(stripped)
        chunk = stripped[current.end:end]
        item = chunk.strip()
        if following is not None and "\n" not in chunk[len(chunk.rstrip()):]:
            # the next number follows on the same line: the punctuation before it separates the items
            item = re.sub(r"[;；,，、。.]+$", "", item)
        elif following is None and one_line and len(bounds) > 1:
            item = re.sub(r"[;；,，、。.]+$", "", item)  # 1.…;2.…。 on one line: the list's full stop
        items.append(item.strip())
    if any(not item for item in items):
        return None
    return items


# ---------------------------------------------------------------- rates


@dataclass(frozen=True)
class RateCell:
    """What a 比例 (and 频次) cell gave: the rate, the rounds, and the part that could not be read."""

    rate: RateSpec | None
    rounds: Rounds | None
    rest: str


_FLOOR = r"(?:不低于|不少于|至少|最低|不小于|≥|>=)"
_RATE_PREFIX = r"(?:抽查比例|检查比例|抽取比例|比例)?(?:为|是)?"


def _rate_core(text: str) -> Rate | None:
    """One simple rate, the whole text (reading form); `…，由X抽取` (drawn by another body) after any."""
    by = re.fullmatch(r"(?P<rate>.+?)[,，]?由(?P<who>[^,，;；]+?)抽取", text)
    if by is not None:
        rate = _plain_rate(by.group("rate"))
        if rate is None or rate.exclude or rate.unstated:
            return None
        return replace(rate, drawn_by=Text(by.group("who"), NO_SPAN))
    return _plain_rate(text)


def _plain_rate(text: str) -> Rate | None:
    m = re.fullmatch(rf"(?P<annual>全年)?(?:每年)?{_RATE_PREFIX}(?P<all>各级合计)?(?P<floor>{_FLOOR})?"
                     rf"(?P<pct>{_NUMBER})%?(?:—(?P<upper>{_NUMBER}))?%(?P<tail>.*)", text)
    if m is not None:
        if m.group("upper") is not None and m.group("floor"):
            return None
        tail = _rate_tail(m.group("tail"))
        if tail is None:
            return None
        min_count, planned, ceiling, unit = tail
        percent = Decimal(m.group("pct"))
        upper = Decimal(m.group("upper")) if m.group("upper") else None
        # a range is read as the language reads `10%—20%`: at least the lower bound, at most the upper
        return Rate(percent, bool(m.group("floor")) or upper is not None, None, min_count, NO_SPAN,
                    count_unit=unit, upper=upper,
                    planned=planned, annual=bool(m.group("annual")), all_levels=bool(m.group("all")),
                    ceiling=ceiling)
    m = re.fullmatch(rf"(?P<annual>全年)?{_RATE_PREFIX}(?P<per>每名执法人员|每人)?(?P<floor>{_FLOOR})?"
                     rf"(?P<count>\d+)(?:—(?P<upper>\d+))?(?P<unit>[{_UNITS}])", text)
    if m is not None:
        if m.group("upper") and (m.group("floor") or m.group("per")):
            return None
        return Rate(None, bool(m.group("floor") or m.group("upper")), int(m.group("count")), None, NO_SPAN,
                    count_unit=m.group("unit"), upper=Decimal(m.group("upper")) if m.group("upper") else None,
                    per_inspector=bool(m.group("per")), annual=bool(m.group("annual")))
    m = re.fullmatch(rf"(?P<annual>全年)?(?:人员比|人户比)(?P<floor>{_FLOOR})?"
                     rf"(?P<a>{_NUMBER}):(?P<b>{_NUMBER})", text)
    if m is not None:
        return Rate(None, bool(m.group("floor")), None, None, NO_SPAN,
                    staff_ratio=(Decimal(m.group("a")), Decimal(m.group("b"))),
                    annual=bool(m.group("annual")))
    if text in ("待定", "不抽", "不抽查"):
        return Rate(None, False, None, None, NO_SPAN, exclude=text != "待定", unstated=text == "待定")
    return None


def _rate_tail(tail: str) -> tuple[int | None, Planned | None, Decimal | None, str] | None:
    """What may follow a percentage: `(不少于2户)`, `(约20户)`, `(20户)`, `(不高于10%)`, in brackets."""
    min_count: int | None = None
    planned: Planned | None = None
    ceiling: Decimal | None = None
    unit = "户"
    while tail:
        m = re.match(r"[(（]([^()（）]*)[)）]", tail)
        if m is None:
            return None
        inner = m.group(1)
        tail = tail[m.end():]
        c = re.fullmatch(rf"{_FLOOR}(\d+)([{_UNITS}])", inner)
        p = re.fullmatch(rf"(约|预估|大约|约为)?(\d+)([{_UNITS}])", inner)
        h = re.fullmatch(rf"(?:不高于|不超过)({_NUMBER})%", inner)
        if c is not None and min_count is None:
            min_count, unit = int(c.group(1)), c.group(2)
        elif p is not None and planned is None:
            planned = Planned(int(p.group(2)), bool(p.group(1)), p.group(3), NO_SPAN)
        elif h is not None and ceiling is None:
            ceiling = Decimal(h.group(1))
        else:
            return None
    return min_count, planned, ceiling, unit


_COUNT_WORDS = {"不超过": CompareOp.LE, "少于": CompareOp.LT, "低于": CompareOp.LT, "超过": CompareOp.GT,
                "不少于": CompareOp.GE}


def _count_rates(text: str) -> CountRates | None:
    """`总数不超过10：不少于2户；总数超过10：不低于50%` (the plan table's writing of 按总数)."""
    rules = []
    for part in re.split(r"[;；]", text):
        m = re.fullmatch(r"总数(不超过|少于|低于|超过|不少于)(\d+)[:：](.+)", part)
        if m is None:
            return None
        rate = _rate_core(m.group(3))
        if rate is None:
            return None
        rules.append(CountRule(_COUNT_WORDS[m.group(1)], int(m.group(2)), rate, NO_SPAN))
    return CountRates(tuple(rules), NO_SPAN) if len(rules) > 1 else None


def parse_rate(text: str) -> RateSpec | None:
    """A whole 比例 cell (reading form or as written) as one rate, or None."""
    flat = _strip_separators(reading_form(text))
    if not flat:
        return None
    return _rate_core(flat) or _count_rates(flat)


_ROUNDS = re.compile(
    r"(?P<floor>不少于|至少|≥|>=)?(?P<n1>\d+)次/(?P<p1>年|季度|季|月|半年)"
    r"|每(?:个)?(?P<p2>年|季度|季|月|半年)(?:各)?(?:抽查|检查)?(?:不少于|至少)?(?P<n2>\d+)次"
    r"|(?:各)?抽查(?P<n3>\d+)次"
)
_INDEPENDENT = re.compile(r"[(（]?各轮独立[)）]?")
_PERIODS = {"年": Period.YEAR, "季度": Period.QUARTER, "季": Period.QUARTER, "月": Period.MONTH,
            "半年": Period.HALF_YEAR}


def _rounds_match(m: re.Match[str], independent: bool) -> Rounds:
    if m.group("n1"):
        floor = bool(m.group("floor"))
        return Rounds(int(m.group("n1")), NO_SPAN, _PERIODS[m.group("p1")], floor, independent)
    if m.group("n2"):
        floor = "不少于" in m.group(0) or "至少" in m.group(0)
        return Rounds(int(m.group("n2")), NO_SPAN, _PERIODS[m.group("p2")], floor, independent)
    return Rounds(int(m.group("n3")), NO_SPAN, Period.YEAR, False, independent)


def parse_rounds(text: str) -> Rounds | None:
    """A whole 频次 cell: `1次/年`, `每季度1次`, `抽查1次`, `1次`, `=1`, `>=1`, with (各轮独立)."""
    flat = _strip_separators(reading_form(text))
    independent = _INDEPENDENT.search(flat) is not None
    flat = _INDEPENDENT.sub("", flat)
    m = _ROUNDS.fullmatch(flat)
    if m is not None:
        return _rounds_match(m, independent)
    m = re.fullmatch(r"(=|≥|>=|不少于|至少)?(\d+)次?", flat)
    if m is not None and (m.group(1) or flat.endswith("次")):
        return Rounds(int(m.group(2)), NO_SPAN, Period.YEAR, m.group(1) not in (None, "="), independent)
    return None


def parse_rate_rounds(text: str) -> RateCell:
    """A 抽查比例及频次 cell: the rounds wherever they stand, the rest read as the rate."""
    flat = reading_form(text)
    independent = _INDEPENDENT.search(flat) is not None
    flat = _INDEPENDENT.sub("", flat)
    found = list(_ROUNDS.finditer(flat))
    rounds = None
    if len(found) == 1:
        m = found[0]
        rounds = _rounds_match(m, independent)
        flat = flat[:m.start()] + "；" + flat[m.end():]
    rest = _strip_separators(flat)
    rate = _rate_core(rest) or _count_rates(rest) if rest else None
    if rate is None and rest:
        return RateCell(None, rounds, _verbatim_rest(text) if rounds is not None else text.strip())
    return RateCell(rate, rounds, "")


def _verbatim_rest(text: str) -> str:
    """The cell's rate part as written, its rounds and the separators before them removed (for 待定 "…")."""
    written = _INDEPENDENT.sub("", text.strip())
    pieces = re.split(r"((?:不少于|至少|≥|>=)?\s*\d+\s*次\s*[/／]\s*(?:年|季度|季|月|半年)"
                      r"|每(?:个)?(?:年|季度|季|月|半年)(?:各)?(?:抽查|检查)?(?:不少于|至少)?\s*\d+\s*次"
                      r"|(?:各)?抽查\s*\d+\s*次)", written)
    if len(pieces) == 3:
        before, after = pieces[0].rstrip(), pieces[2].lstrip()
        if not before or before[-1] in "；;，,、。.":
            after = after.lstrip("；;，,、。. ")  # the separator that went with the rounds
        written = before + after
    return re.sub(r"^[;；,，、。\s]+|[;；,，、\s]+$", "", written)


def _strip_separators(text: str) -> str:
    return re.sub(r"^[;；,，、。.]+|[;；,，、。.]+$", "", text)


def rate_spec_text(spec: RateSpec) -> str:
    """How the plan table writes a rate (the export's rate.text), to tell whether a cell reads back."""
    if isinstance(spec, Rate):
        return rate_text(spec)
    if isinstance(spec, CountRates):
        words = {CompareOp.LE: "不超过", CompareOp.LT: "少于", CompareOp.GT: "超过", CompareOp.GE: "不少于"}
        return "；".join(f"总数{words[r.op]}{r.threshold}：{rate_text(r.rate)}" for r in spec.rules)
    return ""


# ---------------------------------------------------------------- counts (抽查数量 / 抽查户数)


def parse_count(text: str) -> tuple[Planned, str] | None:
    """`46家`, `5户`, `8`, `约20户`, `1户(实际以…为准。)`: the planned count and any words after it."""
    flat = reading_form(text)
    m = re.fullmatch(rf"(约|预估|大约|约为)?(\d+)([{_UNITS}])?(.*)", flat)
    if m is None:
        return None
    rest = text.strip()
    words = re.match(rf"\s*(?:约|预估|大约|约为)?\s*[0-9０-９]+\s*[{_UNITS}]?(.*)", rest, re.DOTALL)
    tail = words.group(1).strip() if words is not None else ""
    return Planned(int(m.group(2)), bool(m.group(1)), m.group(3) or "户", NO_SPAN), tail


# ---------------------------------------------------------------- windows


_POINT = re.compile(r"(?:(?P<year>\d{4})年)?(?P<next>次年)?(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?"
                    r"|(?P<y2>\d{4})[./](?P<m2>\d{1,2})(?:[./](?P<d2>\d{1,2}))?[./]?"
                    r"|(?P<y3>\d{4})—(?P<m3>\d{1,2})—(?P<d3>\d{1,2})")


def _point(text: str) -> DatePoint | None:
    m = _POINT.fullmatch(text)
    if m is None:
        return None
    if m.group("month"):
        year, month, day = m.group("year"), m.group("month"), m.group("day")
    elif m.group("m2"):
        year, month, day = m.group("y2"), m.group("m2"), m.group("d2")
    else:
        year, month, day = m.group("y3"), m.group("m3"), m.group("d3")
    point = DatePoint(int(year) if year else None, int(month), int(day) if day else None,
                      bool(m.group("next")), NO_SPAN)
    if not 1 <= point.month <= 12 or (point.day is not None and not 1 <= point.day <= 31):
        return None
    if point.year is not None and not 1900 <= point.year <= 2200:
        return None
    return point


def parse_window(text: str, tentative: bool = False) -> Window | None:
    """A whole 时间 cell as a window (see the module docstring for the forms), or None."""
    flat = _strip_separators(reading_form(text))
    for prefix in ("暂定", "初步", "拟"):
        if flat.startswith(prefix):
            flat, tentative = flat[len(prefix):], True
    for suffix in ("(暂定)", "暂定"):
        if flat.endswith(suffix):
            flat, tentative = flat[: -len(suffix)], True
    flat = re.sub(r"(完成|结束|开展)$", "", flat)
    if flat in ("全年", "全年度"):
        return Window(None, None, NO_SPAN, WindowKind.WHOLE_YEAR, tentative)
    if flat in ("年底前", "年底", "年底之前", "年底以前"):
        return Window(None, None, NO_SPAN, WindowKind.YEAR_END, tentative)
    m = re.fullmatch(r"(.+?)(底前|底之前|底)", flat)
    if m is not None and m.group(1).endswith("月"):
        point = _point(m.group(1))
        if point is not None and point.day is None:
            return Window(point, None, NO_SPAN, WindowKind.MONTH_END, tentative)
    m = re.fullmatch(r"(.+?)(之前|以前|前)", flat)
    if m is not None:
        point = _point(m.group(1))
        if point is not None:
            return Window(point, None, NO_SPAN, WindowKind.BEFORE, tentative)
    point = _point(flat)
    if point is not None:
        return Window(point, None, NO_SPAN, WindowKind.RANGE, tentative)
    m = re.fullmatch(r"(\d{1,2})(?:—|至|到)(\d{1,2})月", flat)  # 4-11月
    if m is not None:
        start, end = _point(f"{m.group(1)}月"), _point(f"{m.group(2)}月")
        if start is not None and end is not None:
            return Window(start, end, NO_SPAN, WindowKind.RANGE, tentative)
    for separator in ("至", "到", "—"):
        if separator not in flat:
            continue
        for index in [i for i, c in enumerate(flat) if c == separator]:
            start, end = _point(flat[:index]), _point(flat[index + 1:])
            if start is not None and end is not None:
                return Window(start, end, NO_SPAN, WindowKind.RANGE, tentative)
    return None


def window_from_points(start_text: str, end_text: str) -> Window | None:
    """Two cells (任务开始时间 / 任务结束时间, 抽取时间自 / 至) as one window."""
    start = _point(_strip_separators(reading_form(start_text)))
    end = _point(_strip_separators(reading_form(end_text)))
    if start is None or end is None:
        return None
    return Window(start, end, NO_SPAN, WindowKind.RANGE)


# ---------------------------------------------------------------- names, modes, types


def split_names(text: str) -> list[str]:
    """Department names of a cell: split at 、 , ; / line breaks and spaces outside brackets."""
    pieces: list[str] = []
    depth = 0
    current = ""
    for char in text.strip():
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and (char in "、,，;；/／\n" or char.isspace()):
            if current.strip():
                pieces.append(current.strip())
            current = ""
            continue
        current += char
    if current.strip():
        pieces.append(current.strip())
    return pieces


def as_name(text: str) -> str | None:
    """The name as the draft writes it (Traditional → Simplified only where the keyword table knows the
    character; full-width brackets kept), or None when it cannot be a bare name."""
    name = text.strip()
    if len(name) < 2 or not is_bare_name(name):
        return None
    return name


_ORGAN_SUFFIX = re.compile(r"(局|部门|委|委员会|办|办公室|队|大队|中队|支队|院|所|中心|股|科|室|处|站|厅|部|"
                           r"署|馆|机构|分局|公司|会|组|管理部|监管部门|单位|政府|街道|镇|乡|"
                           r"Bureau|Office|Department)$",
                           re.IGNORECASE)


def looks_like_organ(name: str) -> bool:
    """Whether a name ends like a body (局、部门、股、大队 …), not like a fragment (人力资源和社会保障)."""
    return _ORGAN_SUFFIX.search(name) is not None


_LEVEL = r"[省市县区](?:\((?:区|县|市)\)|（(?:区|县|市)）)?"
MODE = re.compile(rf"{_LEVEL}抽{_LEVEL}查")


def parse_modes(text: str) -> list[str] | None:
    """`县抽县查`, `市抽市查、市抽县(区)查`: each piece a mode (X抽Y查), else None."""
    pieces = split_names(simplified(text))
    if not pieces or not all(MODE.fullmatch(p) for p in pieces):
        return None
    return [p.replace("（", "(").replace("）", ")") for p in pieces]


def parse_directed(text: str) -> bool | None:
    """抽查类型 `定向` / `不定向` (抽查); None for anything else (本部门抽查 …)."""
    flat = reading_form(text)
    if flat in ("定向", "定向抽查", "定向抽取"):
        return True
    if flat in ("不定向", "不定向抽查", "不定向抽取"):
        return False
    return None


_METHOD_END = re.compile(r"(检查|抽查|评查|核查|查验|检测|检验|抽检|监测|核验|抽样|检查\))$")


def split_methods(text: str) -> list[str]:
    """检查方式 `现场检查、书面检查`: the methods as written, one per piece. A comma splits only between
    methods (`现场检查，书面检查`, `现场检查，查阅资料`: each short or ending like a method), not inside one
    described in words (`从污染源库中随机抽取,开展现场执法检查`, as `ssj compile` prints it)."""
    out = []
    for piece in re.split(r"[、;；/\n]+", text.strip()):
        parts = [p.strip() for p in re.split(r"[,，]", piece)]
        if len(parts) > 1 and all(len(p) <= 6 or _METHOD_END.search(p) for p in parts):
            out += parts
        elif piece.strip():
            out.append(piece.strip())
    return [p for p in out if p]


# ---------------------------------------------------------------- risk


NO_RISK_TEXTS = frozenset({"/", "／", "-", "—", "无", "不涉及", "不适用", "否"})
_ESCALATION = re.compile(r"递加|递增|逐级|分别(?:提高|增加|加大)|差异化|提高抽查比例|加大抽查|增加抽查|"
                         r"escalat", re.IGNORECASE)
_CLASS_WORDS = ("低风险", "一般风险", "较高风险", "高风险", "未分类")


def risk_kind(text: str) -> str:
    """What a 信用风险分类 cell says: "blank", "none" (/, 不涉及信用风险分类), "escalation" (分别递加 …,
    a profile whose levels a person writes), "label" (one class name: 低风险) or "unknown"."""
    flat = reading_form(text)
    if not flat:
        return "blank"
    if flat in NO_RISK_TEXTS or flat.startswith(("不涉及", "不适用")):
        return "none"
    if flat in _CLASS_WORDS:
        return "label"
    if _ESCALATION.search(flat) and not re.search(r"\d", flat):
        return "escalation"
    return "unknown"


def same_risk_text(a: str, b: str) -> bool:
    """Whether two risk cells are the same requirement (white space and line breaks aside)."""
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def layout_text(text: str) -> str:
    """A cell's running text with the line breaks of the cell's layout removed: a break between two
    Chinese characters (一般风\\n险) is where the column wrapped, not part of the text."""
    return re.sub(r"(?<=[\u4e00-\u9fff，、；：“”（）])\n(?=[\u4e00-\u9fff，、；：“”（）])", "", text)


# ---------------------------------------------------------------- what `ssj compile` prints in a cell
#
# The plan table `ssj compile` writes puts more than one construct in some cells (views.plan_view):
# the items with their attributes in brackets and 依据/检查依据/材料 lines, 基数 under the scope, 抽取
# and batch lines under the window, 指导 under the 发起, 待定 in 配合, 与任务2合并抽取 under the rate,
# the 合并抽取 under the table. These read them back; a cell that is not in that layout is read as before.


def matching_open(text: str) -> int | None:
    """Where the full-width bracket closing `text` opens (brackets inside it balanced), or None."""
    if not text.endswith("）"):
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == "）":
            depth += 1
        elif char == "（":
            depth -= 1
            if depth == 0:
                return index
    return None


KEY_CATEGORY = re.compile(r"(?:重点|一般)(?:检查)?事项")
ITEM_ANNOTATIONS = ("对象", "检查", "方式", "代码", "材料", "类别")


def item_annotations(text: str) -> tuple[str, dict[str, str]]:
    """An item as printed, `1.` removed: its text and what the brackets after it say —
    （重点检查事项）, （类别：…）, （对象：…）, （检查：…）, （方式：…）, （代码：…）, （材料：…）."""
    found: dict[str, str] = {}
    while True:
        start = matching_open(text)
        if start is None or start == 0:
            break
        inner = text[start + 1:-1]
        m = re.fullmatch(rf"({'|'.join(ITEM_ANNOTATIONS)})：(.+)", inner, re.DOTALL)
        if m is not None and m.group(1) not in found:
            found[m.group(1)] = m.group(2)
        elif KEY_CATEGORY.fullmatch(inner) and "类别" not in found:
            found["类别"] = inner
        else:
            break
        text = text[:start]
    return text, found


@dataclass(frozen=True)
class ItemCell:
    """An 抽查事项 cell as `ssj compile` prints it: the items' text (numbering kept), each item's 依据 by its
    number, the 检查依据 of all of them, the unit's 材料."""

    text: str
    basis: dict[int, str]
    shared_basis: str | None
    materials: list[str]


def item_cell(text: str) -> ItemCell:
    """Take the 依据：, 检查依据： and 材料： lines out of an items cell; a 依据 line belongs to the item
    numbered above it (when the numbering cannot be followed, the lines stay in the text)."""
    lines = text.split("\n")
    shared: str | None = None
    materials: list[str] = []
    while len(lines) > 1 and re.match(r"(检查依据|材料)：", lines[-1]):
        line = lines.pop()
        if line.startswith("材料："):
            materials = [m for m in line[3:].split("、") if m]
        else:
            shared = line[5:]
    basis: dict[int, str] = {}
    kept: list[str] = []
    number = 0
    for line in lines:
        m = re.match(r"(\d+)[.．]", line)
        if m is not None and int(m.group(1)) == number + 1:
            number += 1
        if line.startswith("依据：") and number:
            basis[number] = line[3:]
            continue
        kept.append(line)
    return ItemCell("\n".join(kept), basis, shared, materials)


BASE_LINE = re.compile(r"基数(约)?(\d+)([户家所个])(?:，(.+))?")


def scope_and_base(text: str) -> tuple[str, tuple[int, bool, str, str | None] | None]:
    """抽查对象范围 with the 基数 line under it (基数约40065户，动态更新): the scope and (count, approx, unit,
    note), or the whole text and None."""
    lines = text.split("\n")
    m = BASE_LINE.fullmatch(lines[-1]) if len(lines) > 1 else None
    if m is None:
        return text, None
    return "\n".join(lines[:-1]), (int(m.group(2)), bool(m.group(1)), m.group(3), m.group(4))


def parse_date_point(text: str) -> DatePoint | None:
    """One date as a cell writes it (2023年7月20日, 2023/7/20, 7月)."""
    return _point(_strip_separators(reading_form(text)))


def _draw_head(text: str) -> tuple[Window | None, int | None] | None:
    window: Window | None = None
    days: int | None = None
    for piece in text.split("，"):
        m = re.fullmatch(r"每轮开始后(\d+)日内", piece.strip())
        if m is not None and days is None:
            days = int(m.group(1))
            continue
        found = parse_window(piece) if piece.strip() else None
        if found is None or window is not None:
            return None
        window = found
    return window, days


def parse_draw(text: str) -> tuple[Window | None, int | None, str | None]:
    """The words after 抽取：: a window and/or 每轮开始后N日内, the table's words in brackets after them, or
    only words."""
    head = _draw_head(text)
    if head is not None:
        return head[0], head[1], None
    start = matching_open(text)
    if start:
        head = _draw_head(text[:start])
        if head is not None:
            return head[0], head[1], text[start + 1:-1]
    return None, None, text


BATCH_LINE = re.compile(r"(.+?)：(.+?)前")


@dataclass(frozen=True)
class WindowCell:
    """A 时间 cell as `ssj compile` prints it: the window line (None when only 抽取 dates the task), the draw
    (window, 每轮 days, words) and the batches (name, deadline)."""

    window: str | None
    draw: tuple[Window | None, int | None, str | None] | None
    batches: list[tuple[str, DatePoint]]


def window_cell(text: str) -> WindowCell | None:
    """The lines of a 时间 cell: `3月—11月`, `抽取：…`, `第一批：2023年7月20日前`; None when the cell is one
    line without 抽取 or another line is none of these (the cell is read whole, as before)."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines or (len(lines) == 1 and not lines[0].startswith("抽取：")):
        return None
    window = None if lines[0].startswith("抽取：") else lines.pop(0)
    draw = None
    if lines and lines[0].startswith("抽取："):
        draw = parse_draw(lines.pop(0)[3:])
    batches = []
    for line in lines:
        m = BATCH_LINE.fullmatch(line)
        point = parse_date_point(m.group(2)) if m is not None else None
        if m is None or point is None:
            return None
        batches.append((m.group(1), point))
    return WindowCell(window, draw, batches)


JOINT_LINE = re.compile(r"与任务(.+)合并抽取")
JOINT_NOTE = re.compile(r"(?:注[:：])?合并抽取(?:「(?P<name>.*?)」)?：任务(?P<tasks>[^；]+)"
                        r"；比例：(?P<rate>.*?)(?:；备注：(?P<remarks>.*))?", re.DOTALL)


def split_joint(text: str) -> tuple[str, list[str]]:
    """A rate cell less its `与任务2、3合并抽取` line, and the other tasks' 序号."""
    lines = text.split("\n")
    if len(lines) > 1:
        m = JOINT_LINE.fullmatch(lines[-1].strip())
        if m is not None:
            return "\n".join(lines[:-1]), [n.strip() for n in m.group(1).split("、") if n.strip()]
    return text, []


def split_guide(text: str) -> tuple[str, str | None]:
    """A 发起 cell with a 指导：X line under it: the lead's text and the guide's."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1].startswith("指导："):
        return "\n".join(lines[:-1]), lines[-1][3:].strip()
    return text, None


def unstated_assist(text: str) -> tuple[bool, str | None]:
    """配合 `待定` or `待定（是否部门联合抽查：是）`: (True, the words) — else (False, None)."""
    flat = text.strip()
    if flat == "待定":
        return True, None
    if flat.startswith("待定（") and matching_open(flat) == 2:
        return True, flat[3:-1]
    return False, None
