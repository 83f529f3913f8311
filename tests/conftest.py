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
        # One audit key for this process and the CLI processes and servers it starts.
        "MINZHENG_AUDIT_KEY": f"test-audit-key-{uuid.uuid4().hex}",
        "PICCOLO_CONF": "core.piccolo_conf",
    }
)
os.environ.pop("MINZHENG_REDIS_URL", None)
os.environ.pop("MINZHENG_DATABASE_URL", None)

PG_ADMIN_URL = os.environ.get(
    "MINZHENG_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engines",
        default=os.environ.get("MINZHENG_TEST_ENGINES", "sqlite,postgres"),
        help="comma-separated database engines for db tests: sqlite, postgres",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_name" in metafunc.fixturenames:
        engines = [
            e.strip() for e in metafunc.config.getoption("--engines").split(",") if e.strip()
        ]
        metafunc.parametrize("engine_name", engines, scope="session")


async def _pg_reachable() -> str | None:
    import asyncpg

    try:
        connection = await asyncio.wait_for(asyncpg.connect(PG_ADMIN_URL), timeout=3)
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}: {exc}"
    await connection.close()
    return None


async def _require_postgres() -> None:
    """Skip, saying why, when no PostgreSQL answers; fail instead under
    MINZHENG_REQUIRE_POSTGRES (CI), where a skip would hide the missing half of the suite."""
    reason = await _pg_reachable()
    if reason and os.environ.get("MINZHENG_REQUIRE_POSTGRES"):
        pytest.fail(f"MINZHENG_REQUIRE_POSTGRES is set but {reason}")
    if reason:
        pytest.skip(reason)


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


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """Argon2id at its lowest cost inside the test process (~1 ms instead of ~300 ms a hash on
    this machine). Servers and CLI commands started by tests keep the production parameters."""
    from argon2 import PasswordHasher

    from core.auth import passwords

    production = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = production


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
        await _require_postgres()
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
async def empty_database_url(engine_name: str) -> AsyncIterator[str]:
    """An empty, unmigrated database of its own, for commands that build or replace a whole
    database (migrate, restore); dropped afterwards."""
    if engine_name == "sqlite":
        yield f"sqlite:///{Path(tempfile.mkdtemp(prefix='minzheng-empty-')) / 'empty.db'}"
        return
    await _require_postgres()
    name = f"minzheng_empty_{uuid.uuid4().hex[:8]}"
    url = await _pg_create(name)
    try:
        yield url
    finally:
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
async def app(database_url: str):
    from core.app import create_app
    from core.settings import get_settings

    use_url(database_url)
    return create_app(get_settings())


@pytest.fixture
async def client(app, db) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the real app in this event loop, on an empty database."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


# -------------------------------------------------------------------------------------------------
# A real server process and a real browser (pages people use are checked in Chromium).
# -------------------------------------------------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("MINZHENG_CHROMIUM", "/usr/bin/chromium")


class LiveServer:
    """``minzheng serve`` in a subprocess on its own SQLite (or given) database."""

    def __init__(self, url: str, admin: tuple[str, str], process, env: dict[str, str]) -> None:
        self.url = url
        self.admin_username, self.admin_password = admin
        self.process = process
        self.env = env

    def cli(self, *args: str, stdin: str | None = None) -> str:
        import subprocess
        import sys

        result = subprocess.run(
            [sys.executable, "-m", "core.cli", *args],
            input=stdin,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"minzheng {' '.join(args)} failed: {result.stderr[-2000:]}")
        return result.stdout

    async def admin_token(self) -> str:
        async with httpx.AsyncClient(base_url=self.url) as http:
            r = await http.post(
                "/api/v1/auth/token",
                json={"username": self.admin_username, "password": self.admin_password},
            )
            r.raise_for_status()
            return r.json()["token"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_live_server(
    workers: int = 1, database_url: str | None = None, extra_env: dict[str, str] | None = None
) -> LiveServer:
    import secrets
    import subprocess
    import sys
    import time

    data_dir = tempfile.mkdtemp(prefix="minzheng-live-")
    port = _free_port()
    env = {
        **os.environ,
        "MINZHENG_ENV": "test",
        "MINZHENG_DATA_DIR": data_dir,
        "MINZHENG_DATABASE_URL": database_url or f"sqlite:///{data_dir}/live.db",
        "MINZHENG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "MINZHENG_ADDRESS_RATE_LIMIT": "0",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        **(extra_env or {}),
    }
    password = secrets.token_urlsafe(12)
    server = LiveServer(f"http://127.0.0.1:{port}", ("e2e-admin", password), None, env)
    server.cli("migrate")
    server.cli(
        "createuser", "e2e-admin", "--role", "admin", "--password-stdin", stdin=password + "\n"
    )
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 (closed with the process)
    server.process = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.url + "/", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.process.poll() is not None:
            break
        time.sleep(0.2)
    server.process.kill()
    raise RuntimeError(
        f"server did not start: {(Path(data_dir) / 'server.log').read_text()[-3000:]}"
    )


def stop_live_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except Exception:
        server.process.kill()


@pytest.fixture(scope="session")
def live_server() -> AsyncIterator[LiveServer]:
    server = start_live_server()
    yield server
    stop_live_server(server)


@pytest.fixture(scope="session")
def live_server_factory():
    """``live_server_factory(workers=2, extra_env={...})`` → a started ``LiveServer``; every
    server it started is stopped at the end of the session."""
    started: list[LiveServer] = []

    def start(**kwargs) -> LiveServer:
        server = start_live_server(**kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_live_server(server)


@pytest.fixture(scope="session")
async def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        await instance.close()


@pytest.fixture
async def page(browser, request):
    """A fresh browser context (phone-sized when the test is marked ``phone``); a screenshot is
    saved to test-artifacts/ after the test."""
    phone = request.node.get_closest_marker("phone") is not None
    context = await browser.new_context(
        viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        locale="zh-CN",
    )
    tab = await context.new_page()
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    await tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    await context.close()


# -------------------------------------------------------------------------------------------------
# People and accounts for HTTP tests.
# -------------------------------------------------------------------------------------------------


def make_id_number(birth, sex: str = "male", division: str = "110105", seq: int = 1) -> str:
    """A valid 18-character identity number (GB 11643-1999) for ``birth`` and ``sex``."""
    from stdnum.cn import ric

    sequence = seq * 2 % 1000
    if sex == "male":
        sequence = (sequence + 1) % 1000
    body = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


@pytest.fixture
def id_number():
    """``id_number(date(1990, 5, 1), "female", seq=3)`` → a valid, distinct identity number."""
    return make_id_number


@pytest.fixture
def staff(client):
    """``await staff("clerk", office_code="JH01")`` → Authorization headers of a new staff user."""
    from core.auth.accounts import create_staff_user

    counter = iter(range(1, 10_000))

    async def make(
        *roles: str, office_code: str | None = None, username: str | None = None
    ) -> dict:
        name = username or f"{'-'.join(roles)}{next(counter)}"
        await create_staff_user(name, "staff-password-1", list(roles), office_code)
        r = await client.post(
            "/api/v1/auth/token", json={"username": name, "password": "staff-password-1"}
        )
        assert r.status_code in (200, 201), r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return make


@pytest.fixture
def citizen(client):
    """``await citizen(id_number, "王芳")`` → Authorization headers of a newly signed-up citizen."""

    async def make(number: str, name: str = "张三") -> dict:
        r = await client.post(
            "/api/v1/citizens",
            json={
                "id_number": number,
                "name": name,
                "phone": "13800000000",
                "password": "citizen-password-1",
            },
        )
        assert r.status_code == 201, r.text
        r = await client.post(
            "/api/v1/auth/token", json={"username": number, "password": "citizen-password-1"}
        )
        assert r.status_code in (200, 201), r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return make


@pytest.fixture
def verified_citizen(client):
    """``await verified_citizen(id_number, "王芳")`` → Authorization headers of a citizen at
    verification ``identity``, reached the way a real one is: a clerk saw the identity card at a
    window (``verify-identity``, which creates the account or takes an existing one back), and
    the person activated the account with the code handed out. Records about the person (PDFs,
    applications, payments) need this level; booking does not (use ``citizen``)."""
    from core.auth.accounts import create_staff_user

    counter = iter(range(1, 10_000))

    async def make(number: str, name: str = "张三", phone: str = "13800000000") -> dict:
        from core.people.service import find_person

        seen = {"phone": phone}
        if await find_person(number) is None:
            seen["name"] = name  # the registry learns the name from the card
        clerk = f"window-verifier-{next(counter)}"
        await create_staff_user(clerk, "staff-password-1", ["clerk"], "JH01")
        r = await client.post(
            "/api/v1/auth/token", json={"username": clerk, "password": "staff-password-1"}
        )
        assert r.status_code == 200, r.text
        r = await client.post(
            f"/api/v1/citizens/{number}/verify-identity",
            json=seen,
            headers={"Authorization": f"Bearer {r.json()['token']}"},
        )
        assert r.status_code == 200, r.text
        code = r.json()["activation_code"]
        r = await client.post(
            "/api/v1/citizens/activate",
            json={"id_number": number, "activation_code": code, "password": "citizen-password-1"},
        )
        assert r.status_code == 200, r.text
        r = await client.post(
            "/api/v1/auth/token", json={"username": number, "password": "citizen-password-1"}
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return make


@pytest.fixture(autouse=True)
async def _live_server_clock_reset(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Browser tests share one server: whatever date a test set, the next one starts on today."""
    yield
    if "live_server" in request.fixturenames:
        server = request.getfixturevalue("live_server")
        token = await server.admin_token()
        async with httpx.AsyncClient(base_url=server.url) as http:
            await http.delete("/api/v1/testing/clock", headers={"Authorization": f"Bearer {token}"})
