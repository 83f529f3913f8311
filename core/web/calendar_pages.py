"""The admin's holiday-calendar page (DOMAIN.md "The working-day calendar"): see a year's
calendar, paste the State Council's schedule, preview what moves for people, then confirm.

The text format (one line per day or range; documented on the page and in
``core.calendar_store.parse_schedule_text``)::

    2027-01-01 holiday 元旦
    2027-02-05 至 2027-02-11 休 春节
    2027-02-14 班 春节

Kinds: ``holiday``/``休``/``放假`` and ``workday``/``班``/``上班``; ``#`` starts a comment line.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core import clock
from core.auth.guards import current_user
from core.calendar_store import (
    MAX_YEAR,
    MIN_YEAR,
    enter_year,
    load_calendar,
    parse_schedule_text,
    preview_year,
    schedule_text,
)
from core.errors import DomainError
from core.i18n import gettext_for
from core.web.flash import set_flash
from core.web.forms import N_, read_form
from core.web.rendering import render_page, request_language
from core.workdays import YearCalendar

ADMIN = {"permission": "core.admin"}
SAVED = N_("The %(year)s schedule is saved; %(count)s date(s) given to people moved.")


def _year(value: object, default: int) -> int:
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


async def _page(
    request: Request,
    year: int,
    text: str,
    *,
    error: str = "",
    preview: dict[str, Any] | None = None,
    status_code: int = 200,
    calendar: YearCalendar | None = None,
) -> Response:
    if calendar is None:
        calendar = (await load_calendar()).year(year)
    return await render_page(
        request,
        "admin/calendar.html",
        {
            "year": year,
            "calendar": calendar,
            "text": text,
            "error": error,
            "preview": preview,
            "years": list(range(year - 2, year + 3)),
        },
        status_code=status_code,
    )


@get("/admin/calendar", opt=ADMIN, include_in_schema=False)
async def calendar_page(request: Request) -> Response:
    today = await clock.today()
    year = _year(request.query_params.get("year"), today.year + 1)
    calendar = (await load_calendar()).year(year)
    text = schedule_text(calendar.days) if calendar.source == "official" else ""
    return await _page(request, year, text, calendar=calendar)


@post("/admin/calendar", opt=ADMIN, include_in_schema=False)
async def calendar_submit(request: Request) -> Response:
    form = await read_form(request)
    today = await clock.today()
    year = _year(form.get("year"), today.year + 1)
    text = form.get("schedule") or ""
    try:
        entered = parse_schedule_text(year, text)
    except DomainError as exc:
        return await _page(request, year, text, error=exc.detail, status_code=422)
    if form.get("confirmed") != "yes":
        moves = await preview_year(year, entered)
        return await _page(request, year, text, preview={"entered": entered, "moves": moves})
    user = current_user(request)
    moves = await enter_year(year, entered, user.username if user else "")
    gettext = gettext_for(request_language(request))
    message = gettext(SAVED)
    response = Redirect(f"/admin/calendar?year={year}", status_code=303)
    return set_flash(response, message % {"year": year, "count": len(moves)}, "ok")  # type: ignore[arg-type]


ROUTES = [calendar_page, calendar_submit]
