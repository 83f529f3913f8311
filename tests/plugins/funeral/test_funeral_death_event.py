"""A waiver records the death, and the death reaches enabled plugins only, in the same
transaction (DOMAIN.md "People": recording a death is an event every plugin hears)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from tests.plugins.funeral import mourner_plugin
from tests.plugins.funeral.support import TODAY, person_number, roster, waiver

pytestmark = pytest.mark.db

MOURNER = "tests.plugins.funeral.mourner_plugin"
DIED = dt.date(2026, 3, 15)


@pytest.fixture(scope="session")
def mourner_host():
    from core.plugins import BUILTIN_PLUGINS, PluginHost

    return PluginHost((*BUILTIN_PLUGINS, MOURNER), load_entry_points=False)


@pytest.fixture(scope="session")
async def mourner_app(database_url, mourner_host):
    from core.app import create_app
    from core.plugins import get_host, set_host
    from core.settings import get_settings

    previous = get_host()
    try:
        return create_app(get_settings(), host=mourner_host)
    finally:
        set_host(previous)


@pytest.fixture
async def mourner_client(mourner_app, mourner_host, db):
    """The real app with the mourner plugin installed; while the test runs its host is the
    process's host, so the core's death broadcast reaches it."""
    from core.plugins import get_host, set_host

    previous = get_host()
    set_host(mourner_host)
    await mourner_host.enabled(fresh=True)
    mourner_plugin.HEARD.clear()
    transport = httpx.ASGITransport(app=mourner_app, client=("203.0.113.8", 40002))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        set_host(previous)
        mourner_plugin.HEARD.clear()


async def test_the_death_reaches_an_enabled_plugin(mourner_client, staff, set_today):
    await set_today(TODAY)
    clerk = await staff("clerk", office_code="JH01")
    number = person_number(dt.date(1938, 4, 2), "male")
    await roster((number, "黄伯", "youfu", dt.date(2010, 1, 1), None))
    r = await mourner_client.post(
        "/api/v1/funeral/waivers", json=waiver(number, DIED, name="黄伯"), headers=clerk
    )
    assert r.status_code == 201, r.text
    assert [(number, "黄伯", DIED)] == mourner_plugin.HEARD


async def test_a_disabled_plugin_does_not_hear_and_the_waiver_still_counts(
    mourner_client, staff, set_today
):
    await set_today(TODAY)
    admin = await staff("admin")
    clerk = await staff("clerk", office_code="JH01")
    off = await mourner_client.patch(
        "/api/v1/admin/plugins/mourner", json={"enabled": False}, headers=admin
    )
    assert off.status_code == 200, off.text
    number = person_number(dt.date(1938, 4, 2), "male", seq=2)
    r = await mourner_client.post(
        "/api/v1/funeral/waivers", json=waiver(number, DIED, hukou_division="440704"), headers=clerk
    )
    assert r.status_code == 201
    assert mourner_plugin.HEARD == []
    person = await mourner_client.get(f"/api/v1/people/{number}", headers=clerk)
    assert person.json()["deceased_on"] == DIED.isoformat()

    on = await mourner_client.patch(
        "/api/v1/admin/plugins/mourner", json={"enabled": True}, headers=admin
    )
    assert on.status_code == 200
    other = person_number(dt.date(1939, 1, 5), seq=3)
    await mourner_client.post(
        "/api/v1/funeral/waivers", json=waiver(other, DIED, hukou_division="440704"), headers=clerk
    )
    assert [heard[0] for heard in mourner_plugin.HEARD] == [other]


async def test_a_plugin_refusing_the_death_undoes_the_whole_waiver(
    mourner_client, staff, set_today
):
    await set_today(TODAY)
    clerk = await staff("clerk", office_code="JH01")
    number = person_number(dt.date(1940, 8, 8))
    r = await mourner_client.post(
        "/api/v1/funeral/waivers",
        json=waiver(number, DIED, name=mourner_plugin.REFUSED_NAME, hukou_division="440704"),
        headers=clerk,
    )
    assert (r.status_code, r.json()["code"]) == (422, "MOURNER_REFUSED")
    listed = await mourner_client.get("/api/v1/funeral/waivers", headers=clerk)
    assert listed.json()["total"] == 0
    # Nothing of the transaction stays: not the person, not the notice's serial number.
    person = await mourner_client.get(f"/api/v1/people/{number}", headers=clerk)
    assert person.status_code == 404
    again = await mourner_client.post(
        "/api/v1/funeral/waivers",
        json=waiver(person_number(dt.date(1941, 1, 1)), DIED, hukou_division="440704"),
        headers=clerk,
    )
    assert again.json()["notice_no"].endswith("-000001")
