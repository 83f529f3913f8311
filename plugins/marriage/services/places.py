"""A slot's places, one row each (``marriage_slot_place``): free, or taken by an appointment.

A booking takes the lowest free place of its slot by updating that one row, so the winners of a
slot each hold a row of their own until their COMMIT instead of queueing on one counter of the
slot (bench/README.md "Booking rush"). Whatever changes a slot's capacity or ends a booking
keeps the rows in step, in its own transaction, so that the free places are the places left:
an open slot has ``max(capacity, taken)`` places, ``max(0, capacity − taken)`` of them free; a
closed slot keeps only its taken places (nobody may book it).

Only a cancellation gives a place back (the booker's or a clerk's, a death, a day the calendar
closes): a check-in, the registration and a no-show keep it, as the slot's counter did before.

Those changes lock the slot's row first (a booking never does), so they never race each other.
On PostgreSQL every transaction locks places in ascending order, the order in which a booking
waits for them, so no two transactions wait for each other (``take_place`` says how).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.db import defer, fetch, fetch_one, is_sqlite
from plugins.marriage.services.full_slots import places_freed

FREE_PLACES = (
    "SELECT id FROM marriage_slot_place WHERE slot_id = {} AND appointment_code IS NULL "
    "ORDER BY place"
)
# SQLite has one writer at a time: the lowest free place is simply taken.
TAKE_ALONE = (
    "UPDATE marriage_slot_place SET appointment_code = {} WHERE id = "  # noqa: S608 (constants)
    f"({FREE_PLACES} LIMIT 1) RETURNING place"
)
# PostgreSQL: the migration's ``marriage_take_place`` (see ``take_place``).
TAKE_FUNCTION = "SELECT marriage_take_place({}, {}) AS place"
SLOT_FULL_STATE = "MZ002"
"""What ``marriage_take_place(…, p_refuse => true)`` raises when no place is left."""

# Counts for reads over ``marriage_slot s``: what is listed as left, and what is booked.
REMAINING = (
    "(SELECT COUNT(*) FROM marriage_slot_place p "
    "WHERE p.slot_id = s.id AND p.appointment_code IS NULL)"
)
BOOKED = (
    "(SELECT COUNT(*) FROM marriage_slot_place p "
    "WHERE p.slot_id = s.id AND p.appointment_code IS NOT NULL)"
)


def _locking(sql: str) -> str:
    """``sql`` locking the rows it reads, on PostgreSQL (SQLite has one writer at a time)."""
    return sql if is_sqlite() else f"{sql} FOR UPDATE"


async def take_place(slot_id: int, code: str) -> int | None:
    """Inside the booking's transaction: the number of the lowest free place of the slot, now
    taken by ``code``; ``None`` when none is free.

    On PostgreSQL the place is the lowest one no other booking is taking at this moment (SKIP
    LOCKED), so the winners of a slot never wait for each other. Only when every free place is
    being taken does the booking wait for those bookings, since one may still roll back and
    free its place. Before waiting, the function rolls back its subtransaction, which drops the
    locks SKIP LOCKED left on places other bookings took meanwhile (PostgreSQL keeps a lock on
    a row it re-checked and found taken): held while waiting for lower places, they made
    bookings wait for each other in a circle (deadlocks measured with the two statements
    joined in one).
    """
    if is_sqlite():
        taken = await fetch_one(TAKE_ALONE, code, slot_id)
    else:
        taken = await fetch_one(TAKE_FUNCTION, slot_id, code)
    return None if taken is None or taken["place"] is None else int(taken["place"])


async def claim_place(slot_id: int, code: str) -> None:
    """PostgreSQL, inside a booking's transaction: ``take_place``, deferred, so that it travels
    with the booking's other writes and its COMMIT in one message. No place left raises a
    database error of state ``SLOT_FULL_STATE`` there, which rolls the booking back."""
    await defer("SELECT marriage_take_place({}, {}, TRUE)", slot_id, code)


async def _lock_slot(slot_id: int) -> dict[str, Any] | None:
    return await fetch_one(
        _locking("SELECT capacity, open FROM marriage_slot WHERE id = {}"), slot_id
    )


async def release_place(slot_id: int, code: str) -> None:
    """Inside the transaction that cancels the booking ``code``: its place is free again, or
    goes when the slot no longer offers it (closed, or more places than its capacity)."""
    slot = await _lock_slot(slot_id)
    places = await _count(slot_id)
    places_freed()
    if slot is not None and slot["open"] and places <= slot["capacity"]:
        await fetch(
            "UPDATE marriage_slot_place SET appointment_code = NULL WHERE appointment_code = {}",
            code,
        )
    else:
        await fetch("DELETE FROM marriage_slot_place WHERE appointment_code = {}", code)


async def take_or_add_place(slot_id: int, code: str) -> int | None:
    """Inside a priority rebooking's transaction: a free place of the slot for ``code``, else
    one more place, the capacity growing to hold it; ``None`` when the slot is gone."""
    slot = await _lock_slot(slot_id)
    if slot is None:
        return None
    place = await take_place(slot_id, code)
    if place is not None:
        return place
    taken = await _count(slot_id)  # none is free: every place is taken
    capacity = max(slot["capacity"], taken + 1)
    await fetch("UPDATE marriage_slot SET capacity = {} WHERE id = {}", capacity, slot_id)
    (place,) = await _add_places(slot_id, 1, taken, code)
    return place


async def fit_places(slot_id: int) -> None:
    """Inside the transaction that just changed the slot's capacity or ``open`` (which locked
    its row): free places added up to the capacity, or the highest free ones removed beyond
    it (all once the slot is closed). The free places are locked first, which waits for the
    bookings taking one at this moment."""
    free = [row["id"] for row in await fetch(_locking(FREE_PLACES), slot_id)]
    places_freed()
    slot = await fetch_one("SELECT capacity, open FROM marriage_slot WHERE id = {}", slot_id)
    places = await _count(slot_id)
    taken = places - len(free)
    wanted = max(slot["capacity"], taken) if slot is not None and slot["open"] else taken
    if places > wanted:
        surplus = free[len(free) - (places - wanted) :]  # the highest free places
        marks = ", ".join("{}" for _ in surplus)
        await fetch(f"DELETE FROM marriage_slot_place WHERE id IN ({marks})", *surplus)  # noqa: S608
    elif places < wanted:
        await _add_places(slot_id, wanted - places, places)


async def publish_places(office_code: str, first_day: dt.date) -> None:
    """Places 1…capacity of the office's open slots from ``first_day`` that have none: the slots
    just published (an open slot otherwise always has its capacity of places)."""
    places_freed()
    await fetch(
        "WITH RECURSIVE n(place) AS (SELECT 1 UNION ALL SELECT place + 1 FROM n "
        "WHERE place < (SELECT MAX(capacity) FROM marriage_slot WHERE office_code = {})) "
        "INSERT INTO marriage_slot_place (slot_id, place) "
        "SELECT s.id, n.place FROM marriage_slot s JOIN n ON n.place <= s.capacity "
        "WHERE s.office_code = {} AND s.day >= {} AND s.open = {} "
        "AND NOT EXISTS (SELECT 1 FROM marriage_slot_place p WHERE p.slot_id = s.id)",
        office_code,
        office_code,
        first_day,
        True,
    )


async def _count(slot_id: int) -> int:
    rows = await fetch("SELECT COUNT(*) AS n FROM marriage_slot_place WHERE slot_id = {}", slot_id)
    return int(rows[0]["n"])


async def _add_places(slot_id: int, count: int, places: int, code: str | None = None) -> list[int]:
    """``count`` more places of a slot that has ``places``, numbered from the lowest unused
    number, taken by ``code`` when given."""
    rows = await fetch(
        "WITH RECURSIVE n(place) AS (SELECT 1 UNION ALL SELECT place + 1 FROM n "
        "WHERE place < {}) "
        "INSERT INTO marriage_slot_place (slot_id, place, appointment_code) "
        "SELECT CAST({} AS INTEGER), place, CAST({} AS VARCHAR(16)) FROM n "
        "WHERE place NOT IN (SELECT place FROM marriage_slot_place WHERE slot_id = {}) "
        "ORDER BY place LIMIT {} RETURNING place",
        places + count,
        slot_id,
        code,
        slot_id,
        count,
    )
    return [int(row["place"]) for row in rows]
