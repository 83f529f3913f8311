"""Issue 12 item 4: sign-in and sign-up forms cannot be posted from another site.

Anonymous page forms need the pre-session token (cookie ``mz_csrf`` + signed hidden field), and
every unsafe request without a bearer token that a browser marks as cross-site (``Origin``,
``Sec-Fetch-Site``) answers 403 ``CROSS_SITE_REQUEST``. Bearer-token API calls need neither.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.core.support import PASSWORD, assert_error, form_token

pytestmark = pytest.mark.db
JSON = {"accept": "application/json"}


@pytest.fixture
async def staff_user():
    from core.auth.accounts import create_staff_user

    await create_staff_user("form-admin", PASSWORD, ["admin"])
    return {"username": "form-admin", "password": PASSWORD}


async def test_a_login_without_the_form_token_is_refused_and_signs_nobody_in(client, staff_user):
    r = await client.post("/login", data=staff_user, headers=JSON)
    assert_error(r, 403, "CSRF_FAILED")
    assert "mz_session" not in client.cookies
    # A forged field with no cookie, and a cookie with a field signed for another nonce.
    r = await client.post("/login", data={**staff_user, "_csrf": "a" * 64}, headers=JSON)
    assert_error(r, 403, "CSRF_FAILED")
    token = await form_token(client)
    client.cookies.set("mz_csrf", "attacker-planted-nonce-0123456789")
    r = await client.post("/login", data={**staff_user, "_csrf": token}, headers=JSON)
    assert_error(r, 403, "CSRF_FAILED")
    assert "mz_session" not in client.cookies


async def test_the_login_page_token_signs_in(client, staff_user):
    page = await client.get("/login", headers={"accept": "text/html"})
    cookie = page.headers["set-cookie"]
    assert "mz_csrf=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = await form_token(client)
    r = await client.post("/login", data={**staff_user, "_csrf": token})
    assert r.status_code == 303
    assert (await client.get("/api/v1/me")).json()["username"] == "form-admin"


async def test_a_forged_sign_up_is_refused(client, id_number):
    from core.tables import Account

    data = {
        "id_number": id_number(dt.date(1990, 1, 2), "male", seq=5),
        "name": "李雷",
        "phone": "13800138000",
        "password": "citizen-pass-12",
        "password_again": "citizen-pass-12",
    }
    assert_error(await client.post("/signup", data=data, headers=JSON), 403, "CSRF_FAILED")
    token = await form_token(client, "/signup")
    r = await client.post(
        "/signup",
        data={**data, "_csrf": token},
        headers={**JSON, "origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert_error(r, 403, "CROSS_SITE_REQUEST")
    assert await Account.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "https://other.testserver.local"},
    ],
)
async def test_cross_site_form_posts_are_refused_even_with_a_valid_token(
    client, staff_user, headers
):
    token = await form_token(client)
    r = await client.post(
        "/login", data={**staff_user, "_csrf": token}, headers={**JSON, **headers}
    )
    assert_error(r, 403, "CROSS_SITE_REQUEST")
    assert "mz_session" not in client.cookies


async def test_same_origin_browser_posts_pass(client, staff_user):
    token = await form_token(client)
    headers = {"origin": "http://testserver.local", "sec-fetch-site": "same-origin"}
    r = await client.post("/login", data={**staff_user, "_csrf": token}, headers=headers)
    assert r.status_code == 303


async def test_cross_site_posts_with_a_session_are_refused(client, staff_user):
    token = await form_token(client)
    assert (await client.post("/login", data={**staff_user, "_csrf": token})).status_code == 303
    session_token = await form_token(client, "/")
    r = await client.post(
        "/logout",
        data={"_csrf": session_token},
        headers={**JSON, "origin": "https://evil.example"},
    )
    assert_error(r, 403, "CROSS_SITE_REQUEST")
    assert (await client.get("/api/v1/me")).status_code == 200


async def test_bearer_api_calls_need_no_token_and_no_origin(client, admin):
    headers = {**admin, "origin": "https://integration.example", "sec-fetch-site": "cross-site"}
    r = await client.patch(
        "/api/v1/admin/plugins/funeral", json={"enabled": False}, headers=headers
    )
    assert r.status_code == 200, r.text
    # Anonymous JSON API calls (no ambient credential) need no form token either.
    r = await client.post("/api/v1/auth/token", json={"username": "x", "password": "y"})
    assert_error(r, 401, "INVALID_CREDENTIALS")
