"""The embedded analytical engine (DuckDB) that intake and the subject draw run on.

Why DuckDB: it reads CSV and Parquet at C speed, computes SHA-256, sorts and aggregates in parallel and
spills to disk, so a 10^7-subject registry is read, checked, digested and drawn in bounded memory (the
registry never becomes 10^7 Python objects). Everything published is ordered explicitly (ORDER BY on
unique keys), so the number of threads never changes a result, only the time.

One connection per process (`connection()`), configured once by the command line (`configure`):
`threads` (default: every core), the memory limit, and the directory DuckDB spills to (next to the
output when there is one, else the system's temporary directory).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

MEMORY_LIMIT_ENV = "SSJ_ENGINE_MEMORY"
"""Environment variable: DuckDB's memory limit (e.g. `2GB`); default `DEFAULT_MEMORY_LIMIT`."""
THREADS_ENV = "SSJ_ENGINE_THREADS"
"""Environment variable: DuckDB's threads; default every core (`os.cpu_count()`)."""
DEFAULT_MEMORY_LIMIT = "512MB"
"""What the engine holds in memory before it spills to `temp_dir` (10^6 subjects mostly fit; 10^7 spill)."""

DIGEST_BLOCK_ROWS = 1 << 16
"""Rows per block when a digest's text is streamed out of DuckDB into hashlib (a few MB per block)."""


@dataclass
class _Settings:
    threads: int | None = None
    memory_limit: str | None = None
    temp_dir: Path | None = None


_settings = _Settings()
_lock = threading.Lock()
_connection: duckdb.DuckDBPyConnection | None = None
_spill: tempfile.TemporaryDirectory[str] | None = None
_counter = 0


def configure(threads: int | None = None, temp_dir: Path | None = None,
              memory_limit: str | None = None) -> None:
    """Set the engine's parallelism, spill directory and memory limit before its first use.

    A later call resets the connection (tables of the old one are gone): the CLI calls it once.
    """
    global _connection
    with _lock:
        _settings.threads = threads
        _settings.temp_dir = temp_dir
        _settings.memory_limit = memory_limit
        if _connection is not None:
            _connection.close()
            _connection = None


def threads() -> int:
    """Threads DuckDB runs with: `configure`, else $SSJ_ENGINE_THREADS, else every core."""
    if _settings.threads:
        return _settings.threads
    env = os.environ.get(THREADS_ENV, "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def connection() -> duckdb.DuckDBPyConnection:
    """The process's DuckDB connection (in memory, spilling to a temporary directory)."""
    global _connection, _spill
    with _lock:
        if _connection is None:
            base = _settings.temp_dir
            if base is not None:
                base.mkdir(parents=True, exist_ok=True)
            _spill = tempfile.TemporaryDirectory(prefix=".ssj-engine-", dir=base)
            limit = _settings.memory_limit or os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
            _connection = duckdb.connect(":memory:", config={
                "threads": threads(),
                "memory_limit": limit,
                "temp_directory": _spill.name,
                "preserve_insertion_order": True,
            })
            _connection.execute("SET enable_progress_bar = false")
        return _connection


def unique_name(prefix: str) -> str:
    """A table name not used before in this process (t_registry_3)."""
    global _counter
    with _lock:
        _counter += 1
        return f"{prefix}_{_counter}"


def drop(name: str) -> None:
    """Drop a table of the engine if it exists (intermediate tables of a draw)."""
    if _connection is not None:
        _connection.execute(f"DROP TABLE IF EXISTS {name}")


def quote_literal(text: str) -> str:
    """A SQL string literal ('it''s'); the engine's parameters are used wherever a query allows them."""
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """A SQL identifier ("名称")."""
    return '"' + name.replace('"', '""') + '"'


def digest_blocks(con: duckdb.DuckDBPyConnection, source: str, text: str, order: str, rows: int,
                  params: Sequence[Any] = (), block: int = DIGEST_BLOCK_ROWS) -> Iterator[bytes]:
    """The UTF-8 bytes of `text` (one SQL expression per row, its own line end included) over `source`
    (a table or subquery with a dense 0-based integer column `order`), in `order`, a block of rows per
    query: the digest's input is never held whole, neither by DuckDB nor by Python."""
    for start in range(0, rows, block):
        found = con.execute(
            f"SELECT string_agg({text}, '' ORDER BY {order}) FROM {source} "
            f"WHERE {order} >= ? AND {order} < ?", [*params, start, start + block]).fetchone()
        if found is not None and found[0] is not None:
            yield found[0].encode("utf-8")


def sha256_of(head: bytes, blocks: Iterator[bytes]) -> str:
    """Lowercase hex SHA-256 of `head` followed by `blocks`."""
    h = hashlib.sha256(head)
    for chunk in blocks:
        h.update(chunk)
    return h.hexdigest()


def scratch_dir() -> str:
    """The engine's temporary directory (created with the connection): where intake's scratch files go."""
    connection()
    assert _spill is not None
    return _spill.name
