"""The plan's social-organization indicators (DOMAIN.md "The plan's indicators"), per year."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from core.clock import today
from core.contributions import Indicator
from core.settings import get_settings
from plugins.social_orgs.rules import (
    GRADES,
    ORGS_PER_10K_TARGET,
    filing_rate,
    orgs_per_10k_residents,
    pass_rate,
    report_deadline,
    report_due,
)
from plugins.social_orgs.services.common import SLUG
from plugins.social_orgs.tables import AnnualReport, Evaluation, Organization

SERIES_YEARS = 5


def _registered_on(org: dict[str, Any], day: dt.date) -> bool:
    gone = org["deregistered_on"]
    return org["registered_on"] <= day and (gone is None or gone > day)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _as_of(year: int, on: dt.date) -> dt.date:
    """The year's last day, or today while the year is running."""
    return min(dt.date(year, 12, 31), on)


def _density(orgs: list[dict[str, Any]], day: dt.date, population: int) -> float | None:
    value = orgs_per_10k_residents(sum(_registered_on(o, day) for o in orgs), population)
    return None if value is None else round(value, 2)


def _filing(orgs: list[dict[str, Any]], reports: list[dict[str, Any]], year: int) -> float | None:
    """Share of the reports due for ``year`` that were submitted (late ones included); an
    organization deregistered before the deadline no longer owed one."""
    due = {
        o["uscc"]
        for o in orgs
        if report_due(o["registered_on"], year)
        and _registered_on(o, report_deadline(o["kind"], year))
    }
    filed = {r["uscc"] for r in reports if r["year"] == year and r["submitted_on"] is not None}
    return _percent(filing_rate(submitted=len(due & filed), due=len(due)))


def _passing(reports: list[dict[str, Any]], year: int) -> float | None:
    results = [r["inspection_result"] for r in reports if r["year"] == year]
    return _percent(pass_rate(result for result in results if result))


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
    orgs = await Organization.select(
        Organization.uscc,
        Organization.kind,
        Organization.registered_on,
        Organization.deregistered_on,
    )
    reports = await AnnualReport.select(
        AnnualReport.uscc,
        AnnualReport.year,
        AnnualReport.submitted_on,
        AnnualReport.inspection_result,
    )
    graded = await Evaluation.select(
        Evaluation.uscc, Evaluation.grade, Evaluation.announced_on, Evaluation.valid_until
    ).where((Evaluation.status == "announced") & Evaluation.grade.is_not_null())
    years = range(year - SERIES_YEARS + 1, year + 1)
    report_year = year - 1  # reports filed during ``year``
    report_years = range(report_year - SERIES_YEARS + 1, report_year + 1)
    grades = _grades(graded, _as_of(year, on))
    common: dict[str, Any] = {"plugin": SLUG}
    return [
        Indicator(
            key="social_orgs.per_10k_residents",
            name="每万人拥有社会组织数",
            name_en="Social organizations per 10,000 residents",
            unit="个/万人",
            value=_density(orgs, _as_of(year, on), population),
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
            series=[(str(y), _density(orgs, _as_of(y, on), population) or 0.0) for y in years],
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
            value=_filing(orgs, reports, report_year),
            comparison="none",
            definition=(
                "当年报送的上一年度报告中，已提交（含逾期提交）的报告数 ÷ 应报送的组织数"
                "（6月30日前登记、截止日仍在册）。 / Reports for the previous year submitted "
                "(late ones included) ÷ organizations that owed one (registered by 30 June, "
                "still registered at the deadline)."
            ),
            order=402,
            series=_known([(str(y), _filing(orgs, reports, y)) for y in report_years]),
            **common,
        ),
        Indicator(
            key="social_orgs.inspection_pass_rate",
            name=f"{report_year}年度检查合格率",
            name_en=f"Annual inspection pass rate ({report_year} reports)",
            unit="%",
            value=_passing(reports, report_year),
            comparison="none",
            definition=(
                "已作出年检结论的报告中，结论为“合格”或“基本合格”的比例。 / Inspected "
                "reports found qualified or basically qualified, as a share of all inspected."
            ),
            order=403,
            series=_known([(str(y), _passing(reports, y)) for y in report_years]),
            **common,
        ),
    ]
