"""Issue 14 item 4: indicators carry the plan period they are measured against — the 14th plan
(2021–2025) with the services' 2025 targets, the 15th (2026–2030) with targets the administrator
enters on /admin/plan (audited) — and the dashboard shows the years side by side."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.contributions import Indicator
from core.plan import (
    FIFTEENTH,
    FOURTEENTH,
    PlanTargetEntry,
    measured_against,
    parse_target,
    period_of,
)
from tests import factories

RATE = Indicator("x.rate", "覆盖率", "Coverage", "%", 96.0, target=100)


@pytest.mark.parametrize(
    ("year", "plan"),
    [(2019, "14th"), (2021, "14th"), (2025, "14th"), (2026, "15th"), (2030, "15th"), (2031, None)],
)
def test_each_year_belongs_to_one_plan(year, plan):
    period = period_of(year)
    assert (period.key if period else None) == plan


@pytest.mark.parametrize(
    ("period", "entered", "target", "comparison", "met"),
    [
        (FOURTEENTH, {}, 100, ">=", False),  # the services' own 2025 target
        (FIFTEENTH, {}, None, "none", None),  # nothing entered: no verdict, not the 2025 one
        (FIFTEENTH, {"x.rate": PlanTargetEntry("x.rate", 95, "%", ">=")}, 95, ">=", True),
        (FIFTEENTH, {"x.rate": PlanTargetEntry("x.rate", 90, "%", "<=")}, 90, "<=", False),
        (FIFTEENTH, {"x.rate": PlanTargetEntry("x.rate", None, "%", "none")}, None, "none", None),
        (None, {}, None, "none", None),
    ],
)
def test_indicators_are_measured_against_their_period(period, entered, target, comparison, met):
    (measured,) = measured_against([RATE], period, entered)
    assert (measured.target, measured.comparison, measured.met) == (target, comparison, met)


@pytest.mark.parametrize(("text", "value"), [("95", 95), ("6.5", 6.5), ("1,200", 1200), ("", None)])
def test_typed_targets(text, value):
    assert parse_target(text) == value


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "九十"])
def test_typed_targets_that_are_no_numbers(text):
    with pytest.raises(ValueError):
        parse_target(text)


@pytest.mark.db
async def test_admin_enters_the_15th_plan_and_the_dashboard_measures_2026_against_it(client, staff):
    from core.tables import AuditEvent

    admin = await staff("admin")
    await factories.set_today(client, admin, dt.date(2026, 6, 1))
    page = await client.get("/admin/plan", headers=admin)
    assert page.status_code == 200 and "“十五五”规划 2026–2030" in page.text
    assert 'name="target:social_orgs.per_10k_residents"' in page.text
    fixed = await client.get("/admin/plan?plan=14th", headers=admin)
    assert 'name="target:' not in fixed.text and "不能在此修改" in fixed.text

    bad = await client.post(
        "/admin/plan",
        data={
            "target:social_orgs.per_10k_residents": "很多",
            "comparison:social_orgs.per_10k_residents": ">=",
        },
        headers=admin,
    )
    assert bad.status_code == 422 and "请以数字填写目标" in bad.text

    form = {
        "target:social_orgs.per_10k_residents": "7",
        "unit:social_orgs.per_10k_residents": "个/万人",
        "comparison:social_orgs.per_10k_residents": ">=",
        "target:marriage.cross_province_availability": "100",
        "unit:marriage.cross_province_availability": "%",
        "comparison:marriage.cross_province_availability": ">=",
    }
    r = await client.post("/admin/plan", data=form, headers=admin)
    assert r.status_code == 303
    events = await AuditEvent.select().where(AuditEvent.action == "core.plan.target_set")
    assert len(events) == 2 and any("per_10k_residents" in e["summary"] for e in events)
    again = await client.post("/admin/plan", data=form, headers=admin)
    assert again.status_code == 303  # nothing changed: nothing audited
    assert await AuditEvent.count().where(AuditEvent.action == "core.plan.target_set") == 2

    rows = {
        row["key"]: row
        for row in (await client.get("/api/v1/stats/indicators", headers=admin)).json()
    }
    density = rows["social_orgs.per_10k_residents"]
    assert (density["plan"], density["target"], density["comparison"]) == ("15th", 7, ">=")
    assert rows["disability.living_coverage"]["target"] is None  # not entered
    old = {
        row["key"]: row
        for row in (await client.get("/api/v1/stats/indicators?year=2025", headers=admin)).json()
    }
    assert old["social_orgs.per_10k_residents"]["target"] == 6.5  # the 14th plan's stays

    dashboard = (await client.get("/admin/dashboard", headers=admin)).text
    assert "对照“十五五”规划 2026–2030" in dashboard and "2030 年目标" in dashboard
    history = dashboard.split('class="dashboard-history"', 1)[1].split("</section>", 1)[0]
    assert "“十四五”规划 2021–2025" in history and "“十五五”规划 2026–2030" in history
    assert [int(y) for y in re.findall(r'<th scope="col" class="num">(\d{4})</th>', history)] == [
        2021, 2022, 2023, 2024, 2025, 2026,
    ]  # fmt: skip
    english = (await client.get("/admin/dashboard?lang=en", headers=admin)).text
    assert "15th Five-Year Plan 2026–2030" in english and "2030 target" in english
    reviewer = await staff("reviewer")
    assert (await client.get("/admin/plan", headers=reviewer)).status_code == 403
