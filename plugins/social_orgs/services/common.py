"""Helpers every social_orgs service shares: finding an organization, JSON columns."""

from __future__ import annotations

import json
from typing import Any

from core.refusals import Refusal
from plugins.social_orgs.rules import uscc_named_by
from plugins.social_orgs.tables import Organization

SLUG = "social_orgs"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def lookup_uscc(value: str) -> str:
    """A code from a URL: a malformed one names no organization (404)."""
    code = uscc_named_by(value)
    if code is None:
        raise Refusal.not_found(zh="查无此社会组织", en="No such organization")
    return code


async def get_org(uscc: str) -> dict[str, Any]:
    """The organization row for a code from a URL, or 404."""
    code = lookup_uscc(uscc)
    row = await Organization.select().where(Organization.uscc == code).first()
    if row is None:
        raise Refusal.not_found(zh="查无此社会组织", en="No such organization")
    return row


def require_active(org: dict[str, Any]) -> None:
    if org["status"] != "active":
        raise Refusal(
            "ORG_DEREGISTERED",
            zh="该社会组织已被撤销登记",
            en="the organization has been deregistered",
        )


def org_recipient(org: dict[str, Any]) -> tuple[str, str]:
    """Where the outbox sends an organization's messages: its phone by SMS, else its portal."""
    if org["contact_phone"]:
        return org["contact_phone"], "sms"
    return f"org:{org['uscc']}", "portal"
