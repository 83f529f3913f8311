"""Certificate numbers and reissue (补领), DOMAIN.md "Marriage registration" 5 and 8.

A number is a prefix (``J`` marriage, ``L`` divorce, ``BJ``/``BL`` reissued), the registry's
6-digit division code, the year and a 6-digit serial for that registry and year:
``J440704-2026-000001``. Allocating serials without gaps is the service's job (database counter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

from core.refusals import Refusal
from plugins.marriage.rules.refusals import refusal
from plugins.marriage.rules.status import (
    MaritalRecord,
    MaritalStatus,
    RegistrationRef,
    is_latest_registration,
    marital_status,
)

CertificatePrefix = Literal["J", "L", "BJ", "BL"]

# The prefix of the certificate a registration issues.
REGISTRATION_PREFIX: dict[str, CertificatePrefix] = {"marriage": "J", "divorce": "L"}
# The marital status a certificate records, and the prefix its reissue gets.
RECORDED_STATUS: dict[CertificatePrefix, MaritalStatus] = {
    "J": "married",
    "BJ": "married",
    "L": "divorced",
    "BL": "divorced",
}
REISSUE_PREFIX: dict[CertificatePrefix, CertificatePrefix] = {
    "J": "BJ",
    "BJ": "BJ",
    "L": "BL",
    "BL": "BL",
}

MAX_SERIAL = 999_999
_NUMBER = re.compile(r"(BJ|BL|J|L)(\d{6})-(\d{4})-(\d{6})", re.ASCII)


class InvalidCertificateNo(ValueError):
    """The text is not a certificate number of the form ``J440704-2026-000001``."""


@dataclass(frozen=True)
class CertificateNo:
    prefix: CertificatePrefix
    division: str
    year: int
    serial: int

    def __str__(self) -> str:
        return format_certificate_no(self.prefix, self.division, self.year, self.serial)


def format_certificate_no(prefix: CertificatePrefix, division: str, year: int, serial: int) -> str:
    if prefix not in RECORDED_STATUS:
        raise ValueError(f"unknown certificate prefix: {prefix!r}")
    if len(division) != 6 or not division.isascii() or not division.isdigit():
        raise ValueError(f"not a 6-digit division code: {division!r}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial out of range: {serial}")
    return f"{prefix}{division}-{year:04d}-{serial:06d}"


def parse_certificate_no(text: str) -> CertificateNo:
    """Read a number as typed or scanned (surrounding spaces and lower case accepted)."""
    match = _NUMBER.fullmatch(text.strip().upper())
    if match is None or int(match[4]) == 0 or match[3].startswith("0"):
        raise InvalidCertificateNo(f"not a certificate number: {text!r}")
    prefix, division, year, serial = match.groups()
    return CertificateNo(cast(CertificatePrefix, prefix), division, int(year), int(serial))


def reissue_refusal(
    prefix: CertificatePrefix, registration: RegistrationRef, records: Sequence[MaritalRecord]
) -> Refusal | None:
    """A certificate is reissued only while the status its registration recorded is unchanged.

    The person's current status must be the one the certificate records (``J``/``BJ`` married,
    ``L``/``BL`` divorced) and that registration must still be their latest record: a marriage
    certificate of someone divorced and remarried, even to the same spouse (复婚), records a
    marriage that no longer exists. Otherwise the clerk issues a 婚姻登记记录证明 instead.
    """
    if marital_status(records) != RECORDED_STATUS[prefix] or not is_latest_registration(
        records, registration
    ):
        return refusal(
            "STATUS_CHANGED",
            "The marital status this certificate records has changed: issue a marriage "
            "record certificate instead",
            "婚姻状况已变化，不能补领，请出具婚姻登记记录证明",
        )
    return None
