"""A slot's places as rows (plugins/marriage/services/places.py): bookings take them, a
cancellation gives one back, schedule changes and capacity edits keep them in step. DOMAIN.md
"Appointment booking"; API.md ``GET /slots`` (``remaining``). On both engines."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import httpx
import pytest

from tests.plugins.marriage.support import (
    API,
    TODAY,
    book,
    couple,
    open_desk,
    places_of,
    put_schedule,
    quick_citizen,
    slots_on,
)

pytestmark = pytest.mark.db
TOMORROW = TODAY + dt.timedelta(days=1)


def one_slot(capacity: int) -> list[dict]:
    return [{"start": "09:00", "end": "10:00", "capacity": capacity}]


async def book_as(client: httpx.AsyncClient, seq: int, slot_id: int) -> tuple[str, dict]:
    """Couple ``seq`` books the slot: the appointment code and the booker's headers."""
    man, woman = couple(seq)
    booker = await quick_citizen(man)
    r = await book(client, booker, slot_id, woman)
    assert r.status_code == 201, r.text
    return r.json()["code"], booker


async def cancel(client: httpx.AsyncClient, code: str, booker: dict) -> None:
    r = await client.delete(f"{API}/appointments/{code}", headers=booker)
    assert r.status_code == 200, r.text


async def test_a_place_freed_by_a_cancellation_is_taken_again(client):
    await open_desk(client)
    slot = (await slots_on(client, TOMORROW))[0]  # 2 places
    first, first_booker = await book_as(client, 1, slot["id"])
    second, _ = await book_as(client, 2, slot["id"])
    assert await places_of(slot["id"]) == [(1, first), (2, second)]
    await cancel(client, first, first_booker)
    assert await places_of(slot["id"]) == [(1, None), (2, second)]
    assert (await slots_on(client, TOMORROW))[0]["remaining"] == 1
    third, _ = await book_as(client, 3, slot["id"])
    assert await places_of(slot["id"]) == [(1, third), (2, second)]


async def test_a_schedule_change_closes_or_deletes_the_slots_it_drops(client):
    desk = await open_desk(client)
    morning, afternoon = await slots_on(client, TOMORROW)  # 2 places each
    code, booker = await book_as(client, 1, morning["id"])
    ten = [{"start": "10:00", "end": "11:00", "capacity": 3}]
    await put_schedule(client, desk.admin, slots=ten)
    assert await places_of(morning["id"]) == [(1, code)]  # closed: its booking's place only
    assert await places_of(afternoon["id"]) == []  # deleted, and its places
    (new,) = await slots_on(client, TOMORROW)
    assert await places_of(new["id"]) == [(1, None), (2, None), (3, None)]

    # the old pattern again: the closed slot reopens with its free place, the new one goes
    await put_schedule(client, desk.admin)
    listed = (await slots_on(client, TOMORROW))[0]
    assert (listed["id"], listed["remaining"]) == (morning["id"], 1)
    assert await places_of(morning["id"]) == [(1, code), (2, None)]
    assert await places_of(new["id"]) == []

    # closed again, then cancelled: no free place is left in a slot nobody may book, and the
    # next schedule change deletes it
    await put_schedule(client, desk.admin, slots=ten)
    await cancel(client, code, booker)
    assert await places_of(morning["id"]) == []
    result = await put_schedule(client, desk.admin, slots=ten)
    assert result["kept_booked_slots"] == 0


async def test_a_capacity_lowered_below_the_bookings_leaves_no_place_until_raised(client):
    desk = await open_desk(client)
    await put_schedule(client, desk.admin, slots=one_slot(3))
    slot = (await slots_on(client, TOMORROW))[0]
    booked = [await book_as(client, seq, slot["id"]) for seq in range(3)]
    (first, first_booker), (second, second_booker), (third, _) = booked
    await cancel(client, first, first_booker)

    await put_schedule(client, desk.admin, slots=one_slot(1))
    listed = (await slots_on(client, TOMORROW))[0]
    assert (listed["capacity"], listed["remaining"]) == (1, 0)
    assert await places_of(slot["id"]) == [(2, second), (3, third)]
    man, woman = couple(9)
    r = await book(client, await quick_citizen(man), slot["id"], woman)
    assert r.status_code == 409 and r.json()["code"] == "SLOT_FULL"
    # still one booking for one place: the cancelled booking's place goes
    await cancel(client, second, second_booker)
    assert await places_of(slot["id"]) == [(3, third)]
    assert (await slots_on(client, TOMORROW))[0]["remaining"] == 0

    await put_schedule(client, desk.admin, slots=one_slot(3))
    assert (await slots_on(client, TOMORROW))[0]["remaining"] == 2
    assert await places_of(slot["id"]) == [(1, None), (2, None), (3, third)]


@pytest.mark.postgres_only
async def test_bookings_take_places_side_by_side_and_wait_only_for_the_last(client):
    """PostgreSQL (SQLite has one writer at a time): a booking takes a place no other booking
    is taking at that moment, without waiting for it; when every free place is being taken it
    waits, and gets the place of a booking that rolls back instead of being refused."""
    from core.db import write_transaction
    from plugins.marriage.services.places import take_place

    await open_desk(client)
    slot_id = (await slots_on(client, TOMORROW))[0]["id"]  # 2 places
    taken: dict[str, asyncio.Event] = {"FIRST": asyncio.Event(), "SECOND": asyncio.Event()}
    end = {code: asyncio.Event() for code in taken}
    places: dict[str, int | None] = {}

    async def booking(code: str, roll_back: bool = False) -> None:
        with contextlib.suppress(LookupError):
            async with write_transaction():
                places[code] = await take_place(slot_id, code)
                if code in taken:
                    taken[code].set()
                    await end[code].wait()
                if roll_back:
                    raise LookupError("rolled back")

    first = asyncio.create_task(booking("FIRST", roll_back=True))
    await asyncio.wait_for(taken["FIRST"].wait(), 5)
    second = asyncio.create_task(booking("SECOND"))
    await asyncio.wait_for(taken["SECOND"].wait(), 5)  # did not wait for the first
    third = asyncio.create_task(booking("THIRD"))
    await asyncio.sleep(0.3)
    assert not third.done()  # both places are being taken: it waits
    end["FIRST"].set()
    await asyncio.wait_for(third, 5)
    end["SECOND"].set()
    await asyncio.gather(first, second)
    assert places == {"FIRST": 1, "SECOND": 2, "THIRD": 1}
    assert await places_of(slot_id) == [(1, "THIRD"), (2, "SECOND")]
