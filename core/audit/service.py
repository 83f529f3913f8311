"""Writing and checking the audit chain.

The single ``audit_head`` row holds the last sequence number and hash; advancing it with one
conditional UPDATE locks it (PostgreSQL: the row lock, until the transaction ends; SQLite: the
IMMEDIATE transaction), so the chain stays linear. Every transaction would queue on that one
row, so ``record`` inside a ``write_transaction()`` only buffers its entry: just before COMMIT
the transaction's entries are chained together with one update of the head and written in one
statement (``_chain``). The head is then locked for two statements and the COMMIT, however long
the transaction was, and once per transaction however many entries it writes.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.audit.chain import GENESIS, entry_hash, switch_point_mac
from core.context import current_actor, current_ip
from core.db import defer, fetch, fetch_one, write_scope, write_transaction
from core.settings import get_settings

VERIFY_BATCH = 2000
INSERT_BATCH = 1000  # 11 parameters an entry; PostgreSQL takes at most 32,767 a statement
_COLUMNS = "seq, at, actor, action, entity, entity_id, summary, details, ip, prev_hash, hash"

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
) -> int | None:
    """Append one event to the change being made: it is written with that change's
    transaction, or not at all. Returns its sequence number when it was written at once (no
    write transaction around the call); inside one the number is given at COMMIT and ``None``
    is returned. ``entity_id``, ``summary`` and ``details`` may be functions called at COMMIT
    (for what a ``chain_with`` statement gives, such as a certificate number). Never put a full
    identity number in ``summary`` or ``details`` (mask it, or name the entity by its id)."""
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
        pending = scope.data.setdefault("audit", [])
        pending.append(entry)
        if "audit" not in scope.before_commit:
            # Added again if other before-commit work records more entries.
            scope.before_commit["audit"] = lambda: _chain(scope.data.pop("audit"))
        return None
    async with write_transaction():
        return await _chain([entry])


Done = Callable[[Any], Awaitable[None]]


def pending_with() -> list[tuple[str, list[Any], str, Done, str | None]]:
    """The ``chain_with`` statements of the current write transaction."""
    scope = write_scope()
    if scope is None:
        raise RuntimeError("chain_with needs a write_transaction()")
    return scope.data.setdefault("audit_with", [])


def chain_with(
    cte: str, args: list[Any], column: str, done: Done, *, first: str | None = None
) -> None:
    """Run ``cte`` (common table expressions, ``{}`` placeholders for ``args``) in the statement
    that advances the audit head at COMMIT, PostgreSQL only; ``done`` gets the value of
    ``column`` (an expression over them) before the entries are hashed. Rows such a statement
    locks stay locked for that statement and the COMMIT only. Record an entry in the same
    transaction (the statement runs with the chaining of entries).

    The rows a CTE locks are locked after the head's (PostgreSQL runs a CTE that only the
    RETURNING list reads after the UPDATE has locked its row), unless the CTE is named in
    ``first``: it is then joined in the UPDATE's FROM, so its rows are locked before the head,
    and when it gives no row nothing is chained and ``done`` gets ``None`` (it must raise:
    the transaction is refused). Every writer of such rows must lock them in the same order
    as the others (rows updated earlier in a transaction are locked before the head).
    """
    pending_with().append((cte, args, column, done, first))


async def _chain(entries: list[dict[str, Any]]) -> int:
    """Link ``entries`` to the head and write them; the sequence number of the last one."""
    scope = write_scope()
    with_ = scope.data.pop("audit_with", []) if scope is not None else []
    sql = "UPDATE audit_head SET seq = seq + {} WHERE id = 1 RETURNING seq, last_hash"
    args: list[Any] = [len(entries)]
    joined = [first for *_, first in with_ if first]
    if with_:
        ctes = ", ".join(cte for cte, *_ in with_)
        columns = "".join(f", {column} AS with_{i}" for i, (_, _, column, *_) in enumerate(with_))
        if joined:
            sql = (
                "UPDATE audit_head SET seq = audit_head.seq + {} "  # noqa: S608 (our own names)
                f"FROM {', '.join(joined)} WHERE audit_head.id = 1 "
                "RETURNING audit_head.seq, audit_head.last_hash"
            )
        sql = f"WITH {ctes} {sql}{columns}"
        args = [value for _, values, *_ in with_ for value in values] + args
    head = await fetch_one(sql, *args)
    if head is None and joined:
        for _, _, _, done, first in with_:
            if first:
                await done(None)  # raises: the transaction is refused
        raise RuntimeError("chain_with: a joined statement gave no row and nothing refused")
    if head is None:
        raise RuntimeError("audit_head row missing: run `minzheng migrate`")
    for i, (_, _, _, done, _) in enumerate(with_):
        await done(head[f"with_{i}"])
    for entry in entries:
        for name in ("entity_id", "summary"):
            if callable(entry[name]):
                entry[name] = str(entry[name]())
        if callable(entry["details"]):
            entry["details"] = entry["details"]()
    prev = head["last_hash"] or GENESIS
    key = get_settings().audit_key
    rows: list[list[Any]] = []
    for seq, entry in enumerate(entries, start=int(head["seq"]) - len(entries) + 1):
        entry["seq"] = seq
        digest = entry_hash(prev, entry, key)
        details = json.dumps(entry["details"], ensure_ascii=False)
        fields = ("at", "actor", "action", "entity", "entity_id", "summary")
        rows.append([seq, *(entry[f] for f in fields), details, entry["ip"], prev, digest])
        prev = digest
    # Deferred: on PostgreSQL the entries and the head's new hash travel with the COMMIT (or
    # whatever statement comes next), so the head is released one round trip from here.
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        values = ", ".join(["({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"] * len(batch))
        insert = f"INSERT INTO audit_event ({_COLUMNS}) VALUES {values}"  # noqa: S608
        await defer(insert, *(value for row in batch for value in row))
    await defer("UPDATE audit_head SET last_hash = {} WHERE id = 1", prev)
    return int(head["seq"])


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str = ""


async def verify_chain(progress: Any = None) -> ChainReport:
    """Walk the chain in sequence order; the first entry whose link or hash is wrong is named.

    Detects edited rows (hash mismatch), deleted rows (a gap in ``seq`` or a broken link) and a
    deleted tail (the head's sequence number is ahead of the last row).
    """
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
    expected_seq, prev, checked, last_id = 1, GENESIS, 0, None
    after = 0
    while True:
        rows = await fetch(
            "SELECT * FROM audit_event WHERE seq > {} ORDER BY seq LIMIT {}", after, VERIFY_BATCH
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
    return ChainReport(True, checked, None)
