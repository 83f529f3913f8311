"""Reading stored waivers: one row, the JSON columns, the shapes the API and pages show."""

from __future__ import annotations

from typing import Any

from core import audit
from core.db import json_value
from core.identity import mask_id_number, mask_name
from core.refusals import Refusal
from plugins.funeral.rules import CATEGORY_NAMES_ZH
from plugins.funeral.tables import FuneralWaiver

UNIDENTIFIED_NAME = "无名氏"


async def waiver_row(waiver_id: int) -> dict[str, Any]:
    row = await FuneralWaiver.select().where(FuneralWaiver.id == waiver_id).first()
    if row is None:
        raise Refusal.not_found(zh="查无此减免记录", en="No such waiver")
    return row


async def read_waiver(waiver_id: int) -> dict[str, Any]:
    """The full record, for staff; every such read is audited."""
    row = await waiver_row(waiver_id)
    await audit.record(
        "funeral.waiver.read",
        entity="funeral_waiver",
        entity_id=waiver_id,
        summary=f"查看惠民殡葬减免记录 {deceased_label(row)}",
    )
    return waiver_body(row, full=True)


def deceased_label(row: dict[str, Any]) -> str:
    """How a waiver names the deceased in lists and the audit log (never a full number)."""
    if row["id_number"]:
        return mask_id_number(row["id_number"])
    return f"无名遗体 {row['police_certificate_no']}"


def waiver_body(row: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """The API shape of a waiver; ``full`` False masks the deceased and leaves out the applicant
    (lists), True shows everything (the record itself, read by staff and audited)."""
    number = row["id_number"]
    name = row["deceased_name"]
    body: dict[str, Any] = {
        "id": row["id"],
        "status": row["status"],
        "category": row["category"],
        "category_name": CATEGORY_NAMES_ZH.get(row["category"] or "", row["category"]),
        "waived_fen": row["waived_fen"],
        "fee_fen": row["fee_fen"],
        "family_pays_fen": row["fee_fen"] - row["waived_fen"],
        "reasons": json_value(row["reasons"]),
        "deceased": {
            "name": name if full else mask_name(name),
            "id_number": (number if full else mask_id_number(number)) if number else None,
            "unidentified_police_certificate_no": row["police_certificate_no"],
            "died_on": row["died_on"],
            "hukou_division": row["hukou_division"],
            "declared_categories": json_value(row["declared_categories"]),
        },
        "funeral_home": row["funeral_home"],
        "recorded_on": row["recorded_on"],
        "recorded_by": row["recorded_by"],
        "notice_no": row["notice_no"],
        "voided": row["voided_on"] is not None,
        "voided_on": row["voided_on"],
        "void_reason": row["void_reason"] or None,
        "replaces_id": row["replaces_id"],
        "replaced_by_id": row["replaced_by_id"],
        "policy_version": row["policy_id"],
    }
    if full:
        body["items"] = json_value(row["lines"])
        body["applicant"] = {
            "name": row["applicant_name"],
            "phone": row["applicant_phone"],
            "relation": row["applicant_relation"],
        }
        body["voided_by"] = row["voided_by"]
        body["office_code"] = row["office_code"]
    return body
