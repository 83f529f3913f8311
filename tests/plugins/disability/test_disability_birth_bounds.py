"""DOMAIN.md "People and identity numbers": an applicant born after the day of the application,
or before 1900-01-01 → 422 ``INVALID_ID_NUMBER`` (issue 11 item 5). On both engines."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.db


@pytest.mark.parametrize("born", [dt.date(2030, 1, 1), dt.date(1899, 12, 31)])
async def test_application_for_a_person_born_out_of_bounds(desk, born) -> None:
    await desk.today(dt.date(2026, 12, 2))
    r = await desk.apply(desk.new_id(born))
    assert r.status_code == 422 and r.json()["code"] == "INVALID_ID_NUMBER", r.text
