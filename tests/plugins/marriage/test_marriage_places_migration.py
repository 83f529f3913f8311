"""Existing installations: the migration that makes a slot's places rows keeps every booking
(plugins/marriage/services/places.py). On both engines."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from plugins.marriage.tables import Appointment, Slot
from tests.plugins.marriage.support import places_of

pytestmark = pytest.mark.db

MIGRATION = "plugins.marriage.migrations.marriage_2026_12_03t10_05_00_000000"
DAY = dt.date(2026, 6, 2)


async def _slot(start: str, capacity: int, *, open_: bool = True) -> int:
    await Slot.insert(
        Slot(
            office_code="JH01",
            day=DAY,
            start_time=start,
            end_time="12:00",
            capacity=capacity,
            open=open_,
        )
    )
    row = await Slot.select(Slot.id).where(Slot.start_time == start).first()
    return row["id"]


async def _appointment(slot_id: int, code: str, status: str) -> None:
    await Appointment.insert(
        Appointment(
            code=code,
            slot_id=slot_id,
            office_code="JH01",
            day=DAY,
            start_time="09:00",
            end_time="12:00",
            service="marriage",
            booker_account=code,
            booker_id_number=code,
            booker_name="甲",
            status=status,
        )
    )


async def test_migration_gives_each_booking_its_place_and_open_slots_their_free_ones(db):
    roomy = await _slot("09:00", 4)
    closed = await _slot("10:00", 2, open_=False)
    over = await _slot("11:00", 1)  # its capacity was lowered below its bookings
    for slot_id, code, status in [
        (roomy, "A1", "booked"),
        (roomy, "A2", "cancelled"),  # gave its place back
        (roomy, "A3", "checked_in"),
        (roomy, "A4", "no_show"),
        (closed, "B1", "completed"),
        (over, "C1", "booked"),
        (over, "C2", "booked"),
    ]:
        await _appointment(slot_id, code, status)
    manager = await importlib.import_module(MIGRATION).forwards()
    for step in manager.raw:
        await step()
    assert await places_of(roomy) == [(1, "A1"), (2, "A3"), (3, "A4"), (4, None)]
    assert await places_of(closed) == [(1, "B1")]
    assert await places_of(over) == [(1, "C1"), (2, "C2")]
