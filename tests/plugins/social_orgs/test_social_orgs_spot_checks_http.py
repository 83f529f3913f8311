"""Random spot checks over HTTP (双随机一公开): a reviewer draws from a seed, the draw is audited
and published, and the same seed on the same active set repeats it."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.db


async def test_same_seed_same_draw_published_and_audited(
    client, reviewer, staff, audit_log, new_org
):
    await staff("clerk", office_code="JH01")
    await staff("clerk", office_code="JH02")
    codes = [await new_org() for _ in range(40)]
    body = {"year": 2025, "count": 5, "seed": "2025-第一批"}
    first = await client.post("/api/v1/orgs/spot-checks", json=body, headers=reviewer)
    assert first.status_code == 201, first.text
    draw = first.json()
    assert draw["seed"] == "2025-第一批"
    assert len(draw["selected"]) == 5 and set(draw["selected"]) <= set(codes)
    assert draw["active_count"] == 40
    for item in draw["assignments"]:
        a, b = item["inspectors"]
        assert a != b
    again = (await client.post("/api/v1/orgs/spot-checks", json=body, headers=reviewer)).json()
    assert again["selected"] == draw["selected"]
    assert again["assignments"] == draw["assignments"]
    other = (
        await client.post("/api/v1/orgs/spot-checks", json={**body, "seed": 7}, headers=reviewer)
    ).json()
    assert other["seed"] == 7 and other["selected"] != draw["selected"]

    published = (await client.get("/api/v1/orgs/spot-checks")).json()  # anyone may read
    assert published["total"] == 3
    # staff login names stay inside the bureau (issue 14): the public reads a count
    assert published["items"][-1]["assignments"][0] == {
        "uscc": draw["assignments"][0]["uscc"],
        "inspector_count": 2,
    }
    public_draw = published["items"][-1]
    assert "inspector_pool" not in public_draw and "drawn_by" not in public_draw
    assert "reviewer" not in str(public_draw) and "clerk" not in str(public_draw)
    page = await client.get("/orgs/spot-checks", headers={"Accept": "text/html"})
    assert "2 名检查人员" in page.text
    assert not any(name in page.text for name in draw["assignments"][0]["inspectors"])
    english = await client.get("/orgs/spot-checks?lang=en", headers={"Accept": "text/html"})
    assert "2 inspectors" in english.text and "、" not in english.text
    client.cookies.clear()
    staff_view = (await client.get("/api/v1/orgs/spot-checks", headers=reviewer)).json()
    assert staff_view["items"][-1]["assignments"] == draw["assignments"]
    staff_draw = staff_view["items"][-1]
    assert len(staff_draw["inspector_pool"]) == public_draw["inspector_pool_size"] >= 2
    assert staff_draw["drawn_by"] and staff_draw["drawn_by"] not in str(public_draw)
    assert published["items"][-1]["selected"] == draw["selected"]
    one = (await client.get(f"/api/v1/orgs/spot-checks/{draw['id']}", headers=reviewer)).json()
    assert one["seed"] == "2025-第一批" and one["assignments"] == draw["assignments"]
    events = await audit_log("social_orgs.spot_check.drawn")
    assert len(events) == 3 and "2025-第一批" in events[-1]["summary"]


async def test_seed_is_generated_when_absent_and_repeats_the_draw(client, reviewer, staff, new_org):
    await staff("clerk", office_code="JH01")
    for _ in range(10):
        await new_org()
    draw = (
        await client.post("/api/v1/orgs/spot-checks", json={"year": 2025}, headers=reviewer)
    ).json()
    assert isinstance(draw["seed"], str) and len(draw["seed"]) >= 16
    assert len(draw["selected"]) == 1  # at least 3% of 10 rounds up to one
    repeat = (
        await client.post(
            "/api/v1/orgs/spot-checks", json={"year": 2025, "seed": draw["seed"]}, headers=reviewer
        )
    ).json()
    assert repeat["assignments"] == draw["assignments"]


async def test_at_least_three_percent_of_active_organizations(client, reviewer, staff, new_org):
    await staff("clerk", office_code="JH01")
    for _ in range(67):
        await new_org()
    r = await client.post(
        "/api/v1/orgs/spot-checks", json={"year": 2025, "count": 1, "seed": 1}, headers=reviewer
    )
    assert len(r.json()["selected"]) == 3  # 3% of 67 is 2.01: three


async def test_deregistered_and_future_organizations_are_not_drawn(
    client, reviewer, staff, new_org, set_today
):
    await staff("clerk", office_code="JH01")
    gone = await new_org(registered_on=dt.date(2021, 1, 1))
    await set_today(dt.date(2024, 6, 1))  # 2021 and 2022 reports unfiled
    await client.post(f"/api/v1/orgs/deregistration-proposals/{gone}/confirm", headers=reviewer)
    active = await new_org(registered_on=dt.date(2024, 1, 1))
    r = await client.post(
        "/api/v1/orgs/spot-checks", json={"year": 2024, "count": 5, "seed": 3}, headers=reviewer
    )
    assert r.json()["selected"] == [active] and r.json()["active_count"] == 1


async def test_fewer_than_two_inspectors_is_refused(client, staff, uscc):
    from plugins.social_orgs.services.registry import register_org

    await register_org(
        uscc=uscc("social_group", 1),
        name="江海区摄影协会",
        kind="social_group",
        registered_on=dt.date(2020, 1, 1),
        legal_representative="黄伟",
        staff_count=2,
    )
    reviewer = await staff("reviewer")
    await staff("admin")  # administrators are not inspectors
    r = await client.post("/api/v1/orgs/spot-checks", json={"year": 2025}, headers=reviewer)
    assert r.status_code == 422 and r.json()["code"] == "NOT_ENOUGH_INSPECTORS"
    await staff("clerk", office_code="JH01")
    r = await client.post("/api/v1/orgs/spot-checks", json={"year": 2025}, headers=reviewer)
    assert r.status_code == 201
    assert sorted(r.json()["assignments"][0]["inspectors"]) == ["clerk3", "reviewer1"]


async def test_spot_check_refusals(client, reviewer, staff, new_org):
    r = await client.post("/api/v1/orgs/spot-checks", json={"year": 2025}, headers=reviewer)
    assert r.status_code == 422 and r.json()["code"] == "NO_ACTIVE_ORGANIZATIONS"
    await new_org()
    for body, code in (
        ({"year": 2025, "count": -1}, "INVALID_COUNT"),
        ({"year": 2025, "seed": ""}, "INVALID_SEED"),
        ({"year": 1900}, "INVALID_YEAR"),
    ):
        r = await client.post("/api/v1/orgs/spot-checks", json=body, headers=reviewer)
        assert r.status_code == 422 and r.json()["code"] == code, body
    bad = await client.post("/api/v1/orgs/spot-checks", json={"year": "x"}, headers=reviewer)
    assert bad.status_code == 400
    clerk = await staff("clerk", office_code="JH01")
    assert (
        await client.post("/api/v1/orgs/spot-checks", json={"year": 2025}, headers=clerk)
    ).status_code == 403
    assert (await client.post("/api/v1/orgs/spot-checks", json={"year": 2025})).status_code == 401
    assert (await client.get("/api/v1/orgs/spot-checks/999")).status_code == 404
