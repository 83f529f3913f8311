"""The world the authorization matrix runs in: ten personas and the objects of citizen A,
organization A and office X, built through the HTTP API the way people build them (a clerk
verifies identity cards at the window, citizens book, clerks register, organizations file).

Everything happens on a pinned clock (``TODAY``) so that slots, months and report years do
not depend on the day the suite runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests import factories

TODAY = dt.date(2026, 6, 1)  # a Monday
MONTH = "2026-06"
OFFICE_X, OFFICE_Y = "JH01", "XH01"
HOME = "江门市殡仪馆"
STAFF_PASSWORD = factories.STAFF_PASSWORD
CITIZEN_PASSWORD = "citizen-password-1"
ORG_PASSWORD = "org-password-1"
REPORT = {
    "activities": "开展社区助老服务120场，培训志愿者300人次。",
    "revenue_fen": 125_000_00,
    "expenditure_fen": 98_000_00,
    "net_assets_fen": 40_000_00,
    "full_time_staff": 6,
    "volunteers": 85,
    "party_organization": "standalone",
    "officer_changes": "无",
    "donations_received_fen": 30_000_00,
}
SCORES = {
    "basic_conditions": 60,
    "internal_governance": 380,
    "performance": 400,
    "social_evaluation": 100,
}


def person(birth: dt.date, sex: str, seq: int) -> str:
    """An identity number first issued in Jianghai."""
    return factories.id_number(birth, sex, "440704", seq)


def uscc(n: int) -> str:
    """The code of a social group registered in Jianghai."""
    return factories.uscc("social_group", n)


# People: A and P are a couple; B another verified citizen; C signed up only; D a person the
# window verifies during the matrix; G/H, Q/R couples; E and F die; K signs up; L is on a roster.
A = person(dt.date(1995, 3, 1), "male", 1)
P = person(dt.date(1997, 8, 15), "female", 1)
B = person(dt.date(1995, 3, 1), "male", 2)
C = person(dt.date(1996, 4, 2), "male", 3)
D = person(dt.date(1990, 1, 5), "female", 4)
G, H = person(dt.date(1994, 2, 1), "male", 5), person(dt.date(1996, 5, 1), "female", 5)
Q, R = person(dt.date(1994, 2, 1), "male", 6), person(dt.date(1996, 5, 1), "female", 6)
E = person(dt.date(1940, 1, 1), "female", 7)
F = person(dt.date(1941, 1, 1), "female", 8)
K = person(dt.date(1999, 9, 9), "male", 9)
L = person(dt.date(1960, 6, 6), "female", 10)
I = person(dt.date(1998, 1, 1), "female", 11)  # noqa: E741 (a person, named like the others)
ORG_A, ORG_B, ORG_NEW = uscc(1), uscc(2), uscc(9)


@dataclass
class World:
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    """persona → Authorization headers (anonymous: none)."""
    credentials: dict[str, tuple[str, str]] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    """Objects: appointment, slots, certificates, registration, divorce, waiver, …"""


def party(number: str, name: str) -> dict[str, str]:
    return {"id_number": number, "name": name, "hukou_division": "440704"}


def waiver_body(number: str, name: str, died_on: dt.date) -> dict[str, Any]:
    return {
        "deceased": {
            "id_number": number,
            "name": name,
            "died_on": died_on.isoformat(),
            "hukou_division": "440704",
        },
        "funeral_home": HOME,
        "applicant": {"name": "李明", "phone": "13800138000", "relation": "儿子"},
        "items": [{"code": "cremation", "fee_fen": 30000}],
    }


def disability_body(number: str) -> dict[str, Any]:
    return {
        "id_number": number,
        "name": "王强",
        "disability_card_no": f"{number}41",
        "category": 4,
        "grade": 1,
        "subsidies": ["living", "nursing"],
        "hukou_division": "440704",
    }


def _ok(r: httpx.Response, *codes: int) -> dict[str, Any]:
    assert r.status_code in (codes or (200, 201)), f"{r.request.method} {r.request.url}: {r.text}"
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else {}


@asynccontextmanager
async def fresh_world(
    app: Any, database_url: str, client: tuple[str, int]
) -> AsyncIterator[tuple[World, httpx.AsyncClient]]:
    """The world built on ``database_url`` emptied, every plugin on, and the client that built
    it (from the address ``client``), still open for what a test module adds to it."""
    from core import db as core_db
    from core.plugins import get_host
    from tests.fixtures.engines import use_url

    use_url(database_url)
    core_db.use_database(database_url)
    await core_db.wipe_all_data()
    await get_host().enabled(fresh=True)
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield await build(c), c


async def build(client: httpx.AsyncClient) -> World:
    from core.auth.accounts import create_staff_user
    from core.people.service import ensure_person
    from plugins.marriage.services.tasks import REMARRIED, open_task

    w = World()
    for name, roles, office in (
        ("admin", ["admin"], None),
        ("reviewer", ["reviewer"], None),
        ("clerk_x", ["clerk"], OFFICE_X),
        ("clerk_y", ["clerk"], OFFICE_Y),
        ("matrix-login", ["reviewer"], None),
        ("matrix-throwaway", ["clerk"], OFFICE_X),
    ):
        username = name.replace("_", "-")
        await create_staff_user(username, STAFF_PASSWORD, roles, office)
        w.credentials[name] = (username, STAFF_PASSWORD)
    for name in ("admin", "reviewer", "clerk_x", "clerk_y"):
        w.headers[name] = await factories.sign_in(client, *w.credentials[name])
    admin, clerk = w.headers["admin"], w.headers["clerk_x"]

    # -- organizations, evaluated a year before TODAY (clock moved as the year goes) ----------
    await factories.set_today(client, admin, dt.date(2025, 3, 1))
    for n, code, persona in ((1, ORG_A, "org_a"), (2, ORG_B, "org_b")):
        _ok(
            await client.post(
                "/api/v1/orgs",
                json={
                    "uscc": code,
                    "name": f"江海区授权矩阵社会组织{n}",
                    "kind": "social_group",
                    "registered_on": "2023-01-10",
                    "legal_representative": "陈志明",
                    "staff_count": 5,
                },
                headers=clerk,
            )
        )
        username = f"{persona.replace('_', '-')}-account"
        _ok(
            await client.post(
                f"/api/v1/orgs/{code}/accounts",
                json={"username": username, "password": ORG_PASSWORD},
                headers=clerk,
            )
        )
        w.credentials[persona] = (username, ORG_PASSWORD)
        w.headers[persona] = await factories.sign_in(client, username, ORG_PASSWORD)
    for year in (2023, 2024):
        path = f"/api/v1/orgs/{ORG_A}/annual-reports/{year}"
        _ok(await client.put(path, json=REPORT, headers=w.headers["org_a"]))
        _ok(await client.post(path + "/submit", headers=w.headers["org_a"]))
    await factories.set_today(client, admin, dt.date(2025, 6, 3))
    evaluation = _ok(
        await client.post(
            f"/api/v1/orgs/{ORG_A}/evaluations",
            json={"year": 2025, "scores": SCORES},
            headers=w.headers["reviewer"],
        )
    )
    w.ids["evaluation"] = evaluation["id"]
    await factories.set_today(client, admin, dt.date(2025, 6, 20))
    _ok(
        await client.post(
            f"/api/v1/orgs/evaluations/{evaluation['id']}/announce",
            headers=w.headers["reviewer"],
        )
    )
    spot = _ok(
        await client.post(
            "/api/v1/orgs/spot-checks",
            json={"year": 2024, "count": 1, "seed": 7},
            headers=w.headers["reviewer"],
        )
    )
    w.ids["spot_check"] = spot.get("id") or spot.get("spot_check_id")

    # -- the rest happens on TODAY -------------------------------------------------------------
    await factories.set_today(client, admin, TODAY)
    _ok(
        await client.put(
            f"/api/v1/orgs/{ORG_A}/annual-reports/2025", json=REPORT, headers=w.headers["org_a"]
        )
    )

    for code, division, name in (
        (OFFICE_X, "440704", "江海区婚姻登记处"),
        (OFFICE_Y, "440703", "蓬江区婚姻登记处"),
    ):
        _ok(
            await client.post(
                "/api/v1/marriage/offices",
                json={"code": code, "name": name, "division_code": division},
                headers=admin,
            )
        )
        _ok(
            await client.put(
                f"/api/v1/marriage/offices/{code}/schedule",
                json={
                    "slots": [
                        {"start": "09:00", "end": "09:30", "capacity": 5},
                        {"start": "14:00", "end": "14:30", "capacity": 5},
                    ],
                    "horizon_days": 14,
                },
                headers=admin,
            )
        )
    slots = _ok(
        await client.get(
            "/api/v1/marriage/slots",
            params={
                "office": OFFICE_X,
                "from": (TODAY + dt.timedelta(days=1)).isoformat(),
                "to": (TODAY + dt.timedelta(days=10)).isoformat(),
            },
        )
    )
    w.ids["slots"] = [s["id"] for s in slots]

    # -- citizens: A and B verified at a window, C signed up only -------------------------------
    for persona, number, name, phone in (
        ("citizen_a", A, "王强", "13800000001"),
        ("citizen_b", B, "赵伟", "13800000002"),
    ):
        r = await client.post(
            f"/api/v1/citizens/{number}/verify-identity",
            json={"phone": phone, "name": name},
            headers=clerk,
        )
        code = _ok(r)["activation_code"]
        _ok(
            await client.post(
                "/api/v1/citizens/activate",
                json={"id_number": number, "activation_code": code, "password": CITIZEN_PASSWORD},
            )
        )
        w.credentials[persona] = (number, CITIZEN_PASSWORD)
        w.headers[persona] = await factories.sign_in(client, number, CITIZEN_PASSWORD)
    _ok(
        await client.post(
            "/api/v1/citizens",
            json={
                "id_number": C,
                "name": "孙明",
                "phone": "13800000003",
                "password": CITIZEN_PASSWORD,
            },
        )
    )
    w.credentials["citizen_unverified"] = (C, CITIZEN_PASSWORD)
    w.headers["citizen_unverified"] = await factories.sign_in(client, C, CITIZEN_PASSWORD)
    for number, name in ((D, "周敏"), (P, "李芳"), (I, "吴丽")):
        await ensure_person(number, name)

    # -- marriage: A's appointment at X, A and P married at X, their divorce application -------
    booked = _ok(
        await client.post(
            "/api/v1/marriage/appointments",
            json={
                "slot_id": w.ids["slots"][0],
                "service": "marriage",
                "partner": {"id_number": P, "name": "李芳"},
            },
            headers=w.headers["citizen_a"],
        )
    )
    w.ids["appointment"] = booked["code"]
    for key, man, woman in (("registration", A, P), ("reissue_source", Q, R)):
        created = _ok(
            await client.post(
                "/api/v1/marriage/registrations",
                json={
                    "kind": "marriage",
                    "office_code": OFFICE_X,
                    "party_a": party(man, "王强" if man == A else "钱军"),
                    "party_b": party(woman, "李芳" if woman == P else "郑红"),
                },
                headers=clerk,
            )
        )
        w.ids[key] = created["id"]
        w.ids[f"{key}_certificate"] = created["certificate_no"]
        w.ids[f"{key}_verify_url"] = created["verify_url"]
    divorce = _ok(
        await client.post(
            "/api/v1/marriage/divorce-applications",
            json={
                "marriage_certificate_no": w.ids["registration_certificate"],
                "office_code": OFFICE_X,
            },
            headers=clerk,
        )
    )
    w.ids["divorce"] = divorce["id"]
    await open_task(REMARRIED, A, P, TODAY, "授权矩阵测试待办 / matrix task")
    tasks = _ok(await client.get("/api/v1/marriage/tasks", headers=clerk))
    w.ids["task"] = tasks["items"][0]["id"]

    # -- funeral: a waiver for E, who died two days ago ----------------------------------------
    waiver = _ok(
        await client.post(
            "/api/v1/funeral/waivers",
            json=waiver_body(E, "李秀英", TODAY - dt.timedelta(days=2)),
            headers=clerk,
        )
    )
    w.ids["waiver"] = waiver["id"]

    # -- disability: A applied, approved; June's payroll run -----------------------------------
    application = _ok(
        await client.post(
            "/api/v1/disability/applications",
            json=disability_body(A),
            headers=w.headers["citizen_a"],
        )
    )
    w.ids["disability"] = application["id"]
    _ok(
        await client.post(
            f"/api/v1/disability/applications/{application['id']}/street-review",
            json={"approve": True, "note": "属实"},
            headers=clerk,
        )
    )
    _ok(
        await client.post(
            f"/api/v1/disability/applications/{application['id']}/approve",
            headers=w.headers["reviewer"],
        )
    )
    _ok(await client.post(f"/api/v1/disability/payroll/{MONTH}", headers=w.headers["reviewer"]))

    # -- administration: a notification to retry, a staff account to deactivate ---------------
    notes = _ok(await client.get("/api/v1/admin/notifications", headers=admin))
    w.ids["notification"] = notes["items"][0]["id"]
    users = _ok(await client.get("/api/v1/admin/users", params={"limit": 500}, headers=admin))
    items = users["items"] if isinstance(users, dict) else users
    w.ids["throwaway_account"] = next(u["id"] for u in items if u["username"] == "matrix-throwaway")
    return w
