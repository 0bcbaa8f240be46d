"""SSJ-DRAW-1 §1–§2: canonical text and the table digest, including the spec's test vector R."""

from __future__ import annotations

import hashlib
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssjlang.canonical import (
    WHITE_SPACE,
    canonical_id,
    canonical_text,
    date_parts,
    digest_of_lines,
    parse_date,
    sha256_hex,
    table_digest,
    table_digest_keyed,
)

SPEC_R = "ae9d4903f8173f503d489e0cf8f4abf7611f501b349b03d4a4ee899f867b2172"
SPEC_HEADER = ("统一社会信用代码", "名称", "风险等级")


def spec_rows() -> list[tuple[str, str, str]]:
    """The test vector of draw-spec.md: row 9's name has a leading space and a TAB, row 10 a lower-case id."""
    rows = []
    for i, (stem, risk) in enumerate(zip("甲乙丙丁戊己庚辛壬癸", "AABBBCCDBB", strict=True), start=1):
        sid = f"91140502MA0K{i:06d}"
        name = f"晋城市城区{stem}汽车销售有限公司"
        if i == 9:
            name = " " + name + "\t"
        if i == 10:
            sid = sid.lower()
        rows.append((sid, name, risk))
    return rows


def test_spec_vector_registry_digest() -> None:
    assert table_digest(SPEC_HEADER, spec_rows()) == SPEC_R


def test_spec_vector_by_hand() -> None:
    """The same R spelled out, so the rule (not just the function) is pinned down."""
    lines = []
    for sid, name, risk in spec_rows():
        lines.append(f"{sid.upper()}\t{name.strip()}\t{risk}\n")
    text = "统一社会信用代码\t名称\t风险等级\n" + "".join(sorted(lines))
    assert hashlib.sha256(text.encode()).hexdigest() == SPEC_R


def test_digest_changes_with_any_cell() -> None:
    rows = spec_rows()
    rows[3] = (rows[3][0], rows[3][1], "C")
    assert table_digest(SPEC_HEADER, rows) != SPEC_R
    assert table_digest(("统一社会信用代码", "名称", "风险"), spec_rows()) != SPEC_R


def test_nfc() -> None:
    assert canonical_text("Cafe\u0301") == "Café"
    assert canonical_text("\u212b") == "\u00c5"  # ANGSTROM SIGN → LATIN CAPITAL A WITH RING


def test_tab_cr_lf_runs_become_one_space() -> None:
    assert canonical_text("a\t\tb") == "a b"
    assert canonical_text("a\r\nb") == "a b"
    assert canonical_text("a\n\t\rb\nc") == "a b c"
    assert canonical_text("a  b") == "a  b"  # ordinary spaces inside are kept
    assert canonical_text("a \t b") == "a   b"


def test_strip_unicode_white_space() -> None:
    assert canonical_text("\u3000晋城\u3000") == "晋城"
    assert canonical_text("\u00a0x\u2003") == "x"
    assert canonical_text(" \t\r\n") == ""
    # U+001C–U+001F count as space for Python's str.strip() but are not Unicode White_Space
    assert canonical_text("\x1cx\x1f") == "\x1cx\x1f"
    assert canonical_text("\ufeffx") == "\ufeffx"
    assert "\u3000" in WHITE_SPACE and "\x1c" not in WHITE_SPACE


def test_canonical_id_upper_cases_ascii_only() -> None:
    assert canonical_id(" 91140502ma0k000010 ") == "91140502MA0K000010"
    assert canonical_id("ｍａ") == "ｍａ"  # full-width letters are not ASCII
    assert canonical_id("straße") == "STRAßE"


def test_sha256_hex() -> None:
    assert sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex("晋城") == hashlib.sha256("晋城".encode()).hexdigest()


def test_short_rows_are_padded_and_id_column_may_move() -> None:
    full = table_digest(("id", "name", "note"), [("B", "x", ""), ("A", "y", "")])
    assert table_digest(("id", "name", "note"), [("B", "x"), ("A", "y")]) == full
    moved = table_digest_keyed(("name", "id"), [("x", "B"), ("y", "A")], 1)
    expected = sha256_hex("name\tid\ny\tA\nx\tB\n")
    assert moved == expected


def test_digest_of_lines_sorts_by_key_code_points() -> None:
    """Code-point order equals UTF-8 byte order, including characters outside the BMP."""
    keys = ["\uffff", "\U00010000", "A", "a", "é"]
    lines = [(k, k) for k in keys]
    by_bytes = sorted(keys, key=lambda k: k.encode("utf-8"))
    assert digest_of_lines("h", lines) == sha256_hex("h\n" + "".join(k + "\n" for k in by_bytes))


ids = st.lists(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYabc", min_size=1, max_size=18),
               min_size=1, max_size=30, unique_by=lambda s: s.upper())
cells = st.text(alphabet=st.sampled_from(list("晋城甲乙 \t\u3000ab,\"")), max_size=8)


@settings(max_examples=60, deadline=None)
@given(ids, st.data())
def test_row_order_does_not_change_the_digest(row_ids: list[str], data: st.DataObject) -> None:
    rows = [(i, data.draw(cells), data.draw(cells)) for i in row_ids]
    shuffled = list(rows)
    random.Random(data.draw(st.integers(0, 2**32))).shuffle(shuffled)
    assert table_digest(("id", "名称", "备注"), rows) == table_digest(("id", "名称", "备注"), shuffled)


# ---------------------------------------------------------------- parse_date: the one date reader


@pytest.mark.parametrize("text", [
    "2024-03-05", "2024-3-5", "2024/3/5", "2024/03/05", "2024.3.5", "2024.03.05", "2024年3月5日",
    "2024年3月5", "2024年03月05日", "2024 年 3 月 5 日", "20240305", " 2024-03-05\u3000",
    "２０２４－０３－０５", "２０２４年３月５日", "２０２４／３／５", "2024-03-05 00:00:00",
    "2024-03-05 00:00",
    "2024-03-05T09:30:00", "2024-03-05 23:59:59.5",
])
def test_parse_date_accepts_what_officers_type(text: str) -> None:
    assert parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text", [
    "", "明天", "三月五日", "2024-3/5", "2024.3-5", "2024-03", "24-03-05", "2024-03-05x", "2024-03-051",
    "202435", "2024030", "202403051", "2024-03-05 24:00", "2024-03-05 12:60", "2024-03-05 12", "03/05/2024",
    "٢٠٢٤-٠٣-٠٥", "2024年3-5",
])
def test_parse_date_rejects_other_text(text: str) -> None:
    assert parse_date(text) is None
    assert date_parts(text) is None


@pytest.mark.parametrize(("text", "parts"), [
    ("2024-02-30", (2024, 2, 30)), ("2024-13-01", (2024, 13, 1)), ("20230229", (2023, 2, 29)),
    ("0000-01-01", (0, 1, 1)), ("2024年4月31日", (2024, 4, 31)),
])
def test_parse_date_rejects_impossible_dates_but_knows_the_shape(text: str,
                                                                  parts: tuple[int, int, int]) -> None:
    assert parse_date(text) is None
    assert date_parts(text) == parts


def test_parse_date_leap_day() -> None:
    assert parse_date("20240229") == date(2024, 2, 29)
    assert parse_date("2023-02-29") is None


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_parse_date_reads_every_form_of_every_day(day: date) -> None:
    y, m, d = day.year, day.month, day.day
    for text in (day.isoformat(), f"{y}/{m}/{d}", f"{y}.{m}.{d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}"):
        assert parse_date(text) == day, text


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=24))
def test_parse_date_never_raises(text: str) -> None:
    found = parse_date(text)
    assert found is None or isinstance(found, date)
