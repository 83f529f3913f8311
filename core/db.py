"""The database: one Piccolo engine chosen by ``MINZHENG_DATABASE_URL``, and transactions.

All tables of core and the plugins are bound to the engine returned by ``use_database`` so that
the application, the CLI and the tests switch engines in one place. Writers that read before they
write open ``write_transaction()``: ``BEGIN IMMEDIATE`` on SQLite (one writer at a time, no lock
upgrade deadlocks), an ordinary transaction on PostgreSQL where rows are locked by the statements.
SQLite statements run on the event loop's thread (``core.sqlite_engine`` says why); work that scans
many rows wraps itself in ``offloaded()`` so that it runs in a worker thread instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any
from urllib.parse import urlsplit

from asyncpg.exceptions import PostgresError, UniqueViolationError
from asyncpg.exceptions._base import DataError as ClientDataError
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from core import change_feeds
from core.sqlite_engine import InlineSQLiteEngine
from core.sqlite_engine import offloaded as offloaded  # for callers that scan many rows

_engine: Engine | None = None
_engine_url: str | None = None


def private_database_file(path: Path) -> None:
    """The SQLite file (and its WAL and shared-memory files, which SQLite creates with the
    database's mode) readable by this user only: created 0600, tightened when it is ours."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            info = candidate.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                candidate.chmod(0o600)


def engine_from_url(url: str) -> Engine:
    """An engine for ``sqlite:///path`` or ``postgresql://…``; anything else is a config error."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path in ("", ":memory:"):
            raise ValueError("in-memory SQLite is not supported: each connection would be empty")
        private_database_file(Path(path))
        return InlineSQLiteEngine(path=path)
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgres"):
        # A host that vanished without a reset (a dead machine, a partition) must not hold a
        # connection attempt for asyncpg's default minute: the next host of a multi-host URL
        # (``postgresql://u@h1:5432,h2:5432/db?target_session_attrs=read-write``) is tried.
        timeout = float(os.environ.get("MINZHENG_DATABASE_CONNECT_TIMEOUT", "5"))
        return ResilientPostgresEngine(config={"dsn": url, "timeout": timeout})
    raise ValueError(f"unsupported MINZHENG_DATABASE_URL scheme {scheme!r}")


class _Connection:
    """A transaction's connection as its statements see it (PostgreSQL).

    ``BEGIN`` and the writes given to ``defer`` wait in ``pending`` and reach the server in one
    simple-protocol message with whatever goes next: before the next statement that needs an
    answer, or together with the COMMIT. So a transaction whose first statements need no answer
    costs no round trip for its BEGIN, and its last writes none of their own. Only the methods
    below send statements; nothing else is called on a transaction's connection.
    """

    __slots__ = ("begun", "pending", "raw")

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.pending: list[str] = ["BEGIN"]
        self.begun = False  # BEGIN has been sent

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        if args or kwargs:
            await self._flush()
            return await self.raw.execute(query, *args, **kwargs)
        return await self._flush(query)

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self._flush()
        return await self.raw.fetch(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self._flush()
        return await self.raw.fetchrow(query, *args, **kwargs)

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self._flush()
        return await self.raw.fetchval(query, *args, **kwargs)

    async def executemany(self, query: str, args: Any, **kwargs: Any) -> None:
        await self._flush()
        await self.raw.executemany(query, args, **kwargs)

    async def _flush(self, then: str | None = None) -> str:
        statements = [*self.pending, *([then] if then else [])]
        self.pending = []
        if not statements:
            return ""
        self.begun = True  # whatever fails now, the server has seen the BEGIN
        return await self.raw.execute(";\n".join(statements))

    async def send_deferred(self) -> None:
        """Send the deferred writes now, if there are any (with the BEGIN if it is pending)."""
        if len(self.pending) > (0 if self.begun else 1):
            await self._flush()

    async def commit(self) -> None:
        if not self.begun and self.pending == ["BEGIN"]:
            self.pending = []  # nothing was written: nothing to send
            return
        await self._flush("COMMIT")

    async def rollback(self) -> None:
        self.pending = []  # writes never sent are simply dropped
        if self.begun and self.raw.is_in_transaction():
            await self.raw.execute("ROLLBACK")


class _PostgresTransaction(PostgresTransaction):
    """Piccolo's transaction, but one whose connection goes back to the pool however it ends,
    and whose BEGIN, COMMIT and ROLLBACK are plain statements on a ``_Connection``.

    Piccolo's own leaves the connection checked out when ``BEGIN``, ``COMMIT`` or ``ROLLBACK``
    fails, which is exactly what a server going away makes them do: twenty such requests and the
    pool is empty for good. Here a connection that failed is closed (not trusted again) and
    returned, so the pool opens a fresh one to whichever host is the primary now.

    asyncpg's ``Transaction`` object is not used: it cannot know of a COMMIT that travelled with
    other statements, so after one it still took the transaction for open, and the pool logged
    "Resetting connection with an active transaction" and sent a ROLLBACK (a round trip) on every
    release. Here the server's own transaction status decides whether a ROLLBACK is needed.
    """

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = _Connection(await self.get_connection())
        self.context = self.engine.current_transaction.set(self)
        return self

    async def begin(self) -> None:
        """Nothing to send: ``BEGIN`` goes with the first statement."""

    async def commit(self) -> None:
        await self.connection.commit()
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.rollback()
        self._rolled_back = True

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        broken = False
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException as failed:
            broken = not await self._rolled_back_after(failed)
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
            await self._give_back(broken=broken or _is_unavailable(exception))
        return exception is None

    async def _rolled_back_after(self, failed: BaseException) -> bool:
        """Whether the connection is sound after ``failed``: a statement the server refused
        (a deferred write sent with the COMMIT, say) leaves it so once its aborted transaction
        is rolled back; anything else, or a failing ROLLBACK, does not."""
        if not isinstance(failed, PostgresError) or _is_unavailable(failed):
            return False
        try:
            await self.connection.rollback()
        except Exception:
            return False
        return True

    async def _give_back(self, *, broken: bool) -> None:
        connection = self.connection.raw
        if broken:
            # A connection closed under it was already handed back by the pool itself.
            with contextlib.suppress(Exception):
                connection.terminate()
        pool = self.engine.pool
        if pool is not None:
            with contextlib.suppress(Exception):
                await pool.release(connection)
        elif not broken:
            with contextlib.suppress(Exception):
                await connection.close()


class ResilientPostgresEngine(PostgresEngine):
    """``PostgresEngine`` whose transactions always return their connection (see above)."""

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return _PostgresTransaction(engine=self, allow_nested=allow_nested)


# -------------------------------------------------------------------------------------------------
# The database unavailable (down, failing over, read-only, shutting down, locked too long).
# -------------------------------------------------------------------------------------------------

RETRY_AFTER_SECONDS = 3


def _unavailable_types() -> tuple[type[BaseException], ...]:
    from asyncpg import exceptions as pg

    return (
        pg.PostgresConnectionError,  # class 08: connection failure, does not exist
        pg.OperatorInterventionError,  # class 57: admin/crash shutdown, cannot connect now
        pg.ReadOnlySQLTransactionError,  # 25006: a standby, or a demoted primary
        pg.TooManyConnectionsError,
        pg.InterfaceError,  # "connection is closed", "pool is closing"
        pg.InternalClientError,  # no host of the URL is a read-write primary now
    )


def _from_database_driver(exc: BaseException) -> bool:
    """Whether ``exc`` was raised under the database driver (not, say, an HTTP call)."""
    traceback = exc.__traceback__
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("asyncpg", "piccolo.engine", "core.db", "core.sqlite_engine")):
            return True
        traceback = traceback.tb_next
    return False


def _is_unavailable(exc: BaseException | None) -> bool:
    if exc is None:
        return False
    if isinstance(exc, _unavailable_types()):
        from asyncpg.exceptions import QueryCanceledError

        return not isinstance(exc, QueryCanceledError)
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return any(
            marker in text
            for marker in ("locked", "busy", "disk i/o", "unable to open", "readonly database")
        )
    if isinstance(exc, OSError | asyncio.TimeoutError):  # refused, reset, unreachable, timed out
        return _from_database_driver(exc)
    return False


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be used right now: the request
    changed nothing and may be retried (API.md: 503 ``DATABASE_UNAVAILABLE``)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if _is_unavailable(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


_background: set[asyncio.Task[None]] = set()


def discard_pooled_connections() -> None:
    """After an unavailability error: every pooled connection is replaced on its next use, so
    none keeps talking to a host that died or was demoted to a standby. Safe to call often."""
    db = _engine
    pool = getattr(db, "pool", None) if isinstance(db, PostgresEngine) else None
    if pool is None:
        return
    try:
        task = asyncio.get_running_loop().create_task(pool.expire_connections())
    except RuntimeError:
        return
    _background.add(task)
    task.add_done_callback(_background.discard)


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite always hands back text, PostgreSQL may."""
    return json.loads(value) if isinstance(value, str) else value


def is_unique_violation(
    exc: BaseException, index: str | None = None, columns: str | None = None
) -> bool:
    """Whether ``exc`` is a unique index refusing a row, on either engine. PostgreSQL names the
    index (``index``); SQLite names the columns in its message (``columns``, e.g.
    ``disability_application.id_number``). Without them, any unique violation."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc) and (columns is None or columns in str(exc))
    if isinstance(exc, UniqueViolationError):
        return index is None or getattr(exc, "constraint_name", None) == index
    return False


def _all_tables(base: type[Table] = Table) -> list[type[Table]]:
    found: list[type[Table]] = []
    for sub in base.__subclasses__():
        found.append(sub)
        found.extend(_all_tables(sub))
    return found


def use_database(url: str) -> Engine:
    """Make ``url`` the database of this process: bind every known table and Piccolo's finder."""
    global _engine, _engine_url
    reuse = _engine is not None and _engine_url == url
    engine = _engine if reuse else engine_from_url(url)
    for table in _all_tables():
        table._meta.db = engine
    _engine, _engine_url = engine, url
    return engine


def current_engine() -> Engine | None:
    """The bound engine, or ``None`` before ``use_database`` (``core.piccolo_conf`` asks)."""
    return _engine


def engine() -> Engine:
    if _engine is None:
        raise RuntimeError("database not configured: call core.db.use_database() first")
    return _engine


def bind_new_tables() -> None:
    """Bind tables imported after ``use_database`` (plugins load lazily)."""
    if _engine is not None:
        for table in _all_tables():
            table._meta.db = _engine


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


# Set while this task holds the process's SQLite writer lock (a nested transaction must not
# wait for it again).
_writing: ContextVar[bool] = ContextVar("sqlite_writer", default=False)


class WriteScope:
    """Work the outermost ``write_transaction()`` does just before it commits, and after.

    Hot rows (gapless counters) are locked until COMMIT, so whatever takes them should do so as
    late as possible, and whatever can wait for the COMMIT should: ``core.audit.record`` buffers
    a transaction's entries here and writes them all at commit time, and on PostgreSQL has them
    chained after the COMMIT. ``data`` is scratch space of such work, keyed by its owner;
    ``before_commit`` callbacks run once each, in the order they were added, inside the
    transaction; ``after_commit`` ones once it committed, outside it (never after a rollback).
    """

    __slots__ = ("after_commit", "before_commit", "data")

    def __init__(self) -> None:
        self.before_commit: dict[str, Callable[[], Awaitable[None]]] = {}
        self.after_commit: dict[str, Callable[[], Awaitable[object]]] = {}
        self.data: dict[str, Any] = {}

    async def run(self) -> None:
        while self.before_commit:  # a callback may add another one
            name = next(iter(self.before_commit))
            await self.before_commit.pop(name)()

    async def run_after_commit(self) -> None:
        for work in self.after_commit.values():
            await work()


_scope: ContextVar[WriteScope | None] = ContextVar("write_scope", default=None)


def write_scope() -> WriteScope | None:
    """The scope of the outermost ``write_transaction()`` this task is in; ``None`` outside one,
    or inside a transaction that some other code opened (then work must not be deferred)."""
    return _scope.get()


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for read-then-write work; nests inside an outer transaction. The outermost
    one runs its ``WriteScope``'s work just before COMMIT and after it."""
    db = engine()
    if db.current_transaction.get() is None and _scope.get() is None:
        scope = WriteScope()
        token = _scope.set(scope)
        try:
            async with _transaction(db):
                yield
                await scope.run()
        finally:
            _scope.reset(token)
        await scope.run_after_commit()
    else:
        async with _transaction(db):
            yield
            # Writes deferred so far are sent as this block ends, so that an error they cause
            # is raised inside it (the outermost block's are sent with its COMMIT).
            connection = _deferring(db)
            if connection is not None:
                await connection.send_deferred()


def _deferring(db: Engine) -> _Connection | None:
    """The current PostgreSQL transaction's connection, which holds deferred writes (none
    outside one, and on SQLite)."""
    transaction = db.current_transaction.get() if isinstance(db, PostgresEngine) else None
    connection = getattr(transaction, "connection", None)
    return connection if isinstance(connection, _Connection) else None


async def defer(sql: str, *args: Any) -> None:
    """Run a write whose answer nobody reads (no ``RETURNING``; ``{}`` placeholders as for
    ``fetch``) in the current transaction. On PostgreSQL it waits, its values as literals
    (``sql_literal``), and reaches the server in one message with the transaction's BEGIN (when
    the next statement needing an answer makes that go) or its COMMIT, instead of in a round
    trip of its own; one deferred after the BEGIN went and followed by such a statement still
    costs one, just before it (parameters cannot share a message). It runs before every later
    statement of the transaction, but an error it causes (a unique index refusing, say) is
    raised there, at the latest when the ``write_transaction()`` block around the call ends.
    Outside a PostgreSQL transaction it runs at once."""
    connection = _deferring(engine())
    if connection is None:
        await fetch(sql, *args)
        return
    values = iter(args)
    parts = []
    for literal, field, _spec, _conversion in Formatter().parse(sql):
        parts.append(literal)
        if field is not None:
            parts.append(sql_literal(next(values)))
    connection.pending.append("".join(parts))


def sql_literal(value: Any) -> str:
    """``value`` as a PostgreSQL literal, for ``defer`` (a simple-protocol message carries no
    parameters). Text uses the escape-string form (``E'…'``: backslashes and quotes doubled),
    which means the same whatever ``standard_conforming_strings`` says. NUL, which no text
    column can hold, is refused as asyncpg refuses a bad parameter (its ``DataError``): the
    caller's bad input, answered 400 (``core.errors``), as it would be without ``defer``."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        value = value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"no literal for {type(value).__name__}")
    if "\x00" in value:
        raise ClientDataError("NUL in a text value")
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


@asynccontextmanager
async def _transaction(db: Engine) -> AsyncIterator[None]:
    if isinstance(db, InlineSQLiteEngine) and not _writing.get():
        async with db.writer_lock():
            token = _writing.set(True)
            try:
                async with db.writer_transaction():
                    yield
            finally:
                _writing.reset(token)
    elif isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


@lru_cache(maxsize=4096)
def _driver_sql(sql: str, engine_type: str) -> str:
    """``sql`` with Piccolo's ``{}`` placeholders as the driver's (``?`` or ``$n``), parsed as
    Piccolo's ``QueryString`` parses them, but once per statement rather than once per call."""
    parts, count = [], 0
    for literal, field, _spec, _conversion in Formatter().parse(sql):
        parts.append(literal)
        if field is not None:
            count += 1
            parts.append("?" if engine_type == "sqlite" else f"${count}")
    return "".join(parts)


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run parameterised SQL (``{}`` placeholders, never string formatting) and return rows as
    plain dicts (asyncpg's records would not serialise in a response). Inside a transaction it
    runs on the transaction's connection."""
    db = engine()
    query = _driver_sql(sql, db.engine_type)
    transaction = db.current_transaction.get()
    if isinstance(db, InlineSQLiteEngine):
        return await db.run_sql(query, list(args))
    if transaction is not None:
        rows = await transaction.connection.fetch(query, *args)
    elif isinstance(db, PostgresEngine) and db.pool is not None:
        async with db.pool.acquire() as connection:
            rows = await connection.fetch(query, *args)
    else:
        rows = await db.run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows or []]


async def fetch_one(sql: str, *args: Any) -> dict[str, Any] | None:
    rows = await fetch(sql, *args)
    return rows[0] if rows else None


async def _end_transaction_only(connection: Any) -> None:
    """Released pool connections keep their session: asyncpg's default reset sends a reset
    query (advisory locks, cursors, LISTEN, SET) after every use, doubling the round trips of a
    one-query request, and nothing here leaves such state behind. An open transaction is still
    rolled back (asyncpg does that before calling this)."""


async def start() -> None:
    """Open connection pools (PostgreSQL) at application start-up. A database that is down at
    that moment does not stop the process: the pool starts empty and connects on first use
    (requests meanwhile answer 503)."""
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        try:
            await db.start_connection_pool(min_size=2, max_size=20, reset=_end_transaction_only)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            db.pool = None
            await db.start_connection_pool(min_size=0, max_size=20, reset=_end_transaction_only)


async def listen() -> None:
    """The application's processes (not the CLI's) learn what other processes change
    (``core.change_feeds``); PostgreSQL only."""
    db = engine()
    if isinstance(db, PostgresEngine):
        await change_feeds.start(db.config)


async def stop() -> None:
    db = engine()
    await change_feeds.stop()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
        db.pool = None
    elif isinstance(db, InlineSQLiteEngine):
        await db.close_connections()


def app_tables() -> list[type[Table]]:
    """Tables of core and every installed plugin (what migrations create), in registry order."""
    from piccolo.conf.apps import Finder

    return list(Finder().get_table_classes())


async def wipe_all_data() -> None:
    """Empty every application table and re-seed the audit head. For tests and demo resets only.

    Rows are deleted referencing tables first, in one transaction: on these small tables that
    takes milliseconds where PostgreSQL's TRUNCATE takes a tenth of a second or more.
    """
    from piccolo.table import sort_table_classes

    from core.audit.chain import switch_point_mac
    from core.settings import get_settings

    tables = [t for t in app_tables() if t._meta.tablename != "migration"]
    async with write_transaction():
        for table in reversed(sort_table_classes(tables)):
            name = table._meta.tablename
            await fetch(f"DELETE FROM {name}")  # noqa: S608 (names from our own registry)
        await fetch(
            "INSERT INTO audit_head (id, seq, last_hash, keyed_since, keyed_since_mac) "
            "VALUES (1, 0, '', 1, {})",
            switch_point_mac(get_settings().audit_key, 1),
        )
