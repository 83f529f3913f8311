"""The legal representative (法定代表人) as a person of the registry, and the tasks a death opens.

DOMAIN.md "Social organizations": when the legal representative dies, the organization gets an
open ``legal_representative_change`` task (变更登记), listed for clerks and reviewers and shown in
the organization's portal; a clerk closes it by recording the new legal representative. A death
revoked as recorded in error closes the tasks that death opened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit, notifications
from core.clock import today
from core.context import current_actor
from core.db import fetch, write_transaction
from core.identity import mask_id_number, mask_name
from core.pagination import PageParams, page
from core.people.records import PersonRecord
from core.people.service import catch_up, ensure_person, valid_id_number
from core.refusals import Refusal
from plugins.social_orgs.services.common import SLUG, get_org, org_recipient, require_active
from plugins.social_orgs.tables import Organization, OrgTask

CHANGE = "legal_representative_change"
TASK_KINDS = {CHANGE: "法定代表人变更登记"}


def representative_number(value: str | None) -> str | None:
    """The legal representative's identity number, normalized, or None when not given;
    422 ``INVALID_ID_NUMBER``."""
    if value is None or not str(value).strip():
        return None
    return valid_id_number(str(value).strip())


async def enter_representative(number: str | None, name: str) -> None:
    """The person enters the core registry (inside the registration's transaction)."""
    if number is None:
        return
    person = await ensure_person(number, name)
    if person.deceased_on is not None:
        raise Refusal(
            "DECEASED",
            zh="该法定代表人已登记死亡",
            en="the legal representative is recorded as deceased",
        )


def task_body(row: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    return {
        "id": row["id"],
        "uscc": row["uscc"],
        "name": name,
        "kind": row["kind"],
        "status": row["status"],
        "opened_on": row["opened_on"],
        "reason": row["reason"],
        "closed_on": row["closed_on"],
    }


async def open_tasks_of(uscc: str) -> list[dict[str, Any]]:
    rows = (
        await OrgTask.select()
        .where((OrgTask.uscc == uscc) & (OrgTask.status == "open"))
        .order_by(OrgTask.opened_on)
        .order_by(OrgTask.id)
    )
    return [task_body(row) for row in rows]


async def list_tasks(params: PageParams, status: str | None = "open") -> dict[str, Any]:
    where = OrgTask.id.is_not_null()
    if status:
        where &= OrgTask.status == status
    rows = await (
        OrgTask.select()
        .where(where)
        .order_by(OrgTask.opened_on, ascending=False)
        .order_by(OrgTask.id, ascending=False)
        .limit(params.limit)
        .offset(params.offset)
    )
    total = await OrgTask.count().where(where)
    names = {
        r["uscc"]: r["name"]
        for r in await Organization.select(Organization.uscc, Organization.name).where(
            Organization.uscc.is_in([row["uscc"] for row in rows] or [""])
        )
    }
    return page([task_body(row, names.get(row["uscc"])) for row in rows], total)


async def on_person_died(person: PersonRecord, died_on: dt.date) -> None:
    """Hook reaction, inside the death's transaction: every active organization this person
    represents gets one open ``legal_representative_change`` task."""
    orgs = await Organization.select().where(
        (Organization.legal_representative_id_number == person.id_number)
        & (Organization.status == "active")
    )
    on = await today()
    for org in orgs:
        reason = (
            f"法定代表人{mask_name(person.name)}于{died_on.isoformat()}死亡，"
            "请办理法定代表人变更登记 / the legal representative died; register the change"
        )
        # At most one open task per organization and person (partial unique index): a second
        # recording of the death, even a concurrent one, opens nothing more.
        opened = await fetch(
            "INSERT INTO social_org_task (uscc, kind, status, opened_on, reason, "
            "person_id_number, died_on, closed_on, closed_by, close_note, created_at) "
            "VALUES ({}, {}, 'open', {}, {}, {}, {}, NULL, '', '', {}) "
            "ON CONFLICT DO NOTHING RETURNING id",
            org["uscc"],
            CHANGE,
            on,
            reason,
            person.id_number,
            died_on,
            dt.datetime.now(dt.UTC),
        )
        if not opened:
            continue
        recipient, channel = org_recipient(org)
        await notifications.enqueue(
            recipient,
            "请办理法定代表人变更登记",
            f"{org['name']}：登记机关获悉贵单位法定代表人已去世，请尽快申请法定代表人变更登记。",
            channel=channel,
            plugin=SLUG,
        )
        await audit.record(
            "social_orgs.task.opened",
            entity="social_org",
            entity_id=org["uscc"],
            summary=(
                f"待办：{TASK_KINDS[CHANGE]}（法定代表人 {mask_id_number(person.id_number)} 死亡）"
            ),
            details={"kind": CHANGE, "died_on": died_on.isoformat()},
        )


async def _close(row: dict[str, Any], on: dt.date, note: str) -> None:
    await OrgTask.update(
        {
            OrgTask.status: "closed",
            OrgTask.closed_on: on,
            OrgTask.closed_by: current_actor.get(),
            OrgTask.close_note: note[:1000],
        }
    ).where(OrgTask.id == row["id"])


async def on_death_revoked(person: PersonRecord, reason: str, on: dt.date) -> None:
    """Hook reaction: the tasks that death opened are closed (the representative is alive)."""
    rows = await OrgTask.select().where(
        (OrgTask.person_id_number == person.id_number)
        & (OrgTask.kind == CHANGE)
        & (OrgTask.status == "open")
    )
    for row in rows:
        await _close(row, on, f"死亡登记已撤销：{reason}")
        await audit.record(
            "social_orgs.task.closed",
            entity="social_org",
            entity_id=row["uscc"],
            summary=f"关闭待办：{TASK_KINDS[CHANGE]}（法定代表人误登记死亡已撤销）",
            details={"kind": CHANGE, "task": row["id"], "death_revoked": True},
        )


async def change_representative(uscc: str, name: str, id_number: str | None) -> None:
    """A clerk records the new legal representative (变更登记): open change tasks close."""
    text = (name or "").strip()
    if not text or len(text) > 64:
        raise Refusal(
            "INVALID_LEGAL_REPRESENTATIVE",
            zh="请填写法定代表人（不超过64字）",
            en=("legal_representative is required, at most 64 characters"),
        )
    number = representative_number(id_number)
    on = await today()
    async with write_transaction():
        org = await get_org(uscc)
        require_active(org)
        await enter_representative(number, text)
        await Organization.update(
            {
                Organization.legal_representative: text,
                Organization.legal_representative_id_number: number,
            }
        ).where(Organization.id == org["id"])
        rows = await OrgTask.select().where(
            (OrgTask.uscc == org["uscc"]) & (OrgTask.kind == CHANGE) & (OrgTask.status == "open")
        )
        for row in rows:
            await _close(row, on, "已办理法定代表人变更登记")
        await audit.record(
            "social_orgs.legal_representative.changed",
            entity="social_org",
            entity_id=org["uscc"],
            summary=(
                f"法定代表人变更登记：{mask_name(org['legal_representative'])} → {mask_name(text)}"
                + (f"（{mask_id_number(number)}）" if number else "")
                + (f"，关闭待办 {len(rows)} 件" if rows else "")
            ),
            details={"closed_tasks": [row["id"] for row in rows]},
        )


async def sync_tasks(on: dt.date) -> str:
    """Scheduled catch-up for events that happened while this plugin was disabled (hooks reach
    enabled plugins only): a dead legal representative without an open task gets one; an open
    task whose person is alive again (death revoked) is closed."""
    dead = await fetch(
        "SELECT DISTINCT o.legal_representative_id_number AS id_number FROM social_org o "
        "JOIN person pe ON pe.id_number = o.legal_representative_id_number "
        "WHERE o.status = 'active' AND pe.deceased_on IS NOT NULL AND NOT EXISTS ("
        "SELECT 1 FROM social_org_task t WHERE t.uscc = o.uscc AND t.kind = {} "
        "AND t.person_id_number = o.legal_representative_id_number AND t.died_on = pe.deceased_on)"
        " ORDER BY 1 LIMIT 500",
        CHANGE,
    )
    await catch_up(
        [row["id_number"] for row in dead], True, lambda p: on_person_died(p, p.deceased_on)
    )
    alive = await fetch(
        "SELECT DISTINCT t.person_id_number AS id_number FROM social_org_task t "
        "JOIN person pe ON pe.id_number = t.person_id_number "
        "WHERE t.status = 'open' AND t.kind = {} AND pe.deceased_on IS NULL ORDER BY 1 LIMIT 500",
        CHANGE,
    )
    await catch_up(
        [row["id_number"] for row in alive],
        False,
        lambda p: on_death_revoked(p, "死亡登记已撤销", on),
    )
    return f"tasks opened for {len(dead)} deceased representatives, closed for {len(alive)}"
