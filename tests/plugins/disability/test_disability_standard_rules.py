"""Standards over time as pure rules (DOMAIN.md "The two disability subsidies": a year without
its own entry is paid at the latest earlier standard, provisionally; a raised standard pays the
difference for each month paid at the old rate, never twice)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.disability.rules import (
    DEFAULT_STANDARDS,
    Standard,
    difference_lines,
    standards_by_year,
    year_standard,
)

RAISED_2026 = (*DEFAULT_STANDARDS, Standard(2026, 19000, 25500))


@pytest.mark.parametrize(
    ("standards", "year", "expected"),
    [
        (DEFAULT_STANDARDS, 2020, (17500, 23500, True, 2020)),
        (DEFAULT_STANDARDS, 2021, (18100, 24300, True, 2021)),
        (DEFAULT_STANDARDS, 2022, (18100, 24300, False, 2021)),
        (DEFAULT_STANDARDS, 2026, (18100, 24300, False, 2021)),
        (RAISED_2026, 2025, (18100, 24300, False, 2021)),
        (RAISED_2026, 2026, (19000, 25500, True, 2026)),
        (RAISED_2026, 2027, (19000, 25500, False, 2026)),
    ],
)
def test_what_a_year_is_paid_at(standards, year, expected) -> None:
    s = year_standard(standards, year)
    assert (s.living_monthly_fen, s.nursing_monthly_fen, s.confirmed, s.paid_at_year) == expected


def test_the_listing_runs_through_this_year() -> None:
    listed = standards_by_year(DEFAULT_STANDARDS, 2026)
    assert [s.year for s in listed] == list(range(2020, 2027))
    assert [s.year for s in listed if s.confirmed] == [2020, 2021]
    assert [s.year for s in standards_by_year(RAISED_2026, 2024)][-1] == 2026


@pytest.mark.parametrize(
    ("paid", "month", "standards", "expected"),
    [
        # January paid at 2021's rate, 2026 entered higher: the difference for January
        ([("living", "2026-01", 18100)], "2026-02", RAISED_2026, [("living", "2026-01", 900)]),
        ([("nursing", "2026-01", 24300)], "2026-02", RAISED_2026, [("nursing", "2026-01", 1200)]),
        # already made up by an earlier difference line: nothing
        ([("living", "2026-01", 18100), ("living", "2026-01", 900)], "2026-02", RAISED_2026, []),
        # paid at the standard: nothing; a lower standard takes nothing back
        ([("living", "2026-01", 19000)], "2026-02", RAISED_2026, []),
        ([("living", "2026-01", 19500)], "2026-02", RAISED_2026, []),
        # a month after the payroll month is not looked at
        ([("living", "2026-03", 18100)], "2026-02", RAISED_2026, []),
        # a year paid at the latest earlier standard follows it
        ([("living", "2027-01", 18100)], "2027-02", RAISED_2026, [("living", "2027-01", 900)]),
        # no standard changed: nothing
        ([("living", "2025-06", 18100)], "2026-02", DEFAULT_STANDARDS, []),
    ],
)
def test_difference_lines(paid, month, standards, expected) -> None:
    lines = difference_lines(paid, month, standards)
    assert [(line.subsidy, line.period_month, line.amount_fen) for line in lines] == expected
    assert all(line.kind == "difference" for line in lines)


months = st.sampled_from(["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"])
paid_lines = st.lists(
    st.tuples(st.sampled_from(["living", "nursing"]), months, st.integers(10000, 30000)),
    max_size=12,
)
raises = st.lists(
    st.tuples(
        st.sampled_from([2024, 2025, 2026]), st.integers(15000, 30000), st.integers(15000, 35000)
    ),
    max_size=3,
)


@given(paid=paid_lines, raised=raises, month=months)
def test_differences_are_never_paid_twice(paid, raised, month) -> None:
    standards = (
        *DEFAULT_STANDARDS,
        *(Standard(y, living, nursing) for y, living, nursing in raised),
    )
    # one entry per year: the last one entered wins
    standards = tuple({s.year: s for s in standards}.values())
    first = difference_lines(paid, month, standards)
    after = [*paid, *((line.subsidy, line.period_month, line.amount_fen) for line in first)]
    assert difference_lines(after, month, standards) == []
    for line in first:
        assert line.amount_fen > 0 and line.period_month <= month
        target = year_standard(standards, int(line.period_month[:4])).monthly_fen(line.subsidy)
        total = sum(a for s, m, a in after if (s, m) == (line.subsidy, line.period_month))
        assert total == target
