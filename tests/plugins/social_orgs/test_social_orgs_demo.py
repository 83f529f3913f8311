"""The demo data set: realistic, consistent with the rules, and loaded only once."""

from __future__ import annotations

import datetime as dt

import pytest

from core.auth.accounts import create_staff_user
from plugins.social_orgs.demo import load_demo
from plugins.social_orgs.tables import AnnualReport, Organization

pytestmark = pytest.mark.db

TODAY = dt.date(2026, 11, 29)


async def test_demo_loads_once_and_tells_a_story(client, set_today, reviewer):
    await create_staff_user("clerk", "staff-password-1", ["clerk"], "JH01")
    await create_staff_user("reviewer", "staff-password-1", ["reviewer"])
    await set_today(TODAY)
    summary = await load_demo(TODAY)
    assert "40 organizations" in summary and "org-volunteers" in summary
    assert "spot check of 2" in summary  # 3% of 40 active organizations, rounded up
    kinds = {row["kind"] for row in await Organization.select(Organization.kind)}
    assert kinds == {"social_group", "social_service", "foundation"}
    reports = await AnnualReport.count()

    assert await load_demo(TODAY) == "social organizations already loaded"
    assert await Organization.count() == 40 and await AnnualReport.count() == reports

    listed = (await client.get("/api/v1/orgs/abnormal?year=2025", headers=reviewer)).json()
    assert listed["total"] == 5  # missed 2025: three once, two for the second year running
    queue = (await client.get("/api/v1/orgs/deregistration-proposals", headers=reviewer)).json()
    assert [p["years"] for p in queue] == [[2024, 2025], [2024, 2025]]
    late = await AnnualReport.count().where(AnnualReport.late == True)  # noqa: E712
    assert late == 4

    directory = (await client.get("/api/v1/orgs/?limit=100")).json()["items"]
    grades = sorted(org["grade"] for org in directory if org["grade"])
    assert grades == ["3A", "5A"]
    notice = (
        await client.get("/api/v1/orgs/evaluations?status=public_notice", headers=reviewer)
    ).json()
    assert notice["total"] == 1
    queue = (
        await client.get(
            "/api/v1/orgs/annual-reports?status=submitted&inspected=false", headers=reviewer
        )
    ).json()
    assert queue["total"] > 0  # work waiting for the clerk
