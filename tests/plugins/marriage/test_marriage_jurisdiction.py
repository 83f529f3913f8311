"""Where a couple may register, and cross-province registrations: DOMAIN.md "Marriage
registration" 4 and "The plan's indicators"."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.marriage.rules.eligibility import Party
from plugins.marriage.rules.jurisdiction import (
    JurisdictionEra,
    cross_province_share,
    is_cross_province,
    may_register_at,
    province_of,
)

D = dt.date
REGISTRY = "440704"  # Guangdong (44)
GD, BJ, HN = "440105", "110105", "430102"  # Guangzhou, Beijing, Changsha


def couple(a_hukou: str, b_hukou: str, a_permit: str | None = None) -> tuple[Party, Party]:
    return (
        Party("A", a_hukou, residence_permit_division=a_permit),
        Party("B", b_hukou),
    )


HUKOU_HERE = couple(BJ, GD)
PERMIT_HERE = couple(BJ, HN, a_permit=GD)
PERMIT_ELSEWHERE = couple(BJ, HN, a_permit=BJ)


@pytest.mark.parametrize(
    ("on", "parties", "allowed"),
    [
        # before 2021-06-01: hukou province of either party
        (D(2021, 5, 31), HUKOU_HERE, True),
        (D(2021, 5, 31), PERMIT_HERE, False),
        (D(2021, 5, 31), PERMIT_ELSEWHERE, False),
        # 2021-06-01 … 2025-05-09: or residence-permit province of either party
        (D(2021, 6, 1), HUKOU_HERE, True),
        (D(2021, 6, 1), PERMIT_HERE, True),
        (D(2021, 6, 1), PERMIT_ELSEWHERE, False),
        (D(2025, 5, 9), PERMIT_HERE, True),
        (D(2025, 5, 9), PERMIT_ELSEWHERE, False),
        # from 2025-05-10: any registry in the country
        (D(2025, 5, 10), PERMIT_ELSEWHERE, True),
        (D(2025, 5, 10), couple(BJ, HN), True),
    ],
)
def test_jurisdiction_by_registration_date(
    on: dt.date, parties: tuple[Party, Party], allowed: bool
) -> None:
    """DOMAIN.md "Marriage registration" 4 (the era switches on its first day)."""
    assert may_register_at(REGISTRY, parties, on) is allowed
    assert may_register_at(REGISTRY, parties[::-1], on) is allowed


def test_eras_are_data_that_can_be_changed() -> None:
    """DOMAIN.md: a rule that changes over time is effective-dated policy; a policy that opened
    residence-permit registration a year earlier must change the answer for 2020."""
    earlier_pilot = (
        JurisdictionEra(D.min, frozenset({"hukou"})),
        JurisdictionEra(D(2020, 6, 1), frozenset({"hukou", "residence_permit"})),
    )
    assert may_register_at(REGISTRY, PERMIT_HERE, D(2020, 6, 1), earlier_pilot)
    assert not may_register_at(REGISTRY, PERMIT_HERE, D(2020, 5, 31), earlier_pilot)


def test_no_era_in_force_is_an_error_not_a_refusal() -> None:
    eras = (JurisdictionEra(D(2021, 6, 1), frozenset({"hukou"})),)
    with pytest.raises(ValueError, match="no jurisdiction rule"):
        may_register_at(REGISTRY, HUKOU_HERE, D(2021, 5, 31), eras)


@pytest.mark.parametrize(
    ("parties", "cross"),
    [
        (couple(GD, "440703"), False),
        # one local party was always allowed here: not a cross-province case
        (couple(BJ, GD), False),
        (couple(GD, HN), False),
        (couple(BJ, HN), True),
        (couple(BJ, "310101"), True),
        # a residence permit here does not make a Beijing hukou local
        (couple(BJ, HN, a_permit=GD), True),
        (couple(BJ, GD, a_permit=GD), False),
    ],
)
def test_cross_province_is_decided_by_hukou(parties: tuple[Party, Party], cross: bool) -> None:
    """DOMAIN.md "Marriage registration" 4: cross-province when NEITHER party's hukou province
    is the registry's."""
    assert is_cross_province(REGISTRY, parties) is cross


@given(a=st.sampled_from([GD, "440703", BJ, HN, "310101"]), b=st.sampled_from([GD, BJ, HN]))
def test_cross_province_cases_are_those_only_the_widened_rules_allow(a: str, b: str) -> None:
    """DOMAIN.md "Marriage registration" 4: a cross-province case is exactly a couple the
    pre-2021 hukou rule would have sent elsewhere; order of the parties does not matter."""
    parties = couple(a, b)
    assert is_cross_province(REGISTRY, parties) is is_cross_province(REGISTRY, parties[::-1])
    assert is_cross_province(REGISTRY, parties) is not may_register_at(
        REGISTRY, parties, D(2021, 5, 31)
    )


@pytest.mark.parametrize("bad", ["44070", "4407040", "44070X", "４４０７０４", ""])
def test_province_needs_a_six_digit_division(bad: str) -> None:
    """DOMAIN.md "People and identity numbers": the province is the first two of six digits."""
    with pytest.raises(ValueError, match="6-digit"):
        province_of(bad)


@pytest.mark.parametrize(
    ("cross", "total", "share"),
    [(0, 0, None), (0, 4, 0.0), (1, 4, 0.25), (4, 4, 1.0)],
)
def test_cross_province_share(cross: int, total: int, share: float | None) -> None:
    """DOMAIN.md "The plan's indicators": cross-province marriage registration rate."""
    assert cross_province_share(cross, total) == share


@pytest.mark.parametrize(("cross", "total"), [(5, 4), (-1, 4)])
def test_cross_province_share_rejects_impossible_counts(cross: int, total: int) -> None:
    with pytest.raises(ValueError, match="cross_province"):
        cross_province_share(cross, total)


divisions = st.sampled_from([GD, "440703", BJ, HN, "310101"])


@given(
    a=divisions,
    b=divisions,
    permit=st.none() | divisions,
    first=st.dates(D(2000, 1, 1), D(2030, 12, 31)),
    later_by=st.integers(0, 4000),
)
def test_jurisdiction_only_widens_over_time(
    a: str, b: str, permit: str | None, first: dt.date, later_by: int
) -> None:
    """DOMAIN.md "Marriage registration" 4: each era adds places, none takes one away."""
    parties = couple(a, b, a_permit=permit)
    later = first + dt.timedelta(days=later_by)
    if may_register_at(REGISTRY, parties, first):
        assert may_register_at(REGISTRY, parties, later)
    if later >= D(2025, 5, 10):
        assert may_register_at(REGISTRY, parties, later)
