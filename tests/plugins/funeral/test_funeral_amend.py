"""Voiding and correcting waivers: audited, with a reason, by clerks and reviewers."""

from __future__ import annotations

import datetime as dt

import pytest

from core.certificates.service import check_code
from core.tables import AuditEvent
from tests.plugins.funeral.support import TODAY, person_number, roster, waiver

pytestmark = pytest.mark.db

DIED = dt.date(2026, 3, 1)


@pytest.fixture
async def recorded(client, clerk):
    number = person_number(dt.date(1936, 3, 3), "male")
    await roster((number, "梁伯", "dibao", dt.date(2019, 1, 1), None))
    r = await client.post("/api/v1/funeral/waivers", json=waiver(number, DIED), headers=clerk)
    assert r.status_code == 201
    return number, r.json()


async def test_void_keeps_the_record_voids_the_notice_and_is_audited(
    client, clerk, reviewer, recorded
):
    number, first = recorded
    url = f"/api/v1/funeral/waivers/{first['id']}/void"
    r = await client.post(url, json={"reason": "死亡日期登记错误"}, headers=reviewer)
    assert r.status_code == 200, r.text
    assert (r.json()["voided"], r.json()["voided_on"]) == (True, TODAY.isoformat())
    again = await client.post(url, json={"reason": "再次作废"}, headers=clerk)
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_VOIDED")
    notice = first["notice_no"]
    verify = await client.get(f"/api/v1/verify/{notice}?c={check_code(notice)}")
    assert verify.json()["valid"] is False
    events = await AuditEvent.select().where(AuditEvent.action == "funeral.waiver.voided")
    assert len(events) == 1 and events[0]["actor"].startswith("reviewer")
    assert "死亡日期登记错误" in events[0]["summary"]
    assert number not in events[0]["summary"]  # never a full identity number
    # Once voided, the deceased may get a new waiver.
    renewed = await client.post(
        "/api/v1/funeral/waivers", json=waiver(number, DIED - dt.timedelta(days=1)), headers=clerk
    )
    assert renewed.status_code == 201


async def test_void_refusals(client, clerk, staff, recorded):
    _, first = recorded
    url = f"/api/v1/funeral/waivers/{first['id']}/void"
    blank = await client.post(url, json={"reason": "   "}, headers=clerk)
    assert (blank.status_code, blank.json()["code"]) == (422, "REASON_REQUIRED")
    empty = await client.post(url, json={"reason": ""}, headers=clerk)
    assert empty.status_code == 400
    missing = await client.post(
        "/api/v1/funeral/waivers/999999/void", json={"reason": "x"}, headers=clerk
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    forbidden = await client.post(url, json={"reason": "x"}, headers=await staff("admin"))
    assert forbidden.status_code == 403


async def test_correction_replaces_the_waiver_under_the_policy_of_the_day_of_death(
    client, clerk, admin, reviewer, recorded, set_today
):
    number, first = recorded
    # The caps change the next day; the correction still applies the policy in force on the day
    # of death, as the original did.
    await set_today(TODAY + dt.timedelta(days=1))
    policy = (await client.get("/api/v1/funeral/policy")).json()
    del policy["effective_from"]  # from today
    for item in policy["items"]:
        if item["code"] == "cremation":
            item["cap_fen"] = 40000
    put = await client.put("/api/v1/funeral/policy", json=policy, headers=admin)
    assert put.status_code == 200, put.text
    body = waiver(
        number,
        DIED,
        items=[{"code": "cremation", "fee_fen": 35000}, {"code": "urn", "fee_fen": 9000}],
    )
    r = await client.post(
        f"/api/v1/funeral/waivers/{first['id']}/correct",
        json={**body, "reason": "漏报骨灰盒"},
        headers=clerk,
    )
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["replaces_id"] == first["id"]
    assert new["waived_fen"] == 25000 + 9000
    assert new["policy_version"] == first["policy_version"] is None
    old = (await client.get(f"/api/v1/funeral/waivers/{first['id']}", headers=clerk)).json()
    assert (old["voided"], old["replaced_by_id"]) == (True, new["id"])
    rows = (await client.get("/api/v1/funeral/settlements/2026-03", headers=reviewer)).json()
    assert [(r["waiver_cases"], r["correction_cases"], r["waived_fen"]) for r in rows] == [
        (2, -1, 34000)
    ]


async def test_correction_cannot_change_who_died(client, clerk, recorded):
    _, first = recorded
    body = waiver(person_number(dt.date(1950, 5, 5)), DIED)
    r = await client.post(
        f"/api/v1/funeral/waivers/{first['id']}/correct",
        json={**body, "reason": "错人"},
        headers=clerk,
    )
    assert (r.status_code, r.json()["code"]) == (422, "DECEASED_MISMATCH")
    still = await client.get(f"/api/v1/funeral/waivers/{first['id']}", headers=clerk)
    assert still.json()["voided"] is False
