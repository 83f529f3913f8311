"""Issue 12 item 7: the audit chain is keyed (HMAC with a key outside the database) and anchored.

Someone with write access to the database rewrites a row and recomputes the chain without the
key → detected. Someone with the key too rewrites history before an anchor → detected by the
anchor. Entries written before the key existed stay verifiable up to the recorded switch point.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path

import pytest

from core.audit.chain import GENESIS, entry_hash, switch_point_mac
from tests.core.support import cli_env, run_cli

pytestmark = pytest.mark.db


async def _events(n: int) -> list[dict]:
    from core.audit import record
    from core.tables import AuditEvent

    for i in range(n):
        await record("core.roster.imported", entity="thing", entity_id=i, summary=f"第 {i} 件")
    return await AuditEvent.select().order_by(AuditEvent.seq)


async def _rechain(rows: list[dict], key: str | None, *, keyed_since: int = 1) -> None:
    """What an attacker does after editing a row: recompute every link and the head."""
    from core.db import fetch

    prev = GENESIS
    for row in rows:
        fresh = (await fetch("SELECT * FROM audit_event WHERE id = {}", row["id"]))[0]
        digest = entry_hash(prev, fresh, key if fresh["seq"] >= keyed_since else None)
        await fetch(
            "UPDATE audit_event SET prev_hash = {}, hash = {} WHERE id = {}",
            prev,
            digest,
            row["id"],
        )
        prev = digest
    await fetch("UPDATE audit_head SET last_hash = {} WHERE id = 1", prev)


async def _verify() -> dict:
    from core.audit import verify_chain

    report = await verify_chain()
    return {"ok": report.ok, "first_bad_id": report.first_bad_id, "reason": report.reason}


async def test_a_rewritten_row_rechained_without_the_key_is_detected(db):
    from core.db import fetch

    rows = await _events(5)
    assert (await _verify())["ok"]
    await fetch("UPDATE audit_event SET summary = {} WHERE id = {}", "无事发生", rows[2]["id"])
    await _rechain(rows, None)  # plain SHA-256, as before the chain was keyed
    report = await _verify()
    assert not report["ok"] and report["first_bad_id"] == rows[0]["id"]
    await _rechain(rows, "a-guessed-key")
    assert not (await _verify())["ok"]


async def test_moving_the_switch_point_to_pass_keyed_rows_off_as_plain_is_detected(db):
    from core.db import fetch

    rows = await _events(3)
    await fetch("UPDATE audit_head SET keyed_since = 1000 WHERE id = 1")
    await _rechain(rows, None, keyed_since=1000)
    report = await _verify()
    assert not report["ok"] and "switch point" in report["reason"]


async def test_history_rewritten_with_the_key_is_caught_by_an_anchor(db, database_url, tmp_path):
    from core.audit.anchors import anchor, check_anchors
    from core.db import fetch
    from core.settings import get_settings

    anchors = tmp_path / "off-site" / "audit-anchors.log"
    rows = await _events(4)
    first = await anchor(anchors)
    assert first["seq"] == rows[-1]["seq"]
    rows += (await _events(2))[4:]
    await anchor(anchors)
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in anchors.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [4, 6] and all(line["time"] for line in lines)
    assert (await check_anchors(anchors)).ok

    # The insider has the key: the chain verifies after the rewrite, the anchor does not.
    await fetch("UPDATE audit_event SET actor = {} WHERE id = {}", "nobody", rows[1]["id"])
    await _rechain(rows, get_settings().audit_key)
    assert (await _verify())["ok"]
    report = await check_anchors(anchors)
    assert not report.ok and report.first_bad_seq == 4

    env = cli_env(database_url)
    result = await asyncio.to_thread(run_cli, env, "audit", "verify", "--anchor", str(anchors))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "does not match its anchors" in result.stdout and "seq 4" in result.stdout


async def test_cutting_the_chain_short_is_caught_by_an_anchor(db, tmp_path):
    from core.audit.anchors import anchor, check_anchors
    from core.db import fetch

    rows = await _events(3)
    anchors = tmp_path / "a.log"
    await anchor(anchors)
    await fetch("DELETE FROM audit_event WHERE id = {}", rows[-1]["id"])
    await fetch("UPDATE audit_head SET seq = 2, last_hash = {} WHERE id = 1", rows[1]["hash"])
    assert (await _verify())["ok"]  # consistent, but shorter
    report = await check_anchors(anchors)
    assert not report.ok and report.first_bad_seq == 3


async def test_cli_anchor_then_verify(db, database_url, tmp_path):
    await _events(2)
    env = cli_env(database_url)
    anchors = tmp_path / "anchors.log"
    result = await asyncio.to_thread(run_cli, env, "audit", "anchor", str(anchors))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(anchors.read_text())["seq"] == 2
    result = await asyncio.to_thread(run_cli, env, "audit", "verify", "--anchor", str(anchors))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact" in result.stdout and "all 1 anchors" in result.stdout


async def test_entries_from_before_the_key_verify_up_to_the_switch_point(db):
    """A chain begun with plain SHA-256 (before this change) and continued keyed."""
    from core.audit import record
    from core.db import fetch
    from core.settings import get_settings
    from core.tables import AuditEvent

    rows = await _events(3)
    await _rechain(rows, None, keyed_since=4)  # as the old code wrote them
    mac = switch_point_mac(get_settings().audit_key, 4)
    await fetch("UPDATE audit_head SET keyed_since = 4, keyed_since_mac = {} WHERE id = 1", mac)
    await record("core.roster.imported", entity="thing", entity_id="after")
    assert (await _verify())["ok"]
    # Rewriting a plain entry and recomputing the plain part breaks the first keyed link.
    await fetch("UPDATE audit_event SET summary = {} WHERE id = {}", "改", rows[0]["id"])
    await _rechain(rows, None, keyed_since=4)
    keyed = await AuditEvent.select().where(AuditEvent.seq == 4).first()
    report = await _verify()
    assert not report["ok"] and report["first_bad_id"] == keyed["id"]


def test_the_key_is_generated_once_outside_the_database(tmp_path):
    from core.settings import load_settings

    data = tmp_path / "var"
    first = load_settings({"MINZHENG_DATA_DIR": str(data)})
    again = load_settings({"MINZHENG_DATA_DIR": str(data)})
    assert first.audit_key and first.audit_key == again.audit_key
    assert first.audit_key != first.secret_key
    key_file = data / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    given = load_settings({"MINZHENG_DATA_DIR": str(data), "MINZHENG_AUDIT_KEY": "k" * 40})
    assert given.audit_key == "k" * 40
    assert "audit_key" not in repr(given) and "k" * 40 not in repr(given)
    assert os.environ.get("MINZHENG_AUDIT_KEY")  # tests share one key with their subprocesses
    assert Path(key_file).read_text().strip() == first.audit_key
