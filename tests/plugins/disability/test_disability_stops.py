"""Automatic stops from the month after the event (DOMAIN.md): death, hukou moved out of the
district, a grade change that ends the nursing subsidy, fraud or the person's request; and the
annual review."""

from __future__ import annotations

import datetime as dt

API = "/api/v1/disability"
L21, N21 = 18100, 24300


async def _beneficiary(desk, application_id: int) -> dict:
    r = await desk.client.get(f"{API}/beneficiaries/{application_id}", headers=desk.reviewer)
    assert r.status_code == 200
    return r.json()


async def _stops(desk, application_id: int) -> dict[str, str | None]:
    body = await _beneficiary(desk, application_id)
    return {g["subsidy"]: g["stops_from"] for g in body["grants"]}


async def test_a_recorded_death_stops_everything_from_the_next_month(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    application_id = await desk.approved(number)
    await desk.today(dt.date(2026, 5, 2))
    r = await desk.client.patch(
        f"/api/v1/people/{number}", json={"deceased_on": "2026-04-30"}, headers=desk.clerk
    )
    assert r.status_code == 200
    assert await _stops(desk, application_id) == {"living": "2026-05", "nursing": "2026-05"}
    assert (await _beneficiary(desk, application_id))["status"] == "stopped"
    run = await desk.payroll("2026-05")
    assert run["total_fen"] == 2 * (L21 + N21)  # March and April only

    from core.tables import AuditEvent

    event = (
        await AuditEvent.select()
        .where(AuditEvent.action == "disability.beneficiary.stopped")
        .first()
    )
    assert event is not None and "死亡" in event["summary"] and number not in event["summary"]


async def test_moving_out_of_the_district_stops_payment_moving_within_does_not(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    stays, leaves = desk.new_id(), desk.new_id()
    first = await desk.approved(stays, subsidies=["nursing"], hukou_division="440704")
    second = await desk.approved(leaves, subsidies=["nursing"], hukou_division="440704")
    await desk.today(dt.date(2026, 6, 12))
    r = await desk.client.patch(
        f"/api/v1/people/{leaves}", json={"hukou_division": "440781"}, headers=desk.clerk
    )
    assert r.status_code == 200
    assert await _stops(desk, second) == {"nursing": "2026-07"}
    assert await _stops(desk, first) == {"nursing": None}
    from core.tables import Notification

    told = await Notification.select().where(Notification.recipient == leaves)
    assert any("户籍迁出" in m["body"] for m in told)


async def test_a_grade_change_ends_the_nursing_subsidy_but_not_the_living(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    application_id = await desk.approved(number, grade=2)
    await desk.today(dt.date(2026, 4, 20))
    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/grade",
        json={"grade": 3, "assessed_on": "2026-04-10"},
        headers=desk.clerk,
    )
    assert r.status_code == 200
    assert r.json()["stops"] == [{"subsidy": "nursing", "stops_from": "2026-05"}]
    body = await _beneficiary(desk, application_id)
    assert body["grade"] == 3 and body["disability_card_no"] == f"{number}43"
    assert body["status"] == "approved"  # the living subsidy goes on
    assert await _stops(desk, application_id) == {"living": None, "nursing": "2026-05"}

    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/grade",
        json={"grade": 1, "disability_card_no": f"{number}42"},
        headers=desk.clerk,
    )
    assert r.status_code == 422 and r.json()["code"] == "CARD_MISMATCH"


async def test_a_milder_grade_within_1_and_2_changes_nothing(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    application_id = await desk.approved(desk.new_id(), grade=1, subsidies=["nursing"])
    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/grade", json={"grade": 2}, headers=desk.reviewer
    )
    assert r.json()["stops"] == []
    assert await _stops(desk, application_id) == {"nursing": None}


async def test_stop_for_fraud_or_request(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    application_id = await desk.approved(number)
    await desk.today(dt.date(2026, 4, 7))
    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/stop",
        json={"reason": "death", "note": "x"},
        headers=desk.reviewer,
    )
    assert r.status_code == 422 and r.json()["code"] == "INVALID_REASON"
    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/stop",
        json={"reason": "request", "subsidies": ["living"], "note": "本人申请"},
        headers=desk.reviewer,
    )
    assert r.json()["stops"] == [{"subsidy": "living", "stops_from": "2026-05"}]
    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/stop",
        json={"reason": "fraud", "effective_on": "2026-03-15", "note": "虚报"},
        headers=desk.reviewer,
    )
    assert r.json()["stops"] == [
        {"subsidy": "living", "stops_from": "2026-04"},
        {"subsidy": "nursing", "stops_from": "2026-04"},
    ]
    assert (await _beneficiary(desk, application_id))["status"] == "stopped"
    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/stop",
        json={"reason": "request"},
        headers=desk.reviewer,
    )
    assert r.status_code == 422 and r.json()["code"] == "WRONG_STATE"
    r = await desk.client.post(
        f"{API}/beneficiaries/{application_id}/stop", json={"reason": "fraud"}, headers=desk.clerk
    )
    assert r.status_code == 403
    run = await desk.payroll("2026-04")
    assert run["total_fen"] == L21 + N21  # March only


async def test_a_later_event_never_resumes_payment(desk) -> None:
    """An earlier stop stays (rules.apply_stop): a death after a fraud stop changes nothing."""
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    application_id = await desk.approved(number, subsidies=["nursing"])
    await desk.client.post(
        f"{API}/beneficiaries/{application_id}/stop",
        json={"reason": "fraud", "effective_on": "2026-03-20"},
        headers=desk.reviewer,
    )
    await desk.today(dt.date(2026, 7, 1))
    await desk.client.patch(
        f"/api/v1/people/{number}", json={"deceased_on": "2026-06-01"}, headers=desk.clerk
    )
    assert await _stops(desk, application_id) == {"nursing": "2026-04"}


async def test_annual_review_list_and_record(desk) -> None:
    await desk.today(dt.date(2025, 2, 28))
    due = await desk.approved(desk.new_id(), subsidies=["nursing"])
    await desk.today(dt.date(2025, 9, 1))
    await desk.approved(desk.new_id(), subsidies=["nursing"])
    await desk.today(dt.date(2026, 2, 27))
    r = await desk.client.get(f"{API}/reviews", headers=desk.clerk)
    assert r.json()["total"] == 0
    await desk.today(dt.date(2026, 2, 28))
    r = await desk.client.get(f"{API}/reviews", headers=desk.clerk)
    assert [b["id"] for b in r.json()["items"]] == [due]
    assert r.json()["items"][0]["review_due"] is True
    r = await desk.client.get(f"{API}/beneficiaries?review_due=true", headers=desk.clerk)
    assert r.json()["total"] == 1

    r = await desk.client.post(
        f"{API}/beneficiaries/{due}/review", json={"note": "仍符合条件"}, headers=desk.clerk
    )
    assert r.json()["next_review_on"] == "2027-02-28"
    r = await desk.client.get(f"{API}/reviews", headers=desk.clerk)
    assert r.json()["total"] == 0


async def test_review_reminders_are_sent_once_per_cycle(desk) -> None:
    from core.tables import Notification
    from plugins.disability.services.jobs import remind_reviews

    await desk.today(dt.date(2025, 3, 1))
    number = desk.new_id()
    await desk.approved(number, subsidies=["nursing"])
    assert await remind_reviews(dt.date(2026, 2, 28)) == "no reviews due"
    assert await remind_reviews(dt.date(2026, 3, 1)) == "reminded 1"
    assert await remind_reviews(dt.date(2026, 3, 2)) == "no reviews due"
    told = await Notification.select().where(Notification.recipient == number)
    assert sum("年度复核" in m["subject"] for m in told) == 1


async def test_a_death_missed_while_the_plugin_was_off_is_caught_up(desk) -> None:
    """Person events reach enabled plugins only: the payroll never pays months after a recorded
    death anyway, and the hourly job writes the missing stop."""
    from plugins.disability.services.jobs import stop_deceased

    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    application_id = await desk.approved(number, subsidies=["nursing"])
    r = await desk.client.patch(
        "/api/v1/admin/plugins/disability", json={"enabled": False}, headers=desk.admin
    )
    assert r.status_code == 200
    await desk.today(dt.date(2026, 5, 10))
    await desk.client.patch(
        f"/api/v1/people/{number}", json={"deceased_on": "2026-03-31"}, headers=desk.clerk
    )
    from core.plugins import get_host

    await desk.client.patch(
        "/api/v1/admin/plugins/disability", json={"enabled": True}, headers=desk.admin
    )
    await get_host().enabled(fresh=True)
    assert await _stops(desk, application_id) == {"nursing": None}  # the hook never came
    run = await desk.payroll("2026-05")
    assert run["nursing_fen"] == N21  # March only: the payroll reads the registry's death
    assert await stop_deceased(dt.date(2026, 5, 10)) == "stopped 1 of 1 deceased beneficiaries"
    assert await _stops(desk, application_id) == {"nursing": "2026-04"}
