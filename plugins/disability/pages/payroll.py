"""The payroll page (run a month, the runs with their totals, CSV and PDF downloads) and the
admin's standards and policy page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, get, post

from core import clock
from core.i18n import gettext_for
from core.refusals import Refusal
from core.web.forms import CONFIRM, N_, Confirmation, confirmation_page
from core.web.paging import Pager, requested_page
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.disability.pages.common import FORM, LABELS, checked, error_text, text
from plugins.disability.rules import SubsidyPolicy, month_of, previous_month
from plugins.disability.services.payroll import list_runs, payroll_preview, run_payroll
from plugins.disability.services.payroll_report import run_with_lines
from plugins.disability.services.standards import (
    all_policies,
    set_policy,
    set_standard,
    standards_listing,
)

PAYROLL, SETTINGS = "disability.payroll", "disability.settings"
LIMIT = 50


async def _payroll_page(
    request: Request, errors: dict[str, str] | None = None, month: str = "", status: int = 200
) -> Response:
    """The month starts blank: paying money is never a default (December was paid with one
    click on 3 December when it started on the current month)."""
    runs, total = await list_runs(100, 0)
    today = await clock.today()
    listing = await standards_listing(today.year)
    return await render_page(
        request,
        "disability/payroll.html",
        {
            **LABELS,
            "provisional_years": [y for y in listing if not y.confirmed],
            "runs": runs,
            "total": total,
            "month": month,
            "previous": previous_month(month_of(today)),
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/payroll", opt={"permission": PAYROLL}, include_in_schema=False)
async def payroll_page(request: Request) -> Response:
    return await _payroll_page(request)


@post("/payroll", opt={"permission": PAYROLL, CONFIRM: True}, include_in_schema=False)
async def payroll_run(request: Request, data: dict[str, Any] = FORM) -> Response:
    """Two steps: the month is checked and shown with what it will pay; only the confirmation
    runs it."""
    month = text(data, "month")
    say = gettext_for(request_language(request))
    if not month:
        return await _payroll_page(request, {"month": say(N_("Enter the month to pay."))}, "", 422)
    try:
        preview = await payroll_preview(month)
        if text(data, "confirmed") != "yes":
            return await confirmation_page(request, _payroll_confirmation(say, preview))
        await run_payroll(month)
    except Refusal as exc:
        return await _payroll_page(
            request, {"month": error_text(request, exc)}, month, exc.status_code
        )
    return redirect_after_form(
        request, f"/disability/payroll/{month}", N_("The payroll of the month is complete.")
    )


def _payroll_confirmation(say: Callable[[str], str], preview: dict[str, Any]) -> Confirmation:
    month = preview["month"]
    warning = (
        N_("This month has been paid already: running it again changes nothing.")
        if preview["complete"]
        else N_("Payments go to the bank file and cannot be taken back from this page.")
    )
    return Confirmation(
        title=N_("Run the payroll"),
        question=N_("Pay the subsidies of %(month)s?"),
        back="/disability/payroll",
        fields=(("month", month),),
        facts=(
            (N_("Month"), month),
            (N_("Beneficiaries with months still to pay"), str(preview["pending"])),
            (
                N_("Standard"),
                say(N_("Provisional: the standard of %(year)s")) % {"year": preview["paid_at_year"]}
                if preview["provisional_standard"]
                else say(N_("Confirmed")),
            ),
        ),
        warning=warning,
        button=N_("Pay %(month)s"),
        params={"month": month},
    )


@get("/payroll/{month:str}", opt={"permission": PAYROLL}, include_in_schema=False)
async def payroll_month(request: Request, month: str) -> Response:
    limit, offset = requested_page(request, LIMIT)
    run = await run_with_lines(month, limit, offset)
    return await render_page(
        request,
        "disability/payroll_run.html",
        {
            **LABELS,
            "run": run,
            "pager": Pager.of(request, run["lines"]["total"], LIMIT),
        },
    )


async def _standards_page(
    request: Request,
    error: Refusal | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """``errors``: the standard form's problems by field; ``error``: a refusal of either form."""
    year = (await clock.today()).year
    shown = {"": error_text(request, error)} if error is not None else (errors or {})
    return await render_page(
        request,
        "disability/standards.html",
        {
            "standards": await standards_listing(year),
            "policies": await all_policies(),
            "errors": shown,
            "values": values or {"year": str(year + 1)},
        },
        status_code=error.status_code if error is not None else 422 if errors else 200,
    )


STANDARD_PROBLEMS = {
    "year": N_("Enter the year, such as 2027."),
    "living_yuan": N_("Enter the living subsidy in yuan a month, such as 175."),
    "nursing_yuan": N_("Enter the nursing subsidy in yuan a month, such as 175."),
}


def _fen(value: str) -> int | None:
    try:
        amount = round(float(value) * 100)
    except ValueError:
        return None
    return amount if amount >= 0 else None


@get("/standards", opt={"permission": SETTINGS}, include_in_schema=False)
async def standards_page(request: Request) -> Response:
    return await _standards_page(request)


@post("/standards", opt={"permission": SETTINGS, CONFIRM: True}, include_in_schema=False)
async def standards_submit(request: Request, data: dict[str, Any] = FORM) -> Response:
    """Every field checked at once; then read back once more, as payroll pays at it."""
    values = {name: text(data, name) for name in STANDARD_PROBLEMS}
    year = int(values["year"]) if values["year"].isdigit() else None
    living, nursing = _fen(values["living_yuan"]), _fen(values["nursing_yuan"])
    say = gettext_for(request_language(request))
    wrong = {"year": year, "living_yuan": living, "nursing_yuan": nursing}
    errors = {name: say(STANDARD_PROBLEMS[name]) for name, value in wrong.items() if value is None}
    if errors:
        return await _standards_page(request, errors=errors, values=values)
    assert year is not None and living is not None and nursing is not None
    if text(data, "confirmed") != "yes":
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Set a year's standard"),
                question=N_(
                    "Save the standard of %(year)s? Payroll pays at it, and pays the"
                    " difference for months already paid at an earlier standard."
                ),
                back="/disability/standards",
                fields=tuple(values.items()),
                facts=(
                    (N_("Year"), str(year)),
                    (N_("Living subsidy (yuan a month)"), values["living_yuan"]),
                    (N_("Nursing subsidy (yuan a month)"), values["nursing_yuan"]),
                ),
                button=N_("Save the standard"),
                params={"year": year},
            ),
        )
    try:
        await set_standard(year, living, nursing)
    except Refusal as exc:
        return await _standards_page(request, exc)
    return redirect_after_form(request, "/disability/standards", N_("The standard was saved."))


@post("/policies", opt={"permission": SETTINGS}, include_in_schema=False)
async def policy_submit(request: Request, data: dict[str, Any] = FORM) -> Response:
    try:
        try:
            effective_from = dt.date.fromisoformat(text(data, "effective_from"))
        except ValueError:
            raise Refusal("INVALID_DATE", zh="请填写生效日期", en="enter the date") from None
        await set_policy(
            SubsidyPolicy(
                living_for_low_income=checked(data, "living_for_low_income"),
                nursing_for_grades_3_4_intellectual_mental=checked(
                    data, "nursing_for_grades_3_4_intellectual_mental"
                ),
                effective_from=effective_from,
            )
        )
    except Refusal as exc:
        return await _standards_page(request, exc)
    return redirect_after_form(request, "/disability/standards", N_("The policy was saved."))


ROUTES = [
    payroll_page,
    payroll_run,
    payroll_month,
    standards_page,
    standards_submit,
    policy_submit,
]
