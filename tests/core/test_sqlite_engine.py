"""core.sqlite_engine: statements on the loop's thread, offloaded work in a thread, other
processes' locks waited for without blocking the loop; core.db's placeholder translation."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from core import sqlite_engine
from core.db import _driver_sql
from core.sqlite_engine import InlineSQLiteEngine, offloaded


@pytest.fixture
async def engine(tmp_path: Path):
    engine = InlineSQLiteEngine(path=str(tmp_path / "engine.db"))
    await engine.run_sql("PRAGMA journal_mode=WAL", [])
    await engine.run_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", [])
    yield engine
    await engine.close_connections()


class ThreadProbe:
    """A parameter whose adapter notes the thread that executes the statement."""

    seen: ClassVar[list[int]] = []


sqlite3.register_adapter(ThreadProbe, lambda _: ThreadProbe.seen.append(threading.get_ident()) or 1)


async def executing_thread(engine: InlineSQLiteEngine, sql: str = "SELECT ? AS v") -> int:
    ThreadProbe.seen.clear()
    await engine.run_sql(sql, [ThreadProbe()])
    return ThreadProbe.seen[-1]


async def test_statements_run_on_the_loop_thread_unless_offloaded(engine):
    loop_thread = threading.get_ident()
    assert await executing_thread(engine) == loop_thread
    async with engine.writer_lock(), engine.writer_transaction():
        assert await executing_thread(engine, "INSERT INTO t (v) VALUES (?)") == loop_thread
    with offloaded():
        assert await executing_thread(engine) != loop_thread
        async with engine.writer_lock(), engine.writer_transaction():
            assert await executing_thread(engine, "INSERT INTO t (v) VALUES (?)") != loop_thread
    assert await executing_thread(engine) == loop_thread
    assert (await engine.run_sql("SELECT COUNT(*) AS n FROM t", []))[0]["n"] == 2


async def test_a_transaction_commits_on_the_kept_connection_and_rolls_back_on_error(engine):
    async with engine.writer_lock(), engine.writer_transaction():
        await engine.run_sql("INSERT INTO t (v) VALUES (?)", ["kept"])
    with pytest.raises(RuntimeError):
        async with engine.writer_lock(), engine.writer_transaction():
            await engine.run_sql("INSERT INTO t (v) VALUES (?)", ["lost"])
            raise RuntimeError("refused")
    rows = await engine.run_sql("SELECT v FROM t ORDER BY id", [])
    assert [r["v"] for r in rows] == ["kept"]
    assert not (await engine.writer_connection()).in_transaction


async def test_another_writer_is_waited_for_while_the_loop_keeps_serving(engine, tmp_path):
    """Another process's write lock: the transaction waits with asyncio.sleep, so other
    coroutines run meanwhile, and goes ahead once the lock is released."""
    other = sqlite3.connect(tmp_path / "engine.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (v) VALUES ('other process')")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async def write() -> None:
        async with engine.writer_lock(), engine.writer_transaction():
            await engine.run_sql("INSERT INTO t (v) VALUES (?)", ["ours"])

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.2)
    assert not writing.done()
    ticks_while_waiting = ticks
    other.execute("COMMIT")
    await asyncio.wait_for(writing, timeout=5)
    ticking.cancel()
    other.close()
    assert ticks_while_waiting >= 5  # the loop was not blocked by the wait
    rows = await engine.run_sql("SELECT v FROM t ORDER BY id", [])
    assert [r["v"] for r in rows] == ["other process", "ours"]


async def test_the_wait_for_another_writer_has_a_limit(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(tmp_path / "engine.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await engine.run_sql("INSERT INTO t (v) VALUES (?)", ["never"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    await engine.run_sql("INSERT INTO t (v) VALUES (?)", ["later"])
    assert (await engine.run_sql("SELECT COUNT(*) AS n FROM t", []))[0]["n"] == 1


@pytest.mark.parametrize(
    ("sql", "engine_type", "expected"),
    [
        (
            "SELECT * FROM t WHERE a = {} AND b = {}",
            "sqlite",
            "SELECT * FROM t WHERE a = ? AND b = ?",
        ),
        (
            "SELECT * FROM t WHERE a = {} AND b = {}",
            "postgres",
            "SELECT * FROM t WHERE a = $1 AND b = $2",
        ),
        ("SELECT '{{}}' AS json, {} AS v", "postgres", "SELECT '{}' AS json, $1 AS v"),
        ("SELECT 1", "sqlite", "SELECT 1"),
    ],
)
def test_placeholders_become_the_drivers(sql, engine_type, expected):
    assert _driver_sql(sql, engine_type) == expected


async def test_a_forked_child_neither_uses_nor_closes_the_parents_connections(engine):
    """SQLite's rule for fork(): the child must open its own connections, and closing the
    inherited ones would drop the child's own POSIX locks on the file."""
    import os

    reader = await engine._reader()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether the parent's connection is still the engine's
        try:
            kept = any(c is reader for c in sqlite_engine._INHERITED)
            os.write(write, b"fresh" if not engine._loops and kept else b"inherited")
        finally:
            os._exit(0)
    os.close(write)
    _, status = await asyncio.to_thread(os.waitpid, pid, 0)
    assert os.read(read, 16) == b"fresh" and status == 0
    os.close(read)
    assert await engine._reader() is reader  # the parent goes on with its own
