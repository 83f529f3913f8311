"""A person's marital status from their records: DOMAIN.md "Marriage registration" 3 and 9."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.marriage.rules.status import (
    MaritalRecord,
    RecordKind,
    current_spouse,
    marital_status,
)

D = dt.date
WED = MaritalRecord("married", D(2015, 5, 20), "SPOUSE1", registration=1)
SPLIT = MaritalRecord("divorced", D(2019, 3, 1), "SPOUSE1", registration=2)
REWED = MaritalRecord("married", D(2021, 8, 14), "SPOUSE2", registration=3)
LOST = MaritalRecord("spouse_died", D(2024, 1, 5), "SPOUSE2")


@pytest.mark.parametrize(
    ("records", "status", "spouse"),
    [
        ((), "unmarried", None),
        ((WED,), "married", "SPOUSE1"),
        ((WED, SPLIT), "divorced", None),
        ((WED, SPLIT, REWED), "married", "SPOUSE2"),
        ((WED, SPLIT, REWED, LOST), "widowed", None),
        # records are read in date order, whatever order they are stored in
        ((REWED, WED, LOST, SPLIT), "widowed", None),
        ((SPLIT, WED), "divorced", None),
    ],
)
def test_status_and_spouse(
    records: tuple[MaritalRecord, ...], status: str, spouse: str | None
) -> None:
    """DOMAIN.md "Marriage registration" 9; has a spouse = last record a marriage not ended (3)."""
    assert marital_status(records) == status
    assert current_spouse(records) == spouse


def test_same_day_records_keep_their_order() -> None:
    """A divorce and a new marriage on one day: the later record decides."""
    day = D(2022, 2, 22)
    divorce = MaritalRecord("divorced", day, "SPOUSE1", registration=2)
    marriage = MaritalRecord("married", day, "SPOUSE2", registration=3)
    assert current_spouse((WED, divorce, marriage)) == "SPOUSE2"


record_kinds = st.sampled_from(["married", "divorced", "spouse_died"])


@given(
    st.lists(
        st.tuples(record_kinds, st.dates(D(1980, 1, 1), D(2030, 12, 31))),
        min_size=1,
        max_size=6,
        unique_by=lambda kind_day: kind_day[1],
    ),
    st.randoms(),
)
def test_latest_record_decides_whatever_the_order(
    history: list[tuple[RecordKind, dt.date]], rng: random.Random
) -> None:
    """DOMAIN.md "Marriage registration" 9: the status is set by the latest record."""
    records = [MaritalRecord(kind, day, f"S{i}") for i, (kind, day) in enumerate(history)]
    shuffled = list(records)
    rng.shuffle(shuffled)
    latest = max(records, key=lambda record: record.on)
    expected = {"married": "married", "divorced": "divorced", "spouse_died": "widowed"}
    assert marital_status(shuffled) == expected[latest.kind]
    assert (current_spouse(shuffled) is not None) == (latest.kind == "married")
