"""Clerks' pages: the registry (register, organization accounts), the inspection queue and a
report's inspection or return for correction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import Parameter

from core.auth.guards import require_user
from core.clock import today
from core.i18n import gettext_for
from core.refusals import Refusal
from core.web.forms import (
    CONFIRM,
    FORM_LEVEL,
    N_,
    Confirmation,
    Form,
    confirmation_page,
    confirmed,
    field_errors,
    id_number_problem,
    read_form,
)
from core.web.paging import Pager
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.social_orgs.pages.common import page_of, translate, whole_number
from plugins.social_orgs.rules import (
    INSPECTION_RESULT_LABELS,
    KIND_LABELS,
    REPORT_FIELDS,
    normalize_uscc,
)
from plugins.social_orgs.services import registry, reports

REGISTER = {"permission": "social_orgs.register"}
INSPECT = {"permission": "social_orgs.inspect"}
REGISTRY_ERRORS = {
    "INVALID_USCC": ("uscc", N_("Check the code: 18 characters, and its kind digit.")),
    "ALREADY_REGISTERED": ("uscc", N_("An organization with this code is registered already.")),
    "INVALID_NAME": ("name", N_("Enter the organization's name.")),
    "INVALID_LEGAL_REPRESENTATIVE": ("legal_representative", N_("Enter the legal representative.")),
    "INVALID_DATE": ("registered_on", N_("Enter the registration date, not in the future.")),
    "INVALID_ID_NUMBER": (
        "legal_representative_id_number",
        N_("Check the identity number: 18 characters."),
    ),
    "INVALID_STAFF_COUNT": (
        "staff_count",
        N_("Enter the number of staff: a whole number, zero or more."),
    ),
    "INVALID_USERNAME": (
        "username",
        N_("Use 3 to 64 letters, digits, dots, underscores or hyphens."),
    ),
    "USERNAME_TAKEN": ("username", N_("This username is taken already.")),
    "WEAK_PASSWORD": ("password", N_("Choose a password of at least 8 characters.")),
    "NOT_FOUND": ("account_uscc", N_("No organization has this code.")),
    "ORG_DEREGISTERED": ("account_uscc", N_("This organization has been deregistered.")),
}


async def _registry_page(
    request: Request,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return await render_page(
        request,
        "social_orgs/registry.html",
        {"errors": errors or {}, "form": form or {}},
        status_code=status_code,
    )


@get("/registry", opt=REGISTER, include_in_schema=False)
async def registry_page(request: Request) -> Response:
    return await _registry_page(request)


async def _registration_problems(request: Request, form: Form) -> dict[str, str]:
    """Every field's problem at once, in the page's language (the service then refuses only
    what needs the register: a code already on file)."""
    problems: dict[str, str] = {}
    kind = form.get("kind") if form.get("kind") in KIND_LABELS else None
    try:
        normalize_uscc(form.get("uscc"), kind)  # type: ignore[arg-type]
    except Refusal:  # INVALID_USCC
        problems["uscc"] = REGISTRY_ERRORS["INVALID_USCC"][1]
    for name in ("name", "legal_representative"):
        code = f"INVALID_{name.upper()}"
        if not form.get(name):
            problems[name] = REGISTRY_ERRORS[code][1]
    try:
        if dt.date.fromisoformat(form.get("registered_on")) > await today():
            raise ValueError("in the future")
    except ValueError:
        problems["registered_on"] = REGISTRY_ERRORS["INVALID_DATE"][1]
    try:
        whole_number(form.get("staff_count"))
    except ValueError:
        problems["staff_count"] = REGISTRY_ERRORS["INVALID_STAFF_COUNT"][1]
    say = gettext_for(request_language(request))
    problems = {name: say(message) for name, message in problems.items()}
    if form.get("legal_representative_id_number"):
        number = form.get("legal_representative_id_number")
        if problem := id_number_problem(number, request_language(request)):
            problems["legal_representative_id_number"] = problem
    return problems


@post("/registry", opt=REGISTER, include_in_schema=False)
async def register_post(request: Request) -> Response:
    form = await read_form(request)
    errors = await _registration_problems(request, form)
    if errors:
        return await _registry_page(request, errors, form.values, 422)
    registered_on = dt.date.fromisoformat(form.get("registered_on"))
    staff_count = whole_number(form.get("staff_count")) or 0
    try:
        org = await registry.register_org(
            uscc=form.get("uscc"),
            name=form.get("name"),
            kind=form.get("kind"),
            registered_on=registered_on,
            legal_representative=form.get("legal_representative"),
            staff_count=staff_count,
            contact_phone=form.get("contact_phone"),
            legal_representative_id_number=form.get("legal_representative_id_number") or None,
        )
    except Refusal as exc:
        errors = field_errors(exc, REGISTRY_ERRORS, request_language(request))
        return await _registry_page(request, errors, form.values, 422)
    return redirect_after_form(
        request, "/orgs/registry", N_("Registered: %(name)s."), name=org["name"]
    )


@post("/registry/accounts", opt=REGISTER, include_in_schema=False)
async def account_post(request: Request) -> Response:
    form = await read_form(request)
    try:
        account = await registry.create_account(
            form.get("account_uscc"), form.get("username"), form.raw("password")
        )
    except Refusal as exc:
        errors = field_errors(exc, REGISTRY_ERRORS, request_language(request))
        values = {k: v for k, v in form.values.items() if k != "password"}
        return await _registry_page(request, errors, values, 422)
    return redirect_after_form(
        request,
        "/orgs/registry",
        N_("Account %(username)s created for the organization."),
        username=account["username"],
    )


@get("/inspections", opt=INSPECT, include_in_schema=False)
async def inspection_queue(
    request: Request, year: int | None = Parameter(default=None, ge=2000, le=2100)
) -> Response:
    queue = await reports.report_list(
        page_of(request), year=year, status="submitted", inspected=False
    )
    return await render_page(
        request,
        "social_orgs/inspections.html",
        {"result": queue, "year": year, "pager": Pager.of(request, queue["total"])},
    )


async def _report_page(
    request: Request,
    uscc: str,
    year: int,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    report = await reports.get_report(uscc, year)
    return await render_page(
        request,
        "social_orgs/report_review.html",
        {"report": report, "fields": REPORT_FIELDS, "errors": errors or {}},
        status_code=status_code,
    )


@get("/reports/{uscc:str}/{year:int}", opt=INSPECT, include_in_schema=False)
async def report_review(request: Request, uscc: str, year: int) -> Response:
    return await _report_page(request, uscc, year)


def _refusal(request: Request, exc: Refusal, field: str) -> dict[str, str]:
    errors = field_errors(exc, {}, request_language(request))
    return {field: errors[FORM_LEVEL]}


INSPECTION_RESULTS = {
    "qualified": N_("Qualified"),
    "basically_qualified": N_("Basically qualified"),
    "unqualified": N_("Unqualified"),
}


@post(
    "/reports/{uscc:str}/{year:int}/inspection",
    opt={**INSPECT, CONFIRM: True},
    include_in_schema=False,
)
async def inspect_post(request: Request, uscc: str, year: int) -> Response:
    """Two steps: the chosen result is shown back with the report's facts before it is recorded
    (a verdict is never a default, and one click does not record it)."""
    user = require_user(request)
    form = await read_form(request)
    result, note = form.get("result"), form.get("note")
    here = f"/orgs/reports/{uscc}/{year}"
    if result not in INSPECTION_RESULT_LABELS:
        message = translate(request, N_("Choose the inspection result."))
        return await _report_page(request, uscc, year, {"result": message}, 422)
    if not confirmed(form):
        report = await reports.get_report(uscc, year)
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Record the inspection result"),
                question=N_("Record this inspection result? It is published to the organization."),
                back=here,
                fields=(("result", result), ("note", note)),
                facts=(
                    (N_("Organization"), f"{report['org_name']} · {report['uscc']}"),
                    (N_("Report year"), str(year)),
                    (
                        N_("Result"),
                        translate(request, INSPECTION_RESULTS[result]),
                    ),
                    (N_("Note"), note or "—"),
                ),
                button=N_("Record the result"),
            ),
        )
    try:
        report = await reports.inspect(uscc, year, result, note, user.username)
    except Refusal as exc:
        errors = _refusal(request, exc, "result")
        return await _report_page(request, uscc, year, errors, 422)
    target = f"/orgs/reports/{report['uscc']}/{year}"
    return redirect_after_form(request, target, N_("The inspection result has been recorded."))


@post("/reports/{uscc:str}/{year:int}/return", opt=INSPECT, include_in_schema=False)
async def return_post(request: Request, uscc: str, year: int) -> Response:
    form = await read_form(request)
    try:
        report = await reports.return_for_correction(uscc, year, form.get("reason"))
    except Refusal as exc:
        errors = _refusal(request, exc, "reason")
        return await _report_page(request, uscc, year, errors, 422)
    target = f"/orgs/reports/{report['uscc']}/{year}"
    return redirect_after_form(request, target, N_("The report has been returned for correction."))


ROUTES = [
    registry_page,
    register_post,
    account_post,
    inspection_queue,
    report_review,
    inspect_post,
    return_post,
]
