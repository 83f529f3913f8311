"""Months as ``"YYYY-MM"`` text: the API's format, and it sorts correctly as text and in SQL."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from core.refusals import Refusal

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def parse_month(text: str) -> dt.date:
    """The first day of the month ``text``; ``INVALID_MONTH`` unless it is exactly ``YYYY-MM``."""
    match = _MONTH.fullmatch(text)
    if match is None or match.group(1) == "0000":
        raise Refusal("INVALID_MONTH", "月份格式应为YYYY-MM", f"not a month: {text!r}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """The first and the last day of ``month``."""
    first = parse_month(month)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def next_month(month: str) -> str:
    first = parse_month(month)
    if (first.year, first.month) == (dt.MAXYEAR, 12):
        raise Refusal("INVALID_MONTH", "", f"no month after {month}")
    return month_of(first + dt.timedelta(days=31))


def previous_month(month: str) -> str:
    first = parse_month(month)
    if first.year == 1 and first.month == 1:
        raise Refusal("INVALID_MONTH", "", f"no month before {month}")
    return month_of(first - dt.timedelta(days=1))


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive; empty when ``first`` is later."""
    parse_month(first)
    parse_month(last)
    months: list[str] = []
    month = first
    while month <= last:
        months.append(month)
        if month == last:
            break
        month = next_month(month)
    return months
