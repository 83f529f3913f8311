"""Issue 14 item 6: offices have an address, opening hours, a phone and directions in words,
shown when booking, in the confirmation message and in the calendar file's LOCATION; the public
marriage page says what to bring for each service and where each registry is."""

from __future__ import annotations

import datetime as dt

import pytest

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
TOMORROW = TODAY + dt.timedelta(days=1)
DETAILS = {
    "address": "江门市江海区东海路 288 号江海区政务服务中心 2 楼",
    "opening_hours": "周一至周五 9:00–12:00、14:30–17:30",
    "phone": "0750-3861234",
    "directions": "乘 16 路公交至政务服务中心站，从东门进入，乘电梯到 2 楼。",
}


async def test_office_details_from_admin_to_booking_message_and_calendar(client):
    desk = await open_desk(client)
    r = await client.post(
        f"{API}/offices",
        json={"code": "JH02", "name": "江海区第二婚姻登记处", "division_code": "440704", **DETAILS},
        headers=desk.admin,
    )
    assert r.status_code == 201 and r.json()["address"] == DETAILS["address"]
    r = await client.patch(f"{API}/offices/JH01", json=DETAILS, headers=desk.admin)
    assert r.status_code == 200, r.text
    listed = {o["code"]: o for o in (await client.get(f"{API}/offices")).json()}
    assert {k: listed["JH01"][k] for k in DETAILS} == DETAILS
    assert {"address", "opening_hours", "phone"} <= set(listed["JH02"])
    too_long = await client.patch(
        f"{API}/offices/JH01", json={"phone": "1" * 40}, headers=desk.admin
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "INVALID_OFFICE_DETAILS"

    man, woman = couple(1)
    citizen = await quick_citizen(man, "王强")
    offices_page = await client.get("/marriage/book", headers=citizen)
    assert DETAILS["address"] in offices_page.text and DETAILS["opening_hours"] in offices_page.text
    slot = (await slots_on(client, TOMORROW))[0]
    form = await client.get(f"/marriage/slot/{slot['id']}", headers=citizen)
    assert DETAILS["directions"] in form.text and DETAILS["phone"] in form.text
    booked = await book(client, citizen, slot["id"], woman)
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    detail = await client.get(f"/marriage/my/{code}", headers=citizen)
    assert DETAILS["address"] in detail.text and DETAILS["directions"] in detail.text

    outbox = await client.get(
        "/api/v1/testing/outbox", params={"recipient": "13800000000"}, headers=desk.admin
    )
    message = outbox.json()[0]["body"]
    assert DETAILS["address"] in message and DETAILS["phone"] in message

    ics = (await client.get(f"{API}/appointments/{code}/ics", headers=citizen)).text
    unfolded = ics.replace("\r\n ", "")
    location = next(line for line in unfolded.splitlines() if line.startswith("LOCATION:"))
    assert "江海区婚姻登记处" in location and "东海路 288 号" in location
    assert "路线：乘 16 路公交" in unfolded


async def test_public_marriage_page_lists_documents_per_service_and_where_to_go(client):
    desk = await open_desk(client)
    await client.patch(f"{API}/offices/JH01", json=DETAILS, headers=desk.admin)
    page = await client.get("/marriage/", headers={"accept": "text/html"})
    assert page.status_code == 200
    for service in ("marriage", "divorce", "reissue"):
        assert f'data-service="{service}"' in page.text
    assert "离婚协议书" in page.text and "居民身份证" in page.text
    assert DETAILS["address"] in page.text and DETAILS["opening_hours"] in page.text
    english = await client.get("/marriage/?lang=en", headers={"accept": "text/html"})
    assert "The divorce agreement signed by both of you" in english.text
    assert "Where to go" in english.text


async def test_admin_page_saves_the_details(client):
    desk = await open_desk(client)
    page = await client.get("/marriage/admin/offices/JH01", headers=desk.admin)
    assert 'action="/marriage/admin/offices/JH01/details"' in page.text
    r = await client.post("/marriage/admin/offices/JH01/details", data=DETAILS, headers=desk.admin)
    assert r.status_code == 303
    again = await client.get("/marriage/admin/offices/JH01", headers=desk.admin)
    assert DETAILS["directions"] in again.text
