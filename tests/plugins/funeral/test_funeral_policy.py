"""The waiver policy: DOMAIN.md's defaults, effective-dated admin changes, audited."""

from __future__ import annotations

import datetime as dt

import pytest

from core.tables import AuditEvent
from tests.plugins.funeral.support import TODAY, person_number, waiver

pytestmark = pytest.mark.db


def _edited(policy: dict, **caps: int) -> dict:
    items = [
        {**item, "cap_fen": caps.get(item["code"], item["cap_fen"])} for item in policy["items"]
    ]
    return {
        "items": items,
        "eligible_categories": policy["eligible_categories"],
        "all_local_residents": policy["all_local_residents"],
    }


async def test_defaults_are_public(client, db):
    r = await client.get("/api/v1/funeral/policy")
    assert r.status_code == 200
    policy = r.json()
    assert [(i["code"], i["cap_fen"], i["unit"], i["max_units"]) for i in policy["items"]] == [
        ("transport", 48000, "case", 1),
        ("disinfection", 9000, "case", 1),
        ("storage", 8000, "day", 3),
        ("farewell", 23000, "case", 1),
        ("cremation", 25000, "case", 1),
        ("ash_storage", 5000, "year", 2),
        ("urn", 15000, "case", 1),
    ]
    assert policy["eligible_categories"] == ["dibao", "tekun", "low_income", "youfu"]
    # 粤民发〔2015〕37号: every resident with local hukou; no total cap, no exclusions by default
    assert (policy["all_local_residents"], policy["local_divisions"]) == (True, ["440704"])
    assert (policy["excluded_categories"], policy["total_cap_fen"]) == ([], None)
    assert policy["max_case_waiver_fen"] == 154000
    assert policy["effective_from"] == "2015-01-01"
    assert policy["version"] is None


async def test_a_new_version_applies_to_deaths_from_the_day_it_is_saved(
    client, admin, clerk, staff, set_today
):
    await set_today(TODAY)
    before = await client.post(
        "/api/v1/funeral/waivers",
        json=waiver(
            None, TODAY, certificate="A-1", items=[{"code": "cremation", "fee_fen": 40000}]
        ),
        headers=clerk,
    )
    policy = (await client.get("/api/v1/funeral/policy")).json()
    await set_today(TODAY + dt.timedelta(days=1))
    r = await client.put(
        "/api/v1/funeral/policy", json=_edited(policy, cremation=30000), headers=admin
    )
    assert r.status_code == 200, r.text
    assert r.json()["effective_from"] == (TODAY + dt.timedelta(days=1)).isoformat()
    assert r.json()["version"] is not None
    after = await client.post(
        "/api/v1/funeral/waivers",
        json=waiver(
            None,
            TODAY + dt.timedelta(days=1),
            certificate="A-2",
            items=[{"code": "cremation", "fee_fen": 40000}],
        ),
        headers=clerk,
    )
    # DOMAIN.md: the policy in force on the day of death applies, not the day of the application
    died_before = await client.post(
        "/api/v1/funeral/waivers",
        json=waiver(
            None, TODAY, certificate="A-3", items=[{"code": "cremation", "fee_fen": 40000}]
        ),
        headers=clerk,
    )
    assert [w.json()["waived_fen"] for w in (before, after, died_before)] == [25000, 30000, 25000]
    earlier = await client.get(f"/api/v1/funeral/waivers/{before.json()['id']}", headers=clerk)
    assert earlier.json()["waived_fen"] == 25000  # a later policy never rewrites a decision
    # Looking at the day before, the defaults were in force.
    await set_today(TODAY)
    assert (await client.get("/api/v1/funeral/policy")).json()["version"] is None
    events = await AuditEvent.select().where(AuditEvent.action == "funeral.policy.changed")
    assert len(events) == 1
    assert "2026-03-21" in events[0]["summary"]


async def test_all_local_residents_switch(client, admin, clerk):
    policy = (await client.get("/api/v1/funeral/policy")).json()
    r = await client.put(
        "/api/v1/funeral/policy",
        json={**_edited(policy), "all_local_residents": True},
        headers=admin,
    )
    assert r.json()["all_local_residents"] is True
    local = waiver(person_number(dt.date(1950, 1, 1)), TODAY, hukou_division="440704")
    away = waiver(person_number(dt.date(1950, 1, 1), seq=2), TODAY, hukou_division="440703")
    decided = [
        (await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)).json()
        for body in (local, away)
    ]
    assert [(d["status"], d["category"]) for d in decided] == [
        ("approved", "local_resident"),
        ("rejected", None),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"eligible_categories": ["dibao", "orphans"]},
        {"items": []},
        {
            "items": [
                {"code": "urn", "name": "骨灰盒", "cap_fen": 1, "unit": "case", "max_units": 2}
            ]
        },
        {"items": [{"code": "urn", "name": "骨灰盒", "cap_fen": 1, "unit": "case"}] * 2},
        {"items": [{"code": "Urn!", "name": "骨灰盒", "cap_fen": 1, "unit": "case"}]},
        {"items": [{"code": "urn", "name": " ", "cap_fen": 1, "unit": "case"}]},
        {"items": [{"code": "urn", "name": "骨灰盒", "cap_fen": -5, "unit": "case"}]},
    ],
)
async def test_invalid_policies_are_refused(client, admin, change):
    policy = _edited((await client.get("/api/v1/funeral/policy")).json())
    r = await client.put("/api/v1/funeral/policy", json={**policy, **change}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "INVALID_POLICY"), r.text
    assert (await client.get("/api/v1/funeral/policy")).json()["version"] is None


async def test_only_admins_change_the_policy(client, clerk, reviewer):
    policy = _edited((await client.get("/api/v1/funeral/policy")).json())
    assert (await client.put("/api/v1/funeral/policy", json=policy)).status_code == 401
    for headers in (clerk, reviewer):
        r = await client.put("/api/v1/funeral/policy", json=policy, headers=headers)
        assert r.status_code == 403
    bad_unit = {**policy, "items": [{**policy["items"][0], "unit": "week"}]}
    admin_less = await client.put("/api/v1/funeral/policy", json=bad_unit, headers=clerk)
    assert admin_less.status_code in (400, 403)


async def test_two_saves_on_one_day_the_later_wins(client, admin):
    policy = (await client.get("/api/v1/funeral/policy")).json()
    first = await client.put(
        "/api/v1/funeral/policy", json=_edited(policy, urn=16000), headers=admin
    )
    second = await client.put(
        "/api/v1/funeral/policy", json=_edited(policy, urn=17000), headers=admin
    )
    current = (await client.get("/api/v1/funeral/policy")).json()
    assert current["version"] == second.json()["version"] > first.json()["version"]
    assert {i["code"]: i["cap_fen"] for i in current["items"]}["urn"] == 17000
