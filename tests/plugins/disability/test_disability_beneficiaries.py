"""The beneficiary list (API.md: paginated, masked identity numbers), the clerk's global search,
and the demo data set."""

from __future__ import annotations

import datetime as dt

from core.auth.identity import CurrentUser

API = "/api/v1/disability"


async def test_active_beneficiaries_paginated_and_masked(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    numbers = [desk.new_id() for _ in range(5)]
    ids = [await desk.approved(n, subsidies=["nursing"]) for n in numbers]
    await desk.apply(desk.new_id())  # not approved: not a beneficiary
    await desk.client.post(
        f"{API}/beneficiaries/{ids[0]}/stop", json={"reason": "request"}, headers=desk.reviewer
    )
    r = await desk.client.get(f"{API}/beneficiaries?status=active&limit=2", headers=desk.clerk)
    body = r.json()
    assert body["total"] == 4 and len(body["items"]) == 2
    item = body["items"][0]
    assert item["id"] == ids[1]
    assert item["id_number"] == numbers[1][:6] + "********" + numbers[1][-4:]
    assert item["subsidies"] == ["nursing"] and item["since"] == "2026-03"
    assert item["status"] == "active"
    r = await desk.client.get(f"{API}/beneficiaries?status=active&offset=4", headers=desk.clerk)
    assert r.json()["items"] == []
    r = await desk.client.get(f"{API}/beneficiaries?status=stopped", headers=desk.reviewer)
    assert [b["id"] for b in r.json()["items"]] == [ids[0]]
    assert r.json()["items"][0]["grants"][0]["stop_reason"] == "request"
    r = await desk.client.get(f"{API}/beneficiaries?status=all", headers=desk.reviewer)
    assert r.json()["total"] == 5
    assert "".join(numbers) not in r.text and all(n not in r.text for n in numbers)


async def test_filters_and_refusals(desk, verified_citizen) -> None:
    await desk.today(dt.date(2026, 3, 3))
    living = desk.new_id()
    await desk.roster((living, "dibao", dt.date(2025, 1, 1), None))
    await desk.approved(living, grade=4, subsidies=["living"])
    await desk.approved(desk.new_id(), subsidies=["nursing"])
    r = await desk.client.get(f"{API}/beneficiaries?subsidy=living", headers=desk.clerk)
    assert r.json()["total"] == 1 and r.json()["items"][0]["subsidies"] == ["living"]
    r = await desk.client.get(f"{API}/beneficiaries?status=paused", headers=desk.clerk)
    assert r.status_code == 400
    r = await desk.client.get(f"{API}/beneficiaries?limit=0", headers=desk.clerk)
    assert r.status_code == 400
    r = await desk.client.get(f"{API}/beneficiaries")
    assert r.status_code == 401
    r = await desk.client.get(f"{API}/beneficiaries", headers=desk.admin)
    assert r.status_code == 403
    r = await desk.client.get(
        f"{API}/beneficiaries", headers=await verified_citizen(living, "王建国")
    )
    assert r.status_code == 403


async def test_global_search_finds_applications_masked_for_staff_only(desk) -> None:
    from core.plugins import get_host

    number = desk.new_id()
    application_id = (await desk.apply(number)).json()["id"]
    clerk = CurrentUser(
        1,
        "clerk1",
        "staff",
        ("clerk",),
        get_host().permissions_for_roles(["clerk"]),
        office_code="JH01",
    )
    results = [r for r in await get_host().search(number, clerk) if r.plugin == "disability"]
    assert [r.href for r in results] == [f"/disability/applications/{application_id}"]
    assert number not in results[0].subtitle and "*" in results[0].title
    by_name = await get_host().search("建国", clerk)
    assert any(r.plugin == "disability" for r in by_name)
    citizen_user = CurrentUser(
        2, number, "citizen", ("citizen",), get_host().permissions_for_roles(["citizen"])
    )
    assert not [
        r for r in await get_host().search(number, citizen_user) if r.plugin == "disability"
    ]


async def test_demo_data_is_realistic_and_loaded_once(db, set_today) -> None:
    from core.db import fetch_one
    from plugins.disability.demo import load_demo

    await set_today(dt.date(2026, 11, 20))
    summary = await load_demo(dt.date(2026, 11, 20))
    assert summary == "10 applications, payroll 2026-10"
    counts = await fetch_one(
        "SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END) AS approved "
        "FROM disability_application"
    )
    assert (int(counts["n"]), int(counts["approved"])) == (10, 5)
    run = await fetch_one("SELECT * FROM disability_payroll_run WHERE month = '2026-10'")
    assert run["status"] == "complete" and int(run["lines"]) > 5  # arrears for September
    assert await load_demo(dt.date(2026, 11, 20)) is None
    again = await fetch_one("SELECT COUNT(*) AS n FROM disability_application")
    assert int(again["n"]) == 10
