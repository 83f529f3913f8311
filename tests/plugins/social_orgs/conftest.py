"""Fixtures for the social-organization tests: codes, staff, organizations and their accounts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Awaitable, Callable

import pytest

from tests import factories

ORG_PASSWORD = "org-password-1"
FULL_REPORT = {
    "activities": "开展社区助老服务120场，培训志愿者300人次。",
    "revenue_fen": 125_000_00,
    "expenditure_fen": 98_000_00,
    "net_assets_fen": 40_000_00,
    "full_time_staff": 6,
    "volunteers": 85,
    "party_organization": "standalone",
    "officer_changes": "无",
    "donations_received_fen": 30_000_00,
}


@pytest.fixture
def full_report() -> dict:
    return dict(FULL_REPORT)


@pytest.fixture
def uscc() -> Callable[..., str]:
    return factories.uscc


@pytest.fixture
def new_org(client, clerk) -> Callable[..., Awaitable[str]]:
    """``await new_org("foundation", registered_on=…)`` → the code of a newly registered org."""
    numbers = itertools.count(1)

    async def make(
        kind: str = "social_group",
        registered_on: dt.date = dt.date(2020, 3, 1),
        name: str | None = None,
        **extra: object,
    ) -> str:
        n = next(numbers)
        code = factories.uscc(kind, n)
        r = await client.post(
            "/api/v1/orgs/",
            json={
                "uscc": code,
                "name": name or f"江海区测试社会组织{n}",
                "kind": kind,
                "registered_on": registered_on.isoformat(),
                "legal_representative": "陈志明",
                "staff_count": 5,
                **extra,
            },
            headers=clerk,
        )
        assert r.status_code == 201, r.text
        return code

    return make


@pytest.fixture
def org_login(client, clerk) -> Callable[[str], Awaitable[dict]]:
    """``await org_login(code)`` → Authorization headers of a new account of that organization."""
    numbers = itertools.count(1)

    async def make(code: str) -> dict:
        username = f"org{next(numbers)}-{code[-6:].lower()}"
        r = await client.post(
            f"/api/v1/orgs/{code}/accounts",
            json={"username": username, "password": ORG_PASSWORD},
            headers=clerk,
        )
        assert r.status_code == 201, r.text
        return await factories.sign_in(client, username, ORG_PASSWORD)

    return make


@pytest.fixture
def file_report(client) -> Callable[..., Awaitable[dict]]:
    """Save and submit a complete report; returns the submitted report."""

    async def file(code: str, year: int, headers: dict, **changes: object) -> dict:
        path = f"/api/v1/orgs/{code}/annual-reports/{year}"
        r = await client.put(path, json={**FULL_REPORT, **changes}, headers=headers)
        assert r.status_code == 200, r.text
        r = await client.post(path + "/submit", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    return file


@pytest.fixture
def audit_log(db) -> Callable[[str], Awaitable[list[dict]]]:
    """``await audit_log("social_orgs.report.")`` → audit events whose action starts with it,
    newest first (read from the chain itself)."""
    from core.tables import AuditEvent

    async def read(prefix: str) -> list[dict]:
        rows = await AuditEvent.select(
            AuditEvent.action, AuditEvent.summary, AuditEvent.actor
        ).order_by(AuditEvent.seq, ascending=False)
        return [row for row in rows if row["action"].startswith(prefix)]

    return read
