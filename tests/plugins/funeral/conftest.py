"""Fixtures of the funeral tests: the staff of tests/fixtures/users.py, with the test clock on
the funeral tests' fixed day (``TODAY``) as soon as any of them is asked for."""

from __future__ import annotations

import pytest

from tests import factories
from tests.plugins.funeral.support import TODAY


@pytest.fixture
async def admin(admin, client) -> dict:
    await factories.set_today(client, admin, TODAY)
    return admin


@pytest.fixture
async def clerk(clerk, admin) -> dict:
    return clerk


@pytest.fixture
async def reviewer(reviewer, admin) -> dict:
    return reviewer
