"""Graded evaluation (社会组织评估管理办法, in force 2026-03-01) and the plan's indicators.

DOMAIN.md "Social organizations": "eligible after 2 full years registered and not on the
abnormal list; scores out of 1000; default thresholds 5A ≥ 900, 4A ≥ 800, 3A ≥ 700, 2A ≥ 600,
1A ≥ 500, below 500 no grade (admin-editable). Result under public notice (公示) for 5 working
days ... Validity: from 1 January after the announcement to 31 December of the fifth year ...
3A and above get a certificate."
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refusals import Refusal
from core.workdays import WorkCalendar
from plugins.social_orgs.rules import (
    DEFAULT_INDICATORS,
    DEFAULT_THRESHOLDS,
    GRADES,
    Indicator,
    check_policy,
    filing_rate,
    gets_certificate,
    grade_for,
    grade_validity,
    is_eligible_for_evaluation,
    orgs_per_10k_residents,
    pass_rate,
    public_notice_end,
    score_total,
)

D = dt.date
FULL_MARKS = {indicator.key: indicator.max_points for indicator in DEFAULT_INDICATORS}


def test_default_policy_is_out_of_1000_and_consistent() -> None:
    assert sum(FULL_MARKS.values()) == 1000
    check_policy(DEFAULT_INDICATORS, DEFAULT_THRESHOLDS)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (1000, "5A"),
        (900, "5A"),
        (899, "4A"),
        (800, "4A"),
        (799, "3A"),
        (700, "3A"),
        (699, "2A"),
        (600, "2A"),
        (599, "1A"),
        (500, "1A"),
        (499, None),
        (0, None),
    ],
)
def test_grade_thresholds_include_the_threshold_itself(total: int, grade: str | None) -> None:
    assert grade_for(total) == grade


def test_edited_thresholds_are_used() -> None:
    strict = {"5A": 950, "4A": 850, "3A": 750, "2A": 650, "1A": 550}
    assert grade_for(900, strict) == "4A"  # type: ignore[arg-type]
    assert grade_for(549, strict) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("grade", "certificate"),
    [("5A", True), ("4A", True), ("3A", True), ("2A", False), ("1A", False), (None, False)],
)
def test_certificate_only_for_3a_and_above(grade: str | None, certificate: bool) -> None:
    assert gets_certificate(grade) is certificate  # type: ignore[arg-type]


def test_total_is_the_sum_of_indicator_points() -> None:
    scores = {
        "basic_conditions": 55,
        "internal_governance": 380,
        "performance": 400,
        "social_evaluation": 65,
    }
    assert score_total(scores) == 900
    assert grade_for(score_total(scores)) == "5A"
    assert score_total(FULL_MARKS) == 1000


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"reputation": 10}, "unknown indicator: reputation"),
        ({"performance": -1}, "negative"),
        ({"basic_conditions": 61}, "over the maximum 60"),
        ({"social_evaluation": 10.5}, "whole number"),
        ({"social_evaluation": True}, "whole number"),
        ({"internal_governance": None}, "not scored"),
    ],
    ids=["unknown", "negative", "over-max", "fraction", "bool", "unscored"],
)
def test_invalid_scores_are_refused(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(Refusal) as caught:
        score_total({**FULL_MARKS, **changes})
    assert caught.value.code == "INVALID_SCORES"
    assert len(caught.value.extra["problems"]) == 1
    assert problem in caught.value.detail


def test_every_score_problem_is_listed_at_once() -> None:
    with pytest.raises(Refusal) as caught:
        score_total({"basic_conditions": 99, "performance": -3})
    assert len(caught.value.extra["problems"]) == 4


@pytest.mark.parametrize(
    ("indicators", "thresholds"),
    [
        ((Indicator("a", "甲", 500), Indicator("b", "乙", 499)), DEFAULT_THRESHOLDS),
        ((Indicator("a", "甲", 500), Indicator("a", "乙", 500)), DEFAULT_THRESHOLDS),
        ((Indicator("a", "甲", 1001), Indicator("b", "乙", -1)), DEFAULT_THRESHOLDS),
        (DEFAULT_INDICATORS, {"5A": 900, "4A": 800, "3A": 700, "2A": 600}),
        (DEFAULT_INDICATORS, {"5A": 900, "4A": 900, "3A": 700, "2A": 600, "1A": 500}),
        (DEFAULT_INDICATORS, {"5A": 1001, "4A": 800, "3A": 700, "2A": 600, "1A": 500}),
        (DEFAULT_INDICATORS, {"5A": 900, "4A": 800, "3A": 700, "2A": 600, "1A": 0}),
    ],
    ids=[
        "maxima-sum-999",
        "duplicate-key",
        "negative-max",
        "grade-without-threshold",
        "thresholds-not-decreasing",
        "threshold-over-1000",
        "zero-threshold",
    ],
)
def test_an_unfair_edited_policy_is_refused(indicators: object, thresholds: object) -> None:
    with pytest.raises(Refusal) as caught:
        check_policy(indicators, thresholds)  # type: ignore[arg-type]
    assert caught.value.code == "INVALID_EVALUATION_POLICY"


@pytest.mark.parametrize(
    ("registered_on", "evaluated_on", "abnormal", "eligible"),
    [
        (D(2024, 3, 1), D(2026, 2, 28), False, False),
        (D(2024, 3, 1), D(2026, 3, 1), False, True),
        (D(2024, 2, 29), D(2026, 2, 28), False, False),
        (D(2024, 2, 29), D(2026, 3, 1), False, True),
        (D(2015, 1, 1), D(2026, 3, 1), True, False),
    ],
    ids=["a-day-short", "two-full-years", "leap-day-short", "leap-day-anniversary", "abnormal"],
)
def test_eligibility_needs_two_full_years_and_a_clean_record(
    registered_on: dt.date, evaluated_on: dt.date, abnormal: bool, eligible: bool
) -> None:
    assert (
        is_eligible_for_evaluation(
            registered_on=registered_on, evaluated_on=evaluated_on, abnormal=abnormal
        )
        is eligible
    )


@pytest.mark.parametrize(
    ("posted_on", "ends_on"),
    [
        (D(2026, 3, 2), D(2026, 3, 9)),
        # National Day 2026: 1-7 Oct closed, Sat 10 Oct an adjusted working day (调休).
        (D(2026, 9, 29), D(2026, 10, 12)),
        (D(2026, 9, 30), D(2026, 10, 13)),
        # 2027 is provisional: 元旦 (Fri 1 Jan) is not a working day (issue 11).
        (D(2026, 12, 28), D(2027, 1, 5)),
        # 春节 2027: 5–10 Feb closed (除夕–初三, the weekend days made up 9 and 10 Feb).
        (D(2027, 2, 3), D(2027, 2, 16)),
    ],
    ids=["ordinary-week", "across-national-day", "posted-on-eve", "new-year-2027", "spring-2027"],
)
def test_public_notice_lasts_5_working_days(posted_on: dt.date, ends_on: dt.date) -> None:
    assert public_notice_end(WorkCalendar(), posted_on) == ends_on


@pytest.mark.parametrize(
    "announced_on", [D(2026, 1, 5), D(2026, 12, 31)], ids=["january", "new-years-eve"]
)
def test_grade_valid_from_next_january_through_the_fifth_year(announced_on: dt.date) -> None:
    assert grade_validity(announced_on) == (D(2027, 1, 1), D(2031, 12, 31))


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_a_higher_total_never_gets_a_lower_grade(a: int, b: int) -> None:
    low, high = sorted((a, b))
    rank = {grade: index for index, grade in enumerate(reversed(GRADES), start=1)} | {None: 0}
    assert rank[grade_for(low)] <= rank[grade_for(high)]


@given(
    st.lists(st.integers(1, 1000), min_size=5, max_size=5, unique=True),
    st.integers(0, 1000),
    st.integers(0, 1000),
)
def test_grades_stay_monotonic_under_any_valid_edited_thresholds(
    points: list[int], a: int, b: int
) -> None:
    thresholds = dict(zip(GRADES, sorted(points, reverse=True), strict=True))
    check_policy(DEFAULT_INDICATORS, thresholds)  # type: ignore[arg-type]
    low, high = sorted((a, b))
    rank = {grade: index for index, grade in enumerate(reversed(GRADES), start=1)} | {None: 0}
    assert rank[grade_for(low, thresholds)] <= rank[grade_for(high, thresholds)]  # type: ignore[arg-type]


@given(st.data())
def test_any_in_range_scores_total_their_sum(data: st.DataObject) -> None:
    scores = {i.key: data.draw(st.integers(0, i.max_points)) for i in DEFAULT_INDICATORS}
    assert score_total(scores) == sum(scores.values())


# DOMAIN.md "The plan's indicators": "social organizations per 10,000 residents (≥ 6.5), ...
# annual-report filing and pass rates."
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (orgs_per_10k_residents(650, 1_000_000), 6.5),
        (orgs_per_10k_residents(10, 0), None),
        (filing_rate(submitted=45, due=50), 0.9),
        (filing_rate(submitted=0, due=0), None),
        (pass_rate(["qualified", "basically_qualified", "unqualified", "qualified"]), 0.75),
        (pass_rate([]), None),
    ],
    ids=["per-10k", "no-population", "filing", "nothing-due", "pass", "nothing-inspected"],
)
def test_dashboard_indicators(value: float | None, expected: float | None) -> None:
    assert value == expected
