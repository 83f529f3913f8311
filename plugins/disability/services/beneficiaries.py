"""Beneficiaries (approved applications): the list with filters, and the annual review.

A beneficiary is ``active`` while at least one of their grants has no stop recorded, and
``stopped`` afterwards. The annual review (年度复核) is due on the first anniversary of the
approval or of the last review (``rules.next_review_on``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit, clock
from core.db import fetch_one, write_transaction
from core.identity import mask_id_number, mask_name
from core.pagination import page, page_params
from core.refusals import Refusal
from plugins.disability.rules import next_review_on
from plugins.disability.services.applications import refuse_transition
from plugins.disability.services.common import subsidy_list
from plugins.disability.services.records import grants_by_application
from plugins.disability.tables import Application

BENEFICIARY_STATUSES = {
    "active": ("approved",),
    "stopped": ("stopped",),
    "all": ("approved", "stopped"),
}


def beneficiary_body(row: dict[str, Any], grants: list[dict[str, Any]], today: dt.date) -> dict:
    return {
        "id": row["id"],
        "id_number": mask_id_number(row["id_number"]),
        "name": mask_name(row["name"]),
        "subsidies": subsidy_list(row["granted"]),
        "paying": [g["subsidy"] for g in grants if g["stops_from"] is None],
        "since": row["starts_month"],
        "status": "active" if row["status"] == "approved" else "stopped",
        "category": row["category"],
        "grade": row["grade"],
        "approved_on": row["approved_on"],
        "next_review_on": row["next_review_on"],
        "review_due": row["status"] == "approved"
        and row["next_review_on"] is not None
        and row["next_review_on"] <= today,
        "grants": grants,
    }


async def list_beneficiaries(
    status: str | None,
    subsidy: str | None,
    review_due: bool,
    limit: int | None,
    offset: int | None,
) -> dict[str, Any]:
    params = page_params(limit, offset)
    statuses = BENEFICIARY_STATUSES.get(status or "all")
    if statuses is None:
        raise Refusal(
            "BAD_REQUEST",
            zh="status 应为 active、stopped 或 all",
            en="bad status",
            kind="bad_request",
        )
    today = await clock.today()
    clause = Application.status.is_in(list(statuses))
    if subsidy:
        if subsidy not in ("living", "nursing"):
            raise Refusal("BAD_REQUEST", zh="subsidy 应为 living 或 nursing", kind="bad_request")
        clause &= Application.granted.like(f"%{subsidy}%")
    if review_due:
        clause &= (Application.status == "approved") & (Application.next_review_on <= today)
    rows = await (
        Application.select()
        .where(clause)
        .order_by(Application.id)
        .limit(params.limit)
        .offset(params.offset)
    )
    grants = await grants_by_application([r["id"] for r in rows])
    items = [beneficiary_body(r, grants[r["id"]], today) for r in rows]
    return page(items, await Application.count().where(clause))


async def record_review(application_id: int, note: str) -> dict[str, Any]:
    """The annual re-check was done: the next one is due a year from today."""
    today = await clock.today()
    async with write_transaction():
        row = await fetch_one(
            "SELECT id, id_number, status, approved_on FROM disability_application WHERE id = {}",
            application_id,
        )
        if row is None or row["status"] != "approved":
            raise await refuse_transition(application_id, "approved")
        upcoming = next_review_on(row["approved_on"], today)
        await Application.update(
            {Application.last_reviewed_on: today, Application.next_review_on: upcoming}
        ).where(Application.id == application_id)
        await audit.record(
            "disability.beneficiary.reviewed",
            entity="application",
            entity_id=application_id,
            summary=f"年度复核 {mask_id_number(row['id_number'])}，下次复核 {upcoming.isoformat()}",
            details={"note": note.strip(), "next_review_on": upcoming.isoformat()},
        )
    return {"id": application_id, "last_reviewed_on": today, "next_review_on": upcoming}
