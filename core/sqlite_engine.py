"""SQLite for an asyncio server: statements run on the event loop's thread, on kept connections.

Piccolo's ``SQLiteEngine`` opens a connection for every query and hands every statement to a
thread (aiosqlite). A point query on SQLite takes tens of microseconds; the hand-off costs more,
and under load each hand-off also waits for a turn of the busy event loop. In a booking rush a
write transaction of nine statements held SQLite's single write lock for nine turns of the loop,
and the requests queued behind it (bench/booking_rush.py). Run on the loop's thread, the same
transaction holds the lock for a fraction of a millisecond, and a one-row read costs no thread.

What keeps the loop responsive:

- The database is in WAL mode (``minzheng migrate`` sets it): readers never wait for the writer.
- Write transactions in a process queue on one ``asyncio.Lock`` (``writer_lock``), so within a
  process no statement waits for SQLite's lock. Between processes (several server workers, the
  CLI) connections have no busy timeout: a statement refused with SQLITE_BUSY is retried after an
  ``asyncio.sleep`` with back-off, for up to ``BUSY_TIMEOUT`` seconds, so waiting never blocks
  the loop. A refused statement has had no effect, so retrying it is safe.
- Work that scans many rows (payroll, roster import) runs inside ``offloaded()``: its statements
  go to a worker thread and the loop goes on serving requests meanwhile.

Each event loop gets its own two connections, a reader and a writer (tests run a live server on
a second loop in another thread).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

T = TypeVar("T")

BUSY_TIMEOUT = 30.0
_PRAGMAS = ("PRAGMA foreign_keys = 1", "PRAGMA synchronous = NORMAL")
_READS = ("SELECT", "PRAGMA")

_offload: ContextVar[bool] = ContextVar("sqlite_offload", default=False)
_INHERITED: list[InlineConnection] = []  # kept open in a forked child, see below


@contextmanager
def offloaded() -> Iterator[None]:
    """Run this block's SQLite statements in a worker thread: for statements that scan many rows,
    which would otherwise hold up every other request of the process while they run."""
    token = _offload.set(True)
    try:
        yield
    finally:
        _offload.reset(token)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(exc)


async def _run(call: Callable[[], T]) -> T:
    """``call()`` now on this thread (in a worker thread inside ``offloaded()``), retried while
    another process holds SQLite's lock."""
    delay, deadline = 0.0005, time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            if _offload.get():
                return await asyncio.to_thread(call)
            return call()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.02)


class InlineConnection:
    """A ``sqlite3`` connection with the awaitable surface Piccolo's transactions use."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    async def execute(self, sql: str, parameters: Any = ()) -> None:
        """BEGIN, COMMIT, ROLLBACK and SAVEPOINT statements from Piccolo's transaction code."""
        await _run(lambda: self.raw.execute(sql, parameters))

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> list[dict[str, Any]]:
        return await _run(lambda: self.raw.execute(sql, parameters).fetchall())

    async def close(self) -> None:
        self.raw.close()


@dataclass
class _LoopConnections:
    writer_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    reader: InlineConnection | None = None
    writer: InlineConnection | None = None


class InlineSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, **kwargs: Any) -> None:
        # Piccolo's own connections (migrations) still go through aiosqlite and wait on locks.
        kwargs.setdefault("timeout", BUSY_TIMEOUT)
        super().__init__(path=path, **kwargs)
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopConnections] = (
            weakref.WeakKeyDictionary()
        )
        forget = weakref.WeakMethod(self._forget_inherited_connections)
        os.register_at_fork(after_in_child=lambda: (method := forget()) and method())

    def _forget_inherited_connections(self) -> None:
        """In a forked child (server workers): never use the parent's connections, and never
        close them either: closing a descriptor drops every POSIX lock this process holds on the
        file, including its own connections' ("How To Corrupt An SQLite Database File", 2.6)."""
        for state in self._loops.values():
            _INHERITED.extend(c for c in (state.reader, state.writer) if c is not None)
        self._loops = weakref.WeakKeyDictionary()

    def _state(self) -> _LoopConnections:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _LoopConnections()
        return state

    def _connect(self, timeout: float) -> sqlite3.Connection:
        kwargs = {**self.connection_kwargs, "timeout": timeout, "check_same_thread": False}
        raw = sqlite3.connect(**kwargs)
        raw.row_factory = dict_factory  # type: ignore[assignment]
        return raw

    async def _open_inline(self) -> InlineConnection:
        """A kept connection with no busy timeout: even its first statements may meet another
        process's lock (WAL recovery at start-up), so they are retried like any other."""
        connection = InlineConnection(self._connect(timeout=0))
        for pragma in _PRAGMAS:
            await connection.execute(pragma)
        return connection

    def writer_lock(self) -> asyncio.Lock:
        """One writer at a time in this process (per event loop)."""
        return self._state().writer_lock

    def writer_transaction(self) -> SQLiteTransaction:
        """An IMMEDIATE transaction on this loop's writer connection; hold ``writer_lock`` around
        it (``core.db.write_transaction`` does)."""
        return _WriterTransaction(self, TransactionType.immediate)

    async def writer_connection(self) -> InlineConnection:
        return await self._kept("writer")

    def discard_writer_connection(self) -> None:
        state = self._state()
        if state.writer is not None:
            state.writer.raw.close()
            state.writer = None

    async def _reader(self) -> InlineConnection:
        return await self._kept("reader")

    async def _kept(self, role: Literal["reader", "writer"]) -> InlineConnection:
        """This loop's connection for ``role``, opened on first use."""
        state = self._state()
        if getattr(state, role) is None:
            opened = await self._open_inline()
            if getattr(state, role) is None:  # another task may have opened one meanwhile
                setattr(state, role, opened)
            else:
                await opened.close()
        return getattr(state, role)

    def _read_in_thread(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        raw = self._connect(timeout=BUSY_TIMEOUT)
        try:
            for pragma in _PRAGMAS:
                raw.execute(pragma)
            return raw.execute(query, args).fetchall()
        finally:
            raw.close()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        """Outside a transaction: reads on the reader, writes (autocommit) on the writer."""
        args = args or []
        if query.lstrip()[:6].upper() in _READS:
            if _offload.get():
                return await asyncio.to_thread(self._read_in_thread, query, args)
            return await (await self._reader()).execute_fetchall(query, args)
        async with self.writer_lock():
            return await (await self.writer_connection()).execute_fetchall(query, args)

    async def _run_in_existing_connection(
        self,
        connection: InlineConnection,  # or aiosqlite's, in Piccolo's own (migration) transactions
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        return await connection.execute_fetchall(query, args or [])

    async def run_sql(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        """A statement already in SQLite's ``?`` form, in the current transaction if any."""
        transaction = self.current_transaction.get()
        if transaction is not None:
            return await transaction.connection.execute_fetchall(query, args)
        return await self._run_in_new_connection(query, args)

    async def close_connections(self) -> None:
        """Close this loop's connections (application shutdown)."""
        state = self._loops.pop(asyncio.get_running_loop(), None)
        if state is not None:
            for connection in (state.reader, state.writer):
                if connection is not None:
                    connection.raw.close()


class _WriterTransaction(SQLiteTransaction):
    """Piccolo's transaction on the kept writer connection, which it leaves open. A connection
    whose COMMIT or ROLLBACK failed, or that is still inside a transaction afterwards, is closed
    and replaced rather than trusted again."""

    engine: InlineSQLiteEngine

    async def get_connection(self) -> InlineConnection:  # type: ignore[override]
        return await self.engine.writer_connection()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            self.engine.discard_writer_connection()
            raise
        else:
            if self.connection.in_transaction:
                self.engine.discard_writer_connection()
        finally:
            self.engine.current_transaction.reset(self.context)
        return exception is None
