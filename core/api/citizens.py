"""Citizen verification over HTTP: confirm the phone, verification at a window, activation,
password reset by a code to the verified phone."""

from __future__ import annotations

from litestar import Request, post

from core.api.schemas import (
    ActivationIn,
    CitizenOut,
    IdentitySeenIn,
    IdentityVerifiedOut,
    PhoneCodeIn,
    ResetConfirmIn,
    ResetOut,
    ResetRequestIn,
    SentOut,
    VerificationOut,
)
from core.auth import citizens
from core.auth.guards import require_user
from core.auth.middleware import client_ip
from core.auth.ratelimit import enforce_address
from core.refusals import Refusal
from core.schemas import to_out

TAGS = ["citizens"]
VERIFY = {"permission": "core.citizens.verify"}


def _citizen(request: Request):
    user = require_user(request)
    if user.kind != "citizen":
        raise Refusal.forbidden()
    return user


@post("/citizens/confirm-phone", opt={"auth": True}, status_code=200, tags=TAGS)
async def confirm_phone(data: PhoneCodeIn, request: Request) -> VerificationOut:
    level = await citizens.confirm_phone(_citizen(request), data.code)
    return VerificationOut(verification=level)


@post("/citizens/phone-code", opt={"auth": True}, status_code=202, tags=TAGS)
async def resend_phone_code(request: Request) -> SentOut:
    """Send a new phone code (at most one a minute, five an hour); earlier codes stop working."""
    await citizens.resend_phone_code(_citizen(request))
    return SentOut(sent=True)


@post("/citizens/{id_number:str}/verify-identity", opt=VERIFY, status_code=200, tags=TAGS)
async def verify_identity(id_number: str, data: IdentitySeenIn) -> IdentityVerifiedOut:
    code = await citizens.verify_identity(id_number, data.phone, data.name)
    return IdentityVerifiedOut(verification="identity", activation_code=code)


@post("/citizens/activate", opt={"public": True}, status_code=200, tags=TAGS)
async def activate(data: ActivationIn, request: Request) -> CitizenOut:
    await enforce_address(client_ip(request.scope), "signup")
    body = await citizens.activate(data.id_number, data.activation_code, data.password)
    return to_out(CitizenOut, body)


@post("/citizens/password-reset", opt={"public": True}, status_code=202, tags=TAGS)
async def request_password_reset(data: ResetRequestIn, request: Request) -> SentOut:
    await enforce_address(client_ip(request.scope), "login")
    await citizens.request_password_reset(data.id_number)
    return SentOut(sent=True)


@post("/citizens/password-reset/confirm", opt={"public": True}, status_code=200, tags=TAGS)
async def reset_password(data: ResetConfirmIn, request: Request) -> ResetOut:
    await enforce_address(client_ip(request.scope), "login")
    await citizens.reset_password(data.id_number, data.code, data.password)
    return ResetOut(reset=True)


ROUTES = [
    confirm_phone,
    resend_phone_code,
    verify_identity,
    activate,
    request_password_reset,
    reset_password,
]
