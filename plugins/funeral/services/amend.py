"""Voiding and correcting recorded waivers: audited, with a reason; the record always stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit
from core.certificates.service import void_certificate
from core.db import write_transaction
from core.refusals import Refusal
from plugins.funeral.schemas import WaiverIn
from plugins.funeral.services.deciding import (
    Actor,
    deceased_of,
    ensure_month_open,
)
from plugins.funeral.services.policy import policy_on
from plugins.funeral.services.records import (
    deceased_label,
    waiver_body,
    waiver_row,
)
from plugins.funeral.services.waivers import audit_recorded, insert_waiver
from plugins.funeral.tables import FuneralWaiver


async def void_row(row: dict[str, Any], reason: str, today: dt.date, actor: Actor) -> None:
    updated = (
        await FuneralWaiver.update(
            {
                FuneralWaiver.voided_on: today,
                FuneralWaiver.voided_by: actor.username,
                FuneralWaiver.void_reason: reason,
            }
        )
        .where((FuneralWaiver.id == row["id"]) & FuneralWaiver.voided_on.is_null())
        .returning(FuneralWaiver.id)
    )
    if not updated:
        raise Refusal(
            "ALREADY_VOIDED",
            zh="该减免记录已作废",
            en="the waiver is already void",
            kind="conflict",
        )
    if row["notice_no"]:
        await void_certificate(row["notice_no"], reason)


async def void_audited(
    row: dict[str, Any],
    reason: str,
    today: dt.date,
    actor: Actor,
    details: dict[str, Any] | None = None,
) -> None:
    """Void one waiver and audit it (``funeral.waiver.voided``); inside a write transaction, the
    settlement month of ``today`` checked open."""
    await void_row(row, reason, today, actor)
    await audit.record(
        "funeral.waiver.voided",
        entity="funeral_waiver",
        entity_id=row["id"],
        summary=f"作废惠民殡葬减免 {deceased_label(row)}：{reason}",
        details={"waived_fen": row["waived_fen"], "reason": reason, **(details or {})},
    )


def reason_text(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise Refusal("REASON_REQUIRED", zh="请填写作废或更正原因", en="a reason is required")
    return text


async def void_waiver(
    waiver_id: int, reason: str, *, today: dt.date, actor: Actor
) -> dict[str, Any]:
    """Void a waiver: it stays on record; an approved one becomes a correction line in the
    settlement of the month of voiding (never changing the month it was claimed in)."""
    reason = reason_text(reason)
    async with write_transaction():
        row = await waiver_row(waiver_id)
        if row["voided_on"] is not None:
            raise Refusal(
                "ALREADY_VOIDED",
                zh="该减免记录已作废",
                en="the waiver is already void",
                kind="conflict",
            )
        await ensure_month_open(today)
        await void_audited(row, reason, today, actor)
        row = await waiver_row(waiver_id)
    return waiver_body(row, full=True)


async def correct_waiver(
    waiver_id: int, data: WaiverIn, reason: str, *, today: dt.date, actor: Actor
) -> dict[str, Any]:
    """Replace a waiver by a corrected one for the same deceased, decided under the policy of
    the original application: the old one is voided, the new one recorded today."""
    reason = reason_text(reason)
    deceased = deceased_of(data.deceased)
    async with write_transaction():
        old = await waiver_row(waiver_id)
        if old["voided_on"] is not None:
            raise Refusal(
                "ALREADY_VOIDED",
                zh="该减免记录已作废",
                en="the waiver is already void",
                kind="conflict",
            )
        if (deceased.id_number, deceased.certificate_no) != (
            old["id_number"],
            old["police_certificate_no"],
        ):
            raise Refusal(
                "DECEASED_MISMATCH",
                zh="更正不能更换逝者；请作废后重新登记",
                en=("a correction keeps the same deceased; void the waiver and record a new one"),
            )
        await ensure_month_open(today)
        await void_row(old, reason, today, actor)
        # the policy in force on the (possibly corrected) day of death, as for a new waiver
        stored = await policy_on(deceased.died_on)
        row = await insert_waiver(
            data, deceased, today=today, actor=actor, stored=stored, replaces_id=waiver_id
        )
        await FuneralWaiver.update({FuneralWaiver.replaced_by_id: row["id"]}).where(
            FuneralWaiver.id == waiver_id
        )
        await audit_recorded(row)
        await audit.record(
            "funeral.waiver.corrected",
            entity="funeral_waiver",
            entity_id=waiver_id,
            summary=f"更正惠民殡葬减免 {deceased_label(old)}：{reason}（新记录 {row['id']}）",
            details={
                "replaced_by": row["id"],
                "reason": reason,
                "waived_fen_before": old["waived_fen"],
                "waived_fen_after": row["waived_fen"],
            },
        )
    return waiver_body(row, full=True)
