"""Two clerks saving the same deceased at the same moment: exactly one waiver, no 500."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.plugins.funeral.support import person_number, roster, waiver

pytestmark = [pytest.mark.db, pytest.mark.slow]


async def test_concurrent_duplicates_leave_exactly_one_waiver(client, clerk, staff):
    number = person_number(dt.date(1944, 6, 6))
    await roster((number, "陈婆", "dibao", dt.date(2021, 1, 1), None))
    other = await staff("clerk", office_code="JH02")
    bodies = [waiver(number, dt.date(2026, 3, 19), name="陈婆") for _ in range(6)]
    replies = await asyncio.gather(
        *(
            client.post("/api/v1/funeral/waivers", json=body, headers=(clerk, other)[i % 2])
            for i, body in enumerate(bodies)
        )
    )
    codes = sorted(r.status_code for r in replies)
    assert codes == [201, 409, 409, 409, 409, 409], [r.text for r in replies]
    assert {r.json()["code"] for r in replies if r.status_code == 409} == {"DUPLICATE_WAIVER"}
    listed = await client.get("/api/v1/funeral/waivers", headers=clerk)
    assert listed.json()["total"] == 1
    assert listed.json()["items"][0]["notice_no"].endswith("-000001")


async def test_concurrent_unidentified_duplicates(client, clerk):
    body = waiver(None, dt.date(2026, 3, 19), certificate="江公认字〔2026〕7号")
    replies = await asyncio.gather(
        *(client.post("/api/v1/funeral/waivers", json=body, headers=clerk) for _ in range(4))
    )
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409]
