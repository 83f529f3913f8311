"""Anchors: the chain's head written down away from the database.

A key kept outside the database stops an attacker who can only write to the database; one who
also has the key could rewrite history and recompute every HMAC. ``minzheng audit anchor FILE``
(and the daily job ``core.anchor_audit_chain``, to ``MINZHENG_DATA_DIR/audit-anchors.log``)
appends ``{"seq", "hash", "time"}`` of the current head as one JSON line; copied off the machine,
that file lets ``minzheng audit verify --anchor FILE`` prove that every anchored entry is still
in the chain with the same hash — rewriting anything up to an anchor is detected even with the
key, and so is cutting the chain short.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from core.audit.sealing import seal_for_reading
from core.db import fetch, fetch_one

ANCHOR_FILE = "audit-anchors.log"


async def chain_head() -> dict[str, object]:
    """The head once every entry committed so far is chained."""
    await seal_for_reading()
    row = await fetch_one("SELECT seq, last_hash FROM audit_head WHERE id = 1")
    if row is None:
        raise RuntimeError("audit_head row missing: run `minzheng migrate`")
    return {"seq": int(row["seq"]), "hash": row["last_hash"] or ""}


def append_line(path: Path, line: str) -> None:
    """Append one line durably; the file is created private to this user (0600)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


async def anchor(path: Path) -> dict[str, object]:
    """Append the current head to ``path``; returns what was written."""
    head = await chain_head()
    entry = {**head, "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    append_line(path, json.dumps(entry, sort_keys=True))
    return entry


@dataclass(frozen=True)
class AnchorReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def read_anchors(path: Path) -> list[dict]:
    anchors = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            anchors.append({"seq": int(item["seq"]), "hash": str(item["hash"]), "line": number})
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{path}:{number} is not an anchor line") from None
    return anchors


async def check_anchors(path: Path) -> AnchorReport:
    """Every anchored head must still be in the chain, with the same hash."""
    anchors = read_anchors(path)
    head = await chain_head()
    for item in anchors:
        if item["seq"] == 0:
            continue  # anchored before the first entry: nothing to compare
        if item["seq"] > head["seq"]:
            return AnchorReport(
                False,
                len(anchors),
                item["seq"],
                f"the chain ends before anchored entry {item['seq']}",
            )
        rows = await fetch("SELECT hash FROM audit_event WHERE seq = {}", item["seq"])
        if not rows:
            return AnchorReport(False, len(anchors), item["seq"], "an anchored entry is missing")
        if rows[0]["hash"] != item["hash"]:
            return AnchorReport(
                False,
                len(anchors),
                item["seq"],
                "an anchored entry's hash changed: history rewritten",
            )
    return AnchorReport(True, len(anchors))
