"""Pure rules of the marriage service: dates, identity numbers and records in, decisions out.

No I/O and no web or database imports. Refusals are the error codes of API.md "Marriage".

- ``status``: marital status from a person's records
- ``jurisdiction``: where a couple may register, by era; cross-province registrations
- ``eligibility``: whether a couple may register their marriage
- ``divorce``: cooling-off dates, withdrawal and registration of a divorce
- ``certificate_numbers``: ``J440704-2026-000001`` numbers and reissue
- ``booking``: open days, slots to publish, booking requests, no-show blocks
"""

from plugins.marriage.rules.booking import (
    CHINA_TIME,
    OpenDays,
    PlannedSlot,
    SlotTemplate,
    booking_block_until,
    booking_refusal,
    open_days,
    slot_begun,
    slot_in_past,
    slot_plan,
)
from plugins.marriage.rules.certificate_numbers import (
    RECORDED_STATUS,
    REISSUE_PREFIX,
    CertificateNo,
    CertificatePrefix,
    InvalidCertificateNo,
    format_certificate_no,
    parse_certificate_no,
    reissue_refusal,
)
from plugins.marriage.rules.divorce import (
    DivorceApplication,
    DivorceDates,
    DivorceStatus,
    cooling_off_over,
    current_divorce_status,
    divorce_application_refusal,
    divorce_dates,
    register_refusal,
    withdraw_refusal,
)
from plugins.marriage.rules.eligibility import Party, registration_refusal
from plugins.marriage.rules.jurisdiction import (
    JURISDICTION_ERAS,
    JurisdictionEra,
    cross_province_share,
    is_cross_province,
    may_register_at,
    province_of,
)
from plugins.marriage.rules.status import (
    MaritalRecord,
    MaritalStatus,
    current_spouse,
    marital_status,
)

__all__ = [
    "CHINA_TIME",
    "JURISDICTION_ERAS",
    "RECORDED_STATUS",
    "REISSUE_PREFIX",
    "CertificateNo",
    "CertificatePrefix",
    "DivorceApplication",
    "DivorceDates",
    "DivorceStatus",
    "InvalidCertificateNo",
    "JurisdictionEra",
    "MaritalRecord",
    "MaritalStatus",
    "OpenDays",
    "Party",
    "PlannedSlot",
    "SlotTemplate",
    "booking_block_until",
    "booking_refusal",
    "cooling_off_over",
    "cross_province_share",
    "current_divorce_status",
    "current_spouse",
    "divorce_application_refusal",
    "divorce_dates",
    "format_certificate_no",
    "is_cross_province",
    "marital_status",
    "may_register_at",
    "open_days",
    "parse_certificate_no",
    "province_of",
    "register_refusal",
    "registration_refusal",
    "reissue_refusal",
    "slot_begun",
    "slot_in_past",
    "slot_plan",
    "withdraw_refusal",
]
