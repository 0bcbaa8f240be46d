"""The engine (DuckDB) itself: results never depend on its threads; its precomputed tables are right;
a registry read directly by DuckDB, read row by row, or from Parquet is the same registry."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import duckdb
import pytest
from conftest import BEACON, PLAN, ROSTER, ssj

from ssjlang.interpret import engine
from ssjlang.interpret.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent


def test_the_precomputed_nfc_class_is_this_pythons() -> None:
    from ssjlang.interpret.nfcclass import MAYBE_NOT_NFC, UNICODE_VERSION
    from ssjlang.interpret.tables import _maybe_not_nfc

    if UNICODE_VERSION != unicodedata.unidata_version:
        pytest.skip("another Unicode version: the class is computed at run time")
    assert _maybe_not_nfc() == MAYBE_NOT_NFC


def test_records_do_not_depend_on_the_engine_threads(small_registry: Path, tmp_path: Path) -> None:
    records = []
    for threads in ("1", "2"):
        out = tmp_path / f"t{threads}"
        done = ssj("draw", str(PLAN), "--registry", str(small_registry), "--roster", str(ROSTER), *BEACON,
                   "-o", str(out), "--engine-threads", threads)
        assert done.exit_code == 0, done.output
        records.append((out / "record.json").read_bytes())
    engine.configure()
    assert records[0] == records[1]


def test_direct_row_by_row_and_parquet_give_the_same_registry(small_registry: Path, tmp_path: Path) -> None:
    direct = load_registry(small_registry)
    text = small_registry.read_text(encoding="utf-8-sig")
    quoted = tmp_path / "quoted.csv"  # a quote sends the file to the row-by-row readers
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    quoted.write_text(out.getvalue(), encoding="gb18030")
    parquet = tmp_path / "registry.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{small_registry}', header = true, "
                             f"all_varchar = true)) TO '{parquet}' (FORMAT parquet)")
    for other in (load_registry(quoted), load_registry(parquet)):
        assert other.digest == direct.digest
        assert [(s.id, s.cells, s.risk, s.row) for s in other.subjects] == \
            [(s.id, s.cells, s.risk, s.row) for s in direct.subjects]
    assert load_registry(quoted).encoding == "gb18030"
    assert load_registry(parquet).encoding == "parquet"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_large_csv_in_another_encoding_is_transcoded_in_a_stream(small_registry: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   encoding: str) -> None:
    from ssjlang.interpret import tables

    text = small_registry.read_text(encoding="utf-8-sig")
    path = tmp_path / f"{encoding}.csv"
    path.write_text(text, encoding=encoding)
    held = load_registry(path)  # small: read whole by the row-by-row readers
    monkeypatch.setattr(tables, "STREAM_TRANSCODE_BYTES", 0)
    streamed = load_registry(path)
    assert streamed.digest == held.digest == load_registry(small_registry).digest
    assert streamed.encoding == held.encoding
    assert [s.cells for s in streamed.subjects] == [s.cells for s in held.subjects]
