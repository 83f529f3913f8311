"""Booking over HTTP: API.md "Marriage" appointments; DOMAIN.md "Appointment booking"."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.plugins.marriage.support import (
    API,
    TODAY,
    book,
    couple,
    open_desk,
    person_number,
    quick_citizen,
    slots_on,
)

pytestmark = pytest.mark.db
TOMORROW = TODAY + dt.timedelta(days=1)


async def first_slot(client, day=TOMORROW) -> dict:
    return (await slots_on(client, day))[0]


async def test_a_citizen_books_reads_downloads_and_cancels(client):
    from core.tables import AuditEvent, Notification

    desk = await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man, "王强")
    slot = await first_slot(client)
    r = await book(client, booker, slot["id"], woman.lower(), name="李芳")
    assert r.status_code == 201, r.text
    body = r.json()
    code = body["code"]
    assert body["status"] == "booked" and body["slot_id"] == slot["id"]
    assert body["service"] == "marriage"
    assert len(code) == 10 and code.isalnum() and code.isupper()
    assert (await first_slot(client))["remaining"] == slot["capacity"] - 1

    message = await Notification.select().where(Notification.plugin == "marriage").first()
    assert code in message["subject"] and "江海区婚姻登记处" in message["body"]
    assert message["recipient"] == "13800000000"
    event = await AuditEvent.select().where(AuditEvent.action == "marriage.appointment.booked")
    assert event and all(man not in e["summary"] + e["details"] for e in event)

    mine = await client.get(f"{API}/appointments/{code}", headers=booker)
    assert mine.status_code == 200
    assert mine.json()["partner"] == {"id_number": "110105********" + woman[-4:], "name": "李*"}
    for_clerk = await client.get(f"{API}/appointments/{code}", headers=desk.clerk)
    assert for_clerk.json()["partner"] == {"id_number": woman, "name": "李芳"}
    listed = await client.get(f"{API}/appointments", headers=booker)
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["code"] == code

    ics = await client.get(f"{API}/appointments/{code}/ics", headers=booker)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    text = ics.text
    assert "BEGIN:VEVENT" in text and f"UID:{code}@" in text
    assert "DTSTART:20260602T010000Z" in text  # 09:00 in China is 01:00 UTC
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))

    r = await client.delete(f"{API}/appointments/{code}", headers=booker)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert (await first_slot(client))["remaining"] == slot["capacity"]
    r = await client.delete(f"{API}/appointments/{code}", headers=booker)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    # the place and both people are free again
    r = await book(client, booker, slot["id"], woman)
    assert r.status_code == 201


async def test_other_people_cannot_see_or_cancel_a_booking(client, staff):
    await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man)
    r = await book(client, booker, (await first_slot(client))["id"], woman)
    code = r.json()["code"]
    stranger = await quick_citizen(person_number(dt.date(1990, 1, 1), "male", 77))
    partner = await quick_citizen(woman)
    admin = await staff("admin")
    for headers in (stranger, partner, admin):
        for method in ("GET", "DELETE"):
            r = await client.request(method, f"{API}/appointments/{code}", headers=headers)
            assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
        r = await client.get(f"{API}/appointments/{code}/ics", headers=headers)
        assert r.status_code == 404
    r = await client.get(f"{API}/appointments/NOSUCHCODE", headers=booker)
    assert r.status_code == 404
    assert (await client.get(f"{API}/appointments/{code}")).status_code == 401
    clerk_cancel = await client.delete(
        f"{API}/appointments/{code}", headers=await staff("clerk", office_code="JH01")
    )
    assert clerk_cancel.json()["status"] == "cancelled"


async def test_slot_full(client):
    await open_desk(client)
    slot = await first_slot(client)
    for seq in range(slot["capacity"]):
        man, woman = couple(seq)
        assert (await book(client, await quick_citizen(man), slot["id"], woman)).status_code == 201
    man, woman = couple(99)
    r = await book(client, await quick_citizen(man), slot["id"], woman)
    assert r.status_code == 409 and r.json()["code"] == "SLOT_FULL"
    assert (await first_slot(client))["remaining"] == 0


async def test_one_active_booking_per_person_and_service_counting_both(client):
    await open_desk(client)
    slots = await slots_on(client, TOMORROW)
    man, woman = couple(1)
    other_man, other_woman = couple(2)
    booker = await quick_citizen(man)
    assert (await book(client, booker, slots[0]["id"], woman)).status_code == 201
    # the booker again, the partner as a booker, the partner named by someone else
    for headers, partner in (
        (booker, other_woman),
        (await quick_citizen(woman), other_man),
        (await quick_citizen(other_man), woman),
    ):
        r = await book(client, headers, slots[1]["id"], partner)
        assert r.status_code == 409 and r.json()["code"] == "ALREADY_BOOKED", r.text
    # a failed attempt leaves the slot untouched
    assert (await slots_on(client, TOMORROW))[1]["remaining"] == slots[1]["capacity"]
    # another service is another booking
    r = await book(client, booker, slots[1]["id"], woman, service="reissue")
    assert r.status_code == 201


async def test_booking_refusals(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man)
    slot = await first_slot(client)
    cases = [
        ("11010519491231002Y", "INVALID_ID_NUMBER"),
        ("1234", "INVALID_ID_NUMBER"),
        (man.lower(), "SAME_PERSON"),
    ]
    for partner, code in cases:
        r = await book(client, booker, slot["id"], partner)
        assert r.status_code == 422 and r.json()["code"] == code, r.text
    r = await client.post(
        f"{API}/appointments", json={"slot_id": slot["id"], "service": "marriage"}, headers=booker
    )
    assert r.status_code == 422 and r.json()["code"] == "PARTNER_REQUIRED"
    r = await client.post(
        f"{API}/appointments",
        json={"slot_id": slot["id"], "service": "adoption", "partner": None},
        headers=booker,
    )
    assert r.status_code == 400
    r = await book(client, booker, 999_999, woman)
    assert r.status_code == 404
    r = await book(client, desk.clerk, slot["id"], woman)
    assert r.status_code == 403
    r = await client.post(f"{API}/appointments", json={"slot_id": slot["id"]})
    assert r.status_code == 401
    # the day after, the slot has passed
    await factories.set_today(client, desk.admin, TOMORROW + dt.timedelta(days=1))
    r = await book(client, booker, slot["id"], woman)
    assert r.status_code == 422 and r.json()["code"] == "SLOT_IN_PAST"


async def test_the_booker_cannot_cancel_after_the_slot_began(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man)
    code = (await book(client, booker, (await first_slot(client))["id"], woman)).json()["code"]
    await factories.set_today(client, desk.admin, TOMORROW + dt.timedelta(days=1))
    r = await client.delete(f"{API}/appointments/{code}", headers=booker)
    assert r.status_code == 422 and r.json()["code"] == "SLOT_IN_PAST"


async def test_check_in_at_the_booked_office_on_the_day(client, staff):
    desk = await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man)
    code = (await book(client, booker, (await first_slot(client))["id"], woman)).json()["code"]
    url = f"{API}/appointments/{code}/check-in"
    r = await client.post(url, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "NOT_TODAY"
    await factories.set_today(client, desk.admin, TOMORROW)
    other_clerk = await staff("clerk", office_code="XH01")
    assert (await client.post(url, headers=other_clerk)).status_code == 404  # not its office
    assert (await client.post(url, headers=booker)).status_code == 403
    r = await client.post(url, headers=desk.clerk)
    assert r.status_code == 200 and r.json()["status"] == "checked_in"
    r = await client.get(f"{API}/offices/JH01/appointments", headers=desk.clerk)
    assert [(a["code"], a["status"]) for a in r.json()] == [(code, "checked_in")]
    assert (
        await client.get(f"{API}/offices/JH01/appointments", headers=other_clerk)
    ).status_code == 403
    r = await client.delete(f"{API}/appointments/{code}", headers=booker)
    assert r.status_code == 409 and r.json()["code"] == "APPOINTMENT_CLOSED"


async def test_per_account_rate_limit(client):
    """At most 20 bookings a minute per account (book, cancel, book again is how a script holds
    places); the 21st is refused with Retry-After. Refusals decided without a write (the rules,
    ALREADY_BOOKED) do not count, and other accounts are not affected."""
    await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man)
    first, second = await slots_on(client, TOMORROW)
    for _ in range(25):
        assert (await book(client, booker, first["id"], "not-a-number")).status_code == 422
    for _ in range(20):
        r = await book(client, booker, first["id"], woman)
        assert r.status_code == 201, r.text
        r2 = await book(client, booker, second["id"], woman)
        assert r2.status_code == 409 and r2.json()["code"] == "ALREADY_BOOKED"
        cancelled = await client.delete(f"{API}/appointments/{r.json()['code']}", headers=booker)
        assert cancelled.status_code == 200
    r = await book(client, booker, second["id"], woman)
    assert r.status_code == 429 and r.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert (await first_slot(client))["remaining"] == first["capacity"]
    # another account is not affected
    other = await quick_citizen(couple(2)[0])
    assert (await book(client, other, second["id"], couple(2)[1])).status_code == 201
    # the window slides: one of the twenty 61 s old frees one booking, and only one
    from core.db import fetch

    aged = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=61)
    await fetch(
        "UPDATE marriage_appointment SET created_at = {} WHERE id = (SELECT MIN(id) FROM "
        "marriage_appointment WHERE booker_account = {})",
        aged,
        man,
    )
    third = (await slots_on(client, TOMORROW + dt.timedelta(days=1)))[0]
    r = await book(client, booker, third["id"], woman)
    assert r.status_code == 201, r.text
    await client.delete(f"{API}/appointments/{r.json()['code']}", headers=booker)
    r = await book(client, booker, first["id"], woman)
    assert r.status_code == 429 and r.json()["code"] == "RATE_LIMITED"


async def test_per_address_rate_limit(client, monkeypatch):
    import dataclasses

    from core.auth import ratelimit
    from core.settings import get_settings

    await open_desk(client)
    slot = await first_slot(client)
    limited = dataclasses.replace(get_settings(), address_rate_limit=3)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: limited)
    statuses = []
    for seq in range(5):
        man, woman = couple(seq)
        statuses.append(
            (await book(client, await quick_citizen(man), slot["id"], woman)).status_code
        )
    assert statuses[:2] == [201, 201] and statuses[-1] == 429
