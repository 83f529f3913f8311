"""Issue #3 "How it is checked": booking against a real ``minzheng serve --workers 2`` on each
engine. Two processes write the same slot, so on SQLite the processes wait for each other's
write lock (core/sqlite_engine.py), not only the tasks of one process."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import httpx
import pytest

from tests.plugins.marriage.support import (
    TODAY,
    book,
    couple,
    open_desk,
    put_schedule,
    quick_citizen,
    slots_on,
)

pytestmark = [pytest.mark.db, pytest.mark.slow]
ATTEMPTS = 200
CAPACITY = 10


async def test_two_workers_never_overbook_one_slot(db, live_server_factory):
    server = live_server_factory(workers=2, database_url=db)
    # A new connection per request, so the kernel spreads the requests over both workers.
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
        desk = await open_desk(http)
        await put_schedule(
            http, desk.admin, slots=[{"start": "09:00", "end": "10:00", "capacity": CAPACITY}]
        )
        slot = (await slots_on(http, TODAY + dt.timedelta(days=1)))[0]
        people = [couple(seq) for seq in range(ATTEMPTS)]
        bookers = [await quick_citizen(man) for man, _ in people]
        responses = await asyncio.gather(
            *(
                book(http, booker, slot["id"], woman)
                for booker, (_, woman) in zip(bookers, people, strict=True)
            )
        )
        outcomes = Counter(
            (r.status_code, r.json().get("code") if r.status_code != 201 else "booked")
            for r in responses
        )
        assert outcomes == {(201, "booked"): CAPACITY, (409, "SLOT_FULL"): ATTEMPTS - CAPACITY}
        assert (await slots_on(http, TODAY + dt.timedelta(days=1)))[0]["remaining"] == 0
        # a cancellation in one worker frees the place for a booking in the other
        winner = next(i for i, r in enumerate(responses) if r.status_code == 201)
        code = responses[winner].json()["code"]
        cancelled = await http.delete(
            f"/api/v1/marriage/appointments/{code}", headers=bookers[winner]
        )
        assert cancelled.status_code == 200
        late_man, late_woman = couple(ATTEMPTS)
        late = await book(http, await quick_citizen(late_man), slot["id"], late_woman)
        assert late.status_code == 201, late.text
