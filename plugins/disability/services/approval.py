"""The district decision: approval turns an application into a beneficiary with one grant per
subsidy, due from the month the application was filed (the next payroll pays the arrears)."""

from __future__ import annotations

import datetime as dt

from core import audit, clock
from core.context import current_actor
from core.db import fetch, fetch_one, write_transaction
from core.identity import mask_id_number
from core.people.service import find_person
from core.refusals import Refusal
from core.settings import get_settings
from plugins.disability.rules import SUBSIDY_NAMES_ZH, next_review_on, stop_month_after
from plugins.disability.services.applications import refuse_transition
from plugins.disability.services.common import notify_applicant, subsidy_list
from plugins.disability.tables import Grant


async def approve(application_id: int, note: str = "") -> dict[str, str]:
    today = await clock.today()
    async with write_transaction():
        row = await fetch_one(
            "UPDATE disability_application SET status = 'approved', decision_note = {}, "
            "decided_by = {}, decided_at = {}, approved_on = {}, starts_month = filed_month, "
            "next_review_on = {} WHERE id = {} AND status = 'street_approved' "
            "RETURNING id, id_number, phone, granted, filed_month",
            note.strip(),
            current_actor.get(),
            dt.datetime.now(dt.UTC),
            today,
            next_review_on(today, None),
            application_id,
        )
        if row is None:
            raise await refuse_transition(application_id, "street_approved")
        number, starts = row["id_number"], row["filed_month"]
        person = await find_person(number)
        district = get_settings().district_division
        if person and person.hukou_division and person.hukou_division != district:
            raise Refusal(
                "NOT_ELIGIBLE",
                zh=f"户籍已迁出本区（{person.hukou_division}），不能批准",
                en=("the hukou has left the district; the application cannot be approved"),
            )
        died = person.deceased_on if person else None
        stops = stop_month_after(died) if died else None
        subsidies = subsidy_list(row["granted"])
        await Grant.insert(
            *(
                Grant(
                    application=application_id,
                    id_number=number,
                    subsidy=subsidy,
                    start_month=starts,
                    stops_from=stops,
                    stop_reason="death" if stops else None,
                )
                for subsidy in subsidies
            )
        )
        if stops:
            await fetch(
                "UPDATE disability_application SET status = 'stopped' WHERE id = {}",
                application_id,
            )
        names = "、".join(SUBSIDY_NAMES_ZH[s] for s in subsidies)
        await notify_applicant(
            row["phone"],
            number,
            "残疾人两项补贴申请已批准",
            f"您的两项补贴申请（编号{application_id}）已批准：{names}，自{starts}起发放，"
            "此前月份将在下次发放时补发。",
        )
        await audit.record(
            "disability.application.approved",
            entity="application",
            entity_id=application_id,
            summary=f"区级审批通过 {mask_id_number(number)}：{names}，自{starts}起",
            details={"subsidies": subsidies, "starts_month": starts, "note": note.strip()},
        )
    return {"status": "approved", "starts_month": starts}
