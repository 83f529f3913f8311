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

from collections.abc import Callable
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
from core.i18n import gettext_for
from core.refusals import Refusal
from core.web.flash import set_flash
from core.web.forms import CONFIRM, N_, confirmed, read_form
from core.web.rendering import as_data, join_list, render_page, request_language
from core.workdays import MAKE_UP_SUFFIX, WORKDAY_SUFFIX, YearCalendar

ADMIN = {"permission": "core.admin"}
# The statutory holidays by the Chinese names the calendar stores; a name the admin entered
# that is none of them is shown as written.
HOLIDAY_NAMES = {
    "元旦": N_("New Year's Day"),
    "春节": N_("Spring Festival"),
    "清明节": N_("Qingming Festival"),
    "劳动节": N_("Labour Day"),
    "端午节": N_("Dragon Boat Festival"),
    "中秋节": N_("Mid-Autumn Festival"),
    "国庆节": N_("National Day"),
}
SUFFIXES = {
    MAKE_UP_SUFFIX: N_("%(name)s (day off in lieu)"),
    WORKDAY_SUFFIX: N_("%(name)s (adjusted working day)"),
}
SAVED = N_("The %(year)s schedule is saved; %(count)s date(s) given to people moved.")


def _year(value: object, default: int) -> int:
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


def holiday_namer(lang: str) -> Callable[[str], object]:
    """``春节（调休上班）`` as the page's language says it: "Spring Festival (adjusted working
    day)" on English pages; ``中秋节、国庆节`` (two holidays on one day) as a list."""
    say = gettext_for(lang)

    def one(name: str) -> object:
        for suffix, pattern in SUFFIXES.items():
            if name.endswith(suffix):
                base = name.removesuffix(suffix)
                return say(pattern) % {"name": say(HOLIDAY_NAMES.get(base, base))}
        return say(HOLIDAY_NAMES[name]) if name in HOLIDAY_NAMES else as_data(name)

    def name_of(names: str) -> object:
        if lang == "zh":
            return names
        return join_list(one(name) for name in names.split("、"))

    return name_of


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
            "holiday_name": holiday_namer(request_language(request)),
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


@post("/admin/calendar", opt={**ADMIN, CONFIRM: True}, include_in_schema=False)
async def calendar_submit(request: Request) -> Response:
    form = await read_form(request)
    today = await clock.today()
    year = _year(form.get("year"), today.year + 1)
    text = form.get("schedule") or ""
    try:
        entered = parse_schedule_text(year, text)
    except Refusal as exc:
        detail = exc.text_in(request_language(request))
        return await _page(request, year, text, error=detail, status_code=422)
    if not confirmed(form):  # the preview on the page is its confirmation step
        moves = await preview_year(year, entered)
        return await _page(request, year, text, preview={"entered": entered, "moves": moves})
    user = current_user(request)
    moves = await enter_year(year, entered, user.username if user else "")
    gettext = gettext_for(request_language(request))
    message = gettext(SAVED)
    response = Redirect(f"/admin/calendar?year={year}", status_code=303)
    return set_flash(response, message % {"year": year, "count": len(moves)}, "ok")  # type: ignore[arg-type]


ROUTES = [calendar_page, calendar_submit]
