"""``GET/PUT /api/v1/calendar/{year}`` over HTTP: API.md "Core"; DOMAIN.md "The working-day
calendar". On both engines."""

from __future__ import annotations

import pytest

from tests.core.support import assert_error

pytestmark = pytest.mark.db
URL = "/api/v1/calendar"

# The State Council's 2027 schedule as an admin would enter it (a made-up notice: the real one
# is published around November 2026). It closes Mon 4 Jan too and works Sat 9 Jan.
SCHEDULE_2027 = [
    {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-02", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-03", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-04", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-09", "kind": "workday", "name": "元旦"},
]


async def test_a_provisional_year_lists_its_statutory_holidays_and_make_up_days(client):
    r = await client.get(f"{URL}/2027")  # anyone: no token
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["year"] == 2027 and body["source"] == "statutory" and body["provisional"] is True
    days = {d["date"]: d for d in body["days"]}
    assert days["2027-01-01"] == {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    expected = ["2027-01-01", *(f"2027-02-{d:02d}" for d in range(5, 11)), "2027-04-05"]
    expected += [*(f"2027-05-0{d}" for d in range(1, 5)), "2027-06-09", "2027-09-15"]
    expected += [f"2027-10-0{d}" for d in range(1, 6)]
    assert sorted(days) == expected
    assert days["2027-05-03"]["name"] == "劳动节（补假）"
    assert {d["kind"] for d in body["days"]} == {"holiday"}  # no 调休 guessed


async def test_an_official_year_has_holidays_and_adjusted_working_days(client):
    body = (await client.get(f"{URL}/2026")).json()
    assert body["source"] == "official" and body["provisional"] is False
    kinds = {d["date"]: d["kind"] for d in body["days"]}
    assert kinds["2026-10-01"] == "holiday" and kinds["2026-10-10"] == "workday"


async def test_the_admin_enters_a_year_and_every_process_sees_it(client, admin, staff):
    r = await client.put(f"{URL}/2027", json={"days": SCHEDULE_2027}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["source"] == "official" and r.json()["provisional"] is False
    body = (await client.get(f"{URL}/2027")).json()
    assert body["source"] == "official" and body["provisional"] is False
    assert [d["date"] for d in body["days"]] == [d["date"] for d in SCHEDULE_2027]
    from core.calendar_store import load_calendar  # the database, not a process cache

    calendar = await load_calendar()
    assert calendar.is_working_day(__import__("datetime").date(2027, 1, 9))
    r = await client.get("/api/v1/admin/audit", params={"action": "core.calendar.entered"},
                         headers=admin)  # fmt: skip
    assert r.json()["total"] == 1 and "2027" in r.json()["items"][0]["summary"]
    # entering it again replaces the year
    again = [*SCHEDULE_2027[:3], {"date": "2027-02-11", "kind": "holiday", "name": "春节"}]
    r = await client.put(f"{URL}/2027", json={"days": again}, headers=admin)
    assert r.status_code == 200
    dates = [d["date"] for d in (await client.get(f"{URL}/2027")).json()["days"]]
    assert dates == ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-11"]


async def test_only_the_admin_enters_a_year(client, staff):
    assert_error(await client.put(f"{URL}/2027", json={"days": SCHEDULE_2027}), 401)
    clerk = await staff("clerk", office_code="JH01")
    r = await client.put(f"{URL}/2027", json={"days": SCHEDULE_2027}, headers=clerk)
    assert_error(r, 403, "FORBIDDEN")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"days": [{"date": "2028-01-01", "kind": "holiday", "name": "元旦"}]}, 422,
         "INVALID_CALENDAR"),
        ({"days": [{"date": "2027-02-30", "kind": "holiday", "name": "x"}]}, 422,
         "INVALID_CALENDAR"),
        ({"days": [{"date": "2027-01-01", "kind": "rest", "name": "元旦"}]}, 422,
         "INVALID_CALENDAR"),
        ({"days": [SCHEDULE_2027[0], SCHEDULE_2027[0]]}, 422, "INVALID_CALENDAR"),
        ({"days": []}, 422, "INVALID_CALENDAR"),
        ({"days": "2027-01-01"}, 422, "INVALID_CALENDAR"),
        ({"days": [3]}, 422, "INVALID_CALENDAR"),
        ({"days": [{"date": "2027-01-01", "kind": "holiday", "name": 5}]}, 422,
         "INVALID_CALENDAR"),
        ({"holidays": []}, 400, "BAD_REQUEST"),
    ],
)  # fmt: skip
async def test_bad_schedules_are_refused_with_a_code(client, admin, body, status, code):
    r = await client.put(f"{URL}/2027", json=body, headers=admin)
    assert_error(r, status, code)
    assert (await client.get(f"{URL}/2027")).json()["source"] == "statutory"


async def test_bad_years_and_bodies(client, admin):
    assert_error(await client.get(f"{URL}/1899"), 422, "INVALID_YEAR")
    assert_error(await client.get(f"{URL}/abc"), 404)
    r = await client.put(f"{URL}/2027", content=b"{not json", headers=admin)
    assert_error(r, 400, "BAD_REQUEST")
