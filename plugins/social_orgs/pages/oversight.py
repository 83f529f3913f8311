"""Reviewers' pages: the abnormal list with deregistration proposals, drawing spot checks,
graded evaluation."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import Parameter

from core.auth.guards import require_user
from core.clock import today
from core.pagination import page_params
from core.refusals import Refusal
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    Form,
    confirmation_page,
    confirmed,
    field_errors,
    read_form,
    reposted,
)
from core.web.paging import Pager
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.social_orgs.pages.common import page_of, translate, whole_number
from plugins.social_orgs.pages.public import spot_check_page
from plugins.social_orgs.services import enforcement, evaluations, spot_checks
from plugins.social_orgs.services.common import get_org

ABNORMAL = {"permission": "social_orgs.abnormal.read"}
DECIDE = {"permission": "social_orgs.deregistration.decide", CONFIRM: True}
DRAW = {"permission": "social_orgs.spot_check.draw", CONFIRM: True}
ANNOUNCE = {"permission": "social_orgs.evaluate", CONFIRM: True}
EVALUATE = {"permission": "social_orgs.evaluate"}
GRADE = {"permission": "social_orgs.evaluate", CONFIRM: True}
# The standard indicators by the catalog; one the admin added keeps the name it was given.
INDICATOR_LABELS = {
    "basic_conditions": N_("Basic conditions"),
    "internal_governance": N_("Internal governance"),
    "performance": N_("Work performance"),
    "social_evaluation": N_("Social evaluation"),
}
SHOWN_ON_LIST = 500


async def _abnormal_page(
    request: Request, year: int | None, error: str = "", status_code: int = 200
) -> Response:
    on = await today()
    year = on.year - 1 if year is None else year
    user = require_user(request)
    return await render_page(
        request,
        "social_orgs/abnormal.html",
        {
            "year": year,
            "listed": await enforcement.abnormal_list(year, on, page_params(SHOWN_ON_LIST, 0)),
            "proposals": await enforcement.deregistration_proposals(on),
            "may_decide": user.has(str(DECIDE["permission"])),
            "error": error,
        },
        status_code=status_code,
    )


@get("/abnormal", opt=ABNORMAL, include_in_schema=False)
async def abnormal_page(
    request: Request, year: int | None = Parameter(default=None, ge=2000, le=2100)
) -> Response:
    return await _abnormal_page(request, year)


@post("/deregistration/{uscc:str}", opt=DECIDE, include_in_schema=False)
async def decide_post(request: Request, uscc: str) -> Response:
    """Two steps: revoking a registration, or rejecting the proposal, is a verdict."""
    user = require_user(request)
    form = await read_form(request)
    decision = form.get("decision")
    if decision in ("confirm", "reject") and not confirmed(form):
        on = await today()
        proposals = [p for p in await enforcement.deregistration_proposals(on) if p["uscc"] == uscc]
        if proposals:
            return await confirmation_page(request, _decision_step(request, proposals[0], form))
    try:
        result = await enforcement.decide_deregistration(
            uscc, decision, form.get("note"), user.username, await today()
        )
    except Refusal as exc:
        message = exc.text_in(request_language(request))
        return await _abnormal_page(request, None, message, 422)
    if result["decision"] == "confirmed":
        return redirect_after_form(request, "/orgs/abnormal", N_("Deregistration confirmed."))
    return redirect_after_form(request, "/orgs/abnormal", N_("The proposal was rejected."))


def _decision_step(request: Request, proposal: dict[str, Any], form: Form) -> Confirmation:
    revoke = form.get("decision") == "confirm"
    question = (
        N_("Revoke the registration of %(name)s?")
        if revoke
        else N_("Reject the deregistration proposal for %(name)s?")
    )
    years = ("、" if request_language(request) == "zh" else ", ").join(map(str, proposal["years"]))
    return Confirmation(
        title=N_("Deregistration proposals"),
        question=question,
        back="/orgs/abnormal",
        fields=reposted(form, "decision", "note"),
        facts=(
            (N_("Organization"), f"{proposal['name']} · {proposal['uscc']}"),
            (N_("Years not filed"), years),
            (N_("Note"), form.get("note") or "—"),
        ),
        button=N_("Confirm deregistration") if revoke else N_("Reject"),
        kind="danger" if revoke else "primary",
        params={"name": proposal["name"]},
    )


@post("/spot-checks", opt=DRAW, include_in_schema=False)
async def draw_post(request: Request) -> Response:
    user = require_user(request)
    form = await read_form(request)
    errors: dict[str, str] = {}
    year = count = None
    try:
        year = whole_number(form.get("year"))
    except ValueError:
        year = None
    if year is None:
        errors["year"] = translate(request, N_("Enter the year."))
    try:
        count = whole_number(form.get("count"))
    except ValueError:
        errors["count"] = translate(request, N_("Enter the number to draw as a whole number."))
    if errors:
        return await spot_check_page(request, errors, form.values, 422)
    if not confirmed(form):  # a draw is published at once and cannot be taken back
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("New draw"),
                question=N_("Draw and publish the spot checks of %(year)s?"),
                back="/orgs/spot-checks",
                fields=reposted(form, "year", "count", "seed"),
                facts=(
                    (N_("Year"), str(year)),
                    # a blank field is a rule applied at the draw: say which, not "—"
                    (
                        N_("Number to draw"),
                        str(count)
                        if count is not None
                        else translate(request, N_("At least 3% of active organizations")),
                    ),
                    (
                        N_("Seed"),
                        form.get("seed")
                        or translate(request, N_("Chosen at random and published with the draw")),
                    ),
                ),
                button=N_("Draw"),
                params={"year": year},
            ),
        )
    try:
        result = await spot_checks.draw(
            year, count, form.get("seed") or None, user.username, await today()
        )
    except Refusal as exc:
        errors = field_errors(exc, {}, request_language(request))
        return await spot_check_page(request, errors, form.values, 422)
    return redirect_after_form(
        request,
        "/orgs/spot-checks",
        N_("Draw no. %(id)s has been recorded and published."),
        id=result["id"],
    )


async def _evaluation_page(
    request: Request,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    on = await today()
    result = await evaluations.evaluations(page_of(request))
    return await render_page(
        request,
        "social_orgs/evaluations.html",
        {
            "policy": await evaluations.policy_on(on),
            "result": result,
            "pager": Pager.of(request, result["total"]),
            "errors": errors or {},
            "form": form or {},
        },
        status_code=status_code,
    )


@get("/evaluations", opt=EVALUATE, include_in_schema=False)
async def evaluation_page(request: Request) -> Response:
    return await _evaluation_page(request)


@post("/evaluations", opt=GRADE, include_in_schema=False)
async def evaluate_post(request: Request) -> Response:
    user = require_user(request)
    form = await read_form(request)
    on = await today()
    indicators = (await evaluations.policy_on(on))["indicators"]
    keys = [indicator["key"] for indicator in indicators]
    labels = {i["key"]: INDICATOR_LABELS.get(i["key"], str(i["label"])) for i in indicators}
    errors: dict[str, str] = {}
    scores: dict[str, Any] = {}
    for key in keys:
        try:
            scores[key] = whole_number(form.get(f"score_{key}"))
        except ValueError:
            scores[key] = None
        if scores[key] is None:  # the form shows every indicator: a blank one is unscored
            # named, as four identical lines in the summary would not say which field is wrong
            message = translate(request, N_("Enter whole points for %(indicator)s."))
            errors[f"score_{key}"] = message % {"indicator": translate(request, labels[key])}
    try:
        year = whole_number(form.get("year"))
    except ValueError:
        year = None
    if year is None:
        errors["year"] = translate(request, N_("Enter the year."))
    org = None
    if not confirmed(form):  # the step names the organization; an unknown code is told first
        try:
            org = await get_org(form.get("uscc"))
        except Refusal:
            message = N_("Enter the credit code of a registered organization.")
            errors["uscc"] = translate(request, message)
    if errors:
        return await _evaluation_page(request, errors, form.values, 422)
    assert year is not None
    if org is not None:  # a grade is a verdict: read back once more before it is posted
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Grade and post the public notice"),
                question=N_("Grade this organization and post the notice?"),
                back="/orgs/evaluations",
                fields=reposted(form, "uscc", "year", *(f"score_{key}" for key in keys)),
                facts=(
                    (N_("Organization"), f"{org['name']} · {org['uscc']}"),
                    (N_("Evaluation year"), str(year)),
                    *((labels[key], str(scores[key])) for key in keys),
                ),
                button=N_("Grade and post the public notice"),
            ),
        )
    try:
        result = await evaluations.evaluate(form.get("uscc"), year, scores, user.username, on)
    except Refusal as exc:
        errors = field_errors(exc, {}, request_language(request))
        return await _evaluation_page(request, errors, form.values, 422)
    return redirect_after_form(
        request,
        "/orgs/evaluations",
        N_("Graded %(total)s points; under public notice until %(day)s."),
        total=result["total"],
        day=result["notice_ends_on"],
    )


@post("/evaluations/{evaluation_id:int}/announce", opt=ANNOUNCE, include_in_schema=False)
async def announce_post(request: Request, evaluation_id: int) -> Response:
    if not confirmed(await read_form(request)):  # the grade is then final and certified
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Announce"),
                question=N_("Announce this result? The grade and its certificate are final."),
                back="/orgs/evaluations",
                fields=(),
                button=N_("Announce"),
            ),
        )
    try:
        await evaluations.announce(evaluation_id, await today())
    except Refusal as exc:
        errors = field_errors(exc, {}, request_language(request))
        return await _evaluation_page(request, errors, None, 422)
    return redirect_after_form(request, "/orgs/evaluations", N_("The result has been announced."))


ROUTES = [abnormal_page, decide_post, draw_post, evaluation_page, evaluate_post, announce_post]
