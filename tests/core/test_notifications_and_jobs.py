"""Issue #2 item 12 (the outbox and its pluggable sender) and the scheduled jobs' lease."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from core.contributions import ScheduledJob
from core.notifications import MAX_ATTEMPTS, backoff
from tests import factories
from tests.core import probe_plugin
from tests.core.support import assert_error


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (9, 240), (30, 240)]
)
def test_backoff_doubles_up_to_four_hours(attempts, minutes):
    assert backoff(attempts) == dt.timedelta(minutes=minutes)


async def _enqueue(recipient: str = "13800000000") -> int:
    """A message in the outbox; its id (the newest)."""
    from core.db import write_transaction
    from core.notifications import enqueue
    from core.tables import Notification

    async with write_transaction():
        await enqueue(recipient, "预约成功", "您已预约 2026-06-01 上午。", plugin="probe")
    newest = Notification.select(Notification.id).order_by(Notification.id, ascending=False)
    return (await newest.first())["id"]


async def _row(notification_id: int) -> dict:
    from core.tables import Notification

    return await Notification.select().where(Notification.id == notification_id).first()


@pytest.mark.db
async def test_enqueue_belongs_to_the_callers_transaction(db):
    from core.db import write_transaction
    from core.notifications import enqueue
    from core.tables import Notification

    with pytest.raises(RuntimeError):
        async with write_transaction():
            await enqueue("13800000000", "x", "y")
            raise RuntimeError("the booking failed")
    assert await Notification.count() == 0
    row = await _row(await _enqueue())
    assert (row["status"], row["attempts"], row["channel"], row["plugin"]) == (
        "pending",
        0,
        "sms",
        "probe",
    )


@pytest.mark.db
async def test_the_default_sender_keeps_the_message_and_reports_it_sent(db):
    from core.notifications import deliver_due

    message = await _enqueue()
    assert await deliver_due() == (1, 0)
    row = await _row(message)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 1, "")
    assert row["sent_at"] is not None
    assert await deliver_due() == (0, 0)


@pytest.mark.db
async def test_hook_send_notification_first_sender_wins(probe_client):
    from core.notifications import deliver_due

    probe_plugin.SENDER["mode"] = "accept"
    message = await _enqueue("13900000000")
    assert await deliver_due() == (1, 0)
    [sent] = probe_plugin.SENDER["sent"]
    assert (sent.id, sent.recipient, sent.subject) == (message, "13900000000", "预约成功")


@pytest.mark.db
async def test_hook_send_notification_failure_is_retried_never_lost(probe_client, admin, staff):
    from core.notifications import deliver_due
    from core.tables import AuditEvent

    probe_plugin.SENDER["mode"] = "fail"
    message = await _enqueue()
    now = dt.datetime.now(dt.UTC)
    assert await deliver_due(now) == (0, 1)
    row = await _row(message)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "ConnectionError: SMS gateway unreachable" in row["last_error"]
    assert row["next_attempt_at"] >= now + dt.timedelta(seconds=59)
    assert await deliver_due(now + dt.timedelta(seconds=30)) == (0, 0)  # not due yet

    for _ in range(2, MAX_ATTEMPTS + 1):
        now = (await _row(message))["next_attempt_at"] + dt.timedelta(seconds=1)
        assert await deliver_due(now) == (0, 1)
    row = await _row(message)
    assert (row["status"], row["attempts"]) == ("failed", MAX_ATTEMPTS)
    assert await deliver_due(now + dt.timedelta(days=1)) == (0, 0)  # failed waits for an admin

    listed = await probe_client.get("/api/v1/admin/notifications?status=failed", headers=admin)
    assert [n["id"] for n in listed.json()["items"]] == [message]
    r = await probe_client.post(f"/api/v1/admin/notifications/{message}/retry", headers=admin)
    assert r.status_code in (200, 201)
    assert r.json()["status"] == "pending"
    assert await AuditEvent.count().where(AuditEvent.action == "core.notification.retried") == 1

    probe_plugin.SENDER["mode"] = "pass"  # the gateway is back: the default sender delivers
    result = await deliver_due()
    assert result == (1, 0), (await _row(message))["last_error"]
    assert (await _row(message))["status"] == "sent"
    r = await probe_client.post("/api/v1/admin/notifications/999999/retry", headers=admin)
    assert_error(r, 404, "NOT_FOUND")
    reviewer = await staff("reviewer")
    r = await probe_client.post(f"/api/v1/admin/notifications/{message}/retry", headers=reviewer)
    assert_error(r, 403, "FORBIDDEN")


def _job(name: str, calls: list, *, fail: bool = False, delay: float = 0.05) -> ScheduledJob:
    async def run(today: dt.date) -> str:
        calls.append(today)
        await asyncio.sleep(delay)
        if fail:
            raise ValueError("the sweep broke")
        return f"swept {today.isoformat()}"

    return ScheduledJob(name, 3600, run)


@pytest.mark.db
async def test_lease_prevents_double_runs(client, admin):
    from core.jobs import run_job
    from core.tables import JobLease

    await factories.set_today(client, admin, dt.date(2026, 7, 1))
    calls: list = []
    job = _job("core.test_sweep", calls)
    results = await asyncio.gather(*(run_job(job) for _ in range(8)))
    assert [r for r in results if r is not None] == ["swept 2026-07-01"]
    assert calls == [dt.date(2026, 7, 1)]
    lease = await JobLease.select().where(JobLease.name == "core.test_sweep").first()
    assert lease["last_status"] == "swept 2026-07-01" and lease["last_run_at"] is not None
    assert await run_job(job) is None  # the lease runs for every_seconds
    assert await run_job(job, force=True) == "swept 2026-07-01"
    assert len(calls) == 2


@pytest.mark.db
async def test_a_failing_job_records_its_error(db):
    from core.jobs import run_job
    from core.tables import JobLease

    status = await run_job(_job("core.test_broken", [], fail=True))
    assert status == "error: ValueError: the sweep broke"
    lease = await JobLease.select().where(JobLease.name == "core.test_broken").first()
    assert lease["last_status"] == status


@pytest.mark.db
async def test_hook_scheduled_jobs_run_when_due_for_enabled_plugins(
    probe_client, probe_host, admin
):
    from core.jobs import run_due_jobs

    results = await run_due_jobs(probe_host)
    assert results["probe.tick"].startswith("probe tick ")
    assert results["core.deliver_notifications"] == "sent 0, failed 0"
    assert await run_due_jobs(probe_host) == {}  # every lease still held
    await probe_client.patch("/api/v1/admin/plugins/probe", json={"enabled": False}, headers=admin)
    forced = await run_due_jobs(probe_host, force=True)
    assert "probe.tick" not in forced and "core.deliver_notifications" in forced
