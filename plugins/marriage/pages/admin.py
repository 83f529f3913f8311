"""The admin's pages: registries, their schedules (with the calendar warning), booking blocks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core.auth.guards import require_user
from core.clock import today as clock_today
from core.i18n import bilingual, gettext_for
from core.refusals import Refusal
from core.web.flash import set_flash
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    confirmation_page,
    confirmed,
    field_errors,
    read_form,
)
from core.web.redirects import redirect_after_form, redirect_refused
from core.web.rendering import render_page, request_language
from plugins.marriage.pages.common import context
from plugins.marriage.services.no_shows import lift_block, list_blocks
from plugins.marriage.services.offices import (
    DEFAULT_HORIZON_DAYS,
    DETAILS,
    ScheduleInput,
    calendar_warnings,
    create_office,
    get_office,
    list_offices,
    office_body,
    save_schedule,
    schedule_refusal,
    slot_summary,
    slot_templates,
    stored_schedule,
    update_office_details,
)

OFFICES = {"permission": "marriage.offices.manage"}
BLOCKS = {"permission": "marriage.blocks.manage"}
OFFICE_ERRORS = {
    "INVALID_OFFICE_CODE": ("code", N_("Use 2 to 32 letters, digits, _ or -.")),
    "OFFICE_EXISTS": ("code", N_("This code is taken already.")),
    "INVALID_NAME": ("name", N_("Enter the registry's name.")),
    "INVALID_DIVISION": ("division_code", N_("Enter the 6-digit division code.")),
}
SLOT_LINE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–~]\s*(\d{1,2}:\d{2})\s+(\d+)\s*$")


async def _offices_page(
    request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return await render_page(
        request,
        "marriage/admin_offices.html",
        context(offices=await list_offices(), form=form, errors=errors),
        status_code=status,
    )


@get("/admin/offices", opt=OFFICES, include_in_schema=False)
async def offices_page(request: Request) -> Response:
    return await _offices_page(request, {"code": "", "name": "", "division_code": ""}, {})


@post("/admin/offices", opt=OFFICES, include_in_schema=False)
async def offices_create(request: Request) -> Response:
    raw = await read_form(request)
    form = {key: raw.get(key) for key in ("code", "name", "division_code")}
    try:
        await create_office(form["code"], form["name"], form["division_code"])
    except Refusal as exc:
        errors = field_errors(exc, OFFICE_ERRORS, request_language(request))
        return await _offices_page(request, form, errors, exc.status_code)
    return redirect_after_form(
        request, f"/marriage/admin/offices/{form['code']}", N_("The registry is added.")
    )


def schedule_form(stored: dict[str, Any] | None) -> dict[str, str]:
    """The stored schedule as the form's text fields."""
    if stored is None:
        return {
            "slots": "09:00-09:30 4\n09:30-10:00 4\n14:30-15:00 4",
            "open_dates": "",
            "closed_dates": "",
            "horizon_days": str(DEFAULT_HORIZON_DAYS),
        }
    return {
        "slots": "\n".join(f"{s['start']}-{s['end']} {s['capacity']}" for s in stored["pattern"]),
        "open_dates": "\n".join(stored["open_dates"]),
        "closed_dates": "\n".join(stored["closed_dates"]),
        "horizon_days": str(stored["horizon_days"]),
    }


SCHEDULE_FIELDS = ("slots", "open_dates", "closed_dates", "horizon_days")


def _dates(text: str, field: str) -> list[dt.date]:
    try:
        return [dt.date.fromisoformat(part) for part in re.split(r"[\s,，;]+", text) if part]
    except ValueError:
        raise schedule_refusal("日期格式须为 YYYY-MM-DD", "Dates are YYYY-MM-DD", field) from None


def parse_schedule(form: dict[str, str]) -> ScheduleInput:
    """``09:00-09:30 4`` per line: start, end and capacity."""
    raw = []
    for number, line in enumerate(form["slots"].splitlines(), start=1):
        if not line.strip():
            continue
        match = SLOT_LINE.match(line)
        if match is None:
            raise schedule_refusal(
                f"第 {number} 行格式应为 09:00-09:30 4",
                f"Line {number}: write 09:00-09:30 4",
                "slots",
            )
        raw.append({"start": match[1], "end": match[2], "capacity": int(match[3])})
    try:
        horizon = int(form["horizon_days"] or DEFAULT_HORIZON_DAYS)
    except ValueError:
        raise schedule_refusal(
            "预约天数须为数字", "Days ahead is a number", "horizon_days"
        ) from None
    return ScheduleInput(
        slots=slot_templates(raw),
        open_dates=_dates(form["open_dates"], "open_dates"),
        closed_dates=_dates(form["closed_dates"], "closed_dates"),
        horizon_days=horizon,
    )


async def _office_page(
    request: Request,
    code: str,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    details: dict[str, str] | None = None,
) -> Response:
    row = await get_office(code)
    office = office_body(row)
    printer = {
        "x": f"{row['printer_offset_x_mm'] or 0:g}",
        "y": f"{row['printer_offset_y_mm'] or 0:g}",
    }
    stored = await stored_schedule(code)
    today = await clock_today()
    horizon = stored["horizon_days"] if stored else DEFAULT_HORIZON_DAYS
    last = today + dt.timedelta(days=horizon)
    summary = await slot_summary(code, today, last)
    warnings = await calendar_warnings(today, last)
    return await render_page(
        request,
        "marriage/admin_office.html",
        context(
            office=office,
            printer=printer,
            form=form or schedule_form(stored),
            errors=errors or {},
            details=details or {key: office.get(key) or "" for key in DETAILS},
            warnings=warnings,
            summary=summary,
            today=today,
            last=last,
        ),
        status_code=status,
    )


@get("/admin/offices/{code:str}", opt=OFFICES, include_in_schema=False)
async def office_page(request: Request, code: str) -> Response:
    return await _office_page(request, code)


@post("/admin/offices/{code:str}", opt=OFFICES, include_in_schema=False)
async def office_schedule(request: Request, code: str) -> Response:
    raw = await read_form(request)
    form = {key: raw.get(key) for key in SCHEDULE_FIELDS}
    try:
        result = await save_schedule(code, parse_schedule(form))
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        errors = field_errors(exc, {}, request_language(request), SCHEDULE_FIELDS)
        return await _office_page(request, code, form, errors, status=exc.status_code)
    lang = request_language(request)
    text = gettext_for(lang)(N_("The schedule is saved."))
    kept = [w for w in result["warnings"] if w["code"] == "BOOKED_SLOTS_KEPT"]
    if kept:
        text += " " + bilingual(kept[0]["detail"], lang)
    redirect = Redirect(f"/marriage/admin/offices/{code}", status_code=303)
    return set_flash(redirect, text, "warn" if kept else "ok")  # type: ignore[arg-type]


@post("/admin/offices/{code:str}/details", opt=OFFICES, include_in_schema=False)
async def office_details(request: Request, code: str) -> Response:
    """Address, opening hours, phone and directions: what booking citizens are told."""
    raw = await read_form(request)
    try:
        await update_office_details(code, {key: raw.get(key) for key in DETAILS})
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        errors = field_errors(exc, {}, request_language(request), tuple(DETAILS))
        details = {key: raw.get(key) for key in DETAILS}  # as typed, to be corrected
        return await _office_page(request, code, errors=errors, status=422, details=details)
    return redirect_after_form(
        request, f"/marriage/admin/offices/{code}", N_("The registry's details are saved.")
    )


@get("/admin/blocks", opt=BLOCKS, include_in_schema=False)
async def blocks_page(request: Request) -> Response:
    blocks = await list_blocks(await clock_today())
    return await render_page(request, "marriage/admin_blocks.html", context(blocks=blocks))


@post("/admin/blocks/{id_number:str}/lift", opt={**BLOCKS, CONFIRM: True}, include_in_schema=False)
async def blocks_lift(request: Request, id_number: str) -> Response:
    if not confirmed(await read_form(request)):
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Lift the block"),
                question=N_("Lift this booking block?"),
                back="/marriage/admin/blocks",
                fields=(),
                facts=((N_("Identity number"), id_number),),
                button=N_("Lift the block"),
            ),
        )
    try:
        await lift_block(id_number, await clock_today(), require_user(request).username)
    except Refusal as exc:
        return redirect_refused(request, "/marriage/admin/blocks", exc)
    return redirect_after_form(
        request, "/marriage/admin/blocks", N_("The booking block is lifted.")
    )


ROUTES = [
    offices_page,
    offices_create,
    office_page,
    office_schedule,
    office_details,
    blocks_page,
    blocks_lift,
]
