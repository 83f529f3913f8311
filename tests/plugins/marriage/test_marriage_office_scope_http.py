"""Object scope of clerks (issue 12 item 2): a clerk of office XH01 reaches none of office JH01's
appointments, registrations, divorce applications or certificates — API and pages answer 404
as for a record that does not exist — while JH01's own clerk does, and her reads are audited."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.plugins.marriage.support import (
    API,
    TODAY,
    add_office,
    book,
    couple,
    open_desk,
    party,
    quick_citizen,
    register,
    slots_on,
)

pytestmark = pytest.mark.db


async def _two_offices(client, staff):
    desk = await open_desk(client)
    await add_office(client, desk.admin, code="XH01", division="440703", name="蓬江区婚姻登记处")
    other = await staff("clerk", office_code="XH01")
    return desk, other


async def _audited(client, admin, action: str) -> list[dict]:
    r = await client.get("/api/v1/admin/audit", params={"action": action}, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_appointments_of_another_office_are_not_found(client, staff):
    desk, other = await _two_offices(client, staff)
    man, woman = couple(1)
    booker = await quick_citizen(man)
    slot = (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]
    code = (await book(client, booker, slot["id"], woman)).json()["code"]
    url = f"{API}/appointments/{code}"

    for method, path in (
        ("GET", url),
        ("GET", f"{url}/ics"),
        ("POST", f"{url}/check-in"),
        ("DELETE", url),
    ):
        r = await client.request(method, path, headers=other)
        assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", (method, path)
    page = await client.get(
        "/marriage/workbench/register", params={"appointment": code}, headers=other
    )
    assert page.status_code == 404
    found = await client.get("/api/v1/search", params={"q": code}, headers=other)
    assert not [x for x in found.json()["items"] if x["kind"] == "appointment"]

    r = await client.get(url, headers=desk.clerk)
    assert r.status_code == 200 and r.json()["partner"]["id_number"] == woman
    (event,) = await _audited(client, desk.admin, "marriage.appointment.read")
    assert event["entity_id"] == code and woman not in str(event)
    found = await client.get("/api/v1/search", params={"q": code}, headers=desk.clerk)
    assert [x for x in found.json()["items"] if x["kind"] == "appointment"]
    r = await client.delete(url, headers=desk.clerk)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


async def test_registrations_and_certificates_of_another_office_are_not_found(client, staff):
    desk, other = await _two_offices(client, staff)
    man, woman = couple(2)
    r = await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))
    assert r.status_code == 201, r.text
    created = r.json()
    number = created["certificate_no"]

    r = await client.get(f"{API}/registrations/{created['id']}", headers=other)
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
    r = await client.get(f"{API}/certificates/{number}/pdf", headers=other)
    assert r.status_code == 404
    page = await client.get(f"/marriage/workbench/registrations/{created['id']}", headers=other)
    assert page.status_code == 404
    found = await client.get("/api/v1/search", params={"q": number}, headers=other)
    # Only the public verification link (masked names, as on /verify) — not the PDF.
    assert not [x for x in found.json()["items"] if x["href"].endswith("/pdf")]

    r = await client.get(f"{API}/registrations/{created['id']}", headers=desk.clerk)
    assert r.status_code == 200 and r.json()["party_a"]["id_number"] == man
    assert await _audited(client, desk.admin, "marriage.registration.read")
    r = await client.get(f"{API}/certificates/{number}/pdf", headers=desk.clerk)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")

    # Reissued at XH01 (the couple may ask at any registry): the new certificate is XH01's.
    r = await client.post(
        f"{API}/reissues", json={"certificate_no": number, "id_number": woman}, headers=other
    )
    assert r.status_code == 201, r.text
    new_no = r.json()["certificate_no"]
    assert (await client.get(f"{API}/certificates/{new_no}/pdf", headers=other)).status_code == 200
    r = await client.get(f"{API}/certificates/{new_no}/pdf", headers=desk.clerk)
    assert r.status_code == 404


async def test_divorce_applications_of_another_office_are_not_found(client, staff):
    desk, other = await _two_offices(client, staff)
    man, woman = couple(3)
    number = (await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))).json()[
        "certificate_no"
    ]
    r = await client.post(
        f"{API}/divorce-applications",
        json={"marriage_certificate_no": number, "office_code": "JH01"},
        headers=desk.clerk,
    )
    assert r.status_code == 201, r.text
    url = f"{API}/divorce-applications/{r.json()['id']}"

    for method, path, body in (
        ("GET", url, None),
        ("POST", f"{url}/withdraw", {"id_number": man}),
        ("POST", f"{url}/register", None),
    ):
        r = await client.request(method, path, json=body, headers=other)
        assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", (method, path)
    page = await client.get(f"/marriage/workbench/divorce/{url.rsplit('/', 1)[1]}", headers=other)
    assert page.status_code == 404
    # the pages' first steps (the confirmation, asked before anything is done) too
    bench = f"/marriage/workbench/divorce/{url.rsplit('/', 1)[1]}"
    for action, data in (("withdraw", {"id_number": man}), ("register", {})):
        r = await client.post(f"{bench}/{action}", data=data, headers=other)
        assert r.status_code == 404 and "王强" not in r.text, action
    asked = await client.post(f"{bench}/withdraw", data={"id_number": man}, headers=desk.clerk)
    assert asked.status_code == 200 and 'name="confirmed"' in asked.text

    r = await client.get(url, headers=desk.clerk)
    assert r.status_code == 200 and r.json()["status"] == "cooling_off"
    assert await _audited(client, desk.admin, "marriage.divorce_application.read")
    r = await client.post(f"{url}/withdraw", json={"id_number": man}, headers=desk.clerk)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


async def test_printing_another_offices_registration_is_not_found(client, staff):
    desk, other = await _two_offices(client, staff)
    man, woman = couple(4)
    r = await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))
    assert r.status_code == 201, r.text
    base = f"/marriage/workbench/registrations/{r.json()['id']}"
    for name in ("booklet", "declaration", "review"):
        assert (await client.get(f"{base}/{name}.pdf", headers=other)).status_code == 404, name
    assert await _audited(client, desk.admin, "marriage.registration.printed") == []
    for name in ("booklet", "declaration", "review"):
        r = await client.get(f"{base}/{name}.pdf", headers=desk.clerk)
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), name
    assert len(await _audited(client, desk.admin, "marriage.registration.printed")) == 3

    # The printer's calibration is the admin's, not a clerk's, even at her own office.
    r = await client.post(
        "/marriage/admin/offices/JH01/printer",
        data={"offset_x_mm": "1", "offset_y_mm": "1"},
        headers=desk.clerk,
    )
    assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    r = await client.get("/marriage/admin/offices/JH01/printer-test.pdf", headers=desk.clerk)
    assert r.status_code == 403


async def test_registering_with_another_offices_appointment_answers_as_for_none(client, staff):
    """The appointment code of another office cannot be probed: the registration, and the
    registration page's check before its confirmation, answer 404 as for a code that does not
    exist (not "does not match"), and show nothing of the booking."""
    desk, other = await _two_offices(client, staff)
    man, woman = couple(5)
    booker = await quick_citizen(man)
    slot = (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]
    code = (await book(client, booker, slot["id"], woman)).json()["code"]

    for appointment in (code, "NOSUCHCODE"):
        r = await register(
            client,
            other,
            party(man, "王强"),
            party(woman, "李芳"),
            office="XH01",
            appointment_code=appointment,
        )
        assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", appointment
    data = {
        "appointment_code": code, "kinship": "signed",
        "a_id_number": man, "a_name": "王强", "a_hukou_division": "440704",
        "a_residence_permit_division": "",
        "b_id_number": woman, "b_name": "李芳", "b_hukou_division": "440704",
        "b_residence_permit_division": "",
    }  # fmt: skip
    asked = await client.post("/marriage/workbench/register", data=data, headers=other)
    assert asked.status_code == 404 and 'name="confirmed"' not in asked.text
    r = await client.get(f"{API}/appointments/{code}", headers=booker)
    assert r.json()["status"] == "booked"

    # at its own office the same form reaches the confirmation step
    asked = await client.post("/marriage/workbench/register", data=data, headers=desk.clerk)
    assert asked.status_code == 200 and 'name="confirmed"' in asked.text
