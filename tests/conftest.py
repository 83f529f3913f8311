"""Test fixtures: every database test runs on SQLite and, when reachable, on PostgreSQL.

The environment is set before the application is imported. Each engine is migrated once per
session; each test starts from empty tables. PostgreSQL tests skip, with the reason, when no
server answers at MINZHENG_TEST_PG_URL (default: the local server, user postgres).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

_DATA_DIR = tempfile.mkdtemp(prefix="minzheng-test-")
os.environ.update(
    {
        "MINZHENG_ENV": "test",
        "MINZHENG_DATA_DIR": _DATA_DIR,
        "MINZHENG_ADDRESS_RATE_LIMIT": "0",
        "MINZHENG_PUBLIC_URL": "http://testserver",
        "PICCOLO_CONF": "core.piccolo_conf",
    }
)
os.environ.pop("MINZHENG_REDIS_URL", None)
os.environ.pop("MINZHENG_DATABASE_URL", None)

PG_ADMIN_URL = os.environ.get("MINZHENG_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engines",
        default=os.environ.get("MINZHENG_TEST_ENGINES", "sqlite,postgres"),
        help="comma-separated database engines for db tests: sqlite, postgres",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_name" in metafunc.fixturenames:
        engines = [e.strip() for e in metafunc.config.getoption("--engines").split(",") if e.strip()]
        metafunc.parametrize("engine_name", engines, scope="session")


async def _pg_reachable() -> str | None:
    import asyncpg

    try:
        connection = await asyncio.wait_for(asyncpg.connect(PG_ADMIN_URL), timeout=3)
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}: {exc}"
    await connection.close()
    return None


async def _pg_create(name: str) -> str:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def _pg_drop(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def use_url(url: str) -> None:
    from core.settings import get_settings

    os.environ["MINZHENG_DATABASE_URL"] = url
    get_settings.cache_clear()


@pytest.fixture(scope="session")
async def database_url(engine_name: str) -> AsyncIterator[str]:
    """A freshly migrated database of the given engine, for the whole session."""
    from core import db
    from core.migrate import migrate

    if engine_name == "sqlite":
        url = f"sqlite:///{Path(_DATA_DIR) / f'test-{uuid.uuid4().hex[:8]}.db'}"
        name = None
    elif engine_name == "postgres":
        reason = await _pg_reachable()
        if reason:
            pytest.skip(reason)
        name = f"minzheng_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        url = await _pg_create(name)
    else:
        raise pytest.UsageError(f"unknown engine {engine_name!r}")
    use_url(url)
    await migrate(url)
    await db.start()
    yield url
    await db.stop()
    if name:
        await _pg_drop(name)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """Empty tables, this engine bound, the test clock cleared."""
    from core import db as core_db
    from core.plugins import get_host

    use_url(database_url)
    core_db.use_database(database_url)
    await core_db.wipe_all_data()
    await get_host().enabled(fresh=True)
    yield database_url


@pytest.fixture(scope="session")
async def app(database_url: str):  # noqa: ANN201
    from core.app import create_app
    from core.settings import get_settings

    use_url(database_url)
    return create_app(get_settings())


@pytest.fixture
async def client(app, db) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    """An HTTP client speaking to the real app in this event loop, on an empty database."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c
