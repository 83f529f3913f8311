"""What deciding a waiver needs: who died, the registry's facts, the pure rules, and the guards
that recording, previewing and correcting share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.identity import birth_date_of
from core.people.records import PersonRecord
from core.people.service import (
    find_person,
    roster_entries,
    valid_division,
    valid_id_number,
)
from core.refusals import Refusal
from plugins.funeral.rules import (
    EXCLUDABLE_CATEGORIES,
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
        raise Refusal(
            "AMBIGUOUS_DECEASED",
            zh="身份证号码与无名遗体证明编号只能填写一项",
            en=("give either id_number or unidentified_police_certificate_no, not both"),
        )
    if certificate:
        return Deceased(None, certificate, data.died_on)
    number = valid_id_number(raw)
    if data.died_on < birth_date_of(number):
        raise Refusal(
            "DIED_BEFORE_BIRTH", zh="死亡日期早于出生日期", en="date of death before date of birth"
        )
    return Deceased(number, None, data.died_on)


def claimed_items(items: list[ItemIn]) -> list[tuple[str, int, int]]:
    for item in items:
        if not (0 <= item.fee_fen <= MAX_FEE_FEN and 1 <= item.units <= MAX_UNITS):
            raise Refusal(
                "INVALID_AMOUNT",
                zh=f"{item.code}: 费用须在0至{MAX_FEE_FEN}分之间，数量1至{MAX_UNITS}",
                en=f"fee_fen 0..{MAX_FEE_FEN}, units 1..{MAX_UNITS}",
            )
    return [(item.code, item.fee_fen, item.units) for item in items]


@dataclass(frozen=True)
class Facts:
    """What the decision needs to know about the deceased: the registry's facts and the hukou
    and categories the clerk stated."""

    person: PersonRecord | None
    entries: list[tuple[str, dt.date, dt.date | None]]
    hukou_division: str | None
    declared_categories: tuple[str, ...] = ()


def declared_categories_of(data: DeceasedIn) -> tuple[str, ...]:
    unknown = [c for c in data.declared_categories if c not in EXCLUDABLE_CATEGORIES]
    if unknown:
        raise Refusal(
            "INVALID_CATEGORY",
            zh="未知的人员类别",
            en=(
                f"unknown declared_categories: {', '.join(unknown)} "
                f"(known: {', '.join(EXCLUDABLE_CATEGORIES)})"
            ),
        )
    return tuple(dict.fromkeys(data.declared_categories))


async def facts_of(
    deceased: Deceased, hukou_division: str | None, declared: tuple[str, ...] = ()
) -> Facts:
    """The registry's facts. The hukou is the one the registry records, or the one stated when
    the registry has none; a stated hukou that contradicts the registry is refused
    (``HUKOU_MISMATCH``): the registry is corrected first (``PATCH /people``), so the waiver and
    every other service agree on where the person lived."""
    if deceased.id_number is None:
        return Facts(None, [], hukou_division, declared)
    person = await find_person(deceased.id_number)
    entries = [
        (e.category, e.valid_from, e.valid_to) for e in await roster_entries(deceased.id_number)
    ]
    recorded = person.hukou_division if person else None
    if recorded and hukou_division and recorded != hukou_division:
        raise Refusal(
            "HUKOU_MISMATCH",
            zh=f"户籍地与人员信息库记录（{recorded}）不一致，请先更正人员信息",
            en=(
                f"hukou_division differs from the registry ({recorded}); correct the registry first"
            ),
            extra={"registry_hukou_division": recorded},
        )
    return Facts(person, entries, recorded or hukou_division, declared)


def decide(
    stored: StoredPolicy, deceased: Deceased, facts: Facts, items: list, today: dt.date
) -> WaiverDecision:
    return decide_waiver(
        stored.policy,
        died_on=deceased.died_on,
        today=today,
        roster_entries=facts.entries,
        hukou_division=facts.hukou_division,
        unidentified_police_certified=deceased.certificate_no is not None,
        items=items,
        declared_categories=facts.declared_categories,
    )


def hukou_required() -> Refusal:
    return Refusal(
        "HUKOU_DIVISION_REQUIRED",
        zh="本地户籍居民均可减免：请填写逝者户籍所在地行政区划代码",
        en=("every local resident is eligible: give deceased.hukou_division"),
    )


async def active_waiver(deceased: Deceased) -> dict[str, Any] | None:
    query = FuneralWaiver.select(
        FuneralWaiver.id, FuneralWaiver.recorded_on, FuneralWaiver.status
    ).where(FuneralWaiver.voided_on.is_null())
    if deceased.id_number:
        query = query.where(FuneralWaiver.id_number == deceased.id_number)
    else:
        query = query.where(FuneralWaiver.police_certificate_no == deceased.certificate_no)
    return await query.first()


def duplicate(waiver_id: int | None) -> Refusal:
    return Refusal(
        "DUPLICATE_WAIVER",
        zh="该逝者已有减免记录",
        en="a waiver for this deceased already exists",
        extra={"waiver_id": waiver_id} if waiver_id else None,
        kind="conflict",
    )


async def ensure_month_open(today: dt.date) -> None:
    """A confirmed settlement is final: nothing may be dated into its month any more."""
    if await FuneralSettlement.exists().where(FuneralSettlement.month == month_of(today)):
        raise Refusal(
            "MONTH_SETTLED",
            zh=f"{month_of(today)} 已结算，不能再登记或作废",
            en="month already settled",
            kind="conflict",
        )


def division_of(value: str | None) -> str | None:
    return valid_division(value, "hukou_division") if value else None


def required_text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise Refusal(
            "BAD_REQUEST", zh=f"{field} 不能为空", en=f"{field} is required", kind="bad_request"
        )
    return text
