"""Applications: preview, filing, street review, the district decision, reading."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import Parameter

from core.auth.guards import PERSON_DATA, require_user
from core.pagination import Page
from core.schemas import to_out
from plugins.disability.schemas import (
    ApplicationDecisionIn,
    ApplicationIn,
    ApplicationStatusOut,
    ApprovalOut,
    EligibilityPreviewOut,
    StreetReviewIn,
    SubsidyApplicationItemOut,
    SubsidyApplicationOut,
)
from plugins.disability.services.applications import (
    ApplicationInput,
    Assessment,
    assess,
    reject,
    street_review,
    submit_application,
)
from plugins.disability.services.approval import approve
from plugins.disability.services.records import list_applications, read_application

TAGS = ["disability"]


def to_input(data: ApplicationIn) -> ApplicationInput:
    return ApplicationInput(
        id_number=data.id_number,
        name=data.name,
        card_no=data.disability_card_no,
        category=data.category,
        grade=data.grade,
        subsidies=tuple(data.subsidies),
        hukou_division=data.hukou_division,
        work_injury_nursing=data.work_injury_nursing,
        orphan_support=data.orphan_support,
        phone=data.phone,
        bank_account=data.bank_account,
    )


def assessment_body(found: Assessment) -> dict[str, Any]:
    elig = found.eligibility
    refusal = found.refusal
    return {
        "filed_month": found.filed_month,
        "card_ok": found.card is not None,
        # never "eligible" for a subsidy the residence rule then refuses (issue 14)
        "eligible": {
            "living": bool(elig and elig.living and found.resident),
            "nursing": bool(elig and elig.nursing and found.resident),
        },
        "hukou_division": found.hukou_division,
        "hukou_source": found.hukou_source,
        "subsidies": sorted(found.granted),
        "reasons": [{"code": r.code, "zh": r.zh, "en": r.en} for r in found.reasons],
        "can_apply": refusal is None,
        "refusal": None if refusal is None else {"code": refusal.code, "detail": refusal.detail},
    }


@post(
    "/eligibility",
    opt={"permission": "disability.apply", PERSON_DATA: True},
    status_code=200,
    tags=TAGS,
)
async def preview(request: Request, data: ApplicationIn) -> EligibilityPreviewOut:
    """What filing would decide, without filing: card check, eligibility in this month and its
    reasons, a duplicate. ``can_apply`` is false with ``refusal`` {code, detail} otherwise."""
    found = await assess(to_input(data), require_user(request))
    return to_out(EligibilityPreviewOut, assessment_body(found))


@post(
    "/applications",
    opt={"permission": "disability.apply", "idempotent": True, PERSON_DATA: True},
    status_code=201,
    tags=TAGS,
)
async def create_application(request: Request, data: ApplicationIn) -> SubsidyApplicationOut:
    """File an application (a citizen for themself only: anyone else's number is 403)."""
    user = require_user(request)
    application_id = await submit_application(to_input(data), user)
    body = await read_application(application_id, user, audited=False)
    return to_out(SubsidyApplicationOut, body)


@get(
    "/applications", opt={"permission": "disability.application.read", PERSON_DATA: True}, tags=TAGS
)
async def applications(
    request: Request,
    status: str | None = None,
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[SubsidyApplicationItemOut]:
    """Staff see every application (masked); a citizen sees their own (in full)."""
    found = await list_applications(require_user(request), status, limit, offset)
    return to_out(Page[SubsidyApplicationItemOut], found)


@get(
    "/applications/{application_id:int}",
    opt={"permission": "disability.application.read", PERSON_DATA: True},
    tags=TAGS,
)
async def application(request: Request, application_id: int) -> SubsidyApplicationOut:
    body = await read_application(application_id, require_user(request))
    return to_out(SubsidyApplicationOut, body)


@post(
    "/applications/{application_id:int}/street-review",
    opt={"permission": "disability.street_review"},
    status_code=200,
    tags=TAGS,
)
async def review_on_street(application_id: int, data: StreetReviewIn) -> ApplicationStatusOut:
    status = await street_review(application_id, data.approve, data.note)
    return to_out(ApplicationStatusOut, {"status": status})


@post(
    "/applications/{application_id:int}/approve",
    opt={"permission": "disability.approve"},
    status_code=200,
    tags=TAGS,
)
async def approve_application(
    application_id: int, data: ApplicationDecisionIn | None = None
) -> ApprovalOut:
    return to_out(ApprovalOut, await approve(application_id, data.note if data else ""))


@post(
    "/applications/{application_id:int}/reject",
    opt={"permission": "disability.approve"},
    status_code=200,
    tags=TAGS,
)
async def reject_application(
    application_id: int, data: ApplicationDecisionIn | None = None
) -> ApplicationStatusOut:
    status = await reject(application_id, data.note if data else "")
    return to_out(ApplicationStatusOut, {"status": status})


ROUTES = [
    preview,
    create_application,
    applications,
    application,
    review_on_street,
    approve_application,
    reject_application,
]
