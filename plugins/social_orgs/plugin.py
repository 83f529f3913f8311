"""Social organizations (社会组织管理): the plugin's registration with the core."""

from __future__ import annotations

from core.contributions import PluginMeta, PluginRoutes
from core.hookspecs import hookimpl

PLUGIN_META = PluginMeta(
    name="social_orgs",
    title="社会组织管理",
    title_en="Social organizations",
    version="0.1.0",
    mount="orgs",
    order=40,
)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.social_orgs.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    return PluginRoutes()
