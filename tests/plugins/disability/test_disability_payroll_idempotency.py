"""API.md ``Idempotency-Key`` on the payroll run, which commits in batches of its own: the answer
is stored once the run succeeded, and a retry with the key replays it; an application filed twice
with one key is filed once."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.db
API = "/api/v1/disability"


async def test_a_retried_payroll_run_replays_its_answer(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2020, 1, 1), None))
    await desk.approved(number)
    headers = {**desk.reviewer, "Idempotency-Key": "payroll-2026-03"}
    first = await desk.client.post(f"{API}/payroll/2026-03", headers=headers)
    assert first.status_code == 200, first.text
    again = await desk.client.post(f"{API}/payroll/2026-03", headers=headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["beneficiaries"] == 1


async def test_an_application_sent_twice_with_one_key_is_filed_once(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2020, 1, 1), None))
    first = await desk.apply(number, headers={**desk.clerk, "Idempotency-Key": "apply-1"})
    assert first.status_code == 201, first.text
    again = await desk.apply(number, headers={**desk.clerk, "Idempotency-Key": "apply-1"})
    assert again.status_code == 201 and again.json() == first.json()
    without_key = await desk.apply(number)
    assert without_key.status_code == 409
    assert without_key.json()["code"] == "DUPLICATE_APPLICATION"
