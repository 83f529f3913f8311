"""The workbench's divorce and reissue pages."""

from __future__ import annotations

import datetime as dt

from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.clock import today as clock_today
from core.i18n import gettext_for
from core.refusals import Refusal
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    confirmation_page,
    confirmed,
    id_number_problem,
    read_form,
    reposted,
)
from core.web.redirects import redirect_after_form, redirect_refused
from core.web.rendering import render_page, request_language
from plugins.marriage.pages.common import context, refusal_text
from plugins.marriage.services import divorce
from plugins.marriage.services.reissue import reissue

REGISTER = {"permission": "marriage.register"}
REGISTER_CONFIRMED = {**REGISTER, CONFIRM: True}


@get("/workbench/divorce", opt=REGISTER, include_in_schema=False)
async def divorce_form(request: Request) -> Response:
    return await render_page(request, "marriage/divorce.html", context(number="", error=""))


@post("/workbench/divorce", opt=REGISTER, include_in_schema=False)
async def divorce_apply(request: Request) -> Response:
    user = require_user(request)
    number = (await read_form(request)).get("marriage_certificate_no")
    try:
        result = await divorce.apply(
            user, marriage_certificate_no=number, office_code=user.office_code or ""
        )
    except Refusal as exc:
        return await render_page(
            request,
            "marriage/divorce.html",
            context(number=number, error=refusal_text(request, exc)),
            status_code=exc.status_code,
        )
    return redirect_after_form(
        request,
        f"/marriage/workbench/divorce/{result['id']}",
        N_("The application is accepted; the cooling-off period has begun."),
    )


@get("/workbench/divorce/{application_id:int}", opt=REGISTER, include_in_schema=False)
async def divorce_page(request: Request, application_id: int) -> Response:
    return await _divorce_page(request, application_id)


async def _divorce_page(
    request: Request, application_id: int, errors: dict[str, str] | None = None
) -> Response:
    item = await divorce.read_application(require_user(request), application_id)
    today = await clock_today()
    phase = ""
    if item["status"] == "cooling_off":  # the stored status stays until registered or withdrawn
        phase = "cooling" if today <= item["cooling_off_ends"] else "registrable"
    return await render_page(
        request,
        "marriage/divorce_detail.html",
        context(
            item=item,
            phase=phase,
            register_from=item["cooling_off_ends"] + dt.timedelta(days=1),
            errors=errors or {},
        ),
        status_code=422 if errors else 200,
    )


def _divorce_step(
    application_id: int, step: str, fields: tuple[tuple[str, str], ...]
) -> Confirmation:
    """The confirmation of withdrawing (``withdraw``) or registering (``register``) a divorce."""
    here = f"/marriage/workbench/divorce/{application_id}"
    if step == "withdraw":
        title, question, button, kind = (
            N_("Withdraw"),
            N_("Withdraw this application?"),
            N_("Withdraw"),
            "danger",
        )
    else:
        title, question, button, kind = (
            N_("Register the divorce"),
            N_("Register the divorce? The marriage ends and the certificates are issued."),
            N_("Register the divorce"),
            "primary",
        )
    return Confirmation(
        title=title,
        question=question,
        back=here,
        fields=fields,
        button=button,
        kind=kind,
    )


@post(
    "/workbench/divorce/{application_id:int}/withdraw",
    opt=REGISTER_CONFIRMED,
    include_in_schema=False,
)
async def divorce_withdraw(request: Request, application_id: int) -> Response:
    target = f"/marriage/workbench/divorce/{application_id}"
    form = await read_form(request)
    id_number = form.get("id_number")
    problem = id_number_problem(id_number, request_language(request))
    if problem:
        return await _divorce_page(request, application_id, {"id_number": problem})
    if not confirmed(form):
        await divorce.scoped_application(require_user(request), application_id)  # else 404
        step = _divorce_step(application_id, "withdraw", reposted(form, "id_number"))
        return await confirmation_page(request, step)
    try:
        await divorce.withdraw(require_user(request), application_id, id_number)
    except Refusal as exc:
        return redirect_refused(request, target, exc)
    return redirect_after_form(request, target, N_("The application is withdrawn."))


@post(
    "/workbench/divorce/{application_id:int}/register",
    opt=REGISTER_CONFIRMED,
    include_in_schema=False,
)
async def divorce_register(request: Request, application_id: int) -> Response:
    target = f"/marriage/workbench/divorce/{application_id}"
    if not confirmed(await read_form(request)):
        item = await divorce.read_application(require_user(request), application_id)
        # asked only when the page offers it; otherwise the rule refuses with its own reason
        if item["status"] == "cooling_off" and await clock_today() > item["cooling_off_ends"]:
            step = _divorce_step(application_id, "register", ())
            return await confirmation_page(request, step)
    try:
        result = await divorce.register(require_user(request), application_id)
    except Refusal as exc:
        return redirect_refused(request, target, exc)
    return redirect_after_form(
        request,
        f"/marriage/workbench/registrations/{result['id']}",
        N_("The divorce is registered."),
    )


@get("/workbench/reissue", opt=REGISTER, include_in_schema=False)
async def reissue_form(request: Request) -> Response:
    issued = request.query_params.get("issued", "")
    result = None
    if issued:
        from core.certificates.service import verify_url

        result = {"certificate_no": issued, "verify_url": verify_url(issued)}
    form = {"certificate_no": "", "id_number": ""}
    return await render_page(
        request, "marriage/reissue.html", context(form=form, errors={}, result=result)
    )


async def _reissue_page(
    request: Request, form: dict[str, str], errors: dict[str, str], status_code: int
) -> Response:
    return await render_page(
        request,
        "marriage/reissue.html",
        context(form=form, errors=errors, result=None),
        status_code=status_code,
    )


@post("/workbench/reissue", opt=REGISTER_CONFIRMED, include_in_schema=False)
async def reissue_submit(request: Request) -> Response:
    """Both fields checked at once; then asked once more, as the old number stops verifying."""
    raw = await read_form(request)
    form = {"certificate_no": raw.get("certificate_no"), "id_number": raw.get("id_number")}
    lang = request_language(request)
    say = gettext_for(lang)
    errors = {}
    if not form["certificate_no"]:
        errors["certificate_no"] = say(N_("Enter the certificate number."))
    if problem := id_number_problem(form["id_number"], lang):
        errors["id_number"] = problem
    if errors:
        return await _reissue_page(request, form, errors, 422)
    if not confirmed(raw):
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Reissue a certificate"),
                question=N_("Reissue this certificate?"),
                back="/marriage/workbench/reissue",
                fields=reposted(raw, "certificate_no", "id_number"),
                facts=(
                    (N_("Certificate number"), form["certificate_no"]),
                    (N_("Identity number of the holder asking"), form["id_number"]),
                ),
                warning=N_(
                    "The new certificate gets a new number; the old number stops verifying."
                ),
                button=N_("Reissue"),
            ),
        )
    try:
        result = await reissue(require_user(request), form["certificate_no"], form["id_number"])
    except Refusal as exc:
        errors = {"": refusal_text(request, exc)}
        return await _reissue_page(request, form, errors, exc.status_code)
    return redirect_after_form(
        request,
        f"/marriage/workbench/reissue?issued={result['certificate_no']}",
        N_("The certificate is reissued; the old number is void."),
    )


ROUTES = [
    divorce_form,
    divorce_apply,
    divorce_page,
    divorce_withdraw,
    divorce_register,
    reissue_form,
    reissue_submit,
]
