"""Writing and checking the audit chain.

The single ``audit_head`` row holds the chain's last sequence number and hash; whoever advances
it keeps it locked until COMMIT, so the chain stays linear. ``record`` inside a
``write_transaction()`` buffers its entry, and just before COMMIT the transaction's entries are
written together (``_write``), once per transaction however many it records:

- SQLite has one writer at a time, and it has the head to itself anyway: the entries are chained
  there and then (``_chain``: one update of the head, the rows, the head's new hash).
- On PostgreSQL a transaction holding the head until its COMMIT is flushed to disk would make
  every audited write of the system wait for the one before, a flush each. The entries are
  inserted *unsealed* instead (no ``seq`` nor ``prev_hash``; ``hash`` an HMAC of their content),
  with the COMMIT, and the change's transaction never touches the head. Once it has committed,
  ``core.audit.sealing`` chains every unsealed entry in a transaction of its own, which writers
  committing meanwhile share, and ``write_transaction()`` returns then. An entry is written with
  its change or not at all, and is in the chain when its request answers, unless that seal
  failed (logged): then the next one chains it.

Readers of the chain as a chain (verification, the listing, anchors) seal first and never show
an unsealed entry.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.audit.chain import GENESIS, entry_hash, link, switch_point_mac, unsealed_mac
from core.audit.sealing import seal, seal_for_reading
from core.context import current_actor, current_ip
from core.db import (
    WriteScope,
    defer,
    fetch,
    fetch_one,
    is_sqlite,
    write_scope,
    write_transaction,
)
from core.settings import get_settings

VERIFY_BATCH = 2000
INSERT_BATCH = 1000  # 11 parameters an entry; SQLite takes at most 32,766 a statement
_CONTENT = "at, actor, action, entity, entity_id, summary, details, ip"

# The vocabulary every recorded action must belong to: the plugin host registers the actions that
# core and the plugins declare (``minzheng_audit_event_types``) when it collects contributions.
_actions: frozenset[str] = frozenset()


class UnknownAuditAction(ValueError):
    """An action nobody declared: a typo would otherwise hide events from every filter."""


def register_actions(names: Iterable[str]) -> None:
    global _actions
    _actions = frozenset(names)


async def record(
    action: str,
    *,
    entity: str,
    entity_id: str | int | Callable[[], str] = "",
    summary: str | Callable[[], str] = "",
    details: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    actor: str | None = None,
) -> None:
    """Append one event to the change being made: it is written with that change's
    transaction, or not at all, and its sequence number is given when it is chained (in a
    transaction that other code opened, on PostgreSQL, by the next seal). ``entity_id``,
    ``summary`` and ``details`` may be functions called at COMMIT (for what a ``chain_with``
    statement gives, such as a certificate number). Never put a full identity number in
    ``summary`` or ``details`` (mask it, or name the entity by its id)."""
    if _actions and action not in _actions:
        raise UnknownAuditAction(f"audit action {action!r} is not declared by any plugin")
    entry = {
        "at": dt.datetime.now(dt.UTC),
        "actor": actor or current_actor.get(),
        "action": action,
        "entity": entity,
        "entity_id": entity_id if callable(entity_id) else str(entity_id),
        "summary": summary,
        "details": details or {},
        "ip": current_ip.get(),
    }
    scope = write_scope()
    if scope is not None:
        _buffer(scope, entry)
        return
    async with write_transaction():
        scope = write_scope()
        if scope is not None:
            _buffer(scope, entry)
        else:  # in a transaction some other code opened: its COMMIT cannot be waited for
            await _write([entry], None)


def _buffer(scope: WriteScope, entry: dict[str, Any]) -> None:
    scope.data.setdefault("audit", []).append(entry)
    if "audit" not in scope.before_commit:
        # Added again if other before-commit work records more entries.
        scope.before_commit["audit"] = lambda: _write(scope.data.pop("audit"), scope)


Done = Callable[[Any], Awaitable[None]]


def pending_with() -> list[tuple[str, list[Any], str, Done]]:
    """The ``chain_with`` statements of the current write transaction."""
    scope = write_scope()
    if scope is None:
        raise RuntimeError("chain_with needs a write_transaction()")
    return scope.data.setdefault("audit_with", [])


def chain_with(cte: str, args: list[Any], column: str, done: Done) -> None:
    """Run ``cte`` (common table expressions, ``{}`` placeholders for ``args``) in one statement
    just before COMMIT, with the other such statements of the transaction, PostgreSQL only;
    ``done`` gets the value of ``column`` (a scalar expression over them, such as a subquery)
    before the transaction's entries are written. Rows such a statement locks stay locked for
    that statement and the COMMIT only; every writer of such rows must lock them in the same
    order as the others (rows updated earlier in a transaction are locked before these).
    Record an entry in the same transaction (the statement runs as its entries are written).
    """
    pending_with().append((cte, args, column, done))


async def _write(entries: list[dict[str, Any]], scope: WriteScope | None) -> None:
    """Write a transaction's entries, just before its COMMIT (or at once, in a transaction
    other code opened: ``scope`` is ``None``)."""
    await _run_with(scope.data.pop("audit_with", []) if scope is not None else [])
    for entry in entries:
        _resolve(entry)
    if is_sqlite():
        # One writer at a time: the head is this transaction's until COMMIT anyway.
        await _chain(entries)
        return
    await _insert(
        f"{_CONTENT}, hash",
        [[*_content(entry), unsealed_mac(entry, get_settings().audit_key)] for entry in entries],
    )
    if scope is not None:
        # A seal that fails is logged, not raised: the change has committed.
        scope.after_commit["audit"] = seal


async def _run_with(statements: list[tuple[str, list[Any], str, Done]]) -> None:
    """The ``chain_with`` statements as one; each ``done`` gets its value."""
    if not statements:
        return
    ctes = ", ".join(cte for cte, *_ in statements)
    columns = ", ".join(f"{column} AS with_{i}" for i, (_, _, column, _) in enumerate(statements))
    args = [value for _, values, *_ in statements for value in values]
    (row,) = await fetch(f"WITH {ctes} SELECT {columns}", *args)  # no FROM: one row
    for i, (*_, done) in enumerate(statements):
        await done(row[f"with_{i}"])


def _resolve(entry: dict[str, Any]) -> None:
    """Call the fields given as functions (what the ``chain_with`` statements gave)."""
    for name in ("entity_id", "summary"):
        if callable(entry[name]):
            entry[name] = str(entry[name]())
    if callable(entry["details"]):
        entry["details"] = entry["details"]()


def _content(entry: dict[str, Any]) -> list[Any]:
    details = json.dumps(entry["details"], ensure_ascii=False)
    fields = ("at", "actor", "action", "entity", "entity_id", "summary")
    return [*(entry[name] for name in fields), details, entry["ip"]]


async def _chain(entries: list[dict[str, Any]]) -> None:
    """Link ``entries`` to the head and write them (SQLite)."""
    head = await fetch_one(
        "UPDATE audit_head SET seq = seq + {} WHERE id = 1 RETURNING seq, last_hash", len(entries)
    )
    if head is None:
        raise RuntimeError("audit_head row missing: run `minzheng migrate`")
    after = int(head["seq"]) - len(entries)
    links = link(entries, after, head["last_hash"] or GENESIS, get_settings().audit_key)
    rows = [[*_content(entry), *chained] for entry, chained in zip(entries, links, strict=True)]
    await _insert(f"{_CONTENT}, seq, prev_hash, hash", rows)
    await defer("UPDATE audit_head SET last_hash = {} WHERE id = 1", links[-1][2])


async def _insert(columns: str, rows: list[list[Any]]) -> None:
    # Deferred: on PostgreSQL the entries travel with the COMMIT (or whatever statement comes
    # next), no round trip of their own.
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        placeholders = "(" + ", ".join(["{}"] * len(batch[0])) + ")"
        values = ", ".join([placeholders] * len(batch))
        insert = f"INSERT INTO audit_event ({columns}) VALUES {values}"  # noqa: S608
        await defer(insert, *(value for row in batch for value in row))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str = ""


async def verify_chain(progress: Any = None) -> ChainReport:
    """Walk the chain in sequence order; the first entry whose link or hash is wrong is named.

    Detects edited rows (hash mismatch), deleted rows (a gap in ``seq`` or a broken link), a
    deleted tail (the head's sequence number is ahead of the last row) and, among the entries
    still waiting to be chained, one the application did not write (its HMAC is wrong).
    """
    await seal_for_reading()
    head = await fetch_one(
        "SELECT seq, last_hash, keyed_since, keyed_since_mac FROM audit_head WHERE id = 1"
    )
    key = get_settings().audit_key
    if head is not None and (
        head["keyed_since"] is None
        or not hmac.compare_digest(
            switch_point_mac(key, int(head["keyed_since"])), head["keyed_since_mac"] or ""
        )
    ):
        return ChainReport(
            False, 0, None, "the switch point to keyed hashing was changed, or the key is wrong"
        )
    keyed_since = int(head["keyed_since"]) if head is not None else 1
    # The walk stops at the head as read above: a seal committing meanwhile (another process's)
    # adds entries beyond it, which the next verification checks.
    last = int(head["seq"]) if head is not None else 2**62
    expected_seq, prev, checked, last_id = 1, GENESIS, 0, None
    after = 0
    while True:
        rows = await fetch(
            "SELECT * FROM audit_event WHERE seq > {} AND seq <= {} ORDER BY seq LIMIT {}",
            after,
            last,
            VERIFY_BATCH,
        )
        if not rows:
            break
        for row in rows:
            checked += 1
            if int(row["seq"]) != expected_seq:
                return ChainReport(False, checked, row["id"], f"sequence gap before {row['seq']}")
            if row["prev_hash"] != prev:
                return ChainReport(False, checked, row["id"], "link to previous entry broken")
            if entry_hash(prev, row, key if expected_seq >= keyed_since else None) != row["hash"]:
                return ChainReport(False, checked, row["id"], "entry content changed")
            prev, expected_seq, last_id = row["hash"], expected_seq + 1, row["id"]
        after = int(rows[-1]["seq"])
        if progress is not None:
            progress(checked)
    if head is None:
        return ChainReport(False, checked, last_id, "the chain's head row is missing")
    head_moved = int(head["seq"]) != expected_seq - 1 or (head["last_hash"] or GENESIS) != prev
    if head_moved:
        return ChainReport(False, checked, last_id, "entries missing after the last one")
    for row in await fetch("SELECT * FROM audit_event WHERE seq IS NULL ORDER BY id"):
        if not hmac.compare_digest(row["hash"] or "", unsealed_mac(row, key)):
            return ChainReport(False, checked, row["id"], "an unsealed entry has a wrong HMAC")
    return ChainReport(True, checked, None)
