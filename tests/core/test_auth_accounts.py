"""Issue #2 item 4: citizen self-sign-up and staff accounts created by an admin."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.core.support import PASSWORD, assert_error

pytestmark = pytest.mark.db


CITIZEN_PASSWORD = "citizen-pass-1"


def _signup(number: str, name: str = "王芳", password: str = CITIZEN_PASSWORD) -> dict:
    return {"id_number": number, "name": name, "phone": "13800000000", "password": password}


async def test_citizen_signs_up_with_their_identity_number(client, id_number):
    from core.people.service import find_person

    number = id_number(dt.date(1992, 7, 9), "female", seq=4)
    r = await client.post("/api/v1/citizens", json=_signup(number))
    assert r.status_code == 201, r.text
    assert r.json()["username"] == number
    person = await find_person(number)
    assert person is not None
    assert (person.name, person.sex, person.birth_date) == ("王芳", "female", dt.date(1992, 7, 9))
    r = await client.post(
        "/api/v1/auth/token", json={"username": number, "password": "citizen-pass-1"}
    )
    assert r.status_code == 200
    assert r.json()["user"] == {"username": number, "roles": ["citizen"]}


async def test_lower_case_x_is_stored_upper_case(client):
    number = "11010519491231002X"  # the standard's own example
    r = await client.post("/api/v1/citizens", json=_signup(number.lower()))
    assert r.status_code == 201, r.text
    assert r.json()["username"] == number
    for typed in (number, number.lower()):
        r = await client.post(
            "/api/v1/auth/token", json={"username": typed, "password": "citizen-pass-1"}
        )
        assert r.status_code == 200, typed
    assert_error(
        await client.post("/api/v1/citizens", json=_signup(number)), 409, "ALREADY_REGISTERED"
    )
    assert_error(
        await client.post("/api/v1/citizens", json=_signup(number.lower())),
        409,
        "ALREADY_REGISTERED",
    )


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491231002",  # 17 characters
        "1101051949123100211",  # 19 characters
        "110105194913310026",  # month 13
        "11010519491231002Y",
        "",
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
    ],
)
async def test_invalid_identity_numbers_are_refused(client, number):
    assert_error(
        await client.post("/api/v1/citizens", json=_signup(number)), 422, "INVALID_ID_NUMBER"
    )


@pytest.mark.parametrize(
    ("name", "password", "code"),
    [
        ("王芳", "short", "WEAK_PASSWORD"),
        ("", CITIZEN_PASSWORD, "INVALID_NAME"),
        ("  ", CITIZEN_PASSWORD, "INVALID_NAME"),
    ],
)
async def test_sign_up_refusals(client, id_number, name, password, code):
    number = id_number(dt.date(1970, 1, 1), "male", seq=2)
    r = await client.post("/api/v1/citizens", json=_signup(number, name, password))
    assert_error(r, 422, code)
    assert_error(
        await client.post("/api/v1/auth/token", json={"username": number, "password": password}),
        401,
    )


async def test_admin_creates_staff_users(client, admin):
    body = {
        "username": "clerk-zhou",
        "password": PASSWORD,
        "roles": ["clerk"],
        "office_code": "JH01",
    }
    r = await client.post("/api/v1/admin/users", json=body, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "clerk-zhou" and r.json()["roles"] == ["clerk"]
    clerk = await factories.sign_in(client, "clerk-zhou", PASSWORD)
    me = (await client.get("/api/v1/me", headers=clerk)).json()
    assert (me["roles"], me["office_code"], me["kind"]) == (["clerk"], "JH01", "staff")
    assert_error(
        await client.post("/api/v1/admin/users", json=body, headers=admin), 409, "USERNAME_TAKEN"
    )
    listed = (await client.get("/api/v1/admin/users", headers=admin)).json()
    assert "clerk-zhou" in [u["username"] for u in listed["items"]]
    assert all("password_hash" not in u for u in listed["items"])


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"username": "clerk-x", "password": PASSWORD, "roles": ["clerk"]}, "OFFICE_REQUIRED"),
        ({"username": "boss-x", "password": PASSWORD, "roles": ["superuser"]}, "INVALID_ROLE"),
        ({"username": "boss-y", "password": PASSWORD, "roles": []}, "INVALID_ROLE"),
        ({"username": "boss-z", "password": PASSWORD, "roles": ["citizen"]}, "INVALID_ROLE"),
        ({"username": "a b", "password": PASSWORD, "roles": ["admin"]}, "INVALID_USERNAME"),
        ({"username": "张三丰", "password": PASSWORD, "roles": ["admin"]}, "INVALID_USERNAME"),
        ({"username": "boss-w", "password": "1234567", "roles": ["admin"]}, "WEAK_PASSWORD"),
    ],
)
async def test_staff_user_refusals(client, admin, body, code):
    assert_error(await client.post("/api/v1/admin/users", json=body, headers=admin), 422, code)


async def test_every_account_change_is_audited(client, admin, id_number):
    from core.tables import AuditEvent

    number = id_number(dt.date(1988, 8, 8), "male", seq=9)
    await client.post("/api/v1/citizens", json=_signup(number))
    body = {"username": "rev-he", "password": PASSWORD, "roles": ["reviewer"]}
    created = (await client.post("/api/v1/admin/users", json=body, headers=admin)).json()
    await client.patch(
        f"/api/v1/admin/users/{created['id']}", json={"active": False}, headers=admin
    )
    actions = [
        r["action"] for r in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.seq)
    ]
    for action in ("core.citizen.registered", "core.user.created", "core.user.deactivated"):
        assert action in actions
