"""Disability subsidies (残疾人两项补贴): the plugin's registration with the core."""

from __future__ import annotations

import datetime as dt

from core.auth.identity import CurrentUser
from core.contributions import (
    AuditEventType,
    CliCommand,
    Indicator,
    MenuItem,
    Permission,
    PluginMeta,
    PluginRoutes,
    ScheduledJob,
    SearchResult,
)
from core.hookspecs import hookimpl
from core.people.records import PersonRecord

PLUGIN_META = PluginMeta(
    name="disability",
    title="残疾人两项补贴",
    title_en="Disability subsidies",
    version="0.1.0",
    mount="disability",
    description="困难残疾人生活补贴和重度残疾人护理补贴：申请、审核、发放",
    order=30,
)
SLUG = PLUGIN_META.name


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.disability.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    from plugins.disability.api import ROUTES
    from plugins.disability.pages import PAGES

    return PluginRoutes(api=ROUTES, pages=PAGES)


@hookimpl
def minzheng_permissions() -> list[Permission]:
    return [
        Permission(
            "disability.apply", "Apply for the two subsidies / 申请两项补贴", ("clerk", "citizen")
        ),
        Permission(
            "disability.application.read",
            "Read subsidy applications (citizens: their own) / 查看两项补贴申请",
            ("clerk", "reviewer", "citizen"),
        ),
        Permission("disability.street_review", "Street review / 街道审核", ("clerk",)),
        Permission("disability.approve", "District approval / 区级审批", ("reviewer",)),
        Permission(
            "disability.beneficiaries", "Read beneficiaries / 查看受益人", ("clerk", "reviewer")
        ),
        Permission(
            "disability.beneficiary.manage",
            "Record re-assessed grades and annual reviews / 登记等级变更和年度复核",
            ("clerk", "reviewer"),
        ),
        Permission("disability.stop", "Stop payment (fraud, request) / 停发补贴", ("reviewer",)),
        Permission("disability.payroll", "Run and export the payroll / 补贴发放", ("reviewer",)),
        Permission(
            "disability.settings", "Set standards and policy / 设定补贴标准和政策", ("admin",)
        ),
    ]


@hookimpl
def minzheng_audit_event_types() -> list[AuditEventType]:
    names = {
        "disability.standard.set": "Subsidy standards set",
        "disability.policy.set": "Subsidy coverage policy set",
        "disability.application.submitted": "Disability subsidy application accepted",
        "disability.application.read": "Disability subsidy application viewed",
        "disability.application.street_approved": "Approved by the street office",
        "disability.application.street_rejected": "Refused by the street office",
        "disability.application.approved": "Approved by the district",
        "disability.application.rejected": "Refused by the district",
        "disability.beneficiary.stopped": "Subsidy payments stopped",
        "disability.beneficiary.resumed": "Subsidy payments resumed (death revoked)",
        "disability.beneficiary.regraded": "Disability grade changed",
        "disability.beneficiary.reviewed": "Annual subsidy review",
        "disability.beneficiary.review_reminded": "Annual review reminder sent",
        "disability.payroll.completed": "Subsidies paid",
        "disability.payroll.exported": "Bank payment file exported",
    }
    return [AuditEventType(name, label) for name, label in names.items()]


@hookimpl
def minzheng_menu_items(user: CurrentUser | None) -> list[MenuItem]:
    # A resident's list holds their own applications, not a review queue.
    own = user is not None and user.kind == "citizen"
    applications = (
        ("我的两项补贴申请", "My subsidy applications")
        if own
        else ("两项补贴审核", "Disability subsidy reviews")
    )
    return [
        MenuItem(
            "两项补贴申请",
            "Disability subsidy application",
            "/disability/apply",
            300,
            "disability.apply",
            SLUG,
        ),
        MenuItem(
            *applications,
            "/disability/applications",
            301,
            "disability.application.read",
            SLUG,
        ),
        MenuItem(
            "两项补贴受益人",
            "Subsidy beneficiaries",
            "/disability/beneficiaries",
            302,
            "disability.beneficiaries",
            SLUG,
        ),
        MenuItem(
            "两项补贴发放",
            "Subsidy payroll",
            "/disability/payroll",
            303,
            "disability.payroll",
            SLUG,
        ),
        MenuItem(
            "两项补贴标准",
            "Subsidy standards",
            "/disability/standards",
            304,
            "disability.settings",
            SLUG,
        ),
    ]


@hookimpl
def minzheng_cli_commands() -> list[CliCommand]:
    from plugins.disability.cli import PAYROLL_COMMAND

    return [PAYROLL_COMMAND]


@hookimpl
def minzheng_scheduled_jobs() -> list[ScheduledJob]:
    from plugins.disability.services.jobs import remind_reviews, stop_deceased

    return [
        ScheduledJob("disability.stop_deceased", 3600, stop_deceased, SLUG),
        ScheduledJob("disability.review_reminders", 6 * 3600, remind_reviews, SLUG),
    ]


@hookimpl
async def minzheng_indicators(year: int) -> list[Indicator]:
    from plugins.disability.services.indicators import subsidy_indicators

    return await subsidy_indicators(year)


@hookimpl
async def minzheng_person_died(person: PersonRecord, died_on: dt.date) -> None:
    from plugins.disability.services.stops import on_person_died

    await on_person_died(person, died_on)


@hookimpl
async def minzheng_person_death_revoked(
    person: PersonRecord, died_on: dt.date, reason: str, on: dt.date
) -> None:
    from plugins.disability.services.stops import on_death_revoked

    await on_death_revoked(person, died_on, reason)


@hookimpl
async def minzheng_person_moved(
    person: PersonRecord, old: str | None, new: str, on: dt.date
) -> None:
    from plugins.disability.services.stops import on_person_moved

    await on_person_moved(person, new, on)


@hookimpl
async def minzheng_search(query: str, user: CurrentUser) -> list[SearchResult]:
    from plugins.disability.services.search import search_applications

    return await search_applications(query, user)


@hookimpl
async def minzheng_load_demo(today: dt.date) -> str | None:
    from plugins.disability.demo import load_demo

    return await load_demo(today)
