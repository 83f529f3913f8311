"""Offices, schedules and slots over HTTP: API.md "Marriage"; DOMAIN.md "Appointment booking"."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.plugins.marriage.support import (
    API,
    PATTERN,
    add_office,
    book,
    couple,
    put_schedule,
    quick_citizen,
    slots_on,
)

pytestmark = pytest.mark.db
D = dt.date


async def test_offices_are_created_by_the_admin_and_listed_for_anyone(client, staff):
    admin = await staff("admin")
    clerk = await staff("clerk", office_code="JH01")
    body = {"code": "JH01", "name": "江海区婚姻登记处", "division_code": "440704"}
    assert (await client.post(f"{API}/offices", json=body)).status_code == 401
    r = await client.post(f"{API}/offices", json=body, headers=clerk)
    assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    r = await client.post(f"{API}/offices", json=body, headers=admin)
    assert r.status_code == 201
    blank = {"address": "", "opening_hours": "", "phone": "", "directions": ""}
    assert r.json() == {**body, "province_code": "44", **blank}
    r = await client.post(f"{API}/offices", json=body, headers=admin)
    assert r.status_code == 409 and r.json()["code"] == "OFFICE_EXISTS"
    bad = {**body, "code": "JH02", "division_code": "4407"}
    r = await client.post(f"{API}/offices", json=bad, headers=admin)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_DIVISION"
    r = await client.post(f"{API}/offices", json={"code": "JH02"}, headers=admin)
    assert r.status_code == 400 and r.json()["code"] == "BAD_REQUEST"
    listed = (await client.get(f"{API}/offices")).json()
    assert listed == [{**body, "province_code": "44", **blank}]


async def test_national_day_is_closed_and_the_adjusted_saturday_open(client, staff):
    """2026: Oct 1–7 is the National Day holiday; Sat Oct 10 is worked (调休)."""
    admin = await staff("admin")
    await factories.set_today(client, admin, D(2026, 9, 28))
    await add_office(client, admin)
    result = await put_schedule(client, admin, horizon=13)
    assert result["from"] == "2026-09-28" and result["to"] == "2026-10-11"
    assert result["warnings"] == []
    r = await client.get(
        f"{API}/slots", params={"office": "JH01", "from": "2026-09-28", "to": "2026-10-11"}
    )
    days = sorted({slot["date"] for slot in r.json()})
    assert days == [
        "2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10",
    ]  # fmt: skip
    assert len(r.json()) == 6 * len(PATTERN)
    first = r.json()[0]
    assert first["start"] == "09:00" and first["end"] == "09:30"
    assert first["capacity"] == 2 and first["remaining"] == 2 and first["office"] == "JH01"


async def test_admin_open_and_closed_dates(client, staff):
    """520 on a weekend opens; a closed date closes even a working day."""
    admin = await staff("admin")
    await factories.set_today(client, admin, D(2027, 5, 10))
    await add_office(client, admin)
    result = await put_schedule(
        client,
        admin,
        horizon=12,
        open_dates=["2027-05-22"],  # a Saturday
        closed_dates=["2027-05-12"],  # a Wednesday
    )
    # 2027 is beyond chinese-calendar: provisional (statutory holidays), the admin is warned.
    assert [w["code"] for w in result["warnings"]] == ["CALENDAR_PROVISIONAL"]
    assert result["warnings"][0]["year"] == 2027
    assert await slots_on(client, D(2027, 5, 22))
    assert await slots_on(client, D(2027, 5, 12)) == []
    assert await slots_on(client, D(2027, 5, 15)) == []  # an ordinary Saturday
    assert await slots_on(client, D(2027, 5, 11))
    r = await client.get(f"{API}/offices/JH01/schedule", headers=admin)
    assert r.json()["schedule"]["open_dates"] == ["2027-05-22"]
    assert r.json()["warnings"][0]["year"] == 2027


async def test_a_provisional_year_closes_its_statutory_holidays(client, staff):
    """issue 11: no slot on 2027-01-01 (元旦) before the 2027 schedule is published."""
    admin = await staff("admin")
    await factories.set_today(client, admin, D(2026, 12, 28))
    await add_office(client, admin)
    result = await put_schedule(client, admin, horizon=10)
    assert [w["year"] for w in result["warnings"]] == [2027]
    assert await slots_on(client, D(2026, 12, 31))
    assert await slots_on(client, D(2027, 1, 1)) == []  # 元旦, a Friday
    assert await slots_on(client, D(2027, 1, 2)) == []  # Saturday
    assert await slots_on(client, D(2027, 1, 4))  # Monday


async def test_regenerating_keeps_booked_slots_and_drops_the_others(client, staff):
    admin = await staff("admin")
    await factories.set_today(client, admin, D(2026, 6, 1))
    await add_office(client, admin)
    await put_schedule(client, admin, horizon=7)
    morning = (await slots_on(client, D(2026, 6, 2)))[0]
    man, woman = couple(1)
    r = await book(client, await quick_citizen(man), morning["id"], woman)
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    result = await put_schedule(
        client, admin, horizon=7, slots=[{"start": "10:00", "end": "11:00", "capacity": 5}]
    )
    assert result["kept_booked_slots"] == 1
    assert "BOOKED_SLOTS_KEPT" in [w["code"] for w in result["warnings"]]
    listed = await slots_on(client, D(2026, 6, 2))
    assert [(s["start"], s["capacity"]) for s in listed] == [("10:00", 5)]
    r = await client.get(
        f"{API}/appointments/{code}", headers=await staff("clerk", office_code="JH01")
    )
    assert r.json()["status"] == "booked" and r.json()["start"] == "09:00"
    # the kept slot takes no new bookings
    other_man, other_woman = couple(2)
    r = await book(client, await quick_citizen(other_man), morning["id"], other_woman)
    assert r.status_code == 404


async def test_schedule_refusals(client, staff):
    admin = await staff("admin")
    await factories.set_today(client, admin, D(2026, 6, 1))
    r = await client.put(f"{API}/offices/NOPE/schedule", json={"slots": []}, headers=admin)
    assert r.status_code == 404
    await add_office(client, admin)
    overlapping = [
        {"start": "09:00", "end": "10:00", "capacity": 1},
        {"start": "09:30", "end": "10:30", "capacity": 1},
    ]
    for slots, horizon, field in (
        (overlapping, 10, "slots"),
        ([{"start": "10:00", "end": "09:00", "capacity": 1}], 10, "slots"),
        ([{"start": "09:00", "end": "10:00", "capacity": 0}], 10, "slots"),
        ([{"start": "09:00", "end": "10:00", "capacity": 1001}], 10, "slots"),  # places are rows
        ([{"start": "9h", "end": "10:00", "capacity": 1}], 10, "slots"),
        (PATTERN, 400, "horizon_days"),
        (PATTERN, 367, "horizon_days"),
        (PATTERN, -1, "horizon_days"),
    ):
        r = await client.put(
            f"{API}/offices/JH01/schedule",
            json={"slots": slots, "horizon_days": horizon},
            headers=admin,
        )
        assert r.status_code == 422 and r.json()["code"] == "INVALID_SCHEDULE", r.text
        # the part of the schedule that is wrong, where one is (a form can show it there)
        assert (r.json().get("extra") or {}).get("field") == field, r.text
    for horizon in (0, 366):  # the bounds themselves are accepted
        r = await client.put(
            f"{API}/offices/JH01/schedule",
            json={"slots": PATTERN, "horizon_days": horizon},
            headers=admin,
        )
        assert r.status_code == 200, r.text
    r = await client.get(f"{API}/slots", params={"office": "NOPE"})
    assert r.status_code == 404
    r = await client.get(
        f"{API}/slots", params={"office": "JH01", "from": "2026-06-10", "to": "2026-06-01"}
    )
    assert r.status_code == 400
    r = await client.get(f"{API}/slots", params={"office": "JH01", "from": "June"})
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("slots", "en", "zh"),
    [
        ([{"start": "09:00", "end": "10:00", "capacity": 1001}], "1 to 1000: 1001", "1 至 1000"),
        (
            [{"start": "10:00", "end": "09:00", "capacity": 1}],
            "end after it starts",
            "先开始后结束",
        ),
        (
            [
                {"start": "09:00", "end": "10:00", "capacity": 1},
                {"start": "09:30", "end": "10:30", "capacity": 1},
            ],
            "overlap: 09:00–10:00 and 09:30–10:30",
            "时段重叠",
        ),
    ],
)
async def test_a_refused_schedule_says_why_in_both_languages(client, staff, slots, en, zh):
    admin = await staff("admin")
    await add_office(client, admin)
    r = await client.put(
        f"{API}/offices/JH01/schedule", json={"slots": slots, "horizon_days": 10}, headers=admin
    )
    assert r.status_code == 422 and r.json()["code"] == "INVALID_SCHEDULE"
    english, chinese = r.json()["detail"].split(" / ")
    assert en in english and zh in chinese


async def test_the_daily_job_keeps_the_horizon_published(client, staff):
    from plugins.marriage.services.offices import roll_schedules_forward

    admin = await staff("admin")
    await factories.set_today(client, admin, D(2026, 6, 1))
    await add_office(client, admin)
    await put_schedule(client, admin, horizon=7)
    assert await slots_on(client, D(2026, 6, 15)) == []
    await factories.set_today(client, admin, D(2026, 6, 8))
    await roll_schedules_forward(D(2026, 6, 8))
    assert len(await slots_on(client, D(2026, 6, 15))) == len(PATTERN)
