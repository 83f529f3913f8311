"""Many people pressing the button at once: DOMAIN.md "Appointment booking" (never overbooked)
and "Marriage registration" 5 (serials never repeat and never skip)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest

from tests.plugins.marriage.support import (
    API,
    TODAY,
    book,
    couple,
    open_desk,
    party,
    put_schedule,
    quick_citizen,
    register,
    slots_on,
)

pytestmark = [pytest.mark.db, pytest.mark.slow]
ATTEMPTS = 200
CAPACITY = 10


async def test_two_hundred_people_at_one_slot_never_overbook(client):
    desk = await open_desk(client)
    await put_schedule(
        client, desk.admin, slots=[{"start": "09:00", "end": "10:00", "capacity": CAPACITY}]
    )
    slot = (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]
    people = [couple(seq) for seq in range(ATTEMPTS)]
    bookers = [await quick_citizen(man) for man, _ in people]
    responses = await asyncio.gather(
        *(
            book(client, booker, slot["id"], woman)
            for booker, (_, woman) in zip(bookers, people, strict=True)
        )
    )
    outcomes = Counter(
        (r.status_code, r.json().get("code") if r.status_code != 201 else "booked")
        for r in responses
    )
    assert outcomes == {(201, "booked"): CAPACITY, (409, "SLOT_FULL"): ATTEMPTS - CAPACITY}
    after = (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]
    assert after["remaining"] == 0
    from core.db import fetch_one

    row = await fetch_one(
        "SELECT booked, (SELECT COUNT(*) FROM marriage_appointment WHERE slot_id = {}) AS n, "
        "(SELECT COUNT(*) FROM marriage_hold) AS holds FROM marriage_slot WHERE id = {}",
        slot["id"],
        slot["id"],
    )
    assert (row["booked"], row["n"], row["holds"]) == (CAPACITY, CAPACITY, 2 * CAPACITY)


async def test_the_same_couple_racing_gets_one_booking(client):
    """Both people press the button together, each naming the other."""
    desk = await open_desk(client)
    await put_schedule(
        client, desk.admin, slots=[{"start": "09:00", "end": "10:00", "capacity": 50}]
    )
    slot = (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]
    man, woman = couple(1)
    him, her = await quick_citizen(man), await quick_citizen(woman)
    responses = await asyncio.gather(
        *(book(client, him, slot["id"], woman) for _ in range(5)),
        *(book(client, her, slot["id"], man) for _ in range(5)),
    )
    codes = Counter(r.json().get("code") if r.status_code != 201 else "booked" for r in responses)
    assert codes == {"booked": 1, "ALREADY_BOOKED": 9}
    assert (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]["remaining"] == 49


async def test_fifty_registrations_at_once_get_numbers_one_to_fifty(client):
    desk = await open_desk(client)
    count = 50
    couples = [couple(seq) for seq in range(count)]
    responses = await asyncio.gather(
        *(
            register(client, desk.clerk, party(man, f"男{seq}"), party(woman, f"女{seq}"))
            for seq, (man, woman) in enumerate(couples)
        )
    )
    assert [r.status_code for r in responses] == [201] * count, [
        r.text for r in responses if r.status_code != 201
    ][:3]
    numbers = sorted(r.json()["certificate_no"] for r in responses)
    assert numbers == [f"J440704-2026-{serial:06d}" for serial in range(1, count + 1)]
    # the next one continues the sequence
    man, woman = couple(count)
    r = await register(client, desk.clerk, party(man, "甲"), party(woman, "乙"))
    assert r.json()["certificate_no"] == f"J440704-2026-{count + 1:06d}"
    r = await client.get(f"{API}/status/{man}", headers=desk.clerk)
    assert r.json()["marital_status"] == "married"
