"""The person registry and the social-assistance roster over HTTP."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from core import audit
from core.api.schemas import (
    DeathRevocationIn,
    PersonOut,
    PersonPatchIn,
    RosterImportOut,
    RosterUploadIn,
)
from core.clock import today
from core.db import write_transaction
from core.identity import mask_id_number
from core.people.roster import import_roster
from core.people.service import (
    get_person,
    move_hukou,
    record_death,
    revoke_death,
    roster_entries,
    valid_division,
    valid_id_number,
)
from core.refusals import Refusal
from core.schemas import to_out
from core.settings import get_settings
from core.web.bodies import UPLOAD_CEILING


async def person_body(id_number: str) -> dict[str, Any]:
    person = await get_person(id_number)
    entries = await roster_entries(id_number)
    return {
        "id_number": person.id_number,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "hukou_division": person.hukou_division,
        "residence_permit_division": person.residence_permit_division,
        "marital_status": person.marital_status,
        "deceased_on": person.deceased_on,
        "assistance": [
            {"category": e.category, "valid_from": e.valid_from, "valid_to": e.valid_to}
            for e in entries
        ],
    }


async def open_person(number: str) -> dict[str, Any]:
    """The full record, its reading written to the audit log (the API and the search page)."""
    body = await person_body(number)
    await audit.record(
        "core.person.read",
        entity="person",
        entity_id=mask_id_number(number),
        summary=f"查看个人完整信息 {mask_id_number(number)}",
    )
    return body


@get("/people/{id_number:str}", opt={"permission": "core.people.read"}, tags=["people"])
async def read_person(id_number: str) -> PersonOut:
    return to_out(PersonOut, await open_person(valid_id_number(id_number)))


@patch("/people/{id_number:str}", opt={"permission": "core.people.write"}, tags=["people"])
async def update_person(id_number: str, data: PersonPatchIn) -> PersonOut:
    number = valid_id_number(id_number)
    if data.hukou_division is None and data.deceased_on is None:
        raise Refusal(
            "BAD_REQUEST",
            zh="没有要修改的内容",
            en="Nothing to change",
            kind="bad_request",
            english_first=True,
        )
    division = (
        valid_division(data.hukou_division, "hukou_division")
        if data.hukou_division is not None
        else None
    )
    async with write_transaction():  # both changes, and every plugin's reaction, or none
        await get_person(number)
        if division is not None:
            await move_hukou(number, division, await today())
        if data.deceased_on is not None:
            await record_death(number, data.deceased_on, source="clerk")
    return to_out(PersonOut, await person_body(number))


@post(
    "/people/{id_number:str}/death/revoke",
    opt={"permission": "core.people.death.revoke"},
    status_code=200,
    tags=["people"],
    summary="Revoke a death recorded in error",
)
async def revoke_person_death(id_number: str, data: DeathRevocationIn) -> PersonOut:
    """死亡登记更正: the person is alive again and every enabled plugin undoes its reaction to the
    death, in one transaction. 422 ``NOT_DECEASED``, ``REASON_REQUIRED``."""
    number = valid_id_number(id_number)
    await revoke_death(number, data.reason)
    return to_out(PersonOut, await person_body(number))


@post(
    "/rosters/import",
    opt={"permission": "core.roster.import", "body_limit": "roster_max_bytes"},
    request_max_body_size=UPLOAD_CEILING,
    tags=["people"],
)
async def upload_roster(
    request: Request,
    data: RosterUploadIn = Body(media_type=RequestEncodingType.MULTI_PART),
) -> RosterImportOut:
    """422 ``NO_VALID_ROWS`` (with the rejections) when no row can be imported; 413
    ``FILE_TOO_LARGE``, 422 ``TOO_MANY_ROWS``, ``INVALID_FILE`` for files beyond the limits."""
    limit = get_settings().roster_max_bytes
    content = await data.file.read(limit + 1)
    if len(content) > limit:
        raise Refusal(
            "FILE_TOO_LARGE",
            zh="名册文件过大",
            en=f"Roster file over {limit} bytes",
            kind="payload_too_large",
            english_first=True,
        )
    result = await import_roster(content, data.file.filename or "roster.csv")
    return to_out(RosterImportOut, result)


ROUTES = [read_person, update_person, revoke_person_death, upload_roster]
