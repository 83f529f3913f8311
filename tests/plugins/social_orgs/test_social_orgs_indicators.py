"""The plan's indicators (DOMAIN.md "The plan's indicators") and the clerk's global search."""

from __future__ import annotations

import datetime as dt

import pytest

from core.auth.identity import CurrentUser
from core.plugins import get_host

pytestmark = pytest.mark.db

D = dt.date


def by_key(rows: list[dict]) -> dict[str, dict]:
    return {row["key"]: row for row in rows if row["plugin"] == "social_orgs"}


async def test_indicators_for_a_year(
    client, clerk, reviewer, set_today, new_org, org_login, file_report
):
    # Registered after 30 June 2023: the first report owed is 2024's.
    filed = [await new_org(registered_on=D(2023, 7, 1)) for _ in range(3)]
    await new_org(registered_on=D(2023, 7, 1))  # never files
    await new_org(registered_on=D(2024, 8, 1))  # registered after 30 June: owes no 2024 report
    await set_today(D(2025, 3, 1))
    for code in filed:
        await file_report(code, 2024, await org_login(code))
    results = ("qualified", "basically_qualified", "unqualified")
    for code, result in zip(filed, results, strict=True):
        await client.post(
            f"/api/v1/orgs/{code}/annual-reports/2024/inspection",
            json={"result": result},
            headers=clerk,
        )
    await set_today(D(2025, 7, 1))  # two full years registered
    evaluation = await client.post(
        f"/api/v1/orgs/{filed[0]}/evaluations",
        json={"year": 2025, "scores": {"overall": 820}},
        headers=reviewer,
    )
    assert evaluation.status_code == 201, evaluation.text
    await set_today(D(2025, 7, 9))
    await client.post(
        f"/api/v1/orgs/evaluations/{evaluation.json()['id']}/announce", headers=reviewer
    )

    r = await client.get("/api/v1/stats/indicators", params={"year": 2025}, headers=reviewer)
    assert r.status_code == 200
    rows = by_key(r.json())
    density = rows["social_orgs.per_10k_residents"]
    assert density["value"] == round(5 * 10_000 / 280_000, 2) and density["target"] == 6.5
    assert density["met"] is False and density["definition"]
    assert dict(density["series"])["2025"] == density["value"]
    assert dict(density["series"])["2021"] == 0

    filing = rows["social_orgs.report_filing_rate"]
    assert filing["value"] == 75.0 and filing["unit"] == "%"  # 3 of the 4 that owed a report
    passing = rows["social_orgs.inspection_pass_rate"]
    assert passing["value"] == pytest.approx(66.7)  # qualified and basically qualified pass
    graded = rows["social_orgs.graded"]
    assert graded["value"] == 1 and dict(graded["series"])["4A"] == 1

    empty_year = by_key(
        (await client.get("/api/v1/stats/indicators?year=2021", headers=reviewer)).json()
    )
    assert empty_year["social_orgs.report_filing_rate"]["value"] is None
    assert empty_year["social_orgs.per_10k_residents"]["value"] == 0


async def test_search_finds_organizations_for_staff_only(new_org, uscc):
    code = await new_org(name="江海区外海街道老年人协会")
    staff = CurrentUser(1, "clerk", "staff", ("clerk",), frozenset({"core.search"}))
    results = await get_host().search("老年人", staff)
    mine = [r for r in results if r.plugin == "social_orgs"]
    assert [(r.title, r.href) for r in mine] == [("江海区外海街道老年人协会", f"/orgs/{code}")]
    assert code in mine[0].subtitle and "社会团体" in mine[0].subtitle
    assert [r for r in await get_host().search(code.lower(), staff) if r.plugin == "social_orgs"]
    org_user = CurrentUser(2, "someorg", "org", ("org",), frozenset(), org_uscc=code)
    assert not [r for r in await get_host().search("老年人", org_user) if r.plugin == "social_orgs"]


async def test_the_counts_at_their_date_boundaries(set_today, new_org):
    """Who is registered on a day and who owed the 2024 report (``report_due``: registered by
    30 June; still registered at the kind's deadline, 31 March for foundations, else 31 May),
    each on both sides of its boundary day, as the database groups them."""
    from plugins.social_orgs.services.indicators import _counts
    from plugins.social_orgs.tables import Organization

    await set_today(D(2025, 7, 1))

    async def org(kind: str, registered: dt.date, deregistered: dt.date | None = None) -> None:
        code = await new_org(kind, registered_on=registered)
        if deregistered is not None:
            await Organization.update(
                {Organization.status: "deregistered", Organization.deregistered_on: deregistered}
            ).where(Organization.uscc == code)

    old = D(2020, 3, 1)
    await org("social_group", D(2024, 6, 30))  # owes: registered on 30 June
    await org("social_group", D(2024, 7, 1))  # registered the day after: owes nothing
    await org("social_group", old, D(2025, 5, 31))  # gone on its deadline day: owes nothing
    await org("social_group", old, D(2025, 6, 1))  # still there at the deadline: owes
    await org("foundation", old, D(2025, 3, 31))  # gone on a foundation's deadline day
    await org("foundation", old, D(2025, 4, 1))  # owes
    await org("social_group", old, D(2024, 12, 31))  # not registered on its last day
    await org("social_group", old, D(2025, 1, 1))  # registered through 31 December

    counts = await _counts([D(2024, 6, 29), D(2024, 6, 30), D(2024, 12, 31), D(2025, 6, 1)], [2024])
    assert [counts[f"registered_{i}"] for i in range(4)] == [6, 7, 7, 2]
    assert counts["due_2024"] == 3 and counts["filed_2024"] == 0
