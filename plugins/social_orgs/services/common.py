"""Helpers every social_orgs service shares: finding an organization, JSON columns, turning a
rule's refusal into the contract's error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.errors import DomainError, NotFound
from plugins.social_orgs.rules import (
    IncompleteReport,
    InvalidScores,
    InvalidUscc,
    SocialOrgRuleError,
    normalize_uscc,
)
from plugins.social_orgs.tables import Organization

SLUG = "social_orgs"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn a pure rule's refusal into a 422 with its contract code (and the fields at fault)."""
    try:
        yield
    except SocialOrgRuleError as exc:
        extra: dict[str, Any] | None = None
        if isinstance(exc, IncompleteReport):
            extra = {"missing": exc.fields}
        elif isinstance(exc, InvalidScores):
            extra = {"problems": exc.problems}
        raise DomainError(exc.code, exc.detail, extra=extra) from None


def lookup_uscc(value: str) -> str:
    """A code from a URL: a malformed one names no organization (404)."""
    try:
        return normalize_uscc(value)
    except InvalidUscc:
        raise NotFound("No such organization / 查无此社会组织") from None


async def get_org(uscc: str) -> dict[str, Any]:
    """The organization row for a code from a URL, or 404."""
    code = lookup_uscc(uscc)
    row = await Organization.select().where(Organization.uscc == code).first()
    if row is None:
        raise NotFound("No such organization / 查无此社会组织")
    return row


def require_active(org: dict[str, Any]) -> None:
    if org["status"] != "active":
        raise DomainError(
            "ORG_DEREGISTERED",
            "该社会组织已被撤销登记 / the organization has been deregistered",
        )


def org_recipient(org: dict[str, Any]) -> tuple[str, str]:
    """Where the outbox sends an organization's messages: its phone by SMS, else its portal."""
    if org["contact_phone"]:
        return org["contact_phone"], "sms"
    return f"org:{org['uscc']}", "portal"
