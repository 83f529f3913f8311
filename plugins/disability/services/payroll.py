"""The monthly payroll, set-based: ``INSERT … SELECT`` per batch of grants, never a row loop.

For month M every approved grant is paid each due month ≤ M it has not been settled for, at the
standard of that period month's year (a year without its own standard: the latest earlier one,
and the run is marked ``provisional_standard``). After the regular lines, the run pays the
differences (补发差额, ``kind = 'difference'``) for months paid below the standard their year
is paid at now — after the admin raised it — one line per (person, subsidy, month), never
twice: the amount is the standard minus everything already paid for that month.

The living subsidy is paid for a period month only when the person was in ``dibao`` (or
``low_income`` under the extension) that month; neither subsidy for a month the person was in
``tekun`` or that began after their recorded death.

Why nothing is ever paid twice, and nothing is skipped:
- the partial unique index ``disability_payment_regular_key`` on (id_number, subsidy,
  period_month) of regular lines, ``disability_payment_difference_key`` adding the run for
  difference lines, and every insert is ``ON CONFLICT DO NOTHING``;
- each batch inserts its lines and advances its grants' ``settled_through`` in one transaction,
  so a crash leaves whole batches done or not done, and a rerun continues with the rest;
- batches of every payroll run are serialised (a transaction-scoped advisory lock on
  PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two runs at once interleave whole batches.
A complete run is final: running its month again returns it unchanged (arrears that become due
later, e.g. a later approval, are paid by the next month's run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from core import audit, clock, db
from core.context import current_actor
from core.db import fetch, fetch_one, offloaded, write_transaction
from core.refusals import Refusal
from plugins.disability.rules import (
    month_bounds,
    month_of,
    month_range,
    parse_month,
    year_standard,
)
from plugins.disability.rules.standards import SUBSIDIES, YearStandard
from plugins.disability.services.standards import (
    all_policies,
    all_standards,
    policy_in,
    year_standing,
)

BATCH_SIZE = 5000
PAYROLL_LOCK = 440_704_005  # advisory lock key: the district code and this plugin's number
Progress = Callable[[int, int], None]

# A grant still to settle for month M: started by M, not stopped before it began, and
# not yet settled through M (written out in each statement below).
_COUNT_PENDING = """
SELECT COUNT(*) AS n FROM disability_grant
WHERE start_month <= {} AND (stops_from IS NULL OR stops_from > start_month)
  AND (settled_through IS NULL OR settled_through < {})
"""
_NEXT_BATCH = """
SELECT MAX(id) AS hi FROM (
  SELECT id FROM disability_grant
  WHERE id > {} AND start_month <= {} AND (stops_from IS NULL OR stops_from > start_month)
    AND (settled_through IS NULL OR settled_through < {})
  ORDER BY id LIMIT {}) AS batch
"""
_FIRST_MONTH = """
SELECT MIN(COALESCE(settled_through, start_month)) AS first FROM disability_grant
WHERE id > {} AND id <= {} AND start_month <= {}
  AND (stops_from IS NULL OR stops_from > start_month)
  AND (settled_through IS NULL OR settled_through < {})
"""
_SETTLE = """
UPDATE disability_grant SET settled_through = {}
WHERE id > {} AND id <= {} AND start_month <= {}
  AND (stops_from IS NULL OR stops_from > start_month)
  AND (settled_through IS NULL OR settled_through < {})
"""


def valid_month(month: str) -> str:
    parse_month(month)
    return month


async def _serialise(*, durable: bool) -> None:
    """Batches of all payroll runs one at a time: IMMEDIATE transactions do it on SQLite, a
    transaction-scoped advisory lock on PostgreSQL. A batch's commit need not wait for the disk
    there (not ``durable``): a batch lost in a server crash is lost whole and the rerun pays it;
    the run's completion is written durably."""
    if not db.is_sqlite():
        await fetch("SELECT pg_advisory_xact_lock({})", PAYROLL_LOCK)
        if not durable:
            await fetch("SET LOCAL synchronous_commit TO OFF")


def _months_sql(count: int) -> str:
    """A ``months`` table of ``count`` parameter rows; dates need a cast on PostgreSQL only
    (SQLite stores them as ISO text and compares text)."""
    day = "{}" if db.is_sqlite() else "CAST({} AS DATE)"
    number = "CAST({} AS INTEGER)"
    row = f"(CAST({{}} AS TEXT), {day}, {day}, {number}, {number}, {number})"
    return ", ".join([row] * count)


_INSERT_LINES = """
WITH months (period_month, first_day, last_day, living_fen, nursing_fen, low_income_ok)
AS (VALUES {months})
INSERT INTO disability_payment
  (run, grant_id, id_number, subsidy, period_month, amount_fen, kind)
SELECT CAST({{}} AS INTEGER), g.id, g.id_number, g.subsidy, m.period_month,
       CASE WHEN g.subsidy = 'living' THEN m.living_fen ELSE m.nursing_fen END, 'regular'
FROM disability_grant g
JOIN months m ON m.period_month >= g.start_month
     AND (g.settled_through IS NULL OR m.period_month > g.settled_through)
     AND (g.stops_from IS NULL OR m.period_month < g.stops_from)
WHERE g.id > {{}} AND g.id <= {{}}
  AND NOT EXISTS (
      SELECT 1 FROM person pe WHERE pe.id_number = g.id_number
      AND pe.deceased_on IS NOT NULL AND pe.deceased_on < m.first_day)
  AND NOT EXISTS (
      SELECT 1 FROM assistance t WHERE t.id_number = g.id_number AND t.category = 'tekun'
      AND t.valid_from <= m.last_day AND (t.valid_to IS NULL OR t.valid_to >= m.first_day))
  AND (g.subsidy <> 'living' OR EXISTS (
      SELECT 1 FROM assistance a WHERE a.id_number = g.id_number
      AND (a.category = 'dibao' OR (m.low_income_ok = 1 AND a.category = 'low_income'))
      AND a.valid_from <= m.last_day AND (a.valid_to IS NULL OR a.valid_to >= m.first_day)))
ON CONFLICT (id_number, subsidy, period_month) WHERE kind = 'regular' DO NOTHING
"""

# Differences (补发差额): per (person, subsidy, period month) of a year whose standard is now higher
# than what was paid for it in total, the rest, as one line of this run. Only the (year, subsidy)
# pairs in ``targets`` are looked at (those whose standard rose since differences were last
# settled), so an unchanged standard costs nothing.
_INSERT_DIFFERENCES = """
WITH targets (year, subsidy, target_fen) AS (VALUES {targets})
INSERT INTO disability_payment
  (run, grant_id, id_number, subsidy, period_month, amount_fen, kind)
SELECT CAST({{}} AS INTEGER), MIN(p.grant_id), p.id_number, p.subsidy, p.period_month,
       MAX(t.target_fen) - SUM(p.amount_fen), 'difference'
FROM disability_payment p
JOIN targets t ON t.subsidy = p.subsidy AND t.year = SUBSTR(p.period_month, 1, 4)
WHERE p.period_month <= {{}}
GROUP BY p.id_number, p.subsidy, p.period_month
HAVING SUM(p.amount_fen) < MAX(t.target_fen)
ON CONFLICT (id_number, subsidy, period_month, run) WHERE kind = 'difference' DO NOTHING
"""
_PAID_BELOW = """
SELECT SUBSTR(period_month, 1, 4) AS year, subsidy, MIN(amount_fen) AS lowest
FROM disability_payment WHERE kind = 'regular' AND period_month <= {}
GROUP BY SUBSTR(period_month, 1, 4), subsidy
"""


class MonthTable:
    """Per period month: its days, the amounts of its year's standard, the extension flag."""

    def __init__(self, standards: list[Any], policies: list[Any]) -> None:
        self.standards, self.policies = standards, policies

    def year(self, year: int) -> YearStandard:
        return year_standard(self.standards, year)

    def row(self, month: str) -> list[Any]:
        first, last = month_bounds(month)
        standard = self.year(first.year)
        policy = policy_in(self.policies, first)
        return [
            month,
            first,
            last,
            standard.living_monthly_fen,
            standard.nursing_monthly_fen,
            int(policy.living_for_low_income),
        ]


async def _run_row(month: str) -> dict[str, Any]:
    await fetch(
        "INSERT INTO disability_payroll_run (month, status, run_by, started_at) "
        "VALUES ({}, 'running', {}, {}) ON CONFLICT (month) DO NOTHING",
        month,
        current_actor.get(),
        dt.datetime.now(dt.UTC),
    )
    row = await fetch_one("SELECT * FROM disability_payroll_run WHERE month = {}", month)
    assert row is not None
    return row


async def _next_batch(month: str, after: int, size: int) -> int | None:
    row = await fetch_one(_NEXT_BATCH, after, month, month, size)
    return None if row is None or row["hi"] is None else int(row["hi"])


async def _pay_batch(run_id: int, month: str, low: int, high: int, months: MonthTable) -> None:
    async with write_transaction():
        await _serialise(durable=False)
        first = await fetch_one(_FIRST_MONTH, low, high, month, month)
        if first is None or first["first"] is None:
            return  # a concurrent run settled this batch meanwhile
        period_months = month_range(first["first"], month)
        values = [v for m in period_months for v in months.row(m)]
        sql = _INSERT_LINES.format(months=_months_sql(len(period_months)))
        await fetch(sql, *values, run_id, low, high)
        await fetch(_SETTLE, month, low, high, month, month)


async def _pay_differences(run_id: int, month: str, months: MonthTable) -> None:
    """Pay the differences due after a raised standard, in one serialised transaction, and
    remember the standards they were settled up to (DOMAIN.md: 补发差额, never twice)."""
    last_year = int(month[:4])
    async with write_transaction():
        await _serialise(durable=False)
        settled = {
            (int(r["year"]), r["subsidy"]): int(r["target_fen"])
            for r in await fetch(
                "SELECT year, subsidy, target_fen FROM disability_difference_settled"
            )
        }
        first_year = min(s.year for s in months.standards)
        targets = {
            (year, subsidy): months.year(year).monthly_fen(subsidy)
            for year in range(first_year, last_year + 1)
            for subsidy in SUBSIDIES
        }
        raised = {
            key for key, target in targets.items() if key in settled and target > settled[key]
        }
        if any(key not in settled for key in targets):
            # never settled (a first run, or a new year): look once at what was paid below target
            for row in await fetch(_PAID_BELOW, month):
                key = (int(row["year"]), row["subsidy"])
                if key not in settled and key in targets and int(row["lowest"]) < targets[key]:
                    raised.add(key)
        if raised:
            values = [
                v
                for year, sub in sorted(raised)
                for v in (f"{year:04d}", sub, targets[(year, sub)])
            ]
            row = "(CAST({} AS TEXT), CAST({} AS TEXT), CAST({} AS INTEGER))"
            sql = _INSERT_DIFFERENCES.format(targets=", ".join([row] * len(raised)))
            await fetch(sql, *values, run_id, month)
        for (year, subsidy), target in targets.items():
            if settled.get((year, subsidy)) != target:
                await fetch(
                    "INSERT INTO disability_difference_settled (year, subsidy, target_fen) "
                    "VALUES ({}, {}, {}) ON CONFLICT (year, subsidy) "
                    "DO UPDATE SET target_fen = excluded.target_fen",
                    year,
                    subsidy,
                    target,
                )


async def _provisional(run_id: int, months: MonthTable) -> bool:
    """Whether a line of the run is for a year paid at a provisional standard."""
    years = await fetch(
        "SELECT DISTINCT SUBSTR(period_month, 1, 4) AS year FROM disability_payment WHERE run = {}",
        run_id,
    )
    return any(not months.year(int(r["year"])).confirmed for r in years)


async def _finish(run_id: int, month: str, months: MonthTable) -> dict[str, Any]:
    provisional = await _provisional(run_id, months)
    async with write_transaction():
        await _serialise(durable=True)
        totals = await fetch_one(
            "SELECT COUNT(DISTINCT id_number) AS people, COUNT(*) AS lines, "
            "COALESCE(SUM(CASE WHEN subsidy = 'living' THEN amount_fen ELSE 0 END), 0) AS living, "
            "COALESCE(SUM(CASE WHEN subsidy = 'nursing' THEN amount_fen ELSE 0 END), 0) "
            "AS nursing, "
            "COALESCE(SUM(CASE WHEN kind = 'difference' THEN amount_fen ELSE 0 END), 0) "
            "AS difference FROM disability_payment WHERE run = {}",
            run_id,
        )
        assert totals is not None
        living, nursing = int(totals["living"]), int(totals["nursing"])
        difference = int(totals["difference"])
        row = await fetch_one(
            "UPDATE disability_payroll_run SET status = 'complete', beneficiaries = {}, "
            "lines = {}, living_fen = {}, nursing_fen = {}, total_fen = {}, "
            "difference_fen = {}, provisional_standard = {}, finished_at = {} "
            "WHERE id = {} AND status = 'running' RETURNING id",
            int(totals["people"]),
            int(totals["lines"]),
            living,
            nursing,
            living + nursing,
            difference,
            provisional,
            dt.datetime.now(dt.UTC),
            run_id,
        )
        if row is not None:  # a concurrent run may have closed it first
            await audit.record(
                "disability.payroll.completed",
                entity="payroll",
                entity_id=month,
                summary=(
                    f"{month}两项补贴发放：{totals['people']}人，{totals['lines']}笔，"
                    f"合计 {living + nursing} 分"
                ),
                details={
                    "beneficiaries": int(totals["people"]),
                    "lines": int(totals["lines"]),
                    "living_fen": living,
                    "nursing_fen": nursing,
                    "difference_fen": difference,
                    "provisional_standard": provisional,
                },
            )
    final = await fetch_one("SELECT * FROM disability_payroll_run WHERE id = {}", run_id)
    assert final is not None
    return final


def run_summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "month": row["month"],
        "status": row["status"],
        "beneficiaries": int(row["beneficiaries"]),
        "lines": int(row["lines"]),
        "living_fen": int(row["living_fen"]),
        "nursing_fen": int(row["nursing_fen"]),
        "total_fen": int(row["total_fen"]),
        "difference_fen": int(row["difference_fen"] or 0),
        "provisional_standard": bool(row["provisional_standard"]),
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
    }


async def payroll_preview(month: str) -> dict[str, Any]:
    """What running ``month`` would do, without doing it (the page's confirmation step): the
    grants still to be paid up to that month, and whether the month has been run already.
    Refuses what ``run_payroll`` refuses (a malformed month, a month not yet begun)."""
    valid_month(month)
    if month > month_of(await clock.today()):
        raise Refusal(
            "MONTH_NOT_STARTED",
            zh=f"{month}尚未开始，不能发放",
            en="the payroll of a month runs once the month has begun",
        )
    pending = await fetch_one(_COUNT_PENDING, month, month)
    done = await fetch_one("SELECT status FROM disability_payroll_run WHERE month = {}", month)
    standing = await year_standing(int(month[:4]))
    return {
        "month": month,
        "pending": int(pending["n"]) if pending else 0,
        "complete": bool(done and done["status"] == "complete"),
        "provisional_standard": not standing.confirmed,
        "paid_at_year": standing.paid_at_year,
    }


async def run_payroll(
    month: str, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> dict[str, Any]:
    """Run (or finish, or return) the payroll of ``month``; ``progress(done, total)`` is called
    after every committed batch."""
    valid_month(month)
    if month > month_of(await clock.today()):
        raise Refusal(
            "MONTH_NOT_STARTED",
            zh=f"{month}尚未开始，不能发放",
            en="the payroll of a month runs once the month has begun",
        )
    run = await _run_row(month)
    if run["status"] == "complete":
        return run_summary(run)
    months = MonthTable(await all_standards(), await all_policies())
    total_row = await fetch_one(_COUNT_PENDING, month, month)
    total = int(total_row["n"]) if total_row else 0
    done, low = 0, 0
    with offloaded():  # set-based statements over the whole roster: keep the loop free
        while (high := await _next_batch(month, low, batch_size)) is not None:
            await _pay_batch(int(run["id"]), month, low, high, months)
            done = min(done + batch_size, total)
            low = high
            if progress is not None:
                progress(done, total)
        await _pay_differences(int(run["id"]), month, months)
        return run_summary(await _finish(int(run["id"]), month, months))


async def find_run(month: str) -> dict[str, Any] | None:
    return await fetch_one("SELECT * FROM disability_payroll_run WHERE month = {}", month)


async def list_runs(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    rows = await fetch(
        "SELECT * FROM disability_payroll_run ORDER BY month DESC LIMIT {} OFFSET {}",
        limit,
        offset,
    )
    count = await fetch_one("SELECT COUNT(*) AS n FROM disability_payroll_run")
    return [run_summary(r) for r in rows], int(count["n"]) if count else 0
