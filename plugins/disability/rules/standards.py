"""The two subsidies and their monthly standards (fen per month), effective by year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from plugins.disability.rules.errors import DisabilityRuleError

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
        raise DisabilityRuleError("NO_STANDARD", f"{year}年没有补贴标准 / no standard for {year}")
    return max(candidates, key=lambda s: s.year)
