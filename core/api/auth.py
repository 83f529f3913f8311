"""Tokens, sign-up and the caller's own identity."""

from __future__ import annotations

from litestar import Request, Response, get, post

from core.api.schemas import CitizenOut, CitizenSignUpIn, MeOut, TokenIn, TokenOut, TokenUserOut
from core.auth.accounts import authenticate, register_citizen
from core.auth.guards import require_user
from core.auth.middleware import client_ip
from core.auth.ratelimit import enforce_address
from core.auth.tokens import revoke_token
from core.schemas import UNSET


@post(
    "/auth/token",
    opt={"public": True},
    status_code=200,
    tags=["auth"],
    summary="Sign in, get a bearer token",
)
async def create_token(data: TokenIn, request: Request) -> TokenOut:
    await enforce_address(client_ip(request.scope), "login")
    row, raw, expires_at = await authenticate(data.username, data.password, "api")
    user = TokenUserOut(username=row["username"], roles=list(row["roles"] or []))
    return TokenOut(token=raw, expires_at=expires_at, user=user)


@post("/auth/logout", opt={"auth": True}, status_code=204, tags=["auth"])
async def logout(request: Request) -> Response[None]:
    raw = request.scope.get("auth")
    if raw:
        await revoke_token(raw)
    return Response(None, status_code=204)


@get("/me", opt={"auth": True}, tags=["auth"])
async def me(request: Request) -> MeOut:
    user = require_user(request)
    return MeOut(
        username=user.username,
        roles=list(user.roles),
        kind=user.kind,
        display_name=user.display_name,
        office_code=user.office_code,
        org_uscc=user.org_uscc,
        permissions=sorted(user.permissions),
        verification=user.verification if user.kind == "citizen" else UNSET,
    )


@post("/citizens", opt={"public": True}, status_code=201, tags=["auth"])
async def sign_up(data: CitizenSignUpIn, request: Request) -> CitizenOut:
    await enforce_address(client_ip(request.scope), "signup")
    account = await register_citizen(data.id_number, data.name, data.phone, data.password)
    return CitizenOut(username=account.username, verification=account.verification)


ROUTES = [create_token, logout, me, sign_up]
