"""The clerk's workbench: today's appointments at my office, check-in, registration from an
appointment or walk-in, printing the certificate, and a person's marital status."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.clock import today as clock_today
from core.i18n import gettext_for
from core.identity import InvalidIdNumber, normalize_id_number
from core.refusals import Refusal
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    confirmation_page,
    confirmed,
    field_errors,
    id_number_problem,
    read_form,
    reposted,
)
from core.web.redirects import redirect_after_form, redirect_refused
from core.web.rendering import render_page, request_language
from plugins.marriage.pages.common import context, parse_day
from plugins.marriage.services import booking
from plugins.marriage.services.offices import get_office
from plugins.marriage.services.records import status_of
from plugins.marriage.services.registration import (
    PartyInput,
    check_marriage,
    read_registration,
    register_marriage,
)

REGISTER = {"permission": "marriage.register"}
MANAGE = {"permission": "marriage.appointments.manage"}
STATUS = {"permission": "marriage.status.read"}
REGISTER_ERRORS = {
    "KINSHIP_DECLARATION_MISSING": (
        "kinship",
        N_("Both parties must sign the declaration of no prohibited kinship."),
    ),
}
PARTY_FIELDS = ("id_number", "name", "hukou_division", "residence_permit_division")


async def _my_office(request: Request) -> dict[str, Any]:
    user = require_user(request)
    if not user.office_code:
        raise Refusal.not_found(
            zh="您的账号未绑定登记处", en="Your account is not bound to an office"
        )
    return await get_office(user.office_code)


@get("/workbench", opt=REGISTER, include_in_schema=False)
async def workbench(request: Request) -> Response:
    office = await _my_office(request)
    today = await clock_today()
    day = parse_day(request.query_params.get("date")) or today
    items = await booking.list_for_office(office["code"], day)
    return await render_page(
        request,
        "marriage/workbench.html",
        context(office=office, day=day, is_today=day == today, items=items),
    )


@post("/workbench/appointments/{code:str}/check-in", opt=MANAGE, include_in_schema=False)
async def check_in(request: Request, code: str) -> Response:
    try:
        await booking.check_in(require_user(request), code)
    except Refusal as exc:
        return redirect_refused(request, "/marriage/workbench", exc)
    return redirect_after_form(request, "/marriage/workbench", N_("Checked in."))


def _blank_form() -> dict[str, str]:
    form = {f"{side}_{name}": "" for side in ("a", "b") for name in PARTY_FIELDS}
    return {**form, "appointment_code": "", "kinship": ""}


async def _register_page(
    request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    office = await _my_office(request)
    return await render_page(
        request,
        "marriage/register.html",
        context(office=office, form=form, errors=errors),
        status_code=status,
    )


@get("/workbench/register", opt=REGISTER, include_in_schema=False)
async def register_form(request: Request) -> Response:
    form = _blank_form()
    code = request.query_params.get("appointment", "")
    if code:
        row = await booking.visible_appointment(require_user(request), code)
        form.update(
            appointment_code=row["code"],
            a_id_number=row["booker_id_number"],
            a_name=row["booker_name"],
            b_id_number=row["partner_id_number"] or "",
            b_name=row["partner_name"],
        )
    return await _register_page(request, form, {})


PARTY_LABELS = {"a": N_("Party A"), "b": N_("Party B")}
# A refusal of the registration, said about the party (or parties) it concerns.
PARTY_REFUSALS = {
    "SAME_PERSON": N_("Both parties have the same identity number."),
    "INVALID_PARTIES": N_("A marriage is registered between one man and one woman."),
    "DECEASED": N_("Recorded as deceased in the people registry."),
    "UNDERAGE": N_("Below the legal marriage age (man 22, woman 20)."),
    "ALREADY_MARRIED": N_("Has a spouse on record (a marriage still in effect)."),
    "NOT_IN_JURISDICTION": N_(
        "This registry may not register the couple: neither hukou nor residence permit is here."
    ),
}


def _division_ok(value: str) -> bool:
    return len(value) == 6 and value.isdigit()


def _register_problems(request: Request, form: dict[str, str]) -> dict[str, str]:
    """Every field of both parties checked at once; each message names the party."""
    lang = request_language(request)
    say = gettext_for(lang)
    errors: dict[str, str] = {}

    def add(field: str, side: str, problem: str) -> None:
        errors[field] = say(N_("%(party)s: %(problem)s")) % {
            "party": say(PARTY_LABELS[side]),
            "problem": problem,
        }

    for side in ("a", "b"):
        problem = id_number_problem(form[f"{side}_id_number"], lang)
        if problem:
            add(f"{side}_id_number", side, problem)
        if not form[f"{side}_name"]:
            add(f"{side}_name", side, say(N_("Enter the name as on the identity card.")))
        if not _division_ok(form[f"{side}_hukou_division"]):
            add(f"{side}_hukou_division", side, say(N_("Enter the 6-digit hukou division code.")))
        permit = form[f"{side}_residence_permit_division"]
        if permit and not _division_ok(permit):
            message = say(N_("A residence permit division code has 6 digits."))
            add(f"{side}_residence_permit_division", side, message)
    if not errors and normalize_id_number(form["a_id_number"]) == normalize_id_number(
        form["b_id_number"]
    ):
        add("b_id_number", "b", say(PARTY_REFUSALS["SAME_PERSON"]))
    if form["kinship"] != "signed":
        errors["kinship"] = say(
            N_("Both parties must sign the declaration of no prohibited kinship.")
        )
    return errors


def _refusal_errors(request: Request, exc: Refusal) -> dict[str, str]:
    """A registry refusal next to the party it concerns (``extra.parties``), named."""
    lang = request_language(request)
    if exc.code not in PARTY_REFUSALS:
        return field_errors(exc, REGISTER_ERRORS, lang)
    say = gettext_for(lang)
    sides = (exc.extra or {}).get("parties") or ["party_a", "party_b"]
    errors: dict[str, str] = {}
    for side in sides:
        key = side.removeprefix("party_")
        errors[f"{key}_id_number"] = say(N_("%(party)s: %(problem)s")) % {
            "party": say(PARTY_LABELS[key]),
            "problem": say(PARTY_REFUSALS[exc.code]),
        }
    return errors


@post("/workbench/register", opt={**REGISTER, CONFIRM: True}, include_in_schema=False)
async def register_submit(request: Request) -> Response:
    raw = await read_form(request)
    form = {key: raw.get(key) for key in _blank_form()}
    errors = _register_problems(request, form)
    if errors:
        return await _register_page(request, form, errors, 422)
    parties = [
        PartyInput(
            form[f"{side}_id_number"],
            form[f"{side}_name"],
            form[f"{side}_hukou_division"],
            form[f"{side}_residence_permit_division"] or None,
        )
        for side in ("a", "b")
    ]
    office = await _my_office(request)
    application = {
        "office_code": office["code"],
        "party_a": parties[0],
        "party_b": parties[1],
        "appointment_code": form["appointment_code"] or None,
        "kinship_declaration_signed": form["kinship"] == "signed",
    }
    if not confirmed(raw):  # a registration issues the certificates: read back once more
        try:  # but a registration the registry must refuse is refused now, not after asking
            await check_marriage(require_user(request), **application)
        except Refusal as exc:
            errors = _refusal_errors(request, exc)
            return await _register_page(request, form, errors, exc.status_code)
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Register a marriage"),
                question=N_("Register this marriage and issue the certificates?"),
                back="/marriage/workbench/register",
                fields=reposted(raw, *_blank_form()),
                facts=tuple(
                    (label, f"{form[side + '_name']} · {form[side + '_id_number']}")
                    for side, label in (("a", N_("Party A")), ("b", N_("Party B")))
                ),
                button=N_("Register and issue the certificate"),
            ),
        )
    try:
        result = await register_marriage(require_user(request), **application)
    except Refusal as exc:
        return await _register_page(request, form, _refusal_errors(request, exc), exc.status_code)
    return redirect_after_form(
        request,
        f"/marriage/workbench/registrations/{result['id']}",
        N_("The marriage is registered."),
    )


@get("/workbench/registrations/{registration_id:int}", opt=REGISTER, include_in_schema=False)
async def registration_page(request: Request, registration_id: int) -> Response:
    from core.certificates.service import verify_url

    item = await read_registration(require_user(request), registration_id)
    return await render_page(
        request,
        "marriage/registration.html",
        context(item=item, verify_url=verify_url(item["certificate_no"])),
    )


@get("/workbench/status", opt=STATUS, include_in_schema=False)
async def status_page(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()
    result, error = None, ""
    if query:
        try:
            result = await status_of(normalize_id_number(query))
        except InvalidIdNumber:
            error = N_("Check the identity number: 18 characters.")
    return await render_page(
        request, "marriage/status.html", context(query=query, result=result, error=error)
    )


ROUTES = [
    workbench,
    check_in,
    register_form,
    register_submit,
    registration_page,
    status_page,
]
