"""An official holiday schedule moves the end of an evaluation's public notice later, never
earlier, audited and told to the organization: DOMAIN.md "The working-day calendar", social
organizations' public notice (5 working days). On both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.plugins.social_orgs.test_social_orgs_evaluation_http import evaluate, sheet

pytestmark = pytest.mark.db
D = dt.date


async def _evaluated_on(client, reviewer, set_today, new_org, org_login, file_report, day):
    code = await new_org(registered_on=D(2023, 1, 10), name="江海区义工联合会")
    org = await org_login(code)
    await set_today(D(2026, 3, 1))
    for year in (2023, 2024, 2025):
        await file_report(code, year, org)
    await set_today(day)
    r = await evaluate(client, reviewer, code, sheet(850), year=2026)
    assert r.status_code == 201, r.text
    return code, r.json()


async def test_hook_calendar_changed_moves_a_public_notice_end(
    client, reviewer, admin, set_today, new_org, org_login, file_report
):
    # Posted Mon 2026-12-28: 29, 30, 31 Dec, (元旦 2027 provisional), 4 and 5 Jan.
    _, created = await _evaluated_on(
        client, reviewer, set_today, new_org, org_login, file_report, D(2026, 12, 28)
    )
    assert created["notice_ends_on"] == "2027-01-05"
    schedule = [{"date": f"2027-01-0{d}", "kind": "holiday", "name": "元旦"} for d in range(1, 5)]
    r = await client.put("/api/v1/calendar/2027", json={"days": schedule}, headers=admin)
    assert r.status_code == 200, r.text
    [move] = [m for m in r.json()["moves"] if m["plugin"] == "social_orgs"]
    assert (move["told"], move["moved_to"], move["person"]) == (
        "2027-01-05",
        "2027-01-06",
        "江海区义工联合会",
    )
    await set_today(D(2027, 1, 6))  # the new last day: not yet over
    announce = f"/api/v1/orgs/evaluations/{created['id']}/announce"
    r = await client.post(announce, headers=reviewer)
    assert r.status_code == 422 and r.json()["code"] == "PUBLIC_NOTICE_NOT_OVER"
    from core.tables import Notification

    bodies = [
        n["body"] for n in await Notification.select().where(Notification.plugin == "social_orgs")
    ]
    assert any("2027年01月06日" in body for body in bodies)
    r = await client.get(
        "/api/v1/admin/audit",
        params={"action": "social_orgs.evaluation.notice_moved"},
        headers=admin,
    )
    assert r.json()["total"] == 1


async def test_hook_calendar_changed_never_shortens_a_public_notice(
    client, reviewer, admin, set_today, new_org, org_login, file_report
):
    _, created = await _evaluated_on(
        client, reviewer, set_today, new_org, org_login, file_report, D(2026, 12, 28)
    )
    # An official schedule that keeps 1 Jan open would end the notice on the 4th: kept on the 5th.
    schedule = [{"date": "2027-02-08", "kind": "holiday", "name": "春节"}]
    r = await client.put("/api/v1/calendar/2027", json={"days": schedule}, headers=admin)
    assert r.status_code == 200 and r.json()["moves"] == []
    await set_today(D(2027, 1, 5))
    r = await client.post(f"/api/v1/orgs/evaluations/{created['id']}/announce", headers=reviewer)
    assert r.status_code == 422 and r.json()["code"] == "PUBLIC_NOTICE_NOT_OVER"
