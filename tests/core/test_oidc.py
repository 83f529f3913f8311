"""Issue 12 item 1: citizens sign in through the province's identity provider by OpenID Connect
(authorization code + PKCE). The provider is a real process (``tests/core/oidc_provider.py``,
authlib's server classes) on a free port, the app a real ``minzheng serve``; everything goes over
HTTP, and both are stopped afterwards."""

from __future__ import annotations

import datetime as dt
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests import factories
from tests.core.support import assert_error
from tests.factories import id_number
from tests.fixtures.live_server import free_port, start_live_server, stop_live_server

pytestmark = pytest.mark.slow

PROVIDER = Path(__file__).resolve().parent / "oidc_provider.py"
CALLBACK = "/api/v1/auth/oidc/callback"
CLIENT_ID = "minzheng-jianghai"


class Setup:
    def __init__(self, app, provider: subprocess.Popen, issuer: str, secret: str) -> None:
        self.app, self.provider, self.issuer, self.secret = app, provider, issuer, secret


@pytest.fixture(scope="module")
def oidc():
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    secret = secrets.token_urlsafe(16)
    app = start_live_server(
        extra_env={
            "MINZHENG_OIDC_ISSUER": issuer,
            "MINZHENG_OIDC_CLIENT_ID": CLIENT_ID,
            "MINZHENG_OIDC_CLIENT_SECRET": secret,
        }
    )
    args = ["--port", str(port), "--client-id", CLIENT_ID, "--client-secret", secret]
    provider = subprocess.Popen(
        [sys.executable, str(PROVIDER), *args, "--redirect-uri", app.url + CALLBACK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or provider.poll() is not None:
                    raise RuntimeError("the OIDC provider did not start") from None
                time.sleep(0.1)
        yield Setup(app, provider, issuer, secret)
    finally:
        provider.terminate()
        provider.wait(timeout=10)
        stop_live_server(app)


async def _to_provider(http: httpx.AsyncClient, app_url: str) -> str:
    """Start at the app; returns the provider's authorization URL it redirected to."""
    r = await http.get(app_url + "/api/v1/auth/oidc/login")
    assert r.status_code == 302, r.text
    assert "mz_oidc" in r.headers.get("set-cookie", "")
    return r.headers["location"]


async def _sign_in_at_provider(http: httpx.AsyncClient, authorize: str, number: str, name: str):
    """The person signs in at the provider; returns the redirect back to the app."""
    page = await http.get(authorize)
    assert page.status_code == 200 and "省统一身份认证" in page.text
    r = await http.post(authorize, data={"id_number": number, "name": name})
    assert r.status_code == 302, r.text
    back = r.headers["location"]
    assert back.startswith(CALLBACK) or CALLBACK in back
    return back


async def test_full_sign_in_creates_a_citizen_at_identity(oidc):
    number = id_number(dt.date(1990, 6, 1), "female", seq=301)
    async with httpx.AsyncClient(timeout=30) as http:
        authorize = await _to_provider(http, oidc.app.url)
        query = parse_qs(urlsplit(authorize).query)
        assert authorize.startswith(oidc.issuer + "/authorize")
        assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
        assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
        assert query["state"][0] and query["nonce"][0]
        assert "openid" in query["scope"][0].split()
        back = await _sign_in_at_provider(http, authorize, number, "陈静")
        r = await http.get(back)
        assert r.status_code == 303, r.text
        assert r.headers["location"] == "/account"
        me = await http.get(oidc.app.url + "/api/v1/me")
        assert me.status_code == 200, me.text
        assert me.json()["username"] == number
        assert me.json()["verification"] == "identity"
        # The code cannot be replayed (and the state cookie is gone).
        assert_error(await http.get(back), 422, "OIDC_FAILED")


async def test_the_login_page_offers_the_provincial_sign_in(oidc):
    async with httpx.AsyncClient(timeout=30) as http:
        page = await http.get(oidc.app.url + "/login")
        assert "data-oidc-login" in page.text and "使用省统一身份认证登录" in page.text
        assert 'href="/api/v1/auth/oidc/login"' in page.text


async def test_pkce_is_enforced_by_the_provider(oidc):
    """Without the verifier the app kept, the code is worth nothing: the app's success above
    proves it sent the right one."""
    number = id_number(dt.date(1990, 6, 2), "female", seq=302)
    async with httpx.AsyncClient(timeout=30) as http:
        back = await _sign_in_at_provider(
            http, await _to_provider(http, oidc.app.url), number, "陈静"
        )
        code = parse_qs(urlsplit(back).query)["code"][0]
        r = await http.post(
            f"{oidc.issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": oidc.app.url + CALLBACK,
                "code_verifier": "x" * 64,
            },
            auth=(CLIENT_ID, oidc.secret),
        )
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


async def test_a_forged_state_signs_nobody_in(oidc):
    number = id_number(dt.date(1990, 6, 3), "female", seq=303)
    async with httpx.AsyncClient(timeout=30) as http:
        back = await _sign_in_at_provider(
            http, await _to_provider(http, oidc.app.url), number, "陈静"
        )
        forged = back.replace("state=", "state=x")
        assert_error(await http.get(forged), 422, "OIDC_FAILED")
        assert_error(await http.get(oidc.app.url + "/api/v1/me"), 401)
    # A callback without the state cookie (another browser) is refused as well.
    async with httpx.AsyncClient(timeout=30) as stranger:
        assert_error(await stranger.get(back), 422, "OIDC_FAILED")


async def test_the_registry_name_must_agree_and_a_squatter_loses_the_number(oidc):
    number = id_number(dt.date(1984, 2, 2), "male", seq=304)
    async with httpx.AsyncClient(base_url=oidc.app.url, timeout=30) as api:
        r = await api.post(
            "/api/v1/citizens",
            json={
                "id_number": number,
                "name": "周强",
                "phone": "13700000000",
                "password": "squatter-pass-1",
            },
        )
        assert r.status_code == 201, r.text
        squatter = await factories.sign_in(api, number, "squatter-pass-1")
    async with httpx.AsyncClient(timeout=30) as http:
        back = await _sign_in_at_provider(
            http, await _to_provider(http, oidc.app.url), number, "周刚"
        )
        body = assert_error(await http.get(back), 422, "IDENTITY_MISMATCH")
        assert "周强" not in body["detail"]
    async with httpx.AsyncClient(timeout=30) as http:
        back = await _sign_in_at_provider(
            http, await _to_provider(http, oidc.app.url), number, "周强"
        )
        assert (await http.get(back)).status_code == 303
        me = (await http.get(oidc.app.url + "/api/v1/me")).json()
        assert me["verification"] == "identity"
        r = await http.get(oidc.app.url + "/api/v1/me", headers=squatter)
        assert_error(r, 401, "UNAUTHENTICATED")


async def test_an_invalid_identity_number_in_the_token_is_refused(oidc):
    async with httpx.AsyncClient(timeout=30) as http:
        back = await _sign_in_at_provider(
            http, await _to_provider(http, oidc.app.url), "110105199001011234", "陈静"
        )
        assert_error(await http.get(back), 422, "INVALID_ID_NUMBER")


@pytest.mark.db
async def test_unconfigured_the_paths_do_not_exist(client):
    assert_error(await client.get("/api/v1/auth/oidc/login"), 404, "NOT_FOUND")
    assert_error(await client.get(CALLBACK + "?code=x&state=y"), 404, "NOT_FOUND")
    page = await client.get("/login", headers={"accept": "text/html"})
    assert page.status_code == 200 and "data-oidc-login" not in page.text
