"""Sliding-window rate limits shared by every app process.

The state lives in the database (table ``rate_event``) or, when ``MINZHENG_REDIS_URL`` is set,
in Redis sorted sets; never only in one process's memory.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from typing import Protocol

from core.db import fetch_one
from core.refusals import Refusal
from core.settings import get_settings
from core.tables import RateEvent


class RateStore(Protocol):
    async def retry_after(self, key: str, limit: int, window: int) -> int | None:
        """Seconds until one more event is allowed, or None when under ``limit``."""

    async def add(self, key: str) -> None: ...

    async def clear(self, key: str) -> None: ...


class DatabaseRateStore:
    async def retry_after(self, key: str, limit: int, window: int) -> int | None:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=window)
        row = await fetch_one(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM rate_event WHERE key = {} AND at > {}",
            key,
            since,
        )
        if row is None or int(row["n"]) < limit:
            return None
        oldest = row["oldest"]
        if isinstance(oldest, str):
            oldest = dt.datetime.fromisoformat(oldest)
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
        remaining = (oldest - since).total_seconds()
        return max(1, math.ceil(remaining))

    async def add(self, key: str) -> None:
        await RateEvent.insert(RateEvent(key=key, at=dt.datetime.now(dt.UTC)))

    async def clear(self, key: str) -> None:
        await RateEvent.delete().where(RateEvent.key == key)


class RedisRateStore:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url)

    async def retry_after(self, key: str, limit: int, window: int) -> int | None:
        now = time.time()
        name = f"minzheng:rate:{key}"
        await self._redis.zremrangebyscore(name, 0, now - window)
        if await self._redis.zcard(name) < limit:
            return None
        oldest = await self._redis.zrange(name, 0, 0, withscores=True)
        return max(1, math.ceil(oldest[0][1] + window - now)) if oldest else 1

    async def add(self, key: str) -> None:
        name = f"minzheng:rate:{key}"
        await self._redis.zadd(name, {uuid.uuid4().hex: time.time()})
        await self._redis.expire(name, 24 * 3600)

    async def clear(self, key: str) -> None:
        await self._redis.delete(f"minzheng:rate:{key}")


_store: RateStore | None = None


def rate_store() -> RateStore:
    global _store
    if _store is None:
        url = get_settings().redis_url
        _store = RedisRateStore(url) if url else DatabaseRateStore()
    return _store


def reset_rate_store() -> None:
    global _store
    _store = None


async def enforce(key: str, limit: int, window: int) -> None:
    """Count one request against ``key``; raise 429 ``RATE_LIMITED`` once over ``limit``."""
    if limit <= 0:
        return
    store = rate_store()
    wait = await store.retry_after(key, limit, window)
    if wait is not None:
        raise Refusal.rate_limited(wait)
    await store.add(key)


async def enforce_address(ip: str, scope: str) -> None:
    """The per-address limit of MINZHENG_ADDRESS_RATE_LIMIT requests a minute (0 = off)."""
    await enforce(f"addr:{scope}:{ip}", get_settings().address_rate_limit, 60)


async def purge_old_events(older_than_hours: int = 24) -> int:
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(hours=older_than_hours)
    rows = await RateEvent.delete().where(RateEvent.at < cutoff).returning(RateEvent.id)
    return len(rows)
