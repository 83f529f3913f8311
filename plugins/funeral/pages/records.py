"""Waiver lists by month and funeral home, one waiver with its notice, and voiding it."""

from __future__ import annotations

from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.clock import today
from core.i18n import gettext_for
from core.pagination import page_params
from core.refusals import Refusal
from core.web.forms import CONFIRM, N_, Confirmation, confirmation_page, confirmed, read_form
from core.web.paging import Pager
from core.web.redirects import redirect_after_form, redirect_refused
from core.web.rendering import render_page, request_language
from plugins.funeral.services.amend import void_waiver
from plugins.funeral.services.deciding import Actor
from plugins.funeral.services.listing import STATUSES, funeral_homes, list_waivers
from plugins.funeral.services.records import read_waiver
from plugins.funeral.services.settlements import month_bounds

READ = {"permission": "funeral.waiver.read"}
AMEND = {"permission": "funeral.waiver.amend"}


@get("/waivers", opt=READ, include_in_schema=False)
async def waivers_page(request: Request) -> Response:
    params = request.query_params
    filters = {
        "month": str(params.get("month", "")).strip(),
        "funeral_home": str(params.get("funeral_home", "")).strip(),
        "status": str(params.get("status", "")).strip(),
    }
    errors = {}
    try:
        if filters["month"]:
            month_bounds(filters["month"])
    except Refusal:
        errors["month"] = N_("Choose a month, such as 2026-03.")
        filters["month"] = ""
    if filters["status"] not in STATUSES:
        filters["status"] = ""
    first = Pager.for_request(request.url.path, params, 0)
    found = await list_waivers(
        page_params(first.per_page, first.offset),
        month=filters["month"] or None,
        funeral_home=filters["funeral_home"] or None,
        status=filters["status"] or None,
    )
    pager = Pager.for_request(request.url.path, params, found["total"])
    return await render_page(
        request,
        "funeral/waivers.html",
        {
            "waivers": found["items"],
            "pager": pager,
            "filters": filters,
            "errors": errors,
            "homes": await funeral_homes(),
        },
    )


@get("/waivers/{waiver_id:int}", opt=READ, include_in_schema=False)
async def waiver_page(request: Request, waiver_id: int) -> Response:
    return await _waiver_page(request, waiver_id)


async def _waiver_page(
    request: Request, waiver_id: int, errors: dict[str, str] | None = None
) -> Response:
    return await render_page(
        request,
        "funeral/waiver.html",
        {"waiver": await read_waiver(waiver_id), "errors": errors or {}},
        status_code=422 if errors else 200,
    )


@post("/waivers/{waiver_id:int}/void", opt={**AMEND, CONFIRM: True}, include_in_schema=False)
async def void_submit(request: Request, waiver_id: int) -> Response:
    """Two steps: the reason is checked and the waiver shown once more before it is void."""
    form = await read_form(request)
    user = require_user(request)
    target = f"/funeral/waivers/{waiver_id}"
    say = gettext_for(request_language(request))
    if not form.get("reason"):
        errors = {"reason": say(N_("Say why the waiver is void."))}
        return await _waiver_page(request, waiver_id, errors)
    if not confirmed(form):
        waiver = await read_waiver(waiver_id)
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Void this waiver"),
                question=N_("Void this waiver? Its notice becomes invalid."),
                back=target,
                fields=(("reason", form.get("reason")),),
                facts=(
                    (N_("Deceased"), waiver["deceased"]["name"]),
                    (N_("Notice number"), waiver["notice_no"] or "—"),
                    (N_("Reason"), form.get("reason")),
                ),
                button=N_("Void this waiver"),
                kind="danger",
            ),
        )
    try:
        await void_waiver(
            waiver_id,
            form.get("reason"),
            today=await today(),
            actor=Actor(user.username, user.office_code),
        )
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        return redirect_refused(request, target, exc)
    return redirect_after_form(
        request,
        target,
        N_("The waiver is void. It appears as a correction in this month's settlement."),
    )


ROUTES = [waivers_page, waiver_page, void_submit]
