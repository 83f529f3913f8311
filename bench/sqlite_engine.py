"""Piccolo's stock SQLiteEngine (a connection and a thread hand-off per query) against core's
InlineSQLiteEngine (kept connections, statements on the event loop's thread).

    python -m bench.sqlite_engine [--queries 5000] [--concurrency 16]

Both engines read one row by primary key from the same file; the ratio is inline / stock.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from core.sqlite_engine import InlineSQLiteEngine


async def _reads(engine: SQLiteEngine, queries: int, concurrency: int) -> float:
    async def worker(count: int) -> None:
        for i in range(count):
            await engine.run_querystring(QueryString("SELECT * FROM t WHERE id = {}", i % 100 + 1))

    started = time.perf_counter()
    await asyncio.gather(*(worker(queries // concurrency) for _ in range(concurrency)))
    return queries / (time.perf_counter() - started)


async def main(queries: int, concurrency: int) -> None:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    stock = SQLiteEngine(path=str(path))
    await stock.run_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    for i in range(100):
        await stock.run_querystring(QueryString("INSERT INTO t (name) VALUES ({})", f"n{i}"))
    inline = InlineSQLiteEngine(path=str(path))
    baseline = await _reads(stock, queries, concurrency)
    improved = await _reads(inline, queries, concurrency)
    await inline.close_connections()
    print(f"stock SQLiteEngine  : {baseline:8.0f} reads/s")
    print(f"InlineSQLiteEngine  : {improved:8.0f} reads/s")
    print(f"ratio inline/stock  : {improved / baseline:8.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.queries, args.concurrency))
