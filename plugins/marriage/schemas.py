"""Request bodies of the marriage API (msgspec; wrong types answer 400 ``BAD_REQUEST``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec


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
    service: Literal["marriage", "divorce", "reissue"]
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
