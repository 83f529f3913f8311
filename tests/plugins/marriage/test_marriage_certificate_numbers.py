"""Certificate numbers and reissue: DOMAIN.md "Marriage registration" 5 and 8."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.marriage.rules.certificate_numbers import (
    REISSUE_PREFIX,
    CertificateNo,
    CertificatePrefix,
    InvalidCertificateNo,
    format_certificate_no,
    parse_certificate_no,
    reissue_refusal,
)
from plugins.marriage.rules.status import MaritalRecord
from tests.plugins.marriage.support import refusal_code

D = dt.date


@pytest.mark.parametrize(
    ("prefix", "division", "year", "serial", "text"),
    [
        ("J", "440704", 2026, 1, "J440704-2026-000001"),
        ("L", "440704", 2026, 42, "L440704-2026-000042"),
        ("BJ", "440703", 2025, 999_999, "BJ440703-2025-999999"),
        ("BL", "110105", 2030, 123_456, "BL110105-2030-123456"),
    ],
)
def test_format_and_parse(
    prefix: CertificatePrefix, division: str, year: int, serial: int, text: str
) -> None:
    """DOMAIN.md "Marriage registration" 5: prefix, division, year, 6-digit serial."""
    assert format_certificate_no(prefix, division, year, serial) == text
    assert parse_certificate_no(text) == CertificateNo(prefix, division, year, serial)
    assert str(parse_certificate_no(text)) == text


def test_parse_accepts_what_people_type() -> None:
    """A number read aloud or copied from a QR page may come in lower case with spaces."""
    assert str(parse_certificate_no("  j440704-2026-000001 ")) == "J440704-2026-000001"


@pytest.mark.parametrize(
    "text",
    [
        "X440704-2026-000001",  # unknown prefix
        "JJ440704-2026-000001",
        "J44070-2026-000001",  # 5-digit division
        "J440704-26-000001",  # 2-digit year
        "J440704-0999-000001",
        "J440704-2026-1",  # serial not padded
        "J440704-2026-000000",  # serials start at 1
        "J440704-2026-0000001",
        "J440704 2026 000001",
        "J４４０７０４-2026-000001",  # full-width digits
        "",
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(InvalidCertificateNo):
        parse_certificate_no(text)


@pytest.mark.parametrize(
    ("prefix", "division", "year", "serial"),
    [
        ("X", "440704", 2026, 1),
        ("J", "44070", 2026, 1),
        ("J", "440704", 999, 1),
        ("J", "440704", 2026, 0),
        ("J", "440704", 2026, 1_000_000),
    ],
)
def test_format_rejects(prefix: str, division: str, year: int, serial: int) -> None:
    with pytest.raises(ValueError, match=r"prefix|division|year|serial"):
        format_certificate_no(prefix, division, year, serial)  # type: ignore[arg-type]


@given(
    prefix=st.sampled_from(["J", "L", "BJ", "BL"]),
    division=st.from_regex(r"[0-9]{6}", fullmatch=True),
    year=st.integers(1000, 9999),
    serial=st.integers(1, 999_999),
)
def test_parse_reads_back_every_number(
    prefix: CertificatePrefix, division: str, year: int, serial: int
) -> None:
    """DOMAIN.md "Marriage registration" 5: a printed number verifies as what was issued."""
    number = CertificateNo(prefix, division, year, serial)
    assert parse_certificate_no(str(number)) == number


@pytest.mark.parametrize(
    ("prefix", "reissued"), [("J", "BJ"), ("L", "BL"), ("BJ", "BJ"), ("BL", "BL")]
)
def test_reissue_prefix(prefix: CertificatePrefix, reissued: str) -> None:
    """DOMAIN.md "Marriage registration" 8: a reissued certificate gets a ``BJ``/``BL`` number."""
    assert REISSUE_PREFIX[prefix] == reissued


WED = MaritalRecord("married", D(2015, 5, 20), "S1", registration=1)
SPLIT = MaritalRecord("divorced", D(2019, 3, 1), "S1", registration=2)
REWED_SAME = MaritalRecord("married", D(2020, 8, 14), "S1", registration=3)
WED_OTHER = MaritalRecord("married", D(2021, 8, 14), "S2", registration=3)
LOST = MaritalRecord("spouse_died", D(2024, 1, 5), "S1")


@pytest.mark.parametrize(
    ("prefix", "registration", "records", "expected"),
    [
        ("J", 1, (WED,), None),
        ("BJ", 1, (WED,), None),  # a reissued certificate can be reissued again
        ("J", 1, (WED, SPLIT), "STATUS_CHANGED"),
        ("J", 1, (WED, LOST), "STATUS_CHANGED"),
        ("J", 1, (WED, SPLIT, REWED_SAME), "STATUS_CHANGED"),  # 复婚: a new marriage
        ("L", 2, (WED, SPLIT), None),
        ("BL", 2, (WED, SPLIT), None),
        ("L", 2, (WED, SPLIT, REWED_SAME), "STATUS_CHANGED"),
        ("L", 2, (WED, SPLIT, WED_OTHER), "STATUS_CHANGED"),
        ("J", 3, (WED, SPLIT, WED_OTHER), None),
    ],
)
def test_reissue_only_while_the_recorded_status_stands(
    prefix: CertificatePrefix,
    registration: int,
    records: tuple[MaritalRecord, ...],
    expected: str | None,
) -> None:
    """DOMAIN.md "Marriage registration" 8: reissue when the status recorded by that
    registration is unchanged, else ``STATUS_CHANGED`` (a 婚姻登记记录证明 instead)."""
    assert refusal_code(reissue_refusal(prefix, registration, records)) == expected
