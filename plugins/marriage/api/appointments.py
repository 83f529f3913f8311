"""Booking, reading, cancelling, iCalendar, check-in, and no-show blocks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Request, Response, delete, get, post
from litestar.params import QueryParameter

from core.auth.guards import require_user
from core.auth.middleware import client_ip
from core.clock import today
from core.pagination import Page, page_params
from core.people.service import valid_id_number
from core.schemas import to_out
from plugins.marriage.ics import appointment_ics
from plugins.marriage.schemas import (
    AppointmentIn,
    AppointmentOut,
    AppointmentStatusOut,
    BlockLiftedOut,
    BookingBlockOut,
    BookingOut,
    RebookIn,
    RebookingOut,
)
from plugins.marriage.services import booking
from plugins.marriage.services.no_shows import lift_block, list_blocks
from plugins.marriage.services.offices import get_office, office_location, parse_time
from plugins.marriage.services.registration import own_office

TAGS = ["marriage"]


@post(
    "/appointments",
    opt={"permission": "marriage.book", "idempotent": True},
    status_code=201,
    tags=TAGS,
)
async def book(request: Request, data: AppointmentIn) -> BookingOut:
    booked = await booking.book(
        require_user(request),
        slot_id=data.slot_id,
        service=data.service,
        partner_id_number=data.partner.id_number if data.partner else None,
        partner_name=data.partner.name if data.partner else "",
        ip=client_ip(request.scope),
    )
    return to_out(BookingOut, booked)


@get("/appointments", opt={"permission": "marriage.book"}, tags=TAGS)
async def my_appointments(
    request: Request,
    limit: int | None = None,
    offset: int | None = None,
) -> Page[AppointmentOut]:
    params = page_params(limit, offset)
    listed = await booking.list_own(require_user(request), params.limit, params.offset)
    return to_out(Page[AppointmentOut], listed)


@get("/appointments/{code:str}", opt={"auth": True}, tags=TAGS)
async def read_appointment(request: Request, code: str) -> AppointmentOut:
    return to_out(AppointmentOut, await booking.read_appointment(require_user(request), code))


@delete("/appointments/{code:str}", opt={"auth": True}, status_code=200, tags=TAGS)
async def cancel_appointment(request: Request, code: str) -> AppointmentStatusOut:
    return to_out(AppointmentStatusOut, await booking.cancel(require_user(request), code))


@post(
    "/appointments/{code:str}/rebook",
    opt={"permission": "marriage.book"},
    status_code=201,
    tags=TAGS,
)
async def rebook_appointment(request: Request, code: str, data: RebookIn) -> RebookingOut:
    """Priority rebooking of an appointment cancelled because an official holiday schedule
    closed its day (until its ``rebook_until``; a full slot gets a place added)."""
    from plugins.marriage.services.calendar_moves import rebook

    return to_out(RebookingOut, await rebook(require_user(request), code, data.slot_id))


@get("/appointments/{code:str}/ics", opt={"auth": True}, tags=TAGS, media_type="text/calendar")
async def appointment_calendar(request: Request, code: str) -> Response[str]:
    row = await booking.visible_appointment(require_user(request), code)
    office = await get_office(row["office_code"])
    label = booking.SERVICE_LABELS[row["service"]]
    text = appointment_ics(
        code=row["code"],
        day=row["day"],
        start=parse_time(row["start_time"]),
        end=parse_time(row["end_time"]),
        summary=f"{label}预约 {office['name']}",
        location=office_location(office),
        description="\n".join(
            [f"预约码 {row['code']}。请双方携带本人身份证件按时到场。"]
            + [
                f"{label}：{office[field]}"
                for field, label in (
                    ("address", "地址"),
                    ("opening_hours", "办公时间"),
                    ("phone", "电话"),
                    ("directions", "路线"),
                )
                if office.get(field)
            ]
        ),
        stamp=row["created_at"],
    )
    return Response(
        text,
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{row["code"]}.ics"'},
    )


@post(
    "/appointments/{code:str}/check-in",
    opt={"permission": "marriage.appointments.manage"},
    status_code=200,
    tags=TAGS,
)
async def check_in(request: Request, code: str) -> AppointmentStatusOut:
    return to_out(AppointmentStatusOut, await booking.check_in(require_user(request), code))


@get(
    "/offices/{code:str}/appointments",
    opt={"permission": "marriage.appointments.manage"},
    tags=TAGS,
)
async def office_appointments(
    request: Request,
    code: str,
    day: Annotated[dt.date | None, QueryParameter(name="date")] = None,
) -> list[AppointmentOut]:
    await own_office(require_user(request), code)
    listed = await booking.list_for_office(code, day or await today())
    return to_out(list[AppointmentOut], listed)


@get("/booking-blocks", opt={"permission": "marriage.blocks.manage"}, tags=TAGS)
async def booking_blocks() -> list[BookingBlockOut]:
    return to_out(list[BookingBlockOut], await list_blocks(await today()))


@delete(
    "/booking-blocks/{id_number:str}",
    opt={"permission": "marriage.blocks.manage"},
    status_code=200,
    tags=TAGS,
)
async def lift(request: Request, id_number: str) -> BlockLiftedOut:
    number = valid_id_number(id_number)
    lifted = await lift_block(number, await today(), require_user(request).username)
    return to_out(BlockLiftedOut, lifted)


ROUTES = [
    book,
    my_appointments,
    rebook_appointment,
    read_appointment,
    cancel_appointment,
    appointment_calendar,
    check_in,
    office_appointments,
    booking_blocks,
    lift,
]
