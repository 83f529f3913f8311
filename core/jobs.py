"""Running scheduled jobs: a lease row per job makes exactly one process run it at a time.

Every app process may run ``job_loop`` in the background (``MINZHENG_RUN_JOBS``); a deployment
over several hosts gives it to one ``minzheng jobs --loop`` service instead (deploy/), and the
CLI's ``minzheng jobs`` runs the due jobs once. A job is due when its lease expired; taking the
lease is one conditional UPDATE, so two processes racing for it cannot both win. On PostgreSQL
the lease is timed by the database server's clock, never by the hosts' own clocks, so hosts
whose clocks disagree still cannot both hold it. While the database is unavailable (down,
failing over) the loop logs one line per tick and carries on; a job that the outage interrupted
gives its lease back and runs again on the next tick after the database returns. On PostgreSQL a
running job also holds an advisory lock named after it, so a run that outlasts its lease never
overlaps another host's run of the same job.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from piccolo.engine.postgres import PostgresEngine

from core.clock import today
from core.contributions import ScheduledJob
from core.db import database_unavailable, engine, fetch, fetch_one, is_sqlite, offloaded
from core.logs import get_logger
from core.plugins import PluginHost

log = get_logger("minzheng.jobs")
TICK_SECONDS = float(os.environ.get("MINZHENG_JOB_TICK_SECONDS", "15"))


async def _take_lease(job: ScheduledJob, now: dt.datetime, force: bool) -> bool:
    await fetch(
        "INSERT INTO job_lease (name, locked_until, last_status) VALUES ({}, {}, '') "
        "ON CONFLICT (name) DO NOTHING",
        job.name,
        now - dt.timedelta(days=1),
    )
    if not is_sqlite():  # the database server's clock: one clock for every host
        row = await fetch_one(
            "UPDATE job_lease SET locked_until = clock_timestamp() + make_interval(secs => {}) "
            "WHERE name = {} AND ({} OR locked_until <= clock_timestamp()) RETURNING name",
            float(job.every_seconds),
            job.name,
            force,
        )
        return row is not None
    until = now + dt.timedelta(seconds=job.every_seconds)
    if force:
        row = await fetch_one(
            "UPDATE job_lease SET locked_until = {} WHERE name = {} RETURNING name", until, job.name
        )
    else:
        row = await fetch_one(
            "UPDATE job_lease SET locked_until = {} WHERE name = {} AND locked_until <= {} "
            "RETURNING name",
            until,
            job.name,
            now,
        )
    return row is not None


@asynccontextmanager
async def _running_alone(job: ScheduledJob) -> AsyncIterator[bool]:
    """On PostgreSQL, a session advisory lock named after the job, held on a connection of its
    own while the job runs: a run that outlasts its lease (a slow month, a stalled host) still
    cannot overlap the next host's run. The server drops the lock if that host dies."""
    db = engine()
    pool = getattr(db, "pool", None) if isinstance(db, PostgresEngine) else None
    if pool is None:
        yield True
        return
    async with pool.acquire() as connection:
        name = f"minzheng.job:{job.name}"
        got = await connection.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", name)
        try:
            yield bool(got)
        finally:
            if got:
                with contextlib.suppress(Exception):  # a dead connection released it already
                    await connection.execute("SELECT pg_advisory_unlock(hashtext($1))", name)


async def run_job(job: ScheduledJob, *, force: bool = False) -> str | None:
    """Run ``job`` if its lease is free (or ``force``) and no other process is still running it;
    returns its status line or None."""
    now = dt.datetime.now(dt.UTC)
    if not await _take_lease(job, now, force):
        return None
    async with _running_alone(job) as alone:
        if not alone:
            return None
        return await _run_leased(job)


async def _run_leased(job: ScheduledJob) -> str:
    try:
        status = await job.run(await today()) or "ok"
    except Exception as exc:
        if database_unavailable(exc):
            await _give_back_lease(job)
            raise
        log.exception("job %s failed", job.name)
        status = f"error: {type(exc).__name__}: {exc}"
    await fetch(
        "UPDATE job_lease SET last_run_at = {}, last_status = {} WHERE name = {}",
        dt.datetime.now(dt.UTC),
        status[:200],
        job.name,
    )
    return status


async def _give_back_lease(job: ScheduledJob) -> None:
    """The job was cut off by an outage: let the next tick after recovery run it again."""
    try:
        await fetch(
            "UPDATE job_lease SET locked_until = {}, last_status = {} WHERE name = {}",
            dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
            "interrupted: database unavailable",
            job.name,
        )
    except Exception as exc:
        if not database_unavailable(exc):
            raise


async def run_due_jobs(host: PluginHost, *, force: bool = False) -> dict[str, str]:
    results = {}
    for job in await host.enabled_jobs():
        status = await run_job(job, force=force)
        if status is not None:
            results[job.name] = status
    return results


async def job_loop(host: PluginHost, tick_seconds: float | None = None) -> None:
    while True:
        try:
            with offloaded():  # background work: leave the event loop to requests
                await run_due_jobs(host)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if database_unavailable(exc):
                log.warning("scheduled jobs wait for the database: %s", type(exc).__name__)
            else:
                log.exception("scheduled jobs tick failed")
        await asyncio.sleep(TICK_SECONDS if tick_seconds is None else tick_seconds)
