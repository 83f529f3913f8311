"""The bureau's administration pages: services on/off, staff accounts, audit log, outbox.

Every handler needs ``core.admin``; forms post back here with the session's ``_csrf`` and
redirect (303) to the list with a one-time message, so a refresh never repeats an action.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
from litestar import Request, Response, get, post

from core import clock
from core.audit import verify_chain
from core.audit.listing import audit_entries, events_page
from core.auth.accounts import create_staff_user, set_active
from core.auth.identity import STAFF_ROLES
from core.certificates.fonts import font_status
from core.i18n import gettext_for
from core.notifications import retry_failed
from core.plugins import get_host
from core.refusals import Refusal
from core.settings import get_settings
from core.tables import Account, AuditEvent, Notification
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    confirmation_page,
    confirmed,
    field_errors,
    read_form,
    reposted,
)
from core.web.paging import Pager, requested_page
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language

ADMIN = {"permission": "core.admin"}
ADMIN_CONFIRMED = {**ADMIN, CONFIRM: True}
OUTBOX_STATUSES = ("pending", "sent", "failed")
USER_ERRORS = {
    "INVALID_USERNAME": (
        "username",
        N_("Use 3 to 64 letters, digits, dots, underscores or hyphens."),
    ),
    "USERNAME_TAKEN": ("username", N_("This username is taken already.")),
    "WEAK_PASSWORD": (
        "password",
        N_("Choose a password of at least 10 characters, not a common one nor the username."),
    ),
    "INVALID_ROLE": ("roles", N_("Choose at least one role.")),
    "OFFICE_REQUIRED": ("office_code", N_("A clerk works at an office: enter its code.")),
}


# ------------------------------------------------------------------------------------- hub


@get("/admin", opt=ADMIN, include_in_schema=False)
async def admin_hub(request: Request) -> Response:
    host = request.app.state.host
    enabled = await host.enabled()
    settings = get_settings()
    counts = {
        "plugins_enabled": len(enabled),
        "plugins_total": len(host.plugins),
        "staff_active": await Account.count().where(
            (Account.kind == "staff") & (Account.active == True)  # noqa: E712 (SQL, not Python)
        ),
        "pending": await Notification.count().where(Notification.status == "pending"),
        "failed": await Notification.count().where(Notification.status == "failed"),
        # The chain's length, as the audit log's own total: counting a province's million
        # entries on every view of this page took a scan.
        "audit": await audit_entries(),
    }
    fonts = await anyio.to_thread.run_sync(font_status)
    return await render_page(
        request,
        "admin/index.html",
        {
            "counts": counts,
            "fonts": fonts,
            "engine": "SQLite" if settings.is_sqlite else "PostgreSQL",
            "public_url": settings.public_url,
        },
    )


# --------------------------------------------------------------------------------- plugins


@get("/admin/plugins", opt=ADMIN, include_in_schema=False)
async def plugins_page(request: Request) -> Response:
    host = request.app.state.host
    enabled = await host.enabled(fresh=True)
    rows = [(meta, meta.name in enabled) for meta in host.metas]
    return await render_page(request, "admin/plugins.html", {"plugins": rows})


@post("/admin/plugins/{name:str}", opt=ADMIN_CONFIRMED, include_in_schema=False)
async def plugins_switch(request: Request, name: str) -> Response:
    form = await read_form(request)
    if form.get("enabled") not in ("0", "1"):
        message = N_("Choose to switch the service on or off.")
        return redirect_after_form(request, "/admin/plugins", message, "bad")
    turn_on = form.get("enabled") == "1"
    host = get_host()
    meta = next((m for m in host.metas if m.name == name), None)
    if meta is not None and not turn_on and not confirmed(form):
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Switch a service off"),
                question=N_("Switch %(service)s off?"),
                back="/admin/plugins",
                fields=(("enabled", "0"),),
                warning=N_(
                    "Residents and staff can no longer use it until it is switched on again;"
                    " its records are kept."
                ),
                button=N_("Switch off"),
                kind="danger",
                params={"service": meta.title_in(request_language(request))},
            ),
        )
    await host.switch(name, turn_on)
    message = N_("The service is switched on.") if turn_on else N_("The service is switched off.")
    return redirect_after_form(request, "/admin/plugins", message)


# ----------------------------------------------------------------------------------- users


async def _users_page(
    request: Request, errors: dict[str, str], form: dict[str, Any], status_code: int = 200
) -> Response:
    total = await Account.count().where(Account.kind == "staff")
    pager = Pager.for_request(request.url.path, request.query_params, total)
    rows = (
        await Account.select(
            Account.id,
            Account.username,
            Account.display_name,
            Account.roles,
            Account.office_code,
            Account.active,
            Account.created_at,
        )
        .where(Account.kind == "staff")
        .order_by(Account.id)
        .limit(pager.per_page)
        .offset(pager.offset)
    )
    return await render_page(
        request,
        "admin/users.html",
        {"users": rows, "pager": pager, "errors": errors, "form": form, "roles": STAFF_ROLES},
        status_code=status_code,
    )


@get("/admin/users", opt=ADMIN, include_in_schema=False)
async def users_page(request: Request) -> Response:
    return await _users_page(request, {}, {})


@post("/admin/users", opt=ADMIN, include_in_schema=False)
async def users_create(request: Request) -> Response:
    form = await read_form(request)
    kept = {
        "username": form.get("username"),
        "display_name": form.get("display_name"),
        "office_code": form.get("office_code"),
        "roles": form.getall("roles"),
    }
    try:
        await create_staff_user(
            kept["username"],
            form.raw("password"),
            kept["roles"],
            kept["office_code"] or None,
            kept["display_name"],
        )
    except Refusal as exc:
        errors = field_errors(exc, USER_ERRORS, request_language(request))
        return await _users_page(request, errors, kept, status_code=exc.status_code)
    return redirect_after_form(request, "/admin/users", N_("The staff account has been created."))


@post("/admin/users/{account_id:int}/active", opt=ADMIN_CONFIRMED, include_in_schema=False)
async def users_switch(request: Request, account_id: int) -> Response:
    form = await read_form(request)
    activate = form.get("active") == "1"
    account = (
        await Account.select(Account.username, Account.display_name)
        .where(Account.id == account_id)
        .first()
    )
    if account is None:
        raise Refusal.not_found()
    own = account_id == request.scope["user"].id
    if not activate and not own and not confirmed(form):  # its sessions end at once
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Deactivate"),
                question=N_("Deactivate this account? Its sessions end at once."),
                back="/admin/users",
                fields=reposted(form, "active"),
                facts=(
                    (N_("Username"), account["username"]),
                    (N_("Name"), account["display_name"]),
                ),
                button=N_("Deactivate"),
                kind="danger",
            ),
        )
    try:
        await set_active(account_id, activate, by=request.scope["user"].id)
    except Refusal:
        return redirect_after_form(
            request, "/admin/users", N_("You cannot deactivate your own account."), "bad"
        )
    message = N_("The account is active.") if activate else N_("The account is deactivated.")
    return redirect_after_form(request, "/admin/users", message)


# ----------------------------------------------------------------------------------- audit


def _audit_filters(params: Any) -> tuple[dict[str, str], dt.datetime | None, dict[str, str]]:
    """The filter form's values, the start of the ``since`` day, and errors next to bad
    fields."""
    names = ("actor", "action", "entity", "since")
    values = {name: str(params.get(name, "")).replace("\x00", "").strip()[:96] for name in names}
    errors: dict[str, str] = {}
    since = None
    if values["since"]:
        try:
            day = dt.date.fromisoformat(values["since"])
        except ValueError:
            errors["since"] = N_("Enter a date such as 2025-01-31.")
        else:
            midnight = dt.datetime.combine(day, dt.time(), clock.CHINA)  # Jiangmen's day
            since = midnight.astimezone(dt.UTC)
    return values, since, errors


@get("/admin/audit", opt=ADMIN, include_in_schema=False)
async def audit_page(request: Request) -> Response:
    """The log, newest first; an action is matched by its start (``marriage.`` for a whole
    service), a filtered total is counted up to ``COUNT_CAP`` (``core.audit.listing``)."""
    host = request.app.state.host
    _ = gettext_for(request_language(request))
    values, since, errors = _audit_filters(request.query_params)
    per_page, offset = requested_page(request)
    rows, total, _capped = await events_page(
        actor=values["actor"] or None,
        action_prefix=values["action"] or None,
        entity=values["entity"] or None,
        since=since,
        limit=per_page,
        offset=offset,
    )
    pager = Pager.for_request(request.url.path, request.query_params, total)
    labels = {name: _(t.label) for name, t in host.audit_event_types.items()}
    actions = sorted(labels.items())
    # an applied filter no option names (a prefix such as ``marriage.``) is shown chosen, or
    # the form would say "All" and the next Filter would drop it
    if values["action"] and values["action"] not in labels:
        actions.append((values["action"], values["action"]))
    report = await verify_chain() if request.query_params.get("verify") else None
    bad_seq = None
    if report is not None and report.first_bad_id is not None:
        bad = (
            await AuditEvent.select(AuditEvent.seq)
            .where(AuditEvent.id == report.first_bad_id)
            .first()
        )
        bad_seq = bad["seq"] if bad else None
    return await render_page(
        request,
        "admin/audit.html",
        {
            "events": rows,
            "pager": pager,
            "filters": values,
            "errors": {field: _(message) for field, message in errors.items()},
            "labels": labels,
            "actions": actions,
            "report": report,
            "bad_seq": bad_seq,
        },
    )


# ---------------------------------------------------------------------------------- outbox


@get("/admin/outbox", opt=ADMIN, include_in_schema=False)
async def outbox_page(request: Request) -> Response:
    lang = request_language(request)
    status = request.query_params.get("status", "")
    clauses = [Notification.status == status] if status in OUTBOX_STATUSES else []
    total = await Notification.count().where(*clauses)
    pager = Pager.for_request(request.url.path, request.query_params, total)
    query = Notification.select()
    if clauses:
        query = query.where(*clauses)
    rows = (
        await query.order_by(Notification.id, ascending=False)
        .limit(pager.per_page)
        .offset(pager.offset)
    )
    return await render_page(
        request,
        "admin/outbox.html",
        {
            "messages": rows,
            "pager": pager,
            "status": status if status in OUTBOX_STATUSES else "",
            "statuses": OUTBOX_STATUSES,
            "service_titles": {m.name: m.title_in(lang) for m in request.app.state.host.metas},
        },
    )


@post("/admin/outbox/{notification_id:int}/retry", opt=ADMIN, include_in_schema=False)
async def outbox_retry(request: Request, notification_id: int) -> Response:
    row = (
        await Notification.select(Notification.status)
        .where(Notification.id == notification_id)
        .first()
    )
    if row is None:
        raise Refusal.not_found()
    if row["status"] != "failed":
        return redirect_after_form(
            request, "/admin/outbox", N_("Only a message that failed can be sent again."), "warn"
        )
    await retry_failed(notification_id)
    return redirect_after_form(request, "/admin/outbox", N_("The message will be sent again."))


ROUTES = [
    admin_hub,
    plugins_page,
    plugins_switch,
    users_page,
    users_create,
    users_switch,
    audit_page,
    outbox_page,
    outbox_retry,
]
