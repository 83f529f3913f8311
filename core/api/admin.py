"""Bureau administration: staff accounts, plugins, the audit log, the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from core.auth.accounts import create_staff_user, set_active
from core.db import fetch, fetch_one
from core.errors import NotFound
from core.notifications import retry_failed
from core.pagination import Page, page, page_params
from core.plugins import get_host
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
        raise NotFound()
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


COUNT_CAP = 10_000
"""Filtered counts stop here (``total_capped``): counting every match of a filter over a
province's millions of events on each page would cost more than the page."""


def prefix_end(prefix: str) -> str:
    """The smallest string after every string starting with ``prefix`` (``marriage.`` →
    ``marriage/``): ``[prefix, prefix_end)`` is an index range, where ``LIKE 'prefix%'`` is not
    one on SQLite (case-insensitive LIKE) nor on PostgreSQL outside the C collation."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


EVENT_COLUMNS = "id, seq, at, actor, action, entity, entity_id, summary"
MERGE_LIMIT = 1_000
"""A namespace's page up to this depth is merged from each of its actions' newest entries."""


async def _actions_in(namespace: str) -> list[str]:
    """The distinct actions starting with ``namespace``, one index probe each (a loose index
    scan: each step asks the ``(action, seq)`` index for the next action after the last)."""
    rows = await fetch(
        "WITH RECURSIVE a(action) AS ("
        "SELECT MIN(action) FROM audit_event WHERE action >= {} AND action < {} "
        "UNION ALL SELECT (SELECT MIN(e.action) FROM audit_event e "
        "WHERE e.action > a.action AND e.action < {}) FROM a WHERE a.action IS NOT NULL) "
        "SELECT action FROM a WHERE action IS NOT NULL",
        namespace,
        prefix_end(namespace),
        prefix_end(namespace),
    )
    return [row["action"] for row in rows]


async def _newest_in_namespace(
    namespace: str, clauses: list[str], args: list[Any], limit: int, skip: int
) -> list[dict[str, Any]]:
    """A page of the entries of a namespace (also matching ``clauses``), newest first: the
    newest ``skip + limit`` of each of its actions by the ``(action, seq)`` index, merged. (The
    range ``action >= 'x.' AND action < 'x/'`` ordered by ``seq`` sorts every entry of the
    namespace on SQLite: a third of a province's million entries for ``marriage.``.)"""
    actions = await _actions_in(namespace)
    if not actions:
        return []
    where = " AND ".join(["action = {}", *clauses])
    branches = " UNION ALL ".join(
        f"SELECT * FROM (SELECT {EVENT_COLUMNS} FROM audit_event WHERE {where} "  # noqa: S608
        f"ORDER BY seq DESC LIMIT {{}}) AS a{i}"
        for i in range(len(actions))
    )
    return await fetch(
        f"SELECT * FROM ({branches}) AS merged ORDER BY seq DESC LIMIT {{}} OFFSET {{}}",  # noqa: S608
        *(arg for name in actions for arg in (name, *args, skip + limit)),
        limit,
        skip,
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
    clauses, args = [], []
    namespace = action if action and action.endswith(".") else None
    if namespace:
        # ``action`` also matches a namespace prefix: ``marriage.`` finds all of a plugin's.
        clauses.append("action >= {} AND action < {}")
        args += [namespace, prefix_end(namespace)]
    for column, value in (("actor", actor), ("action", action), ("entity", entity)):
        if value and not (column == "action" and namespace):
            clauses.append(f"{column} = {{}}")
            args.append(value)
    if since:
        clauses.append("at >= {}")
        args.append(dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=8))
    filters, filter_args = list(clauses), list(args)
    if after is not None:
        clauses.append("seq < {}")
        args.append(after)
    skip = 0 if after is not None else params.offset
    if namespace and skip + params.limit <= MERGE_LIMIT:
        # the namespace's range and its two bounds come first
        rows = await _newest_in_namespace(namespace, clauses[1:], args[2:], params.limit, skip)
    else:
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        # ``where`` holds only fixed column names; every value is a bound parameter. The page's
        # sequence numbers come from an index alone (``offset`` skips index entries, not
        # rows), then those entries are read.
        rows = await fetch(
            f"SELECT {EVENT_COLUMNS} FROM audit_event WHERE seq IN (SELECT seq "  # noqa: S608
            f"FROM audit_event {where} ORDER BY seq DESC LIMIT {{}} OFFSET {{}}) "
            "ORDER BY seq DESC",
            *args,
            params.limit,
            skip,
        )
    capped = False
    if filters:
        where = "WHERE " + " AND ".join(filters)
        count = await fetch_one(
            f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM audit_event {where} "  # noqa: S608
            "LIMIT {}) AS matching",
            *filter_args,
            COUNT_CAP + 1,
        )
        total = int(count["n"]) if count else 0
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    else:
        head = await fetch_one("SELECT seq FROM audit_head WHERE id = 1")
        total = int(head["seq"]) if head else 0
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
        raise NotFound()
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
