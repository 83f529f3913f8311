"""What deciding a waiver needs: who died, the registry's facts, the pure rules, and the guards
that recording, previewing and correcting share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.errors import Conflict, DomainError
from core.identity import birth_date_of
from core.people.records import PersonRecord
from core.people.service import (
    find_person,
    roster_entries,
    valid_division,
    valid_id_number,
)
from core.settings import get_settings
from plugins.funeral.rules import (
    FuneralRuleError,
    Reason,
    WaiverDecision,
    decide_waiver,
    month_of,
)
from plugins.funeral.schemas import DeceasedIn, ItemIn
from plugins.funeral.services.policy import StoredPolicy
from plugins.funeral.tables import FuneralSettlement, FuneralWaiver

MAX_FEE_FEN = 10_000_000  # 100,000 yuan for one item: beyond any real fee, far inside BigInt
MAX_UNITS = 100


@dataclass(frozen=True)
class Deceased:
    """Who died: an identity number, or the police certificate of an unidentified body."""

    id_number: str | None
    certificate_no: str | None
    died_on: dt.date


@dataclass(frozen=True)
class Actor:
    username: str
    office_code: str | None = None


def deceased_of(data: DeceasedIn) -> Deceased:
    certificate = (data.unidentified_police_certificate_no or "").strip() or None
    raw = (data.id_number or "").strip()
    if certificate and raw:
        raise DomainError(
            "AMBIGUOUS_DECEASED",
            "身份证号码与无名遗体证明编号只能填写一项 / give either id_number or "
            "unidentified_police_certificate_no, not both",
        )
    if certificate:
        return Deceased(None, certificate, data.died_on)
    number = valid_id_number(raw)
    if data.died_on < birth_date_of(number):
        raise DomainError(
            "DIED_BEFORE_BIRTH", "死亡日期早于出生日期 / date of death before date of birth"
        )
    return Deceased(number, None, data.died_on)


def claimed_items(items: list[ItemIn]) -> list[tuple[str, int, int]]:
    for item in items:
        if not (0 <= item.fee_fen <= MAX_FEE_FEN and 1 <= item.units <= MAX_UNITS):
            raise DomainError(
                "INVALID_AMOUNT",
                f"{item.code}: 费用须在0至{MAX_FEE_FEN}分之间，数量1至{MAX_UNITS} / "
                f"fee_fen 0..{MAX_FEE_FEN}, units 1..{MAX_UNITS}",
            )
    return [(item.code, item.fee_fen, item.units) for item in items]


def rule_error(exc: FuneralRuleError) -> DomainError:
    return DomainError(exc.code, exc.detail)


def reason_body(reason: Reason) -> dict[str, str]:
    return {"code": reason.code, "zh": reason.zh, "en": reason.en}


@dataclass(frozen=True)
class Facts:
    """What the decision needs to know about the deceased, read from the registry."""

    person: PersonRecord | None
    entries: list[tuple[str, dt.date, dt.date | None]]
    is_local_resident: bool


async def facts_of(deceased: Deceased, hukou_division: str | None) -> Facts:
    if deceased.id_number is None:
        return Facts(None, [], False)
    person = await find_person(deceased.id_number)
    entries = [
        (e.category, e.valid_from, e.valid_to) for e in await roster_entries(deceased.id_number)
    ]
    division = (person.hukou_division if person else None) or hukou_division
    return Facts(person, entries, division == get_settings().district_division)


def decide(
    stored: StoredPolicy, deceased: Deceased, facts: Facts, items: list, today: dt.date
) -> WaiverDecision:
    try:
        return decide_waiver(
            stored.policy,
            died_on=deceased.died_on,
            today=today,
            roster_entries=facts.entries,
            is_local_resident=facts.is_local_resident,
            unidentified_police_certified=deceased.certificate_no is not None,
            items=items,
        )
    except FuneralRuleError as exc:
        raise rule_error(exc) from None


async def active_waiver(deceased: Deceased) -> dict[str, Any] | None:
    query = FuneralWaiver.select(
        FuneralWaiver.id, FuneralWaiver.recorded_on, FuneralWaiver.status
    ).where(FuneralWaiver.voided_on.is_null())
    if deceased.id_number:
        query = query.where(FuneralWaiver.id_number == deceased.id_number)
    else:
        query = query.where(FuneralWaiver.police_certificate_no == deceased.certificate_no)
    return await query.first()


def duplicate(waiver_id: int | None) -> Conflict:
    return Conflict(
        "DUPLICATE_WAIVER",
        "该逝者已有减免记录 / a waiver for this deceased already exists",
        extra={"waiver_id": waiver_id} if waiver_id else None,
    )


async def ensure_month_open(today: dt.date) -> None:
    """A confirmed settlement is final: nothing may be dated into its month any more."""
    if await FuneralSettlement.exists().where(FuneralSettlement.month == month_of(today)):
        raise Conflict(
            "MONTH_SETTLED",
            f"{month_of(today)} 已结算，不能再登记或作废 / month already settled",
        )


def division_of(value: str | None) -> str | None:
    return valid_division(value, "hukou_division") if value else None


def required_text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise DomainError("BAD_REQUEST", f"{field} 不能为空 / {field} is required", status_code=400)
    return text
