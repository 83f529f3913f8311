"""Offices, schedules and slots."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import get, patch, post, put
from litestar.params import QueryParameter

from core.clock import today
from plugins.marriage.schemas import OfficeDetailsIn, OfficeIn, ScheduleIn
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
async def offices() -> list[dict[str, Any]]:
    return await list_offices()


def _details(data: OfficeIn | OfficeDetailsIn) -> dict[str, str | None]:
    return {
        "address": data.address,
        "opening_hours": data.opening_hours,
        "phone": data.phone,
        "directions": data.directions,
    }


@post("/offices", opt=MANAGE, status_code=201, tags=TAGS)
async def add_office(data: OfficeIn) -> dict[str, Any]:
    return await create_office(data.code, data.name, data.division_code, _details(data))


@patch("/offices/{code:str}", opt=MANAGE, tags=TAGS)
async def edit_office(code: str, data: OfficeDetailsIn) -> dict[str, Any]:
    """Address, opening hours, phone and directions (a field left out is cleared)."""
    return await update_office_details(code, _details(data))


@put("/offices/{code:str}/schedule", opt=MANAGE, tags=TAGS)
async def put_schedule(code: str, data: ScheduleIn) -> dict[str, Any]:
    schedule = ScheduleInput(
        slots=slot_templates(
            [{"start": s.start, "end": s.end, "capacity": s.capacity} for s in data.slots]
        ),
        open_dates=data.open_dates,
        closed_dates=data.closed_dates,
        horizon_days=data.horizon_days,
    )
    return await save_schedule(code, schedule)


@get("/offices/{code:str}/schedule", opt=MANAGE, tags=TAGS)
async def get_schedule(code: str) -> dict[str, Any]:
    await get_office(code)
    stored = await stored_schedule(code)
    first = await today()
    horizon = stored["horizon_days"] if stored else 30
    return {
        "office": code,
        "schedule": stored,
        "warnings": await calendar_warnings(first, first + dt.timedelta(days=horizon)),
    }


@get("/slots", opt={"public": True}, tags=TAGS)
async def slots(
    office: str,
    first: Annotated[dt.date | None, QueryParameter(name="from")] = None,
    last: Annotated[dt.date | None, QueryParameter(name="to")] = None,
) -> list[dict[str, Any]]:
    first = first or await today()
    last = last or first + dt.timedelta(days=30)
    return await list_slots(office, first, last)


ROUTES = [offices, add_office, edit_office, put_schedule, get_schedule, slots]
