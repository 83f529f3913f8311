"""Tokens, sign-up and the caller's own identity."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Request, Response, get, post

from core.auth.accounts import authenticate, register_citizen
from core.auth.guards import require_user
from core.auth.middleware import client_ip
from core.auth.ratelimit import enforce_address
from core.auth.tokens import revoke_token


class TokenRequest(msgspec.Struct):
    username: str
    password: str


class TokenUser(msgspec.Struct):
    username: str
    roles: list[str]


class TokenResponse(msgspec.Struct):
    token: str
    expires_at: dt.datetime
    user: TokenUser


class Me(msgspec.Struct, omit_defaults=True):
    username: str
    roles: list[str]
    kind: str
    display_name: str
    office_code: str | None
    org_uscc: str | None
    permissions: list[str]
    verification: str | None = None
    """Citizens only: ``unverified``, ``phone`` or ``identity``."""


class CitizenSignUp(msgspec.Struct):
    id_number: str
    name: str
    password: str
    phone: str = ""


class CitizenCreated(msgspec.Struct):
    username: str
    verification: str


@post(
    "/auth/token",
    opt={"public": True},
    status_code=200,
    tags=["auth"],
    summary="Sign in, get a bearer token",
)
async def create_token(data: TokenRequest, request: Request) -> TokenResponse:
    await enforce_address(client_ip(request.scope), "login")
    row, raw, expires_at = await authenticate(data.username, data.password, "api")
    return TokenResponse(raw, expires_at, TokenUser(row["username"], list(row["roles"] or [])))


@post("/auth/logout", opt={"auth": True}, status_code=204, tags=["auth"])
async def logout(request: Request) -> Response[None]:
    raw = request.scope.get("auth")
    if raw:
        await revoke_token(raw)
    return Response(None, status_code=204)


@get("/me", opt={"auth": True}, tags=["auth"])
async def me(request: Request) -> Me:
    user = require_user(request)
    return Me(
        user.username,
        list(user.roles),
        user.kind,
        user.display_name,
        user.office_code,
        user.org_uscc,
        sorted(user.permissions),
        user.verification if user.kind == "citizen" else None,
    )


@post("/citizens", opt={"public": True}, status_code=201, tags=["auth"])
async def sign_up(data: CitizenSignUp, request: Request) -> CitizenCreated:
    await enforce_address(client_ip(request.scope), "signup")
    account = await register_citizen(data.id_number, data.name, data.phone, data.password)
    return CitizenCreated(account.username, account.verification)


ROUTES = [create_token, logout, me, sign_up]
