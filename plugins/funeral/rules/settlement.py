"""Monthly settlement: each funeral home claims back what it waived at the counter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from core.refusals import Refusal
from plugins.funeral.rules.decision import Status

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class WaiverRecord:
    """A recorded waiver as the settlement and the indicators see it."""

    funeral_home: str
    recorded_on: dt.date
    status: Status
    category: str | None
    waived_fen: int
    voided_on: dt.date | None = None


LineKind = Literal["waivers", "corrections"]


@dataclass(frozen=True)
class SettlementLine:
    """One line of a month's claim: a home's waivers, or the corrections for voided waivers."""

    funeral_home: str
    kind: LineKind
    cases: int
    waived_fen: int


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def settlement(records: Iterable[WaiverRecord], month: str) -> list[SettlementLine]:
    """The claim per funeral home for ``month`` (``"YYYY-MM"``).

    An approved waiver counts in the month it was recorded. Voiding never touches that month:
    the voided waiver appears as a negative line (``cases`` -1, ``waived_fen`` negated) under
    ``corrections`` in the month of ``voided_on``. A month's lines therefore depend only on events
    dated within it, and stay the same once the month is over. Rejected waivers are not claimed.
    """
    if not _MONTH.fullmatch(month):
        raise Refusal("INVALID_MONTH", "月份格式应为YYYY-MM", f"month must be YYYY-MM: {month}")
    totals: dict[tuple[str, LineKind], list[int]] = {}
    for record in records:
        if record.status != "approved":
            continue
        if month_of(record.recorded_on) == month:
            line = totals.setdefault((record.funeral_home, "waivers"), [0, 0])
            line[0] += 1
            line[1] += record.waived_fen
        if record.voided_on is not None and month_of(record.voided_on) == month:
            line = totals.setdefault((record.funeral_home, "corrections"), [0, 0])
            line[0] -= 1
            line[1] -= record.waived_fen
    ordered = sorted(totals, key=lambda key: (key[0], key[1] != "waivers"))
    return [SettlementLine(home, kind, *totals[(home, kind)]) for home, kind in ordered]
