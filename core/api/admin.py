"""Bureau administration: staff accounts, plugins, the audit log, the outbox."""

from __future__ import annotations

import datetime as dt

from litestar import Request, get, patch, post
from litestar.params import Parameter

from core.api.schemas import (
    AccountOut,
    AccountSwitchIn,
    AccountSwitchOut,
    AuditPageOut,
    AuditVerifyOut,
    NotificationOut,
    PluginOut,
    PluginSwitchIn,
    StaffUserIn,
    StaffUserOut,
)
from core.audit import verify_chain
from core.audit.listing import events_page
from core.auth.accounts import create_staff_user, set_active
from core.notifications import retry_failed
from core.pagination import Page, page, page_params
from core.plugins import get_host
from core.refusals import Refusal
from core.schemas import to_out
from core.tables import Account, Notification

ADMIN = {"permission": "core.admin"}


@post("/admin/users", opt=ADMIN, status_code=201, tags=["admin"])
async def create_user(data: StaffUserIn) -> StaffUserOut:
    account = await create_staff_user(
        data.username, data.password, data.roles, data.office_code, data.display_name
    )
    return StaffUserOut(
        id=account.id,
        username=account.username,
        roles=account.roles,
        office_code=account.office_code,
        active=True,
    )


@get("/admin/users", opt=ADMIN, tags=["admin"])
async def list_users(
    kind: str = "staff",
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[AccountOut]:
    params = page_params(limit, offset)
    query = Account.select(
        Account.id,
        Account.username,
        Account.kind,
        Account.roles,
        Account.office_code,
        Account.org_uscc,
        Account.active,
        Account.display_name,
    ).where(Account.kind == kind)
    rows = await query.order_by(Account.id).limit(params.limit).offset(params.offset)
    total = await Account.count().where(Account.kind == kind)
    return to_out(Page[AccountOut], page(rows, total))


@patch("/admin/users/{account_id:int}", opt=ADMIN, tags=["admin"])
async def switch_user(request: Request, account_id: int, data: AccountSwitchIn) -> AccountSwitchOut:
    if not await Account.exists().where(Account.id == account_id):
        raise Refusal.not_found()
    await set_active(account_id, data.active, by=request.scope["user"].id)
    return AccountSwitchOut(id=account_id, active=data.active)


@get("/admin/plugins", opt=ADMIN, tags=["admin"])
async def list_plugins(request: Request) -> list[PluginOut]:
    host = request.app.state.host
    enabled = await host.enabled(fresh=True)
    return [
        PluginOut(
            name=m.name,
            title=m.title,
            title_en=m.title_en,
            version=m.version,
            enabled=m.name in enabled,
        )
        for m in host.metas
    ]


@patch("/admin/plugins/{name:str}", opt=ADMIN, tags=["admin"])
async def switch_plugin(name: str, data: PluginSwitchIn, request: Request) -> PluginOut:
    host = request.app.state.host
    await get_host().switch(name, data.enabled)
    meta = host.meta(name)
    return PluginOut(
        name=meta.name,
        title=meta.title,
        title_en=meta.title_en,
        version=meta.version,
        enabled=data.enabled,
    )


@get("/admin/audit", opt=ADMIN, tags=["admin"])
async def list_audit(
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    since: dt.date | None = None,
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
    after: int | None = Parameter(default=None, ge=0),
) -> AuditPageOut:
    """Newest first. ``after`` (the ``seq`` of the last entry of the previous page, answered as
    ``next_after``) pages by the index instead of skipping ``offset`` entries. ``total`` is the
    head's sequence number without filters (every entry, no count), and with filters an exact
    count up to 10,000 (then ``total_capped`` is true)."""
    params = page_params(limit, offset)
    since_at = None
    if since:
        since_at = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=8)
    # ``action`` also matches a namespace prefix: ``marriage.`` finds all of a plugin's.
    prefix = action if action and action.endswith(".") else None
    rows, total, capped = await events_page(
        actor=actor,
        action=None if prefix else action,
        action_prefix=prefix,
        entity=entity,
        since=since_at,
        limit=params.limit,
        offset=params.offset,
        after=after,
    )
    next_after = rows[-1]["seq"] if len(rows) == params.limit else None
    body = {**page(rows, total), "total_capped": capped, "next_after": next_after}
    return to_out(AuditPageOut, body)


@get("/admin/audit/verify", opt=ADMIN, tags=["admin"])
async def verify_audit() -> AuditVerifyOut:
    return to_out(AuditVerifyOut, await verify_chain())


@get("/admin/notifications", opt=ADMIN, tags=["admin"])
async def list_notifications(
    status: str | None = None,
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[NotificationOut]:
    params = page_params(limit, offset)
    query = Notification.select()
    count = Notification.count()
    if status:
        query = query.where(Notification.status == status)
        count = count.where(Notification.status == status)
    rows = (
        await query.order_by(Notification.id, ascending=False)
        .limit(params.limit)
        .offset(params.offset)
    )
    return to_out(Page[NotificationOut], page(rows, await count))


@post("/admin/notifications/{notification_id:int}/retry", opt=ADMIN, tags=["admin"])
async def retry_notification(notification_id: int) -> NotificationOut:
    await retry_failed(notification_id)
    row = await Notification.select().where(Notification.id == notification_id).first()
    if row is None:
        raise Refusal.not_found()
    return to_out(NotificationOut, row)


ROUTES = [
    create_user,
    list_users,
    switch_user,
    list_plugins,
    switch_plugin,
    list_audit,
    verify_audit,
    list_notifications,
    retry_notification,
]
