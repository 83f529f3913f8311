"""The application form (eligibility shown before submitting), the review queues and the
application page with its street-review and district-decision forms."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core.auth.guards import PERSON_DATA, require_user
from core.auth.identity import CurrentUser
from core.i18n import bilingual
from core.refusals import Refusal
from core.web.forms import CONFIRM, N_, Confirmation, confirmation_page
from core.web.paging import Pager, requested_page
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.disability.api.applications import assessment_body
from plugins.disability.pages.common import FORM, LABELS, checked, error_text, many, text
from plugins.disability.services.applications import (
    ApplicationInput,
    assess,
    reject,
    street_review,
    submit_application,
)
from plugins.disability.services.approval import approve
from plugins.disability.services.records import (
    APPLICATION_STATUSES,
    list_applications,
    read_application,
)

APPLY, READ = "disability.apply", "disability.application.read"
PER_PAGE = 50
DONE = {
    "street_approved": N_("Passed the street review."),
    "rejected": N_("The application was rejected."),
    "approved": N_("Approved: payment is due from the month of filing."),
}
FIELDS = (
    "id_number",
    "name",
    "disability_card_no",
    "category",
    "grade",
    "hukou_division",
    "phone",
    "bank_account",
)


def _values(form: dict[str, Any], user: CurrentUser) -> dict[str, Any]:
    values: dict[str, Any] = {name: text(form, name) for name in FIELDS}
    values["subsidies"] = many(form, "subsidies")
    values["work_injury_nursing"] = checked(form, "work_injury_nursing")
    values["orphan_support"] = checked(form, "orphan_support")
    if user.kind == "citizen":
        values["id_number"] = user.username
    return values


def _input(values: dict[str, Any]) -> ApplicationInput:
    try:
        category, grade = int(values["category"]), int(values["grade"])
    except ValueError:
        raise Refusal(
            "BAD_REQUEST",
            zh="请选择残疾类别和等级",
            en="choose the category and grade",
            kind="bad_request",
        ) from None
    if not values["name"]:
        raise Refusal("BAD_REQUEST", zh="请填写姓名", en="enter the name", kind="bad_request")
    return ApplicationInput(
        id_number=values["id_number"],
        name=values["name"][:64],
        card_no=values["disability_card_no"],
        category=category,
        grade=grade,
        subsidies=tuple(values["subsidies"]),
        hukou_division=values["hukou_division"] or None,
        work_injury_nursing=values["work_injury_nursing"],
        orphan_support=values["orphan_support"],
        phone=values["phone"][:32],
        bank_account=values["bank_account"][:40],
    )


async def _form(
    request: Request,
    user: CurrentUser,
    values: dict[str, Any],
    preview: dict[str, Any] | None = None,
    error: Refusal | None = None,
) -> Response:
    return await render_page(
        request,
        "disability/apply.html",
        {
            **LABELS,
            "values": values,
            "preview": preview,
            "error": error_text(request, error),
            "is_citizen": user.kind == "citizen",
        },
        status_code=200 if error is None else error.status_code,
    )


@get("/apply", opt={"permission": APPLY, PERSON_DATA: True}, include_in_schema=False)
async def apply_form(request: Request) -> Response:
    user = require_user(request)
    values = _values({"subsidies": ["living", "nursing"], "hukou_division": "440704"}, user)
    return await _form(request, user, values)


@post("/apply", opt={"permission": APPLY, PERSON_DATA: True}, include_in_schema=False)
async def apply_submit(request: Request, data: dict[str, Any] = FORM) -> Response:
    user = require_user(request)
    values = _values(data, user)
    try:
        form = _input(values)
        if text(data, "action") == "preview":
            preview = assessment_body(await assess(form, user))
            if preview["refusal"]:
                preview["refusal"]["detail"] = bilingual(
                    preview["refusal"]["detail"], request_language(request)
                )
            return await _form(request, user, values, preview)
        application_id = await submit_application(form, user)
    except Refusal as exc:
        return await _form(request, user, values, error=exc)
    return redirect_after_form(
        request, f"/disability/applications/{application_id}", N_("The application was filed.")
    )


@get("/", opt={"auth": True}, include_in_schema=False)
async def home(request: Request) -> Response:
    return Redirect("/disability/applications", status_code=303)


@get("/applications", opt={"permission": READ, PERSON_DATA: True}, include_in_schema=False)
async def queue(request: Request, status: str | None = None) -> Response:
    user = require_user(request)
    if status is None and user.is_staff:
        status = "street_approved" if user.has("disability.approve") else "submitted"
    if status in ("", "all") or status not in APPLICATION_STATUSES:
        status = None
    limit, offset = requested_page(request, PER_PAGE)
    listing = await list_applications(user, status, limit, offset)
    return await render_page(
        request,
        "disability/applications.html",
        {
            **LABELS,
            "status": status,
            "statuses": APPLICATION_STATUSES,
            "items": listing["items"],
            "pager": Pager.of(request, listing["total"], PER_PAGE),
        },
    )


async def detail(
    request: Request,
    user: CurrentUser,
    application_id: int,
    error: Refusal | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    """``error``: a refusal shown above the forms; ``errors``: a form's problems by field."""
    record = await read_application(application_id, user)
    return await render_page(
        request,
        "disability/application.html",
        {
            **LABELS,
            "a": record,
            "errors": {"": error_text(request, error)} if error is not None else errors or {},
            "can_street": user.has("disability.street_review") and record["status"] == "submitted",
            "can_decide": user.has("disability.approve") and record["status"] == "street_approved",
            "can_manage": user.has("disability.beneficiary.manage")
            and record["status"] == "approved",
            "can_stop": user.has("disability.stop") and record["status"] == "approved",
        },
        status_code=error.status_code if error is not None else 422 if errors else 200,
    )


@get(
    "/applications/{application_id:int}",
    opt={"permission": READ, PERSON_DATA: True},
    include_in_schema=False,
)
async def application_page(request: Request, application_id: int) -> Response:
    user = require_user(request)
    return await detail(request, user, application_id)


async def ask_first(
    request: Request,
    application_id: int,
    data: dict[str, Any],
    step: tuple[str, str, str],
    status: str,
    facts: tuple[tuple[str, str], ...] = (),
    kind: str = "primary",
) -> Response | None:
    """The confirmation step of a verdict or a stop on an application in ``status`` (``step``:
    title, question and button; they and the facts' labels are message ids); ``None`` once it
    is confirmed, or when the application is in another status (the rule then refuses with its
    own reason)."""
    if text(data, "confirmed") == "yes":
        return None
    record = await read_application(application_id, require_user(request))
    if record["status"] != status:
        return None
    title, question, button = step
    here = f"/disability/applications/{application_id}"
    return await confirmation_page(
        request,
        Confirmation(
            title=title,
            question=question,
            back=here,
            fields=tuple(
                (name, value)
                for name in data
                if name not in ("_csrf", "confirmed")
                for value in many(data, name)
            ),
            facts=(
                (N_("Full name"), record["name"]),
                (N_("Identity number"), record["id_number"]),
                *facts,
                (N_("Note"), text(data, "note") or "—"),
            ),
            button=button,
            kind=kind,
        ),
    )


@post(
    "/applications/{application_id:int}/street-review",
    opt={"permission": "disability.street_review", CONFIRM: True},
    include_in_schema=False,
)
async def street_review_submit(
    request: Request, application_id: int, data: dict[str, Any] = FORM
) -> Response:
    user = require_user(request)
    passed = text(data, "approve") == "1"
    step = (
        (N_("Street review"), N_("Pass the street review?"), N_("Pass the street review"))
        if passed
        else (N_("Street review"), N_("Do not approve this application?"), N_("Do not approve"))
    )
    kind = "primary" if passed else "danger"
    asked = await ask_first(request, application_id, data, step, "submitted", kind=kind)
    if asked is not None:
        return asked
    try:
        status = await street_review(application_id, passed, text(data, "note"))
    except Refusal as exc:
        return await detail(request, user, application_id, exc)
    return redirect_after_form(request, f"/disability/applications/{application_id}", DONE[status])


@post(
    "/applications/{application_id:int}/decision",
    opt={"permission": "disability.approve", CONFIRM: True},
    include_in_schema=False,
)
async def decision_submit(
    request: Request, application_id: int, data: dict[str, Any] = FORM
) -> Response:
    user = require_user(request)
    approved = text(data, "approve") == "1"
    step = (
        (N_("District approval"), N_("Approve this application? Payment starts."), N_("Approve"))
        if approved
        else (N_("District approval"), N_("Do not approve this application?"), N_("Do not approve"))
    )
    kind = "primary" if approved else "danger"
    asked = await ask_first(request, application_id, data, step, "street_approved", kind=kind)
    if asked is not None:
        return asked
    try:
        if approved:
            status = (await approve(application_id, text(data, "note")))["status"]
        else:
            status = await reject(application_id, text(data, "note"))
    except Refusal as exc:
        return await detail(request, user, application_id, exc)
    return redirect_after_form(request, f"/disability/applications/{application_id}", DONE[status])


ROUTES = [
    home,
    apply_form,
    apply_submit,
    queue,
    application_page,
    street_review_submit,
    decision_submit,
]
