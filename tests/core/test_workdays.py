"""The working-day calendar: DOMAIN.md "The working-day calendar" (《全国年节及纪念日放假办法》 as
amended in force 2025-01-01; 民法典 第201, 203条 for periods). Pure rules, table-driven and
property-based across 2025–2030."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.refusals import Refusal
from core.workdays import (
    CalendarDay,
    WorkCalendar,
    YearCalendar,
    add_working_days,
    entered_year,
    is_open_day,
    kept_promise,
    make_up_days,
    next_working_day_on_or_after,
    period_end,
    statutory_holidays,
    statutory_year,
)

D = dt.date
DAY = dt.timedelta(days=1)
YEARS = range(2025, 2031)

# 除夕, 清明, 端午, 中秋 of each year (the lunar and solar-term dates).
LUNAR = {
    2025: (D(2025, 1, 28), D(2025, 4, 4), D(2025, 5, 31), D(2025, 10, 6)),
    2026: (D(2026, 2, 16), D(2026, 4, 5), D(2026, 6, 19), D(2026, 9, 25)),
    2027: (D(2027, 2, 5), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)),
    2028: (D(2028, 1, 25), D(2028, 4, 4), D(2028, 5, 28), D(2028, 10, 3)),
    2029: (D(2029, 2, 12), D(2029, 4, 4), D(2029, 6, 16), D(2029, 9, 22)),
    2030: (D(2030, 2, 2), D(2030, 4, 5), D(2030, 6, 5), D(2030, 9, 12)),
}

# The make-up days (补假, 第六条) of each year: a statutory holiday on a Saturday or Sunday.
MAKE_UP = {
    2025: [D(2025, 6, 2)],  # 端午 Sat 31 May
    2026: [D(2026, 4, 6), D(2026, 5, 4), D(2026, 10, 5)],  # 清明 Sun, 劳动节 Sat 2, 国庆 Sat 3
    2027: [  # STACK-NOTES.md: 1 Jan, 5–10 Feb, 5 Apr, 1–4 May, 9 Jun, 15 Sep, 1–5 Oct
        D(2027, 2, 9), D(2027, 2, 10), D(2027, 5, 3), D(2027, 5, 4), D(2027, 10, 4), D(2027, 10, 5)
    ],
    2028: [D(2028, 1, 3), D(2028, 5, 29), D(2028, 10, 4)],  # 元旦 Sat, 端午 Sun, 国庆 Sun 1
    2029: [D(2029, 6, 18), D(2029, 9, 24)],  # 端午 Sat 16 Jun, 中秋 Sat 22 Sep
    2030: [D(2030, 2, 6), D(2030, 2, 7)],  # 除夕 Sat 2, 初一 Sun 3 Feb
}  # fmt: skip


@pytest.mark.parametrize("year", YEARS)
def test_statutory_holidays_of_the_year(year: int) -> None:
    """第二条: 元旦 1 Jan; 春节 除夕–初三 (4 days); 清明; 劳动节 1–2 May; 端午; 中秋;
    国庆 1–3 Oct."""
    eve, qingming, duanwu, zhongqiu = LUNAR[year]
    holidays = statutory_holidays(year)
    expected = {
        D(year, 1, 1): "元旦",
        eve: "春节",
        eve + DAY: "春节",
        eve + 2 * DAY: "春节",
        eve + 3 * DAY: "春节",
        qingming: "清明节",
        D(year, 5, 1): "劳动节",
        D(year, 5, 2): "劳动节",
        duanwu: "端午节",
        zhongqiu: "中秋节",
        D(year, 10, 1): "国庆节",
        D(year, 10, 2): "国庆节",
        D(year, 10, 3): "国庆节",
    }
    assert set(holidays) == set(expected)
    for day, name in expected.items():
        assert name in holidays[day]


@pytest.mark.parametrize("year", YEARS)
def test_make_up_days_of_the_year(year: int) -> None:
    """第六条: a statutory holiday on a Saturday or Sunday is made up on the next working day."""
    calendar = statutory_year(year)
    made_up = sorted(d.date for d in calendar.days if d.name.endswith("（补假）"))
    assert made_up == MAKE_UP[year]


def test_2027_is_provisional_and_closes_its_statutory_holidays() -> None:
    """issue 11: 2027-01-01 is New Year's Day even before the State Council publishes 2027."""
    calendar = WorkCalendar()
    assert calendar.is_provisional(2027) and not calendar.is_provisional(2026)
    closed = [D(2027, 1, 1), *(D(2027, 2, d) for d in range(5, 11)), D(2027, 4, 5)]
    closed += [*(D(2027, 5, d) for d in range(1, 5)), D(2027, 6, 9), D(2027, 9, 15)]
    closed += [D(2027, 10, d) for d in range(1, 6)]
    assert all(not calendar.is_working_day(day) for day in closed)
    assert calendar.year(2027).source == "statutory"
    assert {d.kind for d in calendar.year(2027).days} == {"holiday"}  # no 调休 guessed
    assert calendar.is_working_day(D(2027, 1, 4))
    assert not calendar.is_working_day(D(2027, 1, 9))  # an ordinary Saturday


def test_an_official_year_of_chinese_calendar_keeps_its_adjusted_working_days() -> None:
    """2026 (国务院办公厅 2025 notice): Sun 4 Jan and Sat 10 Oct are worked, 1–7 Oct closed."""
    calendar = WorkCalendar()
    year = calendar.year(2026)
    assert year.source == "official" and not year.provisional
    assert CalendarDay(D(2026, 1, 4), "workday", "元旦（调休上班）") in year.days
    assert calendar.is_working_day(D(2026, 1, 4)) and calendar.is_working_day(D(2026, 10, 10))
    assert not any(calendar.is_working_day(D(2026, 10, d)) for d in range(1, 8))


def test_an_entered_year_wins_over_the_statutory_computation() -> None:
    entered = entered_year(
        2027,
        [
            CalendarDay(D(2027, 1, 1), "holiday", "元旦"),
            CalendarDay(D(2027, 1, 2), "holiday", "元旦"),
            CalendarDay(D(2027, 1, 4), "holiday", "元旦"),
            CalendarDay(D(2027, 1, 9), "workday", "元旦"),
        ],
    )
    calendar = WorkCalendar().with_year(entered)
    assert calendar.year(2027).source == "official" and not calendar.is_provisional(2027)
    assert not calendar.is_working_day(D(2027, 1, 4))
    assert calendar.is_working_day(D(2027, 1, 9))  # an adjusted Saturday
    assert calendar.is_working_day(D(2027, 2, 9))  # the entered list is the whole year
    assert WorkCalendar().is_provisional(2027)  # with_year copies


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ([CalendarDay(D(2028, 1, 1), "holiday", "元旦")], "not in 2027"),
        ([CalendarDay(D(2027, 1, 1), "holiday", "a"), CalendarDay(D(2027, 1, 1), "holiday", "b")],
         "twice"),
        ([CalendarDay(D(2027, 1, 1), "rest", "元旦")], "kind"),  # type: ignore[arg-type]
        ([CalendarDay(D(2027, 1, 1), "holiday", "x" * 41)], "40"),
        ([CalendarDay(D(2027, 1, 9), "workday", "元旦")], "no holiday"),
        ([], "no holiday"),
    ],
)  # fmt: skip
def test_an_entered_year_that_cannot_be_right_is_refused(
    days: list[CalendarDay], message: str
) -> None:
    with pytest.raises(Refusal, match=message) as refused:
        entered_year(2027, days)
    assert (refused.value.status_code, refused.value.code) == (422, "INVALID_CALENDAR")


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (D(2026, 12, 2), 30, D(2027, 1, 4)),  # day 30 is 元旦 2027 (issue 11)
        (D(2026, 9, 1), 30, D(2026, 10, 8)),  # National Day week 2026
        (D(2026, 9, 10), 30, D(2026, 10, 10)),  # Sat 10 Oct 2026 is worked (调休)
        (D(2027, 1, 8), 30, D(2027, 2, 11)),  # 春节 2027 and its two make-up days
        (D(2027, 9, 1), 30, D(2027, 10, 6)),  # 国庆 2027: 1–5 Oct closed
        (D(2029, 8, 24), 30, D(2029, 9, 25)),  # 中秋 Sat 22 Sep 2029, made up Mon 24
    ],
)
def test_period_end_table(start: dt.date, days: int, end: dt.date) -> None:
    """民法典 第201, 203条 on the calendar: from the next day, a closed last day moves on."""
    assert period_end(WorkCalendar(), start, days) == end


@pytest.mark.parametrize(
    ("start", "count", "end"),
    [
        (D(2026, 12, 28), 5, D(2027, 1, 5)),  # 元旦 2027 skipped
        (D(2027, 2, 3), 5, D(2027, 2, 16)),  # 春节 2027 skipped
        (D(2027, 4, 28), 5, D(2027, 5, 7)),  # 劳动节 2027 with make-up days
    ],
)
def test_add_working_days_table(start: dt.date, count: int, end: dt.date) -> None:
    assert add_working_days(WorkCalendar(), start, count) == end


class ClosedDays:
    """A calendar closing exactly ``closed`` (any object with ``is_working_day`` will do)."""

    def __init__(self, closed: set[dt.date]) -> None:
        self.closed = closed

    def is_working_day(self, day: dt.date) -> bool:
        return day not in self.closed


days_2025_2030 = st.dates(D(2025, 1, 1), D(2030, 12, 31))
closed_sets = st.sets(st.dates(D(2025, 1, 1), D(2031, 3, 31)), max_size=20)
# The machine is shared: generating sets of dates may be slow, never the code under test.
shared_cpu = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@shared_cpu
@given(start=days_2025_2030, days=st.integers(0, 60), closed=closed_sets)
def test_period_end_is_the_first_working_day_from_the_last_day(
    start: dt.date, days: int, closed: set[dt.date]
) -> None:
    calendar = ClosedDays(closed)
    end = period_end(calendar, start, days)
    last = start + days * DAY
    assert end >= last and calendar.is_working_day(end)
    assert all(not calendar.is_working_day(last + n * DAY) for n in range((end - last).days))


@shared_cpu
@given(start=days_2025_2030, count=st.integers(0, 20), closed=closed_sets)
def test_add_working_days_counts_exactly_that_many(
    start: dt.date, count: int, closed: set[dt.date]
) -> None:
    calendar = ClosedDays(closed)
    end = add_working_days(calendar, start, count)
    counted = [start + n * DAY for n in range(1, (end - start).days + 1)]
    assert sum(calendar.is_working_day(day) for day in counted) == count
    assert count == 0 or calendar.is_working_day(end)


@given(year=st.integers(2025, 2030))
def test_every_weekend_holiday_gets_one_weekday_make_up(year: int) -> None:
    """第六条 as a property: as many make-up days as holiday-days on weekends, each a weekday
    that is no holiday itself, after the weekend holiday it makes up, within two weeks."""
    holidays = statutory_holidays(year)
    made_up = make_up_days(holidays)
    weekend = [day for day, names in holidays.items() if day.weekday() >= 5 for _ in names]
    assert len(made_up) == len(weekend)
    for day in made_up:
        assert day.weekday() < 5 and day not in holidays
    for weekend_day, make_up in zip(sorted(weekend), sorted(made_up), strict=True):
        assert weekend_day < make_up <= weekend_day + 14 * DAY


@given(day=days_2025_2030)
def test_statutory_days_are_never_working_days_in_a_provisional_year(day: dt.date) -> None:
    year = statutory_year(day.year)
    if day in year.by_date:
        assert not year.is_working_day(day)
    else:
        assert year.is_working_day(day) == (day.weekday() < 5)


@given(
    day=days_2025_2030,
    opened=st.sets(days_2025_2030, max_size=5),
    closed=st.sets(days_2025_2030, max_size=5),
)
def test_office_overrides_win_closed_first(
    day: dt.date, opened: set[dt.date], closed: set[dt.date]
) -> None:
    calendar = WorkCalendar()
    open_ = is_open_day(calendar, day, open_dates=opened, closed_dates=closed)
    if day in closed:
        assert not open_
    elif day in opened:
        assert open_
    else:
        assert open_ == calendar.is_working_day(day)


@given(day=days_2025_2030)
def test_next_working_day_is_within_two_weeks(day: dt.date) -> None:
    found = next_working_day_on_or_after(WorkCalendar(), day)
    assert day <= found < day + 14 * DAY


@given(told=days_2025_2030, recomputed=days_2025_2030)
def test_a_promise_is_never_moved_earlier(told: dt.date, recomputed: dt.date) -> None:
    kept = kept_promise(told, recomputed)
    assert kept >= told and kept >= recomputed and kept in (told, recomputed)


def test_year_calendar_without_entries_is_monday_to_friday() -> None:
    year = YearCalendar(2027, "official", ())
    assert year.is_working_day(D(2027, 1, 1)) and not year.is_working_day(D(2027, 1, 2))
