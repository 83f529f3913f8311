"""A revoked death (死亡登记更正) in the marriage service, and the clerk's tasks it may leave.

The death made the surviving spouse ``widowed`` (a ``spouse_died`` record). When the death is
revoked as recorded in error, that record was never true: while it is still the spouse's latest
record it is removed and the spouse is ``married`` again. When the spouse has registered
something since (a new marriage, which the law allowed on the facts then known), nothing is
changed automatically: a ``revoked_death_remarried`` task asks a clerk to handle the case.
Divorce applications closed and bookings cancelled by the death stay closed (the couple applies
or books again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit
from core.db import write_transaction
from core.identity import mask_id_number
from core.pagination import PageParams, page
from core.people.records import PersonRecord
from core.people.service import find_person, set_marital_status
from core.refusals import Refusal
from plugins.marriage.rules import marital_status
from plugins.marriage.services.records import add_record, person_name, records_of
from plugins.marriage.tables import MaritalEvent, MarriageTask

REMARRIED = "revoked_death_remarried"
TASK_KINDS = {REMARRIED: "误登记死亡已撤销，配偶已再婚"}
STATUS_ZH = {"unmarried": "未婚", "married": "已婚", "divorced": "离婚", "widowed": "丧偶"}


async def on_death_revoked(
    person: PersonRecord, died_on: dt.date, reason: str, on: dt.date
) -> None:
    """Hook reaction, inside the revocation's transaction."""
    rows = await MaritalEvent.select().where(
        (MaritalEvent.kind == "spouse_died") & (MaritalEvent.spouse_id_number == person.id_number)
    )
    for row in rows:
        spouse = row["id_number"]
        history = (
            await MaritalEvent.select(MaritalEvent.id, MaritalEvent.happened_on)
            .where(MaritalEvent.id_number == spouse)
            .order_by(MaritalEvent.happened_on)
            .order_by(MaritalEvent.id)
        )
        latest = max(history, key=lambda r: (r["happened_on"], r["id"]))
        if latest["id"] == row["id"]:
            await MaritalEvent.delete().where(MaritalEvent.id == row["id"])
            status = marital_status(await records_of(spouse))
            await set_marital_status(spouse, status)
            label = STATUS_ZH.get(status, status)
            survivor = await find_person(spouse)
            if survivor is not None and survivor.deceased_on is not None:
                # The spouse really died meanwhile; their death found no spouse to widow then.
                await add_record(
                    person.id_number,
                    "spouse_died",
                    survivor.deceased_on,
                    spouse,
                    survivor.name,
                    None,
                )
            await audit.record(
                "marriage.death_revoked.handled",
                entity="person",
                entity_id=mask_id_number(spouse),
                summary=(
                    f"误登记死亡已撤销（{mask_id_number(person.id_number)}）："
                    f"配偶 {mask_id_number(spouse)} 婚姻状况恢复为{label}"
                ),
                details={"spouse_died_on": row["happened_on"].isoformat(), "status": status},
            )
        else:
            await open_task(
                REMARRIED,
                spouse,
                person.id_number,
                on,
                f"{person.name}（{mask_id_number(person.id_number)}）于 "
                f"{row['happened_on'].isoformat()} 的死亡登记已撤销（{reason}），"
                "其配偶此后已有新的婚姻登记，请核实处理。 / The death recorded on "
                f"{row['happened_on'].isoformat()} was revoked; the spouse has "
                "registered a new marriage since: check the case.",
            )


async def open_task(kind: str, id_number: str, other: str, on: dt.date, reason: str) -> None:
    await MarriageTask.insert(
        MarriageTask(
            kind=kind, id_number=id_number, other_id_number=other, opened_on=on, reason=reason
        )
    )
    await audit.record(
        "marriage.task.opened",
        entity="person",
        entity_id=mask_id_number(id_number),
        summary=f"待办：{TASK_KINDS[kind]}（{mask_id_number(id_number)}）",
        details={"kind": kind},
    )


async def task_body(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "id_number": row["id_number"],
        "name": await person_name(row["id_number"]),
        "other_id_number": row["other_id_number"],
        "other_name": await person_name(row["other_id_number"]),
        "opened_on": row["opened_on"],
        "reason": row["reason"],
        "status": row["status"],
        "closed_on": row["closed_on"],
        "closed_by": row["closed_by"] or None,
        "close_note": row["close_note"],
    }


async def list_tasks(params: PageParams, status: str | None = "open") -> dict[str, Any]:
    where = MarriageTask.id.is_not_null()
    if status:
        where &= MarriageTask.status == status
    rows = await (
        MarriageTask.select()
        .where(where)
        .order_by(MarriageTask.opened_on, ascending=False)
        .order_by(MarriageTask.id, ascending=False)
        .limit(params.limit)
        .offset(params.offset)
    )
    total = await MarriageTask.count().where(where)
    return page([await task_body(row) for row in rows], total)


async def close_task(task_id: int, note: str, on: dt.date, actor: str) -> dict[str, Any]:
    async with write_transaction():
        row = await MarriageTask.select().where(MarriageTask.id == task_id).first()
        if row is None:
            raise Refusal.not_found(zh="无此待办", en="No such task")
        updated = (
            await MarriageTask.update(
                {
                    MarriageTask.status: "closed",
                    MarriageTask.closed_on: on,
                    MarriageTask.closed_by: actor,
                    MarriageTask.close_note: note.strip()[:1000],
                }
            )
            .where((MarriageTask.id == task_id) & (MarriageTask.status == "open"))
            .returning(MarriageTask.id)
        )
        if not updated:
            raise Refusal(
                "TASK_CLOSED", zh="该待办已办结", en="the task is already closed", kind="conflict"
            )
        await audit.record(
            "marriage.task.closed",
            entity="person",
            entity_id=mask_id_number(row["id_number"]),
            summary=f"办结待办：{TASK_KINDS.get(row['kind'], row['kind'])}"
            f"（{mask_id_number(row['id_number'])}）",
            details={"task": task_id},
        )
        row = await MarriageTask.select().where(MarriageTask.id == task_id).first()
    return await task_body(row)
