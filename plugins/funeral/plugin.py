"""Funeral fee waivers (惠民殡葬): the plugin's registration with the core."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.contributions import (
    AuditEventType,
    CertificateTemplate,
    Indicator,
    MenuItem,
    Permission,
    PluginMeta,
    PluginRoutes,
    SearchResult,
)
from core.hookspecs import hookimpl
from core.people.records import PersonRecord

PLUGIN_META = PluginMeta(
    name="funeral",
    title="惠民殡葬",
    title_en="Funeral fee waivers",
    version="0.1.0",
    mount="funeral",
    description="基本殡葬服务费减免、逝者登记与殡仪馆月度结算",
    order=20,
    public_page=True,
)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.funeral.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    from plugins.funeral import api, pages

    return PluginRoutes(api=api.ROUTES, pages=pages.ROUTES)


@hookimpl
def minzheng_permissions() -> list[Permission]:
    return [
        Permission(
            "funeral.policy.write", "Edit the funeral waiver policy / 修改殡葬减免政策", ("admin",)
        ),
        Permission("funeral.waiver.create", "Decide and record waivers / 受理殡葬减免", ("clerk",)),
        Permission(
            "funeral.waiver.read",
            "Read funeral waivers / 查看殡葬减免记录",
            ("clerk", "reviewer"),
        ),
        Permission(
            "funeral.waiver.amend",
            "Void or correct funeral waivers / 作废或更正殡葬减免",
            ("clerk", "reviewer"),
        ),
        Permission(
            "funeral.settlement.read",
            "Read funeral homes' monthly settlements / 查看殡仪馆月度结算",
            ("reviewer",),
        ),
        Permission(
            "funeral.settlement.confirm",
            "Confirm a month's settlement / 确认殡仪馆月度结算",
            ("reviewer",),
        ),
    ]


@hookimpl
def minzheng_audit_event_types() -> list[AuditEventType]:
    names = {
        "funeral.policy.changed": "Funeral waiver policy changed",
        "funeral.person.looked_up": "Person looked up for a funeral waiver",
        "funeral.waiver.recorded": "Funeral waiver recorded",
        "funeral.waiver.read": "Funeral waiver viewed",
        "funeral.waiver.notice_printed": "Waiver notice printed",
        "funeral.waiver.voided": "Funeral waiver voided",
        "funeral.waiver.corrected": "Funeral waiver corrected",
        "funeral.certificate.issued": "Waiver notice issued",
        "funeral.settlement.confirmed": "Funeral settlement confirmed",
    }
    return [AuditEventType(name, label) for name, label in names.items()]


@hookimpl
def minzheng_certificate_templates() -> list[CertificateTemplate]:
    from plugins.funeral.certificates import TEMPLATE

    return [TEMPLATE]


@hookimpl
def minzheng_jinja_environment(env: Any) -> None:
    from plugins.funeral.pages.common import category_label, item_label

    env.globals.update(funeral_category=category_label, funeral_item=item_label)
    env.filters["funeral_category_pair"] = lambda code, lang: (code, category_label(code, lang))


@hookimpl
def minzheng_menu_items(user: object) -> list[MenuItem]:
    return [
        MenuItem(
            "殡葬减免受理",
            "Funeral waiver intake",
            "/funeral/intake",
            200,
            "funeral.waiver.create",
            "funeral",
        ),
        MenuItem(
            "殡葬减免记录",
            "Funeral waivers",
            "/funeral/waivers",
            201,
            "funeral.waiver.read",
            "funeral",
        ),
        MenuItem(
            "殡仪馆结算",
            "Funeral settlements",
            "/funeral/settlements",
            202,
            "funeral.settlement.read",
            "funeral",
        ),
        MenuItem(
            "殡葬减免政策",
            "Funeral waiver policy",
            "/funeral/policy",
            203,
            "funeral.policy.write",
            "funeral",
        ),
    ]


@hookimpl
async def minzheng_indicators(year: int) -> list[Indicator]:
    from plugins.funeral.services.indicators import funeral_indicators

    return await funeral_indicators(year)


@hookimpl
async def minzheng_person_death_revoked(
    person: PersonRecord, died_on: dt.date, reason: str, on: dt.date
) -> None:
    from plugins.funeral.services.revocation import on_death_revoked

    await on_death_revoked(person, died_on, reason, on)


@hookimpl
async def minzheng_search(query: str, user) -> list[SearchResult]:
    if not user.has("funeral.waiver.read"):
        return []
    from plugins.funeral.services.listing import search_waivers

    return await search_waivers(query)


@hookimpl
async def minzheng_load_demo(today: dt.date) -> str | None:
    from plugins.funeral.demo import load_demo

    return await load_demo(today)
