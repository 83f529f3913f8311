"""``minzheng demo``: the funeral part is realistic and loads only once."""

from __future__ import annotations

import datetime as dt

import pytest

from core.audit import verify_chain
from plugins.funeral.demo import load_demo
from plugins.funeral.services.settlements import settlement_rows
from plugins.funeral.tables import FuneralSettlement, FuneralWaiver
from tests.plugins.funeral.support import TODAY

pytestmark = pytest.mark.db


async def test_demo_loads_recent_months_once(db, set_today):
    await set_today(TODAY)
    line = await load_demo(TODAY)
    assert "37 funeral waivers" in line
    rows = await FuneralWaiver.select()
    assert len(rows) == 38  # 36 people, one unidentified body, one correction
    assert {r["status"] for r in rows} == {"approved", "rejected"}
    assert {r["funeral_home"] for r in rows} == {"江门市殡仪馆", "鹤山市殡仪馆", "台山市殡仪馆"}
    assert len({r["recorded_on"].strftime("%Y-%m") for r in rows}) == 4
    assert sum(1 for r in rows if r["voided_on"] is not None) == 2
    assert all(r["recorded_on"] <= TODAY and r["died_on"] <= r["recorded_on"] for r in rows)
    settled = await FuneralSettlement.select(FuneralSettlement.month)
    assert [s["month"] for s in settled] == ["2025-12", "2026-01"]
    current, _ = await settlement_rows("2026-03")
    assert sum(row["correction_cases"] for row in current) == -2
    assert (await verify_chain()).ok

    assert await load_demo(TODAY + dt.timedelta(days=1)) == "funeral waivers already loaded"
    assert await FuneralWaiver.count() == 38
