"""The application factory: ``create_app()`` builds a Litestar app from settings and plugins.

Nothing heavy happens at import time. Every route of every installed plugin is mounted at
start-up; the access guard answers 404 for a disabled plugin, 401/403 for a caller without
the handler's declared permission.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router

from core import db
from core.api_docs import SWAGGER_UI_URL, LocalSwaggerPlugin, describe_errors, swagger_ui_dir
from core.auth.guards import ACCESS_KEYS, access_guard
from core.auth.middleware import IdentityMiddleware, add_security_headers
from core.contributions import PluginRoutes
from core.errors import EXCEPTION_HANDLERS, use_error_pages
from core.idempotency import IdempotencyMiddleware
from core.indicator_cache import refreshes_done
from core.jobs import job_loop
from core.plugins import PluginConfigError, PluginHost, get_host, set_host
from core.settings import Settings, get_settings
from core.web.bodies import RequestGuardMiddleware
from core.web.pages import render_error_page
from core.web.rendering import build_environment

ROOT = Path(__file__).resolve().parent.parent


def _check_unique_routes(host: PluginHost, by_plugin: dict[str, PluginRoutes]) -> None:
    """Refuse two handlers for one path and method: Litestar would silently keep only one."""
    owners: dict[tuple[str, str], str] = {}
    for name, routes in by_plugin.items():
        mount = "" if name == "core" else host.plugins[name].meta.mount
        api_prefix = "/api/v1" if name == "core" else f"/api/v1/{mount}"
        groups = ((api_prefix, routes.api), (f"/{mount}", routes.pages), ("/", routes.public))
        for prefix, values in groups:
            for value in values:
                probe = Router(prefix, route_handlers=[value])
                for path, methods in probe.route_handler_method_map.items():
                    for method in set(methods) - {"OPTIONS"}:
                        key = (path.rstrip("/") or "/", method)
                        if key in owners:
                            raise PluginConfigError(
                                f"{method} {key[0]} is routed twice (by {owners[key]} and {name})"
                            )
                        owners[key] = name


def _without_test_only(routes: PluginRoutes) -> PluginRoutes:
    def keep(values: Sequence[Any]) -> list[Any]:
        return [v for v in values if not getattr(v, "opt", {}).get("test_only")]

    return PluginRoutes(api=keep(routes.api), pages=keep(routes.pages), public=keep(routes.public))


def _routers(host: PluginHost, settings: Settings) -> list[object]:
    by_plugin = host.routes()
    if not settings.is_test:  # the test clock and its kind exist only in MINZHENG_ENV=test
        by_plugin = {name: _without_test_only(routes) for name, routes in by_plugin.items()}
    _check_unique_routes(host, by_plugin)
    routers: list[object] = []
    for name, routes in by_plugin.items():
        if name == "core":
            routers.append(Router("/api/v1", route_handlers=list(routes.api)))
            routers.extend(routes.public)
            continue
        mount = host.plugins[name].meta.mount
        plugin_opt = {"plugin": name}
        if routes.api:
            routers.append(
                Router(f"/api/v1/{mount}", route_handlers=list(routes.api), opt=plugin_opt)
            )
        if routes.pages:
            routers.append(Router(f"/{mount}", route_handlers=list(routes.pages), opt=plugin_opt))
        if routes.public:
            routers.append(Router("/", route_handlers=list(routes.public), opt=plugin_opt))
    return routers


def _static_dirs(host: PluginHost) -> list[Path]:
    dirs = [ROOT / "static"]
    for loaded in host.plugins.values():
        candidate = Path(loaded.module.__file__).resolve().parent / "static"
        if candidate.is_dir():
            dirs.append(candidate)
    return dirs


# How a handler reads the signed-in user. A ``public`` handler doing so checks access by hand,
# which a new page could forget; it declares a permission (or ``auth=True``) instead, or says
# ``user_optional=True`` when it only adapts to a visitor who happens to be signed in.
_READS_USER = re.compile(
    r"require_user\(|current_user\(|scope\.get\(\"user\"\)|scope\[\"user\"\]|request\.user\b"
)


def _reads_user(handler: Any) -> bool:
    try:
        source = inspect.getsource(handler.fn)
    except (OSError, TypeError):
        return False
    return bool(_READS_USER.search(source))


def _check_every_route_declares_access(app: Litestar) -> None:
    """Fail start-up when a handler would be reachable by omission, or is public although it
    looks at who is signed in."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            opt = handler.opt
            if opt.get("public") and not opt.get("user_optional") and _reads_user(handler):
                raise PluginConfigError(
                    f"route {route.path} ({handler.handler_name}) is public but reads the "
                    "current user: declare its permission or auth=True (or user_optional=True)"
                )
            if opt.get("static") or any(key in opt for key in ACCESS_KEYS):
                continue
            if handler.http_methods == {"OPTIONS"}:  # Litestar's generated preflight answer
                continue
            raise PluginConfigError(
                f"route {route.path} ({handler.handler_name}) declares no permission, "
                "auth=True or public=True"
            )


def create_app(settings: Settings | None = None, host: PluginHost | None = None) -> Litestar:
    settings = settings or get_settings()
    db.use_database(settings.database_url)
    host = host or get_host()
    set_host(host)
    db.bind_new_tables()
    use_error_pages(render_error_page)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await db.start()
        await db.listen()
        # Everything loaded so far lives as long as the process: keep it out of the collector,
        # whose full passes over it paused every request for ~90 ms (bench/booking_rush.py).
        gc.collect()
        gc.freeze()
        jobs = asyncio.create_task(job_loop(host)) if app.state.run_jobs else None
        try:
            yield
        finally:
            if jobs is not None:
                jobs.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await jobs
            # A refresh of the indicators finishes and gives its lease back: cut off, it would
            # keep every process from refreshing them for the lease's five minutes.
            await refreshes_done()
            await db.stop()

    static = create_static_files_router(
        path="/static",
        directories=_static_dirs(host),
        opt={"static": True, "public": True},
        include_in_schema=False,
    )
    swagger = swagger_ui_dir()
    docs_assets = (
        [
            create_static_files_router(
                path=SWAGGER_UI_URL,
                directories=[swagger],
                opt={"static": True, "public": True},
                include_in_schema=False,
                name="swagger-ui",
            )
        ]
        if swagger is not None
        else []
    )
    app = Litestar(
        route_handlers=[*_routers(host, settings), *docs_assets, static],
        guards=[access_guard],
        middleware=[RequestGuardMiddleware(), IdentityMiddleware(), IdempotencyMiddleware()],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_send=[add_security_headers],
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="Minzheng 民政 API",
            version="1.0.0",
            description="Public services of the Jianghai District civil-affairs bureau.",
            # The schema's own routes stay out of it, as Litestar's default router keeps them.
            openapi_router=Router(
                "/schema", route_handlers=[], opt={"public": True}, include_in_schema=False
            ),
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin(), LocalSwaggerPlugin()],
        ),
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        request_max_body_size=settings.json_max_bytes,
        debug=False,
    )
    _check_every_route_declares_access(app)
    describe_errors(app)
    app.state.host = host
    app.state.settings = settings
    app.state.jinja = build_environment(host)
    app.state.run_jobs = settings.run_jobs
    return app
