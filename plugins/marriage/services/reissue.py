"""Reissuing a certificate (补领) and who may download a certificate's PDF."""

from __future__ import annotations

from typing import Any

from core import audit
from core.auth.identity import CurrentUser
from core.certificates.service import (
    certificate_pdf,
    get_certificate,
    issue_certificate,
    void_certificate,
)
from core.clock import today as clock_today
from core.db import write_transaction
from core.identity import mask_id_number
from core.people.service import valid_id_number
from core.refusals import Refusal
from plugins.marriage.certificates import STANDARD_REMARKS
from plugins.marriage.rules import (
    REISSUE_PREFIX,
    InvalidCertificateNo,
    parse_certificate_no,
    reissue_refusal,
)
from plugins.marriage.services.offices import get_office
from plugins.marriage.services.records import lock_people, records_of
from plugins.marriage.services.registration import registration_for_certificate
from plugins.marriage.services.scope import in_office_scope
from plugins.marriage.tables import Registration, Reissue

PRINT = "marriage.certificates.print"


async def reissue(user: CurrentUser, certificate_no: str, id_number: str) -> dict[str, Any]:
    """A new ``BJ``/``BL`` number at the clerk's office; the old number is voided."""
    if not user.office_code:
        raise Refusal.forbidden(
            zh="只能在本人所属登记处办理", en="A clerk acts only at their own office"
        )
    office = await get_office(user.office_code)
    try:
        old = parse_certificate_no(certificate_no)
    except InvalidCertificateNo:
        raise Refusal.not_found(zh="查无此证书", en="No such certificate") from None
    registration = await registration_for_certificate(str(old))
    number = valid_id_number(id_number)
    if number not in (registration["party_a_id"], registration["party_b_id"]):
        raise Refusal(
            "NOT_A_PARTY",
            zh="只有持证人可以申请补领",
            en="Only a holder may ask for a reissue",
            english_first=True,
        )
    today = await clock_today()
    async with write_transaction():
        await lock_people(number)
        refusal = reissue_refusal(old.prefix, registration["id"], await records_of(number))
        if refusal is not None:
            raise refusal
        current = await get_certificate(str(old))
        if current["status"] != "valid":
            raise Refusal(
                "CERTIFICATE_VOID",
                zh=f"该证号已作废，现行证号 {current['replaced_by']}",
                en=f"This number was replaced by {current['replaced_by']}",
                extra={"replaced_by": current["replaced_by"]},
                english_first=True,
            )
        content = dict(current["content"])
        content["remarks"] = f"补发，原证号 {old} 作废。{STANDARD_REMARKS[current['kind']]}"
        content["issuer"] = office["name"]
        issued = await issue_certificate(
            prefix=REISSUE_PREFIX[old.prefix],
            division=office["division_code"],
            kind=current["kind"],
            plugin="marriage",
            title=current["title"],
            issued_on=today,
            holder_names=list(current["holder_names"]),
            holder_ids=list(current["holder_ids"]),
            content=content,
        )
        await void_certificate(str(old), f"补领换发 {issued.number}", replaced_by=issued.number)
        await Reissue.insert(
            Reissue(
                registration_id=registration["id"],
                old_no=str(old),
                new_no=issued.number,
                id_number=number,
                office_code=office["code"],
                reissued_on=today,
            )
        )
        await audit.record(
            "marriage.certificate.reissued",
            entity="certificate",
            entity_id=issued.number,
            summary=f"补领 {old} → {issued.number}（{mask_id_number(number)}）",
        )
    return {"certificate_no": issued.number, "verify_url": issued.verify_url, "replaces": str(old)}


async def issuing_office(number: str) -> str | None:
    """The office that issued a certificate: its registration's, or the reissuing office's."""
    reissued = await Reissue.select(Reissue.office_code).where(Reissue.new_no == number).first()
    if reissued is not None:
        return reissued["office_code"]
    row = (
        await Registration.select(Registration.office_code)
        .where(Registration.certificate_no == number)
        .first()
    )
    return row["office_code"] if row else None


async def pdf_for(user: CurrentUser, number: str) -> bytes:
    """The PDF for a clerk, or for a holder signed in as a citizen; anyone else 404."""
    row = await get_certificate(number.strip().upper())  # 404 as for anyone else
    holder = user.kind == "citizen" and user.username in row["holder_ids"]
    clerk = user.has(PRINT) and in_office_scope(user, await issuing_office(row["number"]))
    if row["plugin"] != "marriage" or not (clerk or holder):
        raise Refusal.not_found(zh="查无此证书", en="No such certificate")
    pdf = await certificate_pdf(row["number"])
    await audit.record(
        "marriage.certificate.downloaded",
        entity="certificate",
        entity_id=row["number"],
        summary=f"下载证书 {row['number']}",
    )
    return pdf
