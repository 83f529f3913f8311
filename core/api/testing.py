"""The test clock and outbox (API.md Configuration): mounted only when MINZHENG_ENV=test."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import delete, get, put

from core import audit
from core.clock import set_test_today, today
from core.db import write_transaction
from core.tables import Notification

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


class OutboxMessage(msgspec.Struct):
    channel: str
    recipient: str
    subject: str
    body: str
    queued_at: dt.datetime


@get("/testing/outbox", opt=TEST_ONLY, tags=["testing"])
async def outbox(recipient: str) -> list[OutboxMessage]:
    """The messages queued for ``recipient``, newest first (acceptance tests read codes here)."""
    rows = await (
        Notification.select(
            Notification.channel,
            Notification.recipient,
            Notification.subject,
            Notification.body,
            Notification.created_at,
        )
        .where(Notification.recipient == recipient)
        .order_by(Notification.id, ascending=False)
        .limit(100)
    )
    return [
        OutboxMessage(r["channel"], r["recipient"], r["subject"], r["body"], r["created_at"])
        for r in rows
    ]


ROUTES = [set_clock, reset_clock, outbox]
