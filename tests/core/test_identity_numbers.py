"""DOMAIN.md "People and identity numbers": length, birth date and check character decide; the
address code is where the number was first issued, so a code created after the birth year is
valid (every Jianghai resident born before 1994 carries 440704, a code created in 1994)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.identity import InvalidIdNumber, normalize_id_number
from core.logs import mask_id_numbers_in
from tests.factories import id_number


@pytest.mark.parametrize(
    ("number", "normalized"),
    [
        ("11010519491231002X", "11010519491231002X"),  # DOMAIN.md's example
        ("11010519491231002x", "11010519491231002X"),
        (" 11010519491231002X ", "11010519491231002X"),
    ],
)
def test_valid_numbers(number, normalized):
    assert normalize_id_number(number) == normalized


@pytest.mark.parametrize(
    ("division", "birth"),
    [
        ("440704", dt.date(1958, 3, 3)),  # Jianghai District, created 1994
        ("440704", dt.date(1993, 12, 31)),
        ("440703", dt.date(1960, 1, 1)),  # Pengjiang District, created 1994
        ("440705", dt.date(1975, 6, 15)),  # Xinhui District, created 2002
        ("440704", dt.date(2000, 2, 29)),
    ],
)
def test_address_codes_newer_than_the_birth_are_valid(division, birth):
    number = id_number(birth, "male", division, seq=21)  # sequence 043
    assert normalize_id_number(number) == number


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491231002",  # 17 characters
        "110105194913310026",  # month 13
        "440704190002290000"[:17] + "0",  # 1900-02-29 does not exist
        "11010519491231002Y",
        "X10105194912310026",
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
        "",
        None,
        11010519491231002,
    ],
)
def test_invalid_numbers(number):
    with pytest.raises(InvalidIdNumber):
        normalize_id_number(number)


@given(
    division=st.sampled_from(["440704", "440703", "440705", "110105", "440781"]),
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    seq=st.integers(0, 499),  # with the sex: every sequence 000–999
    sex=st.sampled_from(["male", "female"]),
)
def test_any_well_formed_number_is_valid_and_any_other_check_character_is_not(
    division, birth, seq, sex
):
    number = id_number(birth, sex, division, seq)
    assert normalize_id_number(number.lower()) == number
    for wrong in set("0123456789X") - {number[-1]}:
        with pytest.raises(InvalidIdNumber):
            normalize_id_number(number[:-1] + wrong)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /api/v1/people/44070419580303043X", "GET /api/v1/people/440704********043X"),
        ("id=44070419580303043x;", "id=440704********043X;"),
        ("order 1234567890123456789012 stays", "order 1234567890123456789012 stays"),
        ("phone 13800000000", "phone 13800000000"),
    ],
)
def test_identity_numbers_are_masked_in_log_text(text, masked):
    assert mask_id_numbers_in(text) == masked
