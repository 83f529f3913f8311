"""The plan's social-organization indicators (DOMAIN.md "The plan's indicators"), per year."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from core.clock import today
from core.contributions import Indicator
from core.db import fetch, fetch_one, is_sqlite
from core.settings import get_settings
from plugins.social_orgs.rules import (
    GRADES,
    ORGS_PER_10K_TARGET,
    PASSING_RESULTS,
    filing_rate,
    orgs_per_10k_residents,
    report_deadline,
)
from plugins.social_orgs.services.common import SLUG
from plugins.social_orgs.tables import Evaluation

SERIES_YEARS = 5


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _as_of(year: int, on: dt.date) -> dt.date:
    """The year's last day, or today while the year is running."""
    return min(dt.date(year, 12, 31), on)


def _registered(day: str) -> str:
    """SQL: the organization ``o`` is registered on the day ``day`` (an SQL expression)."""
    return (
        f"(o.registered_on <= {day} AND (o.deregistered_on IS NULL OR o.deregistered_on > {day}))"
    )


async def _counts(days: list[dt.date], report_years: list[int]) -> dict[str, int]:
    """In one pass over the organizations, computed by the database (a province has 100,000 of
    them): ``registered_<i>`` organizations registered on ``days[i]``; ``due_<y>`` those that
    owed a report for year ``y`` (``report_due``: registered by 30 June; still registered at
    their kind's ``report_deadline``) and ``filed_<y>`` those of them that submitted it."""
    columns, args = [], []
    date = "{}" if is_sqlite() else "CAST({} AS DATE)"  # SQLite's dates are ISO text
    for i, day in enumerate(days):
        columns.append(f"SUM(CASE WHEN {_registered(date)} THEN 1 ELSE 0 END) AS registered_{i}")
        args += [day, day]
    for y in report_years:
        deadline = f"CASE WHEN o.kind = 'foundation' THEN {date} ELSE {date} END"
        due = f"(o.registered_on <= {date} AND {_registered(deadline)})"
        columns.append(f"SUM(CASE WHEN {due} THEN 1 ELSE 0 END) AS due_{y}")
        columns.append(f"SUM(CASE WHEN {due} AND f.filed_{y} = 1 THEN 1 ELSE 0 END) AS filed_{y}")
        june = dt.date(y, 6, 30)  # report_due: registered on or before 30 June
        bounds = [report_deadline("foundation", y), report_deadline("social_group", y)]
        args += [june, *bounds, *bounds] * 2
    filed = ", ".join(
        f"MAX(CASE WHEN r.year = {y} THEN 1 ELSE 0 END) AS filed_{y}" for y in report_years
    )
    row = await fetch_one(
        f"SELECT {', '.join(columns)} FROM social_org o LEFT JOIN ("  # noqa: S608
        f"SELECT r.uscc, {filed} FROM social_org_report r WHERE r.submitted_on IS NOT NULL "
        "AND r.year >= {} AND r.year <= {} GROUP BY r.uscc) f ON f.uscc = o.uscc",
        *args,
        min(report_years),
        max(report_years),
    )
    return {key: int(value or 0) for key, value in (row or {}).items()}


async def _inspections(report_years: list[int]) -> dict[int, tuple[int, int]]:
    """Per report year: (inspected, passed), counted by the database."""
    passing = sorted(PASSING_RESULTS)
    rows = await fetch(
        "SELECT year, COUNT(*) AS inspected, SUM(CASE WHEN inspection_result IN ({}, {}) "
        "THEN 1 ELSE 0 END) AS passed FROM social_org_report WHERE year >= {} AND year <= {} "
        "AND inspection_result IS NOT NULL AND inspection_result <> '' GROUP BY year",
        *passing,
        min(report_years),
        max(report_years),
    )
    return {int(r["year"]): (int(r["inspected"]), int(r["passed"] or 0)) for r in rows}


def _density(count: int, population: int) -> float | None:
    value = orgs_per_10k_residents(count, population)
    return None if value is None else round(value, 2)


def _filing(counts: dict[str, int], year: int) -> float | None:
    """Share of the reports due for ``year`` that were submitted (late ones included); an
    organization deregistered before the deadline no longer owed one."""
    return _percent(filing_rate(submitted=counts[f"filed_{year}"], due=counts[f"due_{year}"]))


def _passing(inspections: dict[int, tuple[int, int]], year: int) -> float | None:
    inspected, passed = inspections.get(year, (0, 0))
    return _percent(passed / inspected if inspected else None)


def _known(points: list[tuple[str, float | None]]) -> list[tuple[str, float]]:
    """A year without anything to divide by is left out of a rate's chart, not drawn as 0%."""
    return [(label, value) for label, value in points if value is not None]


def _grades(evaluations: list[dict[str, Any]], day: dt.date) -> Counter[str]:
    """Each organization's latest announced grade valid or awaiting validity on ``day``."""
    latest: dict[str, str] = {}
    for row in sorted(evaluations, key=lambda r: r["announced_on"]):
        if row["announced_on"] <= day <= row["valid_until"]:
            latest[row["uscc"]] = row["grade"]
    return Counter(latest.values())


async def indicators(year: int) -> list[Indicator]:
    on = await today()
    population = get_settings().population
    graded = await Evaluation.select(
        Evaluation.uscc, Evaluation.grade, Evaluation.announced_on, Evaluation.valid_until
    ).where((Evaluation.status == "announced") & Evaluation.grade.is_not_null())
    years = list(range(year - SERIES_YEARS + 1, year + 1))
    report_year = year - 1  # reports filed during ``year``
    report_years = list(range(report_year - SERIES_YEARS + 1, report_year + 1))
    counts = await _counts([_as_of(y, on) for y in years], report_years)
    inspections = await _inspections(report_years)
    density = {y: _density(counts[f"registered_{i}"], population) for i, y in enumerate(years)}
    grades = _grades(graded, _as_of(year, on))
    common: dict[str, Any] = {"plugin": SLUG}
    return [
        Indicator(
            key="social_orgs.per_10k_residents",
            name="每万人拥有社会组织数",
            name_en="Social organizations per 10,000 residents",
            unit="个/万人",
            value=density[year],
            target=ORGS_PER_10K_TARGET,
            definition=(
                "年末（当年为今日）登记在册的社会团体、社会服务机构和基金会数 ÷ 常住人口 × 10000；"
                f"常住人口取系统设置 {population} 人。目标值 ≥6.5 为“十三五”规划指标表的底线"
                "（“十四五”指标表未另设 2025 年目标）。 / Social groups, social service "
                "organizations and foundations registered at the year's end (today for this year) "
                f"per 10,000 residents ({population}, a setting). The floor of 6.5 is the 13th "
                "plan's; the 14th plan's table sets no 2025 value."
            ),
            order=400,
            series=[(str(y), density[y] or 0.0) for y in years],
            **common,
        ),
        Indicator(
            key="social_orgs.graded",
            name="获得评估等级的社会组织数",
            name_en="Organizations holding an evaluation grade",
            unit="个",
            value=sum(grades.values()),
            comparison="none",
            definition=(
                "年末（当年为今日）已公告且未过有效期的评估等级，每个组织取最新一次；"
                "图表按等级分列。 / Organizations whose latest announced grade is valid at the "
                "year's end (today for this year), by grade."
            ),
            order=401,
            series=[(grade, float(grades[grade])) for grade in GRADES],
            **common,
        ),
        Indicator(
            key="social_orgs.report_filing_rate",
            name=f"{report_year}年度报告报送率",
            name_en=f"Annual-report filing rate ({report_year} reports)",
            unit="%",
            value=_filing(counts, report_year),
            comparison="none",
            definition=(
                "当年报送的上一年度报告中，已提交（含逾期提交）的报告数 ÷ 应报送的组织数"
                "（6月30日前登记、截止日仍在册）。 / Reports for the previous year submitted "
                "(late ones included) ÷ organizations that owed one (registered by 30 June, "
                "still registered at the deadline)."
            ),
            order=402,
            series=_known([(str(y), _filing(counts, y)) for y in report_years]),
            **common,
        ),
        Indicator(
            key="social_orgs.inspection_pass_rate",
            name=f"{report_year}年度检查合格率",
            name_en=f"Annual inspection pass rate ({report_year} reports)",
            unit="%",
            value=_passing(inspections, report_year),
            comparison="none",
            definition=(
                "已作出年检结论的报告中，结论为“合格”或“基本合格”的比例。 / Inspected "
                "reports found qualified or basically qualified, as a share of all inspected."
            ),
            order=403,
            series=_known([(str(y), _passing(inspections, y)) for y in report_years]),
            **common,
        ),
    ]
