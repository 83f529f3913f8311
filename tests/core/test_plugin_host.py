"""Issue #2 item 3: the plugin host refuses to start on a duplicate permission, route or
contribution, a misspelled hook or a hook without ``@hookimpl``; registration hooks are gathered
from every installed plugin; ``register_plugin`` adds one at runtime with the same checks."""

from __future__ import annotations

import datetime as dt
import sys
import types
import uuid
from collections.abc import Iterator

import pytest
from litestar import get

from core.contributions import (
    AuditEventType,
    CertificateTemplate,
    Permission,
    PluginMeta,
    PluginRoutes,
    ScheduledJob,
)
from core.hookspecs import hookimpl
from core.plugins import PluginConfigError, PluginHost

PROBE = "tests.core.probe_plugin"


@pytest.fixture
def make_module() -> Iterator:
    """``make_module(name, mount=None, order=100, **hooks)`` → the dotted name of a throw-away
    plugin module."""
    created: list[str] = []

    def make(
        plugin_name: str, mount: str | None = None, order: int = 100, **attributes: object
    ) -> str:
        dotted = f"minzheng_test_plugin_{uuid.uuid4().hex[:8]}"
        module = types.ModuleType(dotted)
        module.PLUGIN_META = PluginMeta(
            plugin_name, plugin_name, plugin_name, "1.0", mount or plugin_name, order=order
        )
        module.__file__ = f"/nonexistent/{dotted}/plugin.py"
        for key, value in attributes.items():
            setattr(module, key, value)
        sys.modules[dotted] = module
        created.append(dotted)
        return dotted

    yield make
    for dotted in created:
        sys.modules.pop(dotted, None)


def _host(*modules: str) -> PluginHost:
    return PluginHost(modules, load_entry_points=False)


def test_hook_permissions_duplicate_stops_start_up(make_module):
    @hookimpl
    def minzheng_permissions():
        return [Permission("core.admin", "again", ("clerk",))]

    with pytest.raises(PluginConfigError, match=r"duplicate permission 'core\.admin'"):
        _host(make_module("copycat", minzheng_permissions=minzheng_permissions))


def test_hook_audit_event_types_duplicate_stops_start_up(make_module):
    @hookimpl
    def minzheng_audit_event_types():
        return [AuditEventType("x.y.z", "a"), AuditEventType("x.y.z", "b")]

    with pytest.raises(PluginConfigError, match="duplicate audit event type"):
        _host(make_module("dup_events", minzheng_audit_event_types=minzheng_audit_event_types))


def test_hook_certificate_templates_duplicate_kind_stops_start_up(make_module):
    @hookimpl
    def minzheng_certificate_templates():
        return [CertificateTemplate("probe_cert", "again", lambda content: b"")]

    module = make_module("dup_cert", minzheng_certificate_templates=minzheng_certificate_templates)
    with pytest.raises(PluginConfigError, match=r"duplicate certificate kind 'probe_cert'"):
        _host(PROBE, module)


def test_hook_scheduled_jobs_duplicate_stops_start_up(make_module):
    async def run(today: dt.date) -> str:
        return "ok"

    @hookimpl
    def minzheng_scheduled_jobs():
        return [ScheduledJob("core.deliver_notifications", 5, run, plugin="dup_job")]

    with pytest.raises(PluginConfigError, match="duplicate scheduled job"):
        _host(make_module("dup_job", minzheng_scheduled_jobs=minzheng_scheduled_jobs))


def test_misspelled_hook_stops_start_up(make_module):
    @hookimpl
    def minzheng_permision():
        return []

    with pytest.raises(PluginConfigError, match="minzheng_permision"):
        _host(make_module("typo", minzheng_permision=minzheng_permision))

    def minzheng_menu_item(user):  # misspelled and undecorated: pluggy alone would ignore it
        return []

    with pytest.raises(PluginConfigError, match="minzheng_menu_item"):
        _host(make_module("typo2", minzheng_menu_item=minzheng_menu_item))


def test_hook_without_hookimpl_stops_start_up(make_module):
    def minzheng_permissions():
        return [Permission("forgot.decorator", "x", ("admin",))]

    with pytest.raises(PluginConfigError, match="lacks @hookimpl"):
        _host(make_module("undecorated", minzheng_permissions=minzheng_permissions))


def test_plugin_without_metadata_or_registered_twice_stops_start_up(make_module):
    bare = make_module("bare")
    del sys.modules[bare].PLUGIN_META
    with pytest.raises(PluginConfigError, match="no PLUGIN_META"):
        _host(bare)
    with pytest.raises(PluginConfigError, match="registered twice"):
        _host(make_module("twin"), make_module("twin"))
    with pytest.raises(PluginConfigError, match="registered twice"):
        _host(make_module("core"))


def test_two_plugins_on_one_mount_stop_start_up(make_module):
    with pytest.raises(PluginConfigError, match="both mount /shared"):
        _host(make_module("first", mount="shared"), make_module("second", mount="shared"))


def test_duplicate_route_stops_start_up(make_module, database_url):
    from litestar.exceptions import ImproperlyConfiguredException

    from core.app import create_app
    from core.plugins import get_host, set_host
    from core.settings import get_settings

    @get("/ping", opt={"public": True})
    async def ping_again() -> str:
        return "again"

    @get("/ping", opt={"public": True})
    async def ping_once_more() -> str:
        return "once more"

    @hookimpl
    def minzheng_route_handlers():
        return PluginRoutes(api=[ping_again, ping_once_more])

    @get("/login", opt={"public": True})
    async def login_again() -> str:
        return "a second login page"

    @hookimpl
    def minzheng_route_handlers_public():
        return PluginRoutes(public=[login_again])

    previous = get_host()
    try:
        host = _host(make_module("dup_route", minzheng_route_handlers=minzheng_route_handlers))
        with pytest.raises((PluginConfigError, ImproperlyConfiguredException)):
            create_app(get_settings(), host=host)
        host = _host(
            make_module("dup_page", minzheng_route_handlers=minzheng_route_handlers_public)
        )
        with pytest.raises((PluginConfigError, ImproperlyConfiguredException)):
            create_app(get_settings(), host=host)
    finally:
        set_host(previous)


def test_route_without_declared_access_stops_start_up(make_module, database_url):
    from core.app import create_app
    from core.plugins import get_host, set_host
    from core.settings import get_settings

    @get("/open")
    async def open_by_omission() -> str:
        return "oops"

    @hookimpl
    def minzheng_route_handlers():
        return PluginRoutes(api=[open_by_omission])

    previous = get_host()
    try:
        host = _host(make_module("leaky", minzheng_route_handlers=minzheng_route_handlers))
        with pytest.raises(PluginConfigError, match="declares no permission"):
            create_app(get_settings(), host=host)
    finally:
        set_host(previous)


def test_builtin_plugins_and_the_entry_point_group_are_installed():
    from core.plugins import BUILTIN_PLUGINS, ENTRY_POINT_GROUP

    host = PluginHost()
    assert list(host.plugins) == ["marriage", "funeral", "disability", "social_orgs"]
    assert [m.name for m in host.metas] == ["marriage", "funeral", "disability", "social_orgs"]
    assert len(BUILTIN_PLUGINS) == 4 and ENTRY_POINT_GROUP == "minzheng.plugins"


def test_entry_point_plugins_are_loaded(monkeypatch):
    from tests.core.support import probe_entry_point_dir

    monkeypatch.syspath_prepend(probe_entry_point_dir())
    host = PluginHost()
    assert "probe" in host.plugins
    assert host.meta("probe").title == "探针服务"
    assert "probe.read" in host.permissions


def test_hook_permissions_are_granted_to_their_default_roles(probe_host):
    assert "probe.read" in probe_host.permissions_for_roles(["reviewer"])
    assert "probe.read" not in probe_host.permissions_for_roles(["admin", "clerk", "citizen"])
    assert "core.admin" in probe_host.permissions_for_roles(["admin"])
    assert "core.people.write" in probe_host.permissions_for_roles(["clerk"])
    # Citizens hold only their own account's permission among core's.
    citizen = probe_host.permissions_for_roles(["citizen"])
    assert {p for p in citizen if p.startswith("core.")} == {"core.account"}


def test_hook_audit_event_types_are_gathered(probe_host):
    assert probe_host.audit_event_types["probe.thing.done"].label == "Probe event"
    assert "core.plugin.disabled" in probe_host.audit_event_types


def test_hook_jinja_environment_adds_filters(probe_app):
    env = probe_app.state.jinja
    assert env.from_string("{{ 'hi' | probe_shout }}").render() == "hi!"
    assert env.from_string("{{ 12345 | yuan }}").render() == "123.45"


async def test_hook_load_demo_runs_in_plugin_order(make_module):
    @hookimpl
    def minzheng_load_demo(today):
        return f"early on {today.isoformat()}"

    early = make_module("early", order=1, minzheng_load_demo=minzheng_load_demo)
    host = _host(PROBE, early)  # registered last, runs first: its metadata order decides
    lines = await host.load_demo(dt.date(2026, 3, 1))
    assert lines == ["early: early on 2026-03-01", "probe: probe demo on 2026-03-01"]


@pytest.mark.db
async def test_hook_search_reaches_enabled_plugins_only(probe_client, probe_host, admin):
    from core.auth.identity import CurrentUser

    user = CurrentUser(1, "clerk-a", "staff", ("clerk",), frozenset())
    results = await probe_host.search("王芳", user)
    assert [(r.kind, r.title, r.subtitle) for r in results if r.plugin == "probe"] == [
        ("probe", "探针 王芳", "clerk-a")
    ]
    r = await probe_client.patch(
        "/api/v1/admin/plugins/probe", json={"enabled": False}, headers=admin
    )
    assert r.status_code == 200
    assert [r for r in await probe_host.search("王芳", user) if r.plugin == "probe"] == []


def test_register_plugin_at_runtime_with_the_same_checks(make_module):
    from tests.core import probe_plugin

    host = _host()
    host.register_plugin(probe_plugin)
    assert "probe" in host.plugins and "probe.read" in host.permissions
    assert "probe.tick" in host.jobs

    @hookimpl
    def minzheng_permissions():
        return [Permission("probe.read", "again", ("clerk",))]

    clash = sys.modules[make_module("clash", minzheng_permissions=minzheng_permissions)]
    with pytest.raises(PluginConfigError, match="duplicate permission"):
        host.register_plugin(clash)
    assert "clash" not in host.plugins  # a refused plugin leaves no trace
    assert host.permissions["probe.read"].default_roles == ("reviewer",)

    host.unregister_plugin("probe")
    assert "probe" not in host.plugins and "probe.read" not in host.permissions


def test_public_route_that_reads_the_user_stops_start_up(make_module, database_url):
    """Issue #15 item 1: a page that checks the user by hand must declare its permission."""
    from litestar import Request

    from core.app import create_app
    from core.auth.guards import require_user
    from core.plugins import get_host, set_host
    from core.settings import get_settings

    @get("/mine", opt={"public": True})
    async def checks_by_hand(request: Request) -> str:
        return require_user(request).username

    @hookimpl
    def minzheng_route_handlers():
        return PluginRoutes(pages=[checks_by_hand])

    previous = get_host()
    try:
        host = _host(make_module("handmade", minzheng_route_handlers=minzheng_route_handlers))
        with pytest.raises(PluginConfigError, match="is public but reads the current user"):
            create_app(get_settings(), host=host)
    finally:
        set_host(previous)


def test_no_staff_page_is_public():
    """Every page an anonymous visitor reaches is one meant for the public; a new public page
    is a decision recorded here."""
    from core.app import create_app

    app = create_app()
    public_pages = {
        route.path
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.opt.get("public") and not route.path.startswith(("/api/", "/schema", "/static"))
    }
    meant_for_everyone = {
        "/", "/login", "/logout", "/signup", "/verify/{certificate_no:str}",
        "/activate", "/password-reset", "/password-reset/confirm",
        "/marriage", "/funeral", "/orgs", "/orgs/spot-checks", "/orgs/{uscc:str}",
    }  # fmt: skip
    assert public_pages <= meant_for_everyone, sorted(public_pages - meant_for_everyone)
