"""Annual reports over HTTP: drafts, submission, deadlines and lateness, immutability, return
for correction and inspection (DOMAIN.md "Social organizations")."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.db

D = dt.date


def path(code: str, year: int) -> str:
    return f"/api/v1/orgs/{code}/annual-reports/{year}"


async def test_draft_then_submit_on_time(client, set_today, new_org, org_login, full_report):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 4, 10))

    partial = {"activities": "举办公益讲座", "volunteers": 12}
    r = await client.put(path(code, 2024), json=partial, headers=org)
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["status"] == "draft"
    assert draft["activities"] == "举办公益讲座" and draft["volunteers"] == 12
    assert draft["deadline"] == "2025-05-31"
    assert "revenue_fen" in draft["missing_fields"]

    r = await client.post(path(code, 2024) + "/submit", headers=org)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "INCOMPLETE_REPORT"
    missing = body["extra"]["missing"]
    assert "activities" not in missing and "volunteers" not in missing
    assert {"revenue_fen", "party_organization", "donations_received_fen"} <= set(missing)
    assert "本年收入" in body["detail"]

    assert (await client.put(path(code, 2024), json=full_report, headers=org)).status_code == 200
    r = await client.post(path(code, 2024) + "/submit", headers=org)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["status"] == "submitted"
    assert report["submitted_on"] == "2025-04-10" and report["late"] is False
    assert report["revenue_fen"] == full_report["revenue_fen"]


async def test_a_put_replaces_the_draft(client, set_today, new_org, org_login):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 1, 5))
    await client.put(path(code, 2024), json={"activities": "甲", "volunteers": 3}, headers=org)
    r = await client.put(path(code, 2024), json={"volunteers": 4}, headers=org)
    assert r.json()["volunteers"] == 4 and r.json()["activities"] is None


async def test_submitting_in_one_call_with_the_body(
    client, set_today, new_org, org_login, full_report
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    r = await client.post(path(code, 2024) + "/submit", json=full_report, headers=org)
    assert r.status_code == 200 and r.json()["status"] == "submitted"


async def test_nothing_saved_is_incomplete_in_every_field(client, set_today, new_org, org_login):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    r = await client.post(path(code, 2024) + "/submit", headers=org)
    assert r.status_code == 422 and r.json()["code"] == "INCOMPLETE_REPORT"
    assert len(r.json()["extra"]["missing"]) == 9


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"revenue_fen": -1}, "revenue_fen"),
        ({"volunteers": -5}, "volunteers"),
        ({"party_organization": "yes"}, "party_organization"),
    ],
)
async def test_invalid_values_are_refused_even_in_a_draft(
    client, set_today, new_org, org_login, change, field
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    r = await client.put(path(code, 2024), json=change, headers=org)
    assert r.status_code == 422
    assert r.json()["code"] == "INVALID_REPORT" and r.json()["extra"]["invalid"] == [field]
    wrong_type = await client.put(path(code, 2024), json={"revenue_fen": "many"}, headers=org)
    assert wrong_type.status_code == 400 and wrong_type.json()["code"] == "BAD_REQUEST"


async def test_negative_net_assets_are_a_valid_answer(
    client, set_today, new_org, org_login, file_report
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    report = await file_report(code, 2024, org, net_assets_fen=-5_000_00)
    assert report["net_assets_fen"] == -500000


@pytest.mark.parametrize(
    ("kind", "submitted_on", "late"),
    [
        ("social_group", D(2025, 5, 31), False),  # the deadline day itself is on time
        ("social_group", D(2025, 6, 1), True),
        ("social_service", D(2025, 6, 1), True),
        ("foundation", D(2025, 3, 31), False),  # foundations: 31 March
        ("foundation", D(2025, 4, 1), True),
    ],
)
async def test_deadlines_by_kind_and_late_marking(
    client, set_today, new_org, org_login, file_report, kind, submitted_on, late
):
    code = await new_org(kind, registered_on=D(2022, 1, 1))
    org = await org_login(code)
    await set_today(submitted_on)
    report = await file_report(code, 2024, org)
    assert report["late"] is late
    assert report["deadline"] == ("2025-03-31" if kind == "foundation" else "2025-05-31")


async def test_submitted_reports_are_immutable(
    client, set_today, new_org, org_login, file_report, full_report
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    await file_report(code, 2024, org)
    r = await client.put(path(code, 2024), json={**full_report, "volunteers": 1}, headers=org)
    assert r.status_code == 409 and r.json()["code"] == "REPORT_ALREADY_SUBMITTED"
    r = await client.post(path(code, 2024) + "/submit", headers=org)
    assert r.status_code == 409
    assert (await client.get(path(code, 2024), headers=org)).json()["volunteers"] == 85


async def test_another_organization_is_refused(
    client, set_today, new_org, org_login, file_report, full_report
):
    mine, theirs = await new_org(), await new_org()
    me, them = await org_login(mine), await org_login(theirs)
    await set_today(D(2025, 3, 1))
    await file_report(theirs, 2024, them)

    r = await client.put(path(theirs, 2024), json=full_report, headers=me)
    assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    r = await client.put(path(theirs, 2023), json=full_report, headers=me)
    assert r.status_code == 403
    assert (await client.post(path(theirs, 2023) + "/submit", headers=me)).status_code == 403
    # Reading another organization's report: it does not exist for them.
    assert (await client.get(path(theirs, 2024), headers=me)).status_code == 404
    assert (
        await client.get(f"/api/v1/orgs/{theirs}/annual-reports", headers=me)
    ).status_code == 404
    assert (await client.get(f"/api/v1/orgs/{mine}/annual-reports", headers=me)).json() == []


async def test_who_may_file_and_read(
    client, staff, citizen, id_number, set_today, new_org, org_login, file_report, full_report
):
    code = await new_org()
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    await file_report(code, 2024, org)
    clerk, reviewer = await staff("clerk", office_code="JH01"), await staff("reviewer")
    person = await citizen(id_number(D(1980, 5, 5)))
    assert (await client.put(path(code, 2023), json=full_report)).status_code == 401
    for headers in (clerk, reviewer, person):
        assert (
            await client.put(path(code, 2023), json=full_report, headers=headers)
        ).status_code == 403
    for headers in (clerk, reviewer):
        r = await client.get(path(code, 2024), headers=headers)
        assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert (await client.get(path(code, 2024), headers=person)).status_code == 403
    assert (await client.get(path(code, 2024))).status_code == 401
    assert (await client.get(path(code, 2022), headers=clerk)).status_code == 404


async def test_report_years_outside_the_registration(
    client, set_today, new_org, org_login, full_report
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    for year in (2022, 2026):
        r = await client.put(path(code, year), json=full_report, headers=org)
        assert r.status_code == 422 and r.json()["code"] == "INVALID_REPORT_YEAR"


async def test_return_for_correction_and_resubmission(
    client, clerk, admin, audit_log, set_today, new_org, org_login, file_report, full_report
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 5, 20))
    await file_report(code, 2024, org)
    r = await client.post(
        path(code, 2024) + "/inspection", json={"result": "qualified", "note": ""}, headers=clerk
    )
    assert r.status_code == 200

    await set_today(D(2025, 6, 10))
    r = await client.post(
        path(code, 2024) + "/return", json={"reason": "收入数据有误"}, headers=clerk
    )
    assert r.status_code == 200, r.text
    returned = r.json()
    assert returned["status"] == "returned" and returned["return_reason"] == "收入数据有误"
    assert returned["inspection"] is None  # the corrected report is inspected again

    fixed = {**full_report, "revenue_fen": 130_000_00}
    assert (await client.put(path(code, 2024), json=fixed, headers=org)).status_code == 200
    r = await client.post(path(code, 2024) + "/submit", headers=org)
    report = r.json()
    assert report["status"] == "submitted" and report["revenue_fen"] == 130_000_00
    # Filed on time in May; correcting it in June does not make it late.
    assert report["submitted_on"] == "2025-05-20" and report["resubmitted_on"] == "2025-06-10"
    assert report["late"] is False

    actions = [e["action"] for e in await audit_log("social_orgs.report.")]
    assert actions[:3] == [
        "social_orgs.report.resubmitted",
        "social_orgs.report.saved",
        "social_orgs.report.returned",
    ]
    outbox = (await client.get("/api/v1/admin/notifications", headers=admin)).json()["items"]
    assert any("退回" in m["subject"] for m in outbox)


async def test_return_needs_a_submitted_report_and_a_reason(
    client, clerk, staff, set_today, new_org, org_login
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    await client.put(path(code, 2024), json={"volunteers": 2}, headers=org)
    r = await client.post(path(code, 2024) + "/return", json={"reason": "请补充"}, headers=clerk)
    assert r.status_code == 422 and r.json()["code"] == "REPORT_NOT_SUBMITTED"
    r = await client.post(path(code, 2024) + "/return", json={"reason": " "}, headers=clerk)
    assert r.status_code == 422 and r.json()["code"] == "REASON_REQUIRED"
    r = await client.post(
        path(code, 2024) + "/return", json={"reason": "x"}, headers=await staff("reviewer")
    )
    assert r.status_code == 403


async def test_inspection_results_reach_the_public_profile(
    client, clerk, set_today, new_org, org_login, file_report
):
    code = await new_org(registered_on=D(2022, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    await file_report(code, 2023, org)
    await file_report(code, 2024, org)
    for year, result in ((2023, "unqualified"), (2024, "basically_qualified")):
        r = await client.post(
            path(code, year) + "/inspection",
            json={"result": result, "note": "财务制度待完善"},
            headers=clerk,
        )
        assert r.status_code == 200, r.text
        assert r.json()["inspection"]["result"] == result
    profile = (await client.get(f"/api/v1/orgs/{code}")).json()
    assert profile["latest_inspection"]["year"] == 2024
    assert profile["latest_inspection"]["result"] == "basically_qualified"
    assert profile["latest_inspection_result"] == "basically_qualified"


async def test_inspection_refusals(
    client, clerk, staff, set_today, new_org, org_login, file_report
):
    code = await new_org(registered_on=D(2023, 2, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    r = await client.post(
        path(code, 2024) + "/inspection", json={"result": "qualified"}, headers=clerk
    )
    assert r.status_code == 422 and r.json()["code"] == "REPORT_NOT_SUBMITTED"
    await file_report(code, 2024, org)
    r = await client.post(
        path(code, 2024) + "/inspection", json={"result": "excellent"}, headers=clerk
    )
    assert r.status_code == 422 and r.json()["code"] == "INVALID_INSPECTION_RESULT"
    for headers in (await staff("reviewer"), org):
        r = await client.post(
            path(code, 2024) + "/inspection", json={"result": "qualified"}, headers=headers
        )
        assert r.status_code == 403


async def test_staff_report_list_is_the_inspection_queue(
    client, clerk, set_today, new_org, org_login, file_report
):
    codes = [await new_org(registered_on=D(2023, 2, 1)) for _ in range(3)]
    await set_today(D(2025, 3, 1))
    for code in codes[:2]:
        await file_report(code, 2024, await org_login(code))
    await client.post(
        path(codes[0], 2024) + "/inspection", json={"result": "qualified"}, headers=clerk
    )
    queue = await client.get(
        "/api/v1/orgs/annual-reports",
        params={"status": "submitted", "inspected": "false"},
        headers=clerk,
    )
    assert queue.status_code == 200
    assert [r["uscc"] for r in queue.json()["items"]] == [codes[1]]
    assert (
        await client.get("/api/v1/orgs/annual-reports", headers=await org_login(codes[2]))
    ).status_code == 403
