"""Registry endpoints: register, directory, public profile, organization accounts."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import Parameter

from core.pagination import page_params

from ..schemas import NewOrgAccount, NewOrganization
from ..services import registry

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
async def register(data: NewOrganization) -> dict[str, Any]:
    return await registry.register_org(
        uscc=data.uscc,
        name=data.name,
        kind=data.kind,
        registered_on=data.registered_on,
        legal_representative=data.legal_representative,
        staff_count=data.staff_count,
        contact_phone=data.contact_phone,
    )


@get("/", opt=PUBLIC, tags=TAGS, summary="Public directory of organizations")
async def directory(
    q: str | None = Parameter(default=None, max_length=100),
    kind: str | None = Parameter(default=None, max_length=16),
    status: str | None = Parameter(default=None, max_length=16),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> dict[str, Any]:
    return await registry.directory(page_params(limit, offset), q, kind, status)


@get("/{uscc:str}", opt=PUBLIC, tags=TAGS, summary="Public profile of an organization")
async def profile(uscc: str) -> dict[str, Any]:
    return await registry.profile(uscc)


@post(
    "/{uscc:str}/accounts",
    opt=REGISTER,
    status_code=201,
    tags=TAGS,
    summary="Create the organization's account",
)
async def create_account(uscc: str, data: NewOrgAccount) -> dict[str, Any]:
    return await registry.create_account(uscc, data.username, data.password)


ROUTES = [register, directory, profile, create_account]
