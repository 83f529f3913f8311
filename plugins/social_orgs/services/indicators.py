"""The plan's social-organization indicators (DOMAIN.md "The plan's indicators"), per year."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from core.clock import today
from core.contributions import Indicator
from core.db import fetch, is_sqlite
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


def _bucket(column: str, bounds: list[dt.date]) -> tuple[str, list[dt.date]]:
    """SQL: the index of the first of the ascending ``bounds`` that ``column`` is on or before
    (``len(bounds)`` when after all of them, -1 when NULL), with its arguments. ``column <=
    bounds[k]`` is then ``bucket <= k``: the few bounds the indicators compare dates with
    turn 100,000 organizations into a few dozen groups."""
    date = "{}" if is_sqlite() else "CAST({} AS DATE)"  # SQLite's dates are ISO text
    cases = " ".join(f"WHEN {column} <= {date} THEN {k}" for k in range(len(bounds)))
    return f"CASE WHEN {column} IS NULL THEN -1 {cases} ELSE {len(bounds)} END", list(bounds)


class _Org:
    """A group of organizations of one kind whose dates fall between the same bounds."""

    def __init__(self, row: dict[str, Any], bounds: list[dt.date]) -> None:
        self.foundation = bool(row["foundation"])
        self.registered = int(row["registered"])
        self.deregistered = int(row["deregistered"])
        self.count = int(row["n"])
        self._index = {day: k for k, day in enumerate(bounds)}

    def registered_on_or_before(self, day: dt.date) -> bool:
        return self.registered <= self._index[day]

    def registered_on(self, day: dt.date) -> bool:
        """Registered on ``day``: registered by then, not deregistered by then."""
        gone = self.deregistered != -1 and self.deregistered <= self._index[day]
        return self.registered_on_or_before(day) and not gone

    def owed_report(self, year: int) -> bool:
        """``report_due`` (registered by 30 June) and still registered at the kind's deadline."""
        deadline = report_deadline("foundation" if self.foundation else "social_group", year)
        return self.registered_on_or_before(dt.date(year, 6, 30)) and self.registered_on(deadline)


async def _counts(days: list[dt.date], report_years: list[int]) -> dict[str, int]:
    """Computed by the database in two grouped passes (a province has 100,000 organizations,
    none of them read into Python): ``registered_<i>`` organizations registered on ``days[i]``;
    ``due_<y>`` those that owed a report for year ``y`` (``report_due``: registered by 30 June;
    still registered at their kind's ``report_deadline``) and ``filed_<y>`` those of them that
    submitted it. Each pass groups the organizations by kind and by where their registration
    and deregistration dates fall among the days compared with, so a group answers every
    comparison at once."""
    bounds = sorted(
        {*days}
        | {dt.date(y, 6, 30) for y in report_years}
        | {
            report_deadline(kind, y)
            for y in report_years
            for kind in ("foundation", "social_group")
        }
    )
    registered, registered_args = _bucket("o.registered_on", bounds)
    deregistered, deregistered_args = _bucket("o.deregistered_on", bounds)
    groups = (
        "CASE WHEN o.kind = 'foundation' THEN 1 ELSE 0 END AS foundation, "
        f"{registered} AS registered, {deregistered} AS deregistered, COUNT(*) AS n"
    )
    args = [*registered_args, *deregistered_args]
    orgs = await fetch(
        f"SELECT {groups} FROM social_org o GROUP BY 1, 2, 3",  # noqa: S608
        *args,
    )
    # (uscc, year) is unique: a submitted report is one organization's for one year.
    filed = await fetch(
        f"SELECT r.year, {groups} FROM social_org_report r "  # noqa: S608
        "JOIN social_org o ON o.uscc = r.uscc WHERE r.submitted_on IS NOT NULL "
        "AND r.year >= {} AND r.year <= {} GROUP BY 1, 2, 3, 4",
        *args,
        min(report_years),
        max(report_years),
    )
    counts: dict[str, int] = {}
    groups_of = [_Org(row, bounds) for row in orgs]
    for i, day in enumerate(days):
        counts[f"registered_{i}"] = sum(g.count for g in groups_of if g.registered_on(day))
    for y in report_years:
        counts[f"due_{y}"] = sum(g.count for g in groups_of if g.owed_report(y))
        counts[f"filed_{y}"] = sum(
            g.count
            for row in filed
            if int(row["year"]) == y and (g := _Org(row, bounds)).owed_report(y)
        )
    return counts


async def _inspections(report_years: list[int]) -> dict[int, tuple[int, int]]:
    """Per report year: (inspected, passed), counted by the database."""
    passing = sorted(PASSING_RESULTS)
    rows = await fetch(
        "SELECT year, COUNT(*) AS inspected, SUM(CASE WHEN inspection_result IN "  # noqa: S608
        f"({', '.join('{}' for _ in passing)}) "
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
