"""Spot checks (双随机一公开), DOMAIN.md "Social organizations": "at least 3% of active
organizations each year, chosen reproducibly from a recorded seed, with two inspectors assigned
at random."
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refusals import Refusal
from plugins.social_orgs.rules import (
    draw_spot_check,
    spot_check_size,
)

INSPECTORS = ["chen", "huang", "li", "wu"]
ORGS = [f"5144070400000{n:04d}" for n in range(200)]


@pytest.mark.parametrize(
    ("active", "count", "size"),
    [
        (0, None, 0),
        (0, 5, 0),
        (1, None, 1),
        (33, None, 1),
        (34, None, 2),
        (100, None, 3),
        (101, None, 4),
        (100, 2, 3),
        (100, 10, 10),
        (5, 10, 5),
    ],
    ids=[
        "none-active",
        "none-active-count",
        "one-active",
        "3%-of-33-rounds-up-to-1",
        "3%-of-34-rounds-up-to-2",
        "exactly-3",
        "3.03-rounds-up",
        "count-below-minimum",
        "count-above-minimum",
        "count-above-available",
    ],
)
def test_how_many_are_checked(active: int, count: int | None, size: int) -> None:
    assert spot_check_size(active, count) == size


def test_the_same_seed_repeats_the_draw_and_a_text_seed_equals_its_number() -> None:
    first = draw_spot_check(ORGS, 10, 20260315, INSPECTORS)
    assert draw_spot_check(list(reversed(ORGS)), 10, "20260315", INSPECTORS[::-1]) == first
    assert [pick.uscc for pick in first] == sorted(pick.uscc for pick in first)


def test_a_different_seed_draws_differently() -> None:
    first = draw_spot_check(ORGS, 10, "seed-a", INSPECTORS)
    second = draw_spot_check(ORGS, 10, "seed-b", INSPECTORS)
    assert [pick.uscc for pick in first] != [pick.uscc for pick in second]


def test_an_organization_listed_twice_counts_once() -> None:
    picks = draw_spot_check(["A", "A", "B"], 5, 1, INSPECTORS)
    assert [pick.uscc for pick in picks] == ["A", "B"]


def test_two_distinct_inspectors_are_needed() -> None:
    with pytest.raises(Refusal) as caught:
        draw_spot_check(ORGS, None, 1, ["li", "li"])
    assert caught.value.code == "NOT_ENOUGH_INSPECTORS"
    assert draw_spot_check([], None, 1, []) == []


usccs = st.sets(st.text("0123456789ABCDEF", min_size=18, max_size=18), max_size=250)
seeds = st.one_of(st.integers(), st.text(max_size=20))
counts = st.one_of(st.none(), st.integers(min_value=0, max_value=300))
inspector_pools = st.sets(st.text("abcdefgh", min_size=1, max_size=6), min_size=2, max_size=8)


@given(orgs=usccs, count=counts, seed=seeds, inspectors=inspector_pools, data=st.data())
def test_the_draw_ignores_input_order(
    orgs: set[str], count: int | None, seed: int | str, inspectors: set[str], data: st.DataObject
) -> None:
    shuffled_orgs = data.draw(st.permutations(sorted(orgs)))
    shuffled_inspectors = data.draw(st.permutations(sorted(inspectors)))
    assert draw_spot_check(shuffled_orgs, count, seed, shuffled_inspectors) == draw_spot_check(
        sorted(orgs), count, seed, sorted(inspectors)
    )


@given(orgs=usccs, count=counts, seed=seeds, inspectors=inspector_pools)
def test_the_draw_covers_at_least_3_percent_of_distinct_active_orgs(
    orgs: set[str], count: int | None, seed: int | str, inspectors: set[str]
) -> None:
    picks = draw_spot_check(orgs, count, seed, inspectors)
    selected = [pick.uscc for pick in picks]
    assert len(set(selected)) == len(selected)
    assert set(selected) <= orgs
    assert len(selected) >= min(len(orgs), max(math.ceil(len(orgs) * 0.03), count or 0))
    assert len(selected) <= len(orgs)
    if orgs:
        assert selected
    for pick in picks:
        first, second = pick.inspectors
        assert first != second
        assert {first, second} <= inspectors
