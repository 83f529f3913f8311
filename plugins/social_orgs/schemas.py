"""Bodies of the social_orgs API: requests (``*In``) and responses (``*Out``: what the OpenAPI
schema promises, field for field)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

from core.schemas import UNSET, Out, UnsetType

OrgKindIn = Literal["social_group", "social_service", "foundation"]


class OrganizationIn(msgspec.Struct):
    uscc: str
    name: str
    kind: OrgKindIn
    registered_on: dt.date
    legal_representative: str
    staff_count: int = 0
    contact_phone: str = ""
    legal_representative_id_number: str | None = None


class LegalRepresentativeIn(msgspec.Struct):
    """变更登记 of the legal representative (clerk)."""

    legal_representative: str
    legal_representative_id_number: str | None = None


class OrgAccountIn(msgspec.Struct):
    username: str
    password: str


class AnnualReportIn(msgspec.Struct):
    """The annual report (DOMAIN.md); every field may be left out of a draft. Amounts in fen."""

    activities: str | None = None
    revenue_fen: int | None = None
    expenditure_fen: int | None = None
    net_assets_fen: int | None = None
    full_time_staff: int | None = None
    volunteers: int | None = None
    party_organization: str | None = None
    """``standalone`` (单独建立), ``joint`` (联合建立) or ``none`` (未建立)."""
    officer_changes: str | None = None
    """Changes of officers during the year; ``无`` when none."""
    donations_received_fen: int | None = None

    def fields(self) -> dict[str, Any]:
        return msgspec.structs.asdict(self)


class ReturnIn(msgspec.Struct):
    reason: str


class InspectionIn(msgspec.Struct):
    result: str
    """``qualified`` 合格, ``basically_qualified`` 基本合格, ``unqualified`` 不合格."""
    note: str = ""


class DeregistrationDecisionIn(msgspec.Struct):
    note: str = ""


class SpotCheckIn(msgspec.Struct):
    year: int
    count: int | None = None
    seed: int | str | None = None
    """Repeat a published draw with its seed; a random one is generated when absent."""


class EvaluationIn(msgspec.Struct):
    year: int
    scores: dict[str, Any]
    """Indicator key → whole points; the total is out of 1000."""


class IndicatorIn(msgspec.Struct):
    key: str
    label: str
    max_points: int


class EvaluationPolicyIn(msgspec.Struct):
    thresholds: dict[str, int]
    """Lowest total for each grade 5A … 1A."""
    indicators: list[IndicatorIn] | None = None
    effective_from: dt.date | None = None


# ---- responses -------------------------------------------------------------------------------
# Every key is always present (a nullable one is ``T | None`` without a default), except where a
# Struct says otherwise.

OrgStatus = Literal["active", "deregistered"]
Grade = Literal["5A", "4A", "3A", "2A", "1A"]
InspectionResult = Literal["qualified", "basically_qualified", "unqualified"]
PartyOrganization = Literal["standalone", "joint", "none"]


class OrgDirectoryEntryOut(Out):
    """An organization in the public directory (no personal data)."""

    uscc: str
    name: str
    kind: OrgKindIn
    status: OrgStatus
    registered_on: dt.date
    kind_label: str
    grade: Grade | None


class OrgDirectoryOut(Out):
    """A page of the directory; ``next_after``: the ``after`` of the next page (None: last page);
    ``total_capped``: more than ``total`` match the filters."""

    items: list[OrgDirectoryEntryOut]
    total: int
    total_capped: bool
    next_after: str | None


class LatestInspectionOut(Out):
    year: int
    result: InspectionResult
    result_label: str
    inspected_on: dt.date | None


class OrgTaskOut(Out):
    """A task for the registry, e.g. a legal representative who died (``name``: the
    organization's, in lists)."""

    id: int
    uscc: str
    name: str | None
    kind: str
    status: Literal["open", "closed"]
    opened_on: dt.date
    reason: str
    closed_on: dt.date | None


class OrgProfileOut(Out):
    """The public profile: registration, latest inspection, current grade, abnormal years."""

    uscc: str
    name: str
    kind: OrgKindIn
    kind_label: str
    status: OrgStatus
    registered_on: dt.date
    deregistered_on: dt.date | None
    legal_representative: str
    staff_count: int
    latest_inspection: LatestInspectionOut | None
    latest_inspection_result: InspectionResult | None
    grade: Grade | None
    grade_valid_from: dt.date | None
    grade_valid_until: dt.date | None
    grade_certificate_no: str | None
    abnormal_years: list[int]
    on_abnormal_list: bool
    open_tasks: list[OrgTaskOut] | UnsetType = UNSET
    """Only in the answer to a change of legal representative."""


class OrgAccountOut(Out):
    username: str
    kind: Literal["org"]
    uscc: str


class AbnormalOrgOut(Out):
    """An organization on the abnormal list for ``year``'s report, since the deadline passed."""

    uscc: str
    name: str
    kind: OrgKindIn
    kind_label: str
    registered_on: dt.date
    year: int
    deadline: dt.date
    listed_since: dt.date


class DeregistrationProposalOut(Out):
    """Two consecutive report years unfiled (``years``) and no decision on them yet."""

    uscc: str
    name: str
    kind: OrgKindIn
    kind_label: str
    registered_on: dt.date
    years: list[int]
    unfiled_years: list[int]


class DeregistrationDecisionOut(Out):
    uscc: str
    decision: Literal["confirmed", "rejected"]
    years: list[int]
    status: OrgStatus


class SpotCheckAssignmentOut(Out):
    """An organization drawn: its two inspectors' login names for staff, how many for anyone
    else."""

    uscc: str
    inspectors: list[str] | UnsetType = UNSET
    inspector_count: int | UnsetType = UNSET


class SpotCheckOut(Out):
    """A published draw: repeatable from ``seed`` over the same active organizations."""

    id: int
    year: int
    seed: int | str
    count: int | None
    active_count: int
    selected: list[str]
    assignments: list[SpotCheckAssignmentOut]
    drawn_on: dt.date
    inspector_pool: list[str] | UnsetType = UNSET  # staff readers only
    inspector_pool_size: int | UnsetType = UNSET  # everyone else: how many, not who
    drawn_by: str | UnsetType = UNSET  # staff readers only


class EvaluationIndicatorOut(Out):
    key: str
    label: str
    max_points: int


class EvaluationPolicyOut(Out):
    """Grade thresholds and indicator maxima in force; ``effective_from`` None: DOMAIN.md's
    defaults."""

    effective_from: dt.date | None
    thresholds: dict[str, int]
    indicators: list[EvaluationIndicatorOut]


class EvaluationOut(Out):
    """A graded evaluation; under public notice ``valid_*`` are projected
    (``validity_projected``) from the earliest announcement."""

    id: int
    uscc: str
    org_name: str
    year: int
    scores: dict[str, int | None]
    """Indicator key → whole points as given (None: left unscored)."""
    total: int
    grade: Grade | None
    status: Literal["public_notice", "announced", "withdrawn"]
    evaluated_on: dt.date
    notice_ends_on: dt.date
    announced_on: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    validity_projected: bool
    certificate_no: str | None


class AnnualReportContentOut(Out):
    """The report's own fields (None: not filled in). Amounts in fen."""

    activities: str | None
    revenue_fen: int | None
    expenditure_fen: int | None
    net_assets_fen: int | None
    full_time_staff: int | None
    volunteers: int | None
    party_organization: PartyOrganization | None
    officer_changes: str | None
    donations_received_fen: int | None


class ReportInspectionOut(Out):
    result: InspectionResult
    result_label: str
    note: str
    inspected_on: dt.date | None
    inspected_by: str


class AnnualReportOut(AnnualReportContentOut):
    """A report: its fields (also under ``content``), state, dates and inspection."""

    uscc: str
    org_name: str
    year: int
    status: Literal["draft", "submitted", "returned"]
    deadline: dt.date
    submitted_on: dt.date | None
    resubmitted_on: dt.date | None
    late: bool
    return_reason: str
    content: AnnualReportContentOut
    missing_fields: list[str]
    inspection: ReportInspectionOut | None
