"""Enforcement: the abnormal-activity list (活动异常名录), the deregistration proposals it leads
to, and deadline reminders.

The list and the proposals are computed from the rules on the application's date, never stored:
a late filing takes an organization off the list the moment it is submitted. Only a reviewer's
decision on a proposal is stored, keyed by its grounds (the two consecutive unfiled years), so a
rejected proposal comes back only when a new pair of years is missed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from core import audit, notifications
from core.db import write_transaction
from core.pagination import PageParams, page
from core.refusals import Refusal
from plugins.social_orgs.rules import (
    KIND_LABELS,
    abnormal_years,
    is_abnormal,
    proposed_for_deregistration,
    reminder_due,
    report_deadline,
    report_due,
)
from plugins.social_orgs.services.common import SLUG, get_org, org_recipient
from plugins.social_orgs.tables import (
    AnnualReport,
    DeregistrationDecision,
    Organization,
    SentReminder,
)

DECISIONS = {"confirm": "confirmed", "reject": "rejected"}


async def _active_orgs() -> list[dict[str, Any]]:
    return await (
        Organization.select().where(Organization.status == "active").order_by(Organization.uscc)
    )


async def _submissions() -> dict[str, dict[int, dt.date]]:
    """uscc → report year → first submission day, for every organization at once."""
    rows = await AnnualReport.select(
        AnnualReport.uscc, AnnualReport.year, AnnualReport.submitted_on
    ).where(AnnualReport.submitted_on.is_not_null())
    found: dict[str, dict[int, dt.date]] = defaultdict(dict)
    for row in rows:
        found[row["uscc"]][row["year"]] = row["submitted_on"]
    return found


def _summary(org: dict[str, Any]) -> dict[str, Any]:
    return {
        "uscc": org["uscc"],
        "name": org["name"],
        "kind": org["kind"],
        "kind_label": KIND_LABELS[org["kind"]],
        "registered_on": org["registered_on"],
    }


async def abnormal_list(year: int, on: dt.date, params: PageParams) -> dict[str, Any]:
    """Active organizations abnormal on ``on`` for report ``year``: the report was due, its
    deadline has passed and it is still unsubmitted."""
    submitted = await _submissions()
    items = []
    for org in await _active_orgs():
        if is_abnormal(
            kind=org["kind"],
            registered_on=org["registered_on"],
            year=year,
            submitted_on=submitted[org["uscc"]].get(year),
            today=on,
        ):
            deadline = report_deadline(org["kind"], year)
            items.append(
                {
                    **_summary(org),
                    "year": year,
                    "deadline": deadline,
                    "listed_since": deadline + dt.timedelta(days=1),
                }
            )
    return page(items[params.offset : params.offset + params.limit], len(items))


async def _decided() -> set[tuple[str, int, int]]:
    rows = await DeregistrationDecision.select(
        DeregistrationDecision.uscc,
        DeregistrationDecision.first_year,
        DeregistrationDecision.second_year,
    )
    return {(row["uscc"], row["first_year"], row["second_year"]) for row in rows}


def _grounds(org: dict[str, Any], submitted: dict[int, dt.date], on: dt.date) -> list[int]:
    return abnormal_years(
        kind=org["kind"], registered_on=org["registered_on"], submitted_on=submitted, today=on
    )


async def deregistration_proposals(on: dt.date) -> list[dict[str, Any]]:
    """Active organizations with two consecutive report years unfiled on ``on`` and no decision
    yet on those grounds: the reviewer's queue."""
    submitted = await _submissions()
    decided = await _decided()
    queue = []
    for org in await _active_orgs():
        unfiled = _grounds(org, submitted[org["uscc"]], on)
        pair = proposed_for_deregistration(unfiled)
        if pair is not None and (org["uscc"], *pair) not in decided:
            queue.append({**_summary(org), "years": list(pair), "unfiled_years": unfiled})
    return queue


async def decide_deregistration(
    uscc: str, decision: str, note: str, reviewer: str, on: dt.date
) -> dict[str, Any]:
    """Confirm (the organization's registration is revoked: status ``deregistered``) or reject a
    pending proposal; either way audited. 422 ``NOT_PROPOSED`` when none is pending."""
    if decision not in DECISIONS:
        raise Refusal("INVALID_DECISION", zh="决定应为 confirm 或 reject", en="unknown decision")
    org = await get_org(uscc)
    submitted = (await _submissions())[org["uscc"]]
    pair = (
        proposed_for_deregistration(_grounds(org, submitted, on))
        if org["status"] == "active"
        else None
    )
    if pair is None:
        raise Refusal(
            "NOT_PROPOSED",
            zh="该组织没有待决定的撤销登记建议",
            en="no deregistration proposal is pending for it",
        )
    outcome = DECISIONS[decision]
    async with write_transaction():
        inserted = (
            await DeregistrationDecision.insert(
                DeregistrationDecision(
                    uscc=org["uscc"],
                    first_year=pair[0],
                    second_year=pair[1],
                    decision=outcome,
                    note=(note or "").strip()[:2000],
                    decided_on=on,
                    decided_by=reviewer,
                )
            )
            .on_conflict(
                target=(
                    DeregistrationDecision.uscc,
                    DeregistrationDecision.first_year,
                    DeregistrationDecision.second_year,
                ),
                action="DO NOTHING",
            )
            .returning(DeregistrationDecision.id)
        )
        if not inserted:
            raise Refusal(
                "ALREADY_DECIDED",
                zh="该建议已有决定",
                en="this proposal is already decided",
                kind="conflict",
            )
        if outcome == "confirmed":
            await Organization.update(
                {Organization.status: "deregistered", Organization.deregistered_on: on}
            ).where((Organization.uscc == org["uscc"]) & (Organization.status == "active"))
        await audit.record(
            f"social_orgs.deregistration.{outcome}",
            entity="social_org",
            entity_id=org["uscc"],
            summary=(
                f"{'确认撤销登记' if outcome == 'confirmed' else '不予撤销登记'}"
                f"（{org['name']}，{pair[0]}、{pair[1]}年度未报送年度报告）"
            ),
            details={"years": list(pair), "note": (note or "")[:500]},
        )
    return {
        "uscc": org["uscc"],
        "decision": outcome,
        "years": list(pair),
        "status": "deregistered" if outcome == "confirmed" else org["status"],
    }


async def send_reminders(on: dt.date) -> int:
    """Remind every active organization whose due report is unsubmitted as its deadline nears
    (30 and 7 days before). Each reminder is claimed in ``social_org_reminder`` first, so it is
    sent once however often, and in however many processes, the job runs."""
    submitted = await _submissions()
    sent = 0
    year = on.year - 1  # the report filed this year
    for org in await _active_orgs():
        if not report_due(org["registered_on"], year) or year in submitted[org["uscc"]]:
            continue
        deadline = report_deadline(org["kind"], year)
        days = reminder_due(deadline, on)
        if days is None:
            continue
        async with write_transaction():
            claimed = (
                await SentReminder.insert(
                    SentReminder(uscc=org["uscc"], year=year, days_before=days, sent_on=on)
                )
                .on_conflict(
                    target=(SentReminder.uscc, SentReminder.year, SentReminder.days_before),
                    action="DO NOTHING",
                )
                .returning(SentReminder.id)
            )
            if claimed:
                recipient, channel = org_recipient(org)
                await notifications.enqueue(
                    recipient,
                    f"{year}年度报告将于{deadline.month}月{deadline.day}日截止",
                    f"{org['name']}：贵单位{year}年度工作报告须于{deadline.year}年"
                    f"{deadline.month}月{deadline.day}日前在网上报送，逾期将列入活动异常名录。",
                    channel=channel,
                    plugin=SLUG,
                )
                sent += 1
    return sent
