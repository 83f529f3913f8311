"""Offices, schedules and slots."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import get, patch, post, put
from litestar.params import QueryParameter

from core.clock import today
from core.schemas import to_out
from plugins.marriage.schemas import (
    OfficeDetailsIn,
    OfficeIn,
    OfficeOut,
    ScheduleIn,
    ScheduleOut,
    ScheduleSavedOut,
    SlotOut,
)
from plugins.marriage.services.offices import (
    ScheduleInput,
    calendar_warnings,
    create_office,
    get_office,
    list_offices,
    list_slots,
    save_schedule,
    slot_templates,
    stored_schedule,
    update_office_details,
)

MANAGE = {"permission": "marriage.offices.manage"}
TAGS = ["marriage"]


@get("/offices", opt={"public": True}, tags=TAGS)
async def offices() -> list[OfficeOut]:
    return to_out(list[OfficeOut], await list_offices())


def _details(data: OfficeIn | OfficeDetailsIn) -> dict[str, str | None]:
    return {
        "address": data.address,
        "opening_hours": data.opening_hours,
        "phone": data.phone,
        "directions": data.directions,
    }


@post("/offices", opt=MANAGE, status_code=201, tags=TAGS)
async def add_office(data: OfficeIn) -> OfficeOut:
    created = await create_office(data.code, data.name, data.division_code, _details(data))
    return to_out(OfficeOut, created)


@patch("/offices/{code:str}", opt=MANAGE, tags=TAGS)
async def edit_office(code: str, data: OfficeDetailsIn) -> OfficeOut:
    """Address, opening hours, phone and directions (a field left out is cleared)."""
    return to_out(OfficeOut, await update_office_details(code, _details(data)))


@put("/offices/{code:str}/schedule", opt=MANAGE, tags=TAGS)
async def put_schedule(code: str, data: ScheduleIn) -> ScheduleSavedOut:
    schedule = ScheduleInput(
        slots=slot_templates(
            [{"start": s.start, "end": s.end, "capacity": s.capacity} for s in data.slots]
        ),
        open_dates=data.open_dates,
        closed_dates=data.closed_dates,
        horizon_days=data.horizon_days,
    )
    return to_out(ScheduleSavedOut, await save_schedule(code, schedule))


@get("/offices/{code:str}/schedule", opt=MANAGE, tags=TAGS)
async def get_schedule(code: str) -> ScheduleOut:
    await get_office(code)
    stored = await stored_schedule(code)
    first = await today()
    horizon = stored["horizon_days"] if stored else 30
    warnings = await calendar_warnings(first, first + dt.timedelta(days=horizon))
    return to_out(ScheduleOut, {"office": code, "schedule": stored, "warnings": warnings})


@get("/slots", opt={"public": True}, tags=TAGS)
async def slots(
    office: str,
    first: Annotated[dt.date | None, QueryParameter(name="from")] = None,
    last: Annotated[dt.date | None, QueryParameter(name="to")] = None,
) -> list[SlotOut]:
    first = first or await today()
    last = last or first + dt.timedelta(days=30)
    return to_out(list[SlotOut], await list_slots(office, first, last))


ROUTES = [offices, add_office, edit_office, put_schedule, get_schedule, slots]
