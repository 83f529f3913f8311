"""Funeral fee-waiver rules: DOMAIN.md "Funeral basic-service fee waiver" (粤民发〔2015〕37号)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refusals import Refusal
from plugins.funeral.rules import (
    DEFAULT_POLICY,
    ROSTER_ONLY_POLICY,
    FeeItem,
    WaiverPolicy,
    WaiverRecord,
    decide_waiver,
    eligibility,
    monthly_figures,
    policy_in_force,
    settlement,
    waiver_figures,
)

DIED = dt.date(2025, 3, 10)
TODAY = dt.date(2025, 3, 12)
ONE_CREMATION = [("cremation", 30000, 1)]
LOCAL = "440704"
ELSEWHERE = "110105"  # Beijing: the roster rules below are about people not covered as residents


def decide(
    roster=(),
    *,
    items=ONE_CREMATION,
    policy=DEFAULT_POLICY,
    died_on=DIED,
    today=TODAY,
    hukou=ELSEWHERE,
    unidentified=False,
):
    return decide_waiver(
        policy,
        died_on=died_on,
        today=today,
        roster_entries=roster,
        hukou_division=hukou,
        unidentified_police_certified=unidentified,
        items=items,
    )


def test_default_policy_is_domain_md_table() -> None:
    # DOMAIN.md: seven basic services, their caps in fen, storage ×3 days, ash storage ×2 years.
    caps = {i.code: (i.name, i.cap_fen, i.unit, i.max_units) for i in DEFAULT_POLICY.items}
    assert caps == {
        "transport": ("遗体接运", 48000, "case", 1),
        "disinfection": ("遗体消毒", 9000, "case", 1),
        "storage": ("遗体存放", 8000, "day", 3),
        "farewell": ("告别厅租用", 23000, "case", 1),
        "cremation": ("遗体火化", 25000, "case", 1),
        "ash_storage": ("骨灰寄存", 5000, "year", 2),
        "urn": ("骨灰盒", 15000, "case", 1),
    }
    assert DEFAULT_POLICY.max_case_waiver_fen == 154000
    assert DEFAULT_POLICY.total_cap_fen is None
    assert set(DEFAULT_POLICY.eligible_categories) == {"dibao", "tekun", "low_income", "youfu"}
    # 粤民发〔2015〕37号: every resident with local hukou (DOMAIN.md, corrected)
    assert DEFAULT_POLICY.all_local_residents is True
    assert DEFAULT_POLICY.local_divisions == ("440704",)
    assert DEFAULT_POLICY.excluded_categories == ()
    assert ROSTER_ONLY_POLICY.all_local_residents is False


# DOMAIN.md: eligible when in an eligible roster category *on the day of death*, or an
# unidentified body certified by police, or (policy switch) any local resident.
ELIGIBILITY_CASES = [
    ("dibao, open-ended", [("dibao", dt.date(2020, 1, 1), None)], {}, "dibao"),
    ("roster ends on the day of death", [("tekun", dt.date(2020, 1, 1), DIED)], {}, "tekun"),
    ("roster starts on the day of death", [("low_income", DIED, None)], {}, "low_income"),
    ("youfu", [("youfu", dt.date(2010, 5, 1), None)], {}, "youfu"),
    (
        "dibao and youfu: dibao wins",
        [("youfu", dt.date(2010, 1, 1), None), ("dibao", dt.date(2024, 1, 1), None)],
        {},
        "dibao",
    ),
    (
        "tekun and dibao: tekun wins",
        [("dibao", dt.date(2010, 1, 1), None), ("tekun", dt.date(2024, 1, 1), None)],
        {},
        "tekun",
    ),
    ("police-certified unidentified body", [], {"unidentified": True}, "unidentified"),
    (
        "all local residents switched on",
        [],
        {"hukou": LOCAL, "policy": WaiverPolicy(DEFAULT_POLICY.items, (), True, DIED)},
        "local_resident",
    ),
    (
        "roster category beats the local-resident switch",
        [("dibao", dt.date(2020, 1, 1), None)],
        {"hukou": LOCAL, "policy": WaiverPolicy(DEFAULT_POLICY.items, ("dibao",), True, DIED)},
        "dibao",
    ),
    (
        "an expired entry does not hide a valid one",
        [("dibao", dt.date(2020, 1, 1), dt.date(2021, 1, 1)), ("youfu", dt.date(2022, 1, 1), None)],
        {},
        "youfu",
    ),
]


@pytest.mark.parametrize(
    ("roster", "kwargs", "category"),
    [case[1:] for case in ELIGIBILITY_CASES],
    ids=[case[0] for case in ELIGIBILITY_CASES],
)
def test_approved_category(roster, kwargs, category) -> None:
    decision = decide(roster, **kwargs)
    assert decision.status == "approved"
    assert decision.category == category
    assert decision.waived_fen == 25000
    assert decision.reasons[0].code == "ELIGIBLE"


REJECTION_CASES = [
    (
        "roster ended the day before death",
        [("dibao", dt.date(2020, 1, 1), DIED - dt.timedelta(days=1))],
        {"policy": ROSTER_ONLY_POLICY},
        "ROSTER_NOT_VALID_ON_DEATH_DAY",
    ),
    (
        "roster starts the day after death",
        [("dibao", DIED + dt.timedelta(days=1), None)],
        {"policy": ROSTER_ONLY_POLICY},
        "ROSTER_NOT_VALID_ON_DEATH_DAY",
    ),
    ("no roster entry, roster-only scope", [], {"policy": ROSTER_ONLY_POLICY}, "NOT_ELIGIBLE"),
    ("no roster entry, hukou elsewhere", [], {}, "HUKOU_ELSEWHERE"),
    (
        "local resident, switch off",
        [],
        {"hukou": LOCAL, "policy": ROSTER_ONLY_POLICY},
        "NOT_ELIGIBLE",
    ),
    (
        "category the policy does not cover",
        [("youfu", dt.date(2020, 1, 1), None)],
        {"policy": WaiverPolicy(DEFAULT_POLICY.items, ("dibao", "tekun"), False, DIED)},
        "NOT_ELIGIBLE",
    ),
    (
        "switch on but not a local resident",
        [],
        {"hukou": ELSEWHERE, "policy": WaiverPolicy(DEFAULT_POLICY.items, ("dibao",), True, DIED)},
        "HUKOU_ELSEWHERE",
    ),
]


@pytest.mark.parametrize(
    ("roster", "kwargs", "code"),
    [case[1:] for case in REJECTION_CASES],
    ids=[case[0] for case in REJECTION_CASES],
)
def test_rejected_waives_nothing(roster, kwargs, code) -> None:
    decision = decide(roster, items=[("transport", 40000, 1), ("storage", 16000, 2)], **kwargs)
    assert decision.status == "rejected"
    assert decision.category is None
    assert decision.waived_fen == 0
    assert [line.family_pays_fen for line in decision.lines] == [40000, 16000]
    assert decision.reasons[0].code == code


DIBAO = [("dibao", dt.date(2020, 1, 1), None)]

# DOMAIN.md / API.md: waived = min(fee_fen, cap_fen × min(units, max_units)); family pays the rest.
AMOUNT_CASES = [
    ("storage 4 days capped at 3", ("storage", 40000, 4), 24000, True),
    ("storage 3 days at the cap", ("storage", 24000, 3), 24000, False),
    ("storage 2 days above 2-day cap", ("storage", 20000, 2), 16000, True),
    ("storage 2 days below cap", ("storage", 10000, 2), 10000, False),
    ("transport below cap", ("transport", 30000, 1), 30000, False),
    ("transport above cap", ("transport", 50000, 1), 48000, True),
    ("per-case item ignores units", ("urn", 40000, 3), 15000, True),
    ("ash storage 3 years capped at 2", ("ash_storage", 20000, 3), 10000, True),
    ("free item", ("disinfection", 0, 1), 0, False),
]


@pytest.mark.parametrize(
    ("item", "waived", "capped"),
    [case[1:] for case in AMOUNT_CASES],
    ids=[case[0] for case in AMOUNT_CASES],
)
def test_waived_amount_per_item(item, waived, capped) -> None:
    decision = decide(DIBAO, items=[item])
    (line,) = decision.lines
    assert (line.waived_fen, line.family_pays_fen) == (waived, item[1] - waived)
    assert decision.waived_fen == waived
    assert ("ITEM_CAPPED" in [r.code for r in decision.reasons]) is capped


def test_every_item_at_its_limit_waives_the_total_cap() -> None:
    items = [
        (i.code, i.cap_fen * i.max_units + 1000, i.max_units + 1) for i in DEFAULT_POLICY.items
    ]
    decision = decide(DIBAO, items=items)
    assert decision.waived_fen == 154000
    assert sum(line.family_pays_fen for line in decision.lines) == 1000 * 7


def test_capped_reason_tells_the_family_the_limit() -> None:
    decision = decide(DIBAO, items=[("storage", 40000, 4)])
    capped = next(r for r in decision.reasons if r.code == "ITEM_CAPPED")
    assert "遗体存放" in capped.zh and "80.00元/天" in capped.zh and "3天" in capped.zh


ERROR_CASES = [
    ("died tomorrow", {"died_on": TODAY + dt.timedelta(days=1)}, "DIED_IN_FUTURE"),
    ("unknown item", {"items": [("embalming", 1000, 1)]}, "UNKNOWN_ITEM"),
    ("negative fee", {"items": [("urn", -1, 1)]}, "INVALID_AMOUNT"),
    ("zero units", {"items": [("storage", 8000, 0)]}, "INVALID_AMOUNT"),
    ("item twice", {"items": [("urn", 100, 1), ("urn", 100, 1)]}, "DUPLICATE_ITEM"),
    ("no items", {"items": []}, "NO_ITEMS"),
]


@pytest.mark.parametrize(
    ("kwargs", "code"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_refused_input(kwargs, code) -> None:
    with pytest.raises(Refusal) as info:
        decide(DIBAO, **kwargs)
    assert info.value.code == code


def test_death_today_is_accepted() -> None:
    # DOMAIN.md: "Death cannot be in the future" — today itself is not the future.
    assert decide(DIBAO, died_on=TODAY).status == "approved"


def test_policy_in_force_by_effective_date() -> None:
    extended = WaiverPolicy(DEFAULT_POLICY.items, ("dibao",), True, dt.date(2025, 7, 1))
    policies = [extended, DEFAULT_POLICY]
    assert policy_in_force(policies, dt.date(2025, 6, 30)) is DEFAULT_POLICY
    assert policy_in_force(policies, dt.date(2025, 7, 1)) is extended
    with pytest.raises(Refusal) as info:
        policy_in_force(policies, dt.date(2014, 12, 31))
    assert info.value.code == "NO_POLICY"


@pytest.mark.parametrize(
    "build",
    [
        lambda: FeeItem("urn", "骨灰盒", -1, "case", 1),
        lambda: FeeItem("urn", "骨灰盒", 100, "case", 2),
        lambda: FeeItem("storage", "遗体存放", 100, "day", 0),
        lambda: FeeItem("storage", "遗体存放", 100, "week", 1),  # type: ignore[arg-type]
        lambda: WaiverPolicy(DEFAULT_POLICY.items * 2, ("dibao",), False, DIED),
    ],
    ids=["negative cap", "case with 2 units", "zero max units", "unknown unit", "duplicate code"],
)
def test_admin_cannot_save_an_invalid_policy(build) -> None:
    with pytest.raises(Refusal) as info:
        build()
    assert info.value.code == "INVALID_POLICY"


def rec(home, recorded_on, fen, *, status="approved", category="dibao", voided_on=None):
    return WaiverRecord(home, recorded_on, status, category, fen, voided_on)


def test_settlement_per_home_with_correction_in_the_void_month() -> None:
    # DOMAIN.md: the home claims the total back monthly, a settlement per funeral home and month.
    records = [
        rec("江海殡仪馆", dt.date(2025, 3, 1), 100000),
        rec("江海殡仪馆", dt.date(2025, 3, 31), 54000, voided_on=dt.date(2025, 4, 2)),
        rec("蓬江殡仪馆", dt.date(2025, 3, 15), 30000),
        rec("蓬江殡仪馆", dt.date(2025, 3, 16), 0, status="rejected"),
        rec("江海殡仪馆", dt.date(2025, 4, 1), 20000),
    ]
    march = [
        (line.funeral_home, line.kind, line.cases, line.waived_fen)
        for line in settlement(records, "2025-03")
    ]
    assert march == [("江海殡仪馆", "waivers", 2, 154000), ("蓬江殡仪馆", "waivers", 1, 30000)]
    april = [
        (line.funeral_home, line.kind, line.cases, line.waived_fen)
        for line in settlement(records, "2025-04")
    ]
    assert april == [("江海殡仪馆", "waivers", 1, 20000), ("江海殡仪馆", "corrections", -1, -54000)]


def test_settlement_rejects_a_malformed_month() -> None:
    with pytest.raises(Refusal) as info:
        settlement([], "2025-3")
    assert info.value.code == "INVALID_MONTH"


def test_indicator_counts_standing_waivers_by_year_and_category() -> None:
    # DOMAIN.md indicators: funeral waivers and amounts per year.
    records = [
        rec("A", dt.date(2025, 1, 2), 100000, category="dibao"),
        rec("A", dt.date(2025, 6, 2), 50000, category="tekun"),
        rec("B", dt.date(2025, 7, 2), 20000, category="dibao"),
        rec("B", dt.date(2025, 8, 2), 9000, category="dibao", voided_on=dt.date(2025, 8, 3)),
        rec("B", dt.date(2025, 9, 2), 0, status="rejected", category=None),
        rec("B", dt.date(2024, 12, 31), 70000, category="dibao"),
    ]
    figures = waiver_figures(records, 2025)
    assert (figures.cases, figures.waived_fen) == (3, 170000)
    assert [(c.category, c.cases, c.waived_fen) for c in figures.by_category] == [
        ("tekun", 1, 50000),
        ("dibao", 2, 120000),
    ]


# Property-based tests.

item_st = st.builds(
    lambda code, cap, unit, max_units: FeeItem(
        code, code, cap, unit, 1 if unit == "case" else max_units
    ),
    st.sampled_from(["a", "b", "c", "d"]),
    st.integers(0, 100_000),
    st.sampled_from(["case", "day", "year"]),
    st.integers(1, 5),
)
policy_st = st.lists(item_st, min_size=1, max_size=4, unique_by=lambda i: i.code).map(
    lambda items: WaiverPolicy(tuple(items), ("dibao",), False, dt.date(2015, 1, 1))
)


@given(policy=policy_st, data=st.data())
def test_waived_never_exceeds_fee_nor_cap(policy, data) -> None:
    chosen = data.draw(st.lists(st.sampled_from(policy.items), min_size=1, unique=True))
    items = [
        (i.code, data.draw(st.integers(0, 1_000_000)), data.draw(st.integers(1, 10)))
        for i in chosen
    ]
    decision = decide(DIBAO, items=items, policy=policy)
    for line in decision.lines:
        cap = policy.item(line.code)
        assert 0 <= line.waived_fen <= line.fee_fen
        assert line.waived_fen <= cap.cap_fen * min(line.units, cap.max_units)
        assert line.waived_fen + line.family_pays_fen == line.fee_fen
    assert decision.waived_fen <= policy.max_case_waiver_fen


@st.composite
def records_st(draw):
    records = []
    for _ in range(draw(st.integers(0, 12))):
        recorded = draw(st.dates(dt.date(2025, 1, 1), dt.date(2025, 6, 30)))
        delay = draw(st.none() | st.integers(0, 120))
        voided = None if delay is None else recorded + dt.timedelta(days=delay)
        records.append(
            rec(
                draw(st.sampled_from(["A", "B"])),
                recorded,
                draw(st.integers(0, 154_000)),
                voided_on=voided,
            )
        )
    return records


@given(records=records_st())
def test_a_month_once_over_never_changes(records) -> None:
    # Settling March with only what was known at the end of March gives the same lines as
    # settling it later, after further waivers and voids.
    end_of_march = dt.date(2025, 3, 31)
    known_then = [
        WaiverRecord(
            r.funeral_home,
            r.recorded_on,
            r.status,
            r.category,
            r.waived_fen,
            r.voided_on if r.voided_on and r.voided_on <= end_of_march else None,
        )
        for r in records
        if r.recorded_on <= end_of_march
    ]
    assert settlement(known_then, "2025-03") == settlement(records, "2025-03")


@given(records=records_st())
def test_claims_over_all_months_net_to_the_standing_waivers(records) -> None:
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    claimed = sum(line.waived_fen for m in months for line in settlement(records, m))
    standing = sum(r.waived_fen for r in records if r.voided_on is None)
    assert claimed == standing


def test_eligibility_alone_matches_the_decision() -> None:
    # The clerk's preview before fees are known says what the saved decision will say.
    roster = [("low_income", dt.date(2020, 1, 1), dt.date(2025, 3, 9)), ("youfu", DIED, None)]
    category, reason = eligibility(DEFAULT_POLICY, DIED, roster, ELSEWHERE, False)
    assert (category, reason) == (decide(roster).category, decide(roster).reasons[0])
    assert category == "youfu"
    ended = [("dibao", dt.date(2020, 1, 1), DIED - dt.timedelta(days=1))]
    assert eligibility(ROSTER_ONLY_POLICY, DIED, ended, ELSEWHERE, False)[1].code == (
        "ROSTER_NOT_VALID_ON_DEATH_DAY"
    )


@given(records=records_st())
def test_monthly_figures_add_up_to_the_year(records) -> None:
    # The indicator's chart (one point per month) sums to the indicator's value.
    months = monthly_figures(records, 2025)
    year = waiver_figures(records, 2025)
    assert [m.month for m in months] == [f"2025-{n:02d}" for n in range(1, 13)]
    assert sum(m.cases for m in months) == year.cases
    assert sum(m.waived_fen for m in months) == year.waived_fen
