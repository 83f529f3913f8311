"""The disability payroll at 100,000 beneficiaries, set-based against a naive per-row ORM loop.

    python -m bench.payroll [--people 100000] [--engines sqlite,postgres] [--sample 5000]

For each engine: a fresh database (a temporary SQLite file; PostgreSQL database
``minzheng_bench_<pid>`` on ``MINZHENG_BENCH_PG_URL``'s server, dropped afterwards), the
beneficiaries generated with bulk multi-row INSERTs (then ANALYZE) in three cohorts (¼ due
from 2026-01, ¼ from 2026-02, ½ from 2026-03) so that the runs of January, February and March
pay 25%, 50% and 100% of them. Printed: seconds per run, peak Python memory per run
(tracemalloc, in a second pass after a reset), and March computed for a sample by a naive
per-row ORM loop, scaled up, as a ratio against the set-based March. Then 2026's standard is
entered (higher than 2021's, at which January to March were paid) and April is run: its own lines
plus a difference line for every line already paid.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.scratch import create_pg_database, drop_pg_database

_DATA = tempfile.mkdtemp(prefix="minzheng-bench-payroll-")
os.environ.setdefault("MINZHENG_DATA_DIR", _DATA)
os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")

MONTHS = ("2026-01", "2026-02", "2026-03")
MAX_PARAMETERS = 30_000  # per INSERT statement (PostgreSQL allows 32,767)


# ---------------------------------------------------------------------------------------------
# Data: people, roster, approved applications and their grants, inserted in bulk.
# ---------------------------------------------------------------------------------------------


def _id_number(n: int) -> str:
    """A distinct, valid identity number for the n-th beneficiary (city code 440700)."""
    import datetime as dt

    from stdnum.cn import ric

    birth = dt.date(1950, 1, 1) + dt.timedelta(days=n // 500)
    body = f"440700{birth:%Y%m%d}{n % 500 * 2 + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


def _people(count: int) -> list[dict]:
    """Realistic mix: 60% in dibao (3% of them left in February), 45% grade 1–2; everyone holds
    at least one subsidy."""
    rng = random.Random(20260301)
    people = []
    for n in range(count):
        in_dibao = rng.random() < 0.6
        severe = rng.random() < 0.45 or not in_dibao
        cohort = 0 if n < count // 4 else (1 if n < count // 2 else 2)
        people.append(
            {
                "id_number": _id_number(n),
                "category": rng.randint(1, 7),
                "grade": rng.choice((1, 2)) if severe else rng.choice((3, 4)),
                "dibao": in_dibao,
                "left_dibao": in_dibao and rng.random() < 0.03,
                "month": MONTHS[cohort],
            }
        )
    return people


async def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from core.db import fetch

    row_sql = "(" + ", ".join(["{}"] * len(columns)) + ")"
    size = MAX_PARAMETERS // len(columns)
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        values = ", ".join([row_sql] * len(chunk))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"  # noqa: S608 (our names)
        await fetch(sql, *(value for row in chunk for value in row))


async def generate(count: int) -> int:
    """Insert ``count`` beneficiaries; returns the number of grants."""
    import datetime as dt

    from core.db import fetch_one

    people = _people(count)
    await _insert(
        "person",
        ("id_number", "name", "sex", "birth_date", "hukou_division", "marital_status", "phone"),
        [
            (p["id_number"], "受益人", "male", dt.date(1970, 1, 1), "440704", "unmarried", "")
            for p in people
        ],
    )
    await _insert(
        "assistance",
        ("id_number", "category", "valid_from", "valid_to"),
        [
            (
                p["id_number"],
                "dibao",
                dt.date(2024, 1, 1),
                dt.date(2026, 2, 10) if p["left_dibao"] else None,
            )
            for p in people
            if p["dibao"]
        ],
    )
    applications = []
    for p in people:
        granted = [s for s, ok in (("living", p["dibao"]), ("nursing", p["grade"] <= 2)) if ok]
        p["granted"] = granted
        applications.append(
            (
                p["id_number"], "受益人", f"{p['id_number']}{p['category']}{p['grade']}",
                p["category"], p["grade"], ",".join(granted), ",".join(granted),
                "living" in granted, "nursing" in granted, "[]",
                dt.date(int(p["month"][:4]), int(p["month"][5:]), 5), p["month"], "approved",
                p["month"], dt.date(2027, 1, 5),
            )
        )  # fmt: skip
    await _insert(
        "disability_application",
        (
            "id_number", "name", "card_no", "category", "grade", "requested", "granted",
            "eligible_living", "eligible_nursing", "reasons", "applied_on", "filed_month",
            "status", "starts_month", "next_review_on",
        ),
        applications,
    )  # fmt: skip
    first = await fetch_one("SELECT MIN(id) AS id FROM disability_application")
    grants = [
        (int(first["id"]) + n, p["id_number"], subsidy, p["month"])
        for n, p in enumerate(people)
        for subsidy in p["granted"]
    ]
    await _insert(
        "disability_grant", ("application", "id_number", "subsidy", "start_month"), grants
    )
    return len(grants)


# ---------------------------------------------------------------------------------------------
# The naive loop: what a per-row ORM implementation of the same rule does.
# ---------------------------------------------------------------------------------------------


async def naive_month(month: str, sample: int) -> int:
    from core.tables import Assistance, Person
    from plugins.disability.rules import (
        categories_in_month,
        month_bounds,
        month_range,
        next_month,
        standard_for,
    )
    from plugins.disability.services.standards import all_policies, all_standards, policy_in
    from plugins.disability.tables import Grant, Payment, PayrollRun

    standards, policies = await all_standards(), await all_policies()
    await PayrollRun.insert(PayrollRun(month=month, status="running"))
    run = await PayrollRun.select(PayrollRun.id).where(PayrollRun.month == month).first()
    paid = 0
    for grant in await Grant.select().order_by(Grant.id).limit(sample):
        start = (
            next_month(grant["settled_through"])
            if grant["settled_through"]
            else grant["start_month"]
        )
        person = await Person.select().where(Person.id_number == grant["id_number"]).first()
        entries = await Assistance.select().where(Assistance.id_number == grant["id_number"])
        spans = [(e["category"], e["valid_from"], e["valid_to"]) for e in entries]
        for period in month_range(start, month):
            first, _ = month_bounds(period)
            if grant["stops_from"] and period >= grant["stops_from"]:
                continue
            if person["deceased_on"] and person["deceased_on"] < first:
                continue
            categories = categories_in_month(spans, period)
            low_income = policy_in(policies, first).living_for_low_income
            in_roster = "dibao" in categories or (low_income and "low_income" in categories)
            if "tekun" in categories or (grant["subsidy"] == "living" and not in_roster):
                continue
            if await Payment.exists().where(
                (Payment.id_number == grant["id_number"])
                & (Payment.subsidy == grant["subsidy"])
                & (Payment.period_month == period)
            ):
                continue
            await Payment.insert(
                Payment(
                    run=run["id"],
                    grant_id=grant["id"],
                    id_number=grant["id_number"],
                    subsidy=grant["subsidy"],
                    period_month=period,
                    amount_fen=standard_for(standards, first.year).monthly_fen(grant["subsidy"]),
                )
            )
            paid += 1
        await Grant.update({Grant.settled_through: month}).where(Grant.id == grant["id"])
    return paid


# ---------------------------------------------------------------------------------------------


async def _reset() -> None:
    """Forget every payment and run, as if no payroll had ever run."""
    from core.db import fetch

    await fetch("DELETE FROM disability_payment")
    await fetch("DELETE FROM disability_payroll_run")
    await fetch("DELETE FROM disability_difference_settled")
    await fetch("UPDATE disability_grant SET settled_through = NULL")


async def bench_engine(url: str, people: int, sample: int) -> dict:
    from core import db
    from core.db import fetch, fetch_one
    from core.migrate import migrate
    from plugins.disability.services.payroll import run_payroll

    await migrate(url)
    await db.start()
    started = time.perf_counter()
    grants = await generate(people)
    await fetch("ANALYZE")  # planner statistics, as autovacuum would gather after a bulk load
    generated = time.perf_counter() - started
    result: dict = {"grants": grants, "generate_s": generated, "runs": []}

    # Pass 1: seconds. January and February first, then the naive sample of March, then March.
    for month in MONTHS[:2]:
        started = time.perf_counter()
        run = await run_payroll(month)
        result["runs"].append({**run, "seconds": time.perf_counter() - started})
    due_in_march = int(
        (await fetch_one("SELECT COUNT(*) AS n FROM disability_grant WHERE stops_from IS NULL"))[
            "n"
        ]
    )
    started = time.perf_counter()
    naive_lines = await naive_month(MONTHS[2], sample)
    naive_seconds = time.perf_counter() - started
    naive_rows = await fetch(
        "SELECT id_number, subsidy, period_month, amount_fen FROM disability_payment "
        "WHERE run = (SELECT id FROM disability_payroll_run WHERE month = {}) "
        "ORDER BY id_number, subsidy",
        MONTHS[2],
    )
    await fetch(
        "DELETE FROM disability_payment WHERE run = "
        "(SELECT id FROM disability_payroll_run WHERE month = {})",
        MONTHS[2],
    )
    await fetch(
        "UPDATE disability_grant SET settled_through = {} WHERE id IN "
        "(SELECT id FROM disability_grant ORDER BY id LIMIT {})",
        MONTHS[1],
        sample,
    )
    started = time.perf_counter()
    run = await run_payroll(MONTHS[2])
    result["runs"].append({**run, "seconds": time.perf_counter() - started})
    set_rows = await fetch(
        "SELECT p.id_number, p.subsidy, p.period_month, p.amount_fen FROM disability_payment p "
        "WHERE p.grant_id IN (SELECT id FROM disability_grant ORDER BY id LIMIT {}) "
        "AND p.period_month = {} ORDER BY p.id_number, p.subsidy",
        sample,
        MONTHS[2],
    )
    result["naive_agrees"] = [tuple(r.values()) for r in map(dict, naive_rows)] == [
        tuple(r.values()) for r in map(dict, set_rows)
    ]
    result["naive"] = {
        "sample": sample,
        "lines": naive_lines,
        "seconds": naive_seconds,
        "scaled_seconds": naive_seconds * due_in_march / sample,
    }

    # Pass 2: peak Python memory of each run, after forgetting pass 1.
    await _reset()
    for index, month in enumerate(MONTHS):
        tracemalloc.start()
        await run_payroll(month)
        result["runs"][index]["peak_kib"] = tracemalloc.get_traced_memory()[1] / 1024
        tracemalloc.stop()

    # Pass 3: 2026's standard is entered after March was paid at 2021's; April pays its own
    # lines and the difference for every line of January to March (补发差额).
    from plugins.disability.services.standards import set_standard

    await set_standard(2026, 19000, 25500)
    started = time.perf_counter()
    april = await run_payroll("2026-04")
    result["raised"] = {**april, "seconds": time.perf_counter() - started}
    counted = await fetch_one(
        "SELECT COUNT(*) AS n FROM disability_payment WHERE kind = 'difference'"
    )
    result["raised"]["difference_lines"] = int(counted["n"]) if counted else 0
    await db.stop()
    return result


def _report(engine: str, result: dict, people: int) -> None:
    print(f"\n== {engine}: {people:,} beneficiaries, {result['grants']:,} grants "
          f"(generated in {result['generate_s']:.1f} s)")  # fmt: skip
    header = ("month", "paid people", "lines", "total yuan", "seconds", "peak KiB")
    print("{:<8} {:>12} {:>8} {:>14} {:>8} {:>9}".format(*header))
    for run in result["runs"]:
        print(
            f"{run['month']:<8} {run['beneficiaries']:>12,} {run['lines']:>8,} "
            f"{run['total_fen'] / 100:>14,.2f} {run['seconds']:>8.2f} {run['peak_kib']:>9,.0f}"
        )
    naive = result["naive"]
    march = result["runs"][-1]["seconds"]
    print(
        f"naive per-row ORM loop: {naive['sample']:,} grants in {naive['seconds']:.2f} s "
        f"→ {naive['scaled_seconds']:.1f} s scaled to the month; set-based {march:.2f} s; "
        f"ratio {naive['scaled_seconds'] / march:.0f}×; same lines for the sample: "
        f"{result['naive_agrees']}"
    )
    raised = result["raised"]
    print(
        f"2026-04 after raising 2026's standard: {raised['lines']:,} lines of which "
        f"{raised['difference_lines']:,} differences ({raised['difference_fen'] / 100:,.2f} "
        f"yuan) in {raised['seconds']:.2f} s"
    )


async def main(people: int, engines: list[str], sample: int) -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    for engine in engines:
        if engine == "sqlite":
            url = f"sqlite:///{Path(_DATA) / 'bench.db'}"
            _report("SQLite", await bench_engine(url, people, sample), people)
        else:
            name = f"minzheng_bench_{os.getpid()}"
            url, version = await create_pg_database(name)
            try:
                result = await bench_engine(url, people, sample)
            finally:
                await drop_pg_database(name)
            _report(f"PostgreSQL {version}", result, people)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--sample", type=int, default=5000)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.engines.split(","), args.sample))
