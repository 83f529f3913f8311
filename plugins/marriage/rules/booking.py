"""Appointment booking: open days, the slots to publish, and who may book (DOMAIN.md
"Appointment booking").

Open days are working days of the working-day calendar given (``core.workdays``: public
holidays closed, adjusted working days open) plus the admin's open dates, minus the admin's
closed dates. A provisional year (no official schedule yet) is named so the admin is warned.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.identity import InvalidIdNumber, normalize_id_number
from core.refusals import Refusal
from core.workdays import WorkCalendar, is_open_day
from plugins.marriage.rules.refusals import refusal

# Mainland China has kept UTC+8 all year since 1991; slot times are local times.
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

NO_SHOW_LIMIT = 3
NO_SHOW_WINDOW_DAYS = 180
NO_SHOW_BLOCK_DAYS = 30

MAX_NAME = 64
# A slot's places are rows (services/places.py): a mistyped capacity must not write millions.
MAX_SLOT_CAPACITY = 1000


class ScheduleError(ValueError):
    """A schedule the rules refuse: the message in English, ``zh`` the same in Chinese (the
    admin's page shows the one of its language), ``field`` the part of the schedule it is about
    (``slots`` or ``horizon_days``, as the API and the page name them)."""

    def __init__(self, en: str, zh: str, field: str = "slots") -> None:
        super().__init__(en)
        self.zh = zh
        self.field = field


@dataclass(frozen=True)
class SlotTemplate:
    """One slot of the office's daily pattern, published for every open day."""

    start: dt.time
    end: dt.time
    capacity: int

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ScheduleError(
                f"slot must end after it starts: {self.start:%H:%M}–{self.end:%H:%M}",
                f"时段须先开始后结束：{self.start:%H:%M}–{self.end:%H:%M}",
            )
        if not 1 <= self.capacity <= MAX_SLOT_CAPACITY:
            raise ScheduleError(
                f"slot capacity must be 1 to {MAX_SLOT_CAPACITY}: {self.capacity}",
                f"每个时段名额须为 1 至 {MAX_SLOT_CAPACITY}，而不是 {self.capacity}",
            )


@dataclass(frozen=True)
class PlannedSlot:
    day: dt.date
    start: dt.time
    end: dt.time
    capacity: int


@dataclass(frozen=True)
class OpenDays:
    """Open days in a range, and the years in it whose calendar is provisional (statutory
    holidays only, no official schedule yet: show the admin a warning)."""

    days: tuple[dt.date, ...]
    provisional_years: tuple[int, ...]


def open_days(
    calendar: WorkCalendar,
    from_date: dt.date,
    to_date: dt.date,
    open_dates: Iterable[dt.date] = (),
    closed_dates: Iterable[dt.date] = (),
) -> OpenDays:
    """Days from ``from_date`` to ``to_date`` (both included) on which the office is open."""
    opened, closed = frozenset(open_dates), frozenset(closed_dates)
    days = []
    day = from_date
    while day <= to_date:
        if is_open_day(calendar, day, open_dates=opened, closed_dates=closed):
            days.append(day)
        day += dt.timedelta(days=1)
    years = range(from_date.year, to_date.year + 1) if from_date <= to_date else range(0)
    return OpenDays(tuple(days), tuple(year for year in years if calendar.is_provisional(year)))


def slot_plan(
    calendar: WorkCalendar,
    pattern: Sequence[SlotTemplate],
    today: dt.date,
    horizon_days: int,
    open_dates: Iterable[dt.date] = (),
    closed_dates: Iterable[dt.date] = (),
) -> list[PlannedSlot]:
    """Every slot of ``pattern`` on every open day from ``today`` to ``today + horizon_days``.

    Raises ``ScheduleError`` for a negative horizon or slots that overlap in time.
    """
    if horizon_days < 0:
        raise ScheduleError(
            "horizon_days must not be negative", "发布天数不能为负数", field="horizon_days"
        )
    ordered = sorted(pattern, key=lambda slot: slot.start)
    for earlier, later in itertools.pairwise(ordered):
        if later.start < earlier.end:
            pair = (
                f"{earlier.start:%H:%M}–{earlier.end:%H:%M}",
                f"{later.start:%H:%M}–{later.end:%H:%M}",
            )
            raise ScheduleError(
                f"slots overlap: {pair[0]} and {pair[1]}", f"时段重叠：{pair[0]} 与 {pair[1]}"
            )
    window = open_days(
        calendar, today, today + dt.timedelta(days=horizon_days), open_dates, closed_dates
    )
    return [
        PlannedSlot(day, slot.start, slot.end, slot.capacity)
        for day in window.days
        for slot in ordered
    ]


def slot_in_past(slot_date: dt.date, slot_start: dt.time, now: dt.datetime) -> bool:
    """A slot can no longer be booked once it has started (China time); ``now`` must be aware."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return dt.datetime.combine(slot_date, slot_start, tzinfo=CHINA_TIME) <= now


def slot_begun() -> Refusal:
    """``SLOT_IN_PAST``: the slot has started, so it can be neither booked nor cancelled."""
    return refusal("SLOT_IN_PAST", "This time has already begun", "该时段已开始，无法预约")


def booking_refusal(
    booker_id_number: str,
    partner_id_number: str | None,
    slot_date: dt.date,
    slot_start: dt.time,
    now: dt.datetime,
    blocked_until: dt.date | None = None,
    *,
    partner_required: bool = True,
    partner_name: str = "",
) -> Refusal | None:
    """The first reason a citizen's booking request is refused, or None.

    ``booker_id_number`` is the account's (already valid) number; the partner's number and name
    are as typed (``partner_id_number`` None: nobody named, allowed when not
    ``partner_required``, i.e. a reissue). Order, every refusal a booking can get before it is
    written:

    1. ``PARTNER_REQUIRED``: nobody named where two people must come;
    2. ``BOOKING_BLOCKED``: a no-show block covers today (China time), with
       ``extra.blocked_until`` (first after the form's shape, so a blocked citizen is not asked
       to fix a form they cannot submit);
    3. ``INVALID_ID_NUMBER``: the partner's number;
    4. ``SAME_PERSON``: the partner is the booker;
    5. ``SLOT_IN_PAST``: the slot has started;
    6. ``INVALID_NAME``: a partner named by number but not by name (or a name over 64 characters).

    Capacity and one active booking per person are enforced by the database (``SLOT_FULL``,
    ``ALREADY_BOOKED``). A slot this process knows to be full (``services.full_slots``) is
    refused ``SLOT_FULL`` after 1 and 3–6, without looking a no-show block up.
    """
    today = now.astimezone(CHINA_TIME).date()
    if partner_id_number is None and partner_required:
        return refusal("PARTNER_REQUIRED", "Name the other party", "请填写另一方当事人信息")
    if blocked_until is not None and today <= blocked_until:
        return refusal(
            "BOOKING_BLOCKED",
            "Online booking is suspended after three missed appointments",
            "因多次预约未到，暂停网上预约",
            extra={"blocked_until": blocked_until.isoformat()},
        )
    if partner_id_number is not None:
        try:
            partner = normalize_id_number(partner_id_number, today)
        except InvalidIdNumber:
            return refusal(
                "INVALID_ID_NUMBER", "Invalid identity number of the partner", "对方身份证号码无效"
            )
        if partner == booker_id_number:
            return refusal("SAME_PERSON", "The partner must be another person", "对方不能是本人")
    if slot_in_past(slot_date, slot_start, now):
        return slot_begun()
    name = partner_name.strip()
    if partner_id_number is not None and not 0 < len(name) <= MAX_NAME:
        return refusal("INVALID_NAME", "The partner's name is required", "请填写对方姓名")
    return None


def booking_block_until(
    no_show_dates: Iterable[dt.date], today: dt.date, counted_after: dt.date | None = None
) -> dt.date | None:
    """Last day online booking is blocked for no-shows, or None when booking is open today.

    The rule, exactly: going through the no-shows in date order, a no-show that makes three
    counted no-shows within 180 days (the third no later than 180 days after the first, counted
    as 民法典 第201条) blocks booking from its own day through the 30th day after it; those three
    are then used up, so the next block needs three new no-shows. No-shows on or before
    ``counted_after`` (the day an admin lifted a block), or after ``today``, are not counted.
    """
    window: list[dt.date] = []
    block_ends: dt.date | None = None
    for day in sorted(no_show_dates):
        if day > today:
            break
        if counted_after is not None and day <= counted_after:
            continue
        window = [
            earlier for earlier in window if day <= earlier + dt.timedelta(days=NO_SHOW_WINDOW_DAYS)
        ]
        window.append(day)
        if len(window) >= NO_SHOW_LIMIT:
            block_ends = day + dt.timedelta(days=NO_SHOW_BLOCK_DAYS)
            window = []
    return block_ends if block_ends is not None and today <= block_ends else None
