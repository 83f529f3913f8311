"""The plan's indicator "funeral waivers and amounts per year", by category."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plugins.funeral.rules.policy import category_rank
from plugins.funeral.rules.settlement import WaiverRecord, month_of


@dataclass(frozen=True)
class CategoryFigures:
    category: str | None
    cases: int
    waived_fen: int


@dataclass(frozen=True)
class YearFigures:
    """Funeral waivers and amounts in a year (the plan's indicator), by category."""

    year: int
    cases: int
    waived_fen: int
    by_category: tuple[CategoryFigures, ...]


@dataclass(frozen=True)
class MonthFigures:
    month: str
    cases: int
    waived_fen: int


def _stands_in_year(record: WaiverRecord, year: int) -> bool:
    return (
        record.status == "approved" and record.voided_on is None and record.recorded_on.year == year
    )


def monthly_figures(records: Iterable[WaiverRecord], year: int) -> tuple[MonthFigures, ...]:
    """The waivers ``waiver_figures`` counts, month by month: all twelve months of ``year``,
    zeros included, so a chart shows the quiet months too."""
    months = {f"{year:04d}-{m:02d}": [0, 0] for m in range(1, 13)}
    for record in records:
        if _stands_in_year(record, year):
            figures = months[month_of(record.recorded_on)]
            figures[0] += 1
            figures[1] += record.waived_fen
    return tuple(MonthFigures(month, *figures) for month, figures in months.items())


def waiver_figures(records: Iterable[WaiverRecord], year: int) -> YearFigures:
    """Approved, not voided waivers recorded in ``year``, in total and per category.

    Unlike a settlement, an indicator reflects what stands today, so a voided waiver is left out
    of its year altogether.
    """
    per_category: dict[str | None, list[int]] = {}
    for record in records:
        if not _stands_in_year(record, year):
            continue
        figures = per_category.setdefault(record.category, [0, 0])
        figures[0] += 1
        figures[1] += record.waived_fen
    ordered = sorted(per_category, key=lambda c: category_rank(c or ""))
    by_category = tuple(CategoryFigures(c, *per_category[c]) for c in ordered)
    return YearFigures(
        year=year,
        cases=sum(f.cases for f in by_category),
        waived_fen=sum(f.waived_fen for f in by_category),
        by_category=by_category,
    )
