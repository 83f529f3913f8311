"""Indicators served from the day's cache with bounded staleness (``core.indicator_cache``,
issue 13 item 2): after a change the figures already counted today are shown at once while,
from a quarter of the bound on, ONE refresh counts them again in the background; a value older
than the bound (``MINZHENG_INDICATOR_STALENESS_SECONDS``) is counted before answering; a new
day always counts.
The suite runs with the bound at 0 (tests/conftest.py); these tests set the production 60 s."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from core.db import fetch
from core.indicator_cache import refreshes_done
from tests.core.test_dashboard_indicators import indicators, register_orgs

pytestmark = pytest.mark.db

DENSITY = "social_orgs.per_10k_residents"


@pytest.fixture
def counted(env_var, monkeypatch):
    """The production bound, and the social-organization counts recorded (one entry per
    computation) behind a gate a test may close to hold a computation mid-way."""
    from plugins.social_orgs.services import indicators as social

    env_var("MINZHENG_INDICATOR_STALENESS_SECONDS", "60")
    calls: list[int] = []
    gate = asyncio.Event()
    gate.set()
    counts = social._counts

    async def counting(*args, **kwargs):
        calls.append(1)
        await gate.wait()
        return await counts(*args, **kwargs)

    monkeypatch.setattr(social, "_counts", counting)
    return calls, gate


async def age_cache(seconds: float) -> None:
    """As if the stored figures had been counted ``seconds`` ago."""
    await fetch(
        "UPDATE indicator_cache SET computed_at = {}",
        dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds),
    )


async def test_a_stale_value_is_served_at_once_and_refreshed_after(
    client, staff, reviewer, counted
):
    calls, gate = counted
    first = await indicators(client, reviewer)
    assert len(calls) == 1 and first[DENSITY]["computed_at"]
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 1)
    seen = await indicators(client, reviewer)  # counted just now: served, not counted again
    await refreshes_done()
    assert len(calls) == 1 and seen[DENSITY]["value"] == first[DENSITY]["value"]
    await age_cache(20)  # more than a quarter of the bound: refreshed behind the view
    first = await indicators(client, reviewer)
    gate.clear()  # the refresh cannot finish: the view must not wait for it
    stale = await asyncio.wait_for(indicators(client, reviewer), timeout=10)
    assert stale[DENSITY]["value"] == first[DENSITY]["value"]
    assert stale[DENSITY]["computed_at"] == first[DENSITY]["computed_at"]
    gate.set()
    await refreshes_done()
    assert len(calls) == 2
    fresh = await indicators(client, reviewer)
    assert fresh[DENSITY]["value"] > first[DENSITY]["value"]
    assert fresh[DENSITY]["computed_at"] > first[DENSITY]["computed_at"]
    assert len(calls) == 2  # read from the refreshed cache


async def test_a_write_shows_in_the_first_view_after_the_bound(client, staff, reviewer, counted):
    calls, _gate = counted
    first = await indicators(client, reviewer)
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 1)
    await age_cache(61)
    after = await indicators(client, reviewer)  # counted before answering, no refresh needed
    assert after[DENSITY]["value"] > first[DENSITY]["value"]
    assert len(calls) == 2
    await refreshes_done()
    assert len(calls) == 2


async def test_concurrent_stale_views_refresh_once_and_other_processes_leases_hold(
    client, staff, reviewer, counted
):
    calls, gate = counted
    first = await indicators(client, reviewer)
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 1)
    await age_cache(20)
    gate.clear()
    views = await asyncio.gather(*(indicators(client, reviewer) for _ in range(3)))
    assert all(v[DENSITY]["value"] == first[DENSITY]["value"] for v in views)
    gate.set()
    await refreshes_done()
    assert len(calls) == 2  # one refresh for the three views
    # Another process holds the row's lease: this one serves the figures and does not count.
    await register_orgs(client, clerk, 1, start=2)
    await age_cache(20)
    await fetch(
        "UPDATE indicator_cache SET refresh_until = {}",
        dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
    )
    await indicators(client, reviewer)
    await refreshes_done()
    assert len(calls) == 2
    # Its lease expired (the process died): the next stale view refreshes.
    await fetch(
        "UPDATE indicator_cache SET refresh_until = {}",
        dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
    )
    await indicators(client, reviewer)
    await refreshes_done()
    assert len(calls) == 3
    latest = await indicators(client, reviewer)
    assert latest[DENSITY]["value"] > views[0][DENSITY]["value"]


async def test_the_first_view_of_a_new_day_never_shows_yesterdays_figures(
    client, staff, reviewer, counted, set_today
):
    calls, gate = counted
    await set_today(dt.date(2026, 6, 1))
    first = await indicators(client, reviewer)
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 1)
    await age_cache(20)
    gate.clear()
    stale = await indicators(client, reviewer)  # same day, within the bound: as counted
    assert stale[DENSITY]["value"] == first[DENSITY]["value"]
    gate.set()
    await refreshes_done()
    await register_orgs(client, clerk, 1, start=2)
    await set_today(dt.date(2026, 6, 2))
    before = len(calls)
    today = await indicators(client, reviewer)  # counted for the new day before answering
    assert len(calls) == before + 1
    assert today[DENSITY]["value"] > stale[DENSITY]["value"]
    counted_at = dt.datetime.fromisoformat(today[DENSITY]["computed_at"])
    assert dt.datetime.now(dt.UTC) - counted_at < dt.timedelta(seconds=30)


@pytest.mark.parametrize(("lang", "words"), [("zh", "数据统计于"), ("en", "Figures counted at")])
async def test_the_dashboard_says_when_the_figures_were_counted(client, reviewer, lang, words):
    rows = await indicators(client, reviewer)
    html = (await client.get(f"/admin/dashboard?year=2026&lang={lang}", headers=reviewer)).text
    moment = dt.datetime.fromisoformat(rows[DENSITY]["computed_at"])
    shown = moment.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")
    assert f"{words} {shown}" in html


async def test_the_warming_job_counts_a_new_day_and_a_busy_days_changes_before_any_view(
    client, staff, reviewer, counted, set_today
):
    from core.jobs import run_job
    from core.plugins import get_host

    calls, _gate = counted
    job = get_host().jobs["core.warm_indicators"]
    await set_today(dt.date(2026, 6, 1))
    first = await indicators(client, reviewer)
    assert await run_job(job, force=True) == "counted 2021, 2022, 2023, 2024, 2025"
    assert await run_job(job, force=True) == "counted none"  # all current
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 1)
    assert await run_job(job, force=True) == "counted none"  # changed just now: not yet
    await age_cache(20)
    assert "2026" in await run_job(job, force=True)
    before = len(calls)
    view = await indicators(client, reviewer)
    assert view[DENSITY]["value"] > first[DENSITY]["value"] and len(calls) == before
    await set_today(dt.date(2026, 6, 2))
    assert await run_job(job, force=True) == "counted 2021, 2022, 2023, 2024, 2025, 2026"
    await indicators(client, reviewer)  # the day's figures, already counted
    await refreshes_done()
    assert len(calls) == before + 6  # the job's six years, none by the view


async def test_shutting_down_lets_a_running_refresh_finish_and_give_its_lease_back(
    app, client, staff, reviewer, counted, monkeypatch
):
    """A process stopping while a refresh counts waits for it before closing the database:
    cut off, the refresh would keep its lease and no process would refresh the figures for
    the lease's five minutes."""
    from core import db

    calls, gate = counted
    first = await indicators(client, reviewer)
    clerk = await staff("clerk", office_code="JH01")
    await register_orgs(client, clerk, 1)
    await age_cache(20)
    gate.clear()
    await indicators(client, reviewer)  # a refresh starts, held mid-way
    leases_at_stop: list[object] = []

    async def stop() -> None:  # the test's own database stays open
        rows = await fetch("SELECT refresh_until FROM indicator_cache")
        leases_at_stop.extend(row["refresh_until"] for row in rows)

    async def start() -> None:
        pass

    monkeypatch.setattr(db, "start", start)
    monkeypatch.setattr(db, "stop", stop)
    monkeypatch.setattr(app.state, "run_jobs", False)
    monkeypatch.setattr("gc.freeze", lambda: None)
    events = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict:
        return next(events)

    async def send(message: dict) -> None:
        sent.append(message["type"])

    asyncio.get_running_loop().call_later(0.2, gate.set)
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert len(calls) == 2 and leases_at_stop == [None]
    counted_now = await indicators(client, reviewer)
    assert counted_now[DENSITY]["value"] > first[DENSITY]["value"] and len(calls) == 2


async def test_the_warming_job_leaves_a_year_whose_lease_another_process_holds(
    client, staff, reviewer, counted, set_today
):
    """The job and a view's refresh take the same lease: a year another process is counting
    is not counted twice, and once that lease expires the job counts it."""
    from core.jobs import run_job
    from core.plugins import get_host

    calls, _gate = counted
    job = get_host().jobs["core.warm_indicators"]
    await set_today(dt.date(2026, 6, 1))
    await indicators(client, reviewer)
    await run_job(job, force=True)
    await set_today(dt.date(2026, 6, 2))  # every year's figures are yesterday's now
    await fetch(
        "UPDATE indicator_cache SET refresh_until = {} WHERE year = 2026",
        dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
    )
    before = len(calls)
    assert await run_job(job, force=True) == "counted 2021, 2022, 2023, 2024, 2025"
    assert len(calls) == before + 5  # one count a year: not 2026's
    await fetch(
        "UPDATE indicator_cache SET refresh_until = {} WHERE year = 2026",
        dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
    )
    assert await run_job(job, force=True) == "counted 2026"
    assert len(calls) == before + 6
    held = await fetch("SELECT refresh_until FROM indicator_cache WHERE year = 2026")
    assert held[0]["refresh_until"] is None  # given back
