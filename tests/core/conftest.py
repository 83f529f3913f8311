"""Fixtures of the core's tests: an app with the probe plugin next to the built-in ones."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

PROBE_MODULE = "tests.core.probe_plugin"


@pytest.fixture(scope="session")
def probe_host():
    """A plugin host with the built-in plugins plus the probe plugin."""
    from core.plugins import BUILTIN_PLUGINS, PluginHost

    return PluginHost((*BUILTIN_PLUGINS, PROBE_MODULE), load_entry_points=False)


@pytest.fixture(scope="session")
async def probe_app(database_url: str, probe_host):
    from core.app import create_app
    from core.plugins import get_host, set_host
    from core.settings import get_settings

    previous = get_host()
    try:
        return create_app(get_settings(), host=probe_host)
    finally:
        set_host(previous)


@pytest.fixture
async def probe_client(probe_app, probe_host, db) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the probe app; while the test runs the probe host is the process's host, so
    services broadcasting hooks reach the probe plugin."""
    from core.plugins import get_host, set_host
    from tests.core import probe_plugin

    previous = get_host()
    set_host(probe_host)
    await probe_host.enabled(fresh=True)
    probe_plugin.reset()
    transport = httpx.ASGITransport(app=probe_app, client=("203.0.113.9", 40001))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
            yield c
    finally:
        set_host(previous)
        probe_plugin.reset()


@pytest.fixture
def env_var() -> Iterator:
    """``env_var(NAME, value)`` sets a variable and clears the settings cache; both restored."""
    import os

    from core.auth.ratelimit import reset_rate_store
    from core.settings import get_settings

    saved: dict[str, str | None] = {}

    def set_var(name: str, value: str | None) -> None:
        saved.setdefault(name, os.environ.get(name))
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
        get_settings.cache_clear()
        reset_rate_store()

    yield set_var
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    get_settings.cache_clear()
    reset_rate_store()


@pytest.fixture(scope="session")
def two_worker_server(live_server_factory):
    """``minzheng serve --workers 2`` on its own SQLite database, with the probe plugin installed
    through the ``minzheng.plugins`` entry-point group (its ``/ping`` answers the worker's pid)."""
    import os

    from tests.core.support import ROOT, probe_entry_point_dir

    pythonpath = os.pathsep.join([str(ROOT), probe_entry_point_dir()])
    return live_server_factory(workers=2, extra_env={"PYTHONPATH": pythonpath})
