"""The clerk's intake form: look the deceased up, see the roster and the decision before saving,
save, then print the notice. The same form corrects a saved waiver (``?correct=<id>``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.clock import today
from core.db import json_value
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
    reposted,
)
from core.web.redirects import redirect_after_form
from core.web.rendering import fen_to_yuan, render_page, request_language
from plugins.funeral.pages.common import fen_from_yuan, yuan_text
from plugins.funeral.rules import EXCLUDABLE_CATEGORIES
from plugins.funeral.schemas import PreviewIn, WaiverIn
from plugins.funeral.services.amend import correct_waiver
from plugins.funeral.services.deciding import Actor
from plugins.funeral.services.listing import funeral_homes
from plugins.funeral.services.policy import StoredPolicy, policy_on
from plugins.funeral.services.records import waiver_row
from plugins.funeral.services.waivers import preview_waiver, record_waiver

CREATE = {"permission": "funeral.waiver.create"}
DEFAULT_HOMES = ("江门市殡仪馆",)
INTAKE_ERRORS = {
    "INVALID_ID_NUMBER": (
        "id_number",
        N_("Enter an 18-character resident identity number with a valid check character."),
    ),
    "DIED_IN_FUTURE": ("died_on", N_("The date of death cannot be after today.")),
    "DIED_BEFORE_BIRTH": (
        "died_on",
        N_("The date of death is before the birth date in the identity number."),
    ),
    "AMBIGUOUS_DECEASED": (
        "police_certificate_no",
        N_("Give either the identity number or the police certificate, not both."),
    ),
    "INVALID_DIVISION": ("hukou_division", N_("Enter a 6-digit division code, such as 440704.")),
    "HUKOU_DIVISION_REQUIRED": (
        "hukou_division",
        N_("Every local resident is eligible: enter the hukou division code of the deceased."),
    ),
    "HUKOU_MISMATCH": (
        "hukou_division",
        N_("The person registry records another hukou. Correct the registry first."),
    ),
    "INVALID_CATEGORY": (FORM_LEVEL, N_("Choose the categories from the list.")),
    "NO_ITEMS": ("items", N_("Enter the fee of at least one basic service.")),
    "INVALID_AMOUNT": ("items", N_("Fees are 0 or more and quantities at least 1.")),
    "DUPLICATE_WAIVER": (
        FORM_LEVEL,
        N_("This deceased already has a waiver. Open it from the list to void or correct it."),
    ),
    "REASON_REQUIRED": ("reason", N_("Say why the waiver is corrected.")),
    "DECEASED_MISMATCH": (
        FORM_LEVEL,
        N_("A correction keeps the same deceased. Void the waiver and record a new one."),
    ),
}


def _payload(form: Form, stored: StoredPolicy, lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body the form describes, and errors (in ``lang``) next to every field that is
    missing or cannot be read, all at once; saving needs the funeral home, the applicant and a
    fee, a preview only the deceased."""
    say = gettext_for(lang)
    errors: dict[str, str] = {}
    deceased: dict[str, Any] = {"name": form.get("name"), "died_on": form.get("died_on")}
    try:
        dt.date.fromisoformat(deceased["died_on"])
    except ValueError:
        errors["died_on"] = N_("Enter the date of death, such as 2026-03-18.")
    if form.get("unidentified") == "1":
        deceased["unidentified_police_certificate_no"] = form.get("police_certificate_no")
        if not deceased["unidentified_police_certificate_no"]:
            errors["police_certificate_no"] = N_("Enter the number of the police certificate.")
    else:
        deceased["id_number"] = form.get("id_number")
        if problem := id_number_problem(form.get("id_number"), lang):
            errors["id_number"] = problem
    if form.get("hukou_division"):
        deceased["hukou_division"] = form.get("hukou_division")
    deceased["declared_categories"] = form.getall("declared_categories")
    items = []
    for item in stored.policy.items:
        fee_text = form.get(f"fee_{item.code}")
        if not fee_text:
            continue
        try:
            fee = fen_from_yuan(fee_text)
            units = int(form.get(f"units_{item.code}") or "1")
        except ValueError:
            errors["items"] = N_("Enter fees in yuan, such as 480 or 480.50.")
            continue
        items.append({"code": item.code, "fee_fen": fee, "units": units})
    body = {
        "deceased": deceased,
        "items": items,
        "funeral_home": form.get("funeral_home"),
        "applicant": {
            "name": form.get("applicant_name"),
            "phone": form.get("applicant_phone"),
            "relation": form.get("applicant_relation"),
        },
    }
    if form.get("action") == "save":
        for field, message in SAVE_REQUIRED.items():
            if not form.get(field):
                errors[field] = message
        if not items and "items" not in errors:
            errors["items"] = N_("Enter the fee of at least one basic service.")
    return body, {
        field: say(message) if field != "id_number" else message
        for field, message in errors.items()
    }


SAVE_REQUIRED = {
    "funeral_home": N_("Enter the funeral home."),
    "applicant_name": N_("Enter the applicant's name."),
    "applicant_phone": N_("Enter the applicant's phone number."),
    "applicant_relation": N_("Enter the applicant's relation to the deceased."),
}


def _form_of_waiver(row: dict[str, Any]) -> dict[str, Any]:
    """A saved waiver as the form's values, to correct it."""
    values = {
        "id_number": row["id_number"] or "",
        "unidentified": "1" if row["police_certificate_no"] else "",
        "police_certificate_no": row["police_certificate_no"] or "",
        "name": row["deceased_name"],
        "died_on": row["died_on"].isoformat(),
        "funeral_home": row["funeral_home"],
        "applicant_name": row["applicant_name"],
        "applicant_phone": row["applicant_phone"],
        "applicant_relation": row["applicant_relation"],
        "hukou_division": row["hukou_division"] or "",
        "declared_categories": json_value(row["declared_categories"]),
    }
    for line in json_value(row["lines"]):
        values[f"fee_{line['code']}"] = yuan_text(line["fee_fen"])
        values[f"units_{line['code']}"] = str(line["units"])
    return values


def _died_on(text: Any, day: dt.date) -> dt.date:
    """The day of death the form gives (its policy applies), today while it has none."""
    try:
        return min(dt.date.fromisoformat(str(text or "")), day)
    except ValueError:
        return day


async def _page(
    request: Request,
    form: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    preview: dict[str, Any] | None = None,
    correcting: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    day = await today()
    stored = await policy_on(_died_on(form.get("died_on"), day))
    homes = sorted({*DEFAULT_HOMES, *await funeral_homes()})
    return await render_page(
        request,
        "funeral/intake.html",
        {
            "form": form,
            "errors": errors or {},
            "preview": preview,
            "correcting": correcting,
            "policy": stored.policy,
            "excludable": EXCLUDABLE_CATEGORIES,
            "declared": form.get("declared_categories") or [],
            "homes": homes,
            "max_died_on": day.isoformat(),
        },
        status_code=status_code,
    )


async def _correcting(request: Request, raw: str) -> dict[str, Any] | None:
    if not raw:
        return None
    if not require_user(request).has("funeral.waiver.amend"):
        raise Refusal.forbidden()
    try:
        return await waiver_row(int(raw))
    except ValueError:
        return None


@get("/intake", opt=CREATE, include_in_schema=False)
async def intake_page(request: Request) -> Response:
    correcting = await _correcting(request, request.query_params.get("correct", ""))
    form = _form_of_waiver(correcting) if correcting else {}
    return await _page(request, form, correcting=correcting)


@post("/intake", opt={**CREATE, CONFIRM: True}, include_in_schema=False)
async def intake_submit(request: Request) -> Response:
    form = await read_form(request)
    correcting = await _correcting(request, form.get("correct"))
    day = await today()
    stored = await policy_on(_died_on(form.get("died_on"), day))
    lang = request_language(request)
    translate = gettext_for(lang)
    body, errors = _payload(form, stored, lang)
    kept: dict[str, Any] = dict(form.values)
    kept["declared_categories"] = form.getall("declared_categories")
    if errors:
        return await _page(request, kept, errors=errors, correcting=correcting, status_code=422)
    user = require_user(request)
    try:
        if form.get("action") != "save" or not confirmed(form):
            ask = msgspec.convert({"deceased": body["deceased"], "items": body["items"]}, PreviewIn)
            preview = await preview_waiver(ask, day)
            if form.get("action") == "save":  # it decides and pays: read back once more
                return await confirmation_page(request, _save_step(translate, form, preview))
            return await _page(request, kept, preview=preview, correcting=correcting)
        data = msgspec.convert(body, WaiverIn)
        actor = Actor(user.username, user.office_code)
        if correcting:
            saved = await correct_waiver(
                correcting["id"], data, form.get("reason"), today=day, actor=actor
            )
        else:
            saved = await record_waiver(data, today=day, actor=actor)
    except msgspec.ValidationError:
        errors = {FORM_LEVEL: translate(N_("Fill in every field of the form."))}
        return await _page(request, kept, errors=errors, correcting=correcting, status_code=422)
    except Refusal as exc:
        errors = field_errors(exc, INTAKE_ERRORS, lang)
        return await _page(
            request, kept, errors=errors, correcting=correcting, status_code=exc.status_code
        )
    message = (
        N_("Saved: the waiver is approved. Print the notice for the family.")
        if saved["status"] == "approved"
        else N_("Saved: the waiver is rejected. Print the notice for the family.")
    )
    return redirect_after_form(request, f"/funeral/waivers/{saved['id']}", message)


def _save_step(say: Any, form: Form, preview: dict[str, Any]) -> Confirmation:
    """What saving records: the decision and the amount waived, as the preview computed them."""
    approved = preview["status"] == "approved"
    back = (
        f"/funeral/intake?correct={form.get('correct')}"
        if form.get("correct")
        else "/funeral/intake"
    )
    person = preview["person"] or {}
    return Confirmation(
        title=N_("Save the waiver"),
        question=N_("Save this waiver? The decision is recorded and its notice issued."),
        back=back,
        fields=reposted(form),
        facts=(
            (N_("Deceased"), person.get("name") or form.get("name") or form.get("id_number")),
            (N_("Funeral home"), form.get("funeral_home")),
            (N_("Waiver decision"), say(N_("Approved") if approved else N_("Rejected"))),
            (
                N_("Waived"),
                say(N_("%(amount)s yuan")) % {"amount": fen_to_yuan(preview["waived_fen"])},
            ),
        ),
        button=N_("Save the waiver"),
        kind="primary" if approved else "danger",
    )


ROUTES = [intake_page, intake_submit]
