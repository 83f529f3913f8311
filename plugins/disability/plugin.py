"""Disability subsidies (残疾人两项补贴): the plugin's registration with the core."""

from __future__ import annotations

from core.contributions import PluginMeta, PluginRoutes
from core.hookspecs import hookimpl

PLUGIN_META = PluginMeta(
    name="disability",
    title="残疾人两项补贴",
    title_en="Disability subsidies",
    version="0.1.0",
    mount="disability",
    order=30,
)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.disability.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    return PluginRoutes()
