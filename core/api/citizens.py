"""Citizen verification over HTTP: confirm the phone, verification at a window, activation,
password reset by a code to the verified phone."""

from __future__ import annotations

import msgspec
from litestar import Request, post

from core.auth import citizens
from core.auth.guards import require_user
from core.auth.middleware import client_ip
from core.auth.ratelimit import enforce_address
from core.errors import Forbidden

TAGS = ["citizens"]
VERIFY = {"permission": "core.citizens.verify"}


class PhoneCode(msgspec.Struct):
    code: str


class Verification(msgspec.Struct):
    verification: str


class IdentitySeen(msgspec.Struct):
    phone: str
    name: str | None = None
    """Only needed when the person is not in the registry yet (then: the name on the card)."""


class IdentityVerified(msgspec.Struct):
    verification: str
    activation_code: str


class Activation(msgspec.Struct):
    id_number: str
    activation_code: str
    password: str


class Activated(msgspec.Struct):
    username: str
    verification: str


class ResetRequest(msgspec.Struct):
    id_number: str


class ResetRequested(msgspec.Struct):
    sent: bool
    """Always true: whether the number has an account with a confirmed phone is not told."""


class ResetConfirm(msgspec.Struct):
    id_number: str
    code: str
    password: str


def _citizen(request: Request):
    user = require_user(request)
    if user.kind != "citizen":
        raise Forbidden()
    return user


@post("/citizens/confirm-phone", opt={"auth": True}, status_code=200, tags=TAGS)
async def confirm_phone(data: PhoneCode, request: Request) -> Verification:
    level = await citizens.confirm_phone(_citizen(request), data.code)
    return Verification(level)


@post("/citizens/phone-code", opt={"auth": True}, status_code=202, tags=TAGS)
async def resend_phone_code(request: Request) -> dict[str, bool]:
    """Send a new phone code (at most one a minute, five an hour); earlier codes stop working."""
    await citizens.resend_phone_code(_citizen(request))
    return {"sent": True}


@post("/citizens/{id_number:str}/verify-identity", opt=VERIFY, status_code=200, tags=TAGS)
async def verify_identity(id_number: str, data: IdentitySeen) -> IdentityVerified:
    code = await citizens.verify_identity(id_number, data.phone, data.name)
    return IdentityVerified("identity", code)


@post("/citizens/activate", opt={"public": True}, status_code=200, tags=TAGS)
async def activate(data: Activation, request: Request) -> Activated:
    await enforce_address(client_ip(request.scope), "signup")
    body = await citizens.activate(data.id_number, data.activation_code, data.password)
    return Activated(**body)


@post("/citizens/password-reset", opt={"public": True}, status_code=202, tags=TAGS)
async def request_password_reset(data: ResetRequest, request: Request) -> ResetRequested:
    await enforce_address(client_ip(request.scope), "login")
    await citizens.request_password_reset(data.id_number)
    return ResetRequested(True)


@post("/citizens/password-reset/confirm", opt={"public": True}, status_code=200, tags=TAGS)
async def reset_password(data: ResetConfirm, request: Request) -> dict[str, bool]:
    await enforce_address(client_ip(request.scope), "login")
    await citizens.reset_password(data.id_number, data.code, data.password)
    return {"reset": True}


ROUTES = [
    confirm_phone,
    resend_phone_code,
    verify_identity,
    activate,
    request_password_reset,
    reset_password,
]
