"""Bodies of the funeral API: requests (``*In``: a wrong type or an over-long text is a 400) and
responses (``*Out``: what the OpenAPI schema promises, field for field)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from core.schemas import Out

Text32 = Annotated[str, Meta(max_length=32)]
Text64 = Annotated[str, Meta(max_length=64)]
Text100 = Annotated[str, Meta(max_length=100)]
Reason = Annotated[str, Meta(min_length=1, max_length=200)]


class DeceasedIn(msgspec.Struct, kw_only=True):
    """The deceased: an identity number, or — for an unidentified body — the number of the
    police certificate (公安机关出具的无名遗体证明) in ``unidentified_police_certificate_no``."""

    died_on: dt.date
    name: Text64 = ""
    id_number: str | None = None
    unidentified_police_certificate_no: Text64 | None = None
    hukou_division: str | None = None
    # What a policy may exclude from the all-residents scope (rules.EXCLUDABLE_CATEGORIES):
    # the deceased's funeral allowance is paid by an employer or a pension scheme.
    declared_categories: Annotated[list[Text32], Meta(max_length=5)] = []


class ApplicantIn(msgspec.Struct, kw_only=True):
    name: Text64
    phone: Text32
    relation: Text32


class ItemIn(msgspec.Struct, kw_only=True):
    code: Text32
    fee_fen: int
    units: int = 1


class WaiverIn(msgspec.Struct, kw_only=True):
    deceased: DeceasedIn
    funeral_home: Text100
    applicant: ApplicantIn
    items: Annotated[list[ItemIn], Meta(max_length=30)]


class PreviewIn(msgspec.Struct, kw_only=True):
    """What the clerk knows so far; without items only eligibility is decided."""

    deceased: DeceasedIn
    items: Annotated[list[ItemIn], Meta(max_length=30)] = []


class CorrectionIn(WaiverIn, kw_only=True):
    reason: Reason


class VoidIn(msgspec.Struct, kw_only=True):
    reason: Reason


class PolicyItemIn(msgspec.Struct, kw_only=True):
    code: Text32
    name: Text32
    cap_fen: int
    unit: Literal["case", "day", "year"]
    max_units: int = 1


class WaiverPolicyIn(msgspec.Struct, kw_only=True):
    items: Annotated[list[PolicyItemIn], Meta(max_length=30)]
    eligible_categories: Annotated[list[Text32], Meta(max_length=10)]
    all_local_residents: bool = True
    local_divisions: Annotated[list[str], Meta(max_length=50)] | None = None
    excluded_categories: Annotated[list[Text32], Meta(max_length=10)] = []
    total_cap_fen: int | None = None
    effective_from: dt.date | None = None


# ---- responses -------------------------------------------------------------------------------
# Every key is always present (a nullable one is ``T | None`` without a default), except the
# fields only the full record carries (WaiverOut over WaiverSummaryOut).


class WaiverPolicyItemOut(Out):
    code: str
    name: str
    cap_fen: int
    unit: Literal["case", "day", "year"]
    max_units: int


class WaiverPolicyOut(Out):
    """A policy version; ``version`` None for the built-in defaults (DOMAIN.md)."""

    items: list[WaiverPolicyItemOut]
    eligible_categories: list[str]
    all_local_residents: bool
    local_divisions: list[str]
    excluded_categories: list[str]
    total_cap_fen: int | None
    max_case_waiver_fen: int
    effective_from: dt.date
    version: int | None


class WaiverReasonOut(Out):
    """Why the decision came out as it did: a stable code, Chinese and English text."""

    code: str
    zh: str
    en: str


class WaivedItemOut(Out):
    code: str
    name: str
    fee_fen: int
    units: int
    waived_fen: int
    family_pays_fen: int


class DeceasedOut(Out):
    name: str
    id_number: str | None
    unidentified_police_certificate_no: str | None
    died_on: dt.date
    hukou_division: str | None
    declared_categories: list[str]


class ApplicantOut(Out):
    name: str
    phone: str
    relation: str


class WaiverSummaryOut(Out):
    """A waiver in a list: the deceased masked, no applicant."""

    id: int
    status: Literal["approved", "rejected"]
    category: str | None
    category_name: str | None
    waived_fen: int
    fee_fen: int
    family_pays_fen: int
    reasons: list[WaiverReasonOut]
    deceased: DeceasedOut
    funeral_home: str
    recorded_on: dt.date
    recorded_by: str
    notice_no: str | None
    voided: bool
    voided_on: dt.date | None
    void_reason: str | None
    replaces_id: int | None
    replaced_by_id: int | None
    policy_version: int | None


class WaiverOut(WaiverSummaryOut, kw_only=True):
    """The full record (read by staff, audited): the deceased in full, the items, the applicant."""

    items: list[WaivedItemOut]
    applicant: ApplicantOut
    voided_by: str | None
    office_code: str | None


class PersonFoundOut(Out):
    name: str
    sex: str
    birth_date: dt.date
    hukou_division: str | None
    deceased_on: dt.date | None


class AssistanceOnDeathOut(Out):
    category: str
    category_name: str
    valid_from: dt.date
    valid_to: dt.date | None
    valid_on_death_day: bool


class ExistingWaiverOut(Out):
    id: int
    recorded_on: dt.date
    status: Literal["approved", "rejected"]


class WaiverPreviewOut(Out):
    """What saving would decide; nothing is saved."""

    person: PersonFoundOut | None
    assistance: list[AssistanceOnDeathOut]
    eligible: bool
    category: str | None
    category_name: str | None
    status: Literal["approved", "rejected"]
    waived_fen: int
    items: list[WaivedItemOut]
    reasons: list[WaiverReasonOut]
    existing_waiver: ExistingWaiverOut | None
    hukou_division: str | None
    policy_version: int | None
    policy_effective_from: dt.date


class SettlementRowOut(Out):
    """One funeral home's claim for a month: ``cases``/``waived_fen`` net of corrections."""

    funeral_home: str
    cases: int
    waived_fen: int
    waiver_cases: int
    waiver_fen: int
    correction_cases: int
    correction_fen: int
    month: str
    settled: bool


class StatementCaseOut(Out):
    """One line of a home's statement: a waiver, or a void as a negative correction."""

    waiver_id: int
    notice_no: str | None
    deceased: str
    deceased_id: str
    category: str | None
    kind: Literal["waiver", "correction"]
    on: dt.date
    waived_fen: int


class SettlementConfirmationOut(Out):
    month: str
    settled: bool
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
