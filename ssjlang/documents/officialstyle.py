"""Chinese official-document (公文) conventions used by every rendered document.

Dates are written 2024年3月5日 (no leading zeros), document numbers 城区监〔2024〕12号 (the hexagonal
brackets 〔〕 of GB/T 9704), credit-risk letters as 低风险…高风险, and fonts follow the 公文 habit:
仿宋 for body text, 黑体 for headings, 宋体 for tables, each with fallbacks that exist on Windows, macOS
and Linux (Noto CJK) so a page never falls back to tofu boxes.
"""

from __future__ import annotations

from datetime import date

#: 信用风险分类: letter → Chinese name (国市监信发〔2022〕6号); U = 未分类.
RISK_NAMES: dict[str, str] = {
    "A": "低风险",
    "B": "一般风险",
    "C": "较高风险",
    "D": "高风险",
    "U": "未分类",
}

#: The order in which classes are listed (low → high risk, unclassified last).
RISK_ORDER: tuple[str, ...] = ("A", "B", "C", "D", "U")

#: 仿宋 body text with fallbacks (Windows, macOS, Linux/Noto), ending in a generic family.
FONT_BODY: str = (
    '"FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", '
    '"Source Han Serif SC", "SimSun", "宋体", serif'
)
#: 黑体 headings.
FONT_HEADING: str = (
    '"SimHei", "黑体", "STHeiti", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"Microsoft YaHei", sans-serif'
)
#: 宋体 tables (denser than 仿宋 at small sizes).
FONT_TABLE: str = '"SimSun", "宋体", "STSong", "Noto Serif CJK SC", "Source Han Serif SC", "FangSong", serif'
#: Font names written into Word documents (Word substitutes what the machine lacks).
DOCX_FONT_BODY: str = "仿宋"
DOCX_FONT_HEADING: str = "黑体"
DOCX_FONT_TABLE: str = "宋体"

_CN_DIGITS = "〇一二三四五六七八九"


def parse_iso_date(text: str) -> date:
    """`2024-03-05` → date; raises ValueError on anything else (the caller reports it)."""
    return date.fromisoformat(text)


def cn_date(value: date | str) -> str:
    """2024年3月5日 — the 成文日期 style, Arabic numerals without leading zeros."""
    d = parse_iso_date(value) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month_day(value: date | str) -> str:
    """3月5日 — for tables where the year is the plan year."""
    d = parse_iso_date(value) if isinstance(value, str) else value
    return f"{d.month}月{d.day}日"


def cn_date_range(start: date | str, end: date | str) -> str:
    """2024年3月1日至2024年12月31日 — a visit or task window in running text."""
    return f"{cn_date(start)}至{cn_date(end)}"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 27 → 二十七: the numerals of 第一批 / 第二轮 (0 ≤ n < 100)."""
    if n < 0 or n >= 100:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def doc_number(pattern: str | None, year: int, sequence: int) -> str:
    """Fill a 文号 pattern: `城区监〔{年}〕{号}号` → 城区监〔2024〕12号. No pattern → ""."""
    if not pattern:
        return ""
    return pattern.replace("{年}", str(year)).replace("{号}", str(sequence))


def risk_name(letter: str | None) -> str:
    """A → 低风险 … D → 高风险; blank or U → 未分类; an unknown value is shown as given."""
    if not letter:
        return RISK_NAMES["U"]
    return RISK_NAMES.get(letter.strip().upper(), letter)


def numbered_items(items: list[str] | tuple[str, ...]) -> list[str]:
    """Check items as the plan table writes them: `1.…`, `2.…` (one string per item)."""
    return [f"{i}.{item}" for i, item in enumerate(items, start=1)]


def rate_and_rounds(rate_text: str, rounds_text: str) -> str:
    """抽查比例及频次 cell: `不低于10% 1次/年`."""
    return " ".join(part for part in (rate_text, rounds_text) if part)


def percent(value: float | int | None) -> str:
    """25.0 → `25%`, 12.5 → `12.5%`, None → `—` (no population)."""
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"
