"""The plan's indicators for the two subsidies: coverage of each (target 100%) and the amounts
paid per month."""

from __future__ import annotations

import datetime as dt

from core import clock
from core.contributions import Indicator
from core.db import fetch, fetch_one
from plugins.disability.rules import coverage, month_bounds, month_of, month_range
from plugins.disability.services.standards import policy_on

LIVING_DEFINITION = (
    "生活补贴覆盖率 = 当年领取过生活补贴的人数 ÷ 应保人数 × 100%。应保人数：有残疾人证在案"
    "（本系统有其两项补贴申请，以最近一次申请为准）、当年（截至今天）任一时间在低保名册中、"
    "当年任何时间不在特困名册中、最近一次申请未申报孤儿基本生活保障或工伤生活护理费、"
    "且未在当年1月1日前死亡的人。领取人数：其中有所属月份在当年的生活补贴发放记录的人。 / "
    "Living-subsidy coverage = people paid at least one living-subsidy month of the year ÷ people "
    "eligible: a disability card on file (an application here, latest one counts), in the dibao "
    "roster at some time in the year (up to today), never in tekun that year, no orphan support "
    "or work-injury nursing allowance declared, not dead before 1 January."
)
NURSING_DEFINITION = (
    "护理补贴覆盖率 = 当年领取过护理补贴的人数 ÷ 应保人数 × 100%。应保人数：有残疾人证在案"
    "（以最近一次申请的类别和等级为准）、残疾等级为一、二级（年末在用政策允许时含智力、精神"
    "三、四级）、当年任何时间不在特困名册中、未申报工伤生活护理费、且未在当年1月1日前死亡的人。"
    "领取人数：其中有所属月份在当年的护理补贴发放记录的人。 / Nursing-subsidy coverage = people "
    "paid at least one nursing-subsidy month of the year ÷ people eligible: a card on file of "
    "grade 1–2 (or 3–4 of categories 5 and 6 when the extension is in force at the year's end), "
    "never in tekun that year, no work-injury nursing allowance declared, not dead before "
    "1 January."
)
AMOUNT_DEFINITION = (
    "所属月份在当年的两项补贴发放金额合计（元）；曲线为各所属月份金额（补发计入所属月份）。 / "
    "Total paid for period months of the year (yuan); the series is per period month (arrears "
    "count in the month they are for)."
)

_ELIGIBLE_BASE = """
FROM disability_application a
WHERE a.id IN (SELECT MAX(id) FROM disability_application GROUP BY id_number)
  AND NOT a.work_injury_nursing
  AND NOT EXISTS (SELECT 1 FROM assistance t WHERE t.id_number = a.id_number
      AND t.category = 'tekun' AND t.valid_from <= {} AND (t.valid_to IS NULL OR t.valid_to >= {}))
  AND NOT EXISTS (SELECT 1 FROM person pe WHERE pe.id_number = a.id_number
      AND pe.deceased_on IS NOT NULL AND pe.deceased_on < {})
"""

_PAID = """EXISTS (SELECT 1 FROM disability_payment p WHERE p.id_number = a.id_number
    AND p.subsidy = {} AND p.period_month >= {} AND p.period_month <= {})"""


async def _coverage(
    subsidy: str, extra: str, extra_args: tuple[object, ...], first: dt.date, last: dt.date
) -> tuple[int, int]:
    """(paid, eligible) people over the days ``first``…``last`` and their months; ``extra``
    narrows the eligible set with its own arguments."""
    row = await fetch_one(
        f"SELECT COUNT(*) AS eligible, COALESCE(SUM(CASE WHEN {_PAID} THEN 1 ELSE 0 END), 0) "
        f"AS paid {_ELIGIBLE_BASE} {extra}",
        subsidy,
        month_of(first),
        month_of(last),
        last,
        first,
        first,
        *extra_args,
    )
    assert row is not None
    return int(row["paid"]), int(row["eligible"])


async def _monthly_coverage(
    subsidy: str, extra: str, in_dibao: bool, months: list[str], today: dt.date
) -> list[tuple[str, float | None]]:
    """Coverage month by month, for the months a payroll has paid (a month not yet paid is not
    a month of zero coverage): people eligible in that month whose card was on file by its end
    (applied by then), and of them those paid for that month."""
    series = []
    for month in months:
        first, last = month_bounds(month)
        last = min(last, today)
        arguments = (last, last, first) if in_dibao else (last,)
        paid, eligible = await _coverage(
            subsidy, f"AND a.applied_on <= {{}} {extra}", arguments, first, last
        )
        rate = coverage(paid, eligible)
        series.append((month, None if rate is None else round(rate * 100, 1)))
    return series


_IN_DIBAO = """AND NOT a.orphan_support AND EXISTS (SELECT 1 FROM assistance r
    WHERE r.id_number = a.id_number AND r.category = 'dibao'
    AND r.valid_from <= {} AND (r.valid_to IS NULL OR r.valid_to >= {}))"""


async def _paid_months(year: int, up_to: str) -> list[str]:
    """The months of ``year`` up to ``up_to`` that a completed payroll has paid: every month up
    to the latest run's (a run pays the arrears of the months before it)."""
    row = await fetch_one(
        "SELECT MAX(month) AS month FROM disability_payroll_run WHERE status = {}", "complete"
    )
    latest = min(row["month"] or "", up_to) if row else ""
    if latest < f"{year}-01":
        return []
    return month_range(f"{year}-01", latest)


async def subsidy_indicators(year: int) -> list[Indicator]:
    today = await clock.today()
    first = dt.date(year, 1, 1)
    last = min(dt.date(year, 12, 31), today)
    living_paid = living_eligible = nursing_paid = nursing_eligible = 0
    living_series: list[tuple[str, float | None]] = []
    nursing_series: list[tuple[str, float | None]] = []
    if last >= first:
        living_paid, living_eligible = await _coverage(
            "living", _IN_DIBAO, (last, first), first, last
        )
        policy = await policy_on(last)
        severe = "AND a.grade IN (1, 2)"
        if policy.nursing_for_grades_3_4_intellectual_mental:
            severe = "AND (a.grade IN (1, 2) OR a.category IN (5, 6))"
        nursing_paid, nursing_eligible = await _coverage("nursing", severe, (), first, last)
        paid_months = await _paid_months(year, month_of(last))
        living_series = await _monthly_coverage("living", _IN_DIBAO, True, paid_months, today)
        nursing_series = await _monthly_coverage("nursing", severe, False, paid_months, today)
    # A line's period is never after its run's month: the runs from January on hold every line
    # of the year, found through the (run, id) index instead of a scan of all years' lines.
    rows = await fetch(
        "SELECT period_month, SUM(amount_fen) AS amount FROM disability_payment "
        "WHERE run IN (SELECT id FROM disability_payroll_run WHERE month >= {}) "
        "AND period_month >= {} AND period_month <= {} GROUP BY period_month "
        "ORDER BY period_month",
        f"{year}-01",
        f"{year}-01",
        f"{year}-12",
    )
    by_month = {r["period_month"]: int(r["amount"]) for r in rows}
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    return [
        _coverage_indicator(
            "living",
            "困难残疾人生活补贴覆盖率",
            "Living subsidy coverage",
            (living_paid, living_eligible),
            LIVING_DEFINITION,
            30,
            living_series,
        ),
        _coverage_indicator(
            "nursing",
            "重度残疾人护理补贴覆盖率",
            "Nursing subsidy coverage",
            (nursing_paid, nursing_eligible),
            NURSING_DEFINITION,
            31,
            nursing_series,
        ),
        Indicator(
            key="disability.amount_paid",
            name="残疾人两项补贴发放金额",
            name_en="Disability subsidies paid",
            unit="元",
            value=round(sum(by_month.values()) / 100, 2),
            target=None,
            comparison="none",
            definition=AMOUNT_DEFINITION,
            plugin="disability",
            order=32,
            series=tuple((m, round(by_month.get(m, 0) / 100, 2)) for m in months),
        ),
    ]


def _coverage_indicator(
    subsidy: str,
    name: str,
    name_en: str,
    counts: tuple[int, int],
    definition: str,
    order: int,
    series: list[tuple[str, float | None]],
) -> Indicator:
    paid, eligible = counts
    rate = coverage(paid, eligible)
    chinese, english = definition.split(" / ", 1)
    return Indicator(
        key=f"disability.{subsidy}_coverage",
        name=name,
        name_en=name_en,
        unit="%",
        value=None if rate is None else round(rate * 100, 1),
        target=100,
        comparison=">=",
        definition=(
            f"{chinese}（本年：{paid} 人 ÷ {eligible} 人） / "
            f"{english} (this year: {paid} of {eligible} people)"
        ),
        plugin="disability",
        order=order,
        series=tuple(series),
    )
