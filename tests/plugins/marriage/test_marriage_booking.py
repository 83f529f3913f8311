"""Appointment booking: DOMAIN.md "Appointment booking"; API.md "Marriage" (slots, appointments)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workdays import WorkCalendar
from plugins.marriage.rules.booking import (
    CHINA_TIME,
    SlotTemplate,
    booking_block_until,
    booking_refusal,
    open_days,
    slot_in_past,
    slot_plan,
)
from tests.plugins.marriage.support import refusal_code

D, T = dt.date, dt.time
CAL = WorkCalendar()  # chinese-calendar's official years, statutory (provisional) after
DAY = dt.timedelta(days=1)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + n * DAY for n in range((end - start).days + 1)]


def test_national_day_week_is_closed_and_the_adjusted_saturday_open() -> None:
    """DOMAIN.md "Appointment booking": public holidays closed, adjusted working days open
    (2026: Oct 1–7 holiday, Sat Oct 10 worked, Sun Oct 11 off)."""
    result = open_days(CAL, D(2026, 9, 28), D(2026, 10, 11))
    assert result.days == (
        D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30),
        D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10),
    )  # fmt: skip
    assert result.provisional_years == ()


def test_admin_open_and_closed_dates() -> None:
    """DOMAIN.md "Appointment booking": the admin opens 5月20日 on a weekend, closes a workday;
    a date both opened and closed stays closed."""
    saturday, friday, monday = D(2028, 5, 20), D(2028, 5, 19), D(2028, 5, 22)
    result = open_days(
        CAL,
        D(2028, 5, 19),
        D(2028, 5, 22),
        open_dates=[saturday, monday],
        closed_dates=[friday, monday],
    )
    assert result.days == (saturday,)


def test_provisional_year_closes_statutory_holidays_and_warns() -> None:
    """DOMAIN.md "The working-day calendar": 2027 has no official schedule (chinese-calendar
    1.11 ends with 2026): its statutory holidays are closed (元旦 Fri 1 Jan; 劳动节 Sat 1 and
    Sun 2 May made up Mon 3 and Tue 4 May), and the admin is warned; the admin may still open a
    date by hand."""
    result = open_days(CAL, D(2026, 12, 31), D(2027, 1, 4))
    assert result.days == (D(2026, 12, 31), D(2027, 1, 4))
    assert result.provisional_years == (2027,)
    may = open_days(CAL, D(2027, 4, 30), D(2027, 5, 6))
    assert may.days == (D(2027, 4, 30), D(2027, 5, 5), D(2027, 5, 6))
    opened = open_days(CAL, D(2026, 12, 31), D(2027, 1, 4), open_dates=[D(2027, 1, 1)])
    assert opened.days == (D(2026, 12, 31), D(2027, 1, 1), D(2027, 1, 4))
    assert open_days(CAL, D(2026, 1, 1), D(2026, 12, 31)).provisional_years == ()


MORNING = SlotTemplate(T(9, 0), T(10, 0), 5)
LATE_MORNING = SlotTemplate(T(10, 0), T(11, 30), 3)


def test_slot_plan_covers_open_days_from_today_to_the_horizon() -> None:
    """API.md PUT /offices/{code}/schedule: slots for every working day from today to today +
    horizon, holidays closed, adjusted working days open, in time order."""
    plan = slot_plan(CAL, [LATE_MORNING, MORNING], today=D(2026, 9, 30), horizon_days=10)
    assert [(slot.day, slot.start, slot.capacity) for slot in plan] == [
        (day, start, capacity)
        for day in (D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10))
        for start, capacity in ((T(9, 0), 5), (T(10, 0), 3))
    ]
    assert slot_plan(CAL, [MORNING], today=D(2026, 10, 3), horizon_days=0) == []


@pytest.mark.parametrize(
    ("pattern", "horizon", "message"),
    [
        ([MORNING, SlotTemplate(T(9, 30), T(10, 30), 2)], 30, "overlap"),
        ([MORNING], -1, "horizon"),
    ],
)
def test_slot_plan_rejects_bad_schedules(
    pattern: list[SlotTemplate], horizon: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        slot_plan(CAL, pattern, today=D(2026, 9, 30), horizon_days=horizon)


@pytest.mark.parametrize(
    ("start", "end", "capacity"),
    [(T(10, 0), T(10, 0), 1), (T(11, 0), T(10, 0), 1), (T(9), T(10), 0), (T(9), T(10), 1001)],
)
def test_slot_template_rejects_empty_slots(start: dt.time, end: dt.time, capacity: int) -> None:
    with pytest.raises(ValueError, match="slot"):
        SlotTemplate(start, end, capacity)


@pytest.mark.parametrize("capacity", [1, 1000])
def test_slot_template_takes_one_to_a_thousand_places(capacity: int) -> None:
    assert SlotTemplate(T(9), T(10), capacity).capacity == capacity


@given(
    today=st.dates(D(2025, 1, 1), D(2030, 12, 31)),
    horizon=st.integers(0, 60),
    opened=st.sets(st.dates(D(2025, 1, 1), D(2031, 2, 28)), max_size=5),
    closed=st.sets(st.dates(D(2025, 1, 1), D(2031, 2, 28)), max_size=5),
)
def test_slot_plan_has_each_slot_once_on_exactly_the_open_days(
    today: dt.date, horizon: int, opened: set[dt.date], closed: set[dt.date]
) -> None:
    """DOMAIN.md "Appointment booking": slots on working days, admin dates win, closed first."""
    plan = slot_plan(CAL, [MORNING, LATE_MORNING], today, horizon, opened, closed)
    expected_days = [
        day
        for day in days(today, today + horizon * DAY)
        if day not in closed and (day in opened or CAL.is_working_day(day))
    ]
    assert [slot.day for slot in plan[::2]] == expected_days
    assert [slot.day for slot in plan[1::2]] == expected_days


@pytest.mark.parametrize(
    ("now", "past"),
    [
        (dt.datetime(2026, 10, 8, 8, 59, tzinfo=CHINA_TIME), False),
        (dt.datetime(2026, 10, 8, 9, 0, tzinfo=CHINA_TIME), True),
        # the same instants written in UTC
        (dt.datetime(2026, 10, 8, 0, 59, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 10, 8, 1, 0, tzinfo=dt.UTC), True),
        (dt.datetime(2026, 10, 7, 23, 0, tzinfo=CHINA_TIME), False),
    ],
)
def test_slot_in_past_once_it_starts_china_time(now: dt.datetime, past: bool) -> None:
    """API.md POST /appointments: ``SLOT_IN_PAST`` for a slot that has started (09:00 China)."""
    assert slot_in_past(D(2026, 10, 8), T(9, 0), now) is past


def test_slot_in_past_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        slot_in_past(D(2026, 10, 8), T(9, 0), dt.datetime(2026, 10, 8, 9, 0))


BOOKER = "11010519491231002X"
PARTNER = "110105194912310038"
NOW = dt.datetime(2026, 10, 8, 8, 0, tzinfo=CHINA_TIME)
SLOT = (D(2026, 10, 8), T(9, 0))
PAST_SLOT = (D(2026, 10, 8), T(8, 0))


@pytest.mark.parametrize(
    ("partner", "slot", "blocked_until", "expected"),
    [
        (PARTNER, SLOT, None, None),
        (" 110105194912310038 ", SLOT, None, None),
        (PARTNER, SLOT, D(2026, 10, 7), None),  # block ended yesterday
        (PARTNER, SLOT, D(2026, 10, 8), "BOOKING_BLOCKED"),
        ("110105194912310037", SLOT, None, "INVALID_ID_NUMBER"),  # wrong check digit
        ("11010519491231", SLOT, None, "INVALID_ID_NUMBER"),
        (BOOKER, SLOT, None, "SAME_PERSON"),
        (BOOKER.lower(), SLOT, None, "SAME_PERSON"),  # x accepted in either case
        (PARTNER, PAST_SLOT, None, "SLOT_IN_PAST"),
        # several faults: the documented order decides
        ("bad", PAST_SLOT, D(2026, 10, 9), "BOOKING_BLOCKED"),
        ("bad", PAST_SLOT, None, "INVALID_ID_NUMBER"),
        (BOOKER, PAST_SLOT, None, "SAME_PERSON"),
    ],
)
def test_booking_refusal(
    partner: str, slot: tuple[dt.date, dt.time], blocked_until: dt.date | None, expected: str | None
) -> None:
    """API.md POST /appointments: 422 ``INVALID_ID_NUMBER``, ``SAME_PERSON``, ``SLOT_IN_PAST``;
    DOMAIN.md "Appointment booking": no-shows block online booking."""
    refusal = booking_refusal(BOOKER, partner, *slot, NOW, blocked_until, partner_name="李娜")
    assert refusal_code(refusal) == expected


@pytest.mark.parametrize(
    ("partner", "name", "required", "slot", "blocked_until", "expected"),
    [
        (None, "", True, SLOT, None, "PARTNER_REQUIRED"),
        (None, "", True, PAST_SLOT, D(2026, 10, 8), "PARTNER_REQUIRED"),  # the form's shape first
        (None, "", False, SLOT, None, None),  # a reissue: one person comes
        (None, "", False, PAST_SLOT, D(2026, 10, 8), "BOOKING_BLOCKED"),
        (None, "", False, PAST_SLOT, None, "SLOT_IN_PAST"),
        (PARTNER, "  ", True, SLOT, None, "INVALID_NAME"),
        (PARTNER, "李" * 65, True, SLOT, None, "INVALID_NAME"),
        (PARTNER, "李" * 64, True, SLOT, None, None),
        (PARTNER, "", True, PAST_SLOT, None, "SLOT_IN_PAST"),  # the name is asked for last
        ("bad", "", True, SLOT, None, "INVALID_ID_NUMBER"),
    ],
)
def test_booking_refusal_owns_the_whole_order(
    partner: str | None,
    name: str,
    required: bool,
    slot: tuple[dt.date, dt.time],
    blocked_until: dt.date | None,
    expected: str | None,
) -> None:
    """Every refusal a booking gets before it is written comes from the rule, in its order: the
    service asks the rule once and raises what it answers."""
    refusal = booking_refusal(
        BOOKER, partner, *slot, NOW, blocked_until, partner_required=required, partner_name=name
    )
    assert refusal_code(refusal) == expected


def test_a_booking_refusal_says_why_in_both_languages() -> None:
    blocked = booking_refusal(BOOKER, PARTNER, *SLOT, NOW, D(2026, 10, 9), partner_name="李娜")
    assert blocked is not None and blocked.extra == {"blocked_until": "2026-10-09"}
    assert blocked.detail == (
        "Online booking is suspended after three missed appointments / 因多次预约未到，暂停网上预约"
    )
    assert blocked.status_code == 422


@pytest.mark.parametrize(
    ("no_shows", "today", "counted_after", "expected"),
    [
        ([], D(2026, 3, 1), None, None),
        ([D(2026, 1, 1), D(2026, 2, 1)], D(2026, 2, 1), None, None),
        # the third no-show blocks its own day through the 30th day after it
        ([D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)], D(2026, 3, 1), None, D(2026, 3, 31)),
        ([D(2026, 3, 1), D(2026, 1, 1), D(2026, 2, 1)], D(2026, 3, 31), None, D(2026, 3, 31)),
        ([D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)], D(2026, 4, 1), None, None),
        # a no-show dated after today (a clock set back) does not count yet
        ([D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)], D(2026, 2, 28), None, None),
        # 180 days counted from the first (2026-01-01 + 180 days = 06-30)
        ([D(2026, 1, 1), D(2026, 3, 1), D(2026, 6, 30)], D(2026, 7, 1), None, D(2026, 7, 30)),
        ([D(2026, 1, 1), D(2026, 3, 1), D(2026, 7, 1)], D(2026, 7, 1), None, None),
        # a block uses up its three no-shows: the next block needs three new ones
        ([D(2026, 1, d) for d in (1, 2, 3)] + [D(2026, 3, 1), D(2026, 3, 2)],
         D(2026, 3, 2), None, None),
        ([D(2026, 1, d) for d in (1, 2, 3)] + [D(2026, 3, d) for d in (1, 2, 3)],
         D(2026, 3, 3), None, D(2026, 4, 2)),
        # an admin lifted the block on 01-05: earlier no-shows no longer count
        ([D(2026, 1, d) for d in (1, 2, 3)], D(2026, 1, 6), D(2026, 1, 5), None),
        ([D(2026, 1, d) for d in (1, 2, 3, 8, 9)], D(2026, 1, 9), D(2026, 1, 5), None),
        ([D(2026, 1, d) for d in (1, 2, 3, 8, 9, 10)], D(2026, 1, 10), D(2026, 1, 5),
         D(2026, 2, 9)),
    ],
)  # fmt: skip
def test_no_show_block(
    no_shows: list[dt.date], today: dt.date, counted_after: dt.date | None, expected: dt.date | None
) -> None:
    """DOMAIN.md "Appointment booking": three no-shows in 180 days block online booking for
    30 days (admin can lift it)."""
    assert booking_block_until(no_shows, today, counted_after) == expected


@given(
    no_shows=st.lists(st.dates(D(2025, 1, 1), D(2026, 12, 31)), max_size=8),
    today=st.dates(D(2025, 1, 1), D(2027, 2, 28)),
)
def test_a_block_always_follows_three_no_shows_within_180_days(
    no_shows: list[dt.date], today: dt.date
) -> None:
    """DOMAIN.md "Appointment booking": a block lasts 30 days from a no-show that is the third
    within 180 days; fewer than three no-shows never block."""
    until = booking_block_until(no_shows, today)
    if len(no_shows) < 3:
        assert until is None
    if until is not None:
        third = until - 30 * DAY
        assert third <= today <= until
        assert sum(third - 180 * DAY <= day <= third for day in no_shows) >= 3
