"""A SQLite engine that keeps its connections.

Piccolo's ``SQLiteEngine`` opens a new connection for every query outside a transaction; on this
machine that caps a one-row read at ~1.2k req/s against ~11.7k on a kept connection
(STACK-NOTES.md). This subclass keeps a small pool of autocommit connections for those queries.
Transactions still get a connection of their own (Piccolo closes it when the transaction ends), so
a pooled connection is never shared by two transactions. Every connection waits up to 30 s for a
lock instead of failing with "database is locked" under concurrent writers.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

_PRAGMAS = ("PRAGMA foreign_keys = 1", "PRAGMA synchronous = NORMAL")


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, pool_size: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", 30)
        super().__init__(path=path, **kwargs)
        self._pool_size = pool_size
        self._pools: dict[int, asyncio.Queue[aiosqlite.Connection]] = {}
        self._opened: dict[int, list[aiosqlite.Connection]] = {}
        self._writers: dict[int, asyncio.Lock] = {}

    async def _open(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory  # type: ignore[assignment]
        for pragma in _PRAGMAS:
            await connection.execute(pragma)
        return connection

    async def get_connection(self) -> aiosqlite.Connection:  # used by transactions
        return await self._open()

    async def _borrow(self) -> tuple[asyncio.Queue[aiosqlite.Connection], aiosqlite.Connection]:
        key = id(asyncio.get_running_loop())
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = asyncio.Queue()
            self._opened[key] = []
        if pool.empty() and len(self._opened[key]) < self._pool_size:
            connection = await self._open()
            self._opened[key].append(connection)
            return pool, connection
        return pool, await pool.get()

    def writer_lock(self) -> asyncio.Lock:
        """One writer at a time in this process (per event loop): writers queue here instead of in
        SQLite's busy handler, which sleeps up to 100 ms between retries and so turned a burst of
        bookings into long waits (bench/booking_rush.py: twice the throughput with the lock)."""
        key = id(asyncio.get_running_loop())
        lock = self._writers.get(key)
        if lock is None:
            lock = self._writers[key] = asyncio.Lock()
        return lock

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if query.lstrip()[:6].upper() in ("SELECT", "PRAGMA"):
            return await self._run_pooled(query, args)
        async with self.writer_lock():
            return await self._run_pooled(query, args)

    async def _run_pooled(self, query: str, args: list[Any] | None) -> Any:
        pool, connection = await self._borrow()
        try:
            rows = await connection.execute_fetchall(query, args or [])
            if connection.in_transaction:
                await connection.commit()
            return rows
        except BaseException:
            # A connection that failed mid-statement is not trusted again.
            self._opened[id(asyncio.get_running_loop())].remove(connection)
            await connection.close()
            raise
        finally:
            if connection in self._opened.get(id(asyncio.get_running_loop()), []):
                pool.put_nowait(connection)

    async def _run_in_existing_connection(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        """Inside a transaction: one trip to the connection's thread per statement (Piccolo's own
        takes four: a PRAGMA our connections already have, execute, fetch, close)."""
        return await connection.execute_fetchall(query, args or [])

    async def close_pool(self) -> None:
        key = id(asyncio.get_running_loop())
        for connection in self._opened.pop(key, []):
            await connection.close()
        self._pools.pop(key, None)
