"""Slots remembered full (plugins/marriage/services/full_slots.py): a refusal answered without
reading the slot again, and never once a place may have been freed. The memo's rules as a pure
model (table and property tests), then through the real app on both engines (SQLite never
remembers; PostgreSQL forgets when the database notifies a freed place)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.change_feeds import Feed
from plugins.marriage.services.full_slots import FULL_FOR_SECONDS, MAX_SLOTS, FullSlots
from tests.plugins.marriage.support import (
    API,
    TODAY,
    book,
    couple,
    open_desk,
    person_number,
    put_schedule,
    quick_citizen,
    slots_on,
)

TOMORROW = TODAY + dt.timedelta(days=1)
SLOT = {"day": TOMORROW, "start_time": "09:00"}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def memo(live: bool = True) -> tuple[FullSlots, Feed, Clock]:
    feed, clock = Feed("test"), Clock()
    feed.live = live
    return FullSlots(feed, clock), feed, clock


def test_a_slot_read_full_is_remembered_while_nothing_changed():
    slots, _, clock = memo()
    slots.remember(7, SLOT, slots.epoch())
    known = slots.get(7)
    assert known is not None and (known.day, known.start_time) == (TOMORROW, "09:00")
    assert slots.get(8) is None
    clock.now += FULL_FOR_SECONDS - 0.01
    assert slots.get(7) is not None


@pytest.mark.parametrize(
    "what_happens",
    [
        "a place freed anywhere is notified",
        "the listening connection is lost",
        "the time is up",
    ],
)
def test_a_remembered_slot_is_forgotten_when(what_happens):
    slots, feed, clock = memo()
    slots.remember(7, SLOT, slots.epoch())
    if what_happens == "a place freed anywhere is notified":
        feed.changed(None, 4242, "marriage_places", "")
    elif what_happens == "the listening connection is lost":
        feed._set_live(False)
    else:
        clock.now += FULL_FOR_SECONDS
    assert slots.get(7) is None


def test_nothing_is_remembered_without_a_live_feed_or_across_a_change_during_the_read():
    slots, feed, _ = memo(live=False)
    assert slots.epoch() is None
    slots.remember(7, SLOT, slots.epoch())
    assert slots.get(7) is None

    feed._set_live(True)
    before_read = slots.epoch()
    feed.changed()  # a place freed while the slot was being read: the read may be stale
    slots.remember(7, SLOT, before_read)
    assert slots.get(7) is None


def test_the_memo_stays_bounded():
    slots, _, _ = memo()
    for slot_id in range(MAX_SLOTS + 1):
        slots.remember(slot_id, SLOT, slots.epoch())
    assert slots.get(MAX_SLOTS) is not None
    assert slots.get(0) is None
    assert len(slots._slots) <= MAX_SLOTS


# A model of the memo: an operation is (kind, slot); the answer ``get`` may give is "full" only
# if the slot was read full with nothing freed or lost since, within the time allowed.
operations = st.lists(
    st.tuples(
        st.sampled_from(["read full", "freed", "lost", "relisten", "wait", "get"]),
        st.integers(min_value=1, max_value=3),
    ),
    max_size=40,
)


@given(operations)
def test_a_remembered_slot_was_read_full_since_the_last_change(steps):
    slots, feed, clock = memo()
    read_at: dict[int, float] = {}  # slot -> when it was read full with nothing changed since
    for kind, slot_id in steps:
        if kind == "read full":
            slots.remember(slot_id, SLOT, slots.epoch())
            if feed.live:
                read_at[slot_id] = clock.now
        elif kind in ("freed", "lost", "relisten"):
            if kind == "freed":
                feed.changed()
            else:
                feed._set_live(kind == "relisten")
            read_at.clear()
        elif kind == "wait":
            clock.now += slot_id * 0.75
        else:
            fresh = slot_id in read_at and clock.now - read_at[slot_id] < FULL_FOR_SECONDS
            assert (slots.get(slot_id) is not None) == fresh


# Through the real app.


async def fill_one_place(client) -> tuple[int, dict]:
    """An office whose slot tomorrow has one place, booked; the slot's id and its admin."""
    desk = await open_desk(client)
    await put_schedule(
        client, desk.admin, slots=[{"start": "09:00", "end": "10:00", "capacity": 1}]
    )
    slot_id = (await slots_on(client, TOMORROW))[0]["id"]
    man, woman = couple(1)
    assert (await book(client, await quick_citizen(man), slot_id, woman)).status_code == 201
    return slot_id, desk.admin


async def refused(client, seq: int, slot_id: int, partner: str | None = None) -> dict:
    man, woman = couple(seq)
    r = await book(client, await quick_citizen(man), slot_id, partner or woman)
    assert r.status_code in (409, 422), r.text
    return {"status": r.status_code, **r.json()}


async def forgotten(slot_id: int) -> bool:
    """Whether the app no longer remembers the slot full, within the time a notification takes."""
    from plugins.marriage.services.full_slots import full_slots

    for _ in range(100):
        if full_slots.get(slot_id) is None:
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.db
async def test_a_place_freed_by_another_process_is_booked_once_the_database_says_so(
    client, engine_name
):
    from core.db import fetch
    from plugins.marriage.services.full_slots import full_slots

    slot_id, _ = await fill_one_place(client)
    assert (await refused(client, 2, slot_id))["code"] == "SLOT_FULL"
    # PostgreSQL tells every process when a place is freed: this one remembers the slot full
    # meanwhile; SQLite processes cannot be told, and read their slots every time.
    assert (full_slots.get(slot_id) is not None) == (engine_name == "postgres")
    assert (await refused(client, 3, slot_id))["code"] == "SLOT_FULL"

    # freed outside this process's requests, as another app process's cancellation does
    await fetch(
        "UPDATE marriage_slot_place SET appointment_code = NULL WHERE slot_id = {}", slot_id
    )
    assert await forgotten(slot_id)
    man, woman = couple(4)
    r = await book(client, await quick_citizen(man), slot_id, woman)
    assert r.status_code == 201, r.text


@pytest.mark.db
async def test_a_slot_known_full_still_answers_a_wrong_partner_first(client):
    slot_id, _ = await fill_one_place(client)
    assert (await refused(client, 2, slot_id))["code"] == "SLOT_FULL"
    number = person_number(dt.date(1996, 1, 1), "female", 77)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")  # its check digit broken
    answer = await refused(client, 3, slot_id, partner=wrong)
    assert (answer["status"], answer["code"]) == (422, "INVALID_ID_NUMBER")


@pytest.mark.db
async def test_a_capacity_raised_or_a_place_cancelled_here_is_bookable_at_once(client):
    """Changes made by this process are known to it when they commit, not when notified."""
    slot_id, admin = await fill_one_place(client)
    assert (await refused(client, 2, slot_id))["code"] == "SLOT_FULL"
    await put_schedule(client, admin, slots=[{"start": "09:00", "end": "10:00", "capacity": 2}])
    man, woman = couple(3)
    booker = await quick_citizen(man)
    r = await book(client, booker, slot_id, woman)
    assert r.status_code == 201, r.text
    assert (await refused(client, 4, slot_id))["code"] == "SLOT_FULL"
    r = await client.delete(f"{API}/appointments/{r.json()['code']}", headers=booker)
    assert r.status_code == 200, r.text
    man, woman = couple(5)
    assert (await book(client, await quick_citizen(man), slot_id, woman)).status_code == 201


async def notified(feed: Feed, since: int) -> bool:
    for _ in range(100):
        if feed.epoch != since:
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.db
@pytest.mark.postgres_only
async def test_the_database_notifies_places_freed_or_added_but_not_taken(client):
    from core.change_feeds import feed
    from core.db import fetch, write_transaction
    from plugins.marriage.services.full_slots import CHANNEL
    from plugins.marriage.services.places import take_place

    places = feed(CHANNEL)
    await open_desk(client)
    slot_id = (await slots_on(client, TOMORROW))[0]["id"]
    assert places.live

    epoch = places.epoch
    async with write_transaction():
        assert await take_place(slot_id, "TAKEN1") == 1
    await asyncio.sleep(0.3)
    assert places.epoch == epoch  # a booking taking a place is no news

    for change in (
        "UPDATE marriage_slot_place SET appointment_code = NULL WHERE appointment_code = 'TAKEN1'",
        "DELETE FROM marriage_slot_place WHERE slot_id = {} AND place = 2",
        "INSERT INTO marriage_slot_place (slot_id, place) VALUES ({}, 2)",
    ):
        epoch = places.epoch
        await fetch(change, slot_id) if "{}" in change else await fetch(change)
        assert await notified(places, epoch), change


@pytest.mark.db
@pytest.mark.postgres_only
async def test_no_memo_is_used_while_the_listening_connection_is_lost(client):
    from core.change_feeds import feed, listener_name
    from core.db import fetch
    from plugins.marriage.services.full_slots import CHANNEL, full_slots

    places = feed(CHANNEL)
    slot_id, _ = await fill_one_place(client)
    assert (await refused(client, 2, slot_id))["code"] == "SLOT_FULL"
    assert full_slots.get(slot_id) is not None

    killed = await fetch(
        "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity "
        "WHERE application_name = {}",
        listener_name(),
    )
    assert [row["done"] for row in killed] == [True]
    for _ in range(100):  # lost, then listening again on a new connection
        if full_slots.get(slot_id) is None and places.live:
            break
        await asyncio.sleep(0.05)
    assert places.live and full_slots.get(slot_id) is None
    assert (await refused(client, 3, slot_id))["code"] == "SLOT_FULL"
    assert full_slots.get(slot_id) is not None  # remembered again


@pytest.mark.db
@pytest.mark.postgres_only
async def test_a_feed_created_while_listening_is_listened_on(db):
    from core.change_feeds import feed
    from core.db import fetch

    late = feed("minzheng_test_late_feed")
    for _ in range(100):
        if late.live:
            break
        await asyncio.sleep(0.05)
    assert late.live
    epoch = late.epoch
    await fetch("SELECT pg_notify('minzheng_test_late_feed', '')")
    assert await notified(late, epoch)
