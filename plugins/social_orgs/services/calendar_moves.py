"""Keeping the promise of a public notice's end when an official holiday schedule is entered
(hook ``minzheng_calendar_changed``; DOMAIN.md "The working-day calendar").

An evaluation under public notice (公示, 5 working days) whose end is still to come is recomputed
on the new calendar; the end moves later, never earlier than announced. Each move is audited and
the organization told through the outbox.
"""

from __future__ import annotations

import datetime as dt

from core import audit, notifications
from core.contributions import CalendarMove
from core.workdays import WorkCalendar, kept_promise
from plugins.social_orgs.rules import public_notice_end
from plugins.social_orgs.services.common import org_recipient
from plugins.social_orgs.tables import Evaluation, Organization

PLUGIN = "social_orgs"
WHAT = "评估结果公示截止日 / end of the public notice"


async def calendar_changed(after: WorkCalendar, today: dt.date, apply: bool) -> list[CalendarMove]:
    rows = await Evaluation.select().where(
        (Evaluation.status == "public_notice") & (Evaluation.notice_ends_on >= today)
    )
    moves: list[CalendarMove] = []
    for row in rows:
        told = row["notice_ends_on"]
        new = kept_promise(told, public_notice_end(after, row["evaluated_on"]))
        if new == told:
            continue
        org = await Organization.select().where(Organization.uscc == row["uscc"]).first()
        name = org["name"] if org else row["uscc"]
        moves.append(CalendarMove(PLUGIN, "evaluation", str(row["id"]), WHAT, told, new, name))
        if not apply:
            continue
        await Evaluation.update({Evaluation.notice_ends_on: new}).where(Evaluation.id == row["id"])
        await audit.record(
            "social_orgs.evaluation.notice_moved",
            entity="social_org_evaluation",
            entity_id=row["id"],
            summary=f"节假日安排调整：{name} {row['year']}年度评估公示截止日 {told} → {new}",
        )
        if org is not None:
            recipient, channel = org_recipient(org)
            await notifications.enqueue(
                recipient,
                "评估公示期调整 / public notice extended",
                f"因节假日安排调整，贵组织{row['year']}年度评估结果公示期截止日调整为"
                f"{new:%Y年%m月%d日}（原为{told:%Y年%m月%d日}）。 / Under the holiday calendar "
                f"schedule the public notice of your {row['year']} evaluation now ends {new}.",
                channel=channel,
                plugin=PLUGIN,
            )
    return moves
