"""An official holiday schedule entered over HTTP keeps the promises already made: DOMAIN.md "The
working-day calendar"; API.md ``PUT /calendar/{year}``, ``GET /divorce-applications/{id}``
(``provisional_calendar``). On both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.plugins.marriage.support import (
    API,
    book,
    couple,
    open_desk,
    party,
    places_of,
    put_schedule,
    quick_citizen,
    register,
    slots_on,
)

pytestmark = pytest.mark.db
D = dt.date
CALENDAR = "/api/v1/calendar"

# A made-up State Council schedule for 2027: New Year closed Fri 1 … Mon 4 Jan, Sat 9 Jan worked.
SCHEDULE_2027 = [
    {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-02", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-03", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-04", "kind": "holiday", "name": "元旦"},
    {"date": "2027-01-09", "kind": "workday", "name": "元旦"},
    *({"date": f"2027-02-{d:02d}", "kind": "holiday", "name": "春节"} for d in range(5, 12)),
]


async def _married(client, desk, seq=1):
    man, woman = couple(seq)
    r = await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))
    assert r.status_code == 201, r.text
    return man, woman, r.json()["certificate_no"]


async def _apply(client, clerk, number):
    r = await client.post(
        f"{API}/divorce-applications",
        json={"marriage_certificate_no": number, "office_code": "JH01"},
        headers=clerk,
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _outbox(recipient: str) -> list[dict]:
    from core.tables import Notification

    return await Notification.select().where(Notification.recipient == recipient)


async def test_hook_calendar_changed_moves_dates_later_and_cancels_closed_days(client):
    desk = await open_desk(client, today=D(2026, 5, 6))
    man, woman, number = await _married(client, desk)
    await quick_citizen(man, "王强")  # the husband has an account with a phone
    # Accepted 2026-12-02: day 30 is 元旦 2027 (provisional): cooling-off ends Mon 2027-01-04.
    await factories.set_today(client, desk.admin, D(2026, 12, 2))
    application = await _apply(client, desk.clerk, number)
    assert application["cooling_off_ends"] == "2027-01-04"
    assert application["register_by"] == "2027-02-03"
    assert application["provisional_calendar"] is True
    url = f"{API}/divorce-applications/{application['id']}"
    assert (await client.get(url, headers=desk.clerk)).json()["provisional_calendar"] is True
    detail_page = f"/marriage/workbench/divorce/{application['id']}"
    html = (await client.get(detail_page, headers={**desk.clerk, "accept": "text/html"})).text
    assert "暂定节假日安排" in html  # the staff page says the dates rest on a provisional year

    # Slots into January 2027: none on 元旦 (provisional year), one booked on Mon 4 Jan.
    await factories.set_today(client, desk.admin, D(2026, 12, 28))
    await put_schedule(client, desk.admin, horizon=14)
    assert await slots_on(client, D(2027, 1, 1)) == []
    assert await slots_on(client, D(2027, 1, 9)) == []  # a Saturday, no 调休 guessed
    booker_id, partner_id = couple(7)
    booker = await quick_citizen(booker_id, "赵六")
    slot = (await slots_on(client, D(2027, 1, 4)))[0]
    r = await book(client, booker, slot["id"], partner_id)
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    days_page = {**booker, "accept": "text/html"}
    html = (await client.get("/marriage/book/JH01", headers=days_page)).text
    assert "2027年放假安排尚未公布" in html  # the citizen is told the date may still close

    # The preview shows what will move and changes nothing.
    r = await client.post(
        f"{CALENDAR}/2027/preview", json={"days": SCHEDULE_2027}, headers=desk.admin
    )
    assert r.status_code == 200, r.text
    moves = {(m["entity"], m["what"].split(" / ")[1]): m for m in r.json()["moves"]}
    cooling = moves[("divorce_application", "cooling-off ends")]
    assert (cooling["told"], cooling["moved_to"]) == ("2027-01-04", "2027-01-05")
    register_by = moves[("divorce_application", "register by")]
    assert (register_by["told"], register_by["moved_to"]) == ("2027-02-03", "2027-02-04")
    appointment = moves[("appointment", "appointment")]
    assert appointment["entity_id"] == code and appointment["cancelled"] is True
    assert (await client.get(url, headers=desk.clerk)).json()["cooling_off_ends"] == "2027-01-04"

    r = await client.put(f"{CALENDAR}/2027", json={"days": SCHEDULE_2027}, headers=desk.admin)
    assert r.status_code == 200, r.text
    assert len(r.json()["moves"]) == 3

    current = (await client.get(url, headers=desk.clerk)).json()
    assert current["cooling_off_ends"] == "2027-01-05"
    assert current["register_by"] == "2027-02-04"
    assert current["provisional_calendar"] is False
    html = (await client.get(detail_page, headers={**desk.clerk, "accept": "text/html"})).text
    assert "暂定节假日安排" not in html and "2027-01-05" in html
    told = await _outbox("13800000000")  # the husband's phone
    assert any("2027年01月05日" in m["body"] for m in told)
    assert any("2027年01月05日" in m["body"] for m in await _outbox(woman))  # her account inbox
    r = await client.get("/api/v1/admin/audit", params={"action": "marriage.divorce.dates_moved"},
                         headers=desk.admin)  # fmt: skip
    assert r.json()["total"] == 1

    # The booking on the now-closed Monday is cancelled with a message and priority rebooking.
    r = await client.get(f"{API}/appointments/{code}", headers=booker)
    assert r.json()["status"] == "cancelled" and r.json()["rebook_until"] == "2027-01-27"
    assert any(code in m["body"] and "优先改约" in m["body"] for m in told)
    assert await slots_on(client, D(2027, 1, 4)) == []
    assert await slots_on(client, D(2027, 1, 9))  # the adjusted Saturday opened
    html = (await client.get("/marriage/book/JH01", headers=days_page)).text
    assert "放假安排尚未公布" not in html

    # Priority rebooking: even a full slot takes them.
    full = (await slots_on(client, D(2027, 1, 5)))[0]
    for seq in (20, 21):
        a, b = couple(seq)
        r = await book(client, await quick_citizen(a, "某甲"), full["id"], b)
        assert r.status_code == 201, r.text
    r = await book(client, booker, full["id"], partner_id)
    assert r.status_code == 409 and r.json()["code"] == "SLOT_FULL"
    r = await client.post(
        f"{API}/appointments/{code}/rebook", json={"slot_id": full["id"]}, headers=booker
    )
    assert r.status_code == 201, r.text
    assert r.json()["date"] == "2027-01-05" and r.json()["status"] == "booked"
    # one more place, theirs
    after = (await slots_on(client, D(2027, 1, 5)))[0]
    assert (after["capacity"], after["remaining"]) == (3, 0)
    assert (await places_of(full["id"]))[2] == (3, r.json()["code"])
    r = await client.post(
        f"{API}/appointments/{code}/rebook", json={"slot_id": full["id"]}, headers=booker
    )
    assert r.status_code == 422 and r.json()["code"] == "NO_PRIORITY_REBOOKING"


async def test_hook_calendar_changed_never_moves_a_date_earlier(client):
    desk = await open_desk(client, today=D(2026, 5, 6))
    _, _, number = await _married(client, desk)
    # Accepted 2026-12-03: day 30 is Sat 2027-01-02, provisional → Mon 2027-01-04.
    await factories.set_today(client, desk.admin, D(2026, 12, 3))
    application = await _apply(client, desk.clerk, number)
    assert application["cooling_off_ends"] == "2027-01-04"
    # An official schedule that works Sat 2 Jan would end cooling-off earlier: the promise holds.
    schedule = [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-01-02", "kind": "workday", "name": "元旦"},
    ]
    r = await client.put(f"{CALENDAR}/2027", json={"days": schedule}, headers=desk.admin)
    assert r.status_code == 200 and r.json()["moves"] == []
    current = (
        await client.get(f"{API}/divorce-applications/{application['id']}", headers=desk.clerk)
    ).json()
    assert current["cooling_off_ends"] == "2027-01-04" and current["register_by"] == "2027-02-03"


async def test_the_daily_job_moves_a_date_told_before_the_year_was_known(client):
    """Before issue 11 the fallback was Monday–Friday: an application accepted 2026-12-02 was
    told 2027-01-01 (元旦). The promise job moves it to the next working day, and only later."""
    from core.jobs import run_job
    from core.plugins import get_host
    from core.tables import Notification
    from plugins.marriage.tables import DivorceApplication

    desk = await open_desk(client, today=D(2026, 5, 6))
    _, woman, number = await _married(client, desk)
    await factories.set_today(client, desk.admin, D(2026, 12, 2))
    application = await _apply(client, desk.clerk, number)
    await DivorceApplication.update(
        {
            DivorceApplication.cooling_off_ends: D(2027, 1, 1),
            DivorceApplication.register_by: D(2027, 2, 1),
        }
    ).where(DivorceApplication.id == application["id"])
    job = get_host().jobs["core.calendar_promises"]
    assert await run_job(job, force=True) == "2 date(s) moved"
    url = f"{API}/divorce-applications/{application['id']}"
    current = (await client.get(url, headers=desk.clerk)).json()
    assert (current["cooling_off_ends"], current["register_by"]) == ("2027-01-04", "2027-02-03")
    told = await Notification.select().where(Notification.recipient == woman)
    assert any("2027年01月04日" in m["body"] for m in told)
    assert await run_job(job, force=True) == "0 date(s) moved"  # nothing twice


async def test_priority_rebooking_is_the_bookers_own_until_its_last_day(client):
    desk = await open_desk(client)  # Mon 2026-06-01, slots for two weeks
    booker_id, partner_id = couple(3)
    booker = await quick_citizen(booker_id, "赵六")
    slot = (await slots_on(client, D(2026, 6, 3)))[0]
    r = await book(client, booker, slot["id"], partner_id)
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    # An official 2026 that closes Wed 3 June cancels the booking with priority rebooking.
    closed = [{"date": "2026-06-03", "kind": "holiday", "name": "停办"}]
    r = await client.put(f"{CALENDAR}/2026", json={"days": closed}, headers=desk.admin)
    assert r.status_code == 200, r.text
    r = await client.get(f"{API}/appointments/{code}", headers=booker)
    assert r.json()["status"] == "cancelled" and r.json()["rebook_until"] == "2026-07-01"
    rebook = f"{API}/appointments/{code}/rebook"
    target = (await slots_on(client, D(2026, 6, 4)))[0]

    other_id, _ = couple(4)
    r = await client.post(
        rebook, json={"slot_id": target["id"]}, headers=await quick_citizen(other_id)
    )
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"  # another citizen's booking
    r = await client.post(rebook, json={"slot_id": target["id"]}, headers=desk.clerk)
    assert r.status_code == 403  # a clerk does not rebook for the couple

    await factories.set_today(client, desk.admin, D(2026, 7, 2))
    await put_schedule(client, desk.admin)
    later = (await slots_on(client, D(2026, 7, 3)))[0]
    r = await client.post(rebook, json={"slot_id": later["id"]}, headers=booker)
    assert r.status_code == 422 and r.json()["code"] == "PRIORITY_REBOOKING_EXPIRED"
    await factories.set_today(client, desk.admin, D(2026, 7, 1))  # the last day of the priority
    r = await client.post(rebook, json={"slot_id": target["id"]}, headers=booker)
    assert r.status_code == 422 and r.json()["code"] == "SLOT_IN_PAST"
    r = await client.post(rebook, json={"slot_id": later["id"]}, headers=booker)
    assert r.status_code == 201, r.text
    assert r.json()["date"] == "2026-07-03" and r.json()["rebooked_from"] == code
    after = (await slots_on(client, D(2026, 7, 3)))[0]
    assert (after["capacity"], after["remaining"]) == (2, 1)  # a free place was theirs
