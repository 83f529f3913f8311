"""The plan's indicators of a year, computed once a day and again only after a change.

Computing them reads every organization, registration and payment of the year (set-based SQL,
hundreds of milliseconds at a province's size); the dashboard and ``GET /api/v1/stats/indicators``
ask for them on every view, the dashboard for each year of the plan. So the computed list is
kept in ``indicator_cache``, one row per year, stamped with what it was computed from:

- the day (``core.clock.today``: "this year" figures run to today, and rules change by date);
- the audit chain's head (``seq``, ``last_hash``): every change a clerk, a citizen, an
  organization or a job makes is audited in the transaction that makes it, and moves the head,
  so a change shows in the next view instead of the next day (never a stale figure after a
  write), while views between writes are one indexed read;
- the context: the enabled plugins and the settings the indicators read (the population).

A row whose stamp differs is recomputed and replaced. The table lives in the database, so every
worker and host shares it, a restored backup or a test's fresh database brings its own, and
``wipe_all_data`` empties it. Concurrent misses in one process compute once (a lock per year).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from core.clock import today
from core.contributions import Indicator
from core.db import fetch, fetch_one, offloaded

Compute = Callable[[], Awaitable[list[Indicator]]]

_locks: dict[tuple[int, int], asyncio.Lock] = {}  # per event loop and year


async def cached_indicators(year: int, context: str, compute: Compute) -> list[Indicator]:
    """The indicators of ``year`` as ``compute()`` gives them, from the cache while nothing
    they depend on has changed."""
    day = await today()
    found = await _read(year, day, context)
    if found is not None:
        return found
    lock = _locks.setdefault((id(asyncio.get_running_loop()), year), asyncio.Lock())
    async with lock:
        found = await _read(year, day, context)  # computed meanwhile by another request
        if found is not None:
            return found
        # The head is read before the figures: a write committed in between makes the stored
        # stamp older than the figures, so the next view recomputes (never the reverse).
        head = await fetch_one("SELECT seq, last_hash FROM audit_head WHERE id = 1")
        with offloaded():  # scans: keep SQLite's statements off the event loop's thread
            indicators = await compute()
        if head is not None:
            await _store(year, day, context, head, indicators)
        return indicators


async def _read(year: int, day: dt.date, context: str) -> list[Indicator] | None:
    row = await fetch_one(
        "SELECT c.payload FROM indicator_cache c JOIN audit_head h ON h.id = 1 "
        "WHERE c.year = {} AND c.day = {} AND c.context = {} "
        "AND c.seq = h.seq AND c.last_hash = h.last_hash",
        year,
        day,
        context,
    )
    if row is None:
        return None
    return [_indicator(item) for item in json.loads(row["payload"])]


async def _store(
    year: int, day: dt.date, context: str, head: dict[str, Any], indicators: list[Indicator]
) -> None:
    payload = json.dumps([asdict(i) for i in indicators], ensure_ascii=False)
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
        dt.datetime.now(dt.UTC),
    )


def _indicator(item: dict[str, Any]) -> Indicator:
    item["series"] = tuple(tuple(point) for point in item["series"])
    return Indicator(**item)
