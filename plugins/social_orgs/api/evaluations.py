"""Graded-evaluation endpoints: policy, evaluate, announce, the grade certificate."""

from __future__ import annotations

from litestar import Request, Response, get, post, put
from litestar.params import Parameter

from core.auth.guards import require_user
from core.certificates.service import certificate_pdf
from core.clock import today
from core.pagination import Page, page_params
from core.refusals import Refusal
from core.schemas import to_out
from plugins.social_orgs.api.access import may_read
from plugins.social_orgs.schemas import (
    EvaluationIn,
    EvaluationOut,
    EvaluationPolicyIn,
    EvaluationPolicyOut,
)
from plugins.social_orgs.services import evaluations

TAGS = ["social organizations: evaluation"]
EVALUATE = {"permission": "social_orgs.evaluate"}


@get("/evaluation-policy", opt={"public": True}, tags=TAGS, summary="Policy in force")
async def read_policy() -> EvaluationPolicyOut:
    return to_out(EvaluationPolicyOut, await evaluations.policy_on(await today()))


@put(
    "/evaluation-policy",
    opt={"permission": "social_orgs.policy.edit"},
    tags=TAGS,
    summary="Edit grade thresholds (admin)",
)
async def edit_policy(request: Request, data: EvaluationPolicyIn) -> EvaluationPolicyOut:
    user = require_user(request)
    indicators = (
        [{"key": i.key, "label": i.label, "max_points": i.max_points} for i in data.indicators]
        if data.indicators is not None
        else None
    )
    policy = await evaluations.set_policy(
        data.thresholds, indicators, data.effective_from, user.username, await today()
    )
    return to_out(EvaluationPolicyOut, policy)


@post(
    "/{uscc:str}/evaluations",
    opt={**EVALUATE, "idempotent": True},
    status_code=201,
    tags=TAGS,
    summary="Evaluate",
)
async def evaluate(request: Request, uscc: str, data: EvaluationIn) -> EvaluationOut:
    user = require_user(request)
    body = await evaluations.evaluate(uscc, data.year, data.scores, user.username, await today())
    return to_out(EvaluationOut, body)


@get("/evaluations", opt=EVALUATE, tags=TAGS, summary="Evaluations (reviewer)")
async def evaluation_list(
    status: str | None = Parameter(default=None, max_length=16),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[EvaluationOut]:
    found = await evaluations.evaluations(page_params(limit, offset), status)
    return to_out(Page[EvaluationOut], found)


@get("/evaluations/{evaluation_id:int}", opt=EVALUATE, tags=TAGS, summary="One evaluation")
async def read_evaluation(evaluation_id: int) -> EvaluationOut:
    return to_out(EvaluationOut, await evaluations.get_evaluation(evaluation_id))


@post(
    "/evaluations/{evaluation_id:int}/announce",
    opt=EVALUATE,
    status_code=200,
    tags=TAGS,
    summary="Announce after the public notice",
)
async def announce(evaluation_id: int) -> EvaluationOut:
    return to_out(EvaluationOut, await evaluations.announce(evaluation_id, await today()))


@get(
    "/evaluations/{evaluation_id:int}/certificate",
    opt={"auth": True},
    tags=TAGS,
    summary="Grade certificate (PDF)",
    media_type="application/pdf",
)
async def certificate(request: Request, evaluation_id: int) -> Response[bytes]:
    user = require_user(request)
    evaluation = await evaluations.get_evaluation(evaluation_id)
    visible = may_read(user, evaluation["uscc"]) or user.has("social_orgs.evaluate")
    if not visible or not evaluation["certificate_no"]:
        raise Refusal.not_found()
    number = evaluation["certificate_no"]
    return Response(
        await certificate_pdf(number),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{number}.pdf"'},
    )


ROUTES = [
    read_policy,
    edit_policy,
    evaluate,
    evaluation_list,
    read_evaluation,
    announce,
    certificate,
]
