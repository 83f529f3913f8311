"""Waiver policy as data (惠民殡葬, 粤民发〔2015〕37号): basic services, caps, eligible categories.

Effective-dated, so an admin's change never rewrites past decisions. See DOMAIN.md
"Funeral basic-service fee waiver".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from core.refusals import Refusal

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
            raise Refusal("INVALID_POLICY", "", f"item {self.code!r}: bad code or unit")
        if self.cap_fen < 0 or self.max_units < 1:
            raise Refusal("INVALID_POLICY", "", f"item {self.code}: negative cap or units < 1")
        if self.unit == "case" and self.max_units != 1:
            raise Refusal("INVALID_POLICY", "", f"item {self.code}: a per-case item has 1 unit")

    @property
    def max_waiver_fen(self) -> int:
        return self.cap_fen * self.max_units


# Categories of deceased people some cities exclude from the all-residents scope because an
# employer or a pension scheme already pays them a funeral allowance (丧葬补助金). Declared on the
# waiver by the clerk; a policy's ``excluded_categories`` is a subset of these (empty by default).
EXCLUDABLE_CATEGORIES = ("public_institution", "enterprise_pension")
EXCLUDABLE_NAMES_ZH = {
    "public_institution": "机关事业单位人员",
    "enterprise_pension": "企业养老保险参保人员",
}
EXCLUDABLE_NAMES_EN = {
    "public_institution": "Staff of Party, government and public institutions",
    "enterprise_pension": "Insured under the enterprise pension scheme",
}


def _is_division(value: str) -> bool:
    return len(value) == 6 and value.isascii() and value.isdigit()


@dataclass(frozen=True)
class WaiverPolicy:
    """The waiver policy in force from ``effective_from`` until a later policy replaces it.

    Scope (粤民发〔2015〕37号): with ``all_local_residents`` every deceased person whose hukou is in
    ``local_divisions`` is eligible, unless declared in one of ``excluded_categories``; roster
    members in ``eligible_categories`` on the day of death and police-certified unidentified bodies
    are eligible whatever their hukou. Without ``all_local_residents`` only the roster and
    unidentified bodies are (the narrow scope of 粤府〔2011〕67号). ``total_cap_fen`` (None: none)
    caps a whole case on top of the item caps.
    """

    items: tuple[FeeItem, ...]
    eligible_categories: tuple[str, ...]
    all_local_residents: bool
    effective_from: dt.date
    local_divisions: tuple[str, ...] = ("440704",)
    excluded_categories: tuple[str, ...] = ()
    total_cap_fen: int | None = None

    def __post_init__(self) -> None:
        codes = [item.code for item in self.items]
        if len(set(codes)) != len(codes):
            raise Refusal("INVALID_POLICY", "", "item codes must be unique")
        bad = [d for d in self.local_divisions if not _is_division(d)]
        if bad:
            raise Refusal(
                "INVALID_POLICY", "", f"local_divisions must be 6-digit division codes: {bad}"
            )
        if self.all_local_residents and not self.local_divisions:
            raise Refusal(
                "INVALID_POLICY", "", "all_local_residents needs at least one local division"
            )
        unknown = [c for c in self.excluded_categories if c not in EXCLUDABLE_CATEGORIES]
        if unknown:
            raise Refusal(
                "INVALID_POLICY",
                "",
                f"unknown excluded categories: {unknown} (known: {list(EXCLUDABLE_CATEGORIES)})",
            )
        if self.total_cap_fen is not None and self.total_cap_fen < 0:
            raise Refusal("INVALID_POLICY", "", "total_cap_fen must not be negative")

    def item(self, code: str) -> FeeItem | None:
        return next((item for item in self.items if item.code == code), None)

    def is_local(self, hukou_division: str) -> bool:
        """Whether a hukou division is local: equal to a listed division, or inside one listed
        as a prefix-level code (``440700`` covers Jiangmen's districts, ``440000`` Guangdong)."""
        for local in self.local_divisions:
            if local.endswith("0000"):
                if hukou_division[:2] == local[:2]:
                    return True
            elif local.endswith("00"):
                if hukou_division[:4] == local[:4]:
                    return True
            elif hukou_division == local:
                return True
        return False

    @property
    def max_case_waiver_fen(self) -> int:
        """Most a single case can be waived: every item at its limit, then the total cap."""
        items_total = sum(item.max_waiver_fen for item in self.items)
        if self.total_cap_fen is None:
            return items_total
        return min(items_total, self.total_cap_fen)


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
    # 粤民发〔2015〕37号: the 7 basic services free for every resident with local hukou.
    all_local_residents=True,
    local_divisions=("440704",),
    excluded_categories=(),
    total_cap_fen=None,
    # The year of 粤民发〔2015〕37号; deaths before it have no policy in the system.
    effective_from=dt.date(2015, 1, 1),
)

# What the system shipped before issue 11 (the narrow roster-only scope of 粤府〔2011〕67号); kept
# to describe waivers decided under it and still selectable as a policy (all_local_residents off).
ROSTER_ONLY_POLICY = replace(DEFAULT_POLICY, all_local_residents=False)


def policy_in_force(policies: Iterable[WaiverPolicy], on_date: dt.date) -> WaiverPolicy:
    """The policy with the latest ``effective_from`` on or before ``on_date``.

    ``on_date`` is the day of death (DOMAIN.md: the policy in force on the day of death applies);
    of two policies effective the same day, the later in ``policies`` wins.
    """
    candidates = [p for p in policies if p.effective_from <= on_date]
    if not candidates:
        raise Refusal("NO_POLICY", "", f"no waiver policy in force on {on_date.isoformat()}")
    latest = max(p.effective_from for p in candidates)
    return [p for p in candidates if p.effective_from == latest][-1]
