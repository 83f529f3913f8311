"""Divorce by agreement, reissue and deaths over HTTP: API.md "Marriage"; DOMAIN.md
"Marriage registration" 7–9."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.plugins.marriage.support import (
    API,
    add_office,
    couple,
    open_desk,
    party,
    quick_citizen,
    register,
)

pytestmark = pytest.mark.db
D = dt.date
# Applied Tue 2026-09-01: cooling-off ends Thu 10-08 (day 30 falls in the National Day
# holiday), registration possible through Mon 11-09 (day 30 is Sat 11-07).
APPLIED = D(2026, 9, 1)


async def married_couple(client, today=D(2026, 5, 6)):
    desk = await open_desk(client, today=today)
    man, woman = couple(1)
    r = await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))
    return desk, man, woman, r.json()["certificate_no"]


async def apply(client, clerk, number, office="JH01"):
    return await client.post(
        f"{API}/divorce-applications",
        json={"marriage_certificate_no": number, "office_code": office},
        headers=clerk,
    )


async def test_cooling_off_then_registration(client):
    desk, man, woman, number = await married_couple(client)
    await factories.set_today(client, desk.admin, APPLIED)
    r = await apply(client, desk.clerk, number)
    assert r.status_code == 201, r.text
    application = r.json()
    assert application["status"] == "cooling_off" and application["applied_on"] == "2026-09-01"
    assert application["cooling_off_ends"] == "2026-10-08"
    assert application["register_by"] == "2026-11-09"
    url = f"{API}/divorce-applications/{application['id']}"
    r = await apply(client, desk.clerk, number)
    assert r.status_code == 409 and r.json()["code"] == "APPLICATION_EXISTS"
    for day in (APPLIED, D(2026, 10, 8)):  # the last day of cooling-off runs to midnight
        await factories.set_today(client, desk.admin, day)
        r = await client.post(f"{url}/register", headers=desk.clerk)
        assert r.status_code == 422 and r.json()["code"] == "COOLING_OFF"
    await factories.set_today(client, desk.admin, D(2026, 10, 9))
    r = await client.post(f"{url}/withdraw", json={"id_number": man}, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "NOT_IN_COOLING_OFF"
    await factories.set_today(client, desk.admin, D(2026, 11, 9))
    r = await client.post(f"{url}/register", headers=desk.clerk)
    assert r.status_code == 201, r.text
    assert r.json()["certificate_no"] == "L440704-2026-000001"
    assert r.json()["registered_on"] == "2026-11-09"
    for number_ in (man, woman):
        status = (await client.get(f"{API}/status/{number_}", headers=desk.clerk)).json()
        assert status["marital_status"] == "divorced"
        assert [rec["kind"] for rec in status["records"]] == ["married", "divorced"]
    r = await client.get(url, headers=desk.clerk)
    assert r.json()["status"] == "registered"
    r = await client.post(f"{url}/register", headers=desk.clerk)
    assert r.status_code == 409 and r.json()["code"] == "APPLICATION_CLOSED"
    # the marriage has ended
    r = await apply(client, desk.clerk, number)
    assert r.status_code == 422 and r.json()["code"] == "NOT_MARRIED"
    # the divorce certificate is a PDF for the clerk and the holders
    r = await client.get(
        f"{API}/certificates/L440704-2026-000001/pdf",
        headers=await quick_citizen(man, verification="identity"),
    )
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    # divorced people may marry again, each other too (复婚)
    r = await register(client, desk.clerk, party(woman, "李芳"), party(man, "王强"))
    assert r.status_code == 201


async def test_either_spouse_withdraws_during_cooling_off(client):
    desk, man, woman, number = await married_couple(client)
    await factories.set_today(client, desk.admin, APPLIED)
    application = (await apply(client, desk.clerk, number)).json()
    url = f"{API}/divorce-applications/{application['id']}"
    stranger, _ = couple(5)
    r = await client.post(f"{url}/withdraw", json={"id_number": stranger}, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "NOT_A_PARTY"
    r = await client.post(f"{url}/withdraw", json={"id_number": "123"}, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_ID_NUMBER"
    await factories.set_today(client, desk.admin, D(2026, 10, 8))
    r = await client.post(f"{url}/withdraw", json={"id_number": woman}, headers=desk.clerk)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = await client.post(f"{url}/withdraw", json={"id_number": man}, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "NOT_IN_COOLING_OFF"
    await factories.set_today(client, desk.admin, D(2026, 10, 20))
    r = await client.post(f"{url}/register", headers=desk.clerk)
    assert r.status_code == 409 and r.json()["code"] == "APPLICATION_CLOSED"
    status = (await client.get(f"{API}/status/{man}", headers=desk.clerk)).json()
    assert status["marital_status"] == "married"
    # a new application may follow a withdrawn one
    assert (await apply(client, desk.clerk, number)).status_code == 201


async def test_an_application_lapses_after_the_register_by_date(client):
    from plugins.marriage.services.divorce import sweep_expired

    desk, _, _, number = await married_couple(client)
    await factories.set_today(client, desk.admin, APPLIED)
    first = (await apply(client, desk.clerk, number)).json()
    await factories.set_today(client, desk.admin, D(2026, 11, 10))
    url = f"{API}/divorce-applications/{first['id']}"
    assert (await client.get(url, headers=desk.clerk)).json()["status"] == "expired"
    r = await client.post(f"{url}/register", headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "EXPIRED"
    assert (await client.get(url, headers=desk.clerk)).json()["status"] == "expired"
    # the sweep marks the others
    second_couple = couple(2)
    r = await register(
        client, desk.clerk, party(second_couple[0], "甲"), party(second_couple[1], "乙")
    )
    await factories.set_today(client, desk.admin, D(2026, 11, 11))
    second = (await apply(client, desk.clerk, r.json()["certificate_no"])).json()
    assert await sweep_expired(D(2027, 1, 30)) == "1 expired"
    from plugins.marriage.tables import DivorceApplication

    row = await DivorceApplication.select().where(DivorceApplication.id == second["id"]).first()
    assert row["status"] == "expired"
    # still married; a new application is possible
    assert (await apply(client, desk.clerk, number)).status_code == 201


async def test_divorce_refusals_and_access(client, staff):
    desk, man, _, number = await married_couple(client)
    r = await apply(client, desk.clerk, "J440704-2026-999999")
    assert r.status_code == 404
    r = await apply(client, desk.clerk, "not a number")
    assert r.status_code == 404
    await add_office(client, desk.admin, code="XH01", division="440703", name="蓬江区婚姻登记处")
    r = await apply(client, desk.clerk, number, office="XH01")
    assert r.status_code == 403
    assert (await apply(client, desk.admin, number)).status_code == 403
    assert (await apply(client, await quick_citizen(man), number)).status_code == 403
    application = (await apply(client, desk.clerk, number)).json()
    other_clerk = await staff("clerk", office_code="XH01")
    url = f"{API}/divorce-applications/{application['id']}"
    r = await client.post(f"{url}/withdraw", json={"id_number": man}, headers=other_clerk)
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"  # another office's record
    assert (
        await client.post(f"{API}/divorce-applications/9999/register", headers=desk.clerk)
    ).status_code == 404


async def test_a_death_closes_the_application_and_widows_the_spouse(client):
    desk, man, woman, number = await married_couple(client)
    await factories.set_today(client, desk.admin, APPLIED)
    application = (await apply(client, desk.clerk, number)).json()
    await factories.set_today(client, desk.admin, D(2026, 9, 20))
    r = await client.patch(
        f"/api/v1/people/{woman}", json={"deceased_on": "2026-09-15"}, headers=desk.clerk
    )
    assert r.status_code == 200, r.text
    url = f"{API}/divorce-applications/{application['id']}"
    assert (await client.get(url, headers=desk.clerk)).json()["status"] == "closed"
    status = (await client.get(f"{API}/status/{man}", headers=desk.clerk)).json()
    assert status["marital_status"] == "widowed"
    await factories.set_today(client, desk.admin, D(2026, 10, 20))
    r = await client.post(f"{url}/register", headers=desk.clerk)
    assert r.status_code == 409 and r.json()["code"] == "APPLICATION_CLOSED"
    r = await apply(client, desk.clerk, number)
    assert r.status_code == 422 and r.json()["code"] == "NOT_MARRIED"


async def test_reissue_gives_a_new_number_and_voids_the_old(client):
    desk, man, woman, number = await married_couple(client)
    await factories.set_today(client, desk.admin, D(2026, 7, 1))
    r = await client.post(
        f"{API}/reissues", json={"certificate_no": number, "id_number": woman}, headers=desk.clerk
    )
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["certificate_no"] == "BJ440704-2026-000001"
    old_check = (await client.get(f"/api/v1/verify/{number}", params={"c": "x"})).json()
    assert old_check["valid"] is False
    from core.certificates.service import check_code

    old = await client.get(f"/api/v1/verify/{number}", params={"c": check_code(number)})
    assert old.json()["valid"] is False
    fresh = await client.get(
        new["verify_url"].replace("http://testserver/verify", "/api/v1/verify")
    )
    assert fresh.json()["valid"] is True
    # the void number cannot be reissued again; the new one can, and divorces still work with it
    r = await client.post(
        f"{API}/reissues", json={"certificate_no": number, "id_number": man}, headers=desk.clerk
    )
    assert r.status_code == 422 and r.json()["code"] == "CERTIFICATE_VOID"
    r = await client.post(
        f"{API}/reissues",
        json={"certificate_no": new["certificate_no"].lower(), "id_number": man},
        headers=desk.clerk,
    )
    assert r.status_code == 201 and r.json()["certificate_no"] == "BJ440704-2026-000002"
    pdf = await client.get(
        f"{API}/certificates/{r.json()['certificate_no']}/pdf", headers=desk.clerk
    )
    from tests.plugins.marriage.test_marriage_registration_http import pdf_text

    assert "补发" in pdf_text(pdf.content) and new["certificate_no"] in pdf_text(pdf.content)
    r = await apply(client, desk.clerk, r.json()["certificate_no"])
    assert r.status_code == 201


async def test_reissue_refused_once_the_status_moved_on(client):
    desk, man, woman, number = await married_couple(client)
    await factories.set_today(client, desk.admin, APPLIED)
    application = (await apply(client, desk.clerk, number)).json()
    await factories.set_today(client, desk.admin, D(2026, 10, 9))
    divorce = await client.post(
        f"{API}/divorce-applications/{application['id']}/register", headers=desk.clerk
    )
    body = {"certificate_no": number, "id_number": man}
    r = await client.post(f"{API}/reissues", json=body, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "STATUS_CHANGED"
    body = {"certificate_no": divorce.json()["certificate_no"], "id_number": woman}
    r = await client.post(f"{API}/reissues", json=body, headers=desk.clerk)
    assert r.status_code == 201 and r.json()["certificate_no"] == "BL440704-2026-000001"
    # after remarrying each other, the divorce certificate no longer records the status
    await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))
    body = {"certificate_no": r.json()["certificate_no"], "id_number": woman}
    r = await client.post(f"{API}/reissues", json=body, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "STATUS_CHANGED"
    other, _ = couple(9)
    r = await client.post(
        f"{API}/reissues", json={"certificate_no": number, "id_number": other}, headers=desk.clerk
    )
    assert r.status_code == 422 and r.json()["code"] == "NOT_A_PARTY"


# DOMAIN.md "Marriage registration" 7 at its calendar boundaries, through the stored calendar:
# (accepted on, cooling-off ends, register by, the dates rest on a provisional year).
CALENDAR_CASES = [
    # 2025 (official): day 30 is Thu 2 Oct in the National Day week (1–8 Oct) → Thu 9 Oct
    (D(2025, 9, 2), D(2025, 10, 9), D(2025, 11, 10), False),
    # day 30 is Sun 28 Sep 2025, an adjusted working day (调休): it counts as working
    (D(2025, 8, 29), D(2025, 9, 28), D(2025, 10, 28), False),
    # register-by's day 30 is Sun 6 Jul 2025, an ordinary weekend day → Mon 7 Jul
    (D(2025, 5, 7), D(2025, 6, 6), D(2025, 7, 7), False),
    # 2027 (provisional): day 30 is Sat 1 May, 劳动节 1–2 May made up Mon 3 and Tue 4 (补假)
    (D(2027, 4, 1), D(2027, 5, 5), D(2027, 6, 4), True),
    # 2028 is entered below: day 30 is Sat 30 Sep, a working day of the entered schedule
    (D(2028, 8, 31), D(2028, 9, 30), D(2028, 10, 30), False),
    # 2029 (provisional): day 30 is Sat 22 Sep, 中秋, made up Mon 24 → Tue 25
    (D(2029, 8, 23), D(2029, 9, 25), D(2029, 10, 25), True),
    # 2030 (provisional): day 30 is Sat 2 Feb, 除夕; 春节 to Tue 5, Sat and Sun made up Wed 6 and
    # Thu 7 → Fri 8; register-by's day 30 is Sun 10 Mar → Mon 11 Mar
    (D(2030, 1, 3), D(2030, 2, 8), D(2030, 3, 11), True),
]
# A made-up official schedule for 2028: National Day 1–7 Oct, Sat 30 Sep worked.
SCHEDULE_2028 = [
    *({"date": f"2028-10-0{d}", "kind": "holiday", "name": "国庆节"} for d in range(1, 8)),
    {"date": "2028-09-30", "kind": "workday", "name": "国庆节"},
]


async def test_divorce_periods_end_on_the_stored_calendars_working_days(client):
    desk = await open_desk(client, today=D(2025, 5, 7))
    r = await client.put("/api/v1/calendar/2028", json={"days": SCHEDULE_2028}, headers=desk.admin)
    assert r.status_code == 200, r.text
    for seq, (applied, ends, register_by, provisional) in enumerate(CALENDAR_CASES, start=10):
        case = f"accepted {applied}"
        await factories.set_today(client, desk.admin, applied)
        man, woman = couple(seq)
        r = await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))
        assert r.status_code == 201, (case, r.text)
        r = await apply(client, desk.clerk, r.json()["certificate_no"])
        assert r.status_code == 201, (case, r.text)
        body = r.json()
        assert (body["cooling_off_ends"], body["register_by"]) == (
            ends.isoformat(),
            register_by.isoformat(),
        ), case
        assert body["provisional_calendar"] is provisional, case
        url = f"{API}/divorce-applications/{body['id']}/register"
        await factories.set_today(
            client, desk.admin, ends
        )  # the moved last day is still cooling-off
        r = await client.post(url, headers=desk.clerk)
        assert r.status_code == 422 and r.json()["code"] == "COOLING_OFF", case
        await factories.set_today(
            client, desk.admin, register_by
        )  # the moved last day still registers
        r = await client.post(url, headers=desk.clerk)
        assert r.status_code == 201, (case, r.text)
