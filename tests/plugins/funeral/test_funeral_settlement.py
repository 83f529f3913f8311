"""Monthly settlement per funeral home (DOMAIN.md: the home waives at the counter and claims the
total back monthly): JSON, CSV for Excel, PDF; late corrections never change a settled month."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tests.plugins.funeral.support import HOME, OTHER_HOME, person_number, roster, waiver

pytestmark = pytest.mark.db

FEB = dt.date(2026, 2, 10)
MAR = dt.date(2026, 3, 5)


async def _record(client, headers, seq, home=HOME, *, eligible=True, fee=30000):
    number = person_number(dt.date(1940, 1, 1), seq=seq)
    if eligible:
        await roster((number, f"逝者{seq}", "dibao", dt.date(2020, 1, 1), None))
    body = waiver(
        number,
        FEB - dt.timedelta(days=2),
        name=f"逝者{seq}",
        home=home,
        items=[{"code": "cremation", "fee_fen": fee}, {"code": "urn", "fee_fen": 10000}],
        # not on the roster and a resident of elsewhere: rejected (DOMAIN.md, 粤民发〔2015〕37号)
        hukou_division=None if eligible else "110105",
    )
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def months(client, clerk, reviewer, set_today):
    """February: three approved waivers at two homes and one rejected; March: one more, and
    the first February waiver voided."""
    await set_today(FEB)
    a = await _record(client, clerk, 1)  # 250 + 100 yuan
    await _record(client, clerk, 2, fee=20000)  # 200 + 100 yuan
    await _record(client, clerk, 3, OTHER_HOME)
    await _record(client, clerk, 4, eligible=False)
    feb_before = (await client.get("/api/v1/funeral/settlements/2026-02", headers=reviewer)).json()
    await set_today(MAR)
    await _record(client, clerk, 5)
    voided = await client.post(
        f"/api/v1/funeral/waivers/{a['id']}/void", json={"reason": "家属重复申报"}, headers=clerk
    )
    assert voided.status_code == 200, voided.text
    return feb_before


def _by_home(rows):
    return {row["funeral_home"]: row for row in rows}


async def test_json_rows_per_home_and_month(client, reviewer, months):
    feb = _by_home(
        (await client.get("/api/v1/funeral/settlements/2026-02", headers=reviewer)).json()
    )
    assert {h: (r["cases"], r["waived_fen"]) for h, r in feb.items()} == {
        HOME: (2, 35000 + 30000),
        OTHER_HOME: (1, 35000),
    }
    mar = _by_home(
        (await client.get("/api/v1/funeral/settlements/2026-03", headers=reviewer)).json()
    )
    assert list(mar) == [HOME]
    row = mar[HOME]
    assert (row["waiver_cases"], row["waiver_fen"]) == (1, 35000)
    assert (row["correction_cases"], row["correction_fen"]) == (-1, -35000)
    assert (row["cases"], row["waived_fen"]) == (0, 0)
    empty = await client.get("/api/v1/funeral/settlements/2025-12", headers=reviewer)
    assert empty.json() == []


async def test_a_void_never_changes_the_month_already_claimed(client, reviewer, months):
    feb = (await client.get("/api/v1/funeral/settlements/2026-02", headers=reviewer)).json()
    assert feb == months


async def test_confirming_a_month_freezes_it(client, clerk, reviewer, months, set_today):
    url = "/api/v1/funeral/settlements/2026-02"
    r = await client.post(f"{url}/confirm", headers=reviewer)
    assert r.status_code == 201, r.text
    assert r.json()["settled"] is True
    again = await client.post(f"{url}/confirm", headers=reviewer)
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_SETTLED")
    current = await client.post("/api/v1/funeral/settlements/2026-03/confirm", headers=reviewer)
    assert (current.status_code, current.json()["code"]) == (422, "MONTH_NOT_OVER")
    rows = (await client.get(url, headers=reviewer)).json()
    assert all(row["settled"] for row in rows)
    assert [(r["funeral_home"], r["cases"]) for r in rows] == [(HOME, 2), (OTHER_HOME, 1)]
    # Even with the clock turned back, nothing can be dated into a settled month.
    await set_today(FEB + dt.timedelta(days=5))
    body = waiver(person_number(dt.date(1950, 1, 1), seq=9), FEB)
    late = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert (late.status_code, late.json()["code"]) == (409, "MONTH_SETTLED")
    assert (await client.get(url, headers=reviewer)).json() == rows


async def test_csv_opens_in_excel_with_chinese_columns(client, reviewer, months):
    r = await client.get("/api/v1/funeral/settlements/2026-03/csv", headers=reviewer)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["结算月份", "殡仪馆"]
    assert rows[1] == ["2026-03", HOME, "1", "350.00", "-1", "-350.00", "0", "0.00"]
    assert rows[-1][1] == "合计"


async def test_pdf_statement(client, reviewer, months):
    r = await client.get("/api/v1/funeral/settlements/2026-02/pdf", headers=reviewer)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "惠民殡葬基本服务费减免结算表" in text
    assert HOME in text and OTHER_HOME in text
    assert "1000.00" in text  # 2 + 1 cases, 650 + 350 yuan in total


async def test_settlements_are_for_reviewers(client, clerk, staff, months):
    for headers in ({}, clerk, await staff("admin")):
        r = await client.get("/api/v1/funeral/settlements/2026-02", headers=headers)
        assert r.status_code == (401 if not headers else 403)
    reviewer = await staff("reviewer")
    for month in ("2026-13", "2026-2", "march"):
        r = await client.get(f"/api/v1/funeral/settlements/{month}/csv", headers=reviewer)
        assert (r.status_code, r.json()["code"]) == (422, "INVALID_MONTH")


async def test_a_homes_case_statement_reconciles_with_its_row(client, reviewer, months):
    url = "/api/v1/funeral/settlements/2026-03/cases"
    r = await client.get(url, params={"funeral_home": HOME}, headers=reviewer)
    cases = r.json()
    # Both on the same day: the void of February's first waiver, then March's own waiver.
    assert [(c["kind"], c["waived_fen"]) for c in cases] == [
        ("correction", -35000),
        ("waiver", 35000),
    ]
    assert cases[0]["on"] == MAR.isoformat() and cases[0]["deceased"] == "逝*1"
    row = _by_home(
        (await client.get("/api/v1/funeral/settlements/2026-03", headers=reviewer)).json()
    )
    assert sum(c["waived_fen"] for c in cases) == row[HOME]["waived_fen"]
    feb = await client.get(
        "/api/v1/funeral/settlements/2026-02/cases", params={"funeral_home": HOME}, headers=reviewer
    )
    assert len(feb.json()) == 2  # the rejected case is not claimed
    pdf = await client.get(f"{url}/pdf", params={"funeral_home": HOME}, headers=reviewer)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "惠民殡葬减免结算明细表" in text and HOME in text and "-350.00" in text
    csv_body = await client.get(f"{url}/csv", params={"funeral_home": HOME}, headers=reviewer)
    assert csv_body.content.startswith(b"\xef\xbb\xbf")
    assert (await client.get(url, headers=reviewer)).status_code == 400  # which home?
