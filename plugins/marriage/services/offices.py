"""Offices, their weekly slot pattern, and the slots published from it.

Saving a schedule regenerates the slots from today to today + horizon. A slot the new plan no
longer has is deleted when nobody booked it; a booked one is kept but closed (``open`` false):
its bookings stay valid, nobody else can book it, and it is not listed. Each change keeps the
slot's place rows in step (``services.places``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from core import audit
from core.calendar_store import load_calendar
from core.clock import today as clock_today
from core.db import fetch, fetch_one, json_value, write_transaction
from core.people.service import valid_division
from core.refusals import Refusal
from core.workdays import WorkCalendar
from plugins.marriage.rules import SlotTemplate, open_days, province_of, slot_plan
from plugins.marriage.rules.booking import ScheduleError
from plugins.marriage.services.places import BOOKED, REMAINING, fit_places, publish_places
from plugins.marriage.tables import Office, Schedule, Slot

OFFICE_CODE = re.compile(r"^[A-Za-z0-9_-]{2,32}$")
MAX_HORIZON_DAYS = 366
MAX_SLOT_RANGE_DAYS = 92
DEFAULT_HORIZON_DAYS = 30


DETAILS = {"address": 200, "opening_hours": 200, "phone": 32, "directions": 2000}
# As the admin's page labels them: a refusal shown next to the field speaks the page's language.
DETAIL_LABELS = {
    "address": ("地址", "The address"),
    "opening_hours": ("办公时间", "The opening hours"),
    "phone": ("联系电话", "The phone number"),
    "directions": ("交通指引", "The directions"),
}


def office_body(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "division_code": row["division_code"],
        "province_code": province_of(row["division_code"]),
        **{name: row.get(name) or "" for name in DETAILS},
    }


def office_location(office: dict[str, Any]) -> str:
    """Where the office is, in one line (the calendar file's LOCATION, the booking message)."""
    return "，".join(part for part in (office["name"], office.get("address") or "") if part)


async def list_offices() -> list[dict[str, Any]]:
    rows = await Office.select().order_by(Office.code)
    return [office_body(row) for row in rows]


def clean_details(details: dict[str, str | None]) -> dict[str, str]:
    """Address, opening hours, phone and directions, trimmed; 422 ``INVALID_OFFICE_DETAILS``
    when one is too long."""
    cleaned = {}
    for name, limit in DETAILS.items():
        value = (details.get(name) or "").strip()
        if len(value) > limit:
            zh, en = DETAIL_LABELS[name]
            raise Refusal(
                "INVALID_OFFICE_DETAILS",
                zh=f"{zh}过长（最多 {limit} 字）",
                en=f"{en} ({name}) is longer than {limit} characters",
                english_first=True,
                extra={"field": name},
            )
        cleaned[name] = value
    return cleaned


async def update_office_details(code: str, details: dict[str, str | None]) -> dict[str, Any]:
    """Replace the office's address, opening hours, phone and directions (audited)."""
    cleaned = clean_details(details)
    async with write_transaction():
        await get_office(code)
        await Office.update({getattr(Office, k): v for k, v in cleaned.items()}).where(
            Office.code == code
        )
        await audit.record(
            "marriage.office.updated",
            entity="office",
            entity_id=code,
            summary=f"更新婚姻登记处 {code} 的地址、办公时间和电话",
            details=cleaned,
        )
    return office_body(await get_office(code))


async def get_office(code: str) -> dict[str, Any]:
    # Raw SQL: every registration reads its office; building Piccolo's select took ~0.5 ms.
    row = await fetch_one("SELECT * FROM marriage_office WHERE code = {}", code)
    if row is None:
        raise Refusal.not_found(zh="无此婚姻登记处", en="No such office")
    return row


async def create_office(
    code: str, name: str, division_code: str, details: dict[str, str | None] | None = None
) -> dict[str, Any]:
    if not OFFICE_CODE.match(code or ""):
        raise Refusal(
            "INVALID_OFFICE_CODE",
            zh="登记处代码格式无效",
            en="Office code: 2–32 letters, digits, _ or -",
            english_first=True,
        )
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Refusal(
            "INVALID_NAME", zh="请填写登记处名称", en="Office name is required", english_first=True
        )
    division = valid_division(division_code, "division_code")
    extra = clean_details(details or {})
    async with write_transaction():
        if await Office.exists().where(Office.code == code):
            raise Refusal(
                "OFFICE_EXISTS",
                zh="登记处代码已存在",
                en="Office code already exists",
                kind="conflict",
                english_first=True,
            )
        await Office.insert(Office(code=code, name=name, division_code=division, **extra))
        await audit.record(
            "marriage.office.created",
            entity="office",
            entity_id=code,
            summary=f"新增婚姻登记处 {code} {name}（{division}）",
        )
    return office_body({"code": code, "name": name, "division_code": division, **extra})


def provisional_warnings(
    calendar: WorkCalendar, first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """One warning per year in the range whose calendar is provisional (statutory holidays
    only, no official schedule with its 调休 yet)."""
    return [
        {
            "code": "CALENDAR_PROVISIONAL",
            "year": year,
            "detail": (
                f"No official holiday schedule for {year} yet: the statutory holidays (with "
                f"make-up days) are closed, no adjusted working days are known; enter the State "
                f"Council's schedule at /admin/calendar when it is published / "
                f"{year}年放假安排尚未录入：暂按法定节假日（含补假）关闭，调休上班日未知；"
                f"国务院公布后请在 /admin/calendar 录入"
            ),
        }
        for year in range(first.year, last.year + 1)
        if calendar.is_provisional(year)
    ]


async def calendar_warnings(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    return provisional_warnings(await load_calendar(), first, last)


@dataclass(frozen=True)
class ScheduleInput:
    slots: list[SlotTemplate]
    open_dates: list[dt.date] = field(default_factory=list)
    closed_dates: list[dt.date] = field(default_factory=list)
    horizon_days: int = DEFAULT_HORIZON_DAYS


def schedule_refusal(zh: str, en: str, field: str | None = None) -> Refusal:
    """422 ``INVALID_SCHEDULE``, naming the part of the schedule it is about (``extra.field``:
    ``slots``, ``horizon_days``, or the page's date fields) when there is one."""
    extra = {"field": field} if field else None
    return Refusal("INVALID_SCHEDULE", zh=zh, en=en, english_first=True, extra=extra)


def parse_time(text: str, field: str | None = None) -> dt.time:
    """``HH:MM`` as a time; a refusal names ``field`` when the text came from a schedule."""
    try:
        hours, minutes = text.split(":")
        return dt.time(int(hours), int(minutes))
    except (ValueError, AttributeError):
        raise schedule_refusal(
            "时间格式须为 HH:MM", f"Time must be HH:MM, not {text!r}", field
        ) from None


def slot_templates(raw: list[dict[str, Any]]) -> list[SlotTemplate]:
    """Slot templates from ``[{start, end, capacity}]``, or 422 ``INVALID_SCHEDULE``."""
    templates = []
    for item in raw:
        try:
            templates.append(
                SlotTemplate(
                    parse_time(item["start"], "slots"),
                    parse_time(item["end"], "slots"),
                    int(item["capacity"]),
                )
            )
        except ScheduleError as exc:
            raise schedule_refusal(f"时段无效：{exc.zh}", f"Invalid slot: {exc}", "slots") from None
        except (ValueError, KeyError, TypeError):
            raise schedule_refusal(
                "每个时段须有开始时间、结束时间和整数名额",
                "Each slot needs a start, an end and a whole number of places",
                "slots",
            ) from None
    return templates


async def save_schedule(code: str, schedule: ScheduleInput) -> dict[str, Any]:
    """Store the pattern and (re)generate the office's slots from today; see the module doc."""
    await get_office(code)
    if not 0 <= schedule.horizon_days <= MAX_HORIZON_DAYS:
        raise schedule_refusal(
            f"预约期限须为 0 至 {MAX_HORIZON_DAYS} 天",
            f"horizon_days must be 0..{MAX_HORIZON_DAYS}",
            "horizon_days",
        )
    pattern = [
        {"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "capacity": s.capacity}
        for s in sorted(schedule.slots, key=lambda s: s.start)
    ]
    async with write_transaction():
        existing = await Schedule.select(Schedule.id).where(Schedule.office_code == code).first()
        values = {
            Schedule.pattern: json.dumps(pattern),
            Schedule.open_dates: json.dumps(sorted({d.isoformat() for d in schedule.open_dates})),
            Schedule.closed_dates: json.dumps(
                sorted({d.isoformat() for d in schedule.closed_dates})
            ),
            Schedule.horizon_days: schedule.horizon_days,
            Schedule.updated_at: dt.datetime.now(dt.UTC),
        }
        if existing is None:
            await Schedule.insert(Schedule(office_code=code))
        await Schedule.update(values).where(Schedule.office_code == code)
        result = await _generate_slots(code, schedule)
        await audit.record(
            "marriage.schedule.saved",
            entity="office",
            entity_id=code,
            summary=(
                f"保存 {code} 排班：{len(pattern)} 个时段/天，{schedule.horizon_days} 天，"
                f"开放 {result['slots']} 个时段"
            ),
            details={"pattern": pattern, "kept_booked_slots": result["kept_booked_slots"]},
        )
    return {"office": code, **result}


async def _generate_slots(
    code: str, schedule: ScheduleInput, calendar: WorkCalendar | None = None
) -> dict[str, Any]:
    today = await clock_today()
    last = today + dt.timedelta(days=schedule.horizon_days)
    if calendar is None:
        calendar = await load_calendar()
    try:
        plan = slot_plan(
            calendar,
            schedule.slots,
            today,
            schedule.horizon_days,
            schedule.open_dates,
            schedule.closed_dates,
        )
    except ScheduleError as exc:
        raise schedule_refusal(
            f"排班无效：{exc.zh}", f"Invalid schedule: {exc}", exc.field
        ) from None
    except ValueError:  # a date beyond what the calendar can hold
        raise schedule_refusal("排班无效", "Invalid schedule") from None
    rows = await Slot.select().where((Slot.office_code == code) & (Slot.day >= today))
    current = {(row["day"], row["start_time"]): row for row in rows}
    planned_keys = set()
    new_rows = []
    for slot in plan:
        key = (slot.day, f"{slot.start:%H:%M}")
        planned_keys.add(key)
        end = f"{slot.end:%H:%M}"
        row = current.get(key)
        if row is None:
            new_rows.append(
                Slot(
                    office_code=code,
                    day=slot.day,
                    start_time=key[1],
                    end_time=end,
                    capacity=slot.capacity,
                )
            )
        elif (row["end_time"], row["capacity"], row["open"]) != (end, slot.capacity, True):
            await Slot.update(
                {Slot.end_time: end, Slot.capacity: slot.capacity, Slot.open: True}
            ).where(Slot.id == row["id"])
            if (row["capacity"], row["open"]) != (slot.capacity, True):
                await fit_places(row["id"])
    if new_rows:
        await Slot.insert(*new_rows)
        await publish_places(code, today)
    kept = 0
    for key, row in current.items():
        if key not in planned_keys and not await _drop_slot(row["id"]):
            kept += 1
    days = open_days(calendar, today, last, schedule.open_dates, schedule.closed_dates).days
    warnings = provisional_warnings(calendar, today, last)
    if kept:
        warnings.append(
            {
                "code": "BOOKED_SLOTS_KEPT",
                "count": kept,
                "detail": (
                    f"{kept} booked slot(s) are no longer in the schedule: their bookings stay "
                    f"valid, no new bookings are taken / {kept} 个已有预约的时段不在新排班中："
                    f"已有预约仍然有效，不再接受新预约"
                ),
            }
        )
    return {
        "from": today,
        "to": last,
        "horizon_days": schedule.horizon_days,
        "open_days": len(days),
        "slots": len(plan),
        "kept_booked_slots": kept,
        "warnings": warnings,
    }


async def _drop_slot(slot_id: int) -> bool:
    """Delete a slot the plan no longer has (True), or close it when somebody holds a place of
    it: its free places go, its bookings stay."""
    await fetch("UPDATE marriage_slot SET open = {} WHERE id = {}", False, slot_id)
    await fit_places(slot_id)  # only its taken places are left
    deleted = await fetch_one(
        "DELETE FROM marriage_slot WHERE id = {} AND NOT EXISTS "
        "(SELECT 1 FROM marriage_slot_place WHERE slot_id = {}) RETURNING id",
        slot_id,
        slot_id,
    )
    return deleted is not None


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {key: json_value(row[key]) for key in ("pattern", "open_dates", "closed_dates")} | {
        "horizon_days": row["horizon_days"],
        "updated_at": row["updated_at"],
    }


async def stored_schedule(code: str) -> dict[str, Any] | None:
    row = await Schedule.select().where(Schedule.office_code == code).first()
    return None if row is None else _stored(row)


def schedule_input(stored: dict[str, Any]) -> ScheduleInput:
    return ScheduleInput(
        slots=slot_templates(stored["pattern"]),
        open_dates=[dt.date.fromisoformat(d) for d in stored["open_dates"]],
        closed_dates=[dt.date.fromisoformat(d) for d in stored["closed_dates"]],
        horizon_days=stored["horizon_days"],
    )


async def roll_schedules_forward(today: dt.date, calendar: WorkCalendar | None = None) -> str:
    """Every office's slots published through today + its horizon on ``calendar`` (the stored
    one when not given), read once for all offices: the scheduled job, and the republication
    when an official year is entered (inside its transaction)."""
    if calendar is None:
        calendar = await load_calendar()
    rows = await Schedule.select()
    added = 0
    for row in rows:
        async with write_transaction():
            result = await _generate_slots(
                row["office_code"], schedule_input(_stored(row)), calendar
            )
        added += result["slots"]
    return f"{len(rows)} office(s), {added} slot(s) published"


async def list_slots(code: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Open slots of the office from ``first`` to ``last`` (both included)."""
    await get_office(code)
    if last < first or (last - first).days > MAX_SLOT_RANGE_DAYS:
        raise Refusal(
            "BAD_REQUEST",
            zh="日期范围无效",
            en=f"from must not be after to, at most {MAX_SLOT_RANGE_DAYS} days",
            kind="bad_request",
            english_first=True,
        )
    columns = f"s.id, s.office_code, s.day, s.start_time, s.end_time, s.capacity, {REMAINING}"
    rows = await _open_slots(code, first, last, f"{columns} AS remaining")
    return [slot_body(row) for row in rows]


async def _open_slots(
    code: str, first: dt.date, last: dt.date, columns: str
) -> list[dict[str, Any]]:
    """``columns`` of the office's open slots from ``first`` to ``last`` (``s``), in order."""
    return await fetch(
        f"SELECT {columns} FROM marriage_slot s "  # noqa: S608 (our own column lists)
        "WHERE s.office_code = {} AND s.day >= {} AND s.day <= {} AND s.open = {} "
        "ORDER BY s.day, s.start_time",
        code,
        first,
        last,
        True,
    )


def slot_body(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "office": row["office_code"],
        "date": row["day"],
        "start": row["start_time"],
        "end": row["end_time"],
        "capacity": row["capacity"],
        "remaining": int(row["remaining"]),
    }


async def slot_summary(code: str, first: dt.date, last: dt.date) -> dict[str, int]:
    """The office's open slots from ``first`` to ``last``: days, slots, places and bookings."""
    rows = await _open_slots(code, first, last, f"s.day, s.capacity, {BOOKED} AS booked")
    return {
        "days": len({row["day"] for row in rows}),
        "slots": len(rows),
        "capacity": sum(row["capacity"] for row in rows),
        "booked": sum(int(row["booked"]) for row in rows),
    }


MAX_PRINTER_OFFSET_MM = 20.0


async def set_printer_offsets(code: str, x_mm: float, y_mm: float) -> dict[str, Any]:
    """The window printer's calibration (mm, right and up positive), audited; 422
    ``INVALID_OFFSET`` beyond ±20 mm (a booklet fed that far off needs the printer fixed)."""
    for value in (x_mm, y_mm):
        if not -MAX_PRINTER_OFFSET_MM <= value <= MAX_PRINTER_OFFSET_MM:
            raise Refusal(
                "INVALID_OFFSET", zh="偏移量应在 ±20 毫米以内", en="offsets are within ±20 mm"
            )
    async with write_transaction():
        await get_office(code)
        await Office.update(
            {Office.printer_offset_x_mm: x_mm, Office.printer_offset_y_mm: y_mm}
        ).where(Office.code == code)
        await audit.record(
            "marriage.office.printer_calibrated",
            entity="office",
            entity_id=code,
            summary=f"校准登记处 {code} 的套打打印机：x {x_mm:+.1f} mm，y {y_mm:+.1f} mm",
            details={"x_mm": x_mm, "y_mm": y_mm},
        )
    return await get_office(code)
