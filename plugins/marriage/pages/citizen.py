"""The citizen's booking flow, made for a phone: office → day → slot → partner → confirmation;
then "my bookings" with cancel."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.auth.middleware import client_ip
from core.calendar_store import load_calendar
from core.clock import now_local
from core.clock import today as clock_today
from core.i18n import gettext_for
from core.identity import normalize_id_number
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
)
from core.web.redirects import redirect_after_form, redirect_refused
from core.web.rendering import render_page, request_language
from plugins.marriage.pages.common import context
from plugins.marriage.rules import slot_in_past
from plugins.marriage.services import booking
from plugins.marriage.services.offices import (
    get_office,
    list_offices,
    list_slots,
    office_body,
    parse_time,
)
from plugins.marriage.tables import Slot

BOOK = {"permission": "marriage.book"}
BOOKING_DAYS = 30
BOOKING_ERRORS = {
    "INVALID_ID_NUMBER": ("partner_id_number", N_("Check the identity number: 18 characters.")),
    "SAME_PERSON": (
        "partner_id_number",
        N_("This is your own identity number: enter the other person's."),
    ),
    "PARTNER_REQUIRED": ("partner_id_number", N_("Enter the other person's identity number.")),
    "INVALID_NAME": ("partner_name", N_("Enter the other person's name.")),
}


async def _bookable(code: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The office's slots that have not begun yet (China time)."""
    now = await now_local()
    return [
        slot
        for slot in await list_slots(code, first, last)
        if not slot_in_past(slot["date"], parse_time(slot["start"]), now)
    ]


@get("/", opt={"public": True}, include_in_schema=False)
async def marriage_home(request: Request) -> Response:
    """Public: what to bring for each service and where each registry is (linked from home)."""
    return await render_page(request, "marriage/index.html", context(offices=await list_offices()))


@get("/book", opt=BOOK, include_in_schema=False)
async def choose_office(request: Request) -> Response:
    return await render_page(
        request, "marriage/book_offices.html", context(offices=await list_offices())
    )


@get("/book/{code:str}", opt=BOOK, include_in_schema=False)
async def choose_day(request: Request, code: str) -> Response:
    office = office_body(await get_office(code))
    first = await clock_today()
    slots = await _bookable(code, first, first + dt.timedelta(days=BOOKING_DAYS))
    remaining: dict[dt.date, int] = defaultdict(int)
    for slot in slots:
        remaining[slot["date"]] += slot["remaining"]
    days = [{"date": day, "remaining": left} for day, left in sorted(remaining.items())]
    calendar = await load_calendar()
    provisional = sorted({d["date"].year for d in days if calendar.is_provisional(d["date"].year)})
    return await render_page(
        request,
        "marriage/book_days.html",
        context(office=office, days=days, provisional_years=provisional),
    )


@get("/book/{code:str}/{day:date}", opt=BOOK, include_in_schema=False)
async def choose_slot(request: Request, code: str, day: dt.date) -> Response:
    office = office_body(await get_office(code))
    slots = await _bookable(code, day, day)
    return await render_page(
        request, "marriage/book_slots.html", context(office=office, day=day, slots=slots)
    )


async def _slot_page(
    request: Request, slot_id: int, form: dict[str, str], errors: dict[str, str], status: int
) -> Response:
    slot = await Slot.select().where((Slot.id == slot_id) & Slot.open.eq(True)).first()
    if slot is None:
        raise Refusal.not_found(zh="无此预约时段", en="No such slot")
    office = office_body(await get_office(slot["office_code"]))
    return await render_page(
        request,
        "marriage/book_form.html",
        context(office=office, slot=slot, form=form, errors=errors),
        status_code=status,
    )


@get("/slot/{slot_id:int}", opt=BOOK, include_in_schema=False)
async def partner_form(request: Request, slot_id: int) -> Response:
    form = {"service": "marriage", "partner_id_number": "", "partner_name": ""}
    return await _slot_page(request, slot_id, form, {}, 200)


@post("/slot/{slot_id:int}", opt=BOOK, include_in_schema=False)
async def submit_booking(request: Request, slot_id: int) -> Response:
    raw = await read_form(request)
    form = {
        "service": raw.get("service") or "marriage",
        "partner_id_number": raw.get("partner_id_number"),
        "partner_name": raw.get("partner_name"),
    }
    if form["service"] not in booking.SERVICE_LABELS:
        form["service"] = "marriage"
    errors = _booking_problems(request, form)
    if errors:
        return await _slot_page(request, slot_id, form, errors, 422)
    try:
        result = await booking.book(
            require_user(request),
            slot_id=slot_id,
            service=form["service"],  # type: ignore[arg-type]
            partner_id_number=form["partner_id_number"] or None,
            partner_name=form["partner_name"],
            ip=client_ip(request.scope),
        )
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        errors = field_errors(exc, BOOKING_ERRORS, request_language(request))
        return await _slot_page(request, slot_id, form, errors, exc.status_code)
    return redirect_after_form(
        request, f"/marriage/my/{result['code']}", N_("Your booking is confirmed.")
    )


def _booking_problems(request: Request, form: dict[str, str]) -> dict[str, str]:
    """Every field checked at once, each with its own message (a wrong check digit is not a
    wrong length; the booker's own number is not "missing")."""
    lang = request_language(request)
    say = gettext_for(lang)
    errors: dict[str, str] = {}
    number = form["partner_id_number"]
    if form["service"] == "reissue" and not number:
        return errors  # a reissue needs no other party
    problem = id_number_problem(number, lang)
    if not number:
        errors["partner_id_number"] = say(N_("Enter the other person's identity number."))
    elif problem:
        errors["partner_id_number"] = problem
    elif normalize_id_number(number) == require_user(request).username:
        errors["partner_id_number"] = say(
            N_("This is your own identity number: enter the other person's.")
        )
    if not form["partner_name"]:
        errors["partner_name"] = say(N_("Enter the other person's name."))
    return errors


@get("/my", opt=BOOK, include_in_schema=False)
async def my_bookings(request: Request) -> Response:
    mine = await booking.list_own(require_user(request), 100, 0)
    return await render_page(request, "marriage/my_list.html", context(items=mine["items"]))


@get("/my/{code:str}", opt=BOOK, include_in_schema=False)
async def my_booking(request: Request, code: str) -> Response:
    user = require_user(request)
    row = await booking.visible_appointment(user, code)
    item: dict[str, Any] = booking.appointment_body(row, full=False)
    office = office_body(await get_office(row["office_code"]))
    cancellable = row["status"] == "booked"
    return await render_page(
        request,
        "marriage/my_detail.html",
        context(item=item, office=office, cancellable=cancellable),
    )


@post("/my/{code:str}/cancel", opt={**BOOK, CONFIRM: True}, include_in_schema=False)
async def cancel_booking(request: Request, code: str) -> Response:
    if not confirmed(await read_form(request)):
        await booking.visible_appointment(require_user(request), code)  # 404 if not theirs
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Cancel the booking"),
                question=N_("Cancel this booking? The place will be given to someone else."),
                back=f"/marriage/my/{code}",
                fields=(),
                facts=((N_("Booking code"), code),),
                button=N_("Cancel the booking"),
                kind="danger",
            ),
        )
    try:
        await booking.cancel(require_user(request), code)
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        return redirect_refused(request, f"/marriage/my/{code}", exc)
    return redirect_after_form(
        request, "/marriage/my", N_("The booking is cancelled; the place is free again.")
    )


ROUTES = [
    marriage_home,
    choose_office,
    choose_day,
    choose_slot,
    partner_form,
    submit_booking,
    my_bookings,
    my_booking,
    cancel_booking,
]
