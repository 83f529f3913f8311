"""Per-request identity, CSRF for cookie sessions, and security headers.

Sets ``scope["user"]`` to a ``CurrentUser`` or ``None`` (never raises for anonymous requests:
the permission guard decides). Bearer tokens come from ``Authorization``; browser sessions from
the ``mz_session`` cookie, and then every unsafe method must carry the session's CSRF token in the
``X-CSRF-Token`` header or the ``_csrf`` form field; anonymous page forms carry the pre-session
token, and cross-site unsafe requests are refused (``core.auth.csrf``).
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware

from core.auth.csrf import (
    check_pre_session,
    check_same_origin,
    csrf_failed,
    needs_pre_session_token,
    supplied_token,
)
from core.auth.tokens import csrf_token_for, resolve_token, user_from_row
from core.auth.transport import HSTS, https_deployment
from core.context import current_actor, current_ip

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "mz_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    ),
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


class IdentityMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request = Request(scope, receive)
        user = None
        raw = None
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            raw = header[7:].strip()
            row = await resolve_token(raw, "api") if raw else None
            via_session = False
        else:
            raw = request.cookies.get(SESSION_COOKIE)
            row = await resolve_token(raw, "session") if raw else None
            via_session = True
        if row is not None:
            host = scope["app"].state.host
            permissions = host.permissions_for_roles(row["roles"] or ())
            user = user_from_row(row, permissions, via_session=via_session)
        scope["user"] = user
        scope["auth"] = raw if user else None
        actor_token = current_actor.set(user.audit_name if user else "anonymous")
        ip_token = current_ip.set(client_ip(scope))
        try:
            if scope["method"] in UNSAFE and not header.lower().startswith("bearer "):
                check_same_origin(request)
                if user is not None and user.via_session:
                    await _check_csrf(request, raw or "")
                elif user is None and needs_pre_session_token(request):
                    await check_pre_session(request)
            await next_app(scope, receive, send)
        finally:
            current_actor.reset(actor_token)
            current_ip.reset(ip_token)


async def _check_csrf(request: Request, raw_session: str) -> None:
    expected = csrf_token_for(raw_session)
    given = (await supplied_token(request)).encode("utf-8", "surrogatepass")
    if not given or not hmac.compare_digest(given, expected.encode()):
        raise csrf_failed()


def _personal(scope: Scope, headers: MutableScopeHeaders) -> bool:
    """Which responses may hold personal data, so that no cache (browser, proxy) keeps them:
    everything answered to a signed-in caller, everything that sets a cookie, every API answer
    and certificate verification; not static files nor anonymous public pages."""
    path = scope.get("path", "")
    if path.startswith("/static/"):
        return False
    return (
        scope.get("user") is not None
        or "set-cookie" in headers
        or path.startswith(("/api/", "/verify"))
    )


async def add_security_headers(message: Message, scope: Scope) -> None:
    """App-level ``before_send`` hook: every response, errors included, gets these headers;
    HSTS when the public URL is https; ``Cache-Control: no-store`` on personal data."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for name, value in SECURITY_HEADERS.items():
            if name not in headers:
                headers[name] = value
        if https_deployment() and "strict-transport-security" not in headers:
            headers["strict-transport-security"] = HSTS
        if "cache-control" not in headers and _personal(scope, headers):
            headers["cache-control"] = "no-store"
