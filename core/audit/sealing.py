"""Chaining the entries that PostgreSQL transactions inserted unsealed (``core.audit.service``).

A seal is one transaction: it takes an advisory lock (one sealer at a time, across processes),
then, in a later statement whose snapshot therefore holds the previous sealer's commit, reads
the head and the unsealed entries; it hashes them here and sends their links, the head's new
state and its COMMIT in one message. A process (its event loop) runs one seal at a time, and
whoever asks waits for a seal that started after it asked (the one in flight may have read the
table before the asker's COMMIT): writers committing together share one or two seals, one disk
flush each. Readers (``seal_for_reading``) look first whether anything waits, and most of the
time take neither the lock nor a transaction.
"""

from __future__ import annotations

import asyncio
import contextvars
import hmac
import weakref
from typing import Any

from core.audit.chain import GENESIS, link, unsealed_mac
from core.db import (
    database_unavailable,
    defer,
    discard_pooled_connections,
    fetch,
    fetch_one,
    is_sqlite,
    write_transaction,
)
from core.logs import get_logger
from core.settings import get_settings

log = get_logger("minzheng.audit")

SEAL_BATCH = 2000
SEAL_LOCK = 0x6175646974  # "audit": beyond int4, so never one of core.jobs' hashtext() locks
LOCK_TIMEOUT = "5s"
"""A sealer stuck holding the lock (its host gone, its session not yet ended) fails the seals
waiting for it after this, so that requests answer; their entries wait for a later seal."""

# ``xmin`` is the inserting transaction: a transaction's entries stay adjacent in the chain
# (the ids of concurrent multi-row inserts interleave). The cursor goes on in that order.
_READ = (
    "SELECT h.seq AS head_seq, h.last_hash AS head_hash, e.* FROM audit_head h "
    "LEFT JOIN LATERAL (SELECT xmin::text::bigint AS txn, id, at, actor, action, entity, "
    "entity_id, summary, details, ip, hash FROM audit_event "
    "WHERE seq IS NULL AND (xmin::text::bigint, id) > ({}, {}) "
    "ORDER BY txn, id LIMIT {}) e ON TRUE WHERE h.id = 1 ORDER BY e.txn, e.id"
)


async def seal() -> bool:
    """Chain every entry committed before the call (PostgreSQL; SQLite chains them in their
    own transaction). ``False`` when the seal failed (logged): its entries wait for the next."""
    if is_sqlite():
        return True
    sealer = _sealers.setdefault(asyncio.get_running_loop(), _Sealer())
    # Shielded: a caller giving up (a client gone) does not stop a seal others wait for.
    return await asyncio.shield(sealer.next_seal())


# The unique index on ``seq`` holds the unsealed entries' NULLs too: an indexed lookup.
_WAITING = "SELECT EXISTS (SELECT 1 FROM audit_event WHERE seq IS NULL) AS waiting"


async def seal_for_reading() -> bool:
    """``seal`` for readers (the listing, verification, anchors): when no entry waits, as at
    most moments, one indexed lookup instead of a seal's transaction and the lock that the
    writers' seals take. An entry committed after that lookup is not yet in the reader's view,
    as one committed after a seal would not be (readers show sealed entries only)."""
    if is_sqlite():
        return True
    row = await fetch_one(_WAITING)
    if row is not None and not row["waiting"]:
        return True
    return await seal()


class _Sealer:
    """One event loop's seals: the one in flight, and the one queued to start after it."""

    def __init__(self) -> None:
        self.running: asyncio.Task[bool] | None = None
        self.queued: asyncio.Task[bool] | None = None

    def next_seal(self) -> asyncio.Task[bool]:
        if self.queued is None:
            # A context of its own: outside the transaction (and the scope) of whoever asked.
            self.queued = asyncio.create_task(
                self._after(self.running), context=contextvars.Context()
            )
        return self.queued

    async def _after(self, previous: asyncio.Task[bool] | None) -> bool:
        if previous is not None:
            await asyncio.wait([previous])
        self.running, self.queued = asyncio.current_task(), None
        try:
            return await _seal_logged()
        finally:
            self.running = None


_sealers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sealer] = (
    weakref.WeakKeyDictionary()
)


async def _seal_logged() -> bool:
    try:
        await _seal_all()
    except Exception as exc:
        log.warning("audit entries not sealed, the next seal chains them: %r", exc)
        if database_unavailable(exc):
            discard_pooled_connections()
        return False
    return True


async def _seal_all() -> None:
    cursor = (-1, 0)
    while cursor is not None:
        cursor = await _seal_batch(cursor)


async def _seal_batch(after: tuple[int, int]) -> tuple[int, int] | None:
    """Chain up to ``SEAL_BATCH`` unsealed entries after ``after`` (transaction, id); where
    the next batch starts, ``None`` when this one was the last."""
    key = get_settings().audit_key
    async with write_transaction():
        await defer(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")  # sent with the BEGIN
        await defer(f"SELECT pg_advisory_xact_lock({SEAL_LOCK})")
        rows = await fetch(_READ, *after, SEAL_BATCH)
        if not rows:
            raise RuntimeError("audit_head row missing: run `minzheng migrate`")
        head = rows[0]
        read = [row for row in rows if row["id"] is not None]
        genuine = [row for row in read if _written_here(row, key)]
        if genuine:
            after_seq, prev = int(head["head_seq"]), head["head_hash"] or GENESIS
            await _store(genuine, link(genuine, after_seq, prev, key))
    if len(read) < SEAL_BATCH:
        return None
    return read[-1]["txn"], read[-1]["id"]


def _written_here(row: dict[str, Any], key: str) -> bool:
    if hmac.compare_digest(row["hash"] or "", unsealed_mac(row, key)):
        return True
    # Left unsealed (verify_chain names it): inserted by someone without the key.
    log.error("audit entry id %s not sealed: its HMAC is wrong", row["id"])
    return False


async def _store(rows: list[dict[str, Any]], links: list[tuple[int, str, str]]) -> None:
    """The links and the head's new state, deferred: they go with the COMMIT."""
    values = ", ".join(["({}, {}, {}, {})"] * len(rows))
    update = (
        "UPDATE audit_event AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608
        f"FROM (VALUES {values}) AS v (id, seq, prev_hash, hash) WHERE e.id = v.id"
    )
    pairs = zip(rows, links, strict=True)
    await defer(update, *(value for row, chained in pairs for value in (row["id"], *chained)))
    last_seq, _, last_hash = links[-1]
    await defer("UPDATE audit_head SET seq = {}, last_hash = {} WHERE id = 1", last_seq, last_hash)
