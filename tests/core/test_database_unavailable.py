"""API.md: while the database is unreachable or failing over every request answers
``503 DATABASE_UNAVAILABLE`` with ``Retry-After`` (never a 500), and the application recovers by
itself when the database returns: pools reconnect, scheduled jobs run again.

In process on both engines: SQLite locked by another process beyond the busy limit, PostgreSQL
read-only (what a demoted primary or a standby answers). Then a real ``minzheng serve`` on a
throwaway PostgreSQL server of its own, which is crashed mid-test and restarted."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
import uuid
from pathlib import Path

import httpx
import pytest

from bench.pgtools import Cluster, missing_binaries
from tests.fixtures.live_server import start_live_server, stop_live_server

pytestmark = pytest.mark.db


def _assert_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["status_code"] == 503
    assert body["code"] == "DATABASE_UNAVAILABLE"
    assert body["detail"]
    assert int(r.headers["retry-after"]) >= 1


def _office(code: str) -> dict:
    return {"code": code, "name": f"测试登记处{code}", "division_code": "440704"}


async def test_locked_or_read_only_database_answers_503_then_recovers(
    client, staff, engine_name, database_url, monkeypatch
):
    from core import db as core_db
    from core import sqlite_engine

    admin = await staff("admin")
    r = await client.post("/api/v1/marriage/offices", json=_office("U1"), headers=admin)
    assert r.status_code == 201, r.text

    if engine_name == "sqlite":
        # Another process holds SQLite's write lock longer than the busy limit.
        monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT", 0.3)
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            r = await client.post("/api/v1/marriage/offices", json=_office("U2"), headers=admin)
            _assert_unavailable(r)
        finally:
            other.execute("ROLLBACK")
            other.close()
    else:
        # New sessions are read-only, as on a standby or a demoted primary.
        import asyncpg

        name = database_url.rsplit("/", 1)[1]
        control = await asyncpg.connect(database_url)
        try:
            await control.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            await control.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            for _ in range(3):
                r = await client.post("/api/v1/marriage/offices", json=_office("U2"), headers=admin)
                _assert_unavailable(r)
        finally:
            await control.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
            await control.close()
    # The pool hands out connections to a writable primary again: no restart needed.
    await asyncio.sleep(0.1)
    r = await client.post("/api/v1/marriage/offices", json=_office("U2"), headers=admin)
    if r.status_code == 503:  # connections expired by the last 503 are replaced on first use
        r = await client.post("/api/v1/marriage/offices", json=_office("U2"), headers=admin)
    assert r.status_code == 201, r.text
    codes = {o["code"] for o in (await client.get("/api/v1/marriage/offices")).json()}
    assert {"U1", "U2"} <= codes
    assert core_db.engine() is not None


@pytest.fixture
def throwaway_postgres():
    reason = missing_binaries()
    if reason:
        if os.environ.get("MINZHENG_REQUIRE_POSTGRES"):
            pytest.fail(f"MINZHENG_REQUIRE_POSTGRES is set but {reason}")
        pytest.skip(reason)
    cluster = Cluster()
    cluster.start()
    yield cluster
    cluster.destroy()


async def _sql(url: str, query: str, *args):
    import asyncpg

    connection = await asyncpg.connect(url, timeout=5)
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


@pytest.mark.slow
async def test_server_answers_503_while_postgres_is_down_and_recovers(throwaway_postgres):
    cluster = throwaway_postgres
    name = f"minzheng_outage_{uuid.uuid4().hex[:8]}"
    await _sql(cluster.url(), f'CREATE DATABASE "{name}"')
    url = cluster.url(name)
    server = start_live_server(
        workers=1,
        database_url=url,
        extra_env={"MINZHENG_RUN_JOBS": "1", "MINZHENG_JOB_TICK_SECONDS": "0.5"},
    )
    try:
        admin = await server.admin_headers()
        async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
            r = await http.post("/api/v1/marriage/offices", json=_office("D1"), headers=admin)
            assert r.status_code == 201, r.text

            cluster.stop("immediate")  # a crash, as far as the application can tell
            for attempt in range(3):
                for method, path, kwargs in (
                    ("POST", "/api/v1/marriage/offices", {"json": _office(f"D{attempt + 2}")}),
                    ("GET", "/api/v1/marriage/offices", {}),
                    ("GET", "/api/v1/me", {}),
                    ("POST", "/api/v1/auth/token", {"json": {"username": "x", "password": "y"}}),
                ):
                    r = await http.request(method, path, headers=admin, **kwargs)
                    _assert_unavailable(r)
            page = await http.get("/", headers={"Accept": "text/html"})
            assert page.status_code in (200, 503), page.text[:300]
            # A browser with a session: its cookie cannot be checked, the page says so (503).
            http.cookies.set("mz_session", "some-session-token")
            page = await http.get("/admin", headers={"Accept": "text/html"})
            http.cookies.clear()
            assert page.status_code == 503, page.text[:300]
            assert page.headers["content-type"].startswith("text/html")
            assert int(page.headers["retry-after"]) >= 1

            down_at = time.monotonic()
            cluster.start()
            deadline = time.monotonic() + 30
            while True:
                r = await http.post("/api/v1/marriage/offices", json=_office("D9"), headers=admin)
                if r.status_code == 201:
                    break
                _assert_unavailable(r)  # never anything but 503 meanwhile
                assert time.monotonic() < deadline, "writes did not recover within 30 s"
                await asyncio.sleep(0.2)
            assert time.monotonic() - down_at < 30
            codes = {o["code"] for o in (await http.get("/api/v1/marriage/offices")).json()}
            assert codes >= {"D1", "D9"} and "D2" not in codes  # a 503 changed nothing

            # The scheduler survived the outage: a due job runs again.
            since = (await _sql(url, "SELECT clock_timestamp() AS t"))[0]["t"]
            await _sql(url, "UPDATE job_lease SET locked_until = now() - interval '1 day'")
            deadline = time.monotonic() + 20
            while True:
                rows = await _sql(url, "SELECT name FROM job_lease WHERE last_run_at > $1", since)
                if rows:
                    break
                assert time.monotonic() < deadline, "no scheduled job ran after recovery"
                await asyncio.sleep(0.3)
        text = (Path(server.env["MINZHENG_DATA_DIR"]) / "server.log").read_text()
        assert "INTERNAL_ERROR" not in text and "unhandled error" not in text, text[-3000:]
    finally:
        stop_live_server(server)
