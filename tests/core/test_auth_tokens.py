"""Issue #2 item 4: bearer tokens, logout, expiry, deactivation, password storage, ``/me``."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.core.support import PASSWORD, assert_error

pytestmark = pytest.mark.db


async def _token(client, username: str, password: str = PASSWORD):
    return await client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def test_token_is_issued_with_expiry_and_user(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("reviewer-wang", PASSWORD, ["reviewer"])
    before = dt.datetime.now(dt.UTC)
    r = await _token(client, "reviewer-wang")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"token", "expires_at", "user"}
    assert body["user"] == {"username": "reviewer-wang", "roles": ["reviewer"]}
    assert len(body["token"]) >= 32
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(hours=11) < expires - before <= dt.timedelta(hours=12, minutes=1)
    me = await client.get("/api/v1/me", headers=_bearer(body["token"]))
    assert me.status_code == 200
    assert {k: me.json()[k] for k in ("username", "roles", "kind")} == {
        "username": "reviewer-wang",
        "roles": ["reviewer"],
        "kind": "staff",
    }


@pytest.mark.parametrize(
    ("username", "password"),
    [("clerk-li", "wrong-password"), ("nobody-here", PASSWORD), ("CLERK-LI", PASSWORD)],
)
async def test_wrong_credentials_are_401(client, username, password):
    from core.auth.accounts import create_staff_user

    await create_staff_user("clerk-li", PASSWORD, ["clerk"], "JH01")
    assert_error(await _token(client, username, password), 401, "INVALID_CREDENTIALS")


async def test_eighteen_character_staff_usernames_sign_in(client):
    """Only identity numbers are upper-cased on sign-in; other names are kept as typed."""
    from core.auth.accounts import create_staff_user

    await create_staff_user("district-reviewer1", PASSWORD, ["reviewer"])
    assert (await _token(client, "district-reviewer1")).status_code == 200


async def test_logout_revokes_only_that_token(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("admin-zhao", PASSWORD, ["admin"])
    first = (await _token(client, "admin-zhao")).json()["token"]
    second = (await _token(client, "admin-zhao")).json()["token"]
    r = await client.post("/api/v1/auth/logout", headers=_bearer(first))
    assert r.status_code == 204
    assert_error(await client.get("/api/v1/me", headers=_bearer(first)), 401, "UNAUTHENTICATED")
    assert (await client.get("/api/v1/me", headers=_bearer(second))).status_code == 200
    # A revoked token cannot log out again either.
    assert_error(await client.post("/api/v1/auth/logout", headers=_bearer(first)), 401)


async def test_expired_token_is_401(client):
    from core.auth.accounts import create_staff_user
    from core.auth.tokens import token_digest
    from core.tables import AuthToken

    await create_staff_user("admin-qian", PASSWORD, ["admin"])
    token = (await _token(client, "admin-qian")).json()["token"]
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 200
    await AuthToken.update(
        {AuthToken.expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
    ).where(AuthToken.token_hash == token_digest(token))
    assert_error(await client.get("/api/v1/me", headers=_bearer(token)), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    "header",
    ["Bearer ", "Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer " + "x" * 5000],
)
async def test_missing_or_bogus_credentials_are_401(client, header):
    assert_error(await client.get("/api/v1/me", headers={"Authorization": header}), 401)
    assert_error(await client.get("/api/v1/admin/plugins", headers={"Authorization": header}), 401)


async def test_deactivating_an_account_revokes_its_tokens(client, admin):
    from core.auth.accounts import create_staff_user
    from core.tables import AuthToken

    account = await create_staff_user("clerk-sun", PASSWORD, ["clerk"], "JH01")
    token = (await _token(client, "clerk-sun")).json()["token"]
    r = await client.patch(
        f"/api/v1/admin/users/{account.id}", json={"active": False}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert_error(await client.get("/api/v1/me", headers=_bearer(token)), 401)
    rows = await AuthToken.select(AuthToken.revoked_at).where(AuthToken.account == account.id)
    assert rows and all(row["revoked_at"] is not None for row in rows)
    assert_error(await _token(client, "clerk-sun"), 401, "INVALID_CREDENTIALS")
    r = await client.patch(
        f"/api/v1/admin/users/{account.id}", json={"active": True}, headers=admin
    )
    assert r.status_code == 200
    assert_error(await client.get("/api/v1/me", headers=_bearer(token)), 401)
    assert (await _token(client, "clerk-sun")).status_code == 200
    assert_error(
        await client.patch("/api/v1/admin/users/999999", json={"active": False}, headers=admin),
        404,
        "NOT_FOUND",
    )


async def test_passwords_are_stored_as_argon2id_and_tokens_as_digests(client, id_number):
    from core.tables import Account, AuthToken

    number = id_number(dt.date(1990, 5, 1), "female", seq=3)
    r = await client.post(
        "/api/v1/citizens",
        json={
            "id_number": number,
            "name": "王芳",
            "phone": "13800000000",
            "password": "my-pass-123",
        },
    )
    assert r.status_code == 201, r.text
    token = (await _token(client, number, "my-pass-123")).json()["token"]
    row = await Account.select().where(Account.username == number).first()
    assert row["password_hash"].startswith("$argon2id$")
    assert all("my-pass-123" not in str(value) for value in row.values())
    stored = await AuthToken.select(AuthToken.token_hash)
    assert stored and all(token not in s["token_hash"] for s in stored)
    assert len(stored[0]["token_hash"]) == 64


async def test_me_describes_the_caller(client, citizen, id_number):
    number = id_number(dt.date(1985, 1, 2), "male", seq=5)
    headers = await citizen(number, "李雷")
    body = (await client.get("/api/v1/me", headers=headers)).json()
    assert (body["username"], body["roles"], body["kind"]) == (number, ["citizen"], "citizen")
    assert_error(await client.get("/api/v1/me"), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    ("roles", "method", "path", "body"),
    [
        (("reviewer",), "get", "/api/v1/admin/plugins", None),
        (("clerk",), "patch", "/api/v1/admin/plugins/marriage", {"enabled": False}),
        (("clerk",), "get", "/api/v1/admin/audit", None),
        (("reviewer",), "get", "/api/v1/admin/audit/verify", None),
        (("clerk",), "post", "/api/v1/admin/users", {"username": "x1x", "roles": ["admin"]}),
        (("reviewer",), "patch", "/api/v1/people/11010519491231002X", {"hukou_division": "440704"}),
        (("admin",), "patch", "/api/v1/people/11010519491231002X", {"hukou_division": "440704"}),
        (("clerk",), "get", "/api/v1/stats/indicators", None),
        (("clerk",), "put", "/api/v1/testing/clock", {"today": "2026-01-05"}),
        (("reviewer",), "post", "/api/v1/rosters/import", None),
    ],
)  # fmt: skip
async def test_roles_without_the_permission_are_refused_403(
    client, staff, roles, method, path, body
):
    headers = await staff(*roles, office_code="JH01" if "clerk" in roles else None)
    r = await client.request(method, path, json=body, headers=headers)
    assert_error(r, 403, "FORBIDDEN")
    assert_error(await client.request(method, path, json=body), 401, "UNAUTHENTICATED")


async def test_citizens_are_refused_staff_routes(client, citizen, id_number):
    number = id_number(dt.date(2000, 3, 4), "male", seq=8)
    headers = await citizen(number)
    for path in ("/api/v1/admin/plugins", f"/api/v1/people/{number}", "/api/v1/stats/indicators"):
        assert_error(await client.get(path, headers=headers), 403, "FORBIDDEN")


async def test_an_admin_cannot_deactivate_their_own_account(client, admin):
    """Found by the schema fuzzer: one PATCH locked the only administrator out."""
    me = (await client.get("/api/v1/me", headers=admin)).json()
    users = (await client.get("/api/v1/admin/users", headers=admin)).json()["items"]
    own_id = next(u["id"] for u in users if u["username"] == me["username"])
    r = await client.patch(f"/api/v1/admin/users/{own_id}", json={"active": False}, headers=admin)
    assert_error(r, 409, "SELF_DEACTIVATION")
    assert (await client.get("/api/v1/me", headers=admin)).status_code == 200
