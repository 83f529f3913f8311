"""Booking, reading, cancelling and checking in appointments.

A slot is never overbooked: its places are rows, and a booking takes one by one ``UPDATE`` of
the lowest free place that sets its appointment code (``services.places``), so no
place is given twice and none beyond the rows there are. One active booking per person and
service is the unique index on ``marriage_hold (id_number, service)`` (booker and partner each
hold a row). Both happen inside one write transaction; nothing is read in Python and then
written.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from core import audit
from core.auth.identity import CurrentUser
from core.auth.ratelimit import enforce_address
from core.clock import now_local
from core.clock import today as clock_today
from core.db import defer, fetch, fetch_one, is_sqlite, is_unique_violation, write_transaction
from core.identity import mask_id_number, mask_name
from core.notifications import enqueue
from core.people.service import valid_id_number
from core.refusals import Refusal
from plugins.marriage.rules import booking_refusal, slot_begun, slot_in_past
from plugins.marriage.rules.booking import NO_SHOW_LIMIT
from plugins.marriage.services.full_slots import full_slots
from plugins.marriage.services.no_shows import blocked_until
from plugins.marriage.services.offices import parse_time
from plugins.marriage.services.places import (
    SLOT_FULL_STATE,
    claim_place,
    release_place,
    take_place,
)
from plugins.marriage.services.scope import audit_full_read, in_office_scope
from plugins.marriage.tables import Appointment

Service = Literal["marriage", "divorce", "reissue"]
SERVICE_LABELS: dict[str, str] = {
    "marriage": "结婚登记",
    "divorce": "离婚登记",
    "reissue": "补领证件",
}
MANAGE = "marriage.appointments.manage"

# A real couple books once, perhaps cancels and books again; twenty bookings a minute from one
# account is a script holding places.
BOOKING_LIMIT_PER_ACCOUNT = 20
BOOKING_WINDOW_SECONDS = 60

# Unambiguous when read aloud or typed from a text message: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    return code.strip().upper()[:16]


def slot_start(row: dict[str, Any]) -> dt.time:
    return parse_time(row["start_time"])


def _slot_full() -> Refusal:
    return Refusal(
        "SLOT_FULL",
        zh="该时段已约满",
        en="This slot is fully booked",
        kind="conflict",
        english_first=True,
    )


def _already_booked(is_booker: bool) -> Refusal:
    who, zh = ("You", "您") if is_booker else ("The partner", "对方")
    return Refusal(
        "ALREADY_BOOKED",
        zh=f"{zh}已有该业务的有效预约",
        en=f"{who} already hold(s) an active booking for this service",
        kind="conflict",
        english_first=True,
    )


async def _checked_partner(
    booker: str,
    slot: dict[str, Any],
    service: Service,
    partner_id_number: str | None,
    partner_name: str,
) -> tuple[str | None, str]:
    """The partner's number and name, once ``rules.booking_refusal`` has no refusal."""
    now = await now_local()
    block = None
    if slot["no_shows"] >= NO_SHOW_LIMIT:
        block = await blocked_until(booker, now.date())
    refusal = booking_refusal(
        booker,
        partner_id_number,
        slot["day"],
        slot_start(slot),
        now,
        block,
        partner_required=service != "reissue",
        partner_name=partner_name,
    )
    if refusal is not None:
        raise refusal
    if partner_id_number is None:
        return None, ""
    return valid_id_number(partner_id_number, now.date()), partner_name.strip()


# The booking's hot path is raw SQL: on a busy morning every query's Python overhead counts.
# One read answers every refusal that needs no write: the slot, whether it has a free place, the
# booker's no-shows, whether either person already holds a booking for the service, and the
# account's recent bookings.
SLOT_FOR_BOOKING = (
    "SELECT s.id, s.office_code, s.day, s.start_time, s.end_time, s.open, f.free, "
    "o.name AS office_name, o.address AS office_address, o.phone AS office_phone, "
    "(SELECT COUNT(*) FROM marriage_appointment a "
    "WHERE a.booker_id_number = {} AND a.status = 'no_show') AS no_shows, "
    # The rest only matters while the slot has room: in a rush most attempts stop at SLOT_FULL,
    # and CASE leaves these lookups unevaluated for them (both engines evaluate CASE lazily).
    "CASE WHEN f.free THEN (SELECT phone FROM account WHERE username = {}) END AS phone, "
    "CASE WHEN f.free THEN (SELECT COUNT(*) FROM marriage_hold h "
    "WHERE h.id_number = {} AND h.service = {}) END AS booker_holds, "
    "CASE WHEN f.free THEN (SELECT COUNT(*) FROM marriage_hold h "
    "WHERE h.id_number = {} AND h.service = {}) END AS partner_holds, "
    "CASE WHEN f.free THEN (SELECT COUNT(*) FROM marriage_appointment r "
    "WHERE r.booker_account = {} AND r.created_at > {}) END AS recent, "
    "CASE WHEN f.free THEN (SELECT MIN(r.created_at) FROM marriage_appointment r "
    "WHERE r.booker_account = {} AND r.created_at > {}) END AS recent_since "
    "FROM marriage_slot s JOIN marriage_office o ON o.code = s.office_code "
    # One free place, looked up once (its LIMIT keeps either planner from copying the lookup
    # into every CASE); no row, no room.
    "LEFT JOIN (SELECT TRUE AS free FROM marriage_slot_place "
    "WHERE slot_id = {} AND appointment_code IS NULL LIMIT 1) f ON TRUE "
    "WHERE s.id = {}"
)
INSERT_APPOINTMENT = (
    "INSERT INTO marriage_appointment (code, slot_id, office_code, day, start_time, end_time, "
    "service, booker_account, booker_id_number, booker_name, partner_id_number, partner_name, "
    "status, created_at, changed_at) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'booked', {}, {})"
)
HOLDS_INDEX = "marriage_hold_person_service"


async def _hold(booker: str, partner: str | None, service: str, code: str) -> None:
    """One active booking per person and service: the unique index refuses a second hold, and
    ``_holding`` answers that refusal. Deferred (``core.db.defer``): on PostgreSQL the holds
    travel with the transaction's BEGIN. Rows go in id-number order, so a couple booking each
    other at once cannot deadlock."""
    people = sorted(p for p in (booker, partner) if p is not None)
    values = ", ".join("({}, {}, {})" for _ in people)
    args = [value for person in people for value in (person, service, code)]
    await defer(
        f"INSERT INTO marriage_hold (id_number, service, appointment_code) VALUES {values}",  # noqa: S608
        *args,
    )


@asynccontextmanager
async def _holding(booker: str, partner: str | None, service: str) -> AsyncIterator[None]:
    """A write transaction that takes holds (``_hold``): when the unique index refuses one —
    wherever the deferred insert was sent — the change is rolled back and the answer is
    ``ALREADY_BOOKED``, naming the booker when they are the one who holds a booking. A place
    claimed with the COMMIT (``claim_place``) and not there answers ``SLOT_FULL``."""
    try:
        async with write_transaction():
            yield
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == SLOT_FULL_STATE:
            raise _slot_full() from None
        if not is_unique_violation(exc, HOLDS_INDEX, "marriage_hold.id_number"):
            raise
        # PostgreSQL names the key ("Key (id_number, service)=(…, marriage) already exists"),
        # and its transaction, perhaps an outer one, is aborted: nothing more can be read in
        # it. SQLite names only the columns, and its transaction goes on: ask the table.
        detail = getattr(exc, "detail", None)
        if detail:
            raise _already_booked(f"({booker}," in detail) from None
        held = await fetch(
            "SELECT id_number FROM marriage_hold WHERE service = {} AND id_number IN ({}, {})",
            service,
            booker,
            partner or booker,
        )
        raise _already_booked(booker in {r["id_number"] for r in held} or not held) from None


async def book(
    user: CurrentUser,
    *,
    slot_id: int,
    service: Service,
    partner_id_number: str | None,
    partner_name: str,
    ip: str,
) -> dict[str, Any]:
    """Book a place for the signed-in citizen and the partner they name.

    Every refusal that needs no write is decided on one read, like reading the public slot list
    (that read only refuses early: taking a place row alone grants places, and the unique holds
    alone enforce one booking per person). The per-account limit counts the account's
    bookings in the last minute, so attempts refused by that read cost nothing more.
    """
    await enforce_address(ip, "marriage-booking")
    booker = valid_id_number(user.username)
    partner_key = partner_id_number.strip().upper() if partner_id_number else ""
    full = full_slots.get(slot_id)
    if full is not None:
        # Known full (services.full_slots): the refusals that need no read still come first;
        # the booker's no-show block is not looked up, as the slot refuses them anyway.
        slot = {"day": full.day, "start_time": full.start_time, "no_shows": 0}
        await _checked_partner(booker, slot, service, partner_id_number, partner_name)
        raise _slot_full()
    epoch = full_slots.epoch()
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=BOOKING_WINDOW_SECONDS)
    slot = await fetch_one(
        SLOT_FOR_BOOKING,
        booker,
        user.username,
        booker,
        service,
        partner_key,
        service,
        user.username,
        since,
        user.username,
        since,
        slot_id,
        slot_id,
    )
    if slot is None or not slot["open"]:
        raise Refusal.not_found(zh="无此预约时段", en="No such slot")
    partner, partner_name = await _checked_partner(
        booker, slot, service, partner_id_number, partner_name
    )
    if not slot["free"]:
        full_slots.remember(slot_id, slot, epoch)
        raise _slot_full()
    if slot["booker_holds"] or slot["partner_holds"]:
        raise _already_booked(bool(slot["booker_holds"]))
    if int(slot["recent"]) >= BOOKING_LIMIT_PER_ACCOUNT:
        raise Refusal.rate_limited(_seconds_until_window_frees(slot["recent_since"], since))
    label = SERVICE_LABELS[service]
    code = new_code()
    now = dt.datetime.now(dt.UTC)
    async with _holding(booker, partner, service):
        # Nothing here needs an answer: on PostgreSQL the holds, the appointment, the message,
        # the place and the audit entry reach the server in one message with BEGIN and COMMIT,
        # and a refusal (a hold, a full slot) comes back as that message's error. The place
        # is taken last but the audit entry: its row stays locked until the COMMIT, and a
        # booking that finds every free place locked waits for them.
        await _hold(booker, partner, service, code)
        await defer(
            INSERT_APPOINTMENT,
            code,
            slot_id,
            slot["office_code"],
            slot["day"],
            slot["start_time"],
            slot["end_time"],
            service,
            user.username,
            booker,
            user.display_name,
            partner,
            partner_name,
            now,
            now,
        )
        await enqueue(
            slot["phone"] or user.username,
            f"{label}预约成功 {code}",
            f"您已预约{slot['office_name']}{slot['day']:%Y年%m月%d日} "
            f"{slot['start_time']}–{slot['end_time']}的{label}，预约码 {code}。"
            + (f"地址：{slot['office_address']}。" if slot["office_address"] else "")
            + (f"电话：{slot['office_phone']}。" if slot["office_phone"] else "")
            + "请双方携带身份证件按时到场；如不能前往请提前取消。",
            plugin="marriage",
        )
        if is_sqlite():
            if await take_place(slot_id, code) is None:
                raise _slot_full()
        else:
            await claim_place(slot_id, code)  # refused, if need be, with the COMMIT
        await audit.record(
            "marriage.appointment.booked",
            entity="appointment",
            entity_id=code,
            summary=(
                f"预约{label} {slot['office_code']} {slot['day']} "
                f"{slot['start_time']}（{mask_id_number(booker)}）"
            ),
            details={"slot_id": slot_id},
        )
    return {
        "code": code,
        "slot_id": slot_id,
        "service": service,
        "status": "booked",
        "office": slot["office_code"],
        "date": slot["day"],
        "start": slot["start_time"],
        "end": slot["end_time"],
    }


def _seconds_until_window_frees(oldest: dt.datetime | str, since: dt.datetime) -> int:
    if isinstance(oldest, str):  # SQLite returns an aggregate of a timestamp as text
        oldest = dt.datetime.fromisoformat(oldest)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return max(1, math.ceil((oldest - since).total_seconds()))


def is_manager(user: CurrentUser) -> bool:
    return user.has(MANAGE)


async def visible_appointment(user: CurrentUser, code: str) -> dict[str, Any]:
    """The appointment if ``user`` is its booker or a clerk of its office; anyone else gets 404."""
    row = await Appointment.select().where(Appointment.code == normalize_code(code)).first()
    if row is None:
        raise Refusal.not_found(zh="无此预约", en="No such appointment")
    clerk = is_manager(user) and in_office_scope(user, row["office_code"])
    if not (clerk or row["booker_account"] == user.username):
        raise Refusal.not_found(zh="无此预约", en="No such appointment")
    return row


async def read_appointment(user: CurrentUser, code: str) -> dict[str, Any]:
    """The appointment as its reader may see it; a clerk's full read is audited."""
    row = await visible_appointment(user, code)
    full = is_manager(user)
    if full:
        await audit_full_read("appointment", row["code"], f"查看预约 {row['code']}")
    return appointment_body(row, full=full)


def appointment_body(row: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """Clerks see both identity numbers in full; the booker sees the partner's masked."""
    partner = row["partner_id_number"]
    return {
        "code": row["code"],
        "slot_id": row["slot_id"],
        "service": row["service"],
        "status": row["status"],
        "office": row["office_code"],
        "date": row["day"],
        "start": row["start_time"],
        "end": row["end_time"],
        "booker": {"id_number": row["booker_id_number"], "name": row["booker_name"]},
        "partner": None
        if partner is None
        else {
            "id_number": partner if full else mask_id_number(partner),
            "name": row["partner_name"] if full else mask_name(row["partner_name"]),
        },
        "created_at": row["created_at"],
        "rebook_until": row.get("rebook_until"),
    }


async def list_own(user: CurrentUser, limit: int, offset: int) -> dict[str, Any]:
    query = Appointment.select().where(Appointment.booker_account == user.username)
    rows = await query.order_by(Appointment.day, ascending=False).limit(limit).offset(offset)
    total = await Appointment.count().where(Appointment.booker_account == user.username)
    return {"items": [appointment_body(r, full=False) for r in rows], "total": total}


async def list_for_office(office_code: str, day: dt.date) -> list[dict[str, Any]]:
    rows = await (
        Appointment.select()
        .where((Appointment.office_code == office_code) & (Appointment.day == day))
        .order_by(Appointment.start_time)
        .order_by(Appointment.id)
    )
    return [appointment_body(r, full=True) for r in rows]


async def _release(row: dict[str, Any]) -> None:
    """Inside a transaction: give the place back and drop the holds of a cancelled booking."""
    await release_place(row["slot_id"], row["code"])
    await fetch("DELETE FROM marriage_hold WHERE appointment_code = {}", row["code"])


async def _set_status(code: str, new: str, expected: tuple[str, ...]) -> bool:
    """Conditional status change: False when another request changed it first."""
    placeholders = ", ".join("{}" for _ in expected)
    row = await fetch_one(
        f"UPDATE marriage_appointment SET status = {{}}, changed_at = {{}} "  # noqa: S608
        f"WHERE code = {{}} AND status IN ({placeholders}) RETURNING id",
        new,
        dt.datetime.now(dt.UTC),
        code,
        *expected,
    )
    return row is not None


def _changed_meanwhile() -> Refusal:
    """Another request moved the appointment on between our read and our write."""
    return Refusal(
        "APPOINTMENT_CLOSED",
        zh="预约状态已变化",
        en="The appointment changed",
        kind="conflict",
        english_first=True,
    )


async def cancel(user: CurrentUser, code: str) -> dict[str, Any]:
    """Cancel and free the place at once. The booker may cancel until the slot starts; a clerk
    at any time before check-in. Cancelling twice answers the same."""
    row = await visible_appointment(user, code)
    if row["status"] == "cancelled":
        return {"code": row["code"], "status": "cancelled"}
    if row["status"] != "booked":
        raise Refusal(
            "APPOINTMENT_CLOSED",
            zh="该预约已不能取消",
            en=f"The appointment is {row['status']} and can no longer be cancelled",
            kind="conflict",
            english_first=True,
        )
    if not is_manager(user) and slot_in_past(row["day"], slot_start(row), await now_local()):
        raise slot_begun()
    async with write_transaction():
        if not await _set_status(row["code"], "cancelled", ("booked",)):
            current = await visible_appointment(user, code)
            if current["status"] == "cancelled":
                return {"code": row["code"], "status": "cancelled"}
            raise _changed_meanwhile()
        await _release(row)
        await audit.record(
            "marriage.appointment.cancelled",
            entity="appointment",
            entity_id=row["code"],
            summary=f"取消预约 {row['office_code']} {row['day']} {row['start_time']}",
        )
    return {"code": row["code"], "status": "cancelled"}


async def check_in(user: CurrentUser, code: str) -> dict[str, Any]:
    """The couple arrived at the window: only at the slot's office, on its day."""
    row = await visible_appointment(user, code)
    if row["status"] == "checked_in":
        return {"code": row["code"], "status": "checked_in"}
    if row["status"] != "booked":
        raise Refusal(
            "APPOINTMENT_CLOSED",
            zh="该预约状态不能签到",
            en=f"The appointment is {row['status']}",
            kind="conflict",
            english_first=True,
        )
    if row["day"] != await clock_today():
        raise Refusal(
            "NOT_TODAY",
            zh="该预约不是今天",
            en="The appointment is not for today",
            english_first=True,
        )
    async with write_transaction():
        if not await _set_status(row["code"], "checked_in", ("booked",)):
            raise _changed_meanwhile()
        await audit.record(
            "marriage.appointment.checked_in",
            entity="appointment",
            entity_id=row["code"],
            summary=f"预约签到 {row['office_code']} {row['day']} {row['start_time']}",
        )
    return {"code": row["code"], "status": "checked_in"}


async def complete(code: str) -> None:
    """Inside the registration's transaction: the booking was used; its holds end."""
    await _set_status(code, "completed", ("booked", "checked_in"))
    await fetch("DELETE FROM marriage_hold WHERE appointment_code = {}", code)


async def cancel_for_deceased(id_number: str) -> int:
    """Inside the death's transaction: active bookings naming the deceased are cancelled."""
    rows = await Appointment.select().where(
        (Appointment.status == "booked")
        & (
            (Appointment.booker_id_number == id_number)
            | (Appointment.partner_id_number == id_number)
        )
    )
    for row in rows:
        if await _set_status(row["code"], "cancelled", ("booked",)):
            await _release(row)
    return len(rows)
