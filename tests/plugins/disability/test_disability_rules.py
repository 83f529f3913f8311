"""Disability-subsidy rules: DOMAIN.md "The two disability subsidies" (国发〔2015〕52号)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.identity import InvalidIdNumber
from core.refusals import Refusal
from plugins.disability.rules import (
    DEFAULT_STANDARDS,
    Standard,
    SubsidyGrant,
    SubsidyPolicy,
    apply_stop,
    check_card,
    coverage,
    due_lines,
    eligibility,
    granted_subsidies,
    month_range,
    next_month,
    next_review_on,
    parse_month,
    previous_month,
    review_due,
    standard_for,
    stop_month_after,
    subsidies_stopped_by,
)
from tests import factories

ID = "11010519491231002X"  # DOMAIN.md's example number
OTHER_ID = "440704200402290023"
EXTENDED = SubsidyPolicy(
    living_for_low_income=True, nursing_for_grades_3_4_intellectual_mental=True
)


def refusal(call) -> Refusal:
    with pytest.raises(Refusal) as info:
        call()
    return info.value


# Card number: 18-character identity number + category digit (1..7) + grade digit (1..4).


def test_card_that_agrees_is_accepted_and_normalised() -> None:
    card = check_card(ID.lower() + "42", ID, 4, 2)
    assert (card.number, card.id_number, card.category, card.grade) == (ID + "42", ID, 4, 2)


CARD_CASES = [
    ("19 characters", ID + "4", ID, 4, 2),
    ("21 characters", ID + "421", ID, 4, 2),
    ("another person's card", OTHER_ID + "42", ID, 4, 2),
    ("category differs", ID + "52", ID, 4, 2),
    ("grade differs", ID + "43", ID, 4, 2),
    ("category 8 does not exist", ID + "82", ID, 8, 2),
    ("grade 5 does not exist", ID + "45", ID, 4, 5),
    ("grade 0 does not exist", ID + "40", ID, 4, 0),
    ("bad check character in the card", ID[:17] + "1" + "42", ID, 4, 2),
]


@pytest.mark.parametrize(
    ("card", "id_number", "category", "grade"),
    [c[1:] for c in CARD_CASES],
    ids=[c[0] for c in CARD_CASES],
)
def test_card_mismatch(card, id_number, category, grade) -> None:
    assert refusal(lambda: check_card(card, id_number, category, grade)).code == "CARD_MISMATCH"


def test_invalid_identity_number_is_reported_as_such() -> None:
    with pytest.raises(InvalidIdNumber):
        check_card(ID + "42", ID[:17] + "1", 4, 2)


# Standards by year (fen per month): 2020 living 17500 nursing 23500; from 2021 18100 / 24300.


@pytest.mark.parametrize(
    ("year", "living", "nursing"),
    [(2020, 17500, 23500), (2021, 18100, 24300), (2026, 18100, 24300)],
)
def test_standard_of_the_latest_year_not_after(year, living, nursing) -> None:
    standard = standard_for(DEFAULT_STANDARDS, year)
    assert (standard.monthly_fen("living"), standard.monthly_fen("nursing")) == (living, nursing)


def test_admin_set_year_applies_from_that_year() -> None:
    standards = (*DEFAULT_STANDARDS, Standard(2025, 20000, 26000))
    assert standard_for(standards, 2024).living_monthly_fen == 18100
    assert standard_for(standards, 2025).living_monthly_fen == 20000
    assert standard_for(standards, 2030).nursing_monthly_fen == 26000


def test_no_standard_before_the_first_year() -> None:
    assert refusal(lambda: standard_for(DEFAULT_STANDARDS, 2019)).code == "NO_STANDARD"


# Eligibility: living = dibao that month (policy: + low_income); nursing = grade 1-2
# (policy: + grades 3-4 of categories 5, 6); tekun or work-injury nursing → neither;
# orphan support → no living, nursing still possible.
ELIGIBILITY_CASES = [
    ("grade 2 in dibao: both", 2, 4, {"dibao"}, False, False, None, True, True),
    ("grade 3 in dibao: living only", 3, 4, {"dibao"}, False, False, None, True, False),
    ("grade 1 not in a roster: nursing", 1, 1, set(), False, False, None, False, True),
    ("grade 4 not in a roster: neither", 4, 2, set(), False, False, None, False, False),
    ("category 5 grade 3, no extension", 3, 5, set(), False, False, None, False, False),
    ("category 5 grade 3, extension", 3, 5, set(), False, False, EXTENDED, False, True),
    ("category 6 grade 4, extension", 4, 6, set(), False, False, EXTENDED, False, True),
    ("category 4 grade 3, extension", 3, 4, set(), False, False, EXTENDED, False, False),
    ("low_income, no extension", 2, 4, {"low_income"}, False, False, None, False, True),
    ("low_income, extension", 3, 4, {"low_income"}, False, False, EXTENDED, True, False),
    ("tekun and dibao: neither", 1, 4, {"tekun", "dibao"}, False, False, None, False, False),
    ("work-injury nursing: neither", 1, 4, {"dibao"}, True, False, None, False, False),
    ("orphan support grade 1: nursing", 1, 5, {"dibao"}, False, True, None, False, True),
    ("orphan support grade 3: neither", 3, 5, {"dibao"}, False, True, None, False, False),
]


@pytest.mark.parametrize(
    ("grade", "category", "roster", "injury", "orphan", "policy", "living", "nursing"),
    [c[1:] for c in ELIGIBILITY_CASES],
    ids=[c[0] for c in ELIGIBILITY_CASES],
)
def test_eligibility(grade, category, roster, injury, orphan, policy, living, nursing) -> None:
    result = eligibility(grade, category, roster, injury, orphan, policy or SubsidyPolicy())
    assert (result.living, result.nursing) == (living, nursing)
    assert result.reasons


def test_exclusion_reasons_are_named() -> None:
    result = eligibility(1, 4, {"tekun"}, True, False)
    assert [r.code for r in result.reasons] == ["TEKUN", "WORK_INJURY_NURSING"]
    assert "特困" in result.reasons[0].zh


@pytest.mark.parametrize(
    ("requested", "granted"),
    [(["living", "nursing"], {"nursing"}), (["nursing"], {"nursing"})],
)
def test_granted_is_what_was_asked_and_possible(requested, granted) -> None:
    result = eligibility(1, 4, set(), False, False)
    assert granted_subsidies(result, requested) == granted


@pytest.mark.parametrize(
    ("grade", "roster", "requested"),
    [(4, set(), ["living", "nursing"]), (1, set(), ["living"]), (1, {"tekun"}, ["nursing"])],
    ids=["neither possible", "only the unrequested one", "tekun"],
)
def test_not_eligible(grade, roster, requested) -> None:
    result = eligibility(grade, 4, roster, False, False)
    error = refusal(lambda: granted_subsidies(result, requested))
    assert error.code == "NOT_ELIGIBLE"
    assert "不符合" in error.detail


# Months ("YYYY-MM").


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "2024-1", "24-01", "2024/01", "0000-01"])
def test_malformed_month(text) -> None:
    assert refusal(lambda: parse_month(text)).code == "INVALID_MONTH"


def test_month_arithmetic() -> None:
    assert parse_month("2024-02") == dt.date(2024, 2, 1)
    assert next_month("2024-12") == "2025-01"
    assert previous_month("2025-01") == "2024-12"
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_range("2025-02", "2025-02") == ["2025-02"]
    assert month_range("2025-03", "2025-02") == []


# Stops: from the month after the event.


@pytest.mark.parametrize(
    ("event", "first_unpaid"),
    [
        (dt.date(2024, 3, 1), "2024-04"),
        (dt.date(2024, 3, 31), "2024-04"),
        (dt.date(2024, 12, 9), "2025-01"),
    ],
)
def test_stop_month_after(event, first_unpaid) -> None:
    assert stop_month_after(event) == first_unpaid


def test_which_subsidies_a_stop_ends() -> None:
    both = ["living", "nursing"]
    assert subsidies_stopped_by("left_dibao", both) == {"living"}
    assert subsidies_stopped_by("death", both) == {"living", "nursing"}
    assert subsidies_stopped_by("left_dibao", ["nursing"]) == set()
    new_grade = eligibility(3, 4, {"dibao"}, False, False)
    assert subsidies_stopped_by("grade_change", both, new_grade) == {"nursing"}
    with pytest.raises(ValueError):
        subsidies_stopped_by("grade_change", both)


def test_an_earlier_stop_is_kept() -> None:
    grants = (SubsidyGrant("living", "2024-01", "2024-05"), SubsidyGrant("nursing", "2024-01"))
    stopped = apply_stop(grants, {"living", "nursing"}, dt.date(2024, 8, 20))
    assert [g.stops_from for g in stopped] == ["2024-05", "2024-09"]


# Payroll: due from the month the application was filed, arrears in the first run, each line
# naming its period month; no (subsidy, month) paid twice.


def test_first_payroll_pays_arrears_from_the_application_month() -> None:
    grants = [SubsidyGrant("living", "2024-03"), SubsidyGrant("nursing", "2024-03")]
    lines = due_lines(grants, [], "2024-05", DEFAULT_STANDARDS)
    assert [(ln.subsidy, ln.period_month, ln.amount_fen) for ln in lines] == [
        ("living", "2024-03", 18100),
        ("nursing", "2024-03", 24300),
        ("living", "2024-04", 18100),
        ("nursing", "2024-04", 24300),
        ("living", "2024-05", 18100),
        ("nursing", "2024-05", 24300),
    ]


def test_arrears_across_a_year_use_each_period_years_standard() -> None:
    lines = due_lines([SubsidyGrant("living", "2020-12")], [], "2021-01", DEFAULT_STANDARDS)
    assert [(ln.period_month, ln.amount_fen) for ln in lines] == [
        ("2020-12", 17500),
        ("2021-01", 18100),
    ]


def test_already_paid_months_are_skipped() -> None:
    grants = [SubsidyGrant("nursing", "2024-01")]
    paid = [("nursing", "2024-01"), ("nursing", "2024-02")]
    lines = due_lines(grants, paid, "2024-03", DEFAULT_STANDARDS)
    assert [ln.period_month for ln in lines] == ["2024-03"]


def test_death_stops_payment_from_the_next_month() -> None:
    grants = apply_stop([SubsidyGrant("living", "2024-03")], {"living"}, dt.date(2024, 4, 10))
    lines = due_lines(grants, [], "2024-08", DEFAULT_STANDARDS)
    assert [ln.period_month for ln in lines] == ["2024-03", "2024-04"]


def test_stop_before_the_first_month_pays_nothing() -> None:
    grants = apply_stop([SubsidyGrant("living", "2024-03")], {"living"}, dt.date(2024, 2, 10))
    assert due_lines(grants, [], "2024-08", DEFAULT_STANDARDS) == []


def test_payroll_month_before_the_application_pays_nothing() -> None:
    assert due_lines([SubsidyGrant("living", "2024-03")], [], "2024-02", DEFAULT_STANDARDS) == []


# Annual review: due on the first anniversary of the later of approval and last review.


@pytest.mark.parametrize(
    ("approved", "reviewed", "today", "due"),
    [
        (dt.date(2024, 3, 1), None, dt.date(2025, 2, 28), False),
        (dt.date(2024, 3, 1), None, dt.date(2025, 3, 1), True),
        (dt.date(2024, 3, 1), dt.date(2025, 3, 5), dt.date(2026, 3, 4), False),
        (dt.date(2024, 3, 1), dt.date(2025, 3, 5), dt.date(2026, 3, 5), True),
        (dt.date(2024, 2, 29), None, dt.date(2025, 2, 28), True),
        (dt.date(2024, 2, 29), None, dt.date(2025, 2, 27), False),
    ],
)
def test_review_due(approved, reviewed, today, due) -> None:
    assert review_due(approved, reviewed, today) is due


def test_next_review_date() -> None:
    assert next_review_on(dt.date(2024, 2, 29), None) == dt.date(2025, 2, 28)
    assert next_review_on(dt.date(2024, 6, 1), dt.date(2025, 6, 10)) == dt.date(2026, 6, 10)


# Indicators: coverage = paid ÷ eligible.


def test_coverage() -> None:
    assert coverage(45, 50) == pytest.approx(0.9)
    assert coverage(50, 50) == 1.0
    assert coverage(0, 0) is None
    with pytest.raises(ValueError):
        coverage(-1, 5)


# Property-based tests.


@st.composite
def id_numbers(draw):
    born = draw(st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)))
    sex = draw(st.sampled_from(["male", "female"]))  # with seq: every sequence 000–999
    return factories.id_number(born, sex, seq=draw(st.integers(0, 499)))


@given(id_numbers(), st.integers(1, 7), st.integers(1, 4), st.integers(1, 7), st.integers(1, 4))
def test_card_agrees_only_with_its_own_category_and_grade(id_number, cat, grade, cat2, grade2):
    card_no = f"{id_number}{cat}{grade}"
    assert check_card(card_no, id_number, cat, grade).number == card_no
    if (cat2, grade2) != (cat, grade):
        error = refusal(lambda: check_card(card_no, id_number, cat2, grade2))
        assert error.code == "CARD_MISMATCH"


@given(
    st.integers(1, 4),
    st.integers(1, 7),
    st.sets(st.sampled_from(["dibao", "tekun", "low_income", "youfu"])),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_eligibility_never_breaks_an_exclusion(grade, cat, roster, injury, orphan, ext1, ext2):
    policy = SubsidyPolicy(ext1, ext2)
    result = eligibility(grade, cat, roster, injury, orphan, policy)
    if "tekun" in roster or injury:
        assert not result.living and not result.nursing
    if result.living:
        assert not orphan and ("dibao" in roster or (ext1 and "low_income" in roster))
    if result.nursing:
        assert grade <= 2 or (ext2 and cat in (5, 6))


months_st = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2020, 2024), st.integers(1, 12))


@st.composite
def beneficiaries(draw):
    grants = []
    for subsidy in draw(st.sets(st.sampled_from(["living", "nursing"]), min_size=1)):
        start = draw(months_st)
        stop = draw(st.none() | months_st)
        grants.append(SubsidyGrant(subsidy, start, stop))
    paid_before = draw(st.sets(st.tuples(st.sampled_from(["living", "nursing"]), months_st)))
    return grants, paid_before


@given(beneficiaries(), months_st)
def test_payroll_never_pays_twice_and_a_rerun_adds_nothing(beneficiary, month) -> None:
    grants, paid = beneficiary
    lines = due_lines(grants, paid, month, DEFAULT_STANDARDS)
    pairs = [(ln.subsidy, ln.period_month) for ln in lines]
    assert len(pairs) == len(set(pairs))
    assert not set(pairs) & paid
    for subsidy, period in pairs:
        assert period <= month
        grant = next(g for g in grants if g.subsidy == subsidy)
        assert grant.start_month <= period
        assert grant.stops_from is None or period < grant.stops_from
    assert due_lines(grants, paid | set(pairs), month, DEFAULT_STANDARDS) == []


@given(st.sets(st.sampled_from(["living", "nursing"]), min_size=1), months_st, st.data())
def test_monthly_payrolls_pay_every_due_month_exactly_once(subsidies, start, data) -> None:
    last = data.draw(st.sampled_from(month_range(start, "2024-12")))
    runs = [*data.draw(st.lists(months_st, max_size=6)), last]
    grants = [SubsidyGrant(s, start) for s in subsidies]
    paid: Counter[tuple[str, str]] = Counter()
    for run in runs:
        if run > last:
            continue
        for line in due_lines(grants, set(paid), run, DEFAULT_STANDARDS):
            paid[(line.subsidy, line.period_month)] += 1
    expected = {(s, m) for s in subsidies for m in month_range(start, last)}
    assert set(paid) == expected
    assert set(paid.values()) == {1}
