"""Core pages: home, sign-in and sign-out, error pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from core.auth.accounts import authenticate
from core.auth.middleware import SESSION_COOKIE, client_ip
from core.auth.ratelimit import enforce_address
from core.auth.tokens import revoke_token
from core.errors import DomainError
from core.i18n import gettext_for
from core.web.rendering import render_page, request_language

PUBLIC = {"public": True}


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our name."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@get("/", opt=PUBLIC, include_in_schema=False)
async def home(request: Request) -> Response:
    return await render_page(request, "home.html")


@get("/login", opt=PUBLIC, include_in_schema=False)
async def login_page(request: Request, next: str | None = None) -> Response:
    return await render_page(request, "login.html", {"next": _safe_next(next), "error": None})


@post("/login", opt=PUBLIC, include_in_schema=False)
async def login_submit(
    request: Request,
    data: dict[str, Any] = Body(media_type=RequestEncodingType.URL_ENCODED),
) -> Response:
    target = _safe_next(data.get("next"))
    try:
        await enforce_address(client_ip(request.scope), "login")
        _, raw, expires_at = await authenticate(
            data.get("username", ""), data.get("password", ""), "session"
        )
    except DomainError as exc:
        status = exc.status_code if exc.status_code in (401, 429) else 400
        response = await render_page(
            request,
            "login.html",
            {"next": target, "error": exc.detail, "username": data.get("username", "")},
            status_code=status,
        )
        response.headers.update(exc.headers)
        return response
    response: Response = Redirect(target)
    response.set_cookie(
        Cookie(
            key=SESSION_COOKIE,
            value=raw,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            expires=int(expires_at.timestamp()),
            path="/",
        )
    )
    return response


@post("/logout", opt={"auth": True}, include_in_schema=False)
async def logout_submit(request: Request) -> Response:
    raw = request.scope.get("auth")
    if raw:
        await revoke_token(raw)
    response: Response = Redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def render_error_page(
    request: Request, status: int, code: str, detail: str, headers: dict[str, str]
) -> Response:
    """Synchronous (exception handlers are): a minimal context, no database access."""
    lang = request_language(request)
    env = request.app.state.jinja
    html = env.get_template("error.html").render(
        request=request,
        user=request.scope.get("user"),
        lang=lang,
        gettext=gettext_for(lang),
        _=gettext_for(lang),
        status=status,
        code=code,
        detail=detail,
        menu=[],
        services=[],
        csrf_token="",
        path=request.url.path,
    )
    return Response(
        html, status_code=status, media_type="text/html; charset=utf-8", headers=headers
    )


ROUTES = [home, login_page, login_submit, logout_submit]
