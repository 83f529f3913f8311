"""The plan's social-organization indicators for the dashboard.

Rates are fractions in 0..1 (the chart formats them as percentages) and ``None`` when there is
nothing to divide by, so an empty year shows as "no data" rather than 0%.
"""

from __future__ import annotations

from collections.abc import Iterable

from plugins.social_orgs.rules.annual_reports import InspectionResult

ORGS_PER_10K_TARGET = 6.5
# 基本合格 passes inspection with corrections to make; only 不合格 fails.
PASSING_RESULTS: frozenset[InspectionResult] = frozenset({"qualified", "basically_qualified"})


def orgs_per_10k_residents(org_count: int, population: int) -> float | None:
    """Registered organizations per 10,000 residents (``population`` is a setting)."""
    if population <= 0:
        return None
    return org_count * 10_000 / population


def filing_rate(*, submitted: int, due: int) -> float | None:
    """Share of a year's due reports that were submitted (late ones included)."""
    if due <= 0:
        return None
    return submitted / due


def pass_rate(results: Iterable[InspectionResult]) -> float | None:
    """Share of a year's inspected reports found qualified or basically qualified."""
    results = list(results)
    if not results:
        return None
    return sum(result in PASSING_RESULTS for result in results) / len(results)
