"""Working days on the mainland Chinese calendar (工作日).

Public holidays are closed and adjusted working days (调休) are open, as published by the State
Council and packaged in ``chinese-calendar``. For a year the package does not cover yet, the
calendar falls back to Monday–Friday; ``calendar_covers(year)`` lets pages warn an admin about it.
Pure functions: no I/O beyond the packaged table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import chinese_calendar


def calendar_covers(year: int) -> bool:
    """True when the official holiday table for ``year`` is known to ``chinese-calendar``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(
    day: dt.date,
    *,
    open_dates: Iterable[dt.date] = (),
    closed_dates: Iterable[dt.date] = (),
) -> bool:
    """Whether ``day`` is a working day; explicit closed dates win over open dates."""
    if day in set(closed_dates):
        return False
    if day in set(open_dates):
        return True
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def period_end(start_day: dt.date, days: int) -> dt.date:
    """Last day of a period of ``days`` days counted from ``start_day`` (Civil Code 第201, 203条).

    The period starts on the day after ``start_day``; when its last day is not a working day,
    the period ends on the next working day.
    """
    return next_working_day_on_or_after(start_day + dt.timedelta(days=days))


def add_working_days(start_day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start_day`` (``start_day`` itself not counted)."""
    day = start_day
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
