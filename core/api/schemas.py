"""Request (``*In``) and response (``*Out``) bodies of the core API (API.md "Core"); the rules
for both are in docs/PLUGINS.md, "Answers: typed response Structs"."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar.datastructures import UploadFile

from core.schemas import UNSET, OptionalNumber, Out, UnsetType

# -- auth, sign-up and the caller ---------------------------------------------------------------


class TokenIn(msgspec.Struct):
    username: str
    password: str


class TokenUserOut(Out):
    username: str
    roles: list[str]


class TokenOut(Out):
    token: str
    expires_at: dt.datetime
    user: TokenUserOut


class MeOut(Out):
    username: str
    roles: list[str]
    kind: str
    display_name: str
    office_code: str | None
    org_uscc: str | None
    permissions: list[str]
    verification: str | UnsetType = UNSET
    """Citizens only: ``unverified``, ``phone`` or ``identity``."""


class CitizenSignUpIn(msgspec.Struct):
    id_number: str
    name: str
    password: str
    phone: str = ""


class CitizenOut(Out):
    username: str
    verification: str


class PhoneCodeIn(msgspec.Struct):
    code: str


class VerificationOut(Out):
    verification: str


class IdentitySeenIn(msgspec.Struct):
    phone: str
    name: str | None = None
    """Only needed when the person is not in the registry yet (then: the name on the card)."""


class IdentityVerifiedOut(Out):
    verification: str
    activation_code: str


class ActivationIn(msgspec.Struct):
    id_number: str
    activation_code: str
    password: str


class ResetRequestIn(msgspec.Struct):
    id_number: str


class SentOut(Out):
    sent: bool
    """Always true (for a password reset: whether the number has an account with a confirmed
    phone is not told)."""


class ResetConfirmIn(msgspec.Struct):
    id_number: str
    code: str
    password: str


class ResetOut(Out):
    reset: bool


# -- administration ---------------------------------------------------------------------------


class StaffUserIn(msgspec.Struct):
    username: str
    password: str
    roles: list[str]
    office_code: str | None = None
    display_name: str = ""


class StaffUserOut(Out):
    id: int
    username: str
    roles: list[str]
    office_code: str | None
    active: bool


class AccountOut(Out):
    id: int
    username: str
    kind: str
    roles: list[str]
    office_code: str | None
    org_uscc: str | None
    active: bool
    display_name: str


class AccountSwitchIn(msgspec.Struct):
    active: bool


class AccountSwitchOut(Out):
    id: int
    active: bool


class PluginOut(Out):
    name: str
    title: str
    title_en: str
    version: str
    enabled: bool


class PluginSwitchIn(msgspec.Struct):
    enabled: bool


class AuditEventOut(Out):
    id: int
    seq: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    summary: str


class AuditPageOut(Out):
    items: list[AuditEventOut]
    total: int
    total_capped: bool
    """``total`` stopped counting at 10,000 matches."""
    next_after: int | None
    """The ``after`` of the next page (None on the last one)."""


class AuditVerifyOut(Out):
    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str


class NotificationOut(Out):
    id: int
    recipient: str
    channel: str
    subject: str
    body: str
    plugin: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


# -- people and the roster --------------------------------------------------------------------


class PersonPatchIn(msgspec.Struct):
    hukou_division: str | None = None
    deceased_on: dt.date | None = None


class DeathRevocationIn(msgspec.Struct):
    reason: str


class RosterUploadIn(msgspec.Struct):
    file: UploadFile


class AssistanceOut(Out):
    category: str
    valid_from: dt.date
    valid_to: dt.date | None


class PersonOut(Out):
    id_number: str
    name: str
    sex: str
    birth_date: dt.date
    hukou_division: str | None
    residence_permit_division: str | None
    marital_status: str
    deceased_on: dt.date | None
    assistance: list[AssistanceOut]


class RosterRejectionOut(Out):
    row: int
    code: str


class RosterImportOut(Out):
    imported: int
    updated: int
    rejected: list[RosterRejectionOut]


# -- calendar, indicators, search, certificates -----------------------------------------------


class CalendarDayOut(Out):
    date: dt.date
    kind: Literal["holiday", "workday"]
    name: str


class CalendarOut(Out):
    year: int
    source: Literal["official", "statutory"]
    provisional: bool
    days: list[CalendarDayOut]


class CalendarMoveOut(Out):
    plugin: str
    entity: str
    entity_id: str
    what: str
    told: dt.date
    moved_to: dt.date | None
    cancelled: bool
    person: str


class CalendarEnteredOut(CalendarOut):
    moves: list[CalendarMoveOut]
    """Dates already told to people that this schedule moves (or cancels)."""


SERIES = {
    "extra": {
        "items": {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": ["number", "null"]}],
            "minItems": 2,
            "maxItems": 2,
        }
    }
}
"""The schema of a chart series said outright: the points' numbers as ``number`` (see
``core.schemas.Number``)."""


class IndicatorOut(Out):
    plan: str | None
    plan_years: list[int] | None
    key: str
    name: str
    name_en: str
    unit: str
    value: OptionalNumber
    target: OptionalNumber
    comparison: Literal[">=", "<=", "none"]
    met: bool | None
    plugin: str
    definition: str
    series: Annotated[list[tuple[str, int | float | None]], msgspec.Meta(extra_json_schema=SERIES)]
    """Chart points ``[label, value]`` (value null for a period without data)."""
    computed_at: dt.datetime | None
    """When the figures were counted: after a change they may be up to
    ``MINZHENG_INDICATOR_STALENESS_SECONDS`` old while they are counted again."""


class SearchResultOut(Out):
    kind: str
    title: str
    subtitle: str
    href: str
    plugin: str


class SearchOut(Out):
    query: str
    items: list[SearchResultOut]


class CertificateCheckOut(Out):
    valid: bool
    kind: str | None
    issued_on: dt.date | None
    holder_names_masked: list[str]
    certificate_no: str
    title: str | None


# -- the test clock and outbox (MINZHENG_ENV=test only) ---------------------------------------


class ClockIn(msgspec.Struct):
    today: dt.date


class ClockOut(Out):
    today: dt.date


class OutboxMessageOut(Out):
    channel: str
    recipient: str
    subject: str
    body: str
    queued_at: dt.datetime
