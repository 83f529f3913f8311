"""Where a couple may register their marriage, by registration date (DOMAIN.md "Marriage
registration" 4), and which registrations count as cross-province (跨省通办 indicator).

The eras are data (``JURISDICTION_ERAS``) so that the policy can be read at a glance, stored as
effective-dated policy and extended without touching the functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Basis = Literal["hukou", "residence_permit"]


class Residence(Protocol):
    """The two places of a party that decide jurisdiction (6-digit division codes)."""

    @property
    def hukou_division(self) -> str: ...

    @property
    def residence_permit_division(self) -> str | None: ...


@dataclass(frozen=True)
class JurisdictionEra:
    """From ``starts_on`` (inclusive) until the next era: a registry may register a couple when
    its province is the province of either party's place named in ``bases``, or anywhere when
    ``nationwide``."""

    starts_on: dt.date
    bases: frozenset[Basis]
    nationwide: bool = False
    name: str = ""


JURISDICTION_ERAS: tuple[JurisdictionEra, ...] = (
    JurisdictionEra(dt.date.min, frozenset({"hukou"}), name="户籍地 (hukou province)"),
    JurisdictionEra(
        dt.date(2021, 6, 1),
        frozenset({"hukou", "residence_permit"}),
        name="跨省通办试点 (hukou or residence-permit province)",
    ),
    JurisdictionEra(
        dt.date(2025, 5, 10),
        frozenset(),
        nationwide=True,
        name="全国通办 (anywhere in the country)",
    ),
)


def province_of(division: str) -> str:
    """The province code: the first two digits of a 6-digit administrative division code."""
    if len(division) != 6 or not division.isascii() or not division.isdigit():
        raise ValueError(f"not a 6-digit division code: {division!r}")
    return division[:2]


def era_on(day: dt.date, eras: Sequence[JurisdictionEra] = JURISDICTION_ERAS) -> JurisdictionEra:
    """The era in force on ``day`` (eras are sorted by ``starts_on``)."""
    in_force = [era for era in eras if era.starts_on <= day]
    if not in_force:
        raise ValueError(f"no jurisdiction rule in force on {day.isoformat()}")
    return max(in_force, key=lambda era: era.starts_on)


def _places(party: Residence, bases: frozenset[Basis]) -> Iterable[str]:
    if "hukou" in bases:
        yield party.hukou_division
    if "residence_permit" in bases and party.residence_permit_division:
        yield party.residence_permit_division


def may_register_at(
    registry_division: str,
    parties: Iterable[Residence],
    registered_on: dt.date,
    eras: Sequence[JurisdictionEra] = JURISDICTION_ERAS,
) -> bool:
    """Whether the registry may register this couple's marriage on ``registered_on``."""
    era = era_on(registered_on, eras)
    if era.nationwide:
        return True
    registry_province = province_of(registry_division)
    return any(
        province_of(place) == registry_province
        for party in parties
        for place in _places(party, era.bases)
    )


def is_cross_province(registry_division: str, parties: Iterable[Residence]) -> bool:
    """Cross-province (跨省通办 case, DOMAIN.md "Marriage registration" 4): **neither** party's
    hukou province is the registry's. One local party was always allowed to register here, so
    such a couple is not a cross-province case."""
    registry_province = province_of(registry_division)
    return all(province_of(party.hukou_division) != registry_province for party in parties)


def cross_province_share(cross_province: int, total: int) -> float | None:
    """Share of cross-province marriage registrations (0..1); None when nothing was registered."""
    if not 0 <= cross_province <= total:
        raise ValueError("need 0 <= cross_province <= total")
    return None if total == 0 else cross_province / total
