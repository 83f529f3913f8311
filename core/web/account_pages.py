"""Citizen account pages: verification status, confirming the phone, what to bring to a window,
activation after a window check, password reset by a code to the verified phone; and the
clerk's page for verifying a citizen's identity card at the window."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from core.auth import citizens
from core.auth.guards import require_user
from core.auth.middleware import client_ip
from core.auth.ratelimit import enforce_address
from core.identity import mask_id_number
from core.refusals import Refusal
from core.web.forms import FORM_LEVEL, N_, field_errors, read_form
from core.web.redirects import redirect_after_form, redirect_refused
from core.web.rendering import render_page, request_language

PUBLIC = {"public": True}
ACCOUNT = {"permission": "core.account"}
VERIFY = {"permission": "core.citizens.verify"}

CODE_ERRORS = {
    "WRONG_CODE": (
        "code",
        N_("The code is wrong or no longer valid. After five wrong tries, ask for a new code."),
    ),
    "INVALID_ID_NUMBER": (
        "id_number",
        N_("This is not a valid identity number. Check all 18 characters, the last one too."),
    ),
    "WEAK_PASSWORD": ("password", N_("Choose a password of at least 8 characters.")),
    "RATE_LIMITED": (FORM_LEVEL, N_("Too many attempts. Please wait a while and try again.")),
}
VERIFY_ERRORS = {
    "INVALID_ID_NUMBER": CODE_ERRORS["INVALID_ID_NUMBER"],
    "INVALID_PHONE": ("phone", N_("Enter an 11-digit mobile number, such as 13800000000.")),
    "NAME_REQUIRED": (
        "name",
        N_("This person is not in the registry yet: enter the name on the identity card."),
    ),
    "IDENTITY_MISMATCH": ("name", N_("The name differs from the one in the registry.")),
}


def _mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else ""


async def _account_page(
    request: Request, errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    from core.tables import Account

    user = require_user(request)
    row = (
        await Account.select(Account.phone, Account.verification)
        .where(Account.id == user.id)
        .first()
    )
    return await render_page(
        request,
        "account.html",
        {
            "level": row["verification"] if row else "unverified",
            "phone": _mask_phone(row["phone"] if row else ""),
            "oidc": request.app.state.settings.oidc_enabled,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@get("/account", opt=ACCOUNT, include_in_schema=False)
async def account_page(request: Request) -> Response:
    return await _account_page(request)


@post("/account/phone", opt=ACCOUNT, include_in_schema=False)
async def confirm_phone_submit(request: Request) -> Response:
    form = await read_form(request)
    try:
        await citizens.confirm_phone(require_user(request), form.get("code"))
    except Refusal as exc:
        errors = field_errors(exc, CODE_ERRORS, request_language(request))
        return await _account_page(request, errors, status_code=exc.status_code)
    return redirect_after_form(request, "/account", N_("Your phone number is confirmed."))


@post("/account/phone/resend", opt=ACCOUNT, include_in_schema=False)
async def resend_code_submit(request: Request) -> Response:
    try:
        await citizens.resend_phone_code(require_user(request))
    except Refusal as exc:
        return redirect_refused(request, "/account", exc)
    return redirect_after_form(request, "/account", N_("A new code is on its way to your phone."))


# ------------------------------------------------------------------------- activation and reset


async def _code_form(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    return await render_page(
        request, template, {"errors": {}, "form": {}, **context}, status_code=status_code
    )


@get("/activate", opt=PUBLIC, include_in_schema=False)
async def activate_page(request: Request) -> Response:
    return await _code_form(request, "activate.html", {})


@post("/activate", opt=PUBLIC, include_in_schema=False)
async def activate_submit(request: Request) -> Response:
    form = await read_form(request)
    number = form.get("id_number").upper()
    kept = {"id_number": number}
    errors = _translated(
        request, _password_problems(form.raw("password"), form.raw("password_again"))
    )
    if not errors:
        try:
            await enforce_address(client_ip(request.scope), "signup")
            await citizens.activate(number, form.get("code"), form.raw("password"))
        except Refusal as exc:
            errors = field_errors(exc, CODE_ERRORS, request_language(request))
    if errors:
        return await _code_form(request, "activate.html", {"errors": errors, "form": kept}, 422)
    return redirect_after_form(
        request, "/login", N_("Your account is active. Sign in with your new password.")
    )


def _password_problems(password: str, again: str) -> dict[str, str]:
    if not password:
        return {"password": N_("Choose a password of at least 8 characters.")}
    if password != again:
        return {"password_again": N_("The two passwords are not the same.")}
    return {}


def _translated(request: Request, errors: dict[str, str]) -> dict[str, str]:
    from core.i18n import gettext_for

    _ = gettext_for(request_language(request))
    return {field: _(message) for field, message in errors.items()}


@get("/password-reset", opt=PUBLIC, include_in_schema=False)
async def reset_page(request: Request) -> Response:
    return await _code_form(request, "password_reset.html", {"step": "ask"})


@post("/password-reset", opt=PUBLIC, include_in_schema=False)
async def reset_request_submit(request: Request) -> Response:
    form = await read_form(request)
    number = form.get("id_number").upper()
    try:
        await enforce_address(client_ip(request.scope), "login")
        await citizens.request_password_reset(number)
    except Refusal as exc:
        errors = field_errors(exc, CODE_ERRORS, request_language(request))
        context = {"step": "ask", "errors": errors, "form": {"id_number": number}}
        return await _code_form(request, "password_reset.html", context, exc.status_code)
    context = {"step": "code", "form": {"id_number": number}}
    return await _code_form(request, "password_reset.html", context)


@post("/password-reset/confirm", opt=PUBLIC, include_in_schema=False)
async def reset_confirm_submit(request: Request) -> Response:
    form = await read_form(request)
    number = form.get("id_number").upper()
    errors = _translated(
        request, _password_problems(form.raw("password"), form.raw("password_again"))
    )
    if not errors:
        try:
            await enforce_address(client_ip(request.scope), "login")
            await citizens.reset_password(number, form.get("code"), form.raw("password"))
        except Refusal as exc:
            errors = field_errors(exc, CODE_ERRORS, request_language(request))
    if errors:
        context = {"step": "code", "errors": errors, "form": {"id_number": number}}
        return await _code_form(request, "password_reset.html", context, 422)
    return redirect_after_form(
        request, "/login", N_("Your password is changed. Sign in with the new one.")
    )


# ----------------------------------------------------------------------------- the clerk's page


@get("/citizens/verify", opt=VERIFY, include_in_schema=False)
async def verify_page(request: Request) -> Response:
    return await render_page(
        request, "verify_identity.html", {"errors": {}, "form": {}, "done": None}
    )


@post("/citizens/verify", opt=VERIFY, include_in_schema=False)
async def verify_submit(request: Request) -> Response:
    form = await read_form(request)
    number, phone, name = form.get("id_number").upper(), form.get("phone"), form.get("name")
    kept = {"id_number": number, "phone": phone, "name": name}
    try:
        code = await citizens.verify_identity(number, phone, name or None)
    except Refusal as exc:
        errors = field_errors(exc, VERIFY_ERRORS, request_language(request))
        context = {"errors": errors, "form": kept, "done": None}
        return await render_page(request, "verify_identity.html", context, exc.status_code)
    context = {"errors": {}, "form": {}, "done": {"number": mask_id_number(number), "code": code}}
    return await render_page(request, "verify_identity.html", context)


ROUTES = [
    account_page,
    confirm_phone_submit,
    resend_code_submit,
    activate_page,
    activate_submit,
    reset_page,
    reset_request_submit,
    reset_confirm_submit,
    verify_page,
    verify_submit,
]
