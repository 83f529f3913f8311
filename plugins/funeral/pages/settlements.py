"""The reviewer's settlement page: one month per funeral home, CSV and PDF, confirmation."""

from __future__ import annotations

from litestar import Request, Response, get, post

from core.clock import today
from core.i18n import gettext_for
from core.refusals import Refusal
from core.web.forms import CONFIRM as CONFIRM_STEP
from core.web.forms import N_, Confirmation, confirmation_page, confirmed, read_form
from core.web.redirects import redirect_after_form, redirect_refused
from core.web.rendering import fen_to_yuan, render_page, request_language
from plugins.funeral.rules import month_of
from plugins.funeral.services import settlements

READ = {"permission": "funeral.settlement.read"}
SETTLE = {"permission": "funeral.settlement.confirm", CONFIRM_STEP: True}


def _previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


@get("/settlements", opt=READ, include_in_schema=False)
async def settlements_page(request: Request) -> Response:
    current = month_of(await today())
    month = str(request.query_params.get("month", "")).strip() or _previous_month(current)
    error = ""
    try:
        rows, confirmed = await settlements.settlement_rows(month)
    except Refusal:
        error = N_("Choose a month, such as 2026-03.")
        month = _previous_month(current)
        rows, confirmed = await settlements.settlement_rows(month)
    totals = {key: sum(row[key] for row in rows) for key in settlements.NUMBERS}
    return await render_page(
        request,
        "funeral/settlements.html",
        {
            "month": month,
            "rows": rows,
            "totals": totals,
            "confirmed": confirmed,
            "can_confirm": confirmed is None and month < current,
            "error": error,
        },
    )


@post("/settlements/{month:str}/confirm", opt=SETTLE, include_in_schema=False)
async def confirm_submit(request: Request, month: str) -> Response:
    """Two steps: the month's totals are shown once more; only the confirmation freezes them."""
    target = f"/funeral/settlements?month={month}"
    if not confirmed(await read_form(request)):
        say = gettext_for(request_language(request))
        try:
            rows, _ = await settlements.settlement_rows(month)
        except Refusal as exc:
            return redirect_refused(request, target, exc)
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Confirm the settlement for %(month)s"),
                question=N_("Confirm? The month's figures are then frozen."),
                back=target,
                fields=(),
                facts=tuple(
                    (home, say(N_("%(amount)s yuan")) % {"amount": fen_to_yuan(fen)})
                    for home, fen in [(r["funeral_home"], r["waived_fen"]) for r in rows]
                    + [(N_("In total"), sum(r["waived_fen"] for r in rows))]
                ),
                button=N_("Confirm the settlement for %(month)s"),
                params={"month": month},
            ),
        )
    try:
        await settlements.confirm_settlement(month, await today())
    except Refusal as exc:
        return redirect_refused(request, target, exc)
    return redirect_after_form(
        request, target, N_("The month is settled. Its figures will not change.")
    )


ROUTES = [settlements_page, confirm_submit]
