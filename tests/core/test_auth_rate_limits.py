"""Issue #2 item 4: 5 failed logins in 15 minutes lock a username (429 with Retry-After); the
per-address limit of MINZHENG_ADDRESS_RATE_LIMIT; the state shared through the database or Redis."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid

import httpx
import pytest

from tests.core.support import PASSWORD, assert_error

pytestmark = pytest.mark.db

REDIS_URL = os.environ.get("MINZHENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _login(client, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )


async def _five_failures_lock_the_username(client) -> str:
    from core.auth.accounts import create_staff_user

    name = f"clerk-{uuid.uuid4().hex[:8]}"
    other = f"clerk-{uuid.uuid4().hex[:8]}"
    await create_staff_user(name, PASSWORD, ["clerk"], "JH01")
    await create_staff_user(other, PASSWORD, ["clerk"], "JH01")
    for _ in range(5):
        assert_error(await _login(client, name, "wrong-password"), 401, "INVALID_CREDENTIALS")
    for password in ("wrong-password", PASSWORD):
        r = await _login(client, name, password)
        assert_error(r, 429, "RATE_LIMITED")
        assert 0 < int(r.headers["retry-after"]) <= 15 * 60
    # Case does not get around it; another username is not affected.
    assert_error(await _login(client, name.upper(), PASSWORD), 429, "RATE_LIMITED")
    assert (await _login(client, other, PASSWORD)).status_code == 200
    return name


async def test_five_failures_lock_the_username_in_the_database(client):
    from core.tables import RateEvent

    name = await _five_failures_lock_the_username(client)
    # Failures older than 15 minutes no longer count.
    await RateEvent.update(
        {RateEvent.at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)}
    ).where(RateEvent.key == f"login-failure:{name}")
    assert (await _login(client, name, PASSWORD)).status_code == 200


async def test_four_failures_do_not_lock(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("clerk-four", PASSWORD, ["clerk"], "JH01")
    for _ in range(4):
        assert_error(await _login(client, "clerk-four", "nope-nope"), 401)
    assert (await _login(client, "clerk-four", PASSWORD)).status_code == 200


async def test_unknown_usernames_are_limited_too(client):
    for _ in range(5):
        assert_error(await _login(client, "ghost-user", "whatever-1"), 401)
    assert_error(await _login(client, "ghost-user", "whatever-1"), 429, "RATE_LIMITED")


async def test_concurrent_failures_are_all_counted(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("clerk-race", PASSWORD, ["clerk"], "JH01")
    results = await asyncio.gather(*(_login(client, "clerk-race", "wrong-pass") for _ in range(8)))
    assert all(r.status_code in (401, 429) for r in results)
    assert_error(await _login(client, "clerk-race", PASSWORD), 429, "RATE_LIMITED")


@pytest.fixture
def address_limit(env_var):
    env_var("MINZHENG_ADDRESS_RATE_LIMIT", "3")


async def test_address_limit_applies_to_login_and_sign_up(app, client, address_limit, id_number):
    from core.auth.accounts import create_staff_user

    await create_staff_user("clerk-addr", PASSWORD, ["clerk"], "JH01")
    for _ in range(3):
        assert (await _login(client, "clerk-addr", PASSWORD)).status_code == 200
    r = await _login(client, "clerk-addr", PASSWORD)
    assert_error(r, 429, "RATE_LIMITED")
    assert 0 < int(r.headers["retry-after"]) <= 60
    # Sign-up has its own budget per address, with the same limit.
    for seq in range(3):
        body = {"id_number": id_number(dt.date(1990, 1, 1), seq=seq + 1), "name": "张三",
                "phone": "13800000000", "password": "citizen-pass-1"}  # fmt: skip
        assert (await client.post("/api/v1/citizens", json=body)).status_code == 201
    body = {"id_number": id_number(dt.date(1990, 1, 1), seq=9), "name": "张三", "password": "x" * 9}
    assert_error(await client.post("/api/v1/citizens", json=body), 429, "RATE_LIMITED")
    # Another client address is not affected.
    transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as other:
        assert (await _login(other, "clerk-addr", PASSWORD)).status_code == 200


async def test_address_limit_zero_is_off(client, env_var):
    from core.auth.accounts import create_staff_user

    env_var("MINZHENG_ADDRESS_RATE_LIMIT", "0")
    await create_staff_user("clerk-many", PASSWORD, ["clerk"], "JH01")
    for _ in range(12):
        assert (await _login(client, "clerk-many", PASSWORD)).status_code == 200


async def _redis_or_skip():
    import redis.asyncio as redis

    connection = redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(connection.ping(), timeout=2)
    except Exception as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}: {exc}")
    return connection


async def test_limits_hold_with_redis(app, client, env_var, id_number):
    from core.auth.ratelimit import RedisRateStore, rate_store
    from core.tables import RateEvent

    connection = await _redis_or_skip()
    env_var("MINZHENG_REDIS_URL", REDIS_URL)
    assert isinstance(rate_store(), RedisRateStore)
    name = await _five_failures_lock_the_username(client)
    assert await connection.exists(f"minzheng:rate:login-failure:{name}")
    assert await RateEvent.count() == 0  # the state is in Redis, not the database

    env_var("MINZHENG_ADDRESS_RATE_LIMIT", "2")
    await connection.delete("minzheng:rate:addr:login:192.0.2.77")
    ghost = f"ghost-{uuid.uuid4().hex[:8]}"
    transport = httpx.ASGITransport(app=app, client=("192.0.2.77", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as fresh:
        for _ in range(2):
            assert_error(await _login(fresh, ghost, "whatever-1"), 401)
        assert_error(await _login(fresh, ghost, "whatever-1"), 429, "RATE_LIMITED")
    await connection.aclose()
