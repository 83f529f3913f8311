"""Funeral fee waivers (惠民殡葬): the plugin's registration with the core."""

from __future__ import annotations

from core.contributions import PluginMeta, PluginRoutes
from core.hookspecs import hookimpl

PLUGIN_META = PluginMeta(
    name="funeral",
    title="惠民殡葬",
    title_en="Funeral fee waivers",
    version="0.1.0",
    mount="funeral",
    order=20,
)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.funeral.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    return PluginRoutes()
