"""Exactly one scheduler across hosts (deploy/): a job's lease is timed by the database, a run
holds an advisory lock on PostgreSQL so that a run outlasting its lease never overlaps another
host's, and a job cut off by an outage gives its lease back."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from core.contributions import ScheduledJob

pytestmark = pytest.mark.db


def _job(name: str, calls: list, *, every: int = 1) -> ScheduledJob:
    async def run(today: dt.date) -> str:
        calls.append(today)
        return "ok"

    return ScheduledJob(name, every, run)


async def test_a_run_still_going_on_another_host_is_not_overlapped(db, engine_name):
    from core.jobs import run_job

    calls: list = []
    job = _job("core.test_long_run", calls)
    if engine_name == "postgres":
        import asyncpg

        other_host = await asyncpg.connect(db)
        try:  # another host's run of the job, past its one-second lease
            await other_host.execute(
                "SELECT pg_advisory_lock(hashtext($1))", "minzheng.job:core.test_long_run"
            )
            assert await run_job(job, force=True) is None
            assert calls == []
        finally:
            await other_host.close()  # that host finished (or died): the lock is gone
    assert await run_job(job, force=True) == "ok"
    assert len(calls) == 1


async def test_a_job_cut_off_by_an_outage_runs_again_next_tick(db):
    from asyncpg.exceptions import ConnectionDoesNotExistError

    from core.jobs import run_job
    from core.tables import JobLease

    calls: list = []

    async def run(today: dt.date) -> str:
        calls.append(today)
        if len(calls) == 1:  # the primary went away in the middle of the job
            raise ConnectionDoesNotExistError("connection was closed in the middle of operation")
        return "ok"

    job = ScheduledJob("core.test_outage", 3600, run)
    with pytest.raises(ConnectionDoesNotExistError):
        await run_job(job)
    lease = await JobLease.select().where(JobLease.name == "core.test_outage").first()
    assert lease["last_status"] == "interrupted: database unavailable"
    assert await run_job(job) == "ok"  # not an hour later: the next tick
    assert await run_job(job) is None  # and then its lease holds again
    assert len(calls) == 2


async def test_two_schedulers_racing_run_a_due_job_once(db):
    from core.jobs import run_job

    calls: list = []
    job = _job("core.test_race", calls, every=3600)
    results = await asyncio.gather(*(run_job(job) for _ in range(6)))
    assert results.count("ok") == 1 and len(calls) == 1
