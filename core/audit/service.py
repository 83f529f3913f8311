"""Writing and checking the audit chain.

``record`` advances the single ``audit_head`` row with one conditional UPDATE: on PostgreSQL that
row lock serialises concurrent writers until their transaction ends, on SQLite the IMMEDIATE
transaction does, so the chain stays linear. Call it inside the transaction of the change it
records, as the last statement, to hold the lock for the shortest time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.audit.chain import GENESIS, entry_hash
from core.context import current_actor, current_ip
from core.db import fetch, fetch_one, write_transaction

VERIFY_BATCH = 2000

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
    entity_id: str | int = "",
    summary: str = "",
    details: dict[str, Any] | None = None,
    actor: str | None = None,
) -> int:
    """Append one event; returns its sequence number. Never put a full identity number in
    ``summary`` or ``details`` (mask it, or name the entity by its id)."""
    if _actions and action not in _actions:
        raise UnknownAuditAction(f"audit action {action!r} is not declared by any plugin")
    async with write_transaction():
        head = await fetch_one(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash"
        )
        if head is None:
            raise RuntimeError("audit_head row missing: run `minzheng migrate`")
        entry = {
            "seq": int(head["seq"]),
            "at": dt.datetime.now(dt.UTC),
            "actor": actor or current_actor.get(),
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "summary": summary,
            "details": details or {},
            "ip": current_ip.get(),
        }
        prev = head["last_hash"] or GENESIS
        digest = entry_hash(prev, entry)
        # Raw SQL: every state change in the system passes here.
        await fetch(
            "INSERT INTO audit_event (seq, at, actor, action, entity, entity_id, summary, "
            "details, ip, prev_hash, hash) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            entry["seq"],
            entry["at"],
            entry["actor"],
            action,
            entity,
            entry["entity_id"],
            summary,
            json.dumps(entry["details"], ensure_ascii=False),
            entry["ip"],
            prev,
            digest,
        )
        await fetch("UPDATE audit_head SET last_hash = {} WHERE id = 1", digest)
        return entry["seq"]


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
    head = await fetch_one("SELECT seq, last_hash FROM audit_head WHERE id = 1")
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
            if entry_hash(prev, row) != row["hash"]:
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
