"""The monthly payroll (DOMAIN.md): every due month ≤ M not yet paid, at that period's year's
standard, each line naming its period month; never twice — rerun, concurrent runs, a crash
halfway and a rerun leave no duplicate and no gap."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

API = "/api/v1/disability"
L20, N20, L21, N21 = 17500, 23500, 18100, 24300  # DOMAIN.md's standards (fen a month)


async def _lines() -> list[tuple[str, str, str, int]]:
    from core.db import fetch

    rows = await fetch(
        "SELECT id_number, subsidy, period_month, amount_fen FROM disability_payment "
        "ORDER BY id_number, subsidy, period_month"
    )
    return [(r["id_number"], r["subsidy"], r["period_month"], r["amount_fen"]) for r in rows]


async def test_arrears_are_paid_at_each_period_years_standard(desk) -> None:
    """Filed in December 2020, approved in January 2021: the January payroll pays December at
    the 2020 standard and January at the 2021 standard, each line naming its month."""
    await desk.today(dt.date(2020, 12, 10))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2020, 1, 1), None))
    r = await desk.apply(number)
    application_id = r.json()["id"]
    await desk.client.post(
        f"{API}/applications/{application_id}/street-review",
        json={"approve": True},
        headers=desk.clerk,
    )
    await desk.today(dt.date(2021, 1, 8))
    await desk.client.post(f"{API}/applications/{application_id}/approve", headers=desk.reviewer)
    run = await desk.payroll("2021-01")
    assert run["month"] == "2021-01" and run["status"] == "complete"
    assert run["beneficiaries"] == 1
    assert run["living_fen"] == L20 + L21 and run["nursing_fen"] == N20 + N21
    assert run["total_fen"] == L20 + L21 + N20 + N21
    assert await _lines() == [
        (number, "living", "2020-12", L20),
        (number, "living", "2021-01", L21),
        (number, "nursing", "2020-12", N20),
        (number, "nursing", "2021-01", N21),
    ]


async def test_consecutive_months_across_a_roster_end_and_a_death(desk) -> None:
    """A: living + nursing, leaves dibao on 15 April → living stops from May.
    B: nursing only, dies on 20 May → stops from June. C: living only, in dibao throughout.
    Every total checked; each rerun returns the same run and pays nobody twice."""
    await desk.today(dt.date(2026, 3, 3))
    a, b, c = desk.new_id(), desk.new_id(), desk.new_id()
    await desk.roster(
        (a, "dibao", dt.date(2025, 1, 1), dt.date(2026, 4, 15)),
        (c, "dibao", dt.date(2025, 6, 1), None),
    )
    await desk.approved(a, grade=1)
    await desk.approved(b, grade=2, subsidies=["nursing"])
    await desk.approved(c, grade=4, subsidies=["living"])

    expected = {
        "2026-03": (3, 2 * L21, 2 * N21),
        "2026-04": (3, 2 * L21, 2 * N21),
        "2026-05": (3, 1 * L21, 2 * N21),  # A no longer in dibao
        "2026-06": (2, 1 * L21, 1 * N21),  # B died in May
    }
    runs = []
    for month, (people, living, nursing) in expected.items():
        await desk.today(dt.date(int(month[:4]), int(month[5:]), 25))
        if month == "2026-06":
            r = await desk.client.patch(
                f"/api/v1/people/{b}", json={"deceased_on": "2026-05-20"}, headers=desk.clerk
            )
            assert r.status_code == 200
        run = await desk.payroll(month)
        assert (run["beneficiaries"], run["living_fen"], run["nursing_fen"]) == (
            people,
            living,
            nursing,
        ), month
        assert run["total_fen"] == living + nursing
        before = await _lines()
        assert await desk.payroll(month) == run  # the same run
        assert await _lines() == before  # nobody paid twice
        runs.insert(0, run)

    listed = await desk.client.get(f"{API}/payroll?limit=3", headers=desk.reviewer)
    assert listed.json() == {"items": runs[:3], "total": 4}  # newest first, as each was answered

    lines = await _lines()
    assert len(lines) == len(set((n, s, m) for n, s, m, _ in lines))
    assert [m for n, s, m, _ in lines if n == a and s == "living"] == ["2026-03", "2026-04"]
    assert [m for n, s, m, _ in lines if n == b] == ["2026-03", "2026-04", "2026-05"]


async def test_living_subsidy_follows_the_roster_month_by_month(desk) -> None:
    """Out of dibao for April only: April's living subsidy is not paid, May's is."""
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    await desk.roster(
        (number, "dibao", dt.date(2025, 1, 1), dt.date(2026, 3, 31)),
        (number, "dibao", dt.date(2026, 5, 1), None),
    )
    await desk.approved(number, grade=3, subsidies=["living"])
    await desk.today(dt.date(2026, 5, 28))
    run = await desk.payroll("2026-05")
    assert run["living_fen"] == 2 * L21
    assert [m for _, _, m, _ in await _lines()] == ["2026-03", "2026-05"]


async def test_a_complete_run_is_final_and_later_arrears_go_to_the_next_month(desk) -> None:
    await desk.today(dt.date(2026, 4, 2))
    first = desk.new_id()
    await desk.approved(first, subsidies=["nursing"])
    run = await desk.payroll("2026-04")
    second = desk.new_id()
    await desk.approved(second, subsidies=["nursing"])  # approved after April's run
    assert await desk.payroll("2026-04") == run
    await desk.today(dt.date(2026, 5, 2))
    may = await desk.payroll("2026-05")
    assert may["beneficiaries"] == 2 and may["nursing_fen"] == 3 * N21  # incl. second's April


@pytest.mark.slow
async def test_concurrent_runs_of_one_month_pay_each_line_once(desk) -> None:
    from plugins.disability.services.payroll import run_payroll

    await desk.today(dt.date(2026, 3, 3))
    numbers = [desk.new_id() for _ in range(12)]
    await desk.roster(*((n, "dibao", dt.date(2025, 1, 1), None) for n in numbers))
    for number in numbers:
        await desk.approved(number)
    await desk.today(dt.date(2026, 4, 20))
    runs = await asyncio.gather(*(run_payroll("2026-04", batch_size=5) for _ in range(3)))
    assert all(run == runs[0] for run in runs)
    assert runs[0]["beneficiaries"] == 12 and runs[0]["lines"] == 12 * 4
    assert runs[0]["total_fen"] == 12 * 2 * (L21 + N21)
    lines = await _lines()
    assert len(lines) == 48 == len(set((n, s, m) for n, s, m, _ in lines))


class Crash(RuntimeError):
    pass


async def test_a_crash_halfway_and_a_rerun_leave_no_duplicate_and_no_gap(desk) -> None:
    from plugins.disability.services.payroll import run_payroll

    await desk.today(dt.date(2026, 3, 3))
    numbers = [desk.new_id() for _ in range(7)]
    for number in numbers:
        await desk.approved(number, subsidies=["nursing"])
    await desk.today(dt.date(2026, 4, 9))

    def crash_after_first_batch(done: int, total: int) -> None:
        raise Crash(f"power cut after {done} of {total}")

    with pytest.raises(Crash):
        await run_payroll("2026-04", batch_size=3, progress=crash_after_first_batch)
    half = await _lines()
    assert len(half) == 3 * 2  # the first batch (3 grants, March and April) committed
    r = await desk.client.get(f"{API}/payroll/2026-04", headers=desk.reviewer)
    assert r.json()["status"] == "running"

    run = await desk.payroll("2026-04")
    assert run["status"] == "complete"
    assert run["beneficiaries"] == 7 and run["nursing_fen"] == 7 * 2 * N21
    lines = await _lines()
    assert set(half) <= set(lines)
    assert sorted((n, m) for n, _, m, _ in lines) == sorted(
        (n, m) for n in numbers for m in ("2026-03", "2026-04")
    )


async def test_months_that_have_not_begun_or_are_malformed_are_refused(desk) -> None:
    await desk.today(dt.date(2026, 4, 9))
    r = await desk.client.post(f"{API}/payroll/2026-05", headers=desk.reviewer)
    assert r.status_code == 422 and r.json()["code"] == "MONTH_NOT_STARTED"
    r = await desk.client.post(f"{API}/payroll/2026-4", headers=desk.reviewer)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_MONTH"
    r = await desk.client.get(f"{API}/payroll/2026-03", headers=desk.reviewer)
    assert r.status_code == 404
    r = await desk.client.post(f"{API}/payroll/2026-04", headers=desk.clerk)
    assert r.status_code == 403
    r = await desk.client.get(f"{API}/payroll/2026-04/csv")
    assert r.status_code == 401


async def test_lines_csv_and_pdf_of_a_run(desk) -> None:
    await desk.today(dt.date(2026, 3, 3))
    numbers = [desk.new_id() for _ in range(3)]
    await desk.roster(*((n, "dibao", dt.date(2025, 1, 1), None) for n in numbers))
    for number in numbers:
        await desk.approved(number, bank_account="6217000011112222")
    await desk.today(dt.date(2026, 4, 9))
    run = await desk.payroll("2026-04")

    r = await desk.client.get(f"{API}/payroll/2026-04?limit=5&offset=10", headers=desk.reviewer)
    body = r.json()
    assert body["total_fen"] == run["total_fen"] and body["lines"]["total"] == 12
    assert len(body["lines"]["items"]) == 2  # lines 11 and 12
    line = body["lines"]["items"][0]
    assert set(line) == {"id_number", "name", "subsidy", "period_month", "amount_fen", "kind"}
    assert line["kind"] == "regular"
    assert "*" in line["id_number"]
    r = await desk.client.get(f"{API}/payroll/2026-04?limit=501", headers=desk.reviewer)
    assert r.status_code == 400

    r = await desk.client.get(f"{API}/payroll/2026-04/csv", headers=desk.reviewer)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 12
    assert sum(int(row["amount_fen"]) for row in rows) == run["total_fen"]
    assert {row["id_number"] for row in rows} == set(numbers)  # the bank needs full numbers
    assert {row["period_month"] for row in rows} == {"2026-03", "2026-04"}
    assert all(row["bank_account"] == "6217000011112222" for row in rows)
    assert {row["kind"] for row in rows} == {"regular"}
    from core.tables import AuditEvent

    assert await AuditEvent.exists().where(AuditEvent.action == "disability.payroll.exported")

    r = await desk.client.get(f"{API}/payroll/2026-04/pdf", headers=desk.reviewer)
    assert r.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "2026-04" in text and "2026-03" in text
    assert "困难残疾人生活补贴" in text and "重度残疾人护理补贴" in text
    assert "543.00" in text and "729.00" in text  # per month: 3 × 181 and 3 × 243 yuan
    assert "2,544.00" in text  # the total: 3 people × 2 months × (181 + 243) yuan


async def test_an_admins_new_standard_is_used_from_its_year(desk) -> None:
    r = await desk.client.put(
        f"{API}/standards/2026",
        json={"living_monthly_fen": 19000, "nursing_monthly_fen": 25000},
        headers=desk.admin,
    )
    assert r.status_code == 200
    await desk.today(dt.date(2026, 1, 5))
    await desk.approved(desk.new_id(), subsidies=["nursing"])
    assert (await desk.payroll("2026-01"))["nursing_fen"] == 25000


async def test_the_cli_command_runs_the_month_with_progress(desk) -> None:
    import argparse

    from core.plugins import get_host
    from plugins.disability.cli import PAYROLL_COMMAND

    assert get_host().cli_commands()["payroll"] is PAYROLL_COMMAND  # `minzheng payroll …`
    await desk.today(dt.date(2026, 3, 3))
    await desk.approved(desk.new_id(), subsidies=["nursing"])
    parser = argparse.ArgumentParser()
    PAYROLL_COMMAND.configure(parser)
    args = parser.parse_args(["run", "2026-03", "--batch-size", "100"])
    assert await PAYROLL_COMMAND.run(args) == 0
    r = await desk.client.get(f"{API}/payroll/2026-03", headers=desk.reviewer)
    assert r.json()["nursing_fen"] == N21 and r.json()["status"] == "complete"
