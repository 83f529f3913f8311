"""Marriage registration (婚姻登记): the plugin's registration with the core."""

from __future__ import annotations

from core.contributions import PluginMeta, PluginRoutes
from core.hookspecs import hookimpl

PLUGIN_META = PluginMeta(
    name="marriage",
    title="婚姻登记",
    title_en="Marriage registration",
    version="0.1.0",
    mount="marriage",
    order=10,
)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.marriage.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    return PluginRoutes()
