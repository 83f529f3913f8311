"""No-shows and the booking block: DOMAIN.md "Appointment booking" (three no-shows in 180 days
block online booking for 30 days; an admin can lift it)."""

from __future__ import annotations

import datetime as dt

import pytest

from plugins.marriage.services.no_shows import mark_no_shows
from tests import factories
from tests.plugins.marriage.support import (
    API,
    TODAY,
    book,
    couple,
    open_desk,
    quick_citizen,
    slots_on,
)

pytestmark = pytest.mark.db
D = dt.date


async def miss(client, desk, booker, partner, slot_day: dt.date, then: dt.date) -> str:
    slot = (await slots_on(client, slot_day))[0]
    r = await book(client, booker, slot["id"], partner)
    assert r.status_code == 201, r.text
    await factories.set_today(client, desk.admin, then)
    assert await mark_no_shows(then) == "1 no-shows"
    return r.json()["code"]


async def test_three_no_shows_block_booking_until_an_admin_lifts_it(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man, "王强")
    code = await miss(client, desk, booker, woman, D(2026, 6, 2), D(2026, 6, 3))
    r = await client.get(f"{API}/appointments/{code}", headers=booker)
    assert r.json()["status"] == "no_show"
    await miss(client, desk, booker, woman, D(2026, 6, 4), D(2026, 6, 5))
    await miss(client, desk, booker, woman, D(2026, 6, 8), D(2026, 6, 9))
    slot = (await slots_on(client, D(2026, 6, 10)))[0]
    r = await book(client, booker, slot["id"], woman)
    assert r.status_code == 422 and r.json()["code"] == "BOOKING_BLOCKED"
    assert r.json()["extra"]["blocked_until"] == "2026-07-08"
    # the partner is not blocked: only the booker missed the appointments
    r = await book(client, await quick_citizen(woman), slot["id"], man)
    assert r.status_code == 201
    assert (
        await client.delete(f"{API}/appointments/{r.json()['code']}", headers=desk.clerk)
    ).status_code == 200

    assert (await client.get(f"{API}/booking-blocks", headers=desk.clerk)).status_code == 403
    blocks = (await client.get(f"{API}/booking-blocks", headers=desk.admin)).json()
    assert blocks == [
        {"id_number": man, "name": "王强", "no_shows": 3, "blocked_until": "2026-07-08"}
    ]
    assert (
        await client.delete(f"{API}/booking-blocks/{man}", headers=desk.clerk)
    ).status_code == 403
    r = await client.delete(f"{API}/booking-blocks/{man}", headers=desk.admin)
    assert r.status_code == 200 and r.json()["blocked_until"] is None
    r = await client.delete(f"{API}/booking-blocks/{man}", headers=desk.admin)
    assert r.status_code == 409 and r.json()["code"] == "NOT_BLOCKED"
    assert (await client.get(f"{API}/booking-blocks", headers=desk.admin)).json() == []
    assert (await book(client, booker, slot["id"], woman)).status_code == 201


async def test_the_block_ends_after_thirty_days(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man)
    for slot_day, then in (
        (D(2026, 6, 2), D(2026, 6, 3)),
        (D(2026, 6, 4), D(2026, 6, 5)),
        (D(2026, 6, 8), D(2026, 6, 9)),
    ):
        await miss(client, desk, booker, woman, slot_day, then)
    await factories.set_today(client, desk.admin, D(2026, 7, 8))
    from tests.plugins.marriage.support import (
        put_schedule,
    )

    await put_schedule(client, desk.admin)
    slot = (await slots_on(client, D(2026, 7, 9)))[0]
    assert (await book(client, booker, slot["id"], woman)).json()["code"] == "BOOKING_BLOCKED"
    await factories.set_today(client, desk.admin, D(2026, 7, 9))
    slot = (await slots_on(client, D(2026, 7, 10)))[0]
    assert (await book(client, booker, slot["id"], woman)).status_code == 201


async def test_checked_in_and_future_bookings_are_not_no_shows(client):
    desk = await open_desk(client)
    first, second = couple(1), couple(2)
    tomorrow = TODAY + dt.timedelta(days=1)
    slot = (await slots_on(client, tomorrow))[0]
    arrived = (await book(client, await quick_citizen(first[0]), slot["id"], first[1])).json()
    later_slot = (await slots_on(client, tomorrow + dt.timedelta(days=1)))[0]
    pending = (
        await book(client, await quick_citizen(second[0]), later_slot["id"], second[1])
    ).json()
    await factories.set_today(client, desk.admin, tomorrow)
    r = await client.post(f"{API}/appointments/{arrived['code']}/check-in", headers=desk.clerk)
    assert r.status_code == 200
    assert await mark_no_shows(tomorrow) == "0 no-shows"
    for code, status in ((arrived["code"], "checked_in"), (pending["code"], "booked")):
        r = await client.get(f"{API}/appointments/{code}", headers=desk.clerk)
        assert r.json()["status"] == status
