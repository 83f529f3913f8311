"""The core's own contributions, registered like any plugin (the core eats its own cooking)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.contributions import (
    AuditEventType,
    MenuItem,
    OutgoingMessage,
    Permission,
    PluginRoutes,
    ScheduledJob,
    SearchResult,
)
from core.hookspecs import hookimpl

if TYPE_CHECKING:
    from core.auth.identity import CurrentUser


@hookimpl
def minzheng_permissions() -> list[Permission]:
    return [
        Permission("core.admin", "Administer the bureau's system / 系统管理", ("admin",)),
        Permission(
            "core.people.read",
            "Read full personal records / 查看个人信息",
            ("admin", "clerk", "reviewer"),
        ),
        Permission(
            "core.people.write", "Record deaths and hukou moves / 登记死亡与户籍迁移", ("clerk",)
        ),
        Permission(
            "core.people.death.revoke",
            "Revoke a death recorded in error / 更正误登记的死亡",
            ("reviewer",),
        ),
        Permission("core.roster.import", "Import assistance rosters / 导入救助名册", ("admin",)),
        Permission(
            "core.stats.read", "Read the plan's indicators / 查看规划指标", ("admin", "reviewer")
        ),
        Permission("core.search", "Global search / 全局搜索", ("admin", "clerk", "reviewer")),
        Permission(
            "core.account",
            "A citizen's own account: verification, phone / 公众本人账号与身份核验",
            ("citizen",),
        ),
        Permission(
            "core.citizens.verify",
            "Verify a citizen's identity card at the window / 窗口核验公众身份",
            ("clerk",),
        ),
    ]


@hookimpl
def minzheng_audit_event_types() -> list[AuditEventType]:
    names = {
        "core.user.created": "Staff account created",
        "core.user.activated": "Account activated",
        "core.user.deactivated": "Account deactivated",
        "core.citizen.registered": "Resident signed up",
        "core.citizen.phone_confirmed": "Phone number confirmed",
        "core.citizen.identity_verified": "Resident's identity verified",
        "core.citizen.activated": "Resident account activated",
        "core.citizen.password_reset_requested": "Password reset requested",
        "core.citizen.password_reset": "Password reset",
        "core.org_account.created": "Organization account created",
        "core.login.failed": "Sign-in failed",
        "core.plugin.enabled": "Service switched on",
        "core.plugin.disabled": "Service switched off",
        "core.person.read": "Full personal record viewed",
        "core.person.died": "Death recorded",
        "core.person.death_revoked": "Death recorded in error revoked",
        "core.person.moved": "Household registration moved",
        "core.roster.imported": "Assistance roster imported",
        "core.certificate.voided": "Certificate voided",
        "core.notification.retried": "Message sent again",
        "core.login.succeeded": "Signed in",
        "core.logout": "Signed out",
        "core.clock.set": "Test clock set",
        "core.clock.reset": "Test clock reset",
        "core.backup.restored": "Backup restored",
        "core.calendar.entered": "Holiday schedule entered",
        "core.plan.target_set": "Plan target set",
    }
    return [AuditEventType(name, label) for name, label in names.items()]


@hookimpl
def minzheng_menu_items(user: object) -> list[MenuItem]:
    return [
        MenuItem("首页", "Home", "/", 0),
        MenuItem("我的账号", "My account", "/account", 5, "core.account"),
        MenuItem(
            "核验公众身份",
            "Verify a citizen's identity",
            "/citizens/verify",
            800,
            "core.citizens.verify",
        ),
        MenuItem("规划指标", "Indicators", "/admin/dashboard", 900, "core.stats.read"),
        MenuItem("系统管理", "Administration", "/admin", 950, "core.admin"),
    ]


async def _deliver(today: dt.date) -> str:
    from core.notifications import deliver_due

    sent, failed = await deliver_due()
    return f"sent {sent}, failed {failed}"


async def _keep_calendar_promises(today: dt.date) -> str:
    from core.calendar_store import keep_promises

    return await keep_promises(today)


async def _purge_rate_events(today: dt.date) -> str:
    from core.auth.ratelimit import purge_old_events

    return f"purged {await purge_old_events()}"


async def _purge_idempotency_keys(today: dt.date) -> str:
    from core.idempotency import purge_expired

    return f"purged {await purge_expired()}"


async def _anchor_audit_chain(today: dt.date) -> str:
    from core.audit.anchors import ANCHOR_FILE, anchor
    from core.settings import get_settings

    entry = await anchor(get_settings().data_dir / ANCHOR_FILE)
    return f"anchored seq {entry['seq']}"


async def _seal_audit_chain(today: dt.date) -> str:
    from core.audit import seal

    if not await seal():
        raise RuntimeError("audit entries not sealed (logged)")
    return "sealed"


async def _warm_indicators(today: dt.date) -> str:
    from core.plan import FOURTEENTH
    from core.plugins import get_host

    host = get_host()
    years = range(FOURTEENTH.first_year, today.year + 1)  # the dashboard's years
    counted = [str(year) for year in years if await host.warm_indicators(year)]
    return f"counted {', '.join(counted) or 'none'}"


@hookimpl
def minzheng_scheduled_jobs() -> list[ScheduledJob]:
    return [
        ScheduledJob("core.anchor_audit_chain", 86400, _anchor_audit_chain),
        # Entries a process committed but could not seal (it died, the database failed over)
        # are chained even if nothing is written for a while.
        ScheduledJob("core.seal_audit_chain", 60, _seal_audit_chain),
        ScheduledJob("core.purge_idempotency_keys", 3600, _purge_idempotency_keys),
        ScheduledJob("core.deliver_notifications", 30, _deliver),
        ScheduledJob("core.purge_rate_events", 3600, _purge_rate_events),
        ScheduledJob("core.calendar_promises", 6 * 3600, _keep_calendar_promises),
        # The day's first count and a busy day's refreshes, so that views need not wait.
        ScheduledJob("core.warm_indicators", 60, _warm_indicators),
    ]


@hookimpl(trylast=True)
async def minzheng_send_notification(message: OutgoingMessage) -> bool:
    """Default sender: the outbox itself is the delivery (admin pages list the messages)."""
    return True


@hookimpl
async def minzheng_search(query: str, user: CurrentUser) -> list[SearchResult]:
    from core.search import core_results

    return await core_results(query, user)


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    from core.api import (
        admin,
        auth,
        calendar,
        citizens,
        oidc,
        people,
        search,
        stats,
        testing,
        verify,
    )
    from core.web import calendar_pages, dashboard, pages, plan_page
    from core.web import search as search_pages

    api = [*auth.ROUTES, *admin.ROUTES, *people.ROUTES, *stats.ROUTES, *search.ROUTES]
    api += calendar.ROUTES
    api += [*citizens.ROUTES, *oidc.ROUTES, *verify.API_ROUTES]
    api += testing.ROUTES  # marked test_only: create_app drops them unless MINZHENG_ENV=test
    public = [*verify.PUBLIC_ROUTES, *pages.ROUTES, *dashboard.ROUTES, *search_pages.ROUTES]
    public += calendar_pages.ROUTES
    public += plan_page.ROUTES
    return PluginRoutes(api=api, pages=[], public=public)


@hookimpl
def minzheng_piccolo_apps() -> list[str]:
    return ["core.piccolo_app"]
