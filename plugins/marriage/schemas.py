"""Request (``*In``; wrong types answer 400 ``BAD_REQUEST``) and response (``*Out``) bodies of
the marriage API (API.md "Marriage"; the rules in docs/PLUGINS.md, "Answers")."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from core.schemas import UNSET, Out, UnsetType

Service = Literal["marriage", "divorce", "reissue"]


class OfficeIn(msgspec.Struct):
    code: str
    name: str
    division_code: str
    address: str | None = None
    opening_hours: str | None = None
    phone: str | None = None
    directions: str | None = None


class OfficeDetailsIn(msgspec.Struct):
    address: str | None = None
    opening_hours: str | None = None
    phone: str | None = None
    directions: str | None = None


class SlotPatternIn(msgspec.Struct):
    start: str
    end: str
    capacity: int


class ScheduleIn(msgspec.Struct):
    slots: list[SlotPatternIn]
    open_dates: list[dt.date] = msgspec.field(default_factory=list)
    closed_dates: list[dt.date] = msgspec.field(default_factory=list)
    horizon_days: int = 30


class PersonIn(msgspec.Struct):
    id_number: str
    name: str


class AppointmentIn(msgspec.Struct):
    slot_id: int
    service: Service
    partner: PersonIn | None = None
    """Required for marriage and divorce; a reissue may be booked by one person."""


class PartyIn(msgspec.Struct):
    id_number: str
    name: str
    hukou_division: str
    residence_permit_division: str | None = None


class RegistrationIn(msgspec.Struct):
    kind: Literal["marriage"]
    office_code: str
    party_a: PartyIn
    party_b: PartyIn
    appointment_code: str | None = None
    kinship_declaration_signed: bool = True
    """Both parties signed the declaration of no prohibited kinship (the clerk attests it by
    registering; the workbench form asks for it explicitly). ``false`` is refused."""


class DivorceApplicationIn(msgspec.Struct):
    marriage_certificate_no: str
    office_code: str


class WithdrawIn(msgspec.Struct):
    id_number: str


class ReissueIn(msgspec.Struct):
    certificate_no: str
    id_number: str


class RebookIn(msgspec.Struct):
    slot_id: int


class MarriageTaskCloseIn(msgspec.Struct):
    note: str = ""


# -- answers ----------------------------------------------------------------------------------


class OfficeOut(Out):
    code: str
    name: str
    division_code: str
    province_code: str
    address: str
    opening_hours: str
    phone: str
    directions: str


class SlotPatternOut(Out):
    start: str
    end: str
    capacity: int


class StoredScheduleOut(Out):
    pattern: list[SlotPatternOut]
    open_dates: list[dt.date]
    closed_dates: list[dt.date]
    horizon_days: int
    updated_at: dt.datetime


class ScheduleWarningOut(Out):
    code: Literal["CALENDAR_PROVISIONAL", "BOOKED_SLOTS_KEPT"]
    detail: str
    year: int | UnsetType = UNSET
    """``CALENDAR_PROVISIONAL``: the year without an official holiday schedule."""
    count: int | UnsetType = UNSET
    """``BOOKED_SLOTS_KEPT``: booked slots the new pattern no longer has (kept, closed)."""


class ScheduleOut(Out):
    office: str
    schedule: StoredScheduleOut | None
    """None until the admin saves one."""
    warnings: list[ScheduleWarningOut]


class ScheduleSavedOut(Out):
    office: str
    from_: dt.date = msgspec.field(name="from")
    to: dt.date
    horizon_days: int
    open_days: int
    slots: int
    kept_booked_slots: int
    warnings: list[ScheduleWarningOut]


class SlotOut(Out):
    id: int
    office: str
    date: dt.date
    start: str
    end: str
    capacity: int
    remaining: int


class BookingOut(Out):
    code: str
    slot_id: int
    service: Service
    status: str
    office: str
    date: dt.date
    start: str
    end: str


class RebookingOut(BookingOut):
    rebooked_from: str
    """The code of the appointment cancelled by the holiday schedule."""


class AppointmentPersonOut(Out):
    id_number: str
    name: str


class AppointmentOut(BookingOut):
    booker: AppointmentPersonOut
    partner: AppointmentPersonOut | None
    """Masked for the booker, in full for the office's clerks."""
    created_at: dt.datetime
    rebook_until: dt.date | None


class AppointmentStatusOut(Out):
    code: str
    status: str


class BookingBlockOut(Out):
    id_number: str
    name: str
    no_shows: int
    blocked_until: dt.date


class BlockLiftedOut(Out):
    id_number: str
    blocked_until: None
    lifted_on: dt.date


class RegisteredOut(Out):
    id: int
    kind: Literal["marriage"]
    certificate_no: str
    cross_province: bool
    registered_on: dt.date
    verify_url: str


class RegistrationPartyOut(Out):
    id_number: str
    name: str


class RegistrationOut(Out):
    id: int
    kind: str
    office_code: str
    registered_on: dt.date
    certificate_no: str
    cross_province: bool
    appointment_code: str | None
    party_a: RegistrationPartyOut
    party_b: RegistrationPartyOut


class DivorceApplicationOut(Out):
    id: int
    status: str
    marriage_certificate_no: str
    office_code: str
    applied_on: dt.date
    cooling_off_ends: dt.date
    register_by: dt.date
    spouses: list[str]
    divorce_id: int | None
    provisional_calendar: bool


class DivorceWithdrawnOut(Out):
    id: int
    status: Literal["withdrawn"]


class DivorceRegisteredOut(Out):
    id: int
    certificate_no: str
    registered_on: dt.date
    verify_url: str


class ReissuedOut(Out):
    certificate_no: str
    verify_url: str
    replaces: str


class MaritalRecordOut(Out):
    kind: str
    on: dt.date
    spouse_id_number: str
    spouse_name: str
    registration_id: int | None
    certificate_no: str | None
    office: str | None


class MaritalStatusOut(Out):
    id_number: str
    name: str | None
    marital_status: Literal["unmarried", "married", "divorced", "widowed"]
    deceased_on: dt.date | None
    records: list[MaritalRecordOut]


class MarriageTaskOut(Out):
    id: int
    kind: str
    id_number: str
    name: str
    other_id_number: str
    other_name: str
    opened_on: dt.date
    reason: str
    status: str
    closed_on: dt.date | None
    closed_by: str | None
    close_note: str
