"""A death revoked as recorded in error (死亡登记更正): the waivers of that death are voided.

Voiding happens on the day of the revocation, so it lands in the current settlement month: an
approved waiver is deducted there as a correction line (``correction_cases``/``correction_fen``)
even when the month it was claimed in is already confirmed — a confirmed month never changes. A
current month that is itself already confirmed refuses the revocation (409 ``MONTH_SETTLED``),
as any other void would be refused. The waiver's notice stops verifying.
"""

from __future__ import annotations

import datetime as dt

from core.context import current_actor
from core.people.records import PersonRecord
from plugins.funeral.services.amend import void_audited
from plugins.funeral.services.deciding import Actor, ensure_month_open
from plugins.funeral.tables import FuneralWaiver


async def on_death_revoked(person: PersonRecord, died_on: dt.date, reason: str, on: dt.date) -> int:
    """Hook reaction, inside the revocation's transaction; returns the number voided."""
    rows = await FuneralWaiver.select().where(
        (FuneralWaiver.id_number == person.id_number) & FuneralWaiver.voided_on.is_null()
    )
    if not rows:
        return 0
    await ensure_month_open(on)
    text = f"死亡登记更正（误登记死亡已撤销）：{reason}"[:1000]
    actor = Actor(current_actor.get())
    for row in rows:
        await void_audited(
            row, text, on, actor, {"death_revoked": True, "died_on": died_on.isoformat()}
        )
    return len(rows)
