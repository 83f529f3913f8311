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
        "marriage.office.created": "Registry office added",
        "marriage.office.updated": "Registry office updated",
        "marriage.office.printer_calibrated": "Booklet printer calibrated",
        "marriage.registration.printed": "Booklet or registration form printed",
        "marriage.schedule.saved": "Registry schedule saved",
        "marriage.appointment.booked": "Marriage registration booked",
        "marriage.appointment.cancelled": "Appointment cancelled",
        "marriage.appointment.checked_in": "Appointment checked in",
        "marriage.appointment.no_show": "Appointment missed",
        "marriage.block.lifted": "Booking block lifted",
        "marriage.registration.created": "Marriage registered",
        "marriage.divorce.applied": "Divorce application accepted",
        "marriage.divorce.dates_moved": "Divorce dates moved by the holiday schedule",
        "marriage.appointment.closed_day": "Appointment cancelled by the holiday schedule",
        "marriage.appointment.rebooked": "Appointment rebooked with priority",
        "marriage.divorce.withdrawn": "Divorce application withdrawn",
        "marriage.divorce.registered": "Divorce registered",
        "marriage.divorce.expired": "Divorce application lapsed",
        "marriage.certificate.issued": "Marriage certificate issued",
        "marriage.certificate.reissued": "Marriage certificate reissued",
        "marriage.certificate.downloaded": "Marriage certificate downloaded",
        "marriage.status.read": "Marital status looked up",
        "marriage.appointment.read": "Appointment viewed",
        "marriage.registration.read": "Marriage record viewed",
        "marriage.divorce_application.read": "Divorce application viewed",
        "marriage.person_died.handled": "Follow-up after a party's death",
        "marriage.death_revoked.handled": "Marital status restored after a revoked death",
        "marriage.task.opened": "Marriage registry task opened",
        "marriage.task.closed": "Marriage registry task closed",
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
