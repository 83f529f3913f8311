"""Beneficiaries: the list, stops, re-assessed grades and the annual review."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import Parameter

from core.auth.guards import require_user
from plugins.disability.schemas import GradeIn, ReviewIn, StopIn
from plugins.disability.services.beneficiaries import list_beneficiaries, record_review
from plugins.disability.services.records import read_application
from plugins.disability.services.stops import record_grade, stop_beneficiary

TAGS = ["disability"]


def _stops(changed: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"subsidy": subsidy, "stops_from": month} for subsidy, month in changed]


@get("/beneficiaries", opt={"permission": "disability.beneficiaries"}, tags=TAGS)
async def beneficiaries(
    status: str | None = Parameter(default="active"),
    subsidy: str | None = None,
    review_due: bool = False,
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> dict[str, Any]:
    """Paginated, identity numbers and names masked. ``status``: active (default), stopped,
    all; ``subsidy``: living or nursing; ``review_due=true``: due for the annual review."""
    return await list_beneficiaries(status, subsidy, review_due, limit, offset)


@get("/reviews", opt={"permission": "disability.beneficiaries"}, tags=TAGS)
async def reviews_due(
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> dict[str, Any]:
    """Active beneficiaries due for the annual review (年度复核) today."""
    return await list_beneficiaries("active", None, True, limit, offset)


@get(
    "/beneficiaries/{application_id:int}",
    opt={"permission": "disability.beneficiaries"},
    tags=TAGS,
)
async def beneficiary(request: Request, application_id: int) -> dict[str, Any]:
    return await read_application(application_id, require_user(request))


@post(
    "/beneficiaries/{application_id:int}/stop",
    opt={"permission": "disability.stop"},
    status_code=200,
    tags=TAGS,
)
async def stop(application_id: int, data: StopIn) -> dict[str, Any]:
    """Stop payment for fraud or at the person's request, from the month after
    ``effective_on`` (default today)."""
    changed = await stop_beneficiary(
        application_id, data.reason, data.effective_on, data.note, data.subsidies
    )
    return {"id": application_id, "stops": _stops(changed)}


@post(
    "/beneficiaries/{application_id:int}/grade",
    opt={"permission": "disability.beneficiary.manage"},
    status_code=200,
    tags=TAGS,
)
async def regrade(application_id: int, data: GradeIn) -> dict[str, Any]:
    """Record a re-assessed grade; the nursing subsidy stops from the month after the
    assessment when the new grade no longer allows it."""
    changed = await record_grade(
        application_id,
        data.grade,
        data.category,
        data.disability_card_no,
        data.assessed_on,
        data.note,
    )
    return {"id": application_id, "grade": data.grade, "stops": _stops(changed)}


@post(
    "/beneficiaries/{application_id:int}/review",
    opt={"permission": "disability.beneficiary.manage"},
    status_code=200,
    tags=TAGS,
)
async def review(application_id: int, data: ReviewIn) -> dict[str, Any]:
    return await record_review(application_id, data.note)


ROUTES = [beneficiaries, reviews_due, beneficiary, stop, regrade, review]
