"""Small pieces every disability service uses: the outbox,
unique-index violations, JSON columns."""

from __future__ import annotations

import json

from core.notifications import enqueue
from core.refusals import Reason

PLUGIN = "disability"


def reasons_json(reasons: tuple[Reason, ...] | list[Reason]) -> str:
    return json.dumps([r.body() for r in reasons], ensure_ascii=False)


async def notify_applicant(phone: str, id_number: str, subject: str, body: str) -> None:
    """Tell the applicant: by SMS when a phone number is on file, else in their account's inbox
    (a citizen's username is their identity number). Call inside the change's transaction."""
    if phone:
        await enqueue(phone, subject, body, channel="sms", plugin=PLUGIN)
    else:
        await enqueue(id_number, subject, body, channel="account", plugin=PLUGIN)


def subsidy_list(text: str | None) -> list[str]:
    return [s for s in (text or "").split(",") if s]
