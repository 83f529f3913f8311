"""Issue #2 item 5: the append-only, hash-chained audit log.

Pure hashing (table-driven and property-based), one linear chain under concurrent writers on
both engines, the admin endpoints, tampering detected by the API and by ``minzheng audit verify``,
full-record reads audited, and never a full identity number in the log."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.audit.chain import GENESIS, HASHED_FIELDS, canonical_time, entry_hash
from tests import factories
from tests.core.support import assert_error, cli_env, run_cli

TEST_ACTIONS = (
    "core.test.thing",
    "core.test.concurrent",
    "core.test.concurrent.second",
    "core.test.kept",
    "core.test.lost",
    "funeral.waiver.approved",
)


@pytest.fixture(autouse=True)
def _test_actions_declared():
    """The chain tests record actions of their own: declared for the test, as a plugin would."""
    from core.audit import service
    from core.plugins import get_host

    declared = service._actions
    service.register_actions({*get_host().audit_event_types, *declared, *TEST_ACTIONS})
    yield
    service.register_actions(declared)


ENTRY = {
    "seq": 1,
    "at": dt.datetime(2026, 1, 5, 1, 2, 3, 456789, tzinfo=dt.UTC),
    "actor": "clerk-li",
    "action": "core.person.died",
    "entity": "person",
    "entity_id": "440704********0061",
    "summary": "登记死亡",
    "details": {"source": "clerk", "n": 1},
    "ip": "203.0.113.7",
}


# -- pure chain --------------------------------------------------------------------------------


def test_hash_is_sha256_hex_and_deterministic():
    digest = entry_hash(GENESIS, ENTRY)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest == entry_hash(GENESIS, dict(ENTRY))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seq", 2),
        ("at", ENTRY["at"] + dt.timedelta(microseconds=1)),
        ("actor", "clerk-lI"),
        ("action", "core.person.moved"),
        ("entity", "people"),
        ("entity_id", "440704********0062"),
        ("summary", "登记死亡 "),
        ("details", {"source": "clerk", "n": 2}),
        ("ip", "203.0.113.8"),
    ],
)
def test_changing_any_hashed_field_changes_the_hash(field, value):
    assert field in HASHED_FIELDS
    assert entry_hash(GENESIS, {**ENTRY, field: value}) != entry_hash(GENESIS, ENTRY)


def test_hash_depends_on_the_previous_entry():
    assert entry_hash("a" * 64, ENTRY) != entry_hash(GENESIS, ENTRY)


@pytest.mark.parametrize(
    "details",
    ['{"n": 1, "source": "clerk"}', '{"source":"clerk","n":1}', '{ "source": "clerk", "n": 1 }'],
)
def test_details_as_stored_json_hash_like_the_dict(details):
    assert entry_hash(GENESIS, {**ENTRY, "details": details}) == entry_hash(GENESIS, ENTRY)


def test_the_same_instant_in_any_zone_hashes_alike():
    shanghai = ENTRY["at"].astimezone(ZoneInfo("Asia/Shanghai"))
    assert canonical_time(shanghai) == "2026-01-05T01:02:03.456789Z"
    assert entry_hash(GENESIS, {**ENTRY, "at": shanghai}) == entry_hash(GENESIS, ENTRY)


@given(
    summary=st.text(max_size=60),
    other=st.text(max_size=60),
    details=st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=4),
)
def test_hash_tells_summaries_apart(summary, other, details):
    first = entry_hash(GENESIS, {**ENTRY, "summary": summary, "details": details})
    second = entry_hash(GENESIS, {**ENTRY, "summary": other, "details": details})
    assert (first == second) == (summary == other)


# -- writing and verifying -----------------------------------------------------------------------


async def _chain_rows():
    from core.tables import AuditEvent

    return await AuditEvent.select().order_by(AuditEvent.seq)


@pytest.mark.db
async def test_records_form_one_linked_chain(db):
    from core.audit import record, verify_chain

    for n in range(5):
        await record("core.test.thing", entity="thing", entity_id=n)
    rows = await _chain_rows()
    assert [(r["seq"], r["entity_id"]) for r in rows] == [(n + 1, str(n)) for n in range(5)]
    assert rows[0]["prev_hash"] == GENESIS
    assert [r["prev_hash"] for r in rows[1:]] == [r["hash"] for r in rows[:-1]]
    report = await verify_chain()
    assert (report.ok, report.checked, report.first_bad_id) == (True, 5, None)


@pytest.mark.db
@pytest.mark.slow
async def test_chain_stays_linear_under_concurrent_writers(db):
    from core.audit import record, verify_chain
    from core.db import fetch_one, write_transaction
    from core.tables import Person

    async def writer(n: int) -> None:
        async with write_transaction():
            await Person.update({Person.phone: str(n)}).where(Person.id == -1)
            # Two entries a transaction: written together at COMMIT, adjacent in the chain.
            await record("core.test.concurrent", entity="writer", entity_id=n)
            await record("core.test.concurrent.second", entity="writer", entity_id=n)

    await asyncio.gather(*(writer(n) for n in range(100)))
    report = await verify_chain()
    assert (report.ok, report.checked) == (True, 200)
    rows = await _chain_rows()
    assert [r["seq"] for r in rows] == list(range(1, 201))
    assert len({r["hash"] for r in rows}) == 200
    assert sorted(int(r["entity_id"]) for r in rows[::2]) == list(range(100))
    # a transaction's entries are adjacent in the chain, in the order they were recorded
    pairs = [(a["entity_id"], a["action"], b["entity_id"], b["action"]) for a, b in
             zip(rows[::2], rows[1::2], strict=True)]  # fmt: skip
    assert all(
        a == b and first == "core.test.concurrent" and second == "core.test.concurrent.second"
        for a, first, b, second in pairs
    )
    head = await fetch_one("SELECT seq, last_hash FROM audit_head WHERE id = 1")
    assert (head["seq"], head["last_hash"]) == (200, rows[-1]["hash"])


@pytest.mark.db
async def test_an_event_rolls_back_with_its_change(db):
    from core.audit import record, verify_chain
    from core.db import write_transaction

    await record("core.test.kept", entity="thing")
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await record("core.test.lost", entity="thing")
            raise RuntimeError("the change failed")
    await record("core.test.kept", entity="thing")
    rows = await _chain_rows()
    assert [(r["seq"], r["action"]) for r in rows] == [(1, "core.test.kept"), (2, "core.test.kept")]
    assert (await verify_chain()).ok


@pytest.mark.db
async def test_audit_list_filters_and_paginates(client, admin, staff):
    from core.audit import record
    from core.context import current_actor
    from core.tables import AuditEvent

    token = current_actor.set("clerk-wu")
    try:
        for n in range(7):
            await record("marriage.appointment.booked", entity="appointment", entity_id=f"A{n}")
        await record("funeral.waiver.approved", entity="waiver", entity_id="W1", summary="减免")
    finally:
        current_actor.reset(token)
    url = "/api/v1/admin/audit"

    r = await client.get(url, params={"actor": "clerk-wu", "limit": 3}, headers=admin)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 8 and len(body["items"]) == 3
    item = body["items"][0]
    assert set(item) >= {"id", "at", "actor", "action", "entity", "entity_id", "summary"}
    assert (item["action"], item["entity_id"], item["summary"]) == (
        "funeral.waiver.approved",
        "W1",
        "减免",
    )  # newest first
    page2 = (
        await client.get(url, params={"actor": "clerk-wu", "limit": 3, "offset": 3}, headers=admin)
    ).json()
    page3 = (
        await client.get(url, params={"actor": "clerk-wu", "limit": 3, "offset": 6}, headers=admin)
    ).json()
    ids = [i["id"] for i in body["items"] + page2["items"] + page3["items"]]
    assert len(ids) == len(set(ids)) == 8

    r = await client.get(url, params={"action": "marriage.appointment.booked"}, headers=admin)
    assert r.json()["total"] == 7
    r = await client.get(url, params={"action": "marriage."}, headers=admin)
    assert r.json()["total"] == 7  # a trailing dot matches the plugin's whole namespace
    r = await client.get(url, params={"entity": "waiver"}, headers=admin)
    assert [i["entity_id"] for i in r.json()["items"]] == ["W1"]

    # ``since`` is a date in China (UTC+8): 16:30 UTC on the 4th is already the 5th there,
    # 15:30 UTC is still the 4th.
    at = {
        "W1": dt.datetime(2020, 1, 4, 15, 30, tzinfo=dt.UTC),
        "A0": dt.datetime(2020, 1, 4, 16, 30, tzinfo=dt.UTC),
    }
    for entity_id, when in at.items():
        await AuditEvent.update({AuditEvent.at: when}).where(AuditEvent.entity_id == entity_id)
    r = await client.get(url, params={"since": "2020-01-05", "actor": "clerk-wu"}, headers=admin)
    found = {i["entity_id"] for i in r.json()["items"]}
    assert "A0" in found and "W1" not in found and r.json()["total"] == 7
    r = await client.get(url, params={"since": "2020-01-04", "actor": "clerk-wu"}, headers=admin)
    assert r.json()["total"] == 8

    for bad in ({"limit": 501}, {"limit": 0}, {"offset": -1}, {"since": "2026-02-30"}):
        assert_error(await client.get(url, params=bad, headers=admin), 400, "BAD_REQUEST")
    assert_error(await client.get(url, headers=await staff("reviewer")), 403, "FORBIDDEN")


async def _tamper(sql: str, *args) -> None:
    from core.db import fetch

    await fetch(sql, *args)


@pytest.mark.db
@pytest.mark.parametrize(
    "tamper",
    ["edit", "edit_details", "delete_middle", "delete_first", "delete_last", "delete_head"],
)
async def test_tampering_is_detected(client, admin, tamper, database_url):
    from core.audit import record

    for n in range(6):
        await record("core.test.thing", entity="thing", entity_id=n, summary=f"第 {n} 件")
    rows = await _chain_rows()
    intact = (await client.get("/api/v1/admin/audit/verify", headers=admin)).json()
    assert intact["ok"] is True and intact["first_bad_id"] is None
    assert intact["checked"] == len(rows)
    middle = rows[3]
    if tamper == "edit":
        await _tamper("UPDATE audit_event SET summary = {} WHERE id = {}", "篡改", middle["id"])
        expected = middle["id"]
    elif tamper == "edit_details":
        await _tamper("UPDATE audit_event SET details = {} WHERE id = {}", '{"x": 1}', middle["id"])
        expected = middle["id"]
    elif tamper == "delete_middle":
        await _tamper("DELETE FROM audit_event WHERE id = {}", middle["id"])
        expected = rows[4]["id"]
    elif tamper == "delete_first":
        await _tamper("DELETE FROM audit_event WHERE id = {}", rows[0]["id"])
        expected = rows[1]["id"]
    elif tamper == "delete_last":
        await _tamper("DELETE FROM audit_event WHERE id = {}", rows[-1]["id"])
        expected = rows[-2]["id"]  # the last entry still there: nothing after it can be trusted
    else:
        await _tamper("DELETE FROM audit_head")
        expected = rows[-1]["id"]
    report = (await client.get("/api/v1/admin/audit/verify", headers=admin)).json()
    assert report["ok"] is False
    assert report["first_bad_id"] == expected
    assert report["reason"]


@pytest.mark.db
async def test_cli_audit_verify_exit_codes(db, database_url):
    from core.audit import record

    env = cli_env(database_url)
    for n in range(3):
        await record("core.test.thing", entity="thing", entity_id=n)
    intact = await asyncio.to_thread(run_cli, env, "audit", "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "intact" in intact.stdout
    rows = await _chain_rows()
    await _tamper("UPDATE audit_event SET actor = {} WHERE id = {}", "someone-else", rows[1]["id"])
    broken = await asyncio.to_thread(run_cli, env, "audit", "verify")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"entry id {rows[1]['id']}" in broken.stdout


@pytest.mark.db
async def test_reading_a_full_person_record_is_audited(client, staff, id_number):
    from core.people.service import ensure_person
    from core.tables import AuditEvent

    number = id_number(dt.date(1960, 6, 1), "female", division="440704", seq=12)
    await ensure_person(number, "陈美")
    clerk = await staff("clerk", office_code="JH01", username="clerk-chen")
    r = await client.get(f"/api/v1/people/{number}", headers=clerk)
    assert r.status_code == 200
    rows = await AuditEvent.select().where(AuditEvent.action == "core.person.read")
    assert len(rows) == 1
    assert rows[0]["actor"] == "clerk-chen"
    assert rows[0]["entity_id"] == "440704********" + number[-4:]


def wrong_check_of(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.mark.db
async def test_no_full_identity_number_in_audit_rows_or_logs(
    client, staff, citizen, id_number, caplog
):
    from core.db import fetch
    from core.logs import get_logger

    caplog.set_level(logging.INFO)  # what a server logs; DEBUG traces of drivers are not kept
    local = id_number(dt.date(1958, 3, 3), "male", division="440704", seq=21)
    other = id_number(dt.date(1970, 4, 4), "female", division="440704", seq=22)
    numbers = [local, other, wrong_check_of(other)]
    clerk = await staff("clerk", office_code="JH01")
    admin = await staff("admin")
    citizen_headers = await citizen(local, "黄老伯")
    await client.get("/api/v1/me", headers=citizen_headers)
    await client.post("/api/v1/auth/logout", headers=citizen_headers)
    await client.post("/api/v1/auth/token", json={"username": other, "password": "wrong-pass-1"})
    await client.post("/api/v1/auth/token", json={"username": local.lower(), "password": "nope-1"})
    await client.get(f"/api/v1/people/{local}", headers=clerk)
    await client.patch(f"/api/v1/people/{local}", json={"hukou_division": "440703"}, headers=clerk)
    await client.patch(f"/api/v1/people/{local}", json={"deceased_on": "2025-05-05"}, headers=clerk)
    roster = f"id_number,name,category,valid_from,valid_to\n{other},林女士,dibao,2024-01-01,\n"
    roster += f"{wrong_check_of(other)},坏行,dibao,2024-01-01,\n"
    await client.post(
        "/api/v1/rosters/import", files={"file": ("r.csv", roster.encode())}, headers=admin
    )
    get_logger("minzheng.errors").error("lookup of %s failed", other)
    try:
        raise ValueError(f"no person {local}")
    except ValueError:
        get_logger("minzheng.jobs").exception("job failed")

    rows = await fetch("SELECT * FROM audit_event")
    assert len(rows) >= 8
    text = "\n".join(str(row) for row in rows)
    # The test's own HTTP client (httpx) logs the URLs it calls; the server's loggers are checked.
    server_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(caplog.handler.format(r) for r in server_records)
    for number in numbers:
        for form in (number, number.lower()):
            assert form not in text
            assert form not in logged
    assert "440704********" in logged  # the log lines were written, masked


@pytest.mark.db
async def test_every_state_change_of_the_core_api_writes_an_event(client, staff, id_number):
    from core.db import write_transaction
    from core.notifications import enqueue
    from core.people.service import ensure_person
    from core.tables import AuditEvent, Notification

    admin = await staff("admin")
    clerk = await staff("clerk", office_code="JH01")
    person = id_number(dt.date(1955, 5, 5), "male", division="440704", seq=60)
    await ensure_person(person, "刘伯", hukou_division="440704")
    async with write_transaction():
        await enqueue("13800000000", "x", "y")
    newest = Notification.select(Notification.id).order_by(Notification.id, ascending=False)
    message = (await newest.first())["id"]
    await Notification.update({Notification.status: "failed"}).where(Notification.id == message)
    citizen = id_number(dt.date(1999, 9, 9), "female", seq=61)
    roster = f"id_number,name,category,valid_from,valid_to\n{person},刘伯,tekun,2024-01-01,\n"

    async def logout_of_a_fresh_token(c):
        citizen_headers = await factories.sign_in(c, citizen, "pw-pw-pw-1")
        return await c.post("/api/v1/auth/logout", headers=citizen_headers)

    changes = {
        "core.citizen.registered": lambda c: c.post(
            "/api/v1/citizens",
            json={
                "id_number": citizen,
                "name": "赵敏",
                "phone": "13800000001",
                "password": "pw-pw-pw-1",
            },
        ),
        "core.logout": logout_of_a_fresh_token,
        "core.citizen.identity_verified": lambda c: c.post(
            f"/api/v1/citizens/{citizen}/verify-identity",
            json={"phone": "13800000002"},
            headers=clerk,
        ),
        "core.user.created": lambda c: c.post(
            "/api/v1/admin/users",
            json={"username": "rev-new", "password": "pw-pw-pw-1", "roles": ["reviewer"]},
            headers=admin,
        ),
        "core.plugin.disabled": lambda c: c.patch(
            "/api/v1/admin/plugins/social_orgs", json={"enabled": False}, headers=admin
        ),
        "core.person.moved": lambda c: c.patch(
            f"/api/v1/people/{person}", json={"hukou_division": "440705"}, headers=clerk
        ),
        "core.person.died": lambda c: c.patch(
            f"/api/v1/people/{person}", json={"deceased_on": "2025-03-03"}, headers=clerk
        ),
        "core.roster.imported": lambda c: c.post(
            "/api/v1/rosters/import", files={"file": ("r.csv", roster.encode())}, headers=admin
        ),
        "core.clock.set": lambda c: c.put(
            "/api/v1/testing/clock", json={"today": "2026-08-08"}, headers=admin
        ),
        "core.clock.reset": lambda c: c.delete("/api/v1/testing/clock", headers=admin),
        "core.notification.retried": lambda c: c.post(
            f"/api/v1/admin/notifications/{message}/retry", headers=admin
        ),
    }
    for action, change in changes.items():
        before = await AuditEvent.count().where(AuditEvent.action == action)
        r = await change(client)
        assert r.status_code < 300, (action, r.text)
        assert await AuditEvent.count().where(AuditEvent.action == action) == before + 1, action
    logins = await AuditEvent.count().where(AuditEvent.action == "core.login.succeeded")
    assert logins == 3  # the two staff fixtures and the citizen
    new = (await client.get("/api/v1/admin/users", headers=admin)).json()["items"][-1]
    r = await client.patch(
        f"/api/v1/admin/users/{new['id']}", json={"active": False}, headers=admin
    )
    assert r.status_code == 200
    assert await AuditEvent.count().where(AuditEvent.action == "core.user.deactivated") == 1
    assert (await client.get("/api/v1/admin/audit/verify", headers=admin)).json()["ok"] is True
