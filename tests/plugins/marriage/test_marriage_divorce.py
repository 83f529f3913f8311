"""Divorce by agreement with cooling-off: DOMAIN.md "Marriage registration" 7 (民法典 第1077条;
period counting 第201条, 第203条)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workdays import WorkCalendar
from plugins.marriage.rules.divorce import (
    DivorceApplication,
    DivorceStatus,
    current_divorce_status,
    divorce_application_refusal,
    divorce_dates,
    register_refusal,
    withdraw_refusal,
)
from plugins.marriage.rules.eligibility import Party
from plugins.marriage.rules.status import MaritalRecord
from tests.plugins.marriage.support import refusal_code

D = dt.date
CAL = WorkCalendar()  # chinese-calendar's official years, statutory (provisional) after
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("applied_on", "cooling_off_ends", "register_by"),
    [
        # day 30 is a working day: both periods end on their 30th day
        (D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 30)),
        # day 30 is National Day (2026-10-01 … 10-07 closed): moves to Thu 10-08; the second
        # period's day 30 (Sat 11-07) moves to Mon 11-09
        (D(2026, 9, 1), D(2026, 10, 8), D(2026, 11, 9)),
        (D(2026, 9, 7), D(2026, 10, 8), D(2026, 11, 9)),
        # day 30 is Sat 2026-10-10, an adjusted working day (调休): it counts as working
        (D(2026, 9, 10), D(2026, 10, 10), D(2026, 11, 9)),
        # day 30 is Sun 2026-04-05 in the Qingming holiday (04-04 … 04-06)
        (D(2026, 3, 6), D(2026, 4, 7), D(2026, 5, 7)),
        # 2027 has no official schedule yet: its statutory holidays (with make-up days) are closed.
        # Day 30 is Fri 2027-01-01, 元旦: moves past the weekend to Mon 01-04 (issue 11)
        (D(2026, 12, 2), D(2027, 1, 4), D(2027, 2, 3)),
        # day 30 is Sat 2027-01-02
        (D(2026, 12, 3), D(2027, 1, 4), D(2027, 2, 3)),
        # second period's day 30 is Sun 2027-02-07 (春节 初二); Mon 02-08 is 初三, Tue 02-09 and
        # Wed 02-10 make up the weekend days: ends Thu 02-11
        (D(2026, 12, 9), D(2027, 1, 8), D(2027, 2, 11)),
        # day 30 is Sat 2027-05-01 (劳动节 1–2 May, made up Mon 3 and Tue 4 May)
        (D(2027, 4, 1), D(2027, 5, 5), D(2027, 6, 4)),
    ],
)
def test_divorce_dates(
    applied_on: dt.date, cooling_off_ends: dt.date, register_by: dt.date
) -> None:
    """DOMAIN.md "Marriage registration" 7: 30 days from day 0, then the 30 days after."""
    assert divorce_dates(CAL, applied_on) == (cooling_off_ends, register_by)


A, B = "SPOUSE_A", "SPOUSE_B"


def application(status: DivorceStatus = "cooling_off") -> DivorceApplication:
    """Accepted on 2026-09-01: cooling-off ends 2026-10-08, register by 2026-11-09."""
    return DivorceApplication(status, D(2026, 10, 8), D(2026, 11, 9), (A, B))


@pytest.mark.parametrize(
    ("today", "withdraw", "register", "status"),
    [
        (D(2026, 9, 1), None, "COOLING_OFF", "cooling_off"),  # day 0
        (D(2026, 10, 1), None, "COOLING_OFF", "cooling_off"),  # day 30, but a holiday
        # the last day of cooling-off runs to 24:00 (第203条): withdraw yes, register not yet
        (D(2026, 10, 8), None, "COOLING_OFF", "cooling_off"),
        (D(2026, 10, 9), "NOT_IN_COOLING_OFF", None, "cooling_off"),
        (D(2026, 11, 9), "NOT_IN_COOLING_OFF", None, "cooling_off"),  # last day to register
        (D(2026, 11, 10), "NOT_IN_COOLING_OFF", "EXPIRED", "expired"),  # deemed withdrawn
    ],
)
def test_withdraw_and_register_by_day(
    today: dt.date, withdraw: str | None, register: str | None, status: str
) -> None:
    """DOMAIN.md "Marriage registration" 7: withdraw during cooling-off, register in the 30 days
    after it; ``COOLING_OFF`` before, ``EXPIRED`` after."""
    app = application()
    assert refusal_code(withdraw_refusal(app, A, today)) == withdraw
    assert refusal_code(withdraw_refusal(app, B, today)) == withdraw
    assert refusal_code(register_refusal(app, today)) == register
    assert current_divorce_status(app, today) == status


@pytest.mark.parametrize(
    ("status", "withdraw", "register"),
    [
        ("withdrawn", "NOT_IN_COOLING_OFF", "APPLICATION_CLOSED"),
        ("registered", "NOT_IN_COOLING_OFF", "APPLICATION_CLOSED"),
        ("expired", "NOT_IN_COOLING_OFF", "EXPIRED"),
    ],
)
def test_closed_applications(status: DivorceStatus, withdraw: str, register: str) -> None:
    """DOMAIN.md "Marriage registration" 7: a withdrawn, registered or expired application
    cannot be withdrawn or registered, even on a day an open one could."""
    app = application(status)
    assert refusal_code(withdraw_refusal(app, A, D(2026, 9, 2))) == withdraw
    assert refusal_code(register_refusal(app, D(2026, 10, 20))) == register


def test_only_a_spouse_may_withdraw() -> None:
    """DOMAIN.md "Marriage registration" 7: **either** spouse may withdraw, nobody else."""
    assert (
        refusal_code(withdraw_refusal(application(), "SOMEONE_ELSE", D(2026, 9, 2)))
        == "NOT_A_PARTY"
    )


WED = MaritalRecord("married", D(2015, 5, 20), B, registration=10)
SPLIT = MaritalRecord("divorced", D(2019, 3, 1), B, registration=11)
REWED = MaritalRecord("married", D(2021, 8, 14), B, registration=12)


@pytest.mark.parametrize(
    ("marriage", "a_records", "a_deceased_on", "expected"),
    [
        (10, (WED,), None, None),
        (12, (WED, SPLIT, REWED), None, None),
        # the first marriage ended in divorce; the couple remarried (复婚): a new registration
        (10, (WED, SPLIT, REWED), None, "NOT_MARRIED"),
        (10, (WED, SPLIT), None, "NOT_MARRIED"),
        # a spouse's death ends the marriage
        (10, (WED,), D(2026, 3, 1), "NOT_MARRIED"),
        (10, (WED,), D(2026, 3, 3), None),
    ],
)
def test_divorce_needs_a_marriage_in_effect(
    marriage: int,
    a_records: tuple[MaritalRecord, ...],
    a_deceased_on: dt.date | None,
    expected: str | None,
) -> None:
    """DOMAIN.md "Marriage registration" 7: applies only to a marriage currently in effect."""
    a = Party(A, "440703", deceased_on=a_deceased_on, marital_records=a_records)
    b_records = tuple(MaritalRecord(r.kind, r.on, A, r.registration) for r in a_records)
    b = Party(B, "440703", marital_records=b_records)
    assert refusal_code(divorce_application_refusal(marriage, a, b, D(2026, 3, 2))) == expected
    assert refusal_code(divorce_application_refusal(marriage, b, a, D(2026, 3, 2))) == expected


applied_days = st.dates(D(2004, 1, 1), D(2030, 12, 31))


@given(applied_days)
def test_periods_end_on_working_days_within_bounds(applied_on: dt.date) -> None:
    """第201/203条: each period ends on or after its 30th day, on a working day, and no holiday
    run is long enough to push it 12 days further."""
    cooling_off_ends, register_by = divorce_dates(CAL, applied_on)
    assert CAL.is_working_day(cooling_off_ends)
    assert CAL.is_working_day(register_by)
    assert applied_on + 30 * DAY <= cooling_off_ends < applied_on + 42 * DAY
    assert cooling_off_ends + 30 * DAY <= register_by < cooling_off_ends + 42 * DAY


@given(applied_days, st.integers(1, 400))
def test_later_application_never_ends_earlier(applied_on: dt.date, later_by: int) -> None:
    """Period ends are monotonic in the day the application was accepted."""
    earlier = divorce_dates(CAL, applied_on)
    later = divorce_dates(CAL, applied_on + later_by * DAY)
    assert earlier.cooling_off_ends <= later.cooling_off_ends
    assert earlier.register_by <= later.register_by


@given(applied_days, st.integers(-5, 90))
def test_withdraw_and_register_never_overlap(applied_on: dt.date, offset: int) -> None:
    """DOMAIN.md "Marriage registration" 7: on any day an open application can be withdrawn or
    registered, never both; registration exactly from the day after cooling-off ends."""
    cooling_off_ends, register_by = divorce_dates(CAL, applied_on)
    app = DivorceApplication("cooling_off", cooling_off_ends, register_by, (A, B))
    today = applied_on + offset * DAY
    may_withdraw = withdraw_refusal(app, A, today) is None
    may_register = register_refusal(app, today) is None
    assert not (may_withdraw and may_register)
    assert may_register == (cooling_off_ends < today <= register_by)
    assert may_withdraw == (today <= cooling_off_ends)
