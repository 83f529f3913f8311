"""Issue #2 item 3 and API.md ``PATCH /admin/plugins/{name}``: a switch is seen by every app
process within one second. A real ``minzheng serve --workers 2``; the probe plugin's ``/ping``
answers with the worker's pid, so the test knows both processes were asked."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

pytestmark = pytest.mark.slow

ROUNDS = 40


def _fresh_connections(base: str) -> httpx.AsyncClient:
    """A client opening a new connection per request, so the kernel spreads them over workers."""
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.AsyncClient(base_url=base, timeout=10, limits=limits)


async def _ping_all(base: str) -> list[tuple[int, int | None]]:
    async with _fresh_connections(base) as http:

        async def one() -> tuple[int, int | None]:
            r = await http.get("/api/v1/probe/ping")
            return r.status_code, (r.json().get("pid") if r.status_code == 200 else None)

        return await asyncio.gather(*(one() for _ in range(ROUNDS)))


async def _switch(server, enabled: bool) -> float:
    admin = await server.admin_headers()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        r = await http.patch(
            "/api/v1/admin/plugins/probe",
            json={"enabled": enabled},
            headers=admin,
        )
        assert r.status_code == 200, r.text
    return time.monotonic()


async def test_switching_reaches_every_worker_within_one_second(two_worker_server):
    server = two_worker_server
    pids: set[int | None] = set()
    deadline = time.monotonic() + 30  # the second worker may still be starting
    while len(pids) < 2 and time.monotonic() < deadline:
        answers = await _ping_all(server.url)
        assert {status for status, _ in answers} == {200}
        pids |= {pid for _, pid in answers}
    assert len(pids) == 2, f"requests did not reach two workers: {pids}"

    switched_at = await _switch(server, False)
    await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - switched_at)))
    statuses = [status for status, _ in await _ping_all(server.url)]
    assert statuses == [404] * ROUNDS

    switched_at = await _switch(server, True)
    await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - switched_at)))
    answers = await _ping_all(server.url)
    assert [status for status, _ in answers] == [200] * ROUNDS
    assert {pid for _, pid in answers} <= pids
