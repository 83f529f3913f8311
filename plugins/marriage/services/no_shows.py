"""No-shows (预约未到) and the online-booking block they cause; an admin may lift a block."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit
from core.clock import now_local
from core.db import fetch, fetch_one, write_transaction
from core.identity import mask_id_number
from core.refusals import Refusal
from plugins.marriage.rules import CHINA_TIME, booking_block_until
from plugins.marriage.rules.booking import NO_SHOW_LIMIT
from plugins.marriage.tables import Appointment, BlockLift


async def _lifted_after(id_number: str) -> dt.date | None:
    row = await fetch_one(
        "SELECT MAX(lifted_on) AS lifted FROM marriage_block_lift WHERE id_number = {}", id_number
    )
    lifted = row["lifted"] if row else None
    return dt.date.fromisoformat(lifted) if isinstance(lifted, str) else lifted


async def blocked_until(id_number: str, today: dt.date) -> dt.date | None:
    """The last day the person may not book online, or None."""
    rows = await Appointment.select(Appointment.day).where(
        (Appointment.booker_id_number == id_number) & (Appointment.status == "no_show")
    )
    if len(rows) < NO_SHOW_LIMIT:
        return None
    return booking_block_until(
        [row["day"] for row in rows], today, counted_after=await _lifted_after(id_number)
    )


async def mark_no_shows(today: dt.date) -> str:
    """Scheduled job: a booking whose slot ended without check-in becomes ``no_show``
    (``today`` at the current time of day, China time)."""
    now = (await now_local()).replace(year=today.year, month=today.month, day=today.day)
    rows = await Appointment.select(Appointment.code, Appointment.day, Appointment.end_time).where(
        (Appointment.status == "booked") & (Appointment.day <= now.date())
    )
    passed = [
        row["code"]
        for row in rows
        if dt.datetime.combine(
            row["day"], dt.time.fromisoformat(row["end_time"]), tzinfo=CHINA_TIME
        )
        <= now
    ]
    if not passed:
        return "0 no-shows"
    marked = 0
    async with write_transaction():
        for code in passed:
            row = await fetch_one(
                "UPDATE marriage_appointment SET status = 'no_show', changed_at = {} "
                "WHERE code = {} AND status = 'booked' RETURNING id",
                dt.datetime.now(dt.UTC),
                code,
            )
            if row is not None:
                marked += 1
                await fetch("DELETE FROM marriage_hold WHERE appointment_code = {}", code)
        await audit.record(
            "marriage.appointment.no_show",
            entity="appointment",
            entity_id=",".join(passed[:5]),
            summary=f"{marked} 个预约过时未签到，记为未到",
            details={"codes": passed},
            actor="system",
        )
    return f"{marked} no-shows"


async def list_blocks(today: dt.date) -> list[dict[str, Any]]:
    """Everyone blocked today, with the no-shows behind it (admin's full view)."""
    candidates = await fetch(
        "SELECT booker_id_number AS id_number, MAX(booker_name) AS name, COUNT(*) AS n "
        "FROM marriage_appointment WHERE status = 'no_show' "
        "GROUP BY booker_id_number HAVING COUNT(*) >= {}",
        NO_SHOW_LIMIT,
    )
    blocks = []
    for row in candidates:
        until = await blocked_until(row["id_number"], today)
        if until is not None:
            blocks.append(
                {
                    "id_number": row["id_number"],
                    "name": row["name"],
                    "no_shows": int(row["n"]),
                    "blocked_until": until,
                }
            )
    return sorted(blocks, key=lambda block: block["blocked_until"])


async def lift_block(id_number: str, today: dt.date, admin: str) -> dict[str, Any]:
    """No-shows up to today stop counting; 409 ``NOT_BLOCKED`` when nothing is blocked."""
    async with write_transaction():
        if await blocked_until(id_number, today) is None:
            raise Refusal(
                "NOT_BLOCKED",
                zh="该用户未被暂停预约",
                en="This person is not blocked",
                kind="conflict",
                english_first=True,
            )
        await BlockLift.insert(BlockLift(id_number=id_number, lifted_on=today, lifted_by=admin))
        await audit.record(
            "marriage.block.lifted",
            entity="person",
            entity_id=mask_id_number(id_number),
            summary=f"解除预约限制 {mask_id_number(id_number)}",
        )
    return {"id_number": id_number, "blocked_until": None, "lifted_on": today}
