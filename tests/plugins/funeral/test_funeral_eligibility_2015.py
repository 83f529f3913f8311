"""Funeral eligibility per 粤民发〔2015〕37号: DOMAIN.md "Funeral basic-service fee waiver",
"Who is eligible" (corrected) — every resident with local hukou, unidentified bodies, roster
members on the day of death whatever their hukou; residents of elsewhere refused
(``HUKOU_ELSEWHERE``); excluded categories; a total cap per case; the policy in force on the day
of death."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refusals import Refusal
from plugins.funeral.rules import (
    DEFAULT_POLICY,
    ROSTER_ONLY_POLICY,
    decide_waiver,
    eligibility,
    policy_in_force,
)

DIED = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 3, 12)
ON_ROSTER = [("dibao", dt.date(2020, 1, 1), None)]
ROSTER_ENDED = [("dibao", dt.date(2020, 1, 1), dt.date(2026, 3, 9))]
EXCLUDING = replace(DEFAULT_POLICY, excluded_categories=("public_institution",))
JIANGMEN = replace(DEFAULT_POLICY, local_divisions=("440700",))
GUANGDONG = replace(DEFAULT_POLICY, local_divisions=("440000",))
TWO_DISTRICTS = replace(DEFAULT_POLICY, local_divisions=("440704", "440703"))

# (case, policy, roster, hukou, unidentified, declared, category or None, reason code)
CASES = [
    ("Jianghai resident", DEFAULT_POLICY, [], "440704", False, (), "local_resident", "ELIGIBLE"),
    (
        "Pengjiang resident (another Jiangmen district)",
        DEFAULT_POLICY,
        [],
        "440703",
        False,
        (),
        None,
        "HUKOU_ELSEWHERE",
    ),
    ("Beijing resident", DEFAULT_POLICY, [], "110105", False, (), None, "HUKOU_ELSEWHERE"),
    ("hukou unknown", DEFAULT_POLICY, [], None, False, (), None, "HUKOU_UNKNOWN"),
    ("dibao from elsewhere", DEFAULT_POLICY, ON_ROSTER, "110105", False, (), "dibao", "ELIGIBLE"),
    ("dibao, hukou unknown", DEFAULT_POLICY, ON_ROSTER, None, False, (), "dibao", "ELIGIBLE"),
    (
        "roster ended, local",
        DEFAULT_POLICY,
        ROSTER_ENDED,
        "440704",
        False,
        (),
        "local_resident",
        "ELIGIBLE",
    ),
    (
        "roster ended, elsewhere",
        DEFAULT_POLICY,
        ROSTER_ENDED,
        "110105",
        False,
        (),
        None,
        "HUKOU_ELSEWHERE",
    ),
    ("unidentified body", DEFAULT_POLICY, [], None, True, (), "unidentified", "ELIGIBLE"),
    (
        "excluded category, local",
        EXCLUDING,
        [],
        "440704",
        False,
        ("public_institution",),
        None,
        "EXCLUDED_CATEGORY",
    ),
    (
        "category not excluded by this policy",
        EXCLUDING,
        [],
        "440704",
        False,
        ("enterprise_pension",),
        "local_resident",
        "ELIGIBLE",
    ),
    (
        "excluded category but on the roster",
        EXCLUDING,
        ON_ROSTER,
        "440704",
        False,
        ("public_institution",),
        "dibao",
        "ELIGIBLE",
    ),
    (
        "no excluded categories by default",
        DEFAULT_POLICY,
        [],
        "440704",
        False,
        ("public_institution",),
        "local_resident",
        "ELIGIBLE",
    ),
    ("city-level local division", JIANGMEN, [], "440781", False, (), "local_resident", "ELIGIBLE"),
    ("outside the city", JIANGMEN, [], "440106", False, (), None, "HUKOU_ELSEWHERE"),
    (
        "province-level local division",
        GUANGDONG,
        [],
        "440106",
        False,
        (),
        "local_resident",
        "ELIGIBLE",
    ),
    ("two listed districts", TWO_DISTRICTS, [], "440703", False, (), "local_resident", "ELIGIBLE"),
    ("roster-only scope, local", ROSTER_ONLY_POLICY, [], "440704", False, (), None, "NOT_ELIGIBLE"),
    (
        "roster-only scope, dibao",
        ROSTER_ONLY_POLICY,
        ON_ROSTER,
        "110105",
        False,
        (),
        "dibao",
        "ELIGIBLE",
    ),
    (
        "roster-only scope, roster ended",
        ROSTER_ONLY_POLICY,
        ROSTER_ENDED,
        "440704",
        False,
        (),
        None,
        "ROSTER_NOT_VALID_ON_DEATH_DAY",
    ),
]


@pytest.mark.parametrize(
    ("policy", "roster", "hukou", "unidentified", "declared", "category", "code"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_who_is_eligible(policy, roster, hukou, unidentified, declared, category, code) -> None:
    assert eligibility(policy, DIED, roster, hukou, unidentified, declared)[0] == category
    decision = decide_waiver(
        policy, DIED, TODAY, roster, hukou, unidentified, [("cremation", 30000, 1)], declared
    )
    assert (decision.category, decision.reasons[0].code) == (category, code)
    assert decision.status == ("approved" if category else "rejected")
    assert decision.waived_fen == (25000 if category else 0)


def test_hukou_elsewhere_tells_where_to_apply() -> None:
    _, reason = eligibility(DEFAULT_POLICY, DIED, [], "110105", False)
    assert "110105" in reason.zh and "440704" in reason.zh and "户籍地" in reason.zh
    assert "reimburses" in reason.en


# 惠州: at most 1780 yuan per body, in addition to the item caps.
ALL_ITEMS = [("transport", 48000, 1), ("cremation", 25000, 1), ("urn", 15000, 1)]


@pytest.mark.parametrize(
    ("total_cap", "items", "waived", "capped"),
    [
        (None, ALL_ITEMS, 88000, False),
        (178000, ALL_ITEMS, 88000, False),
        (88000, ALL_ITEMS, 88000, False),
        (50000, ALL_ITEMS, 50000, True),
        (50000, [("urn", 10000, 1)], 10000, False),
        (0 + 1, [("urn", 10000, 1)], 1, True),
    ],
)
def test_total_cap_per_case(total_cap, items, waived, capped) -> None:
    policy = replace(DEFAULT_POLICY, total_cap_fen=total_cap)
    decision = decide_waiver(policy, DIED, TODAY, [], "440704", False, items)
    assert decision.waived_fen == waived
    assert sum(line.waived_fen for line in decision.lines) == waived
    assert all(line.waived_fen + line.family_pays_fen == line.fee_fen for line in decision.lines)
    assert ("TOTAL_CAPPED" in [r.code for r in decision.reasons]) is capped


def test_max_case_waiver_is_the_smaller_of_items_and_total_cap() -> None:
    assert DEFAULT_POLICY.max_case_waiver_fen == 154000
    assert replace(DEFAULT_POLICY, total_cap_fen=178000).max_case_waiver_fen == 154000
    assert replace(DEFAULT_POLICY, total_cap_fen=100000).max_case_waiver_fen == 100000


@pytest.mark.parametrize(
    "change",
    [
        {"local_divisions": ("4407",)},
        {"local_divisions": ()},
        {"excluded_categories": ("dibao",)},
        {"total_cap_fen": -1},
    ],
    ids=["short division", "all residents without a division", "unknown exclusion", "negative cap"],
)
def test_invalid_scope_is_refused(change) -> None:
    with pytest.raises(Refusal) as info:
        replace(DEFAULT_POLICY, **change)
    assert info.value.code == "INVALID_POLICY"


def test_the_policy_in_force_on_the_day_of_death_applies() -> None:
    # An admin narrows the scope from 2026-04-01: a death on 31 March is still decided under the
    # all-residents default, even when the waiver is applied for in April.
    narrow = replace(ROSTER_ONLY_POLICY, effective_from=dt.date(2026, 4, 1))
    versions = [DEFAULT_POLICY, narrow]
    assert policy_in_force(versions, dt.date(2026, 3, 31)) is DEFAULT_POLICY
    assert policy_in_force(versions, dt.date(2026, 4, 1)) is narrow
    same_day = replace(narrow, total_cap_fen=1000)
    assert policy_in_force([*versions, same_day], dt.date(2026, 4, 1)) is same_day


# Property-based: the whole rule in one statement, and the caps.
divisions = st.sampled_from(["440704", "440703", "440781", "110105", "310101"])
roster_st = st.lists(
    st.tuples(
        st.sampled_from(["dibao", "tekun", "low_income", "youfu"]),
        st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
        st.none() | st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    ),
    max_size=3,
)
policies = st.builds(
    lambda all_local, local, excluded, cap: replace(
        DEFAULT_POLICY,
        all_local_residents=all_local,
        local_divisions=tuple(local),
        excluded_categories=tuple(excluded),
        total_cap_fen=cap,
    ),
    st.booleans(),
    st.lists(divisions, min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from(["public_institution", "enterprise_pension"]), unique=True),
    st.none() | st.integers(0, 200_000),
)


@given(
    policy=policies,
    roster=roster_st,
    hukou=st.none() | divisions,
    unidentified=st.booleans(),
    declared=st.lists(st.sampled_from(["public_institution", "enterprise_pension"]), unique=True),
    died=st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    fees=st.lists(st.integers(0, 100_000), min_size=7, max_size=7),
)
def test_eligibility_and_amounts(policy, roster, hukou, unidentified, declared, died, fees) -> None:
    on_roster = any(s <= died and (e is None or died <= e) for _, s, e in roster)
    resident = (
        policy.all_local_residents
        and hukou in policy.local_divisions
        and not set(declared) & set(policy.excluded_categories)
    )
    items = [(item.code, fee, 2) for item, fee in zip(policy.items, fees, strict=True)]
    decision = decide_waiver(
        policy, died, dt.date(2027, 1, 1), roster, hukou, unidentified, items, declared
    )
    assert (decision.status == "approved") is (on_roster or unidentified or resident)
    if decision.status == "rejected":
        assert decision.waived_fen == 0
        if policy.all_local_residents and hukou not in (None, *policy.local_divisions):
            assert decision.reasons[0].code == "HUKOU_ELSEWHERE"
    assert decision.waived_fen <= policy.max_case_waiver_fen
    assert decision.waived_fen == sum(line.waived_fen for line in decision.lines)
    for line in decision.lines:
        assert 0 <= line.waived_fen <= line.fee_fen
        assert line.waived_fen + line.family_pays_fen == line.fee_fen
