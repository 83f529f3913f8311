"""Marriage registration (结婚登记) by a clerk at their own office, from an appointment or walk-in.

Everything happens in one write transaction: both people's rows are locked, the rules decide
on their records as of the registration date, the certificate number is drawn from the gapless
counter, and the marital records and statuses change together.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from core import audit
from core.auth.identity import CurrentUser
from core.clock import today as clock_today
from core.db import fetch_one, write_transaction
from core.identity import mask_id_number
from core.people.service import ensure_people_locked, valid_division, valid_id_number
from core.refusals import Refusal
from plugins.marriage.certificates import issue_registration_certificate
from plugins.marriage.rules import Party, is_cross_province, registration_refusal
from plugins.marriage.services.booking import complete, normalize_code
from plugins.marriage.services.offices import get_office
from plugins.marriage.services.records import add_couple_records, deaths_and_records
from plugins.marriage.services.scope import audit_full_read, in_office_scope
from plugins.marriage.tables import Appointment, Registration, Reissue

INSERT_REGISTRATION = (
    "INSERT INTO marriage_registration (kind, office_code, registry_division, registered_on, "
    "certificate_no, party_a_id, party_a_name, party_a_hukou, party_a_permit, party_b_id, "
    "party_b_name, party_b_hukou, party_b_permit, cross_province, kinship_declaration_signed, "
    "appointment_code, clerk, created_at) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id"
)


@dataclass(frozen=True)
class PartyInput:
    id_number: str
    name: str
    hukou_division: str
    residence_permit_division: str | None = None


def clean_party(raw: PartyInput, label: str, on: dt.date | None = None) -> PartyInput:
    """Normalized numbers and checked divisions, or 422 (``INVALID_ID_NUMBER`` …)."""
    name = (raw.name or "").strip()
    if not name or len(name) > 64:
        raise Refusal(
            "INVALID_NAME", zh="请填写姓名", en=f"{label}: name is required", english_first=True
        )
    permit = raw.residence_permit_division or None
    return PartyInput(
        valid_id_number(raw.id_number, on),
        name,
        valid_division(raw.hukou_division, f"{label}.hukou_division"),
        valid_division(permit, f"{label}.residence_permit_division") if permit else None,
    )


async def own_office(user: CurrentUser, office_code: str) -> dict[str, Any]:
    """A clerk acts only at the office their account is bound to (403 otherwise)."""
    if not office_code or user.office_code != office_code:
        raise Refusal.forbidden(
            zh="只能在本人所属登记处办理", en="A clerk acts only at their own office"
        )
    return await get_office(office_code)


async def _appointment_for(code: str, office_code: str, ids: set[str]) -> str:
    row = await Appointment.select().where(Appointment.code == normalize_code(code)).first()
    if row is None or row["office_code"] != office_code:  # another office's: 404, not probed
        raise Refusal.not_found(zh="无此预约", en="No such appointment")
    booked = {row["booker_id_number"], row["partner_id_number"]}
    if (
        row["service"] != "marriage"
        or row["status"] not in ("booked", "checked_in")
        or booked != ids
    ):
        raise Refusal(
            "APPOINTMENT_MISMATCH",
            zh="该预约与本次登记的当事人、登记处或业务不符",
            en="The appointment is not an open marriage booking of these two people at this office",
            english_first=True,
        )
    return row["code"]


async def _checked(
    office: dict[str, Any],
    day: dt.date,
    a: PartyInput,
    b: PartyInput,
    appointment_code: str | None,
    kinship_declaration_signed: bool,
) -> tuple[list[Party], str | None]:
    """The parties as the rule sees them and the appointment's code, or the registry's refusal
    (raised): what the registration decides before it writes anything."""
    facts = await deaths_and_records(a.id_number, b.id_number)
    parties = [
        Party(
            id_number=p.id_number,
            hukou_division=p.hukou_division,
            residence_permit_division=p.residence_permit_division,
            deceased_on=facts.get(p.id_number, (None, ()))[0],
            marital_records=facts.get(p.id_number, (None, ()))[1],
        )
        for p in (a, b)
    ]
    refusal = registration_refusal(parties[0], parties[1], office["division_code"], day)
    if refusal is not None:
        raise refusal
    if not kinship_declaration_signed:
        raise Refusal(
            "KINSHIP_DECLARATION_MISSING",
            zh="双方须签署无禁止结婚亲属关系声明",
            en="Both parties must sign the declaration of no prohibited kinship",
            english_first=True,
        )
    code = None
    if appointment_code:
        code = await _appointment_for(appointment_code, office["code"], {a.id_number, b.id_number})
    return parties, code


async def check_marriage(
    user: CurrentUser,
    *,
    office_code: str,
    party_a: PartyInput,
    party_b: PartyInput,
    appointment_code: str | None = None,
    kinship_declaration_signed: bool = True,
) -> None:
    """The refusal ``register_marriage`` would answer today, raised without writing anything, so
    the clerk is not asked to confirm a registration the registry must refuse. (The registration
    decides again under its locks.)"""
    office = await own_office(user, office_code)
    day = await clock_today()
    a, b = clean_party(party_a, "party_a", day), clean_party(party_b, "party_b", day)
    await _checked(office, day, a, b, appointment_code, kinship_declaration_signed)


async def register_marriage(
    user: CurrentUser,
    *,
    office_code: str,
    party_a: PartyInput,
    party_b: PartyInput,
    appointment_code: str | None = None,
    kinship_declaration_signed: bool = True,
    registered_on: dt.date | None = None,
) -> dict[str, Any]:
    office = await own_office(user, office_code)
    day = registered_on or await clock_today()
    a, b = clean_party(party_a, "party_a", day), clean_party(party_b, "party_b", day)
    async with write_transaction():
        # Both people found or created and locked in one statement (sent with the BEGIN on
        # PostgreSQL), then read with their records in one more, after the locks.
        await ensure_people_locked(
            [(p.id_number, p.name, p.hukou_division, p.residence_permit_division) for p in (a, b)]
        )
        parties, code = await _checked(
            office, day, a, b, appointment_code, kinship_declaration_signed
        )
        cross = is_cross_province(office["division_code"], parties)
        # numbered last (in the audit head's statement at COMMIT on PostgreSQL): the
        # counter's row is locked until COMMIT. Raw SQL: building Piccolo's insert took ~1 ms.
        row = await fetch_one(
            INSERT_REGISTRATION,
            "marriage",
            office_code,
            office["division_code"],
            day,
            f"~{uuid.uuid4().hex}",
            a.id_number,
            a.name,
            a.hukou_division,
            a.residence_permit_division,
            b.id_number,
            b.name,
            b.hukou_division,
            b.residence_permit_division,
            cross,
            True,
            code,
            user.username,
            dt.datetime.now(dt.UTC),
        )
        registration_id = row["id"]
        await add_couple_records(
            "married", day, [(parties[0], a.name), (parties[1], b.name)], registration_id
        )
        if code:
            await complete(code)
        issued = await issue_registration_certificate(
            "marriage",
            office,
            day,
            [(a.name, a.id_number), (b.name, b.id_number)],
            number_into=("marriage_registration", "certificate_no", registration_id),
            late=True,  # numbered with the audit head at COMMIT (PostgreSQL)
        )
        await audit.record(
            "marriage.registration.created",
            entity="registration",
            entity_id=registration_id,
            summary=lambda: (
                f"结婚登记 {issued.number}：{mask_id_number(a.id_number)} 与 "
                f"{mask_id_number(b.id_number)}{'（跨省）' if cross else ''}"
            ),
            details={"office": office_code, "appointment": code, "cross_province": cross},
        )
    return {
        "id": registration_id,
        "kind": "marriage",
        "certificate_no": issued.number,
        "cross_province": cross,
        "registered_on": day,
        "verify_url": issued.verify_url,
    }


async def registration_for_certificate(number: str) -> dict[str, Any]:
    """The registration behind an original or reissued certificate number (404 otherwise)."""
    number = number.strip().upper()
    row = await Registration.select().where(Registration.certificate_no == number).first()
    if row is None:
        reissue = (
            await Reissue.select(Reissue.registration_id).where(Reissue.new_no == number).first()
        )
        if reissue is not None:
            row = (
                await Registration.select()
                .where(Registration.id == reissue["registration_id"])
                .first()
            )
    if row is None:
        raise Refusal.not_found(zh="查无此证书", en="No such certificate")
    return row


async def scoped_registration(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """A registration of the clerk's own office; another office's answers 404 like none."""
    row = await Registration.select().where(Registration.id == registration_id).first()
    if row is None or not in_office_scope(user, row["office_code"]):
        raise Refusal.not_found(zh="无此登记记录", en="No such registration")
    return row


async def read_registration(user: CurrentUser, registration_id: int) -> dict[str, Any]:
    """A registration of the clerk's own office (others: 404), with the read audited."""
    row = await scoped_registration(user, registration_id)
    await audit_full_read("registration", row["id"], f"查看登记记录 {row['certificate_no']}")
    return registration_body(row)


def registration_body(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "office_code": row["office_code"],
        "registered_on": row["registered_on"],
        "certificate_no": row["certificate_no"],
        "cross_province": row["cross_province"],
        "appointment_code": row["appointment_code"],
        "party_a": {"id_number": row["party_a_id"], "name": row["party_a_name"]},
        "party_b": {"id_number": row["party_b_id"], "name": row["party_b_name"]},
    }
