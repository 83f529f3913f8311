"""The test clock and outbox (API.md Configuration): mounted only when MINZHENG_ENV=test."""

from __future__ import annotations

from litestar import delete, get, put

from core import audit
from core.api.schemas import ClockIn, ClockOut, OutboxMessageOut
from core.clock import set_test_today, today
from core.db import write_transaction
from core.tables import Notification

TEST_ONLY = {"permission": "core.admin", "test_only": True}
"""``create_app`` mounts handlers marked ``test_only`` only when MINZHENG_ENV=test."""


@put("/testing/clock", opt=TEST_ONLY, tags=["testing"])
async def set_clock(data: ClockIn) -> ClockOut:
    async with write_transaction():
        await set_test_today(data.today)
        await audit.record("core.clock.set", entity="clock", summary=f"测试时钟设为 {data.today}")
    return ClockOut(today=await today())


@delete("/testing/clock", opt=TEST_ONLY, status_code=200, tags=["testing"])
async def reset_clock() -> ClockOut:
    async with write_transaction():
        await set_test_today(None)
        await audit.record("core.clock.reset", entity="clock", summary="测试时钟已重置")
    return ClockOut(today=await today())


@get("/testing/outbox", opt=TEST_ONLY, tags=["testing"])
async def outbox(recipient: str) -> list[OutboxMessageOut]:
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
        OutboxMessageOut(
            channel=r["channel"],
            recipient=r["recipient"],
            subject=r["subject"],
            body=r["body"],
            queued_at=r["created_at"],
        )
        for r in rows
    ]


ROUTES = [set_clock, reset_clock, outbox]
