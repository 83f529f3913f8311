"""``GET /auth/oidc/login`` and ``/auth/oidc/callback``: citizens sign in through the province's
identity provider (API.md). Both answer 404 while MINZHENG_OIDC_* is not configured."""

from __future__ import annotations

from litestar import Request, get
from litestar.datastructures import Cookie
from litestar.response import Redirect

from core import audit
from core.auth import oidc
from core.auth.citizens import sign_in_verified
from core.auth.identity import audit_actor
from core.auth.middleware import client_ip
from core.auth.ratelimit import enforce_address
from core.auth.tokens import issue_token
from core.db import write_transaction
from core.web.forms import safe_next

CALLBACK = "/api/v1/auth/oidc/callback"
TAGS = ["auth"]


def _redirect_uri(request: Request) -> str:
    return request.app.state.settings.public_url + CALLBACK


@get("/auth/oidc/login", opt={"public": True}, tags=TAGS, status_code=302)
async def oidc_login(request: Request, next: str | None = None) -> Redirect:
    """Send the browser to the provider (authorization code + PKCE)."""
    settings = request.app.state.settings
    oidc.require_configured(settings)
    await enforce_address(client_ip(request.scope), "login")
    url, state = await oidc.start_sign_in(settings, _redirect_uri(request), safe_next(next))
    response = Redirect(url, status_code=302)
    response.set_cookie(
        Cookie(
            key=oidc.STATE_COOKIE,
            value=state,
            max_age=oidc.STATE_TTL,
            path="/api/v1/auth/oidc",
            httponly=True,
            samesite="lax",
            secure=settings.public_url.startswith("https://"),
        )
    )
    return response


@get("/auth/oidc/callback", opt={"public": True}, tags=TAGS, status_code=303)
async def oidc_callback(request: Request) -> Redirect:
    """The provider sends the browser back here: check everything, then sign the citizen in
    (creating the account at verification ``identity`` when missing)."""
    from core.web.pages import _start_session

    settings = request.app.state.settings
    oidc.require_configured(settings)
    await enforce_address(client_ip(request.scope), "login")
    params = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    number, name, target = await oidc.finish_sign_in(
        settings, _redirect_uri(request), params, request.cookies.get(oidc.STATE_COOKIE)
    )
    row = await sign_in_verified(number, name)
    async with write_transaction():
        raw, expires_at = await issue_token(row["id"], "session")
        actor = audit_actor(row["username"], row["id"])
        await audit.record(
            "core.login.succeeded",
            entity="account",
            entity_id=row["id"],
            summary=f"登录 {actor}（统一身份认证）",
            actor=actor,
        )
    response = _start_session(request, target if target != "/" else "/account", raw, expires_at)
    response.delete_cookie(oidc.STATE_COOKIE, path="/api/v1/auth/oidc")
    return response


ROUTES = [oidc_login, oidc_callback]
