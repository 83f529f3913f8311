"""The beneficiary list with filters, the annual-review list, and the forms that stop payment,
record a re-assessed grade or a finished review (on the application page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post

from core import clock
from core.auth.guards import require_user
from core.i18n import gettext_for
from core.refusals import Refusal
from core.web.forms import CONFIRM, N_
from core.web.paging import Pager, requested_page
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.disability.pages.applications import ask_first, detail
from plugins.disability.pages.common import FORM, LABELS, STOP_LABELS, many, text
from plugins.disability.services.beneficiaries import list_beneficiaries, record_review
from plugins.disability.services.stops import record_grade, stop_beneficiary

LIMIT = 50


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refusal("INVALID_DATE", zh="日期格式应为YYYY-MM-DD", en="not a date") from None


async def _listing(
    request: Request, title: str, status: str, subsidy: str | None, review_due: bool
) -> Response:
    limit, offset = requested_page(request, LIMIT)
    listing = await list_beneficiaries(status, subsidy, review_due, limit, offset)
    return await render_page(
        request,
        "disability/beneficiaries.html",
        {
            **LABELS,
            "title": title,
            "status": status,
            "subsidy": subsidy or "",
            "review_due": review_due,
            "items": listing["items"],
            "pager": Pager.of(request, listing["total"], LIMIT),
        },
    )


@get("/beneficiaries", opt={"permission": "disability.beneficiaries"}, include_in_schema=False)
async def beneficiaries_page(
    request: Request,
    status: str = "active",
    subsidy: str | None = None,
    review_due: bool = False,
) -> Response:
    if status not in ("active", "stopped", "all"):
        status = "active"
    if subsidy not in ("living", "nursing"):
        subsidy = None
    return await _listing(request, N_("Beneficiaries"), status, subsidy, review_due)


@get("/reviews", opt={"permission": "disability.beneficiaries"}, include_in_schema=False)
async def reviews_page(request: Request) -> Response:
    return await _listing(request, N_("Due for the annual review"), "active", None, True)


async def _act(request: Request, application_id: int, permission: str, action: Any) -> Response:
    user = require_user(request)
    try:
        done = await action()
    except Refusal as exc:
        return await detail(request, user, application_id, exc)
    return redirect_after_form(request, f"/disability/applications/{application_id}", done)


@post(
    "/applications/{application_id:int}/stop",
    opt={"permission": "disability.stop", CONFIRM: True},
    include_in_schema=False,
)
async def stop_submit(
    request: Request, application_id: int, data: dict[str, Any] = FORM
) -> Response:
    reason = text(data, "reason")
    say = gettext_for(request_language(request))
    errors = {}
    if reason not in ("request", "fraud"):
        errors["reason"] = say(N_("Choose the reason for stopping payment."))
    try:
        _date(text(data, "effective_on"))
    except Refusal:
        errors["effective_on"] = say(N_("Enter the date of the event, such as 2026-05-06."))
    if errors:
        user = require_user(request)
        return await detail(request, user, application_id, errors=errors)
    facts = (
        (N_("Reason"), say(STOP_LABELS[reason])),
        (N_("Date of the event"), text(data, "effective_on") or "—"),
    )
    step = (N_("Stop payment"), N_("Stop paying this beneficiary?"), N_("Stop payment"))
    asked = await ask_first(request, application_id, data, step, "approved", facts, "danger")
    if asked is not None:
        return asked

    async def action() -> str:
        await stop_beneficiary(
            application_id,
            text(data, "reason"),
            _date(text(data, "effective_on")),
            text(data, "note"),
            many(data, "subsidies") or None,
        )
        return N_("Payment stops from the month after the date given.")

    return await _act(request, application_id, "disability.stop", action)


@post(
    "/applications/{application_id:int}/grade",
    opt={"permission": "disability.beneficiary.manage", CONFIRM: True},
    include_in_schema=False,
)
async def grade_submit(
    request: Request, application_id: int, data: dict[str, Any] = FORM
) -> Response:
    """Two steps: a new grade changes what is paid, so it is read back before it is recorded."""
    grade = text(data, "grade")
    say = gettext_for(request_language(request))
    errors = {}
    if grade not in ("1", "2", "3", "4"):
        errors["grade"] = say(N_("Choose the new grade."))
    try:
        assessed_on = _date(text(data, "assessed_on"))
    except Refusal:
        errors["assessed_on"] = say(N_("Enter the date of the assessment, such as 2026-05-06."))
    if errors:  # named next to their fields, as the stop form's are
        return await detail(request, require_user(request), application_id, errors=errors)
    facts = (
        (N_("New grade"), say(N_("Grade %(n)s")) % {"n": grade}),
        # a blank date is today's (record_grade): the step shows the day it will record
        (N_("Assessed on"), text(data, "assessed_on") or (await clock.today()).isoformat()),
    )
    step = (N_("Re-assessed grade"), N_("Record this grade?"), N_("Record the grade"))
    asked = await ask_first(request, application_id, data, step, "approved", facts)
    if asked is not None:
        return asked

    async def action() -> str:
        await record_grade(
            application_id,
            int(grade),
            None,
            text(data, "disability_card_no") or None,
            assessed_on,
            text(data, "note"),
        )
        return N_("The new grade was recorded.")

    return await _act(request, application_id, "disability.beneficiary.manage", action)


@post(
    "/applications/{application_id:int}/review",
    opt={"permission": "disability.beneficiary.manage"},
    include_in_schema=False,
)
async def review_submit(
    request: Request, application_id: int, data: dict[str, Any] = FORM
) -> Response:
    async def action() -> str:
        await record_review(application_id, text(data, "note"))
        return N_("The annual review was recorded.")

    return await _act(request, application_id, "disability.beneficiary.manage", action)


ROUTES = [beneficiaries_page, reviews_page, stop_submit, grade_submit, review_submit]
