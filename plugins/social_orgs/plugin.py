"""Social organizations (社会组织管理): the plugin's registration with the core."""

from __future__ import annotations

import datetime as dt

from core.auth.identity import CurrentUser
from core.contributions import (
    AuditEventType,
    CalendarMove,
    CertificateTemplate,
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
from core.workdays import WorkCalendar

SLUG = "social_orgs"

PLUGIN_META = PluginMeta(
    name=SLUG,
    title="社会组织管理",
    title_en="Social organizations",
    version="0.1.0",
    mount="orgs",
    description="登记、年度报告、年检、异常名录、双随机抽查、等级评估",
    order=40,
    public_page=True,
)


@hookimpl
async def minzheng_calendar_changed(
    year: int, after: WorkCalendar, today: dt.date, apply: bool
) -> list[CalendarMove]:
    from plugins.social_orgs.services.calendar_moves import calendar_changed

    return await calendar_changed(after, today, apply)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.social_orgs.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    from plugins.social_orgs.api import evaluations, oversight, registry, reports
    from plugins.social_orgs.pages import oversight as oversight_pages
    from plugins.social_orgs.pages import portal, public, staff
    from plugins.social_orgs.pages import tasks as task_pages

    # Fixed paths first: ``/abnormal`` must never be taken for an organization's code.
    api_routes = [*oversight.ROUTES, *evaluations.ROUTES, *reports.ROUTES, *registry.ROUTES]
    page_routes = [
        *portal.ROUTES,
        *staff.ROUTES,
        *task_pages.ROUTES,
        *oversight_pages.ROUTES,
        *public.ROUTES,
    ]
    return PluginRoutes(api=api_routes, pages=page_routes)


@hookimpl
def minzheng_permissions() -> list[Permission]:
    return [
        Permission("social_orgs.register", "登记社会组织、开设组织账号 / Register", ("clerk",)),
        Permission("social_orgs.report.file", "填报本组织年度报告 / File reports", ("org",)),
        Permission(
            "social_orgs.report.read",
            "查阅社会组织年度报告 / Read annual reports",
            ("admin", "clerk", "reviewer"),
        ),
        Permission("social_orgs.inspect", "年检、退回更正 / Inspect and return", ("clerk",)),
        Permission(
            "social_orgs.abnormal.read",
            "查阅活动异常名录 / Read the abnormal list",
            ("admin", "clerk", "reviewer"),
        ),
        Permission(
            "social_orgs.deregistration.decide",
            "决定撤销登记建议 / Decide deregistration proposals",
            ("reviewer",),
        ),
        Permission(
            "social_orgs.tasks.read",
            "查阅社会组织待办（法定代表人变更）/ Read organization tasks",
            ("clerk", "reviewer"),
        ),
        Permission("social_orgs.spot_check.draw", "双随机抽查 / Draw spot checks", ("reviewer",)),
        Permission("social_orgs.evaluate", "等级评估 / Graded evaluation", ("reviewer",)),
        Permission(
            "social_orgs.policy.edit", "修改评估等级分数线 / Edit grade thresholds", ("admin",)
        ),
    ]


@hookimpl
def minzheng_audit_event_types() -> list[AuditEventType]:
    names = {
        "social_orgs.org.registered": "Organization registered",
        "social_orgs.report.saved": "Annual report draft saved",
        "social_orgs.report.submitted": "Annual report submitted",
        "social_orgs.report.resubmitted": "Corrected annual report submitted",
        "social_orgs.report.returned": "Annual report returned for correction",
        "social_orgs.report.inspected": "Annual inspection result",
        "social_orgs.deregistration.confirmed": "Deregistration confirmed",
        "social_orgs.deregistration.rejected": "Deregistration refused",
        "social_orgs.spot_check.drawn": "Random spot check drawn",
        "social_orgs.policy.changed": "Grade thresholds changed",
        "social_orgs.evaluation.created": "Evaluation result on public notice",
        "social_orgs.evaluation.announced": "Evaluation result announced",
        "social_orgs.evaluation.notice_moved": "Public notice moved by the holiday schedule",
        "social_orgs.certificate.issued": "Grade certificate issued",
        "social_orgs.demo.loaded": "Organization demo data loaded",
        "social_orgs.task.opened": "Organization task opened (legal representative change)",
        "social_orgs.task.closed": "Organization task closed",
        "social_orgs.legal_representative.changed": "Legal representative change registered",
    }
    return [AuditEventType(name, label) for name, label in names.items()]


@hookimpl
def minzheng_certificate_templates() -> list[CertificateTemplate]:
    from plugins.social_orgs.certificates import TEMPLATES

    return TEMPLATES


async def _send_reminders(today: dt.date) -> str:
    from plugins.social_orgs.services.enforcement import send_reminders

    return f"reminders sent: {await send_reminders(today)}"


async def _announce_evaluations(today: dt.date) -> str:
    from plugins.social_orgs.services.evaluations import announce_due

    return f"evaluations announced: {await announce_due(today)}"


async def _sync_tasks(today: dt.date) -> str:
    from plugins.social_orgs.services.tasks import sync_tasks

    return await sync_tasks(today)


@hookimpl
def minzheng_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("social_orgs.sync_tasks", 3600, _sync_tasks, plugin=SLUG),
        ScheduledJob("social_orgs.send_reminders", 3600, _send_reminders, plugin=SLUG),
        ScheduledJob("social_orgs.announce_evaluations", 3600, _announce_evaluations, plugin=SLUG),
    ]


@hookimpl
def minzheng_menu_items(user: CurrentUser | None) -> list[MenuItem]:
    items = [
        ("社会组织", "Social organizations", "/orgs/", 400, None),
        ("年度报告", "Annual reports", "/orgs/portal", 401, "social_orgs.report.file"),
        ("社会组织登记", "Org registry", "/orgs/registry", 402, "social_orgs.register"),
        ("年检", "Inspections", "/orgs/inspections", 403, "social_orgs.inspect"),
        ("社会组织待办", "Organization tasks", "/orgs/tasks", 407, "social_orgs.tasks.read"),
        ("异常名录", "Abnormal list", "/orgs/abnormal", 404, "social_orgs.abnormal.read"),
        ("双随机抽查", "Spot checks", "/orgs/spot-checks", 405, "social_orgs.spot_check.draw"),
        ("等级评估", "Evaluations", "/orgs/evaluations", 406, "social_orgs.evaluate"),
    ]
    return [MenuItem(zh, en, href, order, perm, plugin=SLUG) for zh, en, href, order, perm in items]


@hookimpl
async def minzheng_indicators(year: int) -> list[Indicator]:
    from plugins.social_orgs.services.indicators import indicators

    return await indicators(year)


@hookimpl
async def minzheng_search(query: str, user: CurrentUser) -> list[SearchResult]:
    from plugins.social_orgs.services.registry import search

    return await search(query, user)


@hookimpl
async def minzheng_person_died(person: PersonRecord, died_on: dt.date) -> None:
    from plugins.social_orgs.services.tasks import on_person_died

    await on_person_died(person, died_on)


@hookimpl
async def minzheng_person_death_revoked(
    person: PersonRecord, died_on: dt.date, reason: str, on: dt.date
) -> None:
    from plugins.social_orgs.services.tasks import on_death_revoked

    await on_death_revoked(person, reason, on)


@hookimpl
async def minzheng_load_demo(today: dt.date) -> str | None:
    from plugins.social_orgs.demo import load_demo

    return await load_demo(today)
