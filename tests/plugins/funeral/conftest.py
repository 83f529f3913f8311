"""Fixtures of the funeral tests: staff with bearer tokens (without the cost of hashing a
password for each) and the test clock on a fixed day."""

from __future__ import annotations

import itertools

import pytest

from tests.plugins.funeral.support import TODAY, clock

_names = itertools.count(1)


@pytest.fixture
def bearer(db):
    """``await bearer("clerk", office_code="JH01")`` → Authorization headers of a new staff
    account (stored like any other; its token is issued directly instead of by signing in)."""
    from core.auth.passwords import DUMMY_HASH
    from core.auth.tokens import issue_token
    from core.tables import Account

    async def make(*roles: str, office_code: str | None = None) -> dict[str, str]:
        account = Account(
            username=f"{'-'.join(roles)}-{next(_names)}",
            password_hash=DUMMY_HASH,
            kind="staff",
            roles=sorted(roles),
            office_code=office_code,
        )
        await account.save()
        raw, _ = await issue_token(account.id, "api")
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
async def clerk(client, bearer):
    await clock(TODAY)
    return await bearer("clerk", office_code="JH01")


@pytest.fixture
async def reviewer(client, bearer):
    await clock(TODAY)
    return await bearer("reviewer")


@pytest.fixture
async def admin(client, bearer):
    await clock(TODAY)
    return await bearer("admin")
