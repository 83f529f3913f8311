"""The working-day calendar: ``GET /calendar/{year}`` (anyone) and ``PUT /calendar/{year}``
(admin: the State Council's published schedule), API.md "Core"; DOMAIN.md "The working-day
calendar". ``POST /calendar/{year}/preview`` (admin) answers what ``PUT`` would move, changing
nothing."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post, put

from core.api.schemas import CalendarEnteredOut, CalendarOut
from core.auth.guards import current_user
from core.calendar_store import (
    check_year,
    enter_year,
    load_calendar,
    move_body,
    parse_days,
    preview_year,
    year_body,
)
from core.refusals import Refusal
from core.schemas import to_out

ADMIN = {"permission": "core.admin"}


def _days_of(data: Any) -> object:
    if not isinstance(data, dict) or "days" not in data:
        raise Refusal("BAD_REQUEST", en="Body must be {days: [...]}", kind="bad_request")
    return data["days"]


@get("/calendar/{year:int}", opt={"public": True}, tags=["calendar"])
async def get_calendar(year: int) -> CalendarOut:
    """Holidays and adjusted working weekend days of ``year``: official or statutory
    (provisional)."""
    calendar = await load_calendar()
    return to_out(CalendarOut, year_body(calendar.year(check_year(year))))


@put("/calendar/{year:int}", opt=ADMIN, tags=["calendar"])
async def put_calendar(request: Request, year: int, data: dict[str, Any]) -> CalendarEnteredOut:
    """Enter the State Council's schedule for ``year``; dates already told are recomputed."""
    entered = parse_days(check_year(year), _days_of(data))
    user = current_user(request)
    moves = await enter_year(year, entered, user.username if user else "")
    return to_out(CalendarEnteredOut, year_body(entered) | {"moves": [move_body(m) for m in moves]})


@post("/calendar/{year:int}/preview", opt=ADMIN, status_code=200, tags=["calendar"])
async def preview_calendar(year: int, data: dict[str, Any]) -> CalendarEnteredOut:
    """What ``PUT`` with this body would move (dates already told to people), changing nothing."""
    entered = parse_days(check_year(year), _days_of(data))
    moves = await preview_year(year, entered)
    return to_out(CalendarEnteredOut, year_body(entered) | {"moves": [move_body(m) for m in moves]})


ROUTES = [get_calendar, put_calendar, preview_calendar]
