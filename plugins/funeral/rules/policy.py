"""Waiver policy as data (惠民殡葬, 粤民发〔2015〕37号): basic services, caps, eligible categories.

Effective-dated, so an admin's change never rewrites past decisions. See DOMAIN.md
"Funeral basic-service fee waiver".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from plugins.funeral.rules.errors import FuneralRuleError

Unit = Literal["case", "day", "year"]
UNITS: tuple[Unit, ...] = ("case", "day", "year")

# When several categories apply on the day of death, the first in this order names the waiver:
# the assistance tiers from the most to the least protective, then the veterans' category. A person
# both in dibao and youfu is therefore counted under dibao. Categories an admin adds later sort
# after these, alphabetically. A roster category always wins over "unidentified" and
# "local_resident" (the all-residents switch is the fallback, not a category of need).
CATEGORY_PRIORITY = ("tekun", "dibao", "low_income", "youfu")
CATEGORY_NAMES_ZH = {
    "tekun": "特困供养人员",
    "dibao": "低保对象",
    "low_income": "低收入家庭成员",
    "youfu": "重点优抚对象",
    "unidentified": "公安机关认定的无名遗体",
    "local_resident": "本地户籍居民",
}
CATEGORY_NAMES_EN = {
    "tekun": "Persons in extreme poverty",
    "dibao": "Subsistence allowance recipients",
    "low_income": "Low-income family members",
    "youfu": "Key entitled groups",
    "unidentified": "Unidentified bodies (police-certified)",
    "local_resident": "Local residents",
}


def category_rank(category: str) -> tuple[int, str]:
    """Sort key for categories following ``CATEGORY_PRIORITY``."""
    if category in CATEGORY_PRIORITY:
        return (CATEGORY_PRIORITY.index(category), category)
    return (len(CATEGORY_PRIORITY), category)


@dataclass(frozen=True)
class FeeItem:
    """One basic service and its waiver cap: ``cap_fen`` per unit, at most ``max_units`` units."""

    code: str
    name: str
    cap_fen: int
    unit: Unit
    max_units: int

    def __post_init__(self) -> None:
        if not self.code or self.unit not in UNITS:
            raise FuneralRuleError("INVALID_POLICY", f"item {self.code!r}: bad code or unit")
        if self.cap_fen < 0 or self.max_units < 1:
            raise FuneralRuleError("INVALID_POLICY", f"item {self.code}: negative cap or units < 1")
        if self.unit == "case" and self.max_units != 1:
            raise FuneralRuleError(
                "INVALID_POLICY", f"item {self.code}: a per-case item has 1 unit"
            )

    @property
    def max_waiver_fen(self) -> int:
        return self.cap_fen * self.max_units


@dataclass(frozen=True)
class WaiverPolicy:
    """The waiver policy in force from ``effective_from`` until a later policy replaces it."""

    items: tuple[FeeItem, ...]
    eligible_categories: tuple[str, ...]
    all_local_residents: bool
    effective_from: dt.date

    def __post_init__(self) -> None:
        codes = [item.code for item in self.items]
        if len(set(codes)) != len(codes):
            raise FuneralRuleError("INVALID_POLICY", "item codes must be unique")

    def item(self, code: str) -> FeeItem | None:
        return next((item for item in self.items if item.code == code), None)

    @property
    def total_cap_fen(self) -> int:
        """Most a single case can be waived."""
        return sum(item.max_waiver_fen for item in self.items)


DEFAULT_POLICY = WaiverPolicy(
    items=(
        FeeItem("transport", "遗体接运", 48000, "case", 1),
        FeeItem("disinfection", "遗体消毒", 9000, "case", 1),
        FeeItem("storage", "遗体存放", 8000, "day", 3),
        FeeItem("farewell", "告别厅租用", 23000, "case", 1),
        FeeItem("cremation", "遗体火化", 25000, "case", 1),
        FeeItem("ash_storage", "骨灰寄存", 5000, "year", 2),
        FeeItem("urn", "骨灰盒", 15000, "case", 1),
    ),
    eligible_categories=("dibao", "tekun", "low_income", "youfu"),
    all_local_residents=False,
    # The year of 粤民发〔2015〕37号; deaths before it have no policy in the system.
    effective_from=dt.date(2015, 1, 1),
)


def policy_in_force(policies: Iterable[WaiverPolicy], on_date: dt.date) -> WaiverPolicy:
    """The policy with the latest ``effective_from`` on or before ``on_date``.

    ``on_date`` is the date of the act (DOMAIN.md): the day the waiver is applied for.
    """
    candidates = [p for p in policies if p.effective_from <= on_date]
    if not candidates:
        raise FuneralRuleError("NO_POLICY", f"no waiver policy in force on {on_date.isoformat()}")
    return max(candidates, key=lambda p: p.effective_from)
