"""Issue #2 item 7 and API.md "Configuration": one ``today()`` for the whole application; the test
clock exists only when MINZHENG_ENV=test, is admin-only and is stored in the database so every
process sharing it agrees; in any other environment its path answers 404."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from tests.core.support import ROOT, assert_error, cli_env

pytestmark = pytest.mark.db

CLOCK = "/api/v1/testing/clock"


async def test_admin_sets_and_resets_the_date(client, admin):
    from core.clock import now_local, today
    from core.tables import AuditEvent

    r = await client.put(CLOCK, json={"today": "2027-02-28"}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json() == {"today": "2027-02-28"}
    assert await today() == dt.date(2027, 2, 28)
    local = await now_local()
    assert local.date() == dt.date(2027, 2, 28) and local.utcoffset() == dt.timedelta(hours=8)

    r = await client.delete(CLOCK, headers=admin)
    assert r.status_code == 200
    real = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert r.json() == {"today": real.isoformat()}
    assert await today() == real
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action)]
    assert actions.count("core.clock.set") == 1 and actions.count("core.clock.reset") == 1


async def test_only_admins_may_set_it(client, staff):
    for roles in (("clerk",), ("reviewer",)):
        headers = await staff(*roles, office_code="JH01")
        r = await client.put(CLOCK, json={"today": "2027-01-01"}, headers=headers)
        assert_error(r, 403, "FORBIDDEN")
    assert_error(await client.put(CLOCK, json={"today": "2027-01-01"}), 401, "UNAUTHENTICATED")
    assert_error(await client.delete(CLOCK), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("body", [{"today": "2027-02-29"}, {"today": "tomorrow"}, {}, {"today": 3}])
async def test_bad_dates_are_400(client, admin, body):
    assert_error(await client.put(CLOCK, json=body, headers=admin), 400, "BAD_REQUEST")


async def test_another_process_sees_the_same_date(client, admin, database_url):
    await client.put(CLOCK, json={"today": "2030-10-01"}, headers=admin)
    script = (
        "import asyncio\n"
        "from core import db\n"
        "from core.clock import today\n"
        "from core.settings import get_settings\n"
        "async def main():\n"
        "    db.use_database(get_settings().database_url)\n"
        "    await db.start()\n"
        "    print(await today())\n"
        "    await db.stop()\n"
        "asyncio.run(main())\n"
    )
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script],
        env=cli_env(database_url),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2030-10-01"


async def test_outside_the_test_environment_the_clock_does_not_exist(
    client, admin, database_url, env_var
):
    from core.app import create_app
    from core.clock import today
    from core.plugins import get_host, set_host
    from core.settings import get_settings

    await client.put(CLOCK, json={"today": "2030-10-01"}, headers=admin)
    env_var("MINZHENG_ENV", "development")
    settings = get_settings()
    assert settings.env == "development"
    previous = get_host()
    try:
        development = create_app(settings, host=previous)
    finally:
        set_host(previous)
    import httpx

    transport = httpx.ASGITransport(app=development)
    async with httpx.AsyncClient(transport=transport, base_url="http://dev.local") as dev:
        r = await dev.put(CLOCK, json={"today": "2031-01-01"}, headers=admin)
        assert_error(r, 404, "NOT_FOUND")
        assert_error(await dev.delete(CLOCK, headers=admin), 404, "NOT_FOUND")
        schema = (await dev.get("/schema/openapi.json")).json()
        assert CLOCK not in schema["paths"]
        assert "/api/v1/me" in schema["paths"]
    # A stored override is ignored outside the test environment.
    assert await today() == dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
