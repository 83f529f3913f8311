"""The plan's indicator table over HTTP (``GET /api/v1/stats/indicators``): every enabled service
contributes, targets are the plan's, ``met`` follows the records, a switched-off service's rows
vanish (issue 7 items 1 and 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.core.support import assert_error

pytestmark = pytest.mark.db

PLUGINS = {"marriage", "funeral", "disability", "social_orgs"}

# The 2025 district targets of the plan's indicator table (/work/shared/seed/000_*.txt,
# "“十四五”时期江门市江海区民政事业发展主要指标"): row 21 婚姻登记“跨省通办”实施率 100%,
# rows 24 and 25 困难残疾人生活补贴 / 重度残疾人护理补贴覆盖率 100%. The plan's 2025 table has no
# row for organizations per 10,000 residents: DOMAIN.md keeps the 13th plan's floor (≥6.5,
# row 7 of "“十三五”时期…主要指标完成情况"). Every other indicator has no target.
PLAN_TARGETS = {
    "marriage.cross_province_availability": 100,
    "disability.living_coverage": 100,
    "disability.nursing_coverage": 100,
    "social_orgs.per_10k_residents": 6.5,
}


async def indicators(client, headers, year: int = 2026) -> dict[str, dict]:
    r = await client.get(f"/api/v1/stats/indicators?year={year}", headers=headers)
    assert r.status_code == 200, r.text
    return {row["key"]: row for row in r.json()}


async def register_orgs(client, clerk: dict, count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        r = await client.post(
            "/api/v1/orgs/",
            json={
                "uscc": factories.uscc("social_group", n),
                "name": f"江海区测试协会{n}",
                "kind": "social_group",
                "registered_on": "2024-03-01",
                "legal_representative": "陈志明",
                "staff_count": 3,
            },
            headers=clerk,
        )
        assert r.status_code == 201, r.text


async def test_every_enabled_service_contributes_rows_of_the_plans_shape(client, reviewer):
    rows = await indicators(client, reviewer)
    assert {row["plugin"] for row in rows.values()} == PLUGINS
    for row in rows.values():
        assert {"key", "name", "name_en", "unit", "value", "target", "met"} <= set(row)
        assert row["name"] and row["name_en"] and row["unit"] and row["definition"]


async def test_targets_are_the_plans_2025_targets(client, reviewer):
    rows = await indicators(client, reviewer, year=2025)
    targets = {key: row["target"] for key, row in rows.items() if row["target"] is not None}
    assert targets == PLAN_TARGETS
    assert "跨省通办" in rows["marriage.cross_province_availability"]["name"]
    assert {(row["plan"], tuple(row["plan_years"])) for row in rows.values()} == {
        ("14th", (2021, 2025))
    }
    # 2026 belongs to the 15th plan: never measured against the 14th plan's 2025 targets
    later = await indicators(client, reviewer, year=2026)
    assert {row["plan"] for row in later.values()} == {"15th"}
    assert all(row["target"] is None and row["met"] is None for row in later.values())


async def test_met_follows_the_records(client, staff, reviewer, env_var):
    """Organizations per 10,000 residents against the floor of 6.5, with a small population so
    that a few registrations cross it."""
    from core.plan import FIFTEENTH, PlanTargetEntry, set_targets

    env_var("MINZHENG_POPULATION", "10000")
    entry = PlanTargetEntry("social_orgs.per_10k_residents", 6.5, "个/万人", ">=")
    await set_targets(FIFTEENTH, [entry], "admin-test")
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 6)
    row = (await indicators(client, reviewer))["social_orgs.per_10k_residents"]
    assert (row["value"], row["met"]) == (6, False)

    await register_orgs(client, clerk, 1, start=7)
    row = (await indicators(client, reviewer))["social_orgs.per_10k_residents"]
    assert (row["value"], row["met"]) == (7, True)


async def test_subsidy_coverage_over_time_follows_the_payroll(
    client, staff, admin, reviewer, id_number
):
    """Two people in the dibao roster with a disability card; one is approved and paid by the
    March payroll, the other still waits for review: 50% covered in March. Months before the
    cards were on file have no rate, not 0%."""
    from core.people.roster import import_roster

    clerk = await staff("clerk", office_code="JH01")
    numbers = [
        id_number(dt.date(1970, 5, 1), "male", division="440700", seq=21),
        id_number(dt.date(1972, 6, 1), "female", division="440700", seq=22),
    ]
    rows = "".join(f"{n},测试人,dibao,2025-01-01,\n" for n in numbers)
    await import_roster(f"id_number,name,category,valid_from,valid_to\n{rows}".encode(), "r.csv")
    await factories.set_today(client, admin, dt.date(2026, 3, 10))
    ids = []
    for number in numbers:
        r = await client.post(
            "/api/v1/disability/applications",
            json={
                "id_number": number,
                "name": "王建国",
                "disability_card_no": f"{number}41",
                "category": 4,
                "grade": 1,
                "subsidies": ["living", "nursing"],
            },
            headers=clerk,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    api = "/api/v1/disability/applications"
    r = await client.post(f"{api}/{ids[0]}/street-review", json={"approve": True}, headers=clerk)
    assert r.status_code == 200, r.text
    assert (await client.post(f"{api}/{ids[0]}/approve", headers=reviewer)).status_code == 200
    r = await client.post("/api/v1/disability/payroll/2026-03", headers=reviewer)
    assert r.status_code == 200, r.text

    rows = await indicators(client, reviewer)
    for key in ("disability.living_coverage", "disability.nursing_coverage"):
        assert rows[key]["value"] == 50.0 and rows[key]["met"] is None  # no 15th-plan target
        series = rows[key]["series"]
        assert [point for point in series if point[1] is not None] == [["2026-03", 50.0]]
        assert all(value is None for _, value in series[:-1])  # no data is not 0 % (issue 14)


async def test_no_record_means_no_value_and_no_verdict(client, reviewer):
    rows = await indicators(client, reviewer, year=2022)
    coverage = rows["disability.living_coverage"]
    assert coverage["value"] is None and coverage["target"] == 100 and coverage["met"] is None


async def test_a_switched_off_service_takes_its_indicators_away(client, admin, reviewer):
    assert any(row["plugin"] == "funeral" for row in (await indicators(client, reviewer)).values())
    r = await client.patch("/api/v1/admin/plugins/funeral", json={"enabled": False}, headers=admin)
    assert r.status_code == 200, r.text
    rows = await indicators(client, reviewer)
    assert {row["plugin"] for row in rows.values()} == PLUGINS - {"funeral"}

    r = await client.patch("/api/v1/admin/plugins/funeral", json={"enabled": True}, headers=admin)
    assert r.status_code == 200, r.text
    assert {row["plugin"] for row in (await indicators(client, reviewer)).values()} == PLUGINS


@pytest.mark.parametrize("year", ["1800", "2101", "abc"])
async def test_a_year_out_of_range_is_a_bad_request(client, reviewer, year):
    assert_error(await client.get(f"/api/v1/stats/indicators?year={year}", headers=reviewer), 400)


async def test_without_a_year_the_table_is_this_years(client, admin, reviewer):
    await factories.set_today(client, admin, dt.date(2025, 6, 30))
    r = await client.get("/api/v1/stats/indicators", headers=reviewer)
    rows = {row["key"]: row for row in r.json()}
    assert rows["marriage.registrations"]["series"][0][0] == "2025-01"


@pytest.mark.parametrize(
    ("roles", "status"), [(("clerk",), 403), (("admin",), 200), (("reviewer",), 200)]
)
async def test_only_admins_and_reviewers_read_the_indicators(client, staff, roles, status):
    headers = await staff(*roles, office_code="JH01" if "clerk" in roles else None)
    r = await client.get("/api/v1/stats/indicators?year=2026", headers=headers)
    assert r.status_code == status


async def test_citizens_and_strangers_may_not_read_them(client, citizen, id_number):
    person = await citizen(id_number(dt.date(1990, 1, 1)))
    assert_error(await client.get("/api/v1/stats/indicators", headers=person), 403, "FORBIDDEN")
    assert_error(await client.get("/api/v1/stats/indicators"), 401, "UNAUTHENTICATED")


async def test_indicators_are_computed_once_until_a_change_or_another_day(
    client, staff, reviewer, admin, monkeypatch
):
    """Views between changes read the stored figures (a province's indicators take hundreds of
    milliseconds to count); an audited change or another day counts again."""
    from plugins.social_orgs.services import indicators as social

    computed = []
    counts = social._counts

    async def counting(*args, **kwargs):
        computed.append(1)
        return await counts(*args, **kwargs)

    monkeypatch.setattr(social, "_counts", counting)
    first = await indicators(client, reviewer)
    assert await indicators(client, reviewer) == first and len(computed) == 1
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 1)
    changed = await indicators(client, reviewer)
    assert len(computed) == 2
    density = "social_orgs.per_10k_residents"
    assert changed[density]["value"] > first[density]["value"]
    await factories.set_today(client, admin, dt.date(2026, 3, 10))
    await indicators(client, reviewer)
    assert len(computed) == 3
