"""The plan's indicator "funeral waivers and amounts per year", by category."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plugins.funeral.rules.policy import category_rank
from plugins.funeral.rules.settlement import WaiverRecord


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


def waiver_figures(records: Iterable[WaiverRecord], year: int) -> YearFigures:
    """Approved, not voided waivers recorded in ``year``, in total and per category.

    Unlike a settlement, an indicator reflects what stands today, so a voided waiver is left out
    of its year altogether.
    """
    per_category: dict[str | None, list[int]] = {}
    for record in records:
        if record.status != "approved" or record.voided_on is not None:
            continue
        if record.recorded_on.year != year:
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
