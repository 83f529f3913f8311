"""Who may see or change which organization's reports (object-level checks)."""

from __future__ import annotations

from litestar import Request

from core.auth.guards import require_user
from core.auth.identity import CurrentUser
from core.refusals import Refusal
from plugins.social_orgs.services.common import lookup_uscc

READ_REPORTS = "social_orgs.report.read"


def own_org(request: Request, uscc: str) -> str:
    """For writes by an organization's account: another organization's code is 403 (API.md)."""
    user = require_user(request)
    code = lookup_uscc(uscc)
    if user.kind != "org" or user.org_uscc != code:
        raise Refusal.forbidden(
            zh="只能填报本组织的年度报告",
            en="only your own organization's reports",
            english_first=False,
        )
    return code


def may_read(user: CurrentUser, code: str) -> bool:
    return (user.kind == "org" and user.org_uscc == code) or user.has(READ_REPORTS)


def readable_org(request: Request, uscc: str) -> str:
    """For reads: staff who read reports, or the organization itself; to any other organization
    its reports do not exist (404)."""
    user = require_user(request)
    code = lookup_uscc(uscc)
    if not may_read(user, code):
        if user.kind == "org":
            raise Refusal.not_found()
        raise Refusal.forbidden()
    return code
