"""Scheduled jobs: catch deaths recorded while the plugin was off, remind annual reviews.

Person events reach enabled plugins only, so a death recorded while this plugin was disabled
never arrived as a hook; the payroll already refuses to pay months after a recorded death, and
this job writes the missing stop so lists and letters agree. Likewise a death revoked while the
plugin was off: the stop it left behind (``stop_reason = 'death'`` on a living person) is undone
and the arrears paid by the next payroll.
"""

from __future__ import annotations

import datetime as dt

from core import audit
from core.db import fetch, write_transaction
from core.people.service import catch_up
from plugins.disability.rules import SUBSIDIES
from plugins.disability.services.common import notify_applicant
from plugins.disability.services.stops import on_death_revoked, record_stop, stop_application

BATCH = 500


async def stop_deceased(today: dt.date) -> str:
    rows = await fetch(
        "SELECT a.id, a.id_number, pe.deceased_on FROM disability_application a "
        "JOIN person pe ON pe.id_number = a.id_number "
        "WHERE a.status = 'approved' AND pe.deceased_on IS NOT NULL ORDER BY a.id LIMIT {}",
        BATCH,
    )
    stopped = 0
    for row in rows:
        async with write_transaction():
            changed = await stop_application(row["id"], set(SUBSIDIES), "death", row["deceased_on"])
            if changed:
                stopped += 1
                await record_stop(row, changed, "death")
    revoked = await fetch(
        "SELECT DISTINCT g.id_number FROM disability_grant g "
        "JOIN person pe ON pe.id_number = g.id_number "
        "WHERE g.stop_reason = 'death' AND pe.deceased_on IS NULL ORDER BY g.id_number LIMIT {}",
        BATCH,
    )
    await catch_up(
        [row["id_number"] for row in revoked],
        False,
        lambda p: on_death_revoked(p, None, "死亡登记已撤销（本模块停用期间）"),
    )
    resumed = f"; resumed {len(revoked)} whose death was revoked" if revoked else ""
    return f"stopped {stopped} of {len(rows)} deceased beneficiaries{resumed}"


async def remind_reviews(today: dt.date) -> str:
    """Tell each beneficiary once per review cycle that their annual review is due."""
    rows = await fetch(
        "SELECT id, id_number, phone, next_review_on FROM disability_application "
        "WHERE status = 'approved' AND next_review_on <= {} AND "
        "(review_reminded_on IS NULL OR review_reminded_on < next_review_on) "
        "ORDER BY id LIMIT {}",
        today,
        BATCH,
    )
    if not rows:
        return "no reviews due"
    async with write_transaction():
        for row in rows:
            await notify_applicant(
                row["phone"],
                row["id_number"],
                "残疾人两项补贴年度复核提醒",
                "您的两项补贴已到年度复核时间，请携带身份证、残疾人证到所在街道办理复核。",
            )
            await fetch(
                "UPDATE disability_application SET review_reminded_on = {} WHERE id = {}",
                today,
                row["id"],
            )
        await audit.record(
            "disability.beneficiary.review_reminded",
            entity="application",
            entity_id="",
            summary=f"发送年度复核提醒 {len(rows)} 人",
            details={"applications": [int(r["id"]) for r in rows]},
        )
    return f"reminded {len(rows)}"
