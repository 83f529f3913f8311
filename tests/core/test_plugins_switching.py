"""Issue #2 item 3, "Plugins on and off": a disabled plugin's API and pages answer 404, its menu
entries, indicators, jobs and event handlers go quiet; enabling brings them back; switching is
audited and loses no data. The probe plugin (tests/core/probe_plugin.py) stands in for a service."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.core import probe_plugin
from tests.core.support import assert_error

pytestmark = pytest.mark.db


async def _switch(client, admin, name: str, enabled: bool):
    r = await client.patch(
        f"/api/v1/admin/plugins/{name}", json={"enabled": enabled}, headers=admin
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_four_services_are_listed_with_their_metadata(client, admin):
    r = await client.get("/api/v1/admin/plugins", headers=admin)
    assert r.status_code == 200
    plugins = r.json()
    assert [p["name"] for p in plugins] == ["marriage", "funeral", "disability", "social_orgs"]
    titles = {p["name"]: p["title"] for p in plugins}
    assert titles == {
        "marriage": "婚姻登记",
        "funeral": "惠民殡葬",
        "disability": "残疾人两项补贴",
        "social_orgs": "社会组织管理",
    }
    assert all(p["enabled"] is True and p["version"] for p in plugins)


async def test_patch_switches_and_reports_the_new_state(client, admin):
    assert (await _switch(client, admin, "disability", False))["enabled"] is False
    listed = {
        p["name"]: p["enabled"]
        for p in (await client.get("/api/v1/admin/plugins", headers=admin)).json()
    }
    assert listed == {"marriage": True, "funeral": True, "disability": False, "social_orgs": True}
    assert (await _switch(client, admin, "disability", True))["enabled"] is True
    assert_error(
        await client.patch("/api/v1/admin/plugins/weather", json={"enabled": False}, headers=admin),
        404,
        "NOT_FOUND",
    )
    assert_error(
        await client.patch("/api/v1/admin/plugins/funeral", json={"enabled": "no"}, headers=admin),
        400,
        "BAD_REQUEST",
    )


async def test_hook_route_handlers_of_a_disabled_plugin_answer_404(probe_client, staff, admin):
    reviewer = await staff("reviewer")
    assert (await probe_client.get("/api/v1/probe/ping")).status_code == 200
    assert (await probe_client.get("/api/v1/probe/secret", headers=reviewer)).status_code == 200
    assert (await probe_client.get("/probe/")).status_code == 200

    await _switch(probe_client, admin, "probe", False)
    assert_error(await probe_client.get("/api/v1/probe/ping"), 404, "NOT_FOUND")
    # 404 before anything else: not 401 to strangers, not 403 to the wrong role, not 400 for junk.
    assert_error(await probe_client.get("/api/v1/probe/secret"), 404, "NOT_FOUND")
    assert_error(await probe_client.get("/api/v1/probe/secret", headers=reviewer), 404, "NOT_FOUND")
    assert_error(await probe_client.get("/api/v1/probe/secret", headers=admin), 404, "NOT_FOUND")
    r = await probe_client.post(
        "/api/v1/probe/things",
        content=b"{junk",
        headers={**reviewer, "content-type": "application/json"},
    )
    assert_error(r, 404, "NOT_FOUND")
    assert (await probe_client.get("/probe/", headers={"accept": "text/html"})).status_code == 404
    # The core itself stays up.
    assert (await probe_client.get("/api/v1/me", headers=reviewer)).status_code == 200

    await _switch(probe_client, admin, "probe", True)
    assert (await probe_client.get("/api/v1/probe/ping")).status_code == 200
    assert (await probe_client.get("/api/v1/probe/secret", headers=reviewer)).status_code == 200


async def test_hook_menu_items_and_indicators_of_a_disabled_plugin_go_quiet(
    probe_client, probe_host, admin
):
    def hrefs(items):
        return {item.href for item in items}

    assert "/probe/" in hrefs(await probe_host.menu_items(None))
    assert 'href="/probe/"' in (await probe_client.get("/")).text
    keys = [
        i["key"]
        for i in (
            await probe_client.get("/api/v1/stats/indicators?year=2026", headers=admin)
        ).json()
    ]
    assert "probe.year" in keys
    assert "probe.tick" in [j.name for j in await probe_host.enabled_jobs()]

    await _switch(probe_client, admin, "probe", False)
    assert "/probe/" not in hrefs(await probe_host.menu_items(None))
    assert 'href="/probe/"' not in (await probe_client.get("/")).text
    keys = [
        i["key"]
        for i in (
            await probe_client.get("/api/v1/stats/indicators?year=2026", headers=admin)
        ).json()
    ]
    assert "probe.year" not in keys
    assert "probe.tick" not in [j.name for j in await probe_host.enabled_jobs()]
    assert "core.deliver_notifications" in [j.name for j in await probe_host.enabled_jobs()]

    await _switch(probe_client, admin, "probe", True)
    assert "/probe/" in hrefs(await probe_host.menu_items(None))
    keys = [
        i["key"]
        for i in (
            await probe_client.get("/api/v1/stats/indicators?year=2026", headers=admin)
        ).json()
    ]
    assert "probe.year" in keys


async def test_hook_person_died_of_a_disabled_plugin_goes_quiet(
    probe_client, staff, admin, id_number
):
    from core.people.service import ensure_person

    clerk = await staff("clerk", office_code="JH01")
    first = id_number(dt.date(1950, 1, 1), "male", seq=1)
    second = id_number(dt.date(1950, 1, 1), "male", seq=2)
    await ensure_person(first, "赵一", hukou_division="440704")
    await ensure_person(second, "赵二", hukou_division="440704")

    await _switch(probe_client, admin, "probe", False)
    r = await probe_client.patch(
        f"/api/v1/people/{first}", json={"deceased_on": "2025-01-01"}, headers=clerk
    )
    assert r.status_code == 200, r.text
    assert probe_plugin.calls("person_died") == []

    await _switch(probe_client, admin, "probe", True)
    r = await probe_client.patch(
        f"/api/v1/people/{second}", json={"deceased_on": "2025-01-02"}, headers=clerk
    )
    assert r.status_code == 200, r.text
    assert [c["person"].id_number for c in probe_plugin.calls("person_died")] == [second]


async def test_hook_plugin_switched_and_switching_is_audited(probe_client, admin):
    from core.tables import AuditEvent

    await _switch(probe_client, admin, "probe", False)
    await _switch(probe_client, admin, "funeral", False)
    await _switch(probe_client, admin, "probe", True)
    rows = await (
        AuditEvent.select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.actor)
        .where(AuditEvent.entity == "plugin")
        .order_by(AuditEvent.seq)
    )
    assert [(r["action"], r["entity_id"]) for r in rows] == [
        ("core.plugin.disabled", "probe"),
        ("core.plugin.disabled", "funeral"),
        ("core.plugin.enabled", "probe"),
    ]
    assert {r["actor"] for r in rows} == {"admin1"}
    # Every installed plugin hears of every switch (and reacts to its own name).
    assert probe_plugin.calls("plugin_switched") == [
        {"name": "probe", "enabled": False},
        {"name": "funeral", "enabled": False},
        {"name": "probe", "enabled": True},
    ]


async def test_switching_loses_no_data(probe_client, admin, citizen, id_number):
    from core.db import app_tables, fetch_one

    await citizen(id_number(dt.date(1991, 2, 3), "female", seq=6), "钱多")

    async def counts() -> dict[str, int]:
        out = {}
        for table in app_tables():
            name = table._meta.tablename
            row = await fetch_one(f"SELECT COUNT(*) AS n FROM {name}")  # noqa: S608
            out[name] = int(row["n"])
        return out

    before = await counts()
    for name in ("marriage", "funeral", "disability", "social_orgs", "probe"):
        await _switch(probe_client, admin, name, False)
    for name in ("marriage", "funeral", "disability", "social_orgs", "probe"):
        await _switch(probe_client, admin, name, True)
    after = await counts()
    changed = {name for name in before if before[name] != after[name]}
    # Only the audit chain and its head grew (ten switches), and the plugin switches were stored.
    assert changed <= {"audit_event", "audit_head", "plugin_state"}
    assert after["audit_event"] == before["audit_event"] + 10
    assert after["account"] == before["account"] >= 2
