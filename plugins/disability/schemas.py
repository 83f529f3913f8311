"""Bodies of the disability API: requests (``*In``: a wrong type is 400 BAD_REQUEST) and responses
(``*Out``: what the OpenAPI schema promises, field for field)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from core.pagination import Page
from core.schemas import UNSET, Out, UnsetType

SubsidyName = Literal["living", "nursing"]
Category = Annotated[int, Meta(ge=1, le=7)]
Grade = Annotated[int, Meta(ge=1, le=4)]
Note = Annotated[str, Meta(max_length=1000, pattern=r"^[^\x00]*$")]
Line = r"^[^\x00-\x1f]*$"  # one line of text: no control characters


class ApplicationIn(msgspec.Struct):
    id_number: str
    name: Annotated[str, Meta(min_length=1, max_length=64, pattern=Line)]
    disability_card_no: Annotated[str, Meta(max_length=40, pattern=Line)]
    category: Category
    grade: Grade
    subsidies: Annotated[list[SubsidyName], Meta(min_length=1, max_length=2)]
    hukou_division: str | None = None
    work_injury_nursing: bool = False
    orphan_support: bool = False
    phone: Annotated[str, Meta(max_length=32, pattern=Line)] = ""
    bank_account: Annotated[str, Meta(max_length=40, pattern=Line)] = ""


class StreetReviewIn(msgspec.Struct):
    approve: bool
    note: Note = ""


class ApplicationDecisionIn(msgspec.Struct):
    note: Note = ""


class StandardIn(msgspec.Struct):
    living_monthly_fen: int
    nursing_monthly_fen: int
    year: int | None = None


class SubsidyPolicyIn(msgspec.Struct):
    living_for_low_income: bool = False
    nursing_for_grades_3_4_intellectual_mental: bool = False


class StopIn(msgspec.Struct):
    reason: str
    note: Note = ""
    effective_on: dt.date | None = None
    subsidies: list[SubsidyName] | None = None


class GradeIn(msgspec.Struct):
    grade: Grade
    category: Category | None = None
    disability_card_no: Annotated[str, Meta(max_length=40)] | None = None
    assessed_on: dt.date | None = None
    note: Note = ""


class ReviewIn(msgspec.Struct):
    note: Note = ""


# ---- responses -------------------------------------------------------------------------------
# Every key is always present (a nullable one is ``T | None`` without a default), except where a
# Struct says otherwise.

ApplicationStatus = Literal["submitted", "street_approved", "approved", "stopped", "rejected"]


class SubsidyStandardOut(Out):
    """A year's monthly standards; ``confirmed`` False: the year has none of its own and is paid
    at ``paid_at_year``'s."""

    year: int
    living_monthly_fen: int
    nursing_monthly_fen: int
    confirmed: bool
    paid_at_year: int


class SubsidyPolicyOut(Out):
    """The extension policy in force from ``effective_from``."""

    effective_from: dt.date
    living_for_low_income: bool
    nursing_for_grades_3_4_intellectual_mental: bool


class SubsidyReasonOut(Out):
    """Why eligibility came out as it did: a stable code, Chinese and English text."""

    code: str
    zh: str
    en: str


class SubsidiesEligibleOut(Out):
    living: bool
    nursing: bool


class SubsidyRefusalOut(Out):
    """What filing would refuse, with the error code filing would answer."""

    code: str
    detail: str


class EligibilityPreviewOut(Out):
    filed_month: str
    card_ok: bool
    eligible: SubsidiesEligibleOut
    hukou_division: str | None
    hukou_source: Literal["registry", "form", ""]
    subsidies: list[SubsidyName]
    reasons: list[SubsidyReasonOut]
    can_apply: bool
    refusal: SubsidyRefusalOut | None


class GrantOut(Out):
    """One approved subsidy: paid from ``start_month`` until ``stops_from`` (None: still paid)."""

    subsidy: SubsidyName
    start_month: str
    stops_from: str | None
    stop_reason: str | None
    stop_note: str


class SubsidyApplicationOut(Out):
    """An application in full (staff reads are audited)."""

    id: int
    status: ApplicationStatus
    id_number: str
    name: str
    category: int
    grade: int
    subsidies: list[SubsidyName]
    requested: list[SubsidyName]
    eligible: SubsidiesEligibleOut
    applied_on: dt.date
    filed_month: str
    approved_on: dt.date | None
    starts_month: str | None
    next_review_on: dt.date | None
    last_reviewed_on: dt.date | None
    grants: list[GrantOut]
    disability_card_no: str
    reasons: list[SubsidyReasonOut]
    work_injury_nursing: bool
    orphan_support: bool
    phone: str
    bank_account: str
    street_note: str
    street_reviewed_by: str
    decision_note: str
    decided_by: str
    submitted_by: str


class SubsidyApplicationItemOut(SubsidyApplicationOut):
    """An application in a list: masked for staff, without the fields after ``grants``; a
    citizen's own are in full."""

    disability_card_no: str | UnsetType = UNSET
    reasons: list[SubsidyReasonOut] | UnsetType = UNSET
    work_injury_nursing: bool | UnsetType = UNSET
    orphan_support: bool | UnsetType = UNSET
    phone: str | UnsetType = UNSET
    bank_account: str | UnsetType = UNSET
    street_note: str | UnsetType = UNSET
    street_reviewed_by: str | UnsetType = UNSET
    decision_note: str | UnsetType = UNSET
    decided_by: str | UnsetType = UNSET
    submitted_by: str | UnsetType = UNSET


class ApplicationStatusOut(Out):
    status: ApplicationStatus


class ApprovalOut(Out):
    """Approved: paid from ``starts_month``, the month filed (the next payroll pays arrears)."""

    status: Literal["approved"]
    starts_month: str


class BeneficiaryOut(Out):
    """An approved application in the beneficiaries list, masked."""

    id: int
    id_number: str
    name: str
    subsidies: list[SubsidyName]
    paying: list[SubsidyName]
    since: str | None
    status: Literal["active", "stopped"]
    category: int
    grade: int
    approved_on: dt.date | None
    next_review_on: dt.date | None
    review_due: bool
    grants: list[GrantOut]


class SubsidyStopOut(Out):
    subsidy: SubsidyName
    stops_from: str


class BeneficiaryStopsOut(Out):
    """The subsidies a stop or a re-assessment ended, each from its month."""

    id: int
    stops: list[SubsidyStopOut]


class RegradeOut(Out):
    id: int
    grade: int
    stops: list[SubsidyStopOut]


class AnnualReviewOut(Out):
    id: int
    last_reviewed_on: dt.date
    next_review_on: dt.date


class PayrollRunOut(Out):
    month: str
    status: Literal["running", "complete"]
    beneficiaries: int
    lines: int
    living_fen: int
    nursing_fen: int
    total_fen: int
    difference_fen: int
    provisional_standard: bool
    started_at: dt.datetime
    finished_at: dt.datetime | None


class PayrollLineOut(Out):
    """One payment, masked; ``kind`` difference: a raised standard paid for ``period_month``."""

    id_number: str
    name: str
    subsidy: SubsidyName
    period_month: str
    amount_fen: int
    kind: Literal["regular", "difference"]


class PayrollRunWithLinesOut(PayrollRunOut):
    """The run's totals and one page of its lines (instead of their number)."""

    lines: Page[PayrollLineOut]  # type: ignore[assignment]
