"""Pure hashing of audit entries over a canonical JSON of the entry and its predecessor.

Entries are HMAC-SHA256 keyed with the audit key, which is kept outside the database
(MINZHENG_AUDIT_KEY or ``MINZHENG_DATA_DIR/audit.key``): someone who can write to the database
can no longer rewrite a row and recompute the chain. Entries written before the key existed
(up to the switch point ``audit_head.keyed_since``) were plain SHA-256 and are verified as such;
the first keyed entry's HMAC covers the last plain hash, so they cannot be rewritten either.
An entry waiting to be chained (PostgreSQL, ``core.audit.sealing``) carries an HMAC of its content
alone, so that only entries the application wrote are chained.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "summary", "details", "ip")


def canonical_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def switch_point_mac(key: str, keyed_since: int) -> str:
    """Binds the switch point to the key: moving it (to pass keyed entries off as plain ones)
    is detected."""
    message = f"minzheng-audit-keyed-since:{keyed_since}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def entry_hash(prev_hash: str, entry: dict[str, Any], key: str | None = None) -> str:
    """HMAC-SHA256 (plain SHA-256 when ``key`` is None: entries before the switch point) of
    ``entry`` chained to ``prev_hash``; ``details`` may be a dict or its JSON text."""
    details = entry["details"]
    if isinstance(details, str):
        details = json.loads(details or "{}")
    canonical = {name: entry[name] for name in HASHED_FIELDS}
    canonical["details"] = details
    canonical["at"] = canonical_time(entry["at"])
    canonical["prev_hash"] = prev_hash
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if key is None:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return hmac.new(key.encode(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def unsealed_mac(entry: dict[str, Any], key: str) -> str:
    """The HMAC an entry carries until it is chained: of its content, without a sequence
    number or a predecessor. Someone who can write to the database but has no key cannot slip
    an entry into the chain by inserting it unsealed."""
    return entry_hash("", {**entry, "seq": None}, key)


def link(
    entries: list[dict[str, Any]], after: int, prev_hash: str, key: str
) -> list[tuple[int, str, str]]:
    """Each entry's ``(seq, prev_hash, hash)``, chained in order after the entry numbered
    ``after`` whose hash is ``prev_hash``."""
    links = []
    for seq, entry in enumerate(entries, start=after + 1):
        digest = entry_hash(prev_hash, {**entry, "seq": seq}, key)
        links.append((seq, prev_hash, digest))
        prev_hash = digest
    return links
