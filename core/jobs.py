"""Running scheduled jobs: a lease row per job makes exactly one process run it at a time.

Every app process runs ``job_loop`` in the background; the CLI runs ``run_due_jobs`` once.
A job is due when its lease expired; taking the lease is one conditional UPDATE, so two
processes racing for it cannot both win.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from core.clock import today
from core.contributions import ScheduledJob
from core.db import fetch, fetch_one, offloaded
from core.logs import get_logger
from core.plugins import PluginHost

log = get_logger("minzheng.jobs")
TICK_SECONDS = 15


async def _take_lease(job: ScheduledJob, now: dt.datetime, force: bool) -> bool:
    await fetch(
        "INSERT INTO job_lease (name, locked_until, last_status) VALUES ({}, {}, '') "
        "ON CONFLICT (name) DO NOTHING",
        job.name,
        now - dt.timedelta(seconds=1),
    )
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


async def run_job(job: ScheduledJob, *, force: bool = False) -> str | None:
    """Run ``job`` if its lease is free (or ``force``); returns its status line or None."""
    now = dt.datetime.now(dt.UTC)
    if not await _take_lease(job, now, force):
        return None
    try:
        status = await job.run(await today()) or "ok"
    except Exception as exc:
        log.exception("job %s failed", job.name)
        status = f"error: {type(exc).__name__}: {exc}"
    await fetch(
        "UPDATE job_lease SET last_run_at = {}, last_status = {} WHERE name = {}",
        dt.datetime.now(dt.UTC),
        status[:200],
        job.name,
    )
    return status


async def run_due_jobs(host: PluginHost, *, force: bool = False) -> dict[str, str]:
    results = {}
    for job in await host.enabled_jobs():
        status = await run_job(job, force=force)
        if status is not None:
            results[job.name] = status
    return results


async def job_loop(host: PluginHost) -> None:
    while True:
        try:
            with offloaded():  # background work: leave the event loop to requests
                await run_due_jobs(host)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scheduled jobs tick failed")
        await asyncio.sleep(TICK_SECONDS)
