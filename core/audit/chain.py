"""Pure hashing of audit entries: SHA-256 over a canonical JSON of the entry and its predecessor."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "summary", "details", "ip")


def canonical_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """Hash of ``entry`` chained to ``prev_hash``; ``details`` may be a dict or its JSON text."""
    details = entry["details"]
    if isinstance(details, str):
        details = json.loads(details or "{}")
    canonical = {name: entry[name] for name in HASHED_FIELDS}
    canonical["details"] = details
    canonical["at"] = canonical_time(entry["at"])
    canonical["prev_hash"] = prev_hash
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
