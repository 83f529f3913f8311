"""Registry over HTTP (API.md "Social organizations"): registration with a validated code,
organization accounts, the public directory and profile."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests import factories
from tests.factories import with_uscc_check

pytestmark = pytest.mark.db

BODY = {
    "name": "江海区志愿者协会",
    "kind": "social_group",
    "registered_on": "2021-04-12",
    "legal_representative": "李红",
    "staff_count": 4,
}


async def test_clerk_registers_and_anyone_reads_the_profile(client, clerk, uscc, audit_log):
    code = uscc("social_group", 7)
    r = await client.post("/api/v1/orgs/", json={**BODY, "uscc": code.lower()}, headers=clerk)
    assert r.status_code == 201, r.text
    assert r.json()["uscc"] == code  # stored upper-case

    profile = (await client.get(f"/api/v1/orgs/{code}")).json()
    assert profile["name"] == "江海区志愿者协会"
    assert profile["kind"] == "social_group"
    assert profile["status"] == "active"
    assert profile["latest_inspection"] is None
    assert profile["grade"] is None and profile["grade_valid_until"] is None

    events = await audit_log("social_orgs.")
    assert [(e["action"], e["actor"]) for e in events] == [("social_orgs.org.registered", "clerk1")]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("51440704MJ000001", "social_group"),  # 17 characters
        ("51440704MJ0000010", "social_group"),  # wrong check character
        (with_uscc_check("52440704MJ0000011"), "social_group"),  # kind digit 2 = social service
        (with_uscc_check("51440704MJ0000012"), "foundation"),  # kind digit 1, registered as 3
        # market regulation, not civil affairs
        (with_uscc_check("91440704MA5000001"), "social_group"),
        ("51440704MJ00000I1", "social_group"),  # I is outside the alphabet
    ],
    ids=["short", "bad-check", "service-as-group", "group-as-foundation", "enterprise", "letter-I"],
)
async def test_invalid_codes_are_refused(client, clerk, code, kind):
    if code == "51440704MJ0000010":
        assert with_uscc_check("51440704MJ000001") != code  # the check character really is wrong
    r = await client.post("/api/v1/orgs/", json={**BODY, "uscc": code, "kind": kind}, headers=clerk)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "INVALID_USCC"


async def test_each_kind_needs_its_own_digit(client, clerk, uscc):
    for n, kind in enumerate(("social_group", "social_service", "foundation"), start=1):
        r = await client.post(
            "/api/v1/orgs/", json={**BODY, "uscc": uscc(kind, n), "kind": kind}, headers=clerk
        )
        assert r.status_code == 201, r.text


async def test_duplicate_code_is_a_conflict(client, clerk, uscc):
    code = uscc("foundation", 3)
    body = {**BODY, "uscc": code, "kind": "foundation"}
    assert (await client.post("/api/v1/orgs/", json=body, headers=clerk)).status_code == 201
    r = await client.post("/api/v1/orgs/", json={**body, "name": "另一个基金会"}, headers=clerk)
    assert r.status_code == 409
    assert r.json()["code"] == "ALREADY_REGISTERED"


async def test_registration_refuses_bad_values(client, clerk, uscc):
    code = uscc("social_group", 9)
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    cases = [
        ({"registered_on": tomorrow}, 422, "INVALID_DATE"),
        ({"name": "  "}, 422, "INVALID_NAME"),
        ({"staff_count": -1}, 422, "INVALID_STAFF_COUNT"),
        ({"kind": "company"}, 400, "BAD_REQUEST"),
        ({"registered_on": "2021-02-30"}, 400, "BAD_REQUEST"),
    ]
    for change, status, error in cases:
        r = await client.post("/api/v1/orgs/", json={**BODY, "uscc": code, **change}, headers=clerk)
        assert (r.status_code, r.json()["code"]) == (status, error), change
    assert (await client.get(f"/api/v1/orgs/{code}")).status_code == 404


async def test_only_clerks_register(client, staff, citizen, id_number, uscc):
    body = {**BODY, "uscc": uscc("social_group", 5)}
    assert (await client.post("/api/v1/orgs/", json=body)).status_code == 401
    for headers in (await staff("reviewer"), await staff("admin")):
        r = await client.post("/api/v1/orgs/", json=body, headers=headers)
        assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    person = await citizen(id_number(dt.date(1990, 1, 1)))
    assert (await client.post("/api/v1/orgs/", json=body, headers=person)).status_code == 403


async def test_unknown_or_malformed_code_is_not_found(client, uscc):
    for code in (uscc("social_group", 99), "not-a-code", "51440704MJ0000990"):
        r = await client.get(f"/api/v1/orgs/{code}")
        assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"


async def test_org_accounts(client, clerk, staff, new_org):
    code = await new_org()
    path = f"/api/v1/orgs/{code}/accounts"
    r = await client.post(
        path, json={"username": "jh-assoc", "password": "secret-pw-9"}, headers=clerk
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"username": "jh-assoc", "kind": "org", "uscc": code}

    org = await factories.sign_in(client, "jh-assoc", "secret-pw-9")
    me = await client.get("/api/v1/me", headers=org)
    assert me.json()["kind"] == "org" and me.json()["org_uscc"] == code

    again = await client.post(
        path, json={"username": "jh-assoc", "password": "secret-pw-9"}, headers=clerk
    )
    assert again.status_code == 409 and again.json()["code"] == "USERNAME_TAKEN"
    weak = await client.post(path, json={"username": "jh-assoc2", "password": "1"}, headers=clerk)
    assert weak.status_code == 422 and weak.json()["code"] == "WEAK_PASSWORD"
    reviewer = await staff("reviewer")
    body = {"username": "jh-assoc3", "password": "secret-pw-9"}
    assert (await client.post(path, json=body, headers=reviewer)).status_code == 403
    missing = await client.post(
        "/api/v1/orgs/51440704MJ9999999X/accounts", json=body, headers=clerk
    )
    assert missing.status_code == 404


async def test_directory_is_public_paginated_and_searchable(client, new_org):
    for n in range(3):
        await new_org(name=f"江海区书画协会{n}")
    await new_org("foundation", name="江海区慈善基金会")
    page = (await client.get("/api/v1/orgs/?limit=2")).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    assert set(page["items"][0]) >= {"uscc", "name", "kind", "status", "grade"}
    assert "legal_representative" not in page["items"][0]
    found = (await client.get("/api/v1/orgs/", params={"q": "慈善"})).json()
    assert [o["name"] for o in found["items"]] == ["江海区慈善基金会"]
    kinds = (await client.get("/api/v1/orgs/", params={"kind": "social_group"})).json()
    assert kinds["total"] == 3
    assert (await client.get("/api/v1/orgs/?limit=501")).status_code == 400


async def test_racing_registrations_of_one_code(client, clerk, uscc):
    body = {**BODY, "uscc": uscc("social_group", 77)}
    answers = await asyncio.gather(
        *(client.post("/api/v1/orgs", json=body, headers=clerk) for _ in range(5))
    )
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409, 409]


async def test_racing_first_drafts_of_one_report(client, set_today, new_org, org_login):
    code = await new_org(registered_on=dt.date(2023, 1, 1))
    org = await org_login(code)
    await set_today(dt.date(2025, 2, 1))
    answers = await asyncio.gather(
        *(
            client.put(
                f"/api/v1/orgs/{code}/annual-reports/2024", json={"volunteers": n}, headers=org
            )
            for n in range(4)
        )
    )
    assert [r.status_code for r in answers] == [200] * 4


async def test_a_disabled_plugin_answers_not_found(client, admin, new_org):
    code = await new_org()
    off = await client.patch(
        "/api/v1/admin/plugins/social_orgs", json={"enabled": False}, headers=admin
    )
    assert off.status_code == 200
    from core.plugins import get_host

    await get_host().enabled(fresh=True)
    assert (await client.get(f"/api/v1/orgs/{code}")).status_code == 404
    assert (await client.get("/orgs/", headers={"Accept": "text/html"})).status_code == 404
    await client.patch("/api/v1/admin/plugins/social_orgs", json={"enabled": True}, headers=admin)
    await get_host().enabled(fresh=True)
    assert (await client.get(f"/api/v1/orgs/{code}")).status_code == 200


async def test_every_endpoint_is_in_the_openapi_schema(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/orgs",
        "/api/v1/orgs/{uscc}",
        "/api/v1/orgs/{uscc}/accounts",
        "/api/v1/orgs/{uscc}/annual-reports/{year}",
        "/api/v1/orgs/{uscc}/annual-reports/{year}/submit",
        "/api/v1/orgs/{uscc}/annual-reports/{year}/inspection",
        "/api/v1/orgs/abnormal",
        "/api/v1/orgs/spot-checks",
        "/api/v1/orgs/{uscc}/evaluations",
    ):
        assert path in paths, path
