"""API.md "Conventions": ``Idempotency-Key`` on creates. The same key and body replays the first
answer (stored in the transaction that created the thing), another body is 422
``IDEMPOTENCY_KEY_REUSED``, refusals are not remembered, keys are per caller and kept 24 hours;
concurrent retries with one key create exactly one thing."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from tests.plugins.marriage.support import (
    API,
    TODAY,
    book,
    couple,
    open_desk,
    party,
    quick_citizen,
    register,
    slots_on,
)

pytestmark = pytest.mark.db


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_a_retried_registration_replays_the_first_answer_and_registers_once(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    body = {
        "kind": "marriage",
        "office_code": "JH01",
        "party_a": party(man, "王强"),
        "party_b": party(woman, "李芳"),
    }
    first = await client.post(f"{API}/registrations", json=body, headers=keyed(desk.clerk, "k-1"))
    assert first.status_code == 201, first.text
    # The same document, other key order and spacing: the same request.
    again = await client.post(
        f"{API}/registrations",
        content=json.dumps(dict(reversed(body.items())), indent=2),
        headers={**keyed(desk.clerk, "k-1"), "Content-Type": "application/json"},
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["certificate_no"] == "J440704-2026-000001"  # the number that committed
    status = await client.get(f"{API}/status/{man}", headers=desk.clerk)
    assert len(status.json()["records"]) == 1
    assert status.json()["records"][0]["certificate_no"] == first.json()["certificate_no"]
    # No number was spent on the retry: the next couple gets the next number.
    man2, woman2 = couple(2)
    nxt = await register(client, desk.clerk, party(man2, "赵一"), party(woman2, "钱二"))
    assert nxt.json()["certificate_no"] == "J440704-2026-000002"


async def test_the_same_key_with_another_body_is_refused(client):
    desk = await open_desk(client)
    (man, woman), (man2, woman2) = couple(1), couple(2)
    body = {"kind": "marriage", "office_code": "JH01"}
    first = await client.post(
        f"{API}/registrations",
        json={**body, "party_a": party(man, "王强"), "party_b": party(woman, "李芳")},
        headers=keyed(desk.clerk, "same"),
    )
    assert first.status_code == 201
    other = await client.post(
        f"{API}/registrations",
        json={**body, "party_a": party(man2, "赵一"), "party_b": party(woman2, "钱二")},
        headers=keyed(desk.clerk, "same"),
    )
    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert other.json()["status_code"] == 422
    status = await client.get(f"{API}/status/{man2}", headers=desk.clerk)
    assert status.json()["marital_status"] == "unmarried"


async def test_a_refusal_is_not_remembered_and_keys_belong_to_their_caller(client, staff):
    desk = await open_desk(client)
    man, woman = couple(1)
    young = party(man.replace("1995", "2010"), "王小")  # not a valid number any more
    refused = await register(client, desk.clerk, young, party(woman, "李芳"))  # no key
    body = {
        "kind": "marriage",
        "office_code": "JH01",
        "party_a": young,
        "party_b": party(woman, "李芳"),
    }
    r = await client.post(f"{API}/registrations", json=body, headers=keyed(desk.clerk, "k"))
    assert r.status_code == refused.status_code and r.status_code in (400, 422)
    # Nothing was stored for the refusal: the corrected request under the same key is created.
    body["party_a"] = party(man, "王强")
    r = await client.post(f"{API}/registrations", json=body, headers=keyed(desk.clerk, "k"))
    assert r.status_code == 201, r.text
    # Another clerk's identical key is another request altogether.
    other_clerk = await staff("clerk", office_code="JH01")
    man2, woman2 = couple(3)
    r2 = await client.post(
        f"{API}/registrations",
        json={**body, "party_a": party(man2, "赵一"), "party_b": party(woman2, "钱二")},
        headers=keyed(other_clerk, "k"),
    )
    assert r2.status_code == 201, r2.text
    assert r2.json()["certificate_no"] != r.json()["certificate_no"]


@pytest.mark.parametrize("key", ["", "x" * 201, "has space", "中文"])
async def test_malformed_keys_are_bad_requests(client, key):
    desk = await open_desk(client)
    man, woman = couple(1)
    r = await client.post(
        f"{API}/registrations",
        json={
            "kind": "marriage",
            "office_code": "JH01",
            "party_a": party(man, "王强"),
            "party_b": party(woman, "李芳"),
        },
        headers={**desk.clerk, "Idempotency-Key": key.encode()},
    )
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "BAD_REQUEST"


async def test_concurrent_retries_with_one_key_book_exactly_once(client):
    desk = await open_desk(client)
    del desk
    day = TODAY + dt.timedelta(days=1)
    slot = (await slots_on(client, day))[0]
    man, woman = couple(1)
    citizen = await quick_citizen(man)
    responses = await asyncio.gather(
        *(
            client.post(
                f"{API}/appointments",
                json={
                    "slot_id": slot["id"],
                    "service": "marriage",
                    "partner": {"id_number": woman, "name": "李四"},
                },
                headers=keyed(citizen, "book-once"),
            )
            for _ in range(8)
        )
    )
    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    assert len({r.json()["code"] for r in responses}) == 1
    after = next(s for s in await slots_on(client, day) if s["id"] == slot["id"])
    assert after["remaining"] == slot["remaining"] - 1
    mine = await client.get(f"{API}/appointments", headers=citizen)
    assert mine.json()["total"] == 1
    # Without a key, a second press is the ordinary refusal.
    r = await book(client, citizen, slot["id"], woman)
    assert r.status_code == 409 and r.json()["code"] == "ALREADY_BOOKED"


async def test_keys_are_kept_24_hours_then_purged(client):
    from core.db import fetch
    from core.idempotency import purge_expired

    desk = await open_desk(client)
    man, woman = couple(1)
    body = {
        "kind": "marriage",
        "office_code": "JH01",
        "party_a": party(man, "王强"),
        "party_b": party(woman, "李芳"),
    }
    r = await client.post(f"{API}/registrations", json=body, headers=keyed(desk.clerk, "old"))
    assert r.status_code == 201
    assert await purge_expired() == 0  # a fresh key stays
    await fetch(
        "UPDATE idempotency_key SET created_at = {}",
        dt.datetime.now(dt.UTC) - dt.timedelta(hours=25),
    )
    assert await purge_expired() == 1
    rows = await fetch("SELECT COUNT(*) AS n FROM idempotency_key")
    assert rows[0]["n"] == 0
