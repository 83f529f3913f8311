"""Issue 13 item 3: on PostgreSQL the audit chain is sealed after COMMIT, in batches.

A write transaction inserts its entries unsealed and never touches the chain's head; a seal
after its COMMIT chains them, shared by the writers that committed meanwhile, and the write
returns once its entries are chained. Checked here: concurrent writers end in one gapless chain
at the cost of a few seals; whoever asks for a seal waits for one that started after it asked;
an entry a dead process left unsealed is chained by the next seal (a reader's too); a failing
seal loses no change, readers meanwhile show no unsealed entry, and a later seal completes the
chain; a sealer stuck holding the lock does not hold up answers, and readers with nothing to seal
never wait for its lock; an entry slipped into the table without the key is never chained (both
engines).
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.plugins.marriage.support import API, couple, open_desk, party, register

pytestmark = pytest.mark.db
WRITERS = 50


async def _chain() -> list[dict]:
    from core.db import fetch

    return await fetch("SELECT id, seq, entity_id FROM audit_event ORDER BY seq IS NULL, seq, id")


async def _head_seq() -> int:
    from core.db import fetch_one

    return int((await fetch_one("SELECT seq FROM audit_head WHERE id = 1"))["seq"])


@pytest.mark.postgres_only
async def test_concurrent_writers_share_seals_and_end_in_one_gapless_chain(db, monkeypatch):
    from core import audit
    from core.audit import sealing
    from core.db import fetch_one, write_transaction

    seals = 0
    batch = sealing._seal_batch

    async def counted(after):
        nonlocal seals
        seals += 1
        return await batch(after)

    monkeypatch.setattr(sealing, "_seal_batch", counted)

    async def writer(n: int) -> int | None:
        async with write_transaction():
            await audit.record("core.plugin.enabled", entity="writer", entity_id=n)
        row = await fetch_one("SELECT seq FROM audit_event WHERE entity_id = {}", str(n))
        return row["seq"]  # once the write returned, its entry is chained

    seqs = await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    assert None not in seqs
    assert seals <= WRITERS // 5, f"{seals} seals for {WRITERS} writers"
    rows = await _chain()
    assert [r["seq"] for r in rows] == list(range(1, WRITERS + 1))
    assert sorted(int(r["entity_id"]) for r in rows) == list(range(WRITERS))
    assert await _head_seq() == WRITERS
    report = await audit.verify_chain()
    assert (report.ok, report.checked) == (True, WRITERS)


@pytest.mark.postgres_only
async def test_whoever_asks_during_a_seal_waits_for_the_next_one(db, monkeypatch):
    """The seal in flight may have read the table before the asker's COMMIT: it does not count.
    Those who ask meanwhile share the next one."""
    from core.audit import seal, sealing

    started: list[int] = []
    began, release = asyncio.Event(), asyncio.Event()

    async def held(after):
        started.append(len(started) + 1)
        began.set()
        await release.wait()

    monkeypatch.setattr(sealing, "_seal_batch", held)
    first = asyncio.create_task(seal())
    await began.wait()
    second, third = asyncio.create_task(seal()), asyncio.create_task(seal())
    await asyncio.sleep(0.01)
    assert started == [1] and not second.done()
    release.set()
    assert await asyncio.gather(first, second, third) == [True, True, True]
    assert started == [1, 2]


@pytest.mark.postgres_only
async def test_an_entry_a_dead_process_left_unsealed_is_chained_by_the_next_seal(db):
    from core import audit
    from core.audit.listing import events_page
    from core.db import engine

    # In a transaction other code opened nobody waits for the COMMIT to seal: the entry is
    # committed and left unsealed, as by a process that died right after its COMMIT.
    async with engine().transaction():
        await audit.record("core.plugin.enabled", entity="plugin", entity_id="orphan")
    assert [(r["seq"], r["entity_id"]) for r in await _chain()] == [(None, "orphan")]
    assert await _head_seq() == 0
    rows, total, _ = await events_page(limit=10)  # a reader seals first
    assert [(r["seq"], r["entity_id"]) for r in rows] == [(1, "orphan")] and total == 1
    async with engine().transaction():
        await audit.record("core.plugin.enabled", entity="plugin", entity_id="orphan-2")
    await audit.record("core.plugin.enabled", entity="plugin", entity_id="next")  # a writer's
    assert [(r["seq"], r["entity_id"]) for r in await _chain()] == [
        (1, "orphan"),
        (2, "orphan-2"),
        (3, "next"),
    ]
    assert (await audit.verify_chain()).ok


@pytest.mark.postgres_only
async def test_a_failing_seal_loses_no_change_and_a_later_seal_completes_the_chain(
    client, monkeypatch, caplog
):
    from core.audit import seal, sealing, verify_chain

    desk = await open_desk(client)
    sealed_before = len(await _chain())

    async def gone(after):
        raise ConnectionResetError("the primary went away")

    monkeypatch.setattr(sealing, "_seal_batch", gone)
    caplog.set_level(logging.WARNING, logger="minzheng.audit")
    man, woman = couple(1)
    headers = {**desk.clerk, "Idempotency-Key": "seal-failing"}
    r = await register(client, headers, party(man, "王强"), party(woman, "李芳"))
    assert r.status_code == 201, r.text  # committed: the answer says so
    number = r.json()["certificate_no"]
    assert "not sealed" in caplog.text
    status = await client.get(f"{API}/status/{man}", headers=desk.clerk)
    assert [record["certificate_no"] for record in status.json()["records"]] == [number]
    unsealed = {row["id"] for row in await _chain() if row["seq"] is None}
    assert unsealed

    # Readers meanwhile (their own seal fails too) show and count sealed entries only.
    audit_url = "/api/v1/admin/audit"
    for params in ({}, {"action": "marriage."}, {"limit": 2}):
        page = await client.get(audit_url, params=params, headers=desk.admin)
        assert page.status_code == 200, (params, page.text)
        assert not {item["id"] for item in page.json()["items"]} & unsealed, params
    everything = (await client.get(audit_url, headers=desk.admin)).json()
    assert len(everything["items"]) == everything["total"] == await _head_seq() == sealed_before
    certificates = await client.get(audit_url, params={"entity": "certificate"}, headers=desk.admin)
    assert certificates.json()["total"] == 0  # its one entry is not sealed yet
    assert (await client.get(f"{audit_url}/verify", headers=desk.admin)).json()["ok"]

    monkeypatch.undo()
    assert await seal()
    rows = await _chain()
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert unsealed <= {r["id"] for r in rows}
    assert (await verify_chain()).ok
    assert await _head_seq() == len(rows)


@pytest.mark.postgres_only
async def test_a_sealer_stuck_holding_the_lock_does_not_hold_up_answers(
    db, database_url, monkeypatch
):
    import asyncpg

    from core import audit
    from core.audit import seal, sealing

    monkeypatch.setattr(sealing, "LOCK_TIMEOUT", "200ms")
    stuck = await asyncpg.connect(database_url)
    try:
        await stuck.execute(f"SELECT pg_advisory_lock({sealing.SEAL_LOCK})")
        await asyncio.wait_for(
            audit.record("core.plugin.enabled", entity="plugin", entity_id="waiting"), 5
        )
        assert [(r["seq"], r["entity_id"]) for r in await _chain()] == [(None, "waiting")]
    finally:
        await stuck.close()  # its session ends: the lock is free
    assert await seal()
    assert [(r["seq"], r["entity_id"]) for r in await _chain()] == [(1, "waiting")]


@pytest.mark.postgres_only
async def test_readers_with_nothing_to_seal_do_not_wait_for_the_seal_lock(
    db, database_url, monkeypatch
):
    """Readers (the listing, verification, the head for anchors) seal only what waits: with
    every entry chained they never queue behind the writers' seals for their lock (here held
    by a stuck sealer, past the seal's lock timeout); with an entry waiting they still seal it
    first."""
    import asyncpg

    from core import audit
    from core.audit import sealing
    from core.audit.anchors import chain_head
    from core.audit.listing import events_page

    await audit.record("core.plugin.enabled", entity="plugin", entity_id="sealed")
    monkeypatch.setattr(sealing, "LOCK_TIMEOUT", "3s")
    stuck = await asyncpg.connect(database_url)
    try:
        await stuck.execute(f"SELECT pg_advisory_lock({sealing.SEAL_LOCK})")
        rows, total, _ = await asyncio.wait_for(events_page(limit=10), 1.5)
        assert [r["entity_id"] for r in rows] == ["sealed"] and total == 1
        assert (await asyncio.wait_for(audit.verify_chain(), 1.5)).ok
        assert (await asyncio.wait_for(chain_head(), 1.5))["seq"] == 1
    finally:
        await stuck.close()

    from core.db import engine

    async with engine().transaction():  # committed unsealed, as by a process that died
        await audit.record("core.plugin.enabled", entity="plugin", entity_id="waiting")
    rows, total, _ = await events_page(limit=10)
    assert [r["entity_id"] for r in rows] == ["waiting", "sealed"] and total == 2


async def test_an_entry_inserted_without_the_key_is_never_chained(db, caplog):
    from core import audit
    from core.db import fetch

    await audit.record("core.plugin.enabled", entity="plugin", entity_id="before")
    forged = await fetch(
        "INSERT INTO audit_event (at, actor, action, entity, entity_id, summary, details, ip, "
        "hash) VALUES ({}, 'intruder', 'core.plugin.enabled', 'plugin', 'forged', '', '{{}}', "
        "'', {}) RETURNING id",
        (await fetch("SELECT at FROM audit_event"))[0]["at"],
        "0" * 64,
    )
    await audit.record("core.plugin.enabled", entity="plugin", entity_id="after")
    chain = [(r["seq"], r["entity_id"]) for r in await _chain()]
    assert chain == [(1, "before"), (2, "after"), (None, "forged")]
    report = await audit.verify_chain()
    assert (report.ok, report.first_bad_id) == (False, forged[0]["id"])
    assert report.reason


async def test_a_seal_committing_during_a_verification_does_not_fail_it(db, monkeypatch):
    """Another process's write, chained between verify's reading of the head and its walk of
    the entries, is beyond the head it read: the walk stops there (it reported "entries
    missing after the last one"); the next verification checks the new entries."""
    from core import audit
    from core.audit import service
    from core.db import write_transaction

    async def write(n: int) -> None:
        async with write_transaction():
            await audit.record("core.plugin.enabled", entity="writer", entity_id=n)

    await write(1)
    read_head = service.fetch_one

    async def head_then_another_write(sql, *args):
        head = await read_head(sql, *args)
        if "FROM audit_head" in sql:
            monkeypatch.setattr(service, "fetch_one", read_head)
            await write(2)  # chained (and committed) before the walk begins
        return head

    monkeypatch.setattr(service, "fetch_one", head_then_another_write)
    report = await audit.verify_chain()
    assert (report.ok, report.checked) == (True, 1), report
    report = await audit.verify_chain()
    assert (report.ok, report.checked) == (True, 2), report
