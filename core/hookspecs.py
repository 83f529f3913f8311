"""The hook contract between the core and its plugins (pluggy project ``minzheng``).

Every hook is keyword-only; an implementation may accept a subset of the arguments.
Registration hooks run once at start-up and are called on every installed plugin.
Broadcast hooks run at request time and reach **enabled plugins only**.
Implementations of hooks marked *async* may be ``async def``: the host awaits each result in
turn (never concurrently: they share the caller's database transaction).
Order of contributions is their explicit ``order`` field, never the call order.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from jinja2 import Environment

    from core.auth.identity import CurrentUser
    from core.contributions import (
        AuditEventType,
        CalendarMove,
        CertificateTemplate,
        CliCommand,
        Indicator,
        MenuItem,
        OutgoingMessage,
        Permission,
        PluginRoutes,
        ScheduledJob,
        SearchResult,
    )
    from core.people.records import PersonRecord
    from core.workdays import WorkCalendar

PROJECT = "minzheng"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -------------------------------------------------------------------------------------------------
# Registration hooks (start-up, every installed plugin)
# -------------------------------------------------------------------------------------------------


@hookspec
def minzheng_route_handlers() -> PluginRoutes:
    """Return the plugin's route handlers.

    Called once at start-up. ``PluginRoutes.api`` is mounted under ``/api/v1/<mount>``,
    ``pages`` under ``/<mount>``. All routes stay mounted; while the plugin is disabled a guard
    answers 404. Each handler names its permission in ``opt={"permission": "<name>"}``.
    """


@hookspec
def minzheng_piccolo_apps() -> list[str]:
    """Return dotted paths of the plugin's Piccolo ``AppConfig`` modules (tables, migrations).

    Called once when the database configuration is built; ``minzheng migrate`` applies their
    migrations after core's.
    """


@hookspec
def minzheng_permissions() -> list[Permission]:
    """Return the permissions the plugin checks, each with the roles granted it by default.

    Called once at start-up. A permission name contributed twice stops start-up.
    """


@hookspec
def minzheng_audit_event_types() -> list[AuditEventType]:
    """Return the audit actions the plugin writes (``<plugin>.<entity>.<verb>``).

    Called once at start-up; the admin audit page shows their labels, English message ids the
    plugin's catalog translates. A duplicate name stops start-up.
    """


@hookspec
def minzheng_certificate_templates() -> list[CertificateTemplate]:
    """Return the certificate kinds the plugin issues and how to draw them.

    Called once at start-up; a duplicate kind stops start-up.
    """


@hookspec
def minzheng_scheduled_jobs() -> list[ScheduledJob]:
    """Return periodic jobs (no-show marking, deadline sweeps, reminders).

    Called once at start-up. Jobs of disabled plugins are skipped when due. A lease in the
    database makes one process run each job at a time.
    """


@hookspec
def minzheng_cli_commands() -> list[CliCommand]:
    """Return extra ``minzheng`` sub-commands (``payroll run`` …). Called once when the CLI starts;
    a duplicate command name stops it."""


@hookspec
def minzheng_load_demo(today: dt.date) -> None:
    """*async* Load the plugin's part of the demo data set (``minzheng demo``).

    Called after core's demo people, offices' staff and rosters exist; runs on every installed
    plugin in plugin order. Must be idempotent: a second ``minzheng demo`` adds nothing twice.
    Return a short summary line (or None).
    """


@hookspec
def minzheng_jinja_environment(env: Environment) -> None:
    """Add filters and globals to the shared Jinja environment. Called once at start-up."""


# -------------------------------------------------------------------------------------------------
# Broadcast hooks (runtime, enabled plugins only)
# -------------------------------------------------------------------------------------------------


@hookspec
def minzheng_menu_items(user: CurrentUser | None) -> list[MenuItem]:
    """Return navigation entries for ``user`` (``None`` when signed out).

    Called on every page render. Entries whose ``permission`` the user lacks are dropped by the
    core, so plugins need not filter.
    """


@hookspec
def minzheng_indicators(year: int) -> list[Indicator]:
    """*async* Return the plan's indicators this plugin computes for ``year``.

    Called by ``GET /api/v1/stats/indicators`` and the dashboard.
    """


@hookspec
def minzheng_person_died(person: PersonRecord, died_on: dt.date) -> None:
    """*async* React to a recorded death (a funeral waiver or a clerk's correction).

    Called inside the transaction that records the death: write through the ORM and do not
    commit or start concurrent queries. Raise ``Refusal`` to refuse the whole change.
    """


@hookspec
def minzheng_person_death_revoked(
    person: PersonRecord, died_on: dt.date, reason: str, on: dt.date
) -> None:
    """*async* Undo the plugin's reaction to a death recorded in error (死亡登记更正).

    ``person`` is the record as it is now (alive again: ``deceased_on`` is None); ``died_on`` is
    the date of death that is being revoked, ``reason`` the reviewer's reason and ``on`` the day
    of the revocation. Called inside the transaction that revokes the death, with the same rules
    as ``minzheng_person_died``: write through the ORM, do not commit, raise ``Refusal`` to
    refuse the whole revocation. An implementation undoes only what that death caused.
    """


@hookspec
def minzheng_person_moved(person: PersonRecord, old: str | None, new: str, on: dt.date) -> None:
    """*async* React to a change of hukou division from ``old`` to ``new`` effective ``on``.

    Same transaction rules as ``minzheng_person_died``.
    """


@hookspec
def minzheng_search(query: str, user: CurrentUser) -> list[SearchResult]:
    """*async* Return results for the clerk's global search box.

    Return only what ``user`` may see; personal data masked. Called with a stripped, non-empty
    query.
    """


@hookspec(firstresult=True)
def minzheng_send_notification(message: OutgoingMessage) -> bool | None:
    """*async* Deliver one outbox message; return True when sent, raise on failure.

    Stops at first non-None result. The core's default sender (lowest priority) keeps the
    message in the outbox and reports it sent. A raised exception is retried later.
    """


@hookspec
def minzheng_plugin_switched(name: str, enabled: bool) -> None:
    """*async* Called on every installed plugin after ``name`` was enabled or disabled.

    A plugin reacts only to its own name (its ``on_enable``/``on_disable``).
    """


@hookspec
def minzheng_calendar_changed(
    year: int, before: WorkCalendar, after: WorkCalendar, today: dt.date, apply: bool
) -> list[CalendarMove]:
    """*async* An official holiday schedule for ``year`` is being entered (``PUT
    /api/v1/calendar/{year}``); ``before`` and ``after`` are the whole calendar without and with it.

    Return every date the plugin has already told a person that ``after`` changes (only dates
    on or after ``today``): the recomputed date, kept never earlier than told
    (``core.workdays.kept_promise``), or ``moved_to=None`` for an appointment on a day now closed.
    With ``apply=False`` (the admin's preview) change nothing. With ``apply=True`` the call runs
    inside the transaction that stores the year: write the new dates, audit each one and notify
    the person through the outbox (``core.notifications.enqueue``); raise ``Refusal`` to
    refuse the whole change.
    """


@hookspec
def minzheng_office_codes() -> list[str]:
    """*async* The codes of the offices (service windows) this plugin keeps, such as ``JH01``.

    Asked when a staff account is bound to an office (``minzheng createuser --office``), so a
    typing error does not create a clerk of an office that does not exist. Enabled plugins only.
    """


def documented_hooks() -> dict[str, Any]:
    """Every hook of the contract by name (used by the docs test)."""
    return {name: obj for name, obj in globals().items() if name.startswith("minzheng_")}
