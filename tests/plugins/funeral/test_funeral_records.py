"""Reading waivers: lists by month and funeral home (masked), the full record (audited), the
notice PDF, the clerk's global search and the plan's indicators."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from core.auth.identity import CurrentUser
from core.plugins import get_host
from core.tables import AuditEvent
from tests.plugins.funeral.support import (
    HOME,
    OTHER_HOME,
    TODAY,
    person_number,
    roster,
    waiver,
)

pytestmark = pytest.mark.db


@pytest.fixture
async def three(client, clerk, set_today):
    """Two waivers in February (one at each home), one in March."""
    ids = []
    for seq, (day, home) in enumerate(
        [(dt.date(2026, 2, 3), HOME), (dt.date(2026, 2, 20), OTHER_HOME), (TODAY, HOME)], 1
    ):
        await set_today(day)
        number = person_number(dt.date(1941, 2, 2), seq=seq)
        await roster((number, f"张桂英{seq}", "low_income", dt.date(2020, 1, 1), None))
        body = waiver(number, day - dt.timedelta(days=1), name=f"张桂英{seq}", home=home)
        r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
        ids.append((number, r.json()["id"]))
    await set_today(TODAY)
    return ids


async def test_list_by_month_and_home_is_masked_and_paginated(client, reviewer, three):
    r = await client.get("/api/v1/funeral/waivers?month=2026-02", headers=reviewer)
    body = r.json()
    assert body["total"] == 2
    assert [w["funeral_home"] for w in body["items"]] == [OTHER_HOME, HOME]  # newest first
    number = three[0][0]
    item = body["items"][1]
    assert item["deceased"]["id_number"] == number[:6] + "********" + number[-4:]
    assert item["deceased"]["name"] == "张**1"
    assert "applicant" not in item
    only = await client.get(
        "/api/v1/funeral/waivers", params={"funeral_home": HOME}, headers=reviewer
    )
    assert [w["id"] for w in only.json()["items"]] == [three[2][1], three[0][1]]
    paged = await client.get("/api/v1/funeral/waivers?limit=1&offset=1", headers=reviewer)
    assert (paged.json()["total"], [w["id"] for w in paged.json()["items"]]) == (3, [three[1][1]])
    for query, status in (("limit=0", 400), ("limit=501", 400), ("month=2026-13", 422)):
        assert (
            await client.get(f"/api/v1/funeral/waivers?{query}", headers=reviewer)
        ).status_code == status


async def test_full_record_is_audited_and_unknown_ids_are_404(client, clerk, staff, three):
    number, waiver_id = three[0]
    r = await client.get(f"/api/v1/funeral/waivers/{waiver_id}", headers=clerk)
    assert r.status_code == 200
    assert r.json()["deceased"]["id_number"] == number
    assert r.json()["applicant"]["phone"] == "13800138000"
    reads = await AuditEvent.select().where(AuditEvent.action == "funeral.waiver.read")
    assert [e["entity_id"] for e in reads] == [str(waiver_id)]
    assert (await client.get("/api/v1/funeral/waivers/424242", headers=clerk)).status_code == 404
    assert (await client.get(f"/api/v1/funeral/waivers/{waiver_id}")).status_code == 401
    admin = await staff("admin")
    assert (
        await client.get(f"/api/v1/funeral/waivers/{waiver_id}", headers=admin)
    ).status_code == 403


async def test_notice_pdf(client, clerk, three):
    _, waiver_id = three[2]
    r = await client.get(f"/api/v1/funeral/waivers/{waiver_id}/notice", headers=clerk)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    for expected in ("惠民殡葬减免通知书", "张桂英3", HOME, "予以减免", "250.00"):
        assert expected in text, expected


async def test_global_search_finds_waivers_masked(client, clerk, three):
    number, waiver_id = three[0]
    user = CurrentUser(1, "clerk", "staff", ("clerk",), frozenset({"funeral.waiver.read"}))
    results = [r for r in await get_host().search(number, user) if r.plugin == "funeral"]
    assert [r.href for r in results] == [f"/funeral/waivers/{waiver_id}"]
    assert number not in results[0].subtitle and "张**1" in results[0].title
    by_name = [r for r in await get_host().search("张桂英2", user) if r.plugin == "funeral"]
    assert len(by_name) == 1
    outsider = CurrentUser(2, "someone", "citizen", ("citizen",), frozenset())
    assert [r for r in await get_host().search(number, outsider) if r.plugin == "funeral"] == []


async def test_indicators_per_year_by_month_and_category(client, reviewer, clerk, three):
    await client.post(
        f"/api/v1/funeral/waivers/{three[1][1]}/void", json={"reason": "重复"}, headers=clerk
    )
    r = await client.get("/api/v1/stats/indicators?year=2026", headers=reviewer)
    ours = {i["key"]: i for i in r.json() if i["plugin"] == "funeral"}
    cases = ours["funeral_waivers"]
    assert cases["value"] == 2  # the voided one no longer stands
    assert len(cases["series"]) == 12
    assert dict(map(tuple, cases["series"]))["2026-02"] == 1
    assert ours["funeral_waived_amount"]["value"] == 500.0
    assert ours["funeral_waivers_by_category"]["series"] == [
        ["低收入家庭成员 / Low-income family members", 2]
    ]
    assert cases["definition"]
    previous = await client.get("/api/v1/stats/indicators?year=2025", headers=reviewer)
    assert {i["key"]: i["value"] for i in previous.json()}["funeral_waivers"] == 0
