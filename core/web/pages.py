"""Core pages: home, sign-in, sign-up, sign-out, and the HTML face of errors.

``ROUTES`` also carries the bureau's administration pages (``core.web.admin_pages``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from core import clock
from core.auth.accounts import authenticate, register_citizen, sign_in_new_citizen
from core.auth.middleware import SESSION_COOKIE, client_ip
from core.auth.passwords import password_problem
from core.auth.ratelimit import enforce_address
from core.auth.tokens import revoke_token
from core.auth.transport import cookie_secure
from core.i18n import bilingual, gettext_for
from core.refusals import Refusal
from core.web import account_pages, admin_pages
from core.web.flash import set_flash
from core.web.forms import FORM_LEVEL, N_, field_errors, id_number_problem, read_form, safe_next
from core.web.rendering import base_context, render_page, render_template, request_language

PUBLIC = {"public": True}
MOBILE = re.compile(r"^1[3-9]\d{9}$")

SIGNUP_ERRORS = {
    "INVALID_ID_NUMBER": (
        "id_number",
        N_("This is not a valid identity number. Check all 18 characters, the last one too."),
    ),
    "ALREADY_REGISTERED": (
        "id_number",
        N_("An account with this identity number exists already. Please sign in."),
    ),
    "INVALID_NAME": ("name", N_("Enter your name as it is on your identity card.")),
    "WEAK_PASSWORD": ("password", N_("Choose a password of at least 8 characters.")),
    "IDENTITY_MISMATCH": (
        FORM_LEVEL,
        N_("The identity number and the name do not match our records. Check both."),
    ),
    "INVALID_PHONE": ("phone", N_("Enter an 11-digit mobile number, such as 13800000000.")),
}
LOGIN_ERRORS = {
    "INVALID_CREDENTIALS": (FORM_LEVEL, N_("Wrong username or password.")),
    "BAD_REQUEST": (FORM_LEVEL, N_("Enter your username and password.")),
}


def _start_session(request: Request, target: str, raw: str, expires_at: dt.datetime) -> Redirect:
    response = Redirect(target, status_code=303)
    response.set_cookie(
        Cookie(
            key=SESSION_COOKIE,
            value=raw,
            httponly=True,
            samesite="lax",
            secure=cookie_secure(request),
            max_age=max(1, int((expires_at - dt.datetime.now(dt.UTC)).total_seconds())),
            path="/",
        )
    )
    return response


@get("/", opt=PUBLIC, include_in_schema=False)
async def home(request: Request) -> Response:
    return await render_page(request, "home.html")


@get("/login", opt=PUBLIC, include_in_schema=False)
async def login_page(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    return await render_page(request, "login.html", {"next": target, "errors": {}, "username": ""})


@post("/login", opt=PUBLIC, include_in_schema=False)
async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    target = safe_next(form.get("next"))
    try:
        if not form.get("username") or not form.raw("password"):
            raise Refusal(
                "BAD_REQUEST", en="username and password are required", kind="bad_request"
            )
        await enforce_address(client_ip(request.scope), "login")
        _, raw, expires_at = await authenticate(
            form.get("username"), form.raw("password"), "session"
        )
    except Refusal as exc:
        lang = request_language(request)
        response = await render_page(
            request,
            "login.html",
            {
                "next": target,
                "errors": field_errors(exc, LOGIN_ERRORS, lang),
                "username": form.get("username"),
            },
            status_code=exc.status_code if exc.status_code in (401, 429) else 400,
        )
        response.headers.update(exc.headers)
        return response
    return _start_session(request, target, raw, expires_at)


@get("/signup", opt={**PUBLIC, "user_optional": True}, include_in_schema=False)
async def signup_page(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    if request.scope.get("user") is not None:
        return Redirect(target, status_code=303)
    return await render_page(request, "signup.html", {"next": target, "errors": {}, "form": {}})


def _signup_problems(
    id_number: str, name: str, phone: str, password: str, again: str, lang: str
) -> dict[str, str]:
    """Every field checked in one round, in ``lang`` (the account service's own refusals, such
    as an existing account, come after)."""
    _ = gettext_for(lang)
    problems: dict[str, str] = {}
    if not id_number:
        problems["id_number"] = _(N_("Enter your identity number."))
    elif number_problem := id_number_problem(id_number, lang):
        problems["id_number"] = number_problem
    if not name:
        problems["name"] = _(N_("Enter your name as it is on your identity card."))
    if not MOBILE.match(phone):
        problems["phone"] = _(N_("Enter an 11-digit mobile number, such as 13800000000."))
    if len(password) < 8:
        problems["password"] = _(N_("Choose a password of at least 8 characters."))
    elif weak := password_problem(password, id_number=id_number):
        problems["password"] = weak.text_in(lang)
    elif password != again:
        problems["password_again"] = _(N_("The two passwords are not the same."))
    return problems


@post("/signup", opt=PUBLIC, include_in_schema=False)
async def signup_submit(request: Request) -> Response:
    form = await read_form(request)
    lang = request_language(request)
    _ = gettext_for(lang)
    target = safe_next(form.get("next"))
    id_number, name = form.get("id_number").upper(), form.get("name")
    phone, password = form.get("phone"), form.raw("password")
    problems = _signup_problems(id_number, name, phone, password, form.raw("password_again"), lang)
    status = 400
    if not problems:
        try:
            await enforce_address(client_ip(request.scope), "signup")
            account = await register_citizen(id_number, name, phone, password)
            raw, expires_at = await sign_in_new_citizen(account)
        except Refusal as exc:
            problems = field_errors(exc, SIGNUP_ERRORS, lang)
            status = exc.status_code if exc.status_code in (409, 422, 429) else 400
        else:
            # Next: the code sent to the phone, on the account page (unless going somewhere).
            response = _start_session(
                request, target if target != "/" else "/account", raw, expires_at
            )
            return set_flash(
                response, _("Your account is created. Enter the code we sent to your phone.")
            )
    kept = {"id_number": id_number, "name": name, "phone": phone}
    return await render_page(
        request,
        "signup.html",
        {"next": target, "errors": problems, "form": kept},
        status_code=status,
    )


@post("/logout", opt=PUBLIC, include_in_schema=False)
async def logout_submit(request: Request) -> Response:
    """Public so that a stale session still signs out; a live one needs its CSRF token."""
    raw = request.scope.get("auth")
    if raw:
        await revoke_token(raw)
    response: Response = Redirect("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    _ = gettext_for(request_language(request))
    return set_flash(response, _("You have signed out."), "info")


ERROR_TITLES = {
    400: N_("The request could not be understood"),
    403: N_("You may not open this page"),
    404: N_("Page not found"),
    405: N_("This action is not available here"),
    409: N_("The request was refused"),
    413: N_("The upload is too large"),
    422: N_("The request was refused"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("The service is briefly unavailable"),
}
ERROR_TEXTS = {
    403: N_("Your account does not have the permission this page needs."),
    404: N_("The page does not exist, or the service is switched off at the moment."),
    500: N_("The error has been logged. Please try again in a moment."),
}
CSRF_TITLE = N_("The form has expired")
CSRF_TEXT = N_("For your safety, forms expire. Go back, reload the page and submit it again.")
GENERIC_DETAILS = ("Not found / 未找到", "Not allowed / 无权操作")


def _sign_in_redirect(request: Request) -> Response:
    target = "/"
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(safe_next(target), safe='/')}", status_code=303)


def render_error_page(
    request: Request, status: int, code: str, detail: str, headers: dict[str, str]
) -> Response:
    """The HTML answer to a failed browser request: the sign-in page when the visitor is not
    signed in (401), otherwise an error page. Synchronous, as exception handlers are."""
    if status == 401:
        return _sign_in_redirect(request)
    lang = request_language(request)
    _ = gettext_for(lang)
    if code == "CSRF_FAILED":
        title, text = _(CSRF_TITLE), _(CSRF_TEXT)
    else:
        title = _(ERROR_TITLES.get(status, ERROR_TITLES[500]))
        specific = detail and detail not in GENERIC_DETAILS and status != 500
        text = bilingual(detail, lang) if specific else _(ERROR_TEXTS.get(status, ""))
    context: dict[str, Any] = base_context(request, menu=[], services=[], today=clock.now().date())
    context.update(flashes=[], status=status, code=code, title=title, text=text)
    # Before routing (an unknown path) nobody has looked at the session cookie yet.
    context["session_unknown"] = context["user"] is None and SESSION_COOKIE in request.cookies
    html = render_template(request.app.state.jinja, "error.html", context)
    return Response(html, status_code=status, media_type="text/html", headers=headers)


ROUTES = [
    home,
    login_page,
    login_submit,
    signup_page,
    signup_submit,
    logout_submit,
    *admin_pages.ROUTES,
    *account_pages.ROUTES,
]
