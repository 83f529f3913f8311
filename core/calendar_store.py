"""The working-day calendar as the application sees it: the admin's entered years from the
database (table ``calendar_year``) on top of the pure ``core.workdays`` calendar.

``load_calendar()`` reads the table on every call (a handful of rows), so a schedule entered in
one process counts in every process at once. ``enter_year`` stores the State Council's schedule
for a year and has every plugin recompute the dates it already told people (hook
``minzheng_calendar_changed``), in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from core import audit
from core.clock import today as clock_today
from core.contributions import CalendarMove
from core.db import write_transaction
from core.refusals import Refusal
from core.tables import CalendarYear
from core.workdays import (
    DAY_KINDS,
    CalendarDay,
    WorkCalendar,
    YearCalendar,
    entered_year,
    invalid_calendar,
)

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_DAYS = 120


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Refusal(
            "INVALID_YEAR",
            zh=f"年份须在 {MIN_YEAR} 至 {MAX_YEAR} 之间",
            en=f"year must be {MIN_YEAR}..{MAX_YEAR}",
            english_first=True,
        )
    return year


def _stored_days(text: str | list[Any]) -> tuple[CalendarDay, ...]:
    items = json.loads(text) if isinstance(text, str) else text
    return tuple(
        CalendarDay(dt.date.fromisoformat(i["date"]), i["kind"], i.get("name", "")) for i in items
    )


async def load_calendar() -> WorkCalendar:
    rows = await CalendarYear.select(CalendarYear.year, CalendarYear.days)
    return WorkCalendar(
        {r["year"]: YearCalendar(r["year"], "official", _stored_days(r["days"])) for r in rows}
    )


def year_body(calendar: YearCalendar) -> dict[str, Any]:
    return {
        "year": calendar.year,
        "source": calendar.source,
        "provisional": calendar.provisional,
        "days": [{"date": d.date, "kind": d.kind, "name": d.name} for d in calendar.days],
    }


def move_body(move: CalendarMove) -> dict[str, Any]:
    return {
        "plugin": move.plugin,
        "entity": move.entity,
        "entity_id": move.entity_id,
        "what": move.what,
        "told": move.told,
        "moved_to": move.moved_to,
        "cancelled": move.moved_to is None,
        "person": move.person,
    }


def parse_days(year: int, raw: object) -> YearCalendar:
    """The API body's ``days`` as an official year, or 422 ``INVALID_CALENDAR``."""
    if not isinstance(raw, list):
        raise invalid_calendar(
            zh="days 须为 {date, kind, name} 的列表", en="days must be a list of {date, kind, name}"
        )
    if len(raw) > MAX_DAYS:
        raise invalid_calendar(zh=f"最多 {MAX_DAYS} 天", en=f"at most {MAX_DAYS} days")
    days = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise invalid_calendar(
                zh=f"第 {index + 1} 项须为 {{date, kind, name}} 对象",
                en=f"item {index + 1} must be an object {{date, kind, name}}",
            )
        try:
            day = dt.date.fromisoformat(str(item.get("date")))
        except ValueError:
            raise invalid_calendar(
                zh=f"第 {index + 1} 项：日期格式须为 YYYY-MM-DD",
                en=f"item {index + 1}: date must be YYYY-MM-DD",
            ) from None
        kind = item.get("kind")
        name = item.get("name", "")
        if kind not in DAY_KINDS:
            raise invalid_calendar(
                zh=f"{day}：类别须为放假或上班", en=f"{day}: kind must be holiday or workday"
            )
        if not isinstance(name, str):
            raise invalid_calendar(zh=f"{day}：名称须为文字", en=f"{day}: name must be text")
        days.append(CalendarDay(day, kind, name.strip()))
    return entered_year(year, days)


KIND_WORDS = {
    "holiday": "holiday",
    "休": "holiday",
    "放假": "holiday",
    "假": "holiday",
    "workday": "workday",
    "班": "workday",
    "上班": "workday",
}
LINE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:至|~|to|–|—)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s+(\S+)\s*(.*)$"
)


def _date(text: str, line_no: int) -> dt.date:
    try:
        y, m, d = (int(part) for part in text.split("-"))
        return dt.date(y, m, d)
    except ValueError:
        raise invalid_calendar(
            zh=f"第 {line_no} 行：没有 {text} 这一天", en=f"line {line_no}: no such date {text}"
        ) from None


def parse_schedule_text(year: int, text: str) -> YearCalendar:
    """The admin page's text, one line per day or range (documented on the page):

    ``2027-01-01 holiday 元旦``, ``2027-02-05 至 2027-02-11 休 春节`` (a range),
    ``2027-02-14 班 春节``. Kinds: ``holiday``/``休``/``放假`` and ``workday``/``班``/``上班``.
    Blank lines and lines starting with ``#`` are ignored.
    """
    items: list[dict[str, Any]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise invalid_calendar(
                zh=f"第 {line_no} 行：请按“日期 类别 名称”填写，如 2027-01-01 休 元旦",
                en=f"line {line_no}: write date, kind, name, e.g. 2027-01-01 holiday New Year",
            )
        first = _date(match.group(1), line_no)
        last = _date(match.group(2), line_no) if match.group(2) else first
        kind = KIND_WORDS.get(match.group(3).lower())
        if kind is None:
            raise invalid_calendar(
                zh=f"第 {line_no} 行：类别须为“休”或“班”",
                en=f"line {line_no}: kind must be holiday or workday",
            )
        if last < first or (last - first).days > 31:
            raise invalid_calendar(
                zh=f"第 {line_no} 行：日期段须由前到后，最长一个月",
                en=f"line {line_no}: a range runs forward, at most a month",
            )
        day = first
        while day <= last:
            items.append({"date": day.isoformat(), "kind": kind, "name": match.group(4).strip()})
            day += dt.timedelta(days=1)
    return parse_days(year, items)


def schedule_text(days: Iterable[CalendarDay]) -> str:
    return "\n".join(f"{d.date} {d.kind} {d.name}".rstrip() for d in days)


async def preview_year(year: int, entered: YearCalendar) -> list[CalendarMove]:
    """What entering ``entered`` would move, changing nothing."""
    from core.plugins import get_host

    before = await load_calendar()
    return await get_host().calendar_changed(
        year=year,
        before=before,
        after=before.with_year(entered),
        today=await clock_today(),
        apply=False,
    )


async def keep_promises(today: dt.date) -> str:
    """Scheduled job: recompute every date already told against the calendar as it stands
    (this year and next), moving only later. Keeps the promise of dates computed before a year
    was known (an upgrade from the Monday–Friday fallback put cooling-off ends on 元旦 2027) and
    is a no-op when everything is consistent."""
    from core.plugins import get_host

    calendar = await load_calendar()
    moves: list[CalendarMove] = []
    async with write_transaction():
        for year in (today.year, today.year + 1):
            moves += await get_host().calendar_changed(
                year=year, before=calendar, after=calendar, today=today, apply=True
            )
    return f"{len(moves)} date(s) moved"


async def enter_year(year: int, entered: YearCalendar, actor: str) -> list[CalendarMove]:
    """Store ``entered`` as ``year``'s official schedule and keep every promise (see module)."""
    from core.plugins import get_host

    today = await clock_today()
    async with write_transaction():
        before = await load_calendar()
        after = before.with_year(entered)
        stored = json.dumps(
            [{"date": d.date.isoformat(), "kind": d.kind, "name": d.name} for d in entered.days],
            ensure_ascii=False,
        )
        values = {
            CalendarYear.days: stored,
            CalendarYear.entered_by: actor,
            CalendarYear.entered_at: dt.datetime.now(dt.UTC),
        }
        if await CalendarYear.exists().where(CalendarYear.year == year):
            await CalendarYear.update(values).where(CalendarYear.year == year)
        else:
            await CalendarYear.insert(CalendarYear(year=year, days=stored, entered_by=actor))
        moves = await get_host().calendar_changed(
            year=year, before=before, after=after, today=today, apply=True
        )
        holidays = sum(1 for d in entered.days if d.kind == "holiday")
        workdays = len(entered.days) - holidays
        await audit.record(
            "core.calendar.entered",
            entity="calendar_year",
            entity_id=year,
            summary=(
                f"录入{year}年放假安排：放假 {holidays} 天，调休上班 {workdays} 天；"
                f"已告知的日期变更 {len(moves)} 项"
            ),
            details={"days": json.loads(stored), "moves": len(moves)},
        )
    return moves
