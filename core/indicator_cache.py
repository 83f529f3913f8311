"""The plan's indicators of a year, computed once a day and refreshed behind the views.

Computing them reads every organization, registration and payment of the year (set-based SQL,
0.4–1.6 s at a province's size); the dashboard and ``GET /api/v1/stats/indicators`` ask for them
on every view, the dashboard for each year of the plan. So the computed list is kept in
``indicator_cache``, one row per year, stamped with what it was computed from:

- the day (``core.clock.today``: "this year" figures run to today, and rules change by date):
  the first view of a day computes (never yesterday's figures);
- the context: the enabled plugins and the settings the indicators read (the population);
- the audit chain's head (``seq``, ``last_hash``): every change a clerk, a citizen, an
  organization or a job makes is audited in its transaction and moves the head.

On a busy day nearly every view follows a write, so a view never waits for the head: a value of
today and this context whose head is behind is served as it is while it is younger than
``Settings.indicator_staleness_seconds`` (``computed_at`` tells the reader how old); from a
quarter of that age on, ONE refresh runs in the background — once per process (a task per
year) and once across processes and hosts (a lease on the row, ``refresh_until``, taken by one
conditional UPDATE as job leases are). An older one is recomputed before answering, so a
change shows within the bound. Views between changes are one indexed read. The table lives in
the database, so every worker and host shares it, a restored backup or a test's fresh database
brings its own, and ``wipe_all_data`` empties it.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from typing import Any

from core.clock import today
from core.contributions import Indicator
from core.db import fetch, fetch_one, is_sqlite, offloaded
from core.logs import get_logger
from core.settings import get_settings

log = get_logger("minzheng.indicators")
Compute = Callable[[], Awaitable[list[Indicator]]]
LEASE_SECONDS = 300.0
"""How long a refresh may take before another process may start one (a crashed host's lease
expires)."""

REFRESH_AFTER = 0.25
"""A stale value is refreshed once it is this part of the bound old (15 s of 60): on a busy day
every view follows a write, and counting again after each would keep a core busy for every year
the dashboard shows; a change still shows within the bound, and no view waits while views come
at least that often."""

_locks: dict[tuple[int, int], asyncio.Lock] = {}  # per event loop and year
_refreshes: dict[tuple[int, int], asyncio.Task[None]] = {}  # in flight, per event loop and year


async def cached_indicators(year: int, context: str, compute: Compute) -> list[Indicator]:
    """The indicators of ``year`` as ``compute()`` gives them, each stamped ``computed_at``:
    from the cache while nothing they depend on changed, or while a change is younger than the
    staleness bound (then refreshed in the background)."""
    day = await today()
    row = await _read(year)
    if row is not None and _same(row, day, context):
        if row["current"]:
            return _indicators(row)
        age = (dt.datetime.now(dt.UTC) - _moment(row["computed_at"])).total_seconds()
        bound = get_settings().indicator_staleness_seconds
        if age < bound:
            if age >= bound * REFRESH_AFTER:
                _schedule(year, day, context, compute)
            return _indicators(row)
    return await _recompute(year, day, context, compute)


async def warm(year: int, context: str, compute: Compute) -> bool:
    """Count the figures of ``year`` now unless today's are current or were counted recently
    (the ``core.warm_indicators`` job: after midnight and after the jobs that change them, the
    first view need not count); True when it counted, False also when another process holds
    the row's lease (it is counting them)."""
    day = await today()
    row = await _read(year)
    if row is not None and _same(row, day, context):
        age = (dt.datetime.now(dt.UTC) - _moment(row["computed_at"])).total_seconds()
        if row["current"] or age < get_settings().indicator_staleness_seconds * REFRESH_AFTER:
            return False
    if row is None:  # the year's first count: there is no row to lease yet
        await _recompute(year, day, context, compute)
        return True
    return await _leased(year, lambda: _recompute(year, day, context, compute), behind_only=False)


async def refreshes_done() -> None:
    """Wait for this loop's background refreshes (tests, and a clean shutdown)."""
    loop = id(asyncio.get_running_loop())
    pending = [task for (owner, _), task in _refreshes.items() if owner == loop]
    await asyncio.gather(*pending, return_exceptions=True)


def _schedule(year: int, day: dt.date, context: str, compute: Compute) -> None:
    key = (id(asyncio.get_running_loop()), year)
    running = _refreshes.get(key)
    if running is not None and not running.done():
        return
    # A context of its own: the view's transaction or write scope (if any) is not the refresh's.
    task = asyncio.create_task(_refresh(year, day, context, compute), context=contextvars.Context())
    _refreshes[key] = task
    task.add_done_callback(lambda _: _refreshes.pop(key, None))


async def _refresh(year: int, day: dt.date, context: str, compute: Compute) -> None:
    try:
        await _leased(year, lambda: _recompute(year, day, context, compute), behind_only=True)
    except Exception:  # the next stale view tries again; the view itself was answered
        log.exception("refreshing the %s indicators failed", year)


async def _leased(year: int, count: Callable[[], Awaitable[Any]], *, behind_only: bool) -> bool:
    """Run ``count`` under the row's lease, whoever asks (a view's refresh, the warming job):
    False when another process holds it, which is counting the same figures."""
    if not await _take_lease(year, behind_only=behind_only):
        return False
    try:
        await count()
    finally:
        await fetch("UPDATE indicator_cache SET refresh_until = NULL WHERE year = {}", year)
    return True


async def _take_lease(year: int, *, behind_only: bool) -> bool:
    """One conditional UPDATE: of processes racing for a stale row, one wins. ``behind_only``:
    only while the row is behind the audit head (a view's refresh; the warming job also counts
    a new day's figures, whose head may not have moved)."""
    behind = "AND seq <> (SELECT seq FROM audit_head WHERE id = 1) " if behind_only else ""
    if not is_sqlite():  # the database server's clock: one clock for every host
        row = await fetch_one(
            "UPDATE indicator_cache SET refresh_until = clock_timestamp() + "  # noqa: S608
            f"make_interval(secs => {{}}) WHERE year = {{}} {behind}"
            "AND (refresh_until IS NULL OR refresh_until <= clock_timestamp()) RETURNING year",
            LEASE_SECONDS,
            year,
        )
        return row is not None
    now = dt.datetime.now(dt.UTC)
    row = await fetch_one(
        f"UPDATE indicator_cache SET refresh_until = {{}} WHERE year = {{}} {behind}"  # noqa: S608
        "AND (refresh_until IS NULL OR refresh_until <= {}) RETURNING year",
        now + dt.timedelta(seconds=LEASE_SECONDS),
        year,
        now,
    )
    return row is not None


async def _recompute(year: int, day: dt.date, context: str, compute: Compute) -> list[Indicator]:
    lock = _locks.setdefault((id(asyncio.get_running_loop()), year), asyncio.Lock())
    async with lock:
        row = await _read(year)  # computed meanwhile by another request or the refresh
        if row is not None and row["current"] and _same(row, day, context):
            return _indicators(row)
        # The head is read before the figures: a write committed in between makes the stored
        # stamp older than the figures, so it is refreshed again (never the reverse).
        head = await fetch_one("SELECT seq, last_hash FROM audit_head WHERE id = 1")
        with offloaded():  # scans: keep SQLite's statements off the event loop's thread
            indicators = await compute()
        computed_at = dt.datetime.now(dt.UTC)
        if head is not None:
            await _store(year, day, context, head, indicators, computed_at)
        return [replace(i, computed_at=computed_at) for i in indicators]


async def _read(year: int) -> dict[str, Any] | None:
    return await fetch_one(
        "SELECT c.payload, c.day, c.context, c.computed_at, "
        "CASE WHEN c.seq = h.seq AND c.last_hash = h.last_hash THEN 1 ELSE 0 END AS current "
        "FROM indicator_cache c LEFT JOIN audit_head h ON h.id = 1 WHERE c.year = {}",
        year,
    )


async def _store(
    year: int,
    day: dt.date,
    context: str,
    head: dict[str, Any],
    indicators: list[Indicator],
    computed_at: dt.datetime,
) -> None:
    payload = json.dumps([_stored(i) for i in indicators], ensure_ascii=False)
    await fetch(
        "INSERT INTO indicator_cache (year, day, context, seq, last_hash, payload, computed_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (year) DO UPDATE SET "
        "day = excluded.day, context = excluded.context, seq = excluded.seq, "
        "last_hash = excluded.last_hash, payload = excluded.payload, "
        "computed_at = excluded.computed_at",
        year,
        day,
        context,
        head["seq"],
        head["last_hash"],
        payload,
        computed_at,
    )


def _stored(indicator: Indicator) -> dict[str, Any]:
    item = asdict(indicator)
    del item["computed_at"]  # the row's own column
    return item


def _indicators(row: dict[str, Any]) -> list[Indicator]:
    computed_at = _moment(row["computed_at"])
    out = []
    for item in json.loads(row["payload"]):
        item["series"] = tuple(tuple(point) for point in item["series"])
        out.append(Indicator(**item, computed_at=computed_at))
    return out


def _same(row: dict[str, Any], day: dt.date, context: str) -> bool:
    stored = row["day"]
    stored = dt.date.fromisoformat(stored) if isinstance(stored, str) else stored
    return stored == day and row["context"] == context


def _moment(value: dt.datetime | str) -> dt.datetime:
    """A stored timestamp (SQLite may hand back its text) as an aware UTC moment."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
