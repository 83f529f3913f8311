"""Keeping the promise when an official holiday schedule is entered (hook
``minzheng_calendar_changed``; DOMAIN.md "The working-day calendar").

- Open divorce applications: cooling-off end and register-by are recomputed on the new calendar
  (``rules.recomputed_divorce_dates``): a date to come moves later, never earlier than told.
  Each move is audited and both spouses are told through the outbox.
- Booked appointments on a day the new calendar closes (and the office did not open by hand) are
  cancelled with a message; the booker gets a **priority rebooking**: for 30 days they may
  rebook the same couple and service into any open future slot of any office, even a full one
  (a place is added for them), with no no-show block or booking-rate limit in the way
  (``POST /api/v1/marriage/appointments/{code}/rebook``). The freed slots of that day close.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core import audit
from core.contributions import CalendarMove
from core.db import fetch, fetch_one
from core.identity import mask_name
from core.notifications import enqueue
from core.workdays import WorkCalendar
from plugins.marriage.rules.divorce import DivorceDates, recomputed_divorce_dates
from plugins.marriage.services.offices import roll_schedules_forward
from plugins.marriage.services.places import release_place, take_or_add_place
from plugins.marriage.tables import Appointment, DivorceApplication, Schedule

PLUGIN = "marriage"
REBOOK_DAYS = 30
COOLING_OFF = "离婚冷静期届满日 / cooling-off ends"
REGISTER_BY = "办理离婚登记截止日 / register by"
APPOINTMENT = "预约日期 / appointment"


async def recipient_of(id_number: str) -> tuple[str, str]:
    """A person's phone (SMS) when they have a citizen account with one, else their account's
    inbox (a citizen's username is the identity number)."""
    row = await fetch_one("SELECT phone FROM account WHERE username = {}", id_number)
    if row is not None and row["phone"]:
        return row["phone"], "sms"
    return id_number, "account"


async def tell(id_number: str, subject: str, body: str) -> None:
    recipient, channel = await recipient_of(id_number)
    await enqueue(recipient, subject, body, channel=channel, plugin=PLUGIN)


async def divorce_moves(after: WorkCalendar, today: dt.date, apply: bool) -> list[CalendarMove]:
    rows = await DivorceApplication.select().where(
        (DivorceApplication.status == "cooling_off") & (DivorceApplication.register_by >= today)
    )
    moves: list[CalendarMove] = []
    for row in rows:
        told = DivorceDates(row["cooling_off_ends"], row["register_by"])
        new = recomputed_divorce_dates(after, row["applied_on"], told, today)
        if new == told:
            continue
        ident = str(row["id"])
        who = f"离婚申请 {row['marriage_certificate_no']}"
        if new.cooling_off_ends != told.cooling_off_ends:
            moves.append(
                CalendarMove(
                    PLUGIN,
                    "divorce_application",
                    ident,
                    COOLING_OFF,
                    told.cooling_off_ends,
                    new.cooling_off_ends,
                    who,
                )
            )
        if new.register_by != told.register_by:
            moves.append(
                CalendarMove(
                    PLUGIN,
                    "divorce_application",
                    ident,
                    REGISTER_BY,
                    told.register_by,
                    new.register_by,
                    who,
                )
            )
        if not apply:
            continue
        await fetch(
            "UPDATE marriage_divorce_application SET cooling_off_ends = {}, register_by = {} "
            "WHERE id = {}",
            new.cooling_off_ends,
            new.register_by,
            row["id"],
        )
        await audit.record(
            "marriage.divorce.dates_moved",
            entity="divorce_application",
            entity_id=row["id"],
            summary=(
                f"节假日安排调整：冷静期届满日 {told.cooling_off_ends} → {new.cooling_off_ends}，"
                f"办理期限 {told.register_by} → {new.register_by}"
            ),
        )
        body = (
            f"因节假日安排调整，您的离婚登记申请（{row['marriage_certificate_no']}）："
            f"离婚冷静期届满日为 {new.cooling_off_ends:%Y年%m月%d日}，"
            f"请于 {new.cooling_off_ends + dt.timedelta(days=1):%Y年%m月%d日} 至 "
            f"{new.register_by:%Y年%m月%d日} 期间双方共同到场办理。"
            f" / Under the holiday calendar your cooling-off ends "
            f"{new.cooling_off_ends}; register by {new.register_by}."
        )
        for spouse in (row["spouse_a_id"], row["spouse_b_id"]):
            await tell(spouse, "离婚登记日期变更 / divorce dates moved", body)
    return moves


async def _office_open_dates() -> dict[str, set[dt.date]]:
    rows = await Schedule.select(Schedule.office_code, Schedule.open_dates)
    opened: dict[str, set[dt.date]] = {}
    for row in rows:
        value = row["open_dates"]
        dates = json.loads(value) if isinstance(value, str) else value or []
        opened[row["office_code"]] = {dt.date.fromisoformat(d) for d in dates}
    return opened


async def appointment_moves(
    year: int, after: WorkCalendar, today: dt.date, apply: bool
) -> list[CalendarMove]:
    first = max(today, dt.date(year, 1, 1))
    rows = await Appointment.select().where(
        (Appointment.status == "booked")
        & (Appointment.day >= first)
        & (Appointment.day <= dt.date(year, 12, 31))
    )
    opened = await _office_open_dates()
    closed: list[dict[str, Any]] = [
        row
        for row in rows
        if not after.is_working_day(row["day"])
        and row["day"] not in opened.get(row["office_code"], set())
    ]
    moves = [
        CalendarMove(
            PLUGIN,
            "appointment",
            row["code"],
            APPOINTMENT,
            row["day"],
            None,
            mask_name(row["booker_name"] or ""),
        )
        for row in closed
    ]
    if not apply:
        return moves
    rebook_until = today + dt.timedelta(days=REBOOK_DAYS)
    for row in closed:
        changed = await fetch_one(
            "UPDATE marriage_appointment SET status = 'cancelled', changed_at = {}, "
            "rebook_until = {} WHERE code = {} AND status = 'booked' RETURNING id",
            dt.datetime.now(dt.UTC),
            rebook_until,
            row["code"],
        )
        if changed is None:
            continue
        await release_place(row["slot_id"], row["code"])
        await fetch("DELETE FROM marriage_hold WHERE appointment_code = {}", row["code"])
        await audit.record(
            "marriage.appointment.closed_day",
            entity="appointment",
            entity_id=row["code"],
            summary=(
                f"节假日安排调整：{row['day']} 不办公，取消预约 {row['office_code']} "
                f"{row['start_time']}，优先改约至 {rebook_until}"
            ),
        )
        await tell(
            row["booker_id_number"],
            "预约已取消，可优先改约 / appointment cancelled, priority rebooking",
            f"因节假日安排调整，{row['day']:%Y年%m月%d日}登记处不办公，"
            f"您的预约（{row['code']}）已取消。{rebook_until:%Y年%m月%d日}前您可优先改约"
            f"任一开放日期，即使该时段已约满。 / The office is closed on {row['day']} under "
            f"the holiday calendar: appointment {row['code']} is cancelled. Until "
            f"{rebook_until} you may rebook any open slot, even a full one.",
        )
    return moves


async def calendar_changed(
    year: int, before: WorkCalendar, after: WorkCalendar, today: dt.date, apply: bool
) -> list[CalendarMove]:
    moves = await divorce_moves(after, today, apply)
    moves += await appointment_moves(year, after, today, apply)
    if apply and (moves or before.year(year) != after.year(year)):
        # Every office's slots again on the new calendar: unbooked slots on a newly closed day
        # go, newly opened days (调休) get slots.
        await roll_schedules_forward(today, after)
    return moves


async def rebook(user: Any, code: str, slot_id: int) -> dict[str, Any]:
    """The priority rebooking of an appointment the official calendar cancelled (module doc):
    the same couple and service into any open future slot until ``rebook_until``; a full slot
    gets one more place for them. One active booking per person still holds."""
    from core.clock import now_local
    from core.clock import today as clock_today
    from core.refusals import Refusal
    from plugins.marriage.rules import slot_begun, slot_in_past
    from plugins.marriage.services.booking import (
        SERVICE_LABELS,
        _hold,
        _holding,
        new_code,
        slot_start,
        visible_appointment,
    )

    old = await visible_appointment(user, code)
    today = await clock_today()
    if old["rebook_until"] is None or old["booker_account"] != user.username:
        raise Refusal(
            "NO_PRIORITY_REBOOKING",
            zh="该预约没有优先改约资格",
            en="This appointment has no priority rebooking",
            english_first=True,
        )
    if today > old["rebook_until"]:
        raise Refusal(
            "PRIORITY_REBOOKING_EXPIRED",
            zh=f"优先改约已于{old['rebook_until']}截止",
            en=f"Priority rebooking ended {old['rebook_until']}",
            english_first=True,
        )
    slot = await fetch_one(
        "SELECT s.id, s.office_code, s.day, s.start_time, s.end_time, s.open, "
        "o.name AS office_name FROM marriage_slot s JOIN marriage_office o "
        "ON o.code = s.office_code WHERE s.id = {}",
        slot_id,
    )
    if slot is None or not slot["open"]:
        raise Refusal.not_found(zh="无此预约时段", en="No such slot")
    if slot_in_past(slot["day"], slot_start(slot), await now_local()):
        raise slot_begun()
    new = new_code()
    now = dt.datetime.now(dt.UTC)
    async with _holding(old["booker_id_number"], old["partner_id_number"], old["service"]):
        used = await fetch_one(
            "UPDATE marriage_appointment SET rebook_until = NULL, changed_at = {} "
            "WHERE code = {} AND rebook_until IS NOT NULL RETURNING id",
            now,
            old["code"],
        )
        if used is None:
            raise Refusal(
                "ALREADY_REBOOKED",
                zh="已改约",
                en="Already rebooked",
                kind="conflict",
                english_first=True,
            )
        await _hold(old["booker_id_number"], old["partner_id_number"], old["service"], new)
        # A place for them even in a full slot: the capacity grows by the one place they take.
        if await take_or_add_place(slot_id, new) is None:
            raise Refusal.not_found(zh="无此预约时段", en="No such slot")
        await Appointment.insert(
            Appointment(
                code=new,
                slot_id=slot_id,
                office_code=slot["office_code"],
                day=slot["day"],
                start_time=slot["start_time"],
                end_time=slot["end_time"],
                service=old["service"],
                booker_account=old["booker_account"],
                booker_id_number=old["booker_id_number"],
                booker_name=old["booker_name"],
                partner_id_number=old["partner_id_number"],
                partner_name=old["partner_name"],
                status="booked",
            )
        )
        label = SERVICE_LABELS.get(old["service"], old["service"])
        await audit.record(
            "marriage.appointment.rebooked",
            entity="appointment",
            entity_id=new,
            summary=f"优先改约 {old['code']} → {new}：{slot['office_code']} {slot['day']} "
            f"{slot['start_time']}",
        )
        await tell(
            old["booker_id_number"],
            f"{label}改约成功 {new}",
            f"您已改约{slot['office_name']}{slot['day']:%Y年%m月%d日} "
            f"{slot['start_time']}–{slot['end_time']}的{label}，预约码 {new}。",
        )
    return {
        "code": new,
        "slot_id": slot_id,
        "service": old["service"],
        "status": "booked",
        "office": slot["office_code"],
        "date": slot["day"],
        "start": slot["start_time"],
        "end": slot["end_time"],
        "rebooked_from": old["code"],
    }
