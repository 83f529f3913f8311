"""The one place the application's date comes from.

In production and development it is today's date in China (Asia/Shanghai). Only when
``MINZHENG_ENV=test`` may an admin set it (``PUT /api/v1/testing/clock``); it is stored in the
database so that every process sharing it agrees.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.settings import get_settings

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return dt.datetime.now(CHINA)


async def today() -> dt.date:
    if get_settings().is_test:
        from core.tables import ClockOverride

        row = await ClockOverride.select(ClockOverride.today).first()
        if row is not None:
            return row["today"]
    return now().date()


async def now_local() -> dt.datetime:
    """Now in China, on the (possibly overridden) test date with the real time of day."""
    real = now()
    day = await today()
    return real.replace(year=day.year, month=day.month, day=day.day)


async def set_test_today(day: dt.date | None) -> None:
    from core.tables import ClockOverride

    await ClockOverride.delete(force=True)
    if day is not None:
        await ClockOverride.insert(ClockOverride(today=day))
