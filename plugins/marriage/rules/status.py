"""A person's marital status (婚姻状况) from their marriage records.

DOMAIN.md "Marriage registration" 3 and 9: ``unmarried`` (no record), ``married``, ``divorced``,
``widowed``; a person "has a spouse" when their last record is a marriage not ended by divorce or
by the spouse's death.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MaritalStatus = Literal["unmarried", "married", "divorced", "widowed"]
RecordKind = Literal["married", "divorced", "spouse_died"]
RegistrationRef = int | str

_STATUS_AFTER: dict[RecordKind, MaritalStatus] = {
    "married": "married",
    "divorced": "divorced",
    "spouse_died": "widowed",
}


@dataclass(frozen=True)
class MaritalRecord:
    """One fact of a person's marital history.

    ``spouse_id_number`` is the other party (married, divorced or lost). ``registration`` is the
    marriage or divorce registration behind the record; a spouse's death is not a registration,
    so it has none (the service adds that record when it hears ``minzheng_person_died``).
    """

    kind: RecordKind
    on: dt.date
    spouse_id_number: str
    registration: RegistrationRef | None = None


def last_record(records: Sequence[MaritalRecord]) -> MaritalRecord | None:
    """The latest record; records of the same day keep the order they are given in."""
    if not records:
        return None
    return sorted(records, key=lambda record: record.on)[-1]


def marital_status(records: Sequence[MaritalRecord]) -> MaritalStatus:
    last = last_record(records)
    return "unmarried" if last is None else _STATUS_AFTER[last.kind]


def current_spouse(records: Sequence[MaritalRecord]) -> str | None:
    """The spouse's identity number while a marriage is in effect, else None."""
    last = last_record(records)
    return last.spouse_id_number if last is not None and last.kind == "married" else None


def is_latest_registration(records: Sequence[MaritalRecord], registration: RegistrationRef) -> bool:
    """Whether ``registration`` is still the person's latest record (nothing changed since)."""
    last = last_record(records)
    return last is not None and last.registration == registration
