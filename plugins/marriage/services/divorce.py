"""Divorce by agreement with cooling-off (离婚冷静期): application, withdrawal, registration and
the daily sweep of lapsed applications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit
from core.auth.identity import CurrentUser
from core.calendar_store import load_calendar
from core.clock import today as clock_today
from core.db import fetch, fetch_one, write_transaction
from core.identity import mask_id_number
from core.people.service import valid_id_number
from core.refusals import Refusal
from core.workdays import WorkCalendar
from plugins.marriage.certificates import issue_registration_certificate
from plugins.marriage.rules import (
    DivorceApplication as Application,
)
from plugins.marriage.rules import (
    cooling_off_over,
    divorce_application_refusal,
    divorce_dates,
    register_refusal,
    withdraw_refusal,
)
from plugins.marriage.services.offices import get_office
from plugins.marriage.services.records import add_record, lock_people, party
from plugins.marriage.services.registration import own_office, registration_for_certificate
from plugins.marriage.services.scope import audit_full_read, in_office_scope
from plugins.marriage.tables import DivorceApplication, Registration


def rests_on_provisional(calendar: WorkCalendar, applied_on: dt.date, register_by: dt.date) -> bool:
    """Whether the application's dates were counted over a year with no official schedule yet
    (they may still move later when it is entered)."""
    return any(
        calendar.is_provisional(year) for year in range(applied_on.year, register_by.year + 1)
    )


def application_body(
    row: dict[str, Any], today: dt.date | None = None, calendar: WorkCalendar | None = None
) -> dict[str, Any]:
    status = row["status"]
    if today is not None and status == "cooling_off" and today > row["register_by"]:
        status = "expired"
    return {
        "id": row["id"],
        "status": status,
        "marriage_certificate_no": row["marriage_certificate_no"],
        "office_code": row["office_code"],
        "applied_on": row["applied_on"],
        "cooling_off_ends": row["cooling_off_ends"],
        "register_by": row["register_by"],
        "spouses": [row["spouse_a_id"], row["spouse_b_id"]],
        "divorce_id": row["divorce_id"],
        "provisional_calendar": (
            calendar is not None
            and rests_on_provisional(calendar, row["applied_on"], row["register_by"])
        ),
    }


def _rules_view(row: dict[str, Any]) -> Application:
    return Application(
        row["status"],
        row["cooling_off_ends"],
        row["register_by"],
        (row["spouse_a_id"], row["spouse_b_id"]),
    )


async def get_application(application_id: int) -> dict[str, Any]:
    row = await DivorceApplication.select().where(DivorceApplication.id == application_id).first()
    if row is None:
        raise Refusal.not_found(zh="无此离婚申请", en="No such divorce application")
    return row


async def scoped_application(user: CurrentUser, application_id: int) -> dict[str, Any]:
    """An application of the clerk's own office; another office's answers 404 like none."""
    row = await get_application(application_id)
    if not in_office_scope(user, row["office_code"]):
        raise Refusal.not_found(zh="无此离婚申请", en="No such divorce application")
    return row


async def read_application(user: CurrentUser, application_id: int) -> dict[str, Any]:
    """The application with its current dates; the clerk's read is audited."""
    row = await scoped_application(user, application_id)
    await audit_full_read("divorce_application", row["id"], f"查看离婚登记申请 {row['id']}")
    return application_body(row, await clock_today(), await load_calendar())


async def apply(user: CurrentUser, *, marriage_certificate_no: str, office_code: str) -> dict:
    await own_office(user, office_code)
    marriage = await registration_for_certificate(marriage_certificate_no)
    if marriage["kind"] != "marriage":
        raise Refusal(
            "NOT_MARRIED", zh="不是结婚证", en="Not a marriage certificate", english_first=True
        )
    today = await clock_today()
    a_id, b_id = marriage["party_a_id"], marriage["party_b_id"]
    async with write_transaction():
        await lock_people(a_id, b_id)
        refusal = divorce_application_refusal(
            marriage["id"], await party(a_id), await party(b_id), today
        )
        if refusal is not None:
            raise refusal
        await _expire_lapsed(today, marriage_id=marriage["id"])
        if await DivorceApplication.exists().where(
            (DivorceApplication.marriage_id == marriage["id"])
            & (DivorceApplication.status == "cooling_off")
        ):
            raise Refusal(
                "APPLICATION_EXISTS",
                zh="该婚姻已有未办结的离婚申请",
                en="An application for this marriage is open",
                kind="conflict",
                english_first=True,
            )
        dates = divorce_dates(await load_calendar(), today)
        rows = await DivorceApplication.insert(
            DivorceApplication(
                marriage_id=marriage["id"],
                marriage_certificate_no=marriage_certificate_no.strip().upper(),
                office_code=office_code,
                spouse_a_id=a_id,
                spouse_b_id=b_id,
                applied_on=today,
                cooling_off_ends=dates.cooling_off_ends,
                register_by=dates.register_by,
            )
        ).returning(DivorceApplication.id)
        application_id = rows[0]["id"]
        await audit.record(
            "marriage.divorce.applied",
            entity="divorce_application",
            entity_id=application_id,
            summary=(
                f"受理离婚登记申请 {marriage['certificate_no']}，冷静期至 "
                f"{dates.cooling_off_ends}，办理期限至 {dates.register_by}"
            ),
        )
    return application_body(await get_application(application_id), calendar=await load_calendar())


async def withdraw(user: CurrentUser, application_id: int, id_number: str) -> dict[str, Any]:
    row = await scoped_application(user, application_id)
    number = valid_id_number(id_number)
    today = await clock_today()
    refusal = withdraw_refusal(_rules_view(row), number, today)
    if refusal is not None:
        raise refusal
    async with write_transaction():
        changed = await fetch_one(
            "UPDATE marriage_divorce_application SET status = 'withdrawn', closed_on = {}, "
            "close_reason = {} WHERE id = {} AND status = 'cooling_off' RETURNING id",
            today,
            f"withdrawn by {mask_id_number(number)}",
            application_id,
        )
        if changed is None:
            raise cooling_off_over()
        await audit.record(
            "marriage.divorce.withdrawn",
            entity="divorce_application",
            entity_id=application_id,
            summary=f"撤回离婚登记申请（{mask_id_number(number)}）",
        )
    return {"id": application_id, "status": "withdrawn"}


async def register(user: CurrentUser, application_id: int) -> dict[str, Any]:
    """Register the divorce in the 30 days after cooling-off; ``EXPIRED`` also closes it."""
    row = await scoped_application(user, application_id)
    office = await get_office(row["office_code"])
    today = await clock_today()
    refusal = register_refusal(_rules_view(row), today)
    if refusal is not None:
        if refusal.code == "EXPIRED":  # deemed withdrawn: closed now, not at the nightly sweep
            async with write_transaction():
                await _expire_lapsed(today, marriage_id=row["marriage_id"])
        raise refusal
    marriage = await Registration.select().where(Registration.id == row["marriage_id"]).first()
    assert marriage is not None
    a_id, b_id = marriage["party_a_id"], marriage["party_b_id"]
    async with write_transaction():
        await lock_people(a_id, b_id)
        a, b = await party(a_id), await party(b_id)
        if (refusal := divorce_application_refusal(marriage["id"], a, b, today)) is not None:
            raise refusal
        names = (marriage["party_a_name"], marriage["party_b_name"])
        issued = await issue_registration_certificate(
            "divorce", office, today, [(names[0], a_id), (names[1], b_id)]
        )
        rows = await Registration.insert(
            Registration(
                kind="divorce",
                office_code=office["code"],
                registry_division=office["division_code"],
                registered_on=today,
                certificate_no=issued.number,
                party_a_id=a_id,
                party_a_name=names[0],
                party_a_hukou=a.hukou_division or marriage["party_a_hukou"],
                party_b_id=b_id,
                party_b_name=names[1],
                party_b_hukou=b.hukou_division or marriage["party_b_hukou"],
                marriage_id=marriage["id"],
                kinship_declaration_signed=False,
                clerk=user.username,
            )
        ).returning(Registration.id)
        divorce_id = rows[0]["id"]
        closed = await fetch_one(
            "UPDATE marriage_divorce_application SET status = 'registered', closed_on = {}, "
            "divorce_id = {} WHERE id = {} AND status = 'cooling_off' RETURNING id",
            today,
            divorce_id,
            application_id,
        )
        if closed is None:
            raise Refusal(
                "APPLICATION_CLOSED",
                zh="申请状态已变化",
                en="The application changed",
                kind="conflict",
                english_first=True,
            )
        await add_record(a_id, "divorced", today, b_id, names[1], divorce_id)
        await add_record(b_id, "divorced", today, a_id, names[0], divorce_id)
        await audit.record(
            "marriage.divorce.registered",
            entity="registration",
            entity_id=divorce_id,
            summary=f"离婚登记 {issued.number}（原结婚证 {marriage['certificate_no']}）",
        )
    return {
        "id": divorce_id,
        "certificate_no": issued.number,
        "registered_on": today,
        "verify_url": issued.verify_url,
    }


async def _expire_lapsed(today: dt.date, *, marriage_id: int | None = None) -> int:
    """Open applications past their register-by date become ``expired`` (deemed withdrawn)."""
    sql = (
        "UPDATE marriage_divorce_application SET status = 'expired', closed_on = {}, "
        "close_reason = 'register-by date passed' "
        "WHERE status = 'cooling_off' AND register_by < {}"
    )
    args: list[Any] = [today, today]
    if marriage_id is not None:
        sql += " AND marriage_id = {}"
        args.append(marriage_id)
    rows = await fetch(sql + " RETURNING id", *args)
    if rows:
        await audit.record(
            "marriage.divorce.expired",
            entity="divorce_application",
            entity_id=",".join(str(r["id"]) for r in rows[:8]),
            summary=f"{len(rows)} 件离婚登记申请逾期未办理，视为撤回",
            actor="system" if marriage_id is None else None,
        )
    return len(rows)


async def sweep_expired(today: dt.date) -> str:
    """Scheduled job: mark lapsed applications ``expired``."""
    async with write_transaction():
        count = await _expire_lapsed(today)
    return f"{count} expired"


async def close_for_deceased(id_number: str, died_on: dt.date) -> int:
    """Inside the death's transaction: open applications of the deceased cannot finish."""
    rows = await fetch(
        "UPDATE marriage_divorce_application SET status = 'closed', closed_on = {}, "
        "close_reason = 'a spouse died' "
        "WHERE status = 'cooling_off' AND (spouse_a_id = {} OR spouse_b_id = {}) RETURNING id",
        died_on,
        id_number,
        id_number,
    )
    return len(rows)
