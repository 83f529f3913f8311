"""Which deadline reminder is due (30 and 7 days before the report deadline), and the open
score sheets the evaluation API accepts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refusals import Refusal
from plugins.social_orgs.rules import (
    DEFAULT_INDICATORS,
    REMINDER_DAYS,
    reminder_due,
    score_total,
)

D = dt.date
DEADLINE = D(2025, 5, 31)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (D(2025, 4, 30), None),  # 31 days before: too early
        (D(2025, 5, 1), 30),  # 30 days before
        (D(2025, 5, 23), 30),  # 8 days before: still the 30-day reminder
        (D(2025, 5, 24), 7),  # 7 days before
        (D(2025, 5, 31), 7),  # the deadline day itself
        (D(2025, 6, 1), None),  # after the deadline: the abnormal list takes over
    ],
)
def test_reminder_due(today, due):
    assert reminder_due(DEADLINE, today) == due


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)))
def test_a_reminder_is_one_of_the_schedule_and_only_before_the_deadline(today):
    due = reminder_due(DEADLINE, today)
    if due is not None:
        assert due in REMINDER_DAYS
        assert 0 <= (DEADLINE - today).days <= due


def test_open_sheet_accepts_other_indicators_and_counts_unscored_as_zero():
    assert score_total({"governance": 450, "services": 450}, complete=False) == 900
    assert score_total({"performance": 400}, DEFAULT_INDICATORS, complete=False) == 400


@pytest.mark.parametrize(
    "scores",
    [{}, {"a": 1001}, {"a": 500, "b": 501}, {"performance": 431}, {"a": -1}, {"a": 1.5}],
)
def test_open_sheet_still_refuses(scores):
    with pytest.raises(Refusal) as caught:
        score_total(scores, complete=False)
    assert caught.value.code == "INVALID_SCORES"


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.integers(0, 400), max_size=6))
def test_open_sheet_total_is_the_sum_or_a_refusal(scores):
    known = {i.key: i.max_points for i in DEFAULT_INDICATORS}
    fits = sum(scores.values()) <= 1000 and all(
        points <= known.get(key, 1000) for key, points in scores.items()
    )
    if scores and fits:
        assert score_total(scores, complete=False) == sum(scores.values())
    else:
        with pytest.raises(Refusal) as caught:
            score_total(scores, complete=False)
        assert caught.value.code == "INVALID_SCORES"
