"""Graded evaluation (社会组织评估): policy, scoring, public notice, announcement, certificate.

The policy (indicator maxima and grade thresholds) is effective-dated: an evaluation is graded by
the policy in force on its evaluation day. A result stays under public notice for 5 working days;
it is announced afterwards (by a reviewer or the daily job), and only then does its validity run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit
from core.calendar_store import load_calendar
from core.db import json_value, write_transaction
from core.pagination import PageParams, page
from core.refusals import Refusal
from plugins.social_orgs.certificates import issue_grade_certificate
from plugins.social_orgs.rules import (
    DEFAULT_INDICATORS,
    DEFAULT_THRESHOLDS,
    GRADES,
    Indicator,
    abnormal_years,
    check_policy,
    gets_certificate,
    grade_for,
    grade_validity,
    is_eligible_for_evaluation,
    public_notice_end,
    score_total,
)
from plugins.social_orgs.services.common import dumps, get_org
from plugins.social_orgs.services.registry import submissions
from plugins.social_orgs.tables import Evaluation, EvaluationPolicy, Organization


async def policy_on(day: dt.date) -> dict[str, Any]:
    """The policy in force on ``day``: the latest edit effective by then, else DOMAIN.md's
    defaults."""
    row = await (
        EvaluationPolicy.select()
        .where(EvaluationPolicy.effective_from <= day)
        .order_by(EvaluationPolicy.effective_from, ascending=False)
        .order_by(EvaluationPolicy.id, ascending=False)
        .first()
    )
    if row is None:
        return {
            "effective_from": None,
            "thresholds": dict(DEFAULT_THRESHOLDS),
            "indicators": [_indicator_out(i) for i in DEFAULT_INDICATORS],
        }
    return {
        "effective_from": row["effective_from"],
        "thresholds": json_value(row["thresholds"]),
        "indicators": json_value(row["indicators"]),
    }


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {"key": indicator.key, "label": indicator.label, "max_points": indicator.max_points}


def _indicators(policy: dict[str, Any]) -> list[Indicator]:
    return [Indicator(i["key"], i["label"], i["max_points"]) for i in policy["indicators"]]


async def set_policy(
    thresholds: dict[str, int],
    indicators: list[dict[str, Any]] | None,
    effective_from: dt.date | None,
    admin: str,
    on: dt.date,
) -> dict[str, Any]:
    """Edit the thresholds (and optionally the indicators) from ``effective_from`` (default
    today; never in the past, so evaluations already made keep their policy). Audited."""
    start = effective_from or on
    if start < on:
        raise Refusal(
            "INVALID_EFFECTIVE_DATE",
            zh="生效日期不能早于今天",
            en="the policy cannot start in the past",
        )
    current = await policy_on(start)
    chosen = (
        [Indicator(str(i["key"]), str(i["label"]), i["max_points"]) for i in indicators]
        if indicators is not None
        else _indicators(current)
    )
    check_policy(chosen, thresholds)  # type: ignore[arg-type]
    ordered = {grade: thresholds[grade] for grade in GRADES}
    async with write_transaction():
        await EvaluationPolicy.insert(
            EvaluationPolicy(
                effective_from=start,
                thresholds=dumps(ordered),
                indicators=dumps([_indicator_out(i) for i in chosen]),
                changed_by=admin,
            )
        )
        await audit.record(
            "social_orgs.policy.changed",
            entity="social_org_evaluation_policy",
            entity_id=start.isoformat(),
            summary=f"修改评估等级分数线，自{start.isoformat()}起施行",
            details={"thresholds": ordered, "previous": current["thresholds"]},
        )
    return await policy_on(start)


def evaluation_out(row: dict[str, Any], org_name: str = "") -> dict[str, Any]:
    valid_from, valid_until = row["valid_from"], row["valid_until"]
    projected = row["status"] == "public_notice" and row["grade"] is not None
    if projected:
        # Announced at the earliest the day after the notice ends.
        valid_from, valid_until = grade_validity(row["notice_ends_on"] + dt.timedelta(days=1))
    return {
        "id": row["id"],
        "uscc": row["uscc"],
        "org_name": org_name,
        "year": row["year"],
        "scores": json_value(row["scores"]),
        "total": row["total"],
        "grade": row["grade"],
        "status": row["status"],
        "evaluated_on": row["evaluated_on"],
        "notice_ends_on": row["notice_ends_on"],
        "announced_on": row["announced_on"],
        "valid_from": valid_from,
        "valid_until": valid_until,
        "validity_projected": projected,
        "certificate_no": row["certificate_no"],
    }


async def evaluate(
    uscc: str, year: int, scores: dict[str, Any], reviewer: str, on: dt.date
) -> dict[str, Any]:
    """Grade an eligible organization; the result goes under public notice."""
    org = await get_org(uscc)
    if not 2000 <= year <= on.year:
        raise Refusal("INVALID_YEAR", zh="评估年度无效", en=f"year must lie in 2000..{on.year}")
    unfiled = abnormal_years(
        kind=org["kind"],
        registered_on=org["registered_on"],
        submitted_on=await submissions(org["uscc"]),
        today=on,
    )
    eligible = is_eligible_for_evaluation(
        registered_on=org["registered_on"], evaluated_on=on, abnormal=bool(unfiled)
    )
    if org["status"] != "active" or not eligible:
        reasons = []
        if org["status"] != "active":
            reasons.append("已被撤销登记 / deregistered")
        if unfiled:
            reasons.append(f"列入活动异常名录（{unfiled}） / on the abnormal list")
        if not eligible and not unfiled:
            reasons.append("登记未满两年 / registered less than two full years")
        raise Refusal(  # the reasons' own "中文 / English" texts, joined as they always were
            "NOT_ELIGIBLE_FOR_EVALUATION",
            zh="不符合参加评估的条件：" + "；".join(reasons),
            extra={"abnormal_years": unfiled},
        )
    policy = await policy_on(on)
    total = score_total(scores, _indicators(policy), complete=False)
    grade = grade_for(total, policy["thresholds"])
    notice_end = public_notice_end(await load_calendar(), on)
    async with write_transaction():
        rows = (
            await Evaluation.insert(
                Evaluation(
                    uscc=org["uscc"],
                    year=year,
                    scores=dumps(scores),
                    total=total,
                    grade=grade,
                    thresholds=dumps(policy["thresholds"]),
                    status="public_notice",
                    evaluated_on=on,
                    notice_ends_on=notice_end,
                    evaluated_by=reviewer,
                )
            )
            .on_conflict(target=(Evaluation.uscc, Evaluation.year), action="DO NOTHING")
            .returning(Evaluation.id)
        )
        if not rows:
            raise Refusal(
                "ALREADY_EVALUATED",
                zh=f"该组织{year}年度已评估",
                en=f"already evaluated for {year}",
                kind="conflict",
            )
        await audit.record(
            "social_orgs.evaluation.created",
            entity="social_org_evaluation",
            entity_id=rows[0]["id"],
            summary=f"{year}年度评估（{org['name']}）：{total}分，{grade or '未达等级'}，公示至"
            f"{notice_end.isoformat()}",
            details={"total": total, "grade": grade},
        )
    return await get_evaluation(rows[0]["id"])


async def get_evaluation(evaluation_id: int) -> dict[str, Any]:
    row = await Evaluation.select().where(Evaluation.id == evaluation_id).first()
    if row is None:
        raise Refusal.not_found(zh="查无此评估", en="No such evaluation")
    org = await Organization.select(Organization.name).where(Organization.uscc == row["uscc"])
    return evaluation_out(row, org[0]["name"] if org else "")


async def announce(evaluation_id: int, on: dt.date) -> dict[str, Any]:
    """Announce a result whose public notice is over: validity starts 1 January next year; 3A and
    above get a certificate. 422 ``PUBLIC_NOTICE_NOT_OVER`` on or before the notice's last day."""
    row = await Evaluation.select().where(Evaluation.id == evaluation_id).first()
    if row is None:
        raise Refusal.not_found(zh="查无此评估", en="No such evaluation")
    if row["status"] != "public_notice":
        raise Refusal(
            "ALREADY_ANNOUNCED", zh="该评估结果已公告", en="already announced", kind="conflict"
        )
    if on <= row["notice_ends_on"]:
        raise Refusal(
            "PUBLIC_NOTICE_NOT_OVER",
            zh=f"公示期至{row['notice_ends_on'].isoformat()}，期满后方可公告",
            en=f"the public notice runs until {row['notice_ends_on'].isoformat()}",
        )
    org = await get_org(row["uscc"])
    grade = row["grade"]
    valid_from, valid_until = grade_validity(on) if grade else (None, None)
    async with write_transaction():
        updated = (
            await Evaluation.update(
                {
                    Evaluation.status: "announced",
                    Evaluation.announced_on: on,
                    Evaluation.valid_from: valid_from,
                    Evaluation.valid_until: valid_until,
                }
            )
            .where((Evaluation.id == evaluation_id) & (Evaluation.status == "public_notice"))
            .returning(Evaluation.id)
        )
        if not updated:
            raise Refusal(
                "ALREADY_ANNOUNCED", zh="该评估结果已公告", en="already announced", kind="conflict"
            )
        number = None
        if gets_certificate(grade) and valid_from and valid_until:
            number = await issue_grade_certificate(
                org, grade, row["year"], valid_from, valid_until, issued_on=on
            )
            await Evaluation.update({Evaluation.certificate_no: number}).where(
                Evaluation.id == evaluation_id
            )
        await audit.record(
            "social_orgs.evaluation.announced",
            entity="social_org_evaluation",
            entity_id=evaluation_id,
            summary=f"公告{row['year']}年度评估结果（{org['name']}）：{grade or '未达等级'}",
            details={"grade": grade, "certificate_no": number},
        )
    return await get_evaluation(evaluation_id)


async def announce_due(on: dt.date) -> int:
    """The daily job: announce every result whose public notice ended before ``on``."""
    rows = await Evaluation.select(Evaluation.id).where(
        (Evaluation.status == "public_notice") & (Evaluation.notice_ends_on < on)
    )
    announced = 0
    for row in rows:
        try:
            await announce(row["id"], on)
            announced += 1
        except Refusal as refused:
            if refused.kind != "conflict":
                raise
            continue  # announced meanwhile by a reviewer or another process
    return announced


async def evaluations(
    params: PageParams, status: str | None = None, uscc: str | None = None
) -> dict[str, Any]:
    where = Evaluation.id.is_not_null()
    if status:
        where &= Evaluation.status == status
    if uscc:
        where &= Evaluation.uscc == uscc
    rows = await (
        Evaluation.select()
        .where(where)
        .order_by(Evaluation.id, ascending=False)
        .limit(params.limit)
        .offset(params.offset)
    )
    names = {
        row["uscc"]: row["name"]
        for row in await Organization.select(Organization.uscc, Organization.name).where(
            Organization.uscc.is_in([row["uscc"] for row in rows] or [""])
        )
    }
    items = [evaluation_out(row, names.get(row["uscc"], "")) for row in rows]
    return page(items, await Evaluation.count().where(where))
