"""The outbox: every plugin writes messages here; a pluggable sender delivers them.

``enqueue`` writes inside the caller's transaction, so a message exists exactly when the change
it announces does. ``deliver_due`` hands each pending message to the first sender that accepts
it (hook ``minzheng_send_notification``); a failure is recorded and retried with back-off, and
after ``MAX_ATTEMPTS`` the message stays in the outbox as ``failed`` for an admin to retry.
Nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt

from core import audit
from core.contributions import OutgoingMessage
from core.db import defer, write_transaction
from core.tables import Notification

MAX_ATTEMPTS = 6
BATCH = 100


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failure, at most 4 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


async def enqueue(
    recipient: str, subject: str, body: str, *, channel: str = "sms", plugin: str = "core"
) -> None:
    """Put a message in the outbox, in the caller's transaction. Deferred (``core.db.defer``):
    on PostgreSQL it costs a booking no round trip of its own."""
    now = dt.datetime.now(dt.UTC)
    await defer(
        "INSERT INTO notification (recipient, channel, subject, body, plugin, status, attempts, "
        "next_attempt_at, last_error, created_at) "
        "VALUES ({}, {}, {}, {}, {}, 'pending', 0, {}, '', {})",
        recipient,
        channel,
        subject[:200],
        body,
        plugin,
        now,
        now,
    )


async def deliver_due(now: dt.datetime | None = None) -> tuple[int, int]:
    """Try every due message once; returns (sent, failed attempts)."""
    from core.plugins import get_host

    host = get_host()
    now = now or dt.datetime.now(dt.UTC)
    due = await (
        Notification.select()
        .where((Notification.status == "pending") & (Notification.next_attempt_at <= now))
        .order_by(Notification.id)
        .limit(BATCH)
    )
    sent = failed = 0
    for row in due:
        message = OutgoingMessage(
            row["id"], row["recipient"], row["channel"], row["subject"], row["body"]
        )
        attempts = row["attempts"] + 1
        try:
            ok = await host.send_notification(message)
            error = "" if ok else "no sender accepted the message"
        except Exception as exc:  # a sender's failure must never lose the message
            ok, error = False, f"{type(exc).__name__}: {exc}"[:500]
        if ok:
            sent += 1
            await Notification.update(
                {
                    Notification.status: "sent",
                    Notification.attempts: attempts,
                    Notification.sent_at: dt.datetime.now(dt.UTC),
                    Notification.last_error: "",
                }
            ).where(Notification.id == row["id"])
        else:
            failed += 1
            await Notification.update(
                {
                    Notification.status: "failed" if attempts >= MAX_ATTEMPTS else "pending",
                    Notification.attempts: attempts,
                    Notification.next_attempt_at: now + backoff(attempts),
                    Notification.last_error: error,
                }
            ).where(Notification.id == row["id"])
    return sent, failed


async def retry_failed(notification_id: int) -> bool:
    """Put a failed message back in the queue for one more attempt (audited); False when the
    message is not ``failed``."""
    async with write_transaction():
        rows = (
            await Notification.update(
                {
                    Notification.status: "pending",
                    Notification.next_attempt_at: dt.datetime.now(dt.UTC),
                }
            )
            .where((Notification.id == notification_id) & (Notification.status == "failed"))
            .returning(Notification.id)
        )
        if rows:
            await audit.record(
                "core.notification.retried",
                entity="notification",
                entity_id=notification_id,
                summary=f"重发通知 #{notification_id}",
            )
    return bool(rows)
