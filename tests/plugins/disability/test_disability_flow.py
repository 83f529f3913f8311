"""Street review (clerk) → district approval (reviewer): order enforced, every step audited,
the applicant told through the outbox, payment due from the filing month (DOMAIN.md)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

API = "/api/v1/disability"


async def _street(desk, application_id: int, approve: bool = True):
    return await desk.client.post(
        f"{API}/applications/{application_id}/street-review",
        json={"approve": approve, "note": "入户核查"},
        headers=desk.clerk,
    )


async def test_approval_starts_payment_in_the_filing_month(desk) -> None:
    await desk.today(dt.date(2026, 3, 30))
    number = desk.new_id()
    application_id = (await desk.apply(number, subsidies=["nursing"], phone="13900002222")).json()[
        "id"
    ]
    assert (await _street(desk, application_id)).json() == {"status": "street_approved"}
    await desk.today(dt.date(2026, 4, 20))  # approved in the next month
    r = await desk.client.post(
        f"{API}/applications/{application_id}/approve",
        json={"note": "同意"},
        headers=desk.reviewer,
    )
    assert r.status_code == 200
    assert r.json() == {"status": "approved", "starts_month": "2026-03"}
    r = await desk.client.get(f"{API}/applications/{application_id}", headers=desk.reviewer)
    body = r.json()
    assert body["approved_on"] == "2026-04-20" and body["next_review_on"] == "2027-04-20"
    assert body["grants"] == [
        {
            "subsidy": "nursing",
            "start_month": "2026-03",
            "stops_from": None,
            "stop_reason": None,
            "stop_note": "",
        }
    ]

    from core.tables import AuditEvent, Notification

    actions = [
        e["action"]
        for e in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.seq)
        if e["action"].startswith("disability.application.")
        and e["action"] != "disability.application.read"
    ]
    assert actions == [
        "disability.application.submitted",
        "disability.application.street_approved",
        "disability.application.approved",
    ]
    messages = await Notification.select().where(Notification.recipient == "13900002222")
    assert [m["subject"] for m in messages] == [
        "残疾人两项补贴申请已受理",
        "残疾人两项补贴申请街道审核结果",
        "残疾人两项补贴申请已批准",
    ]
    assert "2026-03" in messages[-1]["body"] and number not in str(messages)


async def test_steps_out_of_order_are_refused(desk) -> None:
    application_id = (await desk.apply(desk.new_id())).json()["id"]
    r = await desk.client.post(
        f"{API}/applications/{application_id}/approve", headers=desk.reviewer
    )
    assert r.status_code == 422 and r.json()["code"] == "WRONG_STATE"
    assert r.json()["extra"] == {"status": "submitted", "expected": "street_approved"}
    r = await desk.client.post(f"{API}/applications/{application_id}/reject", headers=desk.reviewer)
    assert r.json()["code"] == "WRONG_STATE"
    await _street(desk, application_id)
    r = await _street(desk, application_id)
    assert r.status_code == 422 and r.json()["code"] == "WRONG_STATE"
    await desk.client.post(f"{API}/applications/{application_id}/approve", headers=desk.reviewer)
    r = await desk.client.post(
        f"{API}/applications/{application_id}/approve", headers=desk.reviewer
    )
    assert r.json()["code"] == "WRONG_STATE"
    r = await desk.client.post(f"{API}/applications/{application_id}/reject", headers=desk.reviewer)
    assert r.json()["code"] == "WRONG_STATE"


async def test_district_rejection_tells_the_applicant(desk) -> None:
    number = desk.new_id()
    application_id = (await desk.apply(number)).json()["id"]
    await _street(desk, application_id)
    r = await desk.client.post(
        f"{API}/applications/{application_id}/reject",
        json={"note": "收入超标"},
        headers=desk.reviewer,
    )
    assert r.json() == {"status": "rejected"}
    from core.tables import Notification

    last = await Notification.select().order_by(Notification.id, ascending=False).first()
    assert last["recipient"] == number and "收入超标" in last["body"]


async def test_unknown_application_is_404_and_roles_are_enforced(desk) -> None:
    r = await desk.client.post(f"{API}/applications/424242/approve", headers=desk.reviewer)
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
    r = await desk.client.post(
        f"{API}/applications/424242/street-review", json={"approve": True}, headers=desk.clerk
    )
    assert r.status_code == 404
    application_id = (await desk.apply(desk.new_id())).json()["id"]
    r = await desk.client.post(
        f"{API}/applications/{application_id}/street-review",
        json={"approve": True},
        headers=desk.reviewer,
    )
    assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    await _street(desk, application_id)
    r = await desk.client.post(f"{API}/applications/{application_id}/approve", headers=desk.clerk)
    assert r.status_code == 403
    r = await desk.client.post(f"{API}/applications/{application_id}/approve")
    assert r.status_code == 401


@pytest.mark.slow
async def test_two_reviewers_approving_at_once_create_one_set_of_grants(desk) -> None:
    application_id = (await desk.apply(desk.new_id())).json()["id"]
    await _street(desk, application_id)
    results = await asyncio.gather(
        *(
            desk.client.post(f"{API}/applications/{application_id}/approve", headers=desk.reviewer)
            for _ in range(5)
        )
    )
    assert sorted(r.status_code for r in results) == [200, 422, 422, 422, 422]
    r = await desk.client.get(f"{API}/applications/{application_id}", headers=desk.reviewer)
    assert [g["subsidy"] for g in r.json()["grants"]] == ["nursing"]  # not in dibao: one grant


async def test_a_person_dead_before_approval_is_paid_only_up_to_the_death(desk) -> None:
    await desk.today(dt.date(2026, 3, 5))
    number = desk.new_id()
    application_id = (await desk.apply(number, subsidies=["nursing"])).json()["id"]
    await _street(desk, application_id)
    await desk.today(dt.date(2026, 5, 2))
    r = await desk.client.patch(
        f"/api/v1/people/{number}", json={"deceased_on": "2026-04-10"}, headers=desk.clerk
    )
    assert r.status_code == 200
    r = await desk.client.post(
        f"{API}/applications/{application_id}/approve", headers=desk.reviewer
    )
    assert r.json() == {"status": "approved", "starts_month": "2026-03"}
    r = await desk.client.get(f"{API}/applications/{application_id}", headers=desk.reviewer)
    assert r.json()["status"] == "stopped"
    assert r.json()["grants"][0]["stops_from"] == "2026-05"
    run = await desk.payroll("2026-05")
    assert run["nursing_fen"] == 2 * 24300  # March and April
