"""Request bodies of the social_orgs API (msgspec Structs; responses are plain mappings)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

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


class DecisionIn(msgspec.Struct):
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
