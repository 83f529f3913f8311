"""The abnormal-activity list, deregistration proposals and deadline reminders, computed on the
application's date (DOMAIN.md "Social organizations")."""

from __future__ import annotations

import datetime as dt

import pytest

from core.jobs import run_job
from core.plugins import get_host

pytestmark = pytest.mark.db

D = dt.date


async def abnormal(client, headers, year: int) -> list[str]:
    r = await client.get("/api/v1/orgs/abnormal", params={"year": year}, headers=headers)
    assert r.status_code == 200, r.text
    return [item["uscc"] for item in r.json()["items"]]


async def test_listed_after_the_deadline_until_a_late_filing(
    client, clerk, set_today, new_org, org_login, file_report
):
    group = await new_org("social_group", registered_on=D(2023, 6, 30))
    foundation = await new_org("foundation", registered_on=D(2023, 1, 10))
    too_late_to_owe = await new_org("social_group", registered_on=D(2024, 7, 1))
    on_time = await new_org("social_service", registered_on=D(2020, 1, 1))
    await set_today(D(2025, 3, 1))
    await file_report(on_time, 2024, await org_login(on_time))

    await set_today(D(2025, 3, 31))  # foundations' deadline day: not yet abnormal
    assert await abnormal(client, clerk, 2024) == []
    await set_today(D(2025, 4, 1))
    assert await abnormal(client, clerk, 2024) == [foundation]
    await set_today(D(2025, 5, 31))
    assert await abnormal(client, clerk, 2024) == [foundation]
    await set_today(D(2025, 6, 1))
    listed = await abnormal(client, clerk, 2024)
    assert sorted(listed) == sorted([group, foundation])
    assert too_late_to_owe not in listed  # registered after 30 June 2024: no 2024 report due

    item = (await client.get("/api/v1/orgs/abnormal?year=2024", headers=clerk)).json()["items"]
    by_code = {i["uscc"]: i for i in item}
    assert by_code[foundation]["deadline"] == "2025-03-31"
    assert by_code[foundation]["listed_since"] == "2025-04-01"

    report = await file_report(group, 2024, await org_login(group))
    assert report["late"] is True
    assert await abnormal(client, clerk, 2024) == [foundation]
    profile = (await client.get(f"/api/v1/orgs/{foundation}")).json()
    assert profile["on_abnormal_list"] is True and profile["abnormal_years"] == [2023, 2024]


async def test_a_draft_does_not_count_as_filed(client, clerk, set_today, new_org, org_login):
    code = await new_org(registered_on=D(2023, 1, 1))
    org = await org_login(code)
    await set_today(D(2025, 5, 1))
    await client.put(
        f"/api/v1/orgs/{code}/annual-reports/2024", json={"volunteers": 1}, headers=org
    )
    await set_today(D(2025, 6, 1))
    assert await abnormal(client, clerk, 2024) == [code]


async def test_who_reads_the_abnormal_list(client, staff, new_org, org_login):
    code = await new_org()
    assert (await client.get("/api/v1/orgs/abnormal?year=2024")).status_code == 401
    org = await org_login(code)
    assert (await client.get("/api/v1/orgs/abnormal?year=2024", headers=org)).status_code == 403
    reviewer = await staff("reviewer")
    assert (
        await client.get("/api/v1/orgs/abnormal?year=2024", headers=reviewer)
    ).status_code == 200
    assert (
        await client.get("/api/v1/orgs/abnormal?year=1800", headers=reviewer)
    ).status_code == 400


async def test_two_missed_years_go_to_the_reviewer(
    client, clerk, reviewer, audit_log, set_today, new_org, org_login, file_report
):
    missing = await new_org(registered_on=D(2022, 3, 1))
    org = await org_login(missing)
    one_gap = await new_org(registered_on=D(2022, 3, 1))
    await set_today(D(2024, 3, 1))
    await file_report(one_gap, 2023, await org_login(one_gap))
    await set_today(D(2025, 6, 1))  # 2023 and 2024 both unfiled by `missing`; 2022 too

    queue = (await client.get("/api/v1/orgs/deregistration-proposals", headers=reviewer)).json()
    assert [(p["uscc"], p["years"]) for p in queue] == [(missing, [2023, 2024])]
    assert (
        await client.get("/api/v1/orgs/deregistration-proposals", headers=clerk)
    ).status_code == 200

    confirm = f"/api/v1/orgs/deregistration-proposals/{missing}/confirm"
    assert (await client.post(confirm, json={"note": "x"}, headers=clerk)).status_code == 403
    r = await client.post(confirm, json={"note": "经公告仍未报送"}, headers=reviewer)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "deregistered" and r.json()["years"] == [2023, 2024]
    profile = (await client.get(f"/api/v1/orgs/{missing}")).json()
    assert profile["status"] == "deregistered" and profile["deregistered_on"] == "2025-06-01"
    assert (
        await client.get("/api/v1/orgs/deregistration-proposals", headers=reviewer)
    ).json() == []
    assert missing not in await abnormal(client, clerk, 2024)  # no longer in the registry
    late = await client.put(
        f"/api/v1/orgs/{missing}/annual-reports/2024", json={"volunteers": 1}, headers=org
    )
    assert late.status_code == 422 and late.json()["code"] == "ORG_DEREGISTERED"
    account = await client.post(
        f"/api/v1/orgs/{missing}/accounts",
        json={"username": "too-late", "password": "secret-pw-9"},
        headers=clerk,
    )
    assert account.status_code == 422 and account.json()["code"] == "ORG_DEREGISTERED"

    again = await client.post(confirm, headers=reviewer)
    assert again.status_code == 422 and again.json()["code"] == "NOT_PROPOSED"
    no_grounds = await client.post(
        f"/api/v1/orgs/deregistration-proposals/{one_gap}/confirm", headers=reviewer
    )
    assert no_grounds.status_code == 422 and no_grounds.json()["code"] == "NOT_PROPOSED"
    assert len(await audit_log("social_orgs.deregistration.confirmed")) == 1


async def test_a_rejected_proposal_returns_only_for_new_grounds(
    client, reviewer, set_today, new_org
):
    code = await new_org(registered_on=D(2022, 3, 1))
    await set_today(D(2025, 6, 1))
    r = await client.post(
        f"/api/v1/orgs/deregistration-proposals/{code}/reject",
        json={"note": "已整改"},
        headers=reviewer,
    )
    assert r.status_code == 200 and r.json()["decision"] == "rejected"
    assert (await client.get(f"/api/v1/orgs/{code}")).json()["status"] == "active"
    assert (
        await client.get("/api/v1/orgs/deregistration-proposals", headers=reviewer)
    ).json() == []
    await set_today(D(2026, 6, 1))  # 2025 is missed as well: new grounds 2024–2025
    queue = (await client.get("/api/v1/orgs/deregistration-proposals", headers=reviewer)).json()
    assert [p["years"] for p in queue] == [[2024, 2025]]


async def _run_reminders() -> str | None:
    job = get_host().jobs["social_orgs.send_reminders"]
    return await run_job(job, force=True)


async def _reminders(client, admin) -> list[dict]:
    outbox = (await client.get("/api/v1/admin/notifications?limit=500", headers=admin)).json()
    return [m for m in outbox["items"] if "截止" in m["subject"]]


async def test_reminders_before_the_deadline_are_sent_once(
    client, admin, set_today, new_org, org_login, file_report
):
    await new_org(registered_on=D(2023, 1, 1), contact_phone="13800001111")
    foundation = await new_org("foundation", registered_on=D(2023, 1, 1))
    filed = await new_org(registered_on=D(2023, 1, 1), contact_phone="13800002222")
    await set_today(D(2025, 1, 10))
    await file_report(filed, 2024, await org_login(filed))

    await set_today(D(2025, 3, 1))  # 30 days before foundations' 31 March
    assert await _run_reminders() == "reminders sent: 1"
    assert await _run_reminders() == "reminders sent: 0"  # never the same reminder twice
    await set_today(D(2025, 3, 25))  # 6 days before: the 7-day reminder
    await _run_reminders()
    await set_today(D(2025, 5, 24))  # 7 days before 31 May; the 30-day one was never sent
    await _run_reminders()
    await _run_reminders()
    await set_today(D(2025, 6, 1))  # after the deadline: no more reminders
    assert await _run_reminders() == "reminders sent: 0"

    sent = await _reminders(client, admin)
    recipients = sorted(m["recipient"] for m in sent)
    assert recipients == sorted([f"org:{foundation}", f"org:{foundation}", "13800001111"])
    assert all(m["plugin"] == "social_orgs" for m in sent)
