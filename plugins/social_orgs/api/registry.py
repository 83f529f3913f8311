"""Registry endpoints: register, directory, public profile, organization accounts."""

from __future__ import annotations

from litestar import get, post, put
from litestar.params import Parameter

from core.pagination import page_params
from core.schemas import to_out
from plugins.social_orgs.schemas import (
    LegalRepresentativeIn,
    OrgAccountIn,
    OrgAccountOut,
    OrganizationIn,
    OrgDirectoryOut,
    OrgProfileOut,
)
from plugins.social_orgs.services import registry, tasks

TAGS = ["social organizations"]
PUBLIC = {"public": True}
REGISTER = {"permission": "social_orgs.register"}


@post(
    "/",
    opt={**REGISTER, "idempotent": True},
    status_code=201,
    tags=TAGS,
    summary="Register an organization",
)
async def register(data: OrganizationIn) -> OrgProfileOut:
    body = await registry.register_org(
        uscc=data.uscc,
        name=data.name,
        kind=data.kind,
        registered_on=data.registered_on,
        legal_representative=data.legal_representative,
        staff_count=data.staff_count,
        contact_phone=data.contact_phone,
        legal_representative_id_number=data.legal_representative_id_number,
    )
    return to_out(OrgProfileOut, body)


@get("/", opt=PUBLIC, tags=TAGS, summary="Public directory of organizations")
async def directory(
    q: str | None = Parameter(default=None, max_length=100),
    kind: str | None = Parameter(default=None, max_length=16),
    status: str | None = Parameter(default=None, max_length=16),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
    after: str | None = Parameter(default=None, max_length=18),
) -> OrgDirectoryOut:
    """By name then code. ``after``: the code of the last organization of the previous page
    (``next_after``), a keyset page instead of ``offset``. ``total`` is exact without a filter,
    at most 10,000 with one (``total_capped``)."""
    found = await registry.directory(page_params(limit, offset), q, kind, status, after)
    return to_out(OrgDirectoryOut, found)


@get("/{uscc:str}", opt=PUBLIC, tags=TAGS, summary="Public profile of an organization")
async def profile(uscc: str) -> OrgProfileOut:
    return to_out(OrgProfileOut, await registry.profile(uscc))


@post(
    "/{uscc:str}/accounts",
    opt=REGISTER,
    status_code=201,
    tags=TAGS,
    summary="Create the organization's account",
)
async def create_account(uscc: str, data: OrgAccountIn) -> OrgAccountOut:
    return to_out(OrgAccountOut, await registry.create_account(uscc, data.username, data.password))


@put(
    "/{uscc:str}/legal-representative",
    opt=REGISTER,
    tags=TAGS,
    summary="Record a change of legal representative",
)
async def change_legal_representative(uscc: str, data: LegalRepresentativeIn) -> OrgProfileOut:
    """变更登记: → 200 the public profile with ``open_tasks``; open ``legal_representative_change``
    tasks of the organization close. 422 ``INVALID_LEGAL_REPRESENTATIVE``, ``INVALID_ID_NUMBER``,
    ``DECEASED``, ``ORG_DEREGISTERED``; 404 for an unknown code."""
    await tasks.change_representative(
        uscc, data.legal_representative, data.legal_representative_id_number
    )
    body = await registry.profile(uscc)
    return to_out(OrgProfileOut, {**body, "open_tasks": await tasks.open_tasks_of(body["uscc"])})


ROUTES = [register, directory, profile, create_account, change_legal_representative]
