"""Shared helpers of the funeral tests: request bodies, roster entries, Jianghai residents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.people.roster import import_roster
from tests import factories

HOME = "江门市殡仪馆"
OTHER_HOME = "鹤山市殡仪馆"
TODAY = dt.date(2026, 3, 20)


def person_number(
    birth: dt.date, sex: str = "female", seq: int = 1, division: str = "440704"
) -> str:
    """A valid identity number first issued in Jianghai (440704), whatever the birth year."""
    return factories.id_number(birth, sex, division, seq)


def waiver(
    id_number: str | None,
    died_on: dt.date,
    *,
    name: str = "李秀英",
    home: str = HOME,
    items: list[dict[str, Any]] | None = None,
    certificate: str | None = None,
    hukou_division: str | None = None,
) -> dict[str, Any]:
    deceased: dict[str, Any] = {"name": name, "died_on": died_on.isoformat()}
    if id_number is not None:
        deceased["id_number"] = id_number
    if certificate is not None:
        deceased["unidentified_police_certificate_no"] = certificate
    if hukou_division is not None:
        deceased["hukou_division"] = hukou_division
    return {
        "deceased": deceased,
        "funeral_home": home,
        "applicant": {"name": "李明", "phone": "13800138000", "relation": "儿子"},
        "items": items if items is not None else [{"code": "cremation", "fee_fen": 30000}],
    }


async def roster(*rows: tuple[str, str, str, dt.date, dt.date | None]) -> None:
    """Import roster rows ``(id_number, name, category, valid_from, valid_to)`` through the
    core's importer, as the bureau does with its spreadsheet."""
    lines = ["id_number,name,category,valid_from,valid_to"]
    for number, name, category, start, end in rows:
        end_text = end.isoformat() if end else ""
        lines.append(f"{number},{name},{category},{start.isoformat()},{end_text}")
    result = await import_roster("\n".join(lines).encode(), "roster.csv")
    assert not result.rejected, result.rejected
