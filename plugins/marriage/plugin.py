"""Marriage registration (婚姻登记): the plugin's registration with the core."""

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

PLUGIN_META = PluginMeta(
    name="marriage",
    title="婚姻登记",
    title_en="Marriage registration",
    version="0.1.0",
    mount="marriage",
    description="预约、结婚登记、离婚冷静期、补领证件 / Booking, registration, divorce, reissue",
    order=10,
    public_page=True,
)
SLUG = PLUGIN_META.name


@hookimpl
async def minzheng_calendar_changed(
    year: int, before: WorkCalendar, after: WorkCalendar, today: dt.date, apply: bool
) -> list[CalendarMove]:
    from plugins.marriage.services.calendar_moves import calendar_changed

    return await calendar_changed(year, before, after, today, apply)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["plugins.marriage.piccolo_app"]


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    from plugins.marriage.api import appointments, offices, registrations, tasks
    from plugins.marriage.pages import admin, citizen, clerk, clerk_divorce, printing
    from plugins.marriage.pages import tasks as task_pages

    return PluginRoutes(
        api=[*offices.ROUTES, *appointments.ROUTES, *registrations.ROUTES, *tasks.ROUTES],
        pages=[
            *citizen.ROUTES,
            *clerk.ROUTES,
            *clerk_divorce.ROUTES,
            *admin.ROUTES,
            *printing.ROUTES,
            *task_pages.ROUTES,
        ],
    )


@hookimpl
def minzheng_permissions() -> list[Permission]:
    return [
        Permission(
            "marriage.book", "Book marriage-registry appointments / 婚姻登记预约", ("citizen",)
        ),
        Permission(
            "marriage.appointments.manage",
            "See, check in and cancel appointments / 管理婚姻登记预约",
            ("clerk",),
        ),
        Permission(
            "marriage.register",
            "Register marriages and divorces, reissue certificates / 办理婚姻登记",
            ("clerk",),
        ),
        Permission(
            "marriage.status.read", "Query a person's marital status / 查询婚姻状况", ("clerk",)
        ),
        Permission(
            "marriage.certificates.print",
            "Print marriage and divorce certificates / 打印婚姻登记证件",
            ("clerk",),
        ),
        Permission(
            "marriage.offices.manage",
            "Manage registry offices and schedules / 管理婚姻登记处与排班",
            ("admin",),
        ),
        Permission(
            "marriage.blocks.manage",
            "Lift no-show booking blocks / 解除预约限制",
            ("admin",),
        ),
    ]


@hookimpl
def minzheng_audit_event_types() -> list[AuditEventType]:
    names = {
        "marriage.office.created": "新增婚姻登记处",
        "marriage.office.updated": "更新婚姻登记处信息",
        "marriage.office.printer_calibrated": "校准套打打印机",
        "marriage.registration.printed": "打印套打证书或登记表",
        "marriage.schedule.saved": "保存婚姻登记排班",
        "marriage.appointment.booked": "婚姻登记预约",
        "marriage.appointment.cancelled": "取消婚姻登记预约",
        "marriage.appointment.checked_in": "婚姻登记预约签到",
        "marriage.appointment.no_show": "婚姻登记预约未到",
        "marriage.block.lifted": "解除预约限制",
        "marriage.registration.created": "结婚登记",
        "marriage.divorce.applied": "受理离婚登记申请",
        "marriage.divorce.dates_moved": "放假安排变更离婚登记日期",
        "marriage.appointment.closed_day": "放假安排变更取消预约",
        "marriage.appointment.rebooked": "优先改约",
        "marriage.divorce.withdrawn": "撤回离婚登记申请",
        "marriage.divorce.registered": "离婚登记",
        "marriage.divorce.expired": "离婚登记申请逾期视为撤回",
        "marriage.certificate.issued": "签发婚姻登记证",
        "marriage.certificate.reissued": "补领婚姻登记证",
        "marriage.certificate.downloaded": "下载婚姻登记证",
        "marriage.status.read": "查询婚姻状况",
        "marriage.appointment.read": "查看预约详情",
        "marriage.registration.read": "查看婚姻登记记录",
        "marriage.divorce_application.read": "查看离婚登记申请",
        "marriage.person_died.handled": "当事人死亡后续处理",
        "marriage.death_revoked.handled": "误登记死亡撤销后恢复婚姻状况",
        "marriage.task.opened": "婚姻登记待办",
        "marriage.task.closed": "办结婚姻登记待办",
    }
    return [AuditEventType(name, label) for name, label in names.items()]


@hookimpl
def minzheng_certificate_templates() -> list[CertificateTemplate]:
    from plugins.marriage.certificates import TEMPLATES

    return list(TEMPLATES)


async def _mark_no_shows(today: dt.date) -> str:
    from plugins.marriage.services.no_shows import mark_no_shows

    return await mark_no_shows(today)


async def _sweep_divorces(today: dt.date) -> str:
    from plugins.marriage.services.divorce import sweep_expired

    return await sweep_expired(today)


async def _roll_schedules(today: dt.date) -> str:
    from plugins.marriage.services.offices import roll_schedules_forward

    return await roll_schedules_forward(today)


@hookimpl
def minzheng_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("marriage.mark_no_shows", 600, _mark_no_shows, plugin=SLUG),
        ScheduledJob("marriage.expire_divorce_applications", 3600, _sweep_divorces, plugin=SLUG),
        ScheduledJob("marriage.publish_slots", 3600, _roll_schedules, plugin=SLUG),
    ]


@hookimpl
def minzheng_menu_items(user: CurrentUser | None) -> list[MenuItem]:
    return [
        MenuItem(
            "婚姻登记预约",
            "Book marriage registration",
            "/marriage/book",
            10,
            "marriage.book",
            SLUG,
        ),
        MenuItem("我的预约", "My bookings", "/marriage/my", 11, "marriage.book", SLUG),
        MenuItem(
            "婚姻登记工作台",
            "Marriage workbench",
            "/marriage/workbench",
            12,
            "marriage.register",
            SLUG,
        ),
        MenuItem(
            "婚姻登记处",
            "Marriage registries",
            "/marriage/admin/offices",
            13,
            "marriage.offices.manage",
            SLUG,
        ),
    ]


@hookimpl
async def minzheng_indicators(year: int) -> list[Indicator]:
    from plugins.marriage.services.indicators import indicators

    return await indicators(year)


@hookimpl
async def minzheng_person_died(person: PersonRecord, died_on: dt.date) -> None:
    from plugins.marriage.services.deaths import on_person_died

    await on_person_died(person, died_on)


@hookimpl
async def minzheng_person_death_revoked(
    person: PersonRecord, died_on: dt.date, reason: str, on: dt.date
) -> None:
    from plugins.marriage.services.tasks import on_death_revoked

    await on_death_revoked(person, died_on, reason, on)


@hookimpl
async def minzheng_search(query: str, user: CurrentUser) -> list[SearchResult]:
    from plugins.marriage.services.search import search

    return await search(query, user)


@hookimpl
async def minzheng_office_codes() -> list[str]:
    from plugins.marriage.tables import Office

    return [row["code"] for row in await Office.select(Office.code)]


@hookimpl
async def minzheng_load_demo(today: dt.date) -> str | None:
    from plugins.marriage.demo import load_demo

    return await load_demo(today)
