"""Beneficiaries: the list, stops, re-assessed grades and the annual review."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import Parameter

from core.auth.guards import require_user
from core.pagination import Page
from core.schemas import to_out
from plugins.disability.schemas import (
    AnnualReviewOut,
    BeneficiaryOut,
    BeneficiaryStopsOut,
    GradeIn,
    RegradeOut,
    ReviewIn,
    StopIn,
    SubsidyApplicationOut,
    SubsidyStopOut,
)
from plugins.disability.services.beneficiaries import list_beneficiaries, record_review
from plugins.disability.services.records import read_application
from plugins.disability.services.stops import record_grade, stop_beneficiary

TAGS = ["disability"]


def _stops(changed: list[tuple[str, str]]) -> list[SubsidyStopOut]:
    return [to_out(SubsidyStopOut, {"subsidy": s, "stops_from": month}) for s, month in changed]


@get("/beneficiaries", opt={"permission": "disability.beneficiaries"}, tags=TAGS)
async def beneficiaries(
    status: str | None = Parameter(default="active"),
    subsidy: str | None = None,
    review_due: bool = False,
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[BeneficiaryOut]:
    """Paginated, identity numbers and names masked. ``status``: active (default), stopped,
    all; ``subsidy``: living or nursing; ``review_due=true``: due for the annual review."""
    found = await list_beneficiaries(status, subsidy, review_due, limit, offset)
    return to_out(Page[BeneficiaryOut], found)


@get("/reviews", opt={"permission": "disability.beneficiaries"}, tags=TAGS)
async def reviews_due(
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[BeneficiaryOut]:
    """Active beneficiaries due for the annual review (年度复核) today."""
    found = await list_beneficiaries("active", None, True, limit, offset)
    return to_out(Page[BeneficiaryOut], found)


@get(
    "/beneficiaries/{application_id:int}",
    opt={"permission": "disability.beneficiaries"},
    tags=TAGS,
)
async def beneficiary(request: Request, application_id: int) -> SubsidyApplicationOut:
    body = await read_application(application_id, require_user(request))
    return to_out(SubsidyApplicationOut, body)


@post(
    "/beneficiaries/{application_id:int}/stop",
    opt={"permission": "disability.stop"},
    status_code=200,
    tags=TAGS,
)
async def stop(application_id: int, data: StopIn) -> BeneficiaryStopsOut:
    """Stop payment for fraud or at the person's request, from the month after
    ``effective_on`` (default today)."""
    changed = await stop_beneficiary(
        application_id, data.reason, data.effective_on, data.note, data.subsidies
    )
    return BeneficiaryStopsOut(id=application_id, stops=_stops(changed))


@post(
    "/beneficiaries/{application_id:int}/grade",
    opt={"permission": "disability.beneficiary.manage"},
    status_code=200,
    tags=TAGS,
)
async def regrade(application_id: int, data: GradeIn) -> RegradeOut:
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
    return RegradeOut(id=application_id, grade=data.grade, stops=_stops(changed))


@post(
    "/beneficiaries/{application_id:int}/review",
    opt={"permission": "disability.beneficiary.manage"},
    status_code=200,
    tags=TAGS,
)
async def review(application_id: int, data: ReviewIn) -> AnnualReviewOut:
    return to_out(AnnualReviewOut, await record_review(application_id, data.note))


ROUTES = [beneficiaries, reviews_due, beneficiary, stop, regrade, review]
