"""Pure shapes of the marriage indicators' charts: counts and shares per month of a year."""

from __future__ import annotations

import datetime as dt
from collections import Counter


def monthly(days: list[dt.date], year: int) -> list[tuple[str, float]]:
    counts = Counter(f"{day:%Y-%m}" for day in days)
    return [(f"{year}-{month:02d}", counts.get(f"{year}-{month:02d}", 0)) for month in range(1, 13)]


def monthly_share(
    part: list[dt.date], whole: list[dt.date], year: int
) -> list[tuple[str, float | None]]:
    """``part`` as a percentage of ``whole`` per month; ``None`` for a month without any (the
    chart leaves a gap there rather than plotting 0 %)."""
    totals = dict(monthly(whole, year))
    counts = dict(monthly(part, year))
    return [(m, round(100 * counts[m] / n, 1) if n else None) for m, n in totals.items()]
