"""The SSJ-DRAW-1 test vector of the spec, value by value (draw-spec.md "Test vector")."""

from __future__ import annotations

import hashlib

from ssjlang.canonical import canonical_id, table_digest
from ssjlang.interpret import draw

HEADER = ["统一社会信用代码", "名称", "风险等级"]
NAMES = "甲乙丙丁戊己庚辛壬癸"
RISKS = "AABBBCCDBB"


def vector_rows() -> list[list[str]]:
    rows = []
    for i, (stem, risk) in enumerate(zip(NAMES, RISKS, strict=True), 1):
        subject_id = f"91140502MA0K{i:06d}" if i != 10 else "91140502ma0k000010"
        name = f"晋城市城区{stem}汽车销售有限公司"
        if i == 9:
            name = " " + name + "\t"
        rows.append([subject_id, name, risk])
    return rows


R = "ae9d4903f8173f503d489e0cf8f4abf7611f501b349b03d4a4ee899f867b2172"
P = "bcf4c5d963bc452c012cce49d2d6887789a6747caf3e40d3a004ce8f5eefb9e4"
C = "d26326406e9229ef64d0a509e042c244e3521789bacc5ca68e18b5e4b936855e"
S = "e1231772476298469d25b4e55caae96e68a43f67f1e5c74370538bd98df2782d"
S_TR = "c10573a03501d6a8a9b42df7e516d2d6c8f2a65c7d1acded47d6655a97bd3ec0"
KEY_9 = "0fb60a3da172f00004bab45f1f834c385e0ce92d618f687f14731dad36b90e41"


def test_registry_digest() -> None:
    assert table_digest(HEADER, vector_rows()) == R


def test_plan_digest_strips_crlf() -> None:
    assert draw.plan_digest('计划 "示例"\r\n') == P
    assert draw.plan_digest('\ufeff计划 "示例"\r') == P
    assert draw.plan_digest('计划 "示例"\n') == P


def test_commitment_seed_and_stream() -> None:
    text = draw.commitment_text(P, R, "-", "dice:d10x20")
    assert text == f"SSJ-DRAW-1\nplan={P}\nregistry={R}\nroster=-\nbeacon=dice:d10x20\n"
    assert draw.H(text) == C
    assert draw.seed(C, "31415926535897932384") == S
    assert draw.seed(C, "  31415926535897932384\n") == S  # the value is canonical text
    assert draw.stream(S, 4, 1) == S_TR


def test_full_key_and_hand_check() -> None:
    assert draw.subject_key(S_TR, "91140502MA0K000009") == KEY_9
    # what `printf '%s' "$S_tr|91140502MA0K000009" | sha256sum` computes
    assert hashlib.sha256(f"{S_TR}|91140502MA0K000009".encode()).hexdigest() == KEY_9


def test_selection_per_stratum() -> None:
    strata: dict[str, list[str]] = {}
    for subject_id, _name, risk in vector_rows():
        strata.setdefault(risk, []).append(canonical_id(subject_id))
    rates = {"A": 100000, "B": 200000, "C": 400000, "D": 1000000}
    expected = {
        "A": (1, ["0001", "0002"], ["0b39c46b", "25d31776"]),
        "B": (1, ["0009", "0003", "0010", "0005", "0004"],
              ["0fb60a3d", "1cdac052", "52b09b82", "b80b7ede", "bcd90cdf"]),
        "C": (1, ["0007", "0006"], ["3dc8444c", "46da0ad9"]),
        "D": (1, ["0008"], ["2d33c6de"]),
    }
    for label, ids in strata.items():
        k, order, prefixes = expected[label]
        assert draw.sample_size(len(ids), rates[label]) == k
        full = draw.select(S_TR, ids, len(ids))
        assert [p.id[-4:] for p in full] == order
        assert [p.key[:8] for p in full] == prefixes
        assert [p.id for p in draw.select(S_TR, ids, k)] == [p.id for p in full[:k]]
    stratum_list = [draw.Stratum(label, label, tuple(ids), rate_ppm=rates[label])
                    for label, ids in strata.items()]
    (round_one,) = draw.draw_task(S, 4, stratum_list, rounds=1)
    assert round_one.stream == S_TR
    chosen = {s.label: [(p.rank, p.id, p.key) for p in s.selected] for s in round_one.strata}
    assert chosen["B"] == [(1, "91140502MA0K000009", KEY_9)]
    assert {label: picks[0][1][-4:] for label, picks in chosen.items()} == {
        "A": "0001", "B": "0009", "C": "0007", "D": "0008"}
