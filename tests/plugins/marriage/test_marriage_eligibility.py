"""Who may register a marriage: DOMAIN.md "Marriage registration" 1–4."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.marriage.rules.eligibility import Party, registration_refusal
from plugins.marriage.rules.status import MaritalRecord
from tests.factories import id_number
from tests.plugins.marriage.support import refusal_code

D = dt.date
REGISTRY = "440704"  # Jianghai District, Guangdong


MAN = id_number(D(1995, 3, 14), "male")
WOMAN = id_number(D(1997, 8, 2), "female")
OTHER = id_number(D(1990, 1, 1), "female", seq=7)
OTHER_MAN = id_number(D(1990, 2, 2), "male", seq=3)
MARRIED = (MaritalRecord("married", D(2020, 5, 20), OTHER, registration=1),)
DIVORCED = (*MARRIED, MaritalRecord("divorced", D(2023, 1, 9), OTHER, registration=2))
WIDOWED = (*MARRIED, MaritalRecord("spouse_died", D(2024, 2, 2), OTHER))
REMARRIED = (*DIVORCED, MaritalRecord("married", D(2024, 6, 6), OTHER, registration=3))


def party(
    id_no: str,
    hukou: str = "440703",
    *,
    residence_permit_division: str | None = None,
    deceased_on: dt.date | None = None,
    marital_records: tuple[MaritalRecord, ...] = (),
) -> Party:
    return Party(id_no, hukou, residence_permit_division, deceased_on, marital_records)


ON = D(2026, 5, 20)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(party(MAN), party(WOMAN), None, id="eligible couple"),
        # 1. one man and one woman, two different people
        pytest.param(party(MAN), party(MAN), "SAME_PERSON", id="same person"),
        pytest.param(party(MAN), party(OTHER_MAN), "INVALID_PARTIES", id="two men"),
        pytest.param(party(WOMAN), party(OTHER), "INVALID_PARTIES", id="two women"),
        # 3. a dead person cannot marry; the death date itself counts
        pytest.param(party(MAN, deceased_on=ON), party(WOMAN), "DECEASED", id="died that day"),
        pytest.param(party(MAN), party(WOMAN, deceased_on=ON + DAY), None, id="died the day after"),
        # 3. neither may have a spouse; divorce or the spouse's death ends a marriage
        pytest.param(party(MAN), party(WOMAN, marital_records=MARRIED), "ALREADY_MARRIED",
                     id="married"),
        pytest.param(party(MAN), party(WOMAN, marital_records=DIVORCED), None, id="divorced"),
        pytest.param(party(MAN), party(WOMAN, marital_records=WIDOWED), None, id="widowed"),
        pytest.param(party(MAN, marital_records=REMARRIED), party(WOMAN), "ALREADY_MARRIED",
                     id="remarried after divorce"),
    ],
)  # fmt: skip
def test_registration_refusal(a: Party, b: Party, expected: str | None) -> None:
    """DOMAIN.md "Marriage registration" 1 and 3; the order of the parties does not matter."""
    assert refusal_code(registration_refusal(a, b, REGISTRY, ON)) == expected
    assert refusal_code(registration_refusal(b, a, REGISTRY, ON)) == expected


@pytest.mark.parametrize(
    ("birth", "sex", "on", "expected"),
    [
        # DOMAIN.md: a man born 2004-11-27 is 22 on 2026-11-27, 21 the day before.
        (D(2004, 11, 27), "male", D(2026, 11, 26), "UNDERAGE"),
        (D(2004, 11, 27), "male", D(2026, 11, 27), None),
        (D(2006, 11, 27), "female", D(2026, 11, 26), "UNDERAGE"),
        (D(2006, 11, 27), "female", D(2026, 11, 27), None),
        # A woman of 21 may marry, a man of 21 may not (第1047条: 22 and 20).
        (D(2005, 1, 1), "female", D(2026, 6, 1), None),
        (D(2005, 1, 1), "male", D(2026, 6, 1), "UNDERAGE"),
        # Born on 29 February: in a common year the birthday is reached on 1 March.
        (D(2004, 2, 29), "male", D(2026, 2, 28), "UNDERAGE"),
        (D(2004, 2, 29), "male", D(2026, 3, 1), None),
        (D(2008, 2, 29), "female", D(2028, 2, 28), "UNDERAGE"),
        (D(2008, 2, 29), "female", D(2028, 2, 29), None),
    ],
)
def test_legal_age_on_the_registration_date(
    birth: dt.date, sex: str, on: dt.date, expected: str | None
) -> None:
    """DOMAIN.md "Marriage registration" 2 and "People and identity numbers" (full years)."""
    young = party(id_number(birth, sex))
    adult = party(id_number(D(1980, 1, 1), "female" if sex == "male" else "male", seq=9))
    assert refusal_code(registration_refusal(young, adult, REGISTRY, on)) == expected


BOY = id_number(D(2010, 1, 1), "male", seq=5)
DEAD = D(2020, 12, 1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Every row also has later faults (all are Beijing hukou: out of jurisdiction in 2021).
        (party(BOY, "110105", deceased_on=DEAD), party(BOY, "110105"), "SAME_PERSON"),
        (party(WOMAN, "110105", deceased_on=DEAD), party(OTHER, "110105"), "INVALID_PARTIES"),
        (
            party(BOY, "110105", deceased_on=DEAD),
            party(WOMAN, "110105", marital_records=MARRIED),
            "DECEASED",
        ),
        (party(BOY, "110105"), party(WOMAN, "110105", marital_records=MARRIED), "UNDERAGE"),
        (party(MAN, "110105"), party(WOMAN, "110105", marital_records=MARRIED), "ALREADY_MARRIED"),
        (party(MAN, "110105"), party(WOMAN, "110105"), "NOT_IN_JURISDICTION"),
    ],
)
def test_refusals_come_in_the_documented_order(a: Party, b: Party, expected: str) -> None:
    """DOMAIN.md "Marriage registration" 1–4: the clerk is told the most basic fault first."""
    assert refusal_code(registration_refusal(a, b, REGISTRY, D(2021, 1, 4))) == expected


@pytest.mark.parametrize(
    ("on", "a_permit", "expected"),
    [
        (D(2021, 5, 31), "440105", "NOT_IN_JURISDICTION"),
        (D(2021, 6, 1), "440105", None),
        (D(2025, 5, 9), None, "NOT_IN_JURISDICTION"),
        (D(2025, 5, 10), None, None),
    ],
)
def test_jurisdiction_is_the_last_check(
    on: dt.date, a_permit: str | None, expected: str | None
) -> None:
    """DOMAIN.md "Marriage registration" 4: a Beijing (11) and a Hunan (43) hukou at a
    Guangdong registry, with or without a Guangdong residence permit."""
    a = party(MAN, hukou="110105", residence_permit_division=a_permit)
    b = party(WOMAN, hukou="430102")
    assert refusal_code(registration_refusal(a, b, REGISTRY, on)) == expected


def reaches(birth: dt.date, years: int) -> dt.date:
    """The day a person born on ``birth`` turns ``years`` (29 February → 1 March)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return D(birth.year + years, 3, 1)


@given(
    birth=st.dates(D(1950, 1, 1), D(2012, 12, 31)),
    on=st.dates(D(1990, 1, 1), D(2035, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
)
def test_underage_exactly_before_the_legal_birthday(birth: dt.date, on: dt.date, sex: str) -> None:
    """DOMAIN.md "Marriage registration" 2, for any birth date and registration date."""
    young = party(id_number(birth, sex))
    adult = party(id_number(D(1940, 6, 1), "female" if sex == "male" else "male", seq=9))
    legal_day = reaches(birth, 22 if sex == "male" else 20)
    expected = "UNDERAGE" if on < legal_day else None
    assert refusal_code(registration_refusal(young, adult, REGISTRY, on)) == expected
