"""The organization's portal: its reports and the annual-report form (drafts, submission)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.clock import today
from core.refusals import Refusal
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    Form,
    confirmation_page,
    confirmed,
    read_form,
    reposted,
)
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.social_orgs.pages.common import whole_number
from plugins.social_orgs.rules import REPORT_FIELDS, report_deadline, report_due, require_complete
from plugins.social_orgs.services import registry, reports, tasks

FILE = {"permission": "social_orgs.report.file"}
MONEY = ("revenue_fen", "expenditure_fen", "net_assets_fen", "donations_received_fen")
COUNTS = ("full_time_staff", "volunteers")


def fen_text(fen: int | None) -> str:
    """Fen as the yuan text a form field shows (``123456`` → ``1234.56``)."""
    if fen is None:
        return ""
    return f"{Decimal(fen) / 100:.2f}"


def _yuan_to_fen(value: str) -> int:
    amount = Decimal(value.replace(",", "").replace("，", ""))
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError("more than two decimals")
    return int(fen)


def parse_form(form: Form) -> tuple[dict[str, Any], list[str]]:
    """The report typed into the form (amounts in yuan) and the fields that are not numbers."""
    content: dict[str, Any] = {}
    unreadable = []
    for name in REPORT_FIELDS:
        raw = form.get(name)
        if raw == "":
            continue
        try:
            if name in MONEY:
                content[name] = _yuan_to_fen(raw)
            elif name in COUNTS:
                content[name] = whole_number(raw)
            else:
                content[name] = raw
        except (ValueError, InvalidOperation):
            unreadable.append(name)
    return content, unreadable


def _form_values(content: dict[str, Any]) -> dict[str, str]:
    values = {}
    for name in REPORT_FIELDS:
        value = content.get(name)
        if name in MONEY:
            values[name] = fen_text(value) if isinstance(value, int) else str(value or "")
        else:
            values[name] = "" if value is None else str(value)
    return values


async def _report_or_none(uscc: str, year: int) -> dict[str, Any] | None:
    try:
        return await reports.get_report(uscc, year)
    except Refusal as refused:
        if refused.kind != "not_found":
            raise
        return None


def _own_uscc(request: Request) -> str:
    user = require_user(request)
    if user.org_uscc is None:  # the permission belongs to organization accounts only
        raise Refusal.not_found()
    return user.org_uscc


@get("/portal", opt=FILE, include_in_schema=False)
async def portal(request: Request) -> Response:
    uscc = _own_uscc(request)
    org = await registry.profile(uscc)
    filed = {r["year"]: r for r in await reports.reports_of(uscc)}
    on = await today()
    due = {
        y for y in range(org["registered_on"].year, on.year) if report_due(org["registered_on"], y)
    }
    rows = [
        {
            "year": year,
            "report": filed.get(year),
            "deadline": report_deadline(org["kind"], year),
        }
        for year in sorted(due | set(filed), reverse=True)
    ]
    return await render_page(
        request,
        "social_orgs/portal.html",
        {"org": org, "rows": rows, "tasks": await tasks.open_tasks_of(uscc)},
    )


async def _render_form(
    request: Request,
    uscc: str,
    year: int,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    draft_saved: bool = False,
    status_code: int = 200,
) -> Response:
    org = await registry.profile(uscc)
    report = await _report_or_none(uscc, year)
    return await render_page(
        request,
        "social_orgs/report_form.html",
        {
            "org": org,
            "year": year,
            "report": report,
            "deadline": report_deadline(org["kind"], year),
            "values": values,
            "errors": errors or {},
            "message": message,
            "draft_saved": draft_saved,
        },
        status_code=status_code,
    )


def _valid_year(org_registered_year: int, year: int, this_year: int) -> None:
    if not org_registered_year <= year <= this_year:
        raise Refusal.not_found()


@get("/portal/reports/{year:int}", opt=FILE, include_in_schema=False)
async def report_form(request: Request, year: int) -> Response:
    uscc = _own_uscc(request)
    org = await registry.profile(uscc)
    _valid_year(org["registered_on"].year, year, (await today()).year)
    report = await _report_or_none(uscc, year)
    values = _form_values(report["content"] if report else {})
    return await _render_form(request, uscc, year, values)


@post("/portal/reports/{year:int}", opt={**FILE, CONFIRM: True}, include_in_schema=False)
async def report_form_post(request: Request, year: int) -> Response:
    uscc = _own_uscc(request)
    form = await read_form(request)
    content, unreadable = parse_form(form)
    values = {name: form.get(name) for name in REPORT_FIELDS}
    if unreadable:
        errors = {name: N_("Enter a number.") for name in unreadable}
        return await _render_form(request, uscc, year, values, errors=errors, status_code=422)
    try:
        await reports.save_draft(uscc, year, content)
        if form.get("action") != "submit":
            return redirect_after_form(request, f"/orgs/portal/reports/{year}", N_("Draft saved."))
        if not confirmed(form):  # checked in full first; a submitted report cannot be changed
            require_complete(content)
            return await confirmation_page(request, _submit_confirmation(year, form))
        await reports.submit(uscc, year)
    except Refusal as exc:
        extra = exc.extra or {}
        errors = {name: N_("This value is not valid.") for name in extra.get("invalid", [])}
        errors |= {name: N_("Required before submitting.") for name in extra.get("missing", [])}
        return await _render_form(
            request,
            uscc,
            year,
            values,
            errors=errors,
            message=exc.text_in(request_language(request)),
            draft_saved=exc.code == "INCOMPLETE_REPORT",
            status_code=exc.status_code,
        )
    return redirect_after_form(
        request, "/orgs/portal", N_("The %(year)s report has been submitted."), year=year
    )


def _submit_confirmation(year: int, form: Form) -> Confirmation:
    here = f"/orgs/portal/reports/{year}"
    return Confirmation(
        title=N_("Annual report %(year)s"),
        question=N_("A submitted report can no longer be changed. Submit it now?"),
        back=here,
        fields=reposted(form),
        warning=N_("Your draft is saved."),
        button=N_("Submit report"),
        params={"year": year},
    )


ROUTES = [portal, report_form, report_form_post]
