"""Reading applications and beneficiaries, with the object-level rule: staff who may read
applications see all of them, a citizen only their own (anyone else's is 404)."""

from __future__ import annotations

from typing import Any

from core import audit
from core.auth.identity import CurrentUser
from core.db import json_value
from core.identity import mask_id_number, mask_name
from core.pagination import page, page_params
from core.refusals import Refusal
from plugins.disability.services.common import subsidy_list
from plugins.disability.tables import Application, Grant

APPLICATION_STATUSES = ("submitted", "street_approved", "approved", "stopped", "rejected")


def sees_all(user: CurrentUser) -> bool:
    return user.is_staff


def visible(user: CurrentUser, row: dict[str, Any]) -> bool:
    return sees_all(user) or (user.kind == "citizen" and row["id_number"] == user.username)


async def grants_by_application(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grants: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return grants
    rows = await (
        Grant.select(
            Grant.application,
            Grant.subsidy,
            Grant.start_month,
            Grant.stops_from,
            Grant.stop_reason,
            Grant.stop_note,
        )
        .where(Grant.application.is_in(ids))
        .order_by(Grant.id)
    )
    for row in rows:
        grants[row["application"]].append(
            {
                "subsidy": row["subsidy"],
                "start_month": row["start_month"],
                "stops_from": row["stops_from"],
                "stop_reason": row["stop_reason"],
                "stop_note": row["stop_note"],
            }
        )
    return grants


def application_body(
    row: dict[str, Any], grants: list[dict[str, Any]], *, masked: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "status": row["status"],
        "id_number": mask_id_number(row["id_number"]) if masked else row["id_number"],
        "name": mask_name(row["name"]) if masked else row["name"],
        "category": row["category"],
        "grade": row["grade"],
        "subsidies": subsidy_list(row["granted"]),
        "requested": subsidy_list(row["requested"]),
        "eligible": {
            "living": bool(row["eligible_living"]),
            "nursing": bool(row["eligible_nursing"]),
        },
        "applied_on": row["applied_on"],
        "filed_month": row["filed_month"],
        "approved_on": row["approved_on"],
        "starts_month": row["starts_month"],
        "next_review_on": row["next_review_on"],
        "last_reviewed_on": row["last_reviewed_on"],
        "grants": grants,
    }
    if not masked:
        body.update(
            disability_card_no=row["card_no"],
            reasons=json_value(row["reasons"]),
            work_injury_nursing=bool(row["work_injury_nursing"]),
            orphan_support=bool(row["orphan_support"]),
            phone=row["phone"],
            bank_account=row["bank_account"],
            street_note=row["street_note"],
            street_reviewed_by=row["street_reviewed_by"],
            decision_note=row["decision_note"],
            decided_by=row["decided_by"],
            submitted_by=row["submitted_by"],
        )
    return body


async def application_row(application_id: int, user: CurrentUser) -> dict[str, Any]:
    row = await Application.select().where(Application.id == application_id).first()
    if row is None or not visible(user, row):
        raise Refusal.not_found(zh="没有这个申请", en="no such application", english_first=False)
    return row


async def read_application(
    application_id: int, user: CurrentUser, *, audited: bool = True
) -> dict[str, Any]:
    """The full record; a staff member's read is audited (API.md: reading a full record),
    except the answer to the filing itself (``audited=False``): nothing new is disclosed."""
    row = await application_row(application_id, user)
    grants = await grants_by_application([application_id])
    if audited and sees_all(user):
        await audit.record(
            "disability.application.read",
            entity="application",
            entity_id=application_id,
            summary=f"查看两项补贴申请 {mask_id_number(row['id_number'])}",
        )
    return application_body(row, grants[application_id], masked=False)


async def list_applications(
    user: CurrentUser, status: str | None, limit: int | None, offset: int | None
) -> dict[str, Any]:
    params = page_params(limit, offset)
    where = []
    if status:
        if status not in APPLICATION_STATUSES:
            raise Refusal(
                "BAD_REQUEST",
                zh=f"status 应为 {', '.join(APPLICATION_STATUSES)} 之一",
                en="unknown status",
                kind="bad_request",
            )
        where.append(Application.status == status)
    if not sees_all(user):
        where.append(Application.id_number == user.username)
    query = Application.select().order_by(Application.id)
    count = Application.count()
    for clause in where:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.limit(params.limit).offset(params.offset)
    grants = await grants_by_application([r["id"] for r in rows])
    # Citizens see their own records unmasked; staff lists are masked (API.md conventions).
    items = [application_body(r, grants[r["id"]], masked=sees_all(user)) for r in rows]
    return page(items, await count)
