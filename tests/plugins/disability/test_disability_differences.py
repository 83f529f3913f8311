"""Disability standards over time (issue 11 item 4; DOMAIN.md "The two disability subsidies";
API.md ``GET /standards``, ``PUT /standards/{year}``, ``POST /payroll/{month}``): a year without
its own standard is paid provisionally at the latest earlier one; a standard raised after
January's payroll makes the next payroll pay the differences as ``difference`` lines naming
their month, never twice. On both engines."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

API = "/api/v1/disability"
L21, N21 = 18100, 24300  # 2021's standard, which 2026 is paid at until 2026's is entered

pytestmark = pytest.mark.db


async def _standard(desk, year: int, living: int, nursing: int) -> dict:
    r = await desk.client.put(
        f"{API}/standards/{year}",
        json={"living_monthly_fen": living, "nursing_monthly_fen": nursing},
        headers=desk.admin,
    )
    assert r.status_code == 200, r.text
    return r.json()


async def _lines(desk, month: str) -> list[tuple[str, str, str, int]]:
    r = await desk.client.get(f"{API}/payroll/{month}?limit=500", headers=desk.reviewer)
    assert r.status_code == 200, r.text
    return sorted(
        (line["kind"], line["subsidy"], line["period_month"], line["amount_fen"])
        for line in r.json()["lines"]["items"]
    )


@pytest.fixture
async def january(desk):
    """One dibao beneficiary of both subsidies, filed and approved in January 2026, paid by
    January's payroll at 2021's standard (2026 has none yet)."""
    await desk.today(dt.date(2026, 1, 6))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    await desk.approved(number)
    run = await desk.payroll("2026-01")
    return number, run


async def test_a_year_without_its_standard_is_paid_provisionally(desk, january) -> None:
    _, run = january
    assert (run["living_fen"], run["nursing_fen"], run["difference_fen"]) == (L21, N21, 0)
    assert run["provisional_standard"] is True
    listed = {s["year"]: s for s in (await desk.client.get(f"{API}/standards")).json()}
    assert listed[2026] == {
        "year": 2026,
        "living_monthly_fen": L21,
        "nursing_monthly_fen": N21,
        "confirmed": False,
        "paid_at_year": 2021,
    }
    # the pages say so (in Chinese by default, in English when asked)
    page = await desk.client.get("/disability/payroll", headers=desk.reviewer)
    assert "暂定标准" in page.text and "2022, 2023, 2024, 2025, 2026" in page.text
    run_page = await desk.client.get("/disability/payroll/2026-01", headers=desk.reviewer)
    assert "暂定标准" in run_page.text
    english = await desk.client.get("/disability/payroll/2026-01?lang=en", headers=desk.reviewer)
    assert "Provisional standard" in english.text
    # the confirmation before paying a month names the standard it will be paid at
    ask = await desk.client.post(
        "/disability/payroll?lang=en", data={"month": "2026-01"}, headers=desk.reviewer
    )
    assert ask.status_code == 200 and "Provisional: the standard of 2021" in ask.text


async def test_a_standard_raised_after_januarys_payroll(desk, january) -> None:
    number, _ = january
    await desk.today(dt.date(2026, 2, 9))
    await _standard(desk, 2026, 19000, 25500)
    ask = await desk.client.post(
        "/disability/payroll?lang=en", data={"month": "2026-02"}, headers=desk.reviewer
    )
    assert ask.status_code == 200 and "Provisional" not in ask.text
    run = await desk.payroll("2026-02")
    # February at the new standard, and January's difference as separate lines
    assert run["provisional_standard"] is False
    assert run["difference_fen"] == (19000 - L21) + (25500 - N21)
    assert run["total_fen"] == 19000 + 25500 + run["difference_fen"]
    assert await _lines(desk, "2026-02") == [
        ("difference", "living", "2026-01", 19000 - L21),
        ("difference", "nursing", "2026-01", 25500 - N21),
        ("regular", "living", "2026-02", 19000),
        ("regular", "nursing", "2026-02", 25500),
    ]
    # idempotent: the same run again, and never twice in a later run
    assert await desk.payroll("2026-02") == run
    await desk.today(dt.date(2026, 3, 9))
    march = await desk.payroll("2026-03")
    assert march["difference_fen"] == 0
    assert [line[0] for line in await _lines(desk, "2026-03")] == ["regular", "regular"]

    # the bank file and the PDF show the difference lines with their month
    r = await desk.client.get(f"{API}/payroll/2026-02/csv", headers=desk.reviewer)
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    differences = [row for row in rows if row["kind"] == "difference"]
    assert {(row["subsidy"], row["period_month"]) for row in differences} == {
        ("living", "2026-01"),
        ("nursing", "2026-01"),
    }
    assert all(row["id_number"] == number for row in rows)
    assert sum(int(row["amount_fen"]) for row in rows) == run["total_fen"]
    r = await desk.client.get(f"{API}/payroll/2026-02/pdf", headers=desk.reviewer)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "补发差额" in text and "2026-01" in text and "21.00" in text


async def test_a_second_raise_pays_only_the_further_difference(desk, january) -> None:
    await desk.today(dt.date(2026, 2, 9))
    await _standard(desk, 2026, 19000, 25500)
    await desk.payroll("2026-02")
    await desk.today(dt.date(2026, 3, 9))
    await _standard(desk, 2026, 19500, 25500)  # living raised again, nursing unchanged
    march = await desk.payroll("2026-03")
    assert march["difference_fen"] == 2 * 500  # January and February, living only
    assert [line for line in await _lines(desk, "2026-03") if line[0] == "difference"] == [
        ("difference", "living", "2026-01", 500),
        ("difference", "living", "2026-02", 500),
    ]
    # a lower standard takes nothing back
    await desk.today(dt.date(2026, 4, 9))
    await _standard(desk, 2026, 18000, 25000)
    april = await desk.payroll("2026-04")
    assert april["difference_fen"] == 0 and april["total_fen"] == 18000 + 25000


async def test_entering_an_earlier_year_reaches_the_years_paid_at_it(desk) -> None:
    """2025 is paid at 2021's standard; entering 2024's standard afterwards changes what 2025 is
    paid at too (the latest earlier standard), so 2025's months get the difference."""
    await desk.today(dt.date(2025, 12, 3))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    await desk.approved(number, subsidies=["living"])
    december = await desk.payroll("2025-12")
    assert december["living_fen"] == L21 and december["provisional_standard"] is True
    await desk.today(dt.date(2026, 1, 5))
    await _standard(desk, 2024, 18600, 24800)
    january = await desk.payroll("2026-01")
    assert january["difference_fen"] == 18600 - L21
    assert ("difference", "living", "2025-12", 500) in await _lines(desk, "2026-01")
    listed = {s["year"]: s for s in (await desk.client.get(f"{API}/standards")).json()}
    assert (listed[2025]["living_monthly_fen"], listed[2025]["paid_at_year"]) == (18600, 2024)
    assert january["provisional_standard"] is True  # 2026 still has none of its own


async def test_the_standards_page_marks_provisional_years(desk) -> None:
    await desk.today(dt.date(2026, 2, 9))
    page = await desk.client.get("/disability/standards", headers=desk.admin)
    assert page.status_code == 200
    assert "2022, 2023, 2024, 2025, 2026" in page.text
    await _standard(desk, 2026, 19000, 25500)
    page = await desk.client.get("/disability/standards", headers=desk.admin)
    assert "2022, 2023, 2024, 2025" in page.text and "2025, 2026" not in page.text
