"""A person as plugins see it (hooks receive this, never a table row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

ROSTER_CATEGORIES = {
    "dibao": "低保",
    "tekun": "特困供养",
    "low_income": "低收入家庭",
    "youfu": "重点优抚对象",
}


@dataclass(frozen=True)
class RosterEntry:
    category: str
    valid_from: dt.date
    valid_to: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class PersonRecord:
    id_number: str
    name: str
    sex: str
    birth_date: dt.date
    hukou_division: str | None
    residence_permit_division: str | None
    marital_status: str
    deceased_on: dt.date | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PersonRecord:
        return cls(
            id_number=row["id_number"],
            name=row["name"],
            sex=row["sex"],
            birth_date=row["birth_date"],
            hukou_division=row["hukou_division"],
            residence_permit_division=row["residence_permit_division"],
            marital_status=row["marital_status"],
            deceased_on=row["deceased_on"],
        )
