"""What a recorded death changes in the marriage service."""

from __future__ import annotations

import datetime as dt

from core import audit
from core.identity import mask_id_number
from core.people.records import PersonRecord
from plugins.marriage.services.booking import cancel_for_deceased
from plugins.marriage.services.divorce import close_for_deceased
from plugins.marriage.services.records import record_spouse_death


async def on_person_died(person: PersonRecord, died_on: dt.date) -> None:
    """Inside the death's transaction: the surviving spouse becomes widowed, open divorce
    applications close, and bookings naming the deceased are cancelled (places freed)."""
    spouse = await record_spouse_death(person.id_number, person.name, died_on)
    closed = await close_for_deceased(person.id_number, died_on)
    cancelled = await cancel_for_deceased(person.id_number)
    if spouse or closed or cancelled:
        await audit.record(
            "marriage.person_died.handled",
            entity="person",
            entity_id=mask_id_number(person.id_number),
            summary=(
                f"当事人死亡 {mask_id_number(person.id_number)}："
                f"{'配偶记为丧偶，' if spouse else ''}"
                f"关闭离婚申请 {closed} 件，取消预约 {cancelled} 个"
            ),
        )
