"""Oversight endpoints: the abnormal list, deregistration proposals, random spot checks."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import Parameter

from core.auth.guards import require_user
from core.clock import today
from core.pagination import Page, page_params
from core.schemas import to_out
from plugins.social_orgs.schemas import (
    AbnormalOrgOut,
    DeregistrationDecisionIn,
    DeregistrationDecisionOut,
    DeregistrationProposalOut,
    OrgTaskOut,
    SpotCheckIn,
    SpotCheckOut,
)
from plugins.social_orgs.services import enforcement, spot_checks, tasks

TAGS = ["social organizations: oversight"]
ABNORMAL = {"permission": "social_orgs.abnormal.read"}
DECIDE = {"permission": "social_orgs.deregistration.decide"}
DRAW = {"permission": "social_orgs.spot_check.draw"}
TASKS = {"permission": "social_orgs.tasks.read"}


@get("/tasks", opt=TASKS, tags=TAGS, summary="Open tasks (legal representative changes)")
async def open_tasks(
    status: str | None = Parameter(default="open", max_length=16),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[OrgTaskOut]:
    """``{items: [{uscc, name, kind: "legal_representative_change", opened_on, reason, status,
    …}], total}``, newest first; ``status=open`` by default (``closed``, or empty for all)."""
    found = await tasks.list_tasks(page_params(limit, offset), status or None)
    return to_out(Page[OrgTaskOut], found)


@get("/abnormal", opt=ABNORMAL, tags=TAGS, summary="Abnormal list for a report year")
async def abnormal(
    year: int | None = Parameter(default=None, ge=2000, le=2100),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[AbnormalOrgOut]:
    on = await today()
    found = await enforcement.abnormal_list(
        on.year - 1 if year is None else year, on, page_params(limit, offset)
    )
    return to_out(Page[AbnormalOrgOut], found)


@get("/deregistration-proposals", opt=ABNORMAL, tags=TAGS, summary="Deregistration queue")
async def proposals() -> list[DeregistrationProposalOut]:
    queue = await enforcement.deregistration_proposals(await today())
    return to_out(list[DeregistrationProposalOut], queue)


async def _decide(
    request: Request, uscc: str, decision: str, note: str
) -> DeregistrationDecisionOut:
    user = require_user(request)
    body = await enforcement.decide_deregistration(
        uscc, decision, note, user.username, await today()
    )
    return to_out(DeregistrationDecisionOut, body)


@post(
    "/deregistration-proposals/{uscc:str}/confirm",
    opt=DECIDE,
    status_code=200,
    tags=TAGS,
    summary="Confirm a deregistration proposal",
)
async def confirm(
    request: Request, uscc: str, data: DeregistrationDecisionIn | None = None
) -> DeregistrationDecisionOut:
    return await _decide(request, uscc, "confirm", data.note if data else "")


@post(
    "/deregistration-proposals/{uscc:str}/reject",
    opt=DECIDE,
    status_code=200,
    tags=TAGS,
    summary="Reject a deregistration proposal",
)
async def reject(
    request: Request, uscc: str, data: DeregistrationDecisionIn | None = None
) -> DeregistrationDecisionOut:
    return await _decide(request, uscc, "reject", data.note if data else "")


@post("/spot-checks", opt=DRAW, status_code=201, tags=TAGS, summary="Draw a random spot check")
async def draw(request: Request, data: SpotCheckIn) -> SpotCheckOut:
    user = require_user(request)
    body = await spot_checks.draw(data.year, data.count, data.seed, user.username, await today())
    return to_out(SpotCheckOut, body)


@get(
    "/spot-checks",
    opt={"public": True, "user_optional": True},
    tags=TAGS,
    summary="Published spot-check draws",
)
async def draws(
    request: Request,
    year: int | None = Parameter(default=None, ge=2000, le=2100),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[SpotCheckOut]:
    """Inspectors' login names only for staff; anyone else gets ``inspector_count``."""
    found = await spot_checks.spot_checks(page_params(limit, offset), year)
    user = request.scope.get("user")
    items = [spot_checks.for_reader(d, user) for d in found["items"]]
    return to_out(Page[SpotCheckOut], {**found, "items": items})


@get(
    "/spot-checks/{spot_check_id:int}",
    opt={"public": True, "user_optional": True},
    tags=TAGS,
    summary="One draw",
)
async def one_draw(request: Request, spot_check_id: int) -> SpotCheckOut:
    draw = await spot_checks.get_spot_check(spot_check_id)
    return to_out(SpotCheckOut, spot_checks.for_reader(draw, request.scope.get("user")))


ROUTES = [open_tasks, abnormal, proposals, confirm, reject, draw, draws, one_draw]
