"""The test clock (API.md Configuration): mounted only when MINZHENG_ENV=test."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import delete, put

from core import audit
from core.clock import set_test_today, today
from core.db import write_transaction

TEST_ONLY = {"permission": "core.admin", "test_only": True}
"""``create_app`` mounts handlers marked ``test_only`` only when MINZHENG_ENV=test."""


class ClockBody(msgspec.Struct):
    today: dt.date


@put("/testing/clock", opt=TEST_ONLY, tags=["testing"])
async def set_clock(data: ClockBody) -> dict[str, dt.date]:
    async with write_transaction():
        await set_test_today(data.today)
        await audit.record("core.clock.set", entity="clock", summary=f"测试时钟设为 {data.today}")
    return {"today": await today()}


@delete("/testing/clock", opt=TEST_ONLY, status_code=200, tags=["testing"])
async def reset_clock() -> dict[str, dt.date]:
    async with write_transaction():
        await set_test_today(None)
        await audit.record("core.clock.reset", entity="clock", summary="测试时钟已重置")
    return {"today": await today()}


ROUTES = [set_clock, reset_clock]
