"""Request bodies of the funeral API (msgspec: a wrong type or an over-long text is a 400)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

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


class PolicyIn(msgspec.Struct, kw_only=True):
    items: Annotated[list[PolicyItemIn], Meta(max_length=30)]
    eligible_categories: Annotated[list[Text32], Meta(max_length=10)]
    all_local_residents: bool = True
    local_divisions: Annotated[list[str], Meta(max_length=50)] | None = None
    excluded_categories: Annotated[list[Text32], Meta(max_length=10)] = []
    total_cap_fen: int | None = None
    effective_from: dt.date | None = None
