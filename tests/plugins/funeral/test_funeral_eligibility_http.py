"""Funeral eligibility by hukou over HTTP (issue 11 item 3; DOMAIN.md "Funeral basic-service fee
waiver", 粤民发〔2015〕37号; API.md ``GET/PUT /funeral/policy``, ``POST /funeral/waivers``)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.plugins.funeral.support import (
    HOME,
    TODAY,
    person_number,
    roster,
    waiver,
)

pytestmark = pytest.mark.db

DIED = dt.date(2026, 3, 18)
ALL_ITEMS = [
    {"code": "transport", "fee_fen": 48000},
    {"code": "cremation", "fee_fen": 25000},
    {"code": "urn", "fee_fen": 15000},
]


async def _post(client, headers, body):
    return await client.post("/api/v1/funeral/waivers", json=body, headers=headers)


async def _policy(client, admin, **change):
    policy = (await client.get("/api/v1/funeral/policy")).json()
    body = {
        "items": policy["items"],
        "eligible_categories": policy["eligible_categories"],
        **change,
    }
    r = await client.put("/api/v1/funeral/policy", json=body, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(
    ("hukou", "on_roster", "status", "category", "code"),
    [
        ("440704", False, "approved", "local_resident", "ELIGIBLE"),
        ("110105", False, "rejected", None, "HUKOU_ELSEWHERE"),
        ("440703", False, "rejected", None, "HUKOU_ELSEWHERE"),  # another Jiangmen district
        ("110105", True, "approved", "dibao", "ELIGIBLE"),
    ],
)
async def test_default_policy_by_hukou(client, clerk, hukou, on_roster, status, category, code):
    number = person_number(dt.date(1944, 4, 4))
    if on_roster:
        await roster((number, "李秀英", "dibao", dt.date(2020, 1, 1), None))
    r = await _post(client, clerk, waiver(number, DIED, hukou_division=hukou))
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["status"], out["category"], out["reasons"][0]["code"]) == (status, category, code)
    assert out["waived_fen"] == (25000 if status == "approved" else 0)
    # the hukou is recorded in the people registry and on the waiver
    person = (await client.get(f"/api/v1/people/{number}", headers=clerk)).json()
    assert (person["hukou_division"], person["deceased_on"]) == (hukou, DIED.isoformat())
    full = (await client.get(f"/api/v1/funeral/waivers/{out['id']}", headers=clerk)).json()
    assert full["deceased"]["hukou_division"] == hukou


async def test_unidentified_body_needs_no_hukou(client, clerk):
    r = await _post(client, clerk, waiver(None, DIED, certificate="江公认字〔2026〕3号"))
    assert (r.status_code, r.json()["category"]) == (201, "unidentified")


async def test_unknown_hukou_is_asked_for_not_refused(client, clerk):
    number = person_number(dt.date(1944, 4, 4))
    r = await _post(client, clerk, waiver(number, DIED))
    assert (r.status_code, r.json()["code"]) == (422, "HUKOU_DIVISION_REQUIRED")
    assert (await client.get(f"/api/v1/people/{number}", headers=clerk)).status_code == 404
    preview = await client.post(
        "/api/v1/funeral/waivers/preview",
        json={"deceased": {"id_number": number, "died_on": DIED.isoformat()}},
        headers=clerk,
    )
    assert preview.json()["reasons"][0]["code"] == "HUKOU_UNKNOWN"
    # the registry's hukou is used when the clerk gives none
    await roster((number, "李秀英", "dibao", dt.date(2020, 1, 1), dt.date(2020, 12, 31)))
    patched = await client.patch(
        f"/api/v1/people/{number}", json={"hukou_division": "440704"}, headers=clerk
    )
    assert patched.status_code == 200, patched.text
    r = await _post(client, clerk, waiver(number, DIED))
    assert (r.status_code, r.json()["category"]) == (201, "local_resident")


@pytest.mark.parametrize("bad", ["4407", "44070A", "４４０７０４"])
async def test_hukou_must_be_a_division_code(client, clerk, bad):
    r = await _post(
        client, clerk, waiver(person_number(dt.date(1944, 4, 4)), DIED, hukou_division=bad)
    )
    assert (r.status_code, r.json()["code"]) == (422, "INVALID_DIVISION")


async def test_a_hukou_contradicting_the_registry_is_refused(client, clerk):
    number = person_number(dt.date(1944, 4, 4))
    await roster((number, "李秀英", "dibao", dt.date(2020, 1, 1), dt.date(2020, 12, 31)))
    await client.patch(f"/api/v1/people/{number}", json={"hukou_division": "110105"}, headers=clerk)
    r = await _post(client, clerk, waiver(number, DIED, hukou_division="440704"))
    assert (r.status_code, r.json()["code"]) == (422, "HUKOU_MISMATCH")
    listed = await client.get("/api/v1/funeral/waivers", headers=clerk)
    assert listed.json()["total"] == 0


async def test_the_policy_in_force_on_the_day_of_death_applies(client, clerk, admin):
    # The bureau narrows the scope to the roster (粤府〔2011〕67号) from 2026-03-15.
    saved = await _policy(client, admin, all_local_residents=False, effective_from="2026-03-15")
    assert (saved["effective_from"], saved["all_local_residents"]) == ("2026-03-15", False)
    on = await client.get("/api/v1/funeral/policy", params={"on": "2026-03-14"})
    assert (on.json()["all_local_residents"], on.json()["version"]) == (True, None)
    assert (await client.get("/api/v1/funeral/policy")).json()["all_local_residents"] is False
    early = await _post(
        client,
        clerk,
        waiver(person_number(dt.date(1940, 1, 1)), dt.date(2026, 3, 14), hukou_division="440704"),
    )
    late = await _post(
        client,
        clerk,
        waiver(
            person_number(dt.date(1940, 1, 1), seq=2), dt.date(2026, 3, 15), hukou_division="440704"
        ),
    )
    assert (early.json()["status"], early.json()["category"]) == ("approved", "local_resident")
    assert (late.json()["status"], late.json()["reasons"][0]["code"]) == (
        "rejected",
        "NOT_ELIGIBLE",
    )
    versions = (await client.get("/api/v1/funeral/policy/versions")).json()
    assert [v["effective_from"] for v in versions] == ["2026-03-15"]


async def test_excluded_categories(client, clerk, admin):
    await _policy(client, admin, excluded_categories=["public_institution"])
    # saved today: it applies to deaths from today
    excluded = waiver(person_number(dt.date(1940, 1, 1)), TODAY, hukou_division="440704")
    excluded["deceased"]["declared_categories"] = ["public_institution"]
    r = await _post(client, clerk, excluded)
    assert (r.json()["status"], r.json()["reasons"][0]["code"]) == ("rejected", "EXCLUDED_CATEGORY")
    assert r.json()["deceased"]["declared_categories"] == ["public_institution"]
    unknown = waiver(person_number(dt.date(1940, 1, 1), seq=2), TODAY, hukou_division="440704")
    unknown["deceased"]["declared_categories"] = ["astronaut"]
    r = await _post(client, clerk, unknown)
    assert (r.status_code, r.json()["code"]) == (422, "INVALID_CATEGORY")


async def test_total_cap_and_settlement(client, clerk, admin, reviewer):
    saved = await _policy(client, admin, total_cap_fen=50000)
    assert (saved["total_cap_fen"], saved["max_case_waiver_fen"]) == (50000, 50000)
    body = waiver(
        person_number(dt.date(1940, 1, 1)), TODAY, hukou_division="440704", items=ALL_ITEMS
    )
    r = await _post(client, clerk, body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["waived_fen"] == 50000 and out["family_pays_fen"] == 88000 - 50000
    assert "TOTAL_CAPPED" in [reason["code"] for reason in out["reasons"]]
    rows = (await client.get("/api/v1/funeral/settlements/2026-03", headers=reviewer)).json()
    assert [(row["funeral_home"], row["cases"], row["waived_fen"]) for row in rows] == [
        (HOME, 1, 50000)
    ]
    indicators = await client.get("/api/v1/stats/indicators?year=2026", headers=reviewer)
    rows = {row["key"]: row for row in indicators.json()}
    assert rows["funeral_waivers"]["value"] == 1
    assert rows["funeral_waived_amount"]["value"] == 500.0
    by_category = dict(rows["funeral_waivers_by_category"]["series"])
    assert by_category == {"本地户籍居民 / Local residents": 1}


@pytest.mark.parametrize(
    "change",
    [
        {"local_divisions": ["4407"]},
        {"local_divisions": [], "all_local_residents": True},
        {"excluded_categories": ["dibao"]},
        {"total_cap_fen": 0},
        {"effective_from": "2014-12-31"},
    ],
)
async def test_invalid_scope_is_refused(client, admin, change):
    policy = (await client.get("/api/v1/funeral/policy")).json()
    body = {
        "items": policy["items"],
        "eligible_categories": policy["eligible_categories"],
        **change,
    }
    r = await client.put("/api/v1/funeral/policy", json=body, headers=admin)
    assert r.status_code == 422 and r.json()["code"] in ("INVALID_POLICY", "INVALID_DIVISION"), (
        r.text
    )
    assert (await client.get("/api/v1/funeral/policy")).json()["version"] is None


async def test_narrow_scope_still_selectable(client, clerk, admin, set_today):
    await set_today(TODAY)
    saved = await _policy(client, admin, all_local_residents=False)
    assert saved["effective_from"] == TODAY.isoformat()
    r = await _post(
        client, clerk, waiver(person_number(dt.date(1940, 1, 1)), TODAY, hukou_division="440704")
    )
    assert (r.json()["status"], r.json()["reasons"][0]["code"]) == ("rejected", "NOT_ELIGIBLE")
