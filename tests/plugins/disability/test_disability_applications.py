"""Filing an application: API.md's response and error codes, DOMAIN.md's eligibility in the
filing month, one open or active application per person (also under concurrency), citizens
for themselves only."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

API = "/api/v1/disability"
MAY = dt.date(2026, 5, 6)


async def test_filing_answers_per_api_md(desk) -> None:
    await desk.today(MAY)
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    r = await desk.apply(number, grade=2, phone="13800001111")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "submitted"
    assert body["applied_on"] == "2026-05-06"
    assert body["eligible"] == {"living": True, "nursing": True}
    assert {reason["code"] for reason in body["reasons"]} == {"LIVING_DIBAO", "NURSING_SEVERE"}
    assert body["subsidies"] == ["living", "nursing"]
    assert isinstance(body["id"], int)

    from core.tables import Notification

    sent = await Notification.select().where(Notification.recipient == "13800001111")
    assert [m["plugin"] for m in sent] == ["disability"]


async def test_eligibility_is_judged_in_the_filing_month(desk) -> None:
    """DOMAIN.md: living needs dibao *that month*: a roster entry from next month does not
    count; the nursing subsidy (grade 1) is still possible."""
    await desk.today(MAY)
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2026, 6, 1), None))
    r = await desk.apply(number, grade=1)
    assert r.status_code == 201
    assert r.json()["eligible"] == {"living": False, "nursing": True}
    assert r.json()["subsidies"] == ["nursing"]


@pytest.mark.parametrize(
    ("roster", "extra", "code"),
    [
        ("tekun", {}, "TEKUN"),  # tekun → neither
        ("dibao", {"work_injury_nursing": True}, "WORK_INJURY_NURSING"),  # neither
        ("dibao", {"orphan_support": True, "grade": 3}, "ORPHAN_SUPPORT"),  # no living; grade 3
        (None, {"grade": 4, "subsidies": ["living"]}, "NOT_IN_DIBAO"),
    ],
)
async def test_not_eligible_when_neither_subsidy_is_possible(desk, roster, extra, code) -> None:
    await desk.today(MAY)
    number = desk.new_id()
    if roster:
        await desk.roster((number, roster, dt.date(2025, 1, 1), None))
    r = await desk.apply(number, **extra)
    assert r.status_code == 422
    assert r.json()["code"] == "NOT_ELIGIBLE"
    assert code in {reason["code"] for reason in r.json()["extra"]["reasons"]}
    assert r.json()["extra"]["eligible"]["living"] is False


async def test_only_the_requested_possible_subsidy_is_granted(desk) -> None:
    """Orphan support: nursing still possible (grade 1), living not."""
    await desk.today(MAY)
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    r = await desk.apply(number, orphan_support=True, grade=1)
    assert r.status_code == 201
    assert r.json()["eligible"] == {"living": False, "nursing": True}
    assert r.json()["subsidies"] == ["nursing"]


@pytest.mark.parametrize(
    ("card_suffix", "category", "grade"),
    [
        ("41", 4, 2),  # grade differs from the card
        ("51", 4, 1),  # category differs
        ("4", 4, 1),  # 19 characters
        ("49", 4, 1),  # grade 9 does not exist
    ],
)
async def test_card_must_agree_with_person_category_and_grade(
    desk, card_suffix, category, grade
) -> None:
    number = desk.new_id()
    body = desk.body(number, category=category, grade=grade)
    body["disability_card_no"] = number + card_suffix
    r = await desk.client.post(f"{API}/applications", json=body, headers=desk.clerk)
    assert r.status_code == 422
    assert r.json()["code"] == "CARD_MISMATCH"


async def test_card_of_another_person_is_a_mismatch(desk) -> None:
    number, other = desk.new_id(), desk.new_id()
    body = desk.body(number)
    body["disability_card_no"] = f"{other}41"
    r = await desk.client.post(f"{API}/applications", json=body, headers=desk.clerk)
    assert r.json()["code"] == "CARD_MISMATCH"


async def test_bad_identity_number_and_bad_types(desk) -> None:
    valid = desk.new_id()
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    r = await desk.apply(wrong_check)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_ID_NUMBER"
    body = desk.body(desk.new_id())
    r = await desk.client.post(
        f"{API}/applications", json={**body, "grade": "one"}, headers=desk.clerk
    )
    assert r.status_code == 400 and r.json()["code"] == "BAD_REQUEST"
    r = await desk.client.post(
        f"{API}/applications", json={**body, "subsidies": ["housing"]}, headers=desk.clerk
    )
    assert r.status_code == 400
    r = await desk.client.post(
        f"{API}/applications", json={**body, "subsidies": []}, headers=desk.clerk
    )
    assert r.status_code == 400
    r = await desk.client.post(
        f"{API}/applications", json={**body, "name": "王\x00建国"}, headers=desk.clerk
    )
    assert r.status_code == 400  # a control character in a name is malformed input
    r = await desk.client.get(f"{API}/applications?status=paid", headers=desk.clerk)
    assert r.status_code == 400 and r.json()["code"] == "BAD_REQUEST"


async def test_hukou_known_elsewhere_is_not_eligible(desk) -> None:
    number = desk.new_id()
    r = await desk.apply(number, hukou_division="440703")
    assert r.status_code == 422
    assert r.json()["code"] == "NOT_ELIGIBLE" and "440703" in r.json()["detail"]
    assert r.json()["extra"]["reasons"][0]["code"] == "HUKOU_OUTSIDE_DISTRICT"


async def test_second_open_or_active_application_is_a_duplicate(desk) -> None:
    await desk.today(MAY)
    number = desk.new_id()
    first = (await desk.apply(number)).json()["id"]
    r = await desk.apply(number)
    assert r.status_code == 409 and r.json()["code"] == "DUPLICATE_APPLICATION"
    await desk.client.post(
        f"{API}/applications/{first}/street-review", json={"approve": True}, headers=desk.clerk
    )
    await desk.client.post(f"{API}/applications/{first}/approve", headers=desk.reviewer)
    r = await desk.apply(number)
    assert r.status_code == 409  # active beneficiary


async def test_after_a_rejection_the_person_may_apply_again(desk) -> None:
    number = desk.new_id()
    first = (await desk.apply(number)).json()["id"]
    r = await desk.client.post(
        f"{API}/applications/{first}/street-review",
        json={"approve": False, "note": "材料不全"},
        headers=desk.clerk,
    )
    assert r.json() == {"status": "rejected"}
    r = await desk.apply(number)
    assert r.status_code == 201


@pytest.mark.slow
async def test_concurrent_duplicate_filings_leave_one_application(desk) -> None:
    """Eight filings for one person at once (a person not yet in the registry, too): exactly
    one succeeds, the rest are 409, and the database holds one open application."""
    number = desk.new_id()
    results = await asyncio.gather(*(desk.apply(number) for _ in range(8)))
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 7, [r.text for r in results]
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"DUPLICATE_APPLICATION"}
    r = await desk.client.get(f"{API}/applications?status=submitted", headers=desk.clerk)
    assert r.json()["total"] == 1


async def test_the_database_itself_refuses_a_second_open_application(desk) -> None:
    """Not only the service's check: the partial unique index stops a direct insert."""
    from plugins.disability.tables import Application

    number = desk.new_id()
    await desk.apply(number)
    row = await Application.select().first()
    row.pop("id")
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Application.insert(Application(**row))


async def test_citizen_applies_for_themself_only(desk, verified_citizen) -> None:
    await desk.today(MAY)
    own, other = desk.new_id(), desk.new_id()
    headers = await verified_citizen(own, "王建国")
    r = await desk.apply(other, headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    r = await desk.apply(own, headers=headers)
    assert r.status_code == 201
    application_id = r.json()["id"]

    r = await desk.client.get(f"{API}/applications/{application_id}", headers=headers)
    assert r.status_code == 200 and r.json()["id_number"] == own
    r = await desk.client.get(f"{API}/applications", headers=headers)
    assert [a["id"] for a in r.json()["items"]] == [application_id]

    other_headers = await verified_citizen(other, "李四")
    r = await desk.client.get(f"{API}/applications/{application_id}", headers=other_headers)
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
    r = await desk.client.get(f"{API}/applications", headers=other_headers)
    assert r.json() == {"items": [], "total": 0}
    r = await desk.client.get(f"{API}/applications/999999", headers=other_headers)
    assert r.status_code == 404


async def test_roles_and_anonymous_callers(desk) -> None:
    number = desk.new_id()
    r = await desk.client.post(f"{API}/applications", json=desk.body(number))
    assert r.status_code == 401 and r.json()["code"] == "UNAUTHENTICATED"
    r = await desk.apply(number, headers=desk.reviewer)
    assert r.status_code == 403
    r = await desk.apply(number, headers=desk.admin)
    assert r.status_code == 403


async def test_preview_shows_what_filing_would_decide_and_files_nothing(desk) -> None:
    await desk.today(MAY)
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    r = await desk.client.post(
        f"{API}/eligibility", json=desk.body(number, grade=3), headers=desk.clerk
    )
    assert r.status_code == 200
    body = r.json()
    assert body["card_ok"] and body["can_apply"] and body["filed_month"] == "2026-05"
    assert body["eligible"] == {"living": True, "nursing": False}
    assert body["subsidies"] == ["living"]

    body = desk.body(number, grade=3)
    body["disability_card_no"] = f"{number}42"
    r = await desk.client.post(f"{API}/eligibility", json=body, headers=desk.clerk)
    assert r.json()["card_ok"] is False and r.json()["refusal"]["code"] == "CARD_MISMATCH"
    r = await desk.client.get(f"{API}/applications", headers=desk.clerk)
    assert r.json()["total"] == 0

    await desk.apply(number, grade=3)
    r = await desk.client.post(
        f"{API}/eligibility", json=desk.body(number, grade=3), headers=desk.clerk
    )
    assert r.json()["refusal"]["code"] == "DUPLICATE_APPLICATION"


async def test_staff_read_of_a_full_record_is_audited_and_lists_are_masked(desk) -> None:
    number = desk.new_id()
    application_id = (await desk.apply(number)).json()["id"]
    r = await desk.client.get(f"{API}/applications", headers=desk.reviewer)
    item = r.json()["items"][0]
    assert item["id_number"] != number and item["id_number"].endswith(number[-4:])
    assert "*" in item["name"]
    r = await desk.client.get(f"{API}/applications/{application_id}", headers=desk.reviewer)
    assert r.json()["id_number"] == number and r.json()["disability_card_no"] == f"{number}41"
    from core.tables import AuditEvent

    events = await AuditEvent.select().where(AuditEvent.action == "disability.application.read")
    assert len(events) == 1 and events[0]["actor"].startswith("reviewer")
    assert number not in str(events)  # masked in the log
