"""Pure rules added for the integration: roster categories in a month, month bounds, what a
re-assessed grade ends, who the district cannot take (DOMAIN.md "The two disability subsidies")."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.disability.rules import (
    DEFAULT_SUBSIDY_POLICY,
    SubsidyPolicy,
    categories_in_month,
    month_bounds,
    month_of,
    residence_refusal,
    subsidies_ended_by_grade,
)

EXTENDED = SubsidyPolicy(nursing_for_grades_3_4_intellectual_mental=True)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "month", "in_dibao"),
    [
        (dt.date(2026, 1, 1), None, "2026-03", True),  # open-ended
        (dt.date(2026, 1, 1), dt.date(2026, 3, 15), "2026-03", True),  # left mid-March: March
        (dt.date(2026, 1, 1), dt.date(2026, 3, 15), "2026-04", False),  # … stops from April
        (dt.date(2026, 1, 1), dt.date(2026, 2, 28), "2026-03", False),  # ended before March
        (dt.date(2026, 3, 31), None, "2026-03", True),  # joined on the last day
        (dt.date(2026, 4, 1), None, "2026-03", False),  # joins next month
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1), "2026-03", True),  # one day
    ],
)
def test_a_roster_entry_counts_for_a_month_it_touches(valid_from, valid_to, month, in_dibao):
    assert ("dibao" in categories_in_month([("dibao", valid_from, valid_to)], month)) is in_dibao


def test_several_categories_in_one_month() -> None:
    entries = [
        ("dibao", dt.date(2025, 1, 1), dt.date(2026, 3, 10)),
        ("tekun", dt.date(2026, 3, 11), None),
        ("low_income", dt.date(2027, 1, 1), None),
    ]
    assert categories_in_month(entries, "2026-03") == {"dibao", "tekun"}
    assert categories_in_month(entries, "2026-04") == {"tekun"}


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ],
)
def test_month_bounds(month, first, last) -> None:
    assert month_bounds(month) == (first, last)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_lies_within_its_months_bounds(day: dt.date) -> None:
    first, last = month_bounds(month_of(day))
    assert first <= day <= last
    assert (last + dt.timedelta(days=1)).day == 1


@given(
    st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.one_of(st.none(), st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2030, 12, 31))),
    st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_in_a_month_means_covering_one_of_its_days(valid_from, valid_to, day) -> None:
    """The month rule agrees with a day-by-day check over the month."""
    month = month_of(day)
    first, last = month_bounds(month)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    covered = any(valid_from <= d and (valid_to is None or d <= valid_to) for d in days)
    assert ("dibao" in categories_in_month([("dibao", valid_from, valid_to)], month)) is covered


@pytest.mark.parametrize(
    ("held", "grade", "category", "policy", "ended"),
    [
        ({"living", "nursing"}, 3, 4, DEFAULT_SUBSIDY_POLICY, {"nursing"}),
        ({"living", "nursing"}, 2, 4, DEFAULT_SUBSIDY_POLICY, set()),
        ({"living"}, 4, 4, DEFAULT_SUBSIDY_POLICY, set()),  # living is for any grade
        ({"nursing"}, 3, 5, EXTENDED, set()),  # the extension keeps it
        ({"nursing"}, 3, 5, DEFAULT_SUBSIDY_POLICY, {"nursing"}),
        ({"nursing"}, 4, 7, EXTENDED, {"nursing"}),  # multiple disability: no extension
    ],
)
def test_what_a_re_assessed_grade_ends(held, grade, category, policy, ended) -> None:
    assert subsidies_ended_by_grade(held, grade, category, policy) == ended


@pytest.mark.parametrize(
    ("hukou", "deceased", "code"),
    [
        ("440704", False, None),
        (None, False, None),  # unknown hukou: the clerk checks the register
        ("440703", False, "HUKOU_OUTSIDE_DISTRICT"),
        ("440704", True, "DECEASED"),
    ],
)
def test_who_the_district_cannot_take(hukou, deceased, code) -> None:
    reason = residence_refusal(hukou, "440704", deceased)
    assert (reason.code if reason else None) == code
