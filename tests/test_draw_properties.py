"""Properties of the draw that must hold for every input: sizes, no duplicates, order and format
independence, stability, equality with the naive reference, and uniformity across seeds."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssjlang.interpret import draw
from ssjlang.interpret.registry import load_registry

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

id_lists = st.lists(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18),
                    min_size=0, max_size=60, unique=True)
streams = st.integers(min_value=0, max_value=10**6).map(lambda i: draw.H(f"stream {i}"))
ppms = st.integers(min_value=0, max_value=draw.PPM)


@SETTINGS
@given(ids=id_lists, stream=streams, ppm=ppms)
def test_exact_k_no_duplicates_and_naive_equality(ids: list[str], stream: str, ppm: int) -> None:
    k = draw.sample_size(len(ids), ppm)
    assert k == min(len(ids), -(-len(ids) * ppm // draw.PPM))
    picks = draw.select(stream, ids, k)
    assert len(picks) == k
    assert len({p.id for p in picks}) == k
    assert [p.rank for p in picks] == list(range(1, k + 1))
    assert picks == draw.select_naive(stream, ids, k)
    assert all(p.key == draw.subject_key(stream, p.id) for p in picks)


@SETTINGS
@given(ids=id_lists, stream=streams, k=st.integers(min_value=0, max_value=70), shuffle_seed=st.integers())
def test_independent_of_input_order(ids: list[str], stream: str, k: int, shuffle_seed: int) -> None:
    shuffled = list(ids)
    random.Random(shuffle_seed).shuffle(shuffled)
    assert draw.select(stream, shuffled, k) == draw.select(stream, ids, k)


@SETTINGS
@given(ids=id_lists.filter(lambda x: len(x) >= 2), stream=streams, ppm=ppms, data=st.data())
def test_removing_a_non_selected_subject_keeps_the_selection(ids: list[str], stream: str, ppm: int,
                                                             data: st.DataObject) -> None:
    k = draw.sample_size(len(ids), ppm)
    picks = [p.id for p in draw.select(stream, ids, k)]
    others = [i for i in ids if i not in picks]
    if not others:
        return
    gone = data.draw(st.sampled_from(others))
    rest = [i for i in ids if i != gone]
    assert [p.id for p in draw.select(stream, rest, k)] == picks  # same k: nothing changes
    k2 = draw.sample_size(len(rest), ppm)
    assert [p.id for p in draw.select(stream, rest, k2)] == picks[:k2]  # smaller N: a prefix


@SETTINGS
@given(n=st.integers(min_value=0, max_value=40), ppm=ppms, rounds=st.integers(min_value=1, max_value=4),
       seed_no=st.integers(min_value=0, max_value=1000))
def test_rounds_never_repeat_a_subject(n: int, ppm: int, rounds: int, seed_no: int) -> None:
    ids = tuple(f"ID{i}" for i in range(n))
    stratum = draw.Stratum("全部", None, ids, rate_ppm=ppm, rounds=rounds)
    result = draw.draw_task(draw.H(str(seed_no)), 1, [stratum], rounds)
    chosen = [p.id for r in result for s in r.strata for p in s.selected]
    assert len(chosen) == len(set(chosen))
    k = draw.sample_size(n, ppm)
    assert len(chosen) == min(n, k * rounds)


def _chi_square(counts: list[int], expected: float) -> float:
    return sum((c - expected) ** 2 / expected for c in counts)


CHI2_CRITICAL_DF19_P001 = 43.820
"""Upper 0.1 % point of the chi-square distribution with 19 degrees of freedom."""


def test_selection_is_uniform_across_seeds() -> None:
    ids = [f"91140502MA0K{i:06d}" for i in range(20)]
    selected = [0] * 20
    first = [0] * 20
    position = {i: n for n, i in enumerate(ids)}
    for s in range(2000):
        picks = draw.select(draw.stream(draw.H(f"seed {s}"), 1, 1), ids, 5)
        for p in picks:
            selected[position[p.id]] += 1
        first[position[picks[0].id]] += 1
    assert _chi_square(selected, 2000 * 5 / 20) < CHI2_CRITICAL_DF19_P001
    assert _chi_square(first, 2000 / 20) < CHI2_CRITICAL_DF19_P001
    # the test can fail: a biased draw (always the lowest ids) is far beyond the critical value
    assert _chi_square([2000] * 5 + [0] * 15, 500) > CHI2_CRITICAL_DF19_P001


HEADER = ["统一社会信用代码", "名称", "风险等级", "行业类别"]
rows_strategy = st.lists(
    st.tuples(st.integers(min_value=1, max_value=999999),
              st.text(alphabet="甲乙丙丁戊己庚辛壬癸 公司\t", min_size=1, max_size=8)
              .filter(lambda t: t.strip()),
              st.sampled_from(["A", "B", "C", "D", ""])),
    min_size=1, max_size=25, unique_by=lambda r: r[0])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, shuffle_seed=st.integers())
def test_registry_order_and_format_do_not_change_the_draw(tmp_path: Path, rows: list[tuple[int, str, str]],
                                                          shuffle_seed: int) -> None:
    table = [[f"91140502MA0K{n:06d}", name, risk, "汽车销售"] for n, name, risk in rows]
    shuffled = list(table)
    random.Random(shuffle_seed).shuffle(shuffled)
    csv_path = tmp_path / f"r{shuffle_seed}.csv"
    csv_path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in [HEADER, *table]) + "\n",
                        encoding="utf-8")
    gbk_path = tmp_path / f"r{shuffle_seed}-gbk.csv"
    gbk_path.write_bytes(("\r\n".join(",".join(f'"{c}"' for c in r) for r in [HEADER, *shuffled]) + "\r\n")
                         .encode("gb18030"))
    xlsx_path = tmp_path / f"r{shuffle_seed}.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for r in [HEADER, *shuffled]:
        sheet.append(r)
    book.save(xlsx_path)
    loaded = [load_registry(p) for p in (csv_path, gbk_path, xlsx_path)]
    assert len({r.digest for r in loaded}) == 1
    stream = draw.H(f"stream {shuffle_seed}")
    results = {tuple(draw.select(stream, [s.id for s in r.subjects], 5)) for r in loaded}
    assert len(results) == 1


@pytest.mark.parametrize("n", [1, 7, 500])
def test_heap_path_equals_full_sort_on_larger_strata(n: int) -> None:
    ids = [f"X{i}" for i in range(n)]
    stream = draw.H("large")
    for k in (1, n // 3, n):
        assert draw.select(stream, ids, k) == draw.select_naive(stream, ids, k)
