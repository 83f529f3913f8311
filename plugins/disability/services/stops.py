"""Stopping payment: death, hukou moved out of the district, a grade change that ends the
nursing subsidy, fraud or the person's request.

Payment stops from the month after the event and an earlier stop stays (``rules.apply_stop``).
Leaving the ``dibao`` roster needs no record here: the payroll checks the roster for every
period month, so the living subsidy is not paid for a month the person was not in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit, clock
from core.db import fetch, write_transaction
from core.identity import mask_id_number
from core.people.records import PersonRecord
from core.refusals import Refusal
from core.settings import get_settings
from plugins.disability.rules import (
    SUBSIDIES,
    SUBSIDY_NAMES_ZH,
    SubsidyGrant,
    apply_stop,
    check_card,
    previous_month,
    subsidies_ended_by_grade,
)
from plugins.disability.services.applications import refuse_transition
from plugins.disability.services.common import notify_applicant
from plugins.disability.services.standards import policy_on
from plugins.disability.tables import Application, Grant

MANUAL_REASONS = ("fraud", "request")
REASON_NAMES_ZH = {
    "death": "死亡",
    "hukou_moved_out": "户籍迁出本区",
    "left_dibao": "退出低保",
    "grade_change": "残疾等级变更",
    "fraud": "骗取补贴",
    "request": "本人申请停发",
}


async def stop_application(
    application_id: int, stopped: set[str], reason: str, event_date: dt.date, note: str = ""
) -> list[tuple[str, str]]:
    """Stop ``stopped`` subsidies of one beneficiary from the month after ``event_date``.

    Returns the (subsidy, stops_from) pairs that changed; marks the application ``stopped``
    when none of its grants is still open-ended. Call inside a write transaction.
    """
    rows = await Grant.select().where(Grant.application == application_id).order_by(Grant.id)
    current = [SubsidyGrant(r["subsidy"], r["start_month"], r["stops_from"]) for r in rows]
    updated = apply_stop(current, stopped, event_date)
    changed = []
    for row, before, after in zip(rows, current, updated, strict=True):
        if after.stops_from != before.stops_from:
            await Grant.update(
                {
                    Grant.stops_from: after.stops_from,
                    Grant.stop_reason: reason,
                    Grant.stop_note: note.strip(),
                }
            ).where(Grant.id == row["id"])
            changed.append((after.subsidy, str(after.stops_from)))
    if updated and all(g.stops_from is not None for g in updated):
        await fetch(
            "UPDATE disability_application SET status = 'stopped' "
            "WHERE id = {} AND status = 'approved'",
            application_id,
        )
    return changed


async def record_stop(row: dict[str, Any], changed: list[tuple[str, str]], reason: str) -> None:
    names = "、".join(f"{SUBSIDY_NAMES_ZH[s]}自{m}起" for s, m in changed)
    await audit.record(
        "disability.beneficiary.stopped",
        entity="application",
        entity_id=row["id"],
        summary=f"停发 {mask_id_number(row['id_number'])}（{REASON_NAMES_ZH[reason]}）：{names}",
        details={"reason": reason, "stops": [list(c) for c in changed]},
    )


async def _active_applications(id_number: str) -> list[dict[str, Any]]:
    return await Application.select().where(
        (Application.id_number == id_number) & (Application.status == "approved")
    )


async def on_person_died(person: PersonRecord, died_on: dt.date) -> None:
    """Hook reaction, inside the core's transaction: stop everything from the next month."""
    for row in await _active_applications(person.id_number):
        changed = await stop_application(row["id"], set(SUBSIDIES), "death", died_on)
        if changed:
            await record_stop(row, changed, "death")


async def on_death_revoked(person: PersonRecord, died_on: dt.date | None, reason: str) -> None:
    """Hook reaction to a death revoked as recorded in error, inside the core's transaction.

    Every grant the death stopped (``stop_reason = 'death'``) is open-ended again and its
    ``settled_through`` goes back to the month before the stop, so the next payroll pays the
    months in between as arrears (the unique payment key still forbids paying any month twice).
    Stops for other reasons stay. The beneficiary is told.
    """
    rows = await Grant.select().where(
        (Grant.id_number == person.id_number) & (Grant.stop_reason == "death")
    )
    by_application: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        stopped = row["stops_from"]
        settled = row["settled_through"]
        if stopped and settled and settled >= stopped:
            settled = previous_month(stopped)
        await Grant.update(
            {
                Grant.stops_from: None,
                Grant.stop_reason: None,
                Grant.stop_note: "",
                Grant.settled_through: settled,
            }
        ).where(Grant.id == row["id"])
        by_application.setdefault(row["application"], []).append((row["subsidy"], stopped or ""))
    for application_id, resumed in sorted(by_application.items()):
        await fetch(
            "UPDATE disability_application SET status = 'approved' "
            "WHERE id = {} AND status = 'stopped'",
            application_id,
        )
        app = await Application.select().where(Application.id == application_id).first()
        if app is None:
            continue
        names = "、".join(f"{SUBSIDY_NAMES_ZH[s]}自{m}起" for s, m in resumed)
        await notify_applicant(
            app["phone"],
            app["id_number"],
            "残疾人两项补贴恢复发放通知",
            f"经更正，您的死亡登记系误登记，已撤销。您的两项补贴（编号{application_id}）恢复发放，"
            f"停发期间的补贴将在下次发放时补发。",
        )
        await audit.record(
            "disability.beneficiary.resumed",
            entity="application",
            entity_id=application_id,
            summary=(f"恢复发放 {mask_id_number(app['id_number'])}（误登记死亡已撤销）：{names}"),
            details={
                "died_on": died_on.isoformat() if died_on else None,
                "reason": reason,
                "resumed": [list(r) for r in resumed],
            },
        )


async def on_person_moved(person: PersonRecord, new: str, on: dt.date) -> None:
    """Hook reaction: a hukou moved to any other division leaves this district's payroll."""
    if new == get_settings().district_division:
        return
    for row in await _active_applications(person.id_number):
        changed = await stop_application(
            row["id"], set(SUBSIDIES), "hukou_moved_out", on, f"迁往 {new}"
        )
        if changed:
            await notify_applicant(
                row["phone"],
                row["id_number"],
                "残疾人两项补贴停发通知",
                f"因户籍迁出本区，您的两项补贴自{changed[0][1]}起停发，请向迁入地申请。",
            )
            await record_stop(row, changed, "hukou_moved_out")


async def _approved_row(application_id: int) -> dict[str, Any]:
    row = await Application.select().where(Application.id == application_id).first()
    if row is None or row["status"] != "approved":
        raise await refuse_transition(application_id, "approved")
    return row


async def stop_beneficiary(
    application_id: int,
    reason: str,
    effective_on: dt.date | None,
    note: str,
    subsidies: list[str] | None = None,
) -> list[tuple[str, str]]:
    """A reviewer stops payment for fraud or at the person's request."""
    if reason not in MANUAL_REASONS:
        raise Refusal(
            "INVALID_REASON",
            zh=(
                "停发原因应为 fraud（骗取补贴）或 request（本人申请）/ reason must be fraud or "
                "request (deaths, moves and grade changes are recorded where they happen)"
            ),
        )
    chosen = set(subsidies or SUBSIDIES)
    if not chosen <= set(SUBSIDIES):
        raise Refusal("INVALID_SUBSIDY", zh="补贴种类应为 living 或 nursing", en="unknown subsidy")
    event_date = effective_on or await clock.today()
    async with write_transaction():
        row = await _approved_row(application_id)
        changed = await stop_application(application_id, chosen, reason, event_date, note)
        if changed:
            await notify_applicant(
                row["phone"],
                row["id_number"],
                "残疾人两项补贴停发通知",
                f"您的两项补贴（编号{application_id}）自{changed[0][1]}起停发："
                f"{REASON_NAMES_ZH[reason]}。{note.strip()}",
            )
            await record_stop(row, changed, reason)
    return changed


async def record_grade(
    application_id: int,
    grade: int,
    category: int | None,
    card_no: str | None,
    assessed_on: dt.date | None,
    note: str = "",
) -> list[tuple[str, str]]:
    """Record a re-assessed grade (and category/card); stop the nursing subsidy from the month
    after the assessment when the new grade no longer allows it."""
    today = await clock.today()
    day = assessed_on or today
    if day > today:
        raise Refusal(
            "INVALID_DATE", zh="评定日期不能晚于今天", en="the assessment is in the future"
        )
    async with write_transaction():
        row = await _approved_row(application_id)
        category = category or row["category"]
        number = card_no or f"{row['id_number']}{category}{grade}"
        card = check_card(number, row["id_number"], category, grade)
        await Application.update(
            {
                Application.grade: card.grade,
                Application.category: card.category,
                Application.card_no: card.number,
            }
        ).where(Application.id == application_id)
        held = {
            g["subsidy"]
            for g in await Grant.select(Grant.subsidy, Grant.stops_from).where(
                Grant.application == application_id
            )
            if g["stops_from"] is None
        }
        ended = subsidies_ended_by_grade(held, card.grade, card.category, await policy_on(day))
        changed = await stop_application(application_id, set(ended), "grade_change", day, note)
        if changed:
            await notify_applicant(
                row["phone"],
                row["id_number"],
                "残疾人两项补贴停发通知",
                f"因残疾等级变更为{card.grade}级，您的重度残疾人护理补贴自{changed[0][1]}起停发。",
            )
        await audit.record(
            "disability.beneficiary.regraded",
            entity="application",
            entity_id=application_id,
            summary=(
                f"残疾等级变更 {mask_id_number(row['id_number'])}：{row['category']}类"
                f"{row['grade']}级 → {card.category}类{card.grade}级"
                + (f"，{'、'.join(SUBSIDY_NAMES_ZH[s] for s, _ in changed)}停发" if changed else "")
            ),
            details={
                "before": [row["category"], row["grade"]],
                "after": [card.category, card.grade],
                "assessed_on": day.isoformat(),
                "stops": [list(c) for c in changed],
            },
        )
    return changed
