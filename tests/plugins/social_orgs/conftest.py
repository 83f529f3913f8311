"""Fixtures for the social-organization tests: codes, staff, organizations and their accounts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Awaitable, Callable

import pytest
from stdnum.cn.uscc import calc_check_digit

from plugins.social_orgs.rules import KIND_DIGITS

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


def make_uscc(kind: str = "social_group", n: int = 1) -> str:
    """A valid civil-affairs code of ``kind`` (GB 32100-2015), distinct for each ``n``."""
    first17 = f"5{KIND_DIGITS[kind]}440704MJ{n:07d}"  # type: ignore[index]
    return first17 + calc_check_digit(first17)


@pytest.fixture
def full_report() -> dict:
    return dict(FULL_REPORT)


@pytest.fixture
def uscc() -> Callable[..., str]:
    return make_uscc


@pytest.fixture
async def admin(staff) -> dict:
    return await staff("admin")


@pytest.fixture
async def clerk(staff) -> dict:
    return await staff("clerk", office_code="JH01")


@pytest.fixture
async def reviewer(staff) -> dict:
    return await staff("reviewer")


@pytest.fixture
def set_today(client, admin) -> Callable[[dt.date], Awaitable[None]]:
    """Move the application's clock (the test clock endpoint)."""

    async def set_(day: dt.date) -> None:
        r = await client.put(
            "/api/v1/testing/clock", json={"today": day.isoformat()}, headers=admin
        )
        assert r.status_code == 200, r.text

    return set_


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
        code = make_uscc(kind, n)
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
        r = await client.post(
            "/api/v1/auth/token", json={"username": username, "password": ORG_PASSWORD}
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

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
