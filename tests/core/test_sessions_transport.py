"""Issue 12 item 8: sessions and transport, through the real app.

The session cookie lives exactly as long as the session; ``Secure`` cookies and HSTS when the
public URL is https; ``X-Forwarded-For``/``-Proto`` believed only from MINZHENG_TRUSTED_PROXIES
(also for rate limits); ``Cache-Control: no-store`` on personal data; staff passwords of at
least 10 characters, no common password, not the own username or identity number.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.auth.transport import forwarded_client
from core.settings import parse_networks
from tests.core.support import PASSWORD, assert_error, form_token

pytestmark = pytest.mark.db
PEER = "203.0.113.7"  # the test client's address (tests/fixtures/app.py)


async def _sign_in(client, username: str = "sess-admin") -> str:
    from core.auth.accounts import create_staff_user

    await create_staff_user(username, PASSWORD, ["admin"])
    token = await form_token(client)
    r = await client.post(
        "/login", data={"username": username, "password": PASSWORD, "_csrf": token}
    )
    assert r.status_code == 303, r.text
    return r.headers["set-cookie"]


async def test_the_session_cookie_lives_as_long_as_the_session(client):
    cookie = await _sign_in(client)
    assert "mz_session=" in cookie and "HttpOnly" in cookie
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert 12 * 3600 - 60 <= max_age <= 12 * 3600  # MINZHENG_TOKEN_TTL_HOURS, default 12
    assert "expires=" not in cookie.lower() or "2083" not in cookie
    assert "Secure" not in cookie  # plain-http development URL
    r = await client.get("/", headers={"accept": "text/html"})
    assert "strict-transport-security" not in r.headers


async def test_https_public_url_gives_secure_cookies_and_hsts(app, db, env_var):
    import httpx

    env_var("MINZHENG_PUBLIC_URL", "https://minzheng.example.gov.cn")
    transport = httpx.ASGITransport(app=app, client=(PEER, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver.local") as c:
        cookie = await _sign_in(c)
        assert "Secure" in cookie
        r = await c.get("/login", headers={"accept": "text/html"})
        assert r.headers["strict-transport-security"].startswith("max-age=31536000")
        r = await c.get("/api/v1/no/such/thing")
        assert r.status_code == 404 and "strict-transport-security" in r.headers
    # Even a request that reached the app over plain http gets Secure cookies.
    transport = httpx.ASGITransport(app=app, client=(PEER, 40001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        r = await c.get("/login", headers={"accept": "text/html"})
        assert "Secure" in r.headers["set-cookie"]


async def test_forwarded_headers_are_ignored_without_trusted_proxies(client, env_var):
    from core.auth.accounts import create_staff_user

    env_var("MINZHENG_ADDRESS_RATE_LIMIT", "3")
    await create_staff_user("sess-other", PASSWORD, ["admin"])
    token = await form_token(client)
    r = await client.post(
        "/login",
        data={"username": "sess-other", "password": PASSWORD, "_csrf": token},
        headers={"x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.50"},
    )
    assert r.status_code == 303 and "Secure" not in r.headers["set-cookie"]
    client.cookies.clear()
    for n in range(2):
        r = await client.post(
            "/api/v1/auth/token",
            json={"username": "x", "password": "y"},
            headers={"x-forwarded-for": f"198.51.100.{n}"},
        )
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/token",
        json={"username": "x", "password": "y"},
        headers={"x-forwarded-for": "198.51.100.99"},
    )
    assert_error(r, 429, "RATE_LIMITED")  # all counted against the peer itself


async def test_a_trusted_proxy_names_the_client_and_the_scheme(client, env_var):
    env_var("MINZHENG_ADDRESS_RATE_LIMIT", "2")
    env_var("MINZHENG_TRUSTED_PROXIES", "203.0.113.0/24, 10.0.0.0/8")
    behind = {"x-forwarded-for": "198.51.100.1", "x-forwarded-proto": "https"}
    for _ in range(2):
        r = await client.post(
            "/api/v1/auth/token", json={"username": "x", "password": "y"}, headers=behind
        )
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/token", json={"username": "x", "password": "y"}, headers=behind
    )
    assert_error(r, 429, "RATE_LIMITED")
    # Another client behind the same proxy has its own budget; a spoofed left-most entry
    # does not help the first one.
    other = {"x-forwarded-for": "198.51.100.2"}
    r = await client.post(
        "/api/v1/auth/token", json={"username": "x", "password": "y"}, headers=other
    )
    assert r.status_code == 401
    spoofed = {"x-forwarded-for": "192.0.2.50, 198.51.100.1"}
    r = await client.post(
        "/api/v1/auth/token", json={"username": "x", "password": "y"}, headers=spoofed
    )
    assert_error(r, 429, "RATE_LIMITED")
    # The proxy said https: the session cookie is Secure even on a plain-http public URL.
    from core.auth.accounts import create_staff_user

    await create_staff_user("behind-proxy", PASSWORD, ["admin"])
    page = await client.get("/login", headers={**behind, "x-forwarded-for": "198.51.100.3"})
    token = page.text.split('name="_csrf" value="')[1].split('"')[0]
    pre_session = page.headers["set-cookie"].split(";")[0]  # Secure: the browser has it over TLS
    assert "Secure" in page.headers["set-cookie"]
    r = await client.post(
        "/login",
        data={"username": "behind-proxy", "password": PASSWORD, "_csrf": token},
        headers={**behind, "x-forwarded-for": "198.51.100.3", "cookie": pre_session},
    )
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "192.0.2.9, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies in a row
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("198.51.100.7", "192.0.2.9", "198.51.100.7"),  # the peer is no proxy: header ignored
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_forwarded_client(peer, header, expected):
    assert forwarded_client(peer, header, parse_networks("10.0.0.0/8")) == expected


def test_a_malformed_proxy_list_stops_start_up():
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/8, not-a-network")


async def test_personal_data_is_never_cached(client, staff, id_number):
    from core.people.service import ensure_person

    number = id_number(dt.date(1960, 6, 1), "female", division="440704", seq=12)
    await ensure_person(number, "陈美")
    clerk = await staff("clerk", office_code="JH01")
    r = await client.get(f"/api/v1/people/{number}", headers=clerk)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    r = await client.get("/api/v1/me", headers=clerk)
    assert r.headers["cache-control"] == "no-store"
    assert (await client.get("/api/v1/people/x")).headers["cache-control"] == "no-store"
    await _sign_in(client)
    r = await client.get("/admin/audit", headers={"accept": "text/html"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    r = await client.get("/static/css/app.css")
    assert r.status_code == 200 and "no-store" not in r.headers.get("cache-control", "")


@pytest.mark.parametrize(
    ("password", "username", "ok"),
    [
        ("short-9ch", "clerk-wang", False),  # 9 characters: staff need 10
        ("1234567890", "clerk-wang", False),  # common
        ("qwertyuiop", "clerk-wang", False),
        ("Password123", "clerk-wang", False),  # common, whatever the case
        ("clerk-wang-2026", "clerk-wang", False),  # contains the username
        ("渔舟唱晚-江海-2026", "clerk-wang", True),
        ("tide-lantern-42", "clerk-wang", True),
    ],
)
async def test_staff_passwords(client, admin, password, username, ok):
    r = await client.post(
        "/api/v1/admin/users",
        json={"username": username, "password": password, "roles": ["reviewer"]},
        headers=admin,
    )
    if ok:
        assert r.status_code == 201, r.text
    else:
        assert_error(r, 422, "WEAK_PASSWORD")


async def test_citizen_passwords_refuse_common_ones_and_the_own_number(client, id_number):
    number = id_number(dt.date(1990, 1, 1), seq=3)
    body = {"id_number": number, "name": "张三", "phone": "13800000000"}
    for weak in ("password", "12345678", "woaini1314", f"x{number}", number.lower()):
        r = await client.post("/api/v1/citizens", json={**body, "password": weak})
        assert_error(r, 422, "WEAK_PASSWORD")
    r = await client.post("/api/v1/citizens", json={**body, "password": "citizen-pass-1"})
    assert r.status_code == 201, r.text
