"""The working-day calendar (工作日), DOMAIN.md "The working-day calendar".

One calendar for every rule that counts working days. A year is either

- **official**: the State Council's published schedule (放假安排, with adjusted working weekend
  days, 调休), entered by the admin (``PUT /api/v1/calendar/{year}``, passed in here as
  ``entered``) or, failing that, bundled in ``chinese-calendar`` (past years); or
- **provisional** (source ``statutory``): the statutory holidays of 《全国年节及纪念日放假办法》 (as
  amended, in force 2025-01-01) computed for that year, with a weekday make-up day (补假, 第六条)
  for each one that falls on a Saturday or Sunday. No 调休 is guessed.

Everything here is pure: the lunar and solar-term dates come from the ``holidays`` package (no
hand-written lunar arithmetic), the database lookup of entered years lives in
``core.calendar_store``. A rule that counts working days takes a ``Workdays`` (anything with
``is_working_day(day)``) as input.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

import chinese_calendar
import holidays as holidays_lib
from chinese_calendar import constants as chinese_calendar_tables

from core.refusals import Refusal

DayKind = Literal["holiday", "workday"]
Source = Literal["official", "statutory"]
DAY_KINDS: tuple[DayKind, ...] = ("holiday", "workday")
MAKE_UP_SUFFIX = "（补假）"
WORKDAY_SUFFIX = "（调休上班）"

# The statutory holidays (《全国年节及纪念日放假办法》 第二条, as amended in force 2025-01-01) under
# the English names the ``holidays`` package gives them. Everything else it lists (its own
# copy of past 调休 days off, "Day off (substituted …)") is not statute and is ignored.
STATUTORY_NAMES: Mapping[str, str] = {
    "New Year's Day": "元旦",
    "Chinese New Year's Eve": "春节",
    "Chinese New Year (Spring Festival)": "春节",
    "Tomb-Sweeping Day": "清明节",
    "Labor Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-Autumn Festival": "中秋节",
    "National Day": "国庆节",
}

# chinese-calendar's holiday names (its ``Holiday`` enum values) in Chinese.
PACKAGE_NAMES: Mapping[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def invalid_calendar(zh: str, en: str) -> Refusal:
    """422 ``INVALID_CALENDAR``: an entered schedule that cannot be a year's calendar."""
    return Refusal(
        "INVALID_CALENDAR",
        zh=f"节假日安排无效：{zh}",
        en=f"Invalid calendar: {en}",
        english_first=True,
    )


@dataclass(frozen=True, order=True)
class CalendarDay:
    """A day that differs from the Monday–Friday week: a holiday, or an adjusted working day."""

    date: dt.date
    kind: DayKind
    name: str


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: Source
    days: tuple[CalendarDay, ...]

    @property
    def provisional(self) -> bool:
        return self.source == "statutory"

    @functools.cached_property
    def by_date(self) -> Mapping[dt.date, CalendarDay]:
        return {day.date: day for day in self.days}

    def is_working_day(self, day: dt.date) -> bool:
        entry = self.by_date.get(day)
        if entry is not None:
            return entry.kind == "workday"
        return day.weekday() < 5


class Workdays(Protocol):
    """What a rule needs from a calendar."""

    def is_working_day(self, day: dt.date, /) -> bool: ...


# -------------------------------------------------------------------------------------------------
# Statutory (provisional) years
# -------------------------------------------------------------------------------------------------


def statutory_holidays(year: int) -> dict[dt.date, tuple[str, ...]]:
    """The statutory holidays of ``year`` (date → Chinese names), without make-up days.

    Two holidays can fall on one day (中秋 on 2 October 2039): both names are kept, and each
    is made up when that day is a weekend day.
    """
    table = holidays_lib.China(years=year, observed=False)
    found: dict[dt.date, tuple[str, ...]] = {}
    for day, names in table.items():
        for name in str(names).split("; "):
            chinese = STATUTORY_NAMES.get(name)
            if chinese is not None and chinese not in found.get(day, ()):
                found[day] = (*found.get(day, ()), chinese)
    return dict(sorted(found.items()))


def make_up_days(holidays: Mapping[dt.date, tuple[str, ...]]) -> dict[dt.date, str]:
    """第六条: each holiday on a Saturday or Sunday is made up on the next working day.

    Going through the weekend holidays in date order (two on one day: two make-up days), each
    gets the first Monday–Friday day after it that is neither a holiday nor already a make-up
    day (春节 2027: Sat 6 and Sun 7 Feb → Tue 9 and Wed 10 Feb, since Mon 8 Feb is 初三 itself).
    """
    made_up: dict[dt.date, str] = {}
    for day in sorted(holidays):
        if day.weekday() < 5:
            continue
        for name in holidays[day]:
            candidate = day + dt.timedelta(days=1)
            while candidate.weekday() >= 5 or candidate in holidays or candidate in made_up:
                candidate += dt.timedelta(days=1)
            made_up[candidate] = name + MAKE_UP_SUFFIX
    return made_up


@functools.lru_cache(maxsize=64)
def statutory_year(year: int) -> YearCalendar:
    """A provisional year: statutory holidays and their make-up days, no 调休."""
    statutory = statutory_holidays(year)
    days = [CalendarDay(day, "holiday", "、".join(names)) for day, names in statutory.items()]
    days += [CalendarDay(day, "holiday", name) for day, name in make_up_days(statutory).items()]
    return YearCalendar(year, "statutory", tuple(sorted(days)))


# -------------------------------------------------------------------------------------------------
# Official years bundled in chinese-calendar
# -------------------------------------------------------------------------------------------------


def calendar_covers(year: int) -> bool:
    """True when ``chinese-calendar`` bundles the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _package_name(holiday: object) -> str:
    english = getattr(holiday, "value", str(holiday))
    return PACKAGE_NAMES.get(english, english)


@functools.lru_cache(maxsize=64)
def package_year(year: int) -> YearCalendar | None:
    """The official year bundled in ``chinese-calendar``, or None when it does not cover it."""
    if not calendar_covers(year):
        return None
    days = [
        CalendarDay(day, "holiday", _package_name(name))
        for day, name in chinese_calendar_tables.holidays.items()
        if day.year == year
    ]
    days += [
        CalendarDay(day, "workday", _package_name(name) + WORKDAY_SUFFIX)
        for day, name in chinese_calendar_tables.workdays.items()
        if day.year == year
    ]
    return YearCalendar(year, "official", tuple(sorted(days)))


# -------------------------------------------------------------------------------------------------
# An entered schedule and the calendar of all years
# -------------------------------------------------------------------------------------------------


def entered_year(year: int, days: Iterable[CalendarDay]) -> YearCalendar:
    """An official year from the admin's list; raises ``invalid_calendar(...)`` with the reason.

    Every date must lie in ``year``, appear once, have a kind ``holiday`` or ``workday`` and a
    name of at most 40 characters; at least one holiday is required (an empty list is a
    mistake, not a year without holidays).
    """
    seen: dict[dt.date, CalendarDay] = {}
    for day in days:
        if day.date.year != year:
            raise invalid_calendar(
                zh=f"{day.date} 不在 {year} 年", en=f"{day.date} is not in {year}"
            )
        if day.kind not in DAY_KINDS:
            raise invalid_calendar(
                zh=f"{day.date}：类别须为放假或上班",
                en=f"{day.date}: kind must be holiday or workday, not {day.kind!r}",
            )
        if day.date in seen:
            raise invalid_calendar(zh=f"{day.date} 重复列出", en=f"{day.date} is listed twice")
        if len(day.name) > 40:
            raise invalid_calendar(
                zh=f"{day.date}：名称超过 40 个字", en=f"{day.date}: name longer than 40 characters"
            )
        seen[day.date] = day
    if not any(day.kind == "holiday" for day in seen.values()):
        raise invalid_calendar(zh=f"未列出 {year} 年的放假日", en=f"no holiday listed for {year}")
    return YearCalendar(year, "official", tuple(sorted(seen.values())))


class WorkCalendar:
    """Every year's calendar: ``entered`` official years first, then ``chinese-calendar``'s,
    then the statutory (provisional) computation."""

    def __init__(self, entered: Mapping[int, YearCalendar] | None = None) -> None:
        self.entered: dict[int, YearCalendar] = dict(entered or {})

    def year(self, year: int) -> YearCalendar:
        entered = self.entered.get(year)
        if entered is not None:
            return entered
        return package_year(year) or statutory_year(year)

    def with_year(self, calendar: YearCalendar) -> WorkCalendar:
        """A copy with ``calendar`` entered (the calendar an admin's schedule would make)."""
        return WorkCalendar({**self.entered, calendar.year: calendar})

    def is_provisional(self, year: int) -> bool:
        return self.year(year).provisional

    def is_working_day(self, day: dt.date) -> bool:
        return self.year(day.year).is_working_day(day)


# -------------------------------------------------------------------------------------------------
# Rules that count working days (pure: the calendar is an input)
# -------------------------------------------------------------------------------------------------


def is_open_day(
    calendar: Workdays,
    day: dt.date,
    *,
    open_dates: Iterable[dt.date] = (),
    closed_dates: Iterable[dt.date] = (),
) -> bool:
    """Whether an office is open on ``day``: explicit closed dates win over open dates, which
    win over the calendar."""
    if day in set(closed_dates):
        return False
    if day in set(open_dates):
        return True
    return calendar.is_working_day(day)


def next_working_day_on_or_after(calendar: Workdays, day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def period_end(calendar: Workdays, start_day: dt.date, days: int) -> dt.date:
    """Last day of a period of ``days`` days counted from ``start_day`` (民法典 第201, 203条).

    The period starts on the day after ``start_day``; when its last day is not a working day,
    the period ends on the next working day.
    """
    return next_working_day_on_or_after(calendar, start_day + dt.timedelta(days=days))


def add_working_days(calendar: Workdays, start_day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start_day`` (``start_day`` itself not counted)."""
    day = start_day
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def kept_promise(told: dt.date, recomputed: dt.date) -> dt.date:
    """A date already told to a person moves later, never earlier than told (DOMAIN.md)."""
    return max(told, recomputed)
