"""Issue #2 items 4 and 10: cookie sessions need the CSRF token for unsafe methods, bearer calls
do not; every response, errors and 404s included, carries the security headers."""

from __future__ import annotations

import pytest

from tests import factories
from tests.core.support import assert_error

pytestmark = pytest.mark.db


@pytest.fixture
async def session(client):
    """An admin signed in through the login form: the client holds the session cookie."""
    yield await factories.staff_session(client, "admin-page", "admin")
    client.cookies.clear()


async def test_session_post_without_csrf_token_is_403(client, session):
    r = await client.patch("/api/v1/admin/plugins/funeral", json={"enabled": False})
    assert_error(r, 403, "CSRF_FAILED")
    r = await client.patch(
        "/api/v1/admin/plugins/funeral", json={"enabled": False}, headers={"X-CSRF-Token": "f" * 64}
    )
    assert_error(r, 403, "CSRF_FAILED")
    r = await client.patch(
        "/api/v1/admin/plugins/funeral",
        json={"enabled": False},
        headers={"X-CSRF-Token": "é".encode("latin-1")},
    )
    assert_error(r, 403, "CSRF_FAILED")
    plugins = (await client.get("/api/v1/admin/plugins")).json()  # GET needs no token
    assert {p["name"]: p["enabled"] for p in plugins}["funeral"] is True


async def test_session_post_with_csrf_token_works(client, session):
    r = await client.patch(
        "/api/v1/admin/plugins/funeral", json={"enabled": False}, headers={"X-CSRF-Token": session}
    )
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is False
    # The form field works as well as the header: signing out of the page.
    r = await client.post("/logout", data={"_csrf": session})
    assert r.status_code in (301, 302, 303)
    assert_error(await client.get("/api/v1/me"), 401)


async def test_form_post_without_csrf_field_is_refused(client, session):
    r = await client.post("/logout", data={"other": "x"}, headers={"accept": "application/json"})
    assert_error(r, 403, "CSRF_FAILED")
    assert (await client.get("/api/v1/me")).status_code == 200  # still signed in


async def test_bearer_calls_need_no_csrf_token(client, admin):
    r = await client.patch("/api/v1/admin/plugins/funeral", json={"enabled": False}, headers=admin)
    assert r.status_code == 200


EXPECTED_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("get", "/", {}),
        ("get", "/login", {}),
        ("get", "/no/such/page", {"accept": "text/html"}),
        ("get", "/api/v1/no/such/thing", {}),
        ("get", "/api/v1/me", {}),
        ("post", "/api/v1/auth/token", {"content-type": "application/json"}),
        ("get", "/api/v1/verify/X?c=1", {}),
        ("get", "/verify/X?c=1", {"accept": "text/html"}),
        ("get", "/schema/openapi.json", {}),
        ("get", "/static/nothing-here.css", {}),
        ("delete", "/api/v1/auth/token", {}),
    ],
)
async def test_security_headers_on_every_response(client, method, path, headers):
    r = await client.request(
        method, path, headers=headers, content=b"{" if method == "post" else None
    )
    for name, value in EXPECTED_HEADERS.items():
        assert r.headers.get(name) == value, (path, r.status_code, name)
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers.get("x-frame-options") == "DENY"
