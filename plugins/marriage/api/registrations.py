"""Registrations, divorce applications, reissues, certificates and the status query."""

from __future__ import annotations

import re

from litestar import Request, Response, get, post

from core.auth.guards import PERSON_DATA, require_user
from core.people.service import valid_id_number
from core.schemas import to_out
from plugins.marriage.schemas import (
    DivorceApplicationIn,
    DivorceApplicationOut,
    DivorceRegisteredOut,
    DivorceWithdrawnOut,
    MaritalStatusOut,
    PartyIn,
    RegisteredOut,
    RegistrationIn,
    RegistrationOut,
    ReissuedOut,
    ReissueIn,
    WithdrawIn,
)
from plugins.marriage.services import divorce
from plugins.marriage.services.records import status_of
from plugins.marriage.services.registration import (
    PartyInput,
    register_marriage,
)
from plugins.marriage.services.registration import read_registration as registration_record
from plugins.marriage.services.reissue import pdf_for, reissue

REGISTER = {"permission": "marriage.register"}
# Creates: a retry with the same Idempotency-Key replays the first answer (core.idempotency).
REGISTER_ONCE = {**REGISTER, "idempotent": True}


def _filename(certificate_no: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", certificate_no)[:40] or "certificate"


TAGS = ["marriage"]


def party(data: PartyIn) -> PartyInput:
    return PartyInput(
        data.id_number, data.name, data.hukou_division, data.residence_permit_division
    )


@post("/registrations", opt=REGISTER_ONCE, status_code=201, tags=TAGS)
async def create_registration(request: Request, data: RegistrationIn) -> RegisteredOut:
    registered = await register_marriage(
        require_user(request),
        office_code=data.office_code,
        party_a=party(data.party_a),
        party_b=party(data.party_b),
        appointment_code=data.appointment_code,
        kinship_declaration_signed=data.kinship_declaration_signed,
    )
    return to_out(RegisteredOut, registered)


@get("/registrations/{registration_id:int}", opt=REGISTER, tags=TAGS)
async def read_registration(request: Request, registration_id: int) -> RegistrationOut:
    return to_out(
        RegistrationOut, await registration_record(require_user(request), registration_id)
    )


@post("/divorce-applications", opt=REGISTER_ONCE, status_code=201, tags=TAGS)
async def apply_divorce(request: Request, data: DivorceApplicationIn) -> DivorceApplicationOut:
    applied = await divorce.apply(
        require_user(request),
        marriage_certificate_no=data.marriage_certificate_no,
        office_code=data.office_code,
    )
    return to_out(DivorceApplicationOut, applied)


@get("/divorce-applications/{application_id:int}", opt=REGISTER, tags=TAGS)
async def read_divorce_application(request: Request, application_id: int) -> DivorceApplicationOut:
    application = await divorce.read_application(require_user(request), application_id)
    return to_out(DivorceApplicationOut, application)


@post(
    "/divorce-applications/{application_id:int}/withdraw",
    opt=REGISTER,
    status_code=200,
    tags=TAGS,
)
async def withdraw_divorce(
    request: Request, application_id: int, data: WithdrawIn
) -> DivorceWithdrawnOut:
    withdrawn = await divorce.withdraw(require_user(request), application_id, data.id_number)
    return to_out(DivorceWithdrawnOut, withdrawn)


@post(
    "/divorce-applications/{application_id:int}/register",
    opt=REGISTER_ONCE,
    status_code=201,
    tags=TAGS,
)
async def register_divorce(request: Request, application_id: int) -> DivorceRegisteredOut:
    registered = await divorce.register(require_user(request), application_id)
    return to_out(DivorceRegisteredOut, registered)


@post("/reissues", opt=REGISTER_ONCE, status_code=201, tags=TAGS)
async def create_reissue(request: Request, data: ReissueIn) -> ReissuedOut:
    reissued = await reissue(require_user(request), data.certificate_no, data.id_number)
    return to_out(ReissuedOut, reissued)


@get(
    "/certificates/{certificate_no:str}/pdf",
    opt={"auth": True, PERSON_DATA: True},
    tags=TAGS,
    media_type="application/pdf",
)
async def certificate_pdf(request: Request, certificate_no: str) -> Response[bytes]:
    pdf = await pdf_for(require_user(request), certificate_no)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{_filename(certificate_no)}.pdf"'},
    )


@get("/status/{id_number:str}", opt={"permission": "marriage.status.read"}, tags=TAGS)
async def marital_status(id_number: str) -> MaritalStatusOut:
    return to_out(MaritalStatusOut, await status_of(valid_id_number(id_number)))


ROUTES = [
    create_registration,
    read_registration,
    apply_divorce,
    read_divorce_application,
    withdraw_divorce,
    register_divorce,
    create_reissue,
    certificate_pdf,
    marital_status,
]
