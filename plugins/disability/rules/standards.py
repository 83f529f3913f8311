"""The two subsidies and their monthly standards (fen per month), effective by year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from core.refusals import Refusal

Subsidy = Literal["living", "nursing"]
SUBSIDIES: tuple[Subsidy, ...] = ("living", "nursing")
SUBSIDY_NAMES_ZH = {"living": "困难残疾人生活补贴", "nursing": "重度残疾人护理补贴"}


@dataclass(frozen=True)
class Standard:
    """The monthly amounts from ``year`` on, until a later year's standard replaces them."""

    year: int
    living_monthly_fen: int
    nursing_monthly_fen: int

    def monthly_fen(self, subsidy: Subsidy) -> int:
        return self.living_monthly_fen if subsidy == "living" else self.nursing_monthly_fen


DEFAULT_STANDARDS = (Standard(2020, 17500, 23500), Standard(2021, 18100, 24300))


def standard_for(standards: Iterable[Standard], year: int) -> Standard:
    """The standard of the latest year on or before ``year``."""
    candidates = [s for s in standards if s.year <= year]
    if not candidates:
        raise Refusal("NO_STANDARD", f"{year}年没有补贴标准", f"no standard for {year}")
    return max(candidates, key=lambda s: s.year)


@dataclass(frozen=True)
class YearStandard:
    """What a year is paid at: its own standard (``confirmed``), or, for a year the admin has not
    entered yet, the latest earlier one (``provisional``; ``paid_at_year`` names it)."""

    year: int
    living_monthly_fen: int
    nursing_monthly_fen: int
    confirmed: bool
    paid_at_year: int

    def monthly_fen(self, subsidy: Subsidy) -> int:
        return self.living_monthly_fen if subsidy == "living" else self.nursing_monthly_fen


def year_standard(standards: Iterable[Standard], year: int) -> YearStandard:
    """DOMAIN.md "The two disability subsidies": a year without its own entry is paid at the
    latest earlier standard and is provisional until the admin enters that year's."""
    standard = standard_for(standards, year)
    return YearStandard(
        year,
        standard.living_monthly_fen,
        standard.nursing_monthly_fen,
        confirmed=standard.year == year,
        paid_at_year=standard.year,
    )


def standards_by_year(standards: Iterable[Standard], through_year: int) -> list[YearStandard]:
    """Every year from the first standard through ``through_year`` (or the last entered year,
    if later), each with the amounts it is paid at."""
    standards = tuple(standards)
    if not standards:
        return []
    first = min(s.year for s in standards)
    last = max(through_year, max(s.year for s in standards))
    return [year_standard(standards, year) for year in range(first, last + 1)]
