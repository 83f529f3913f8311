"""Which assistance-roster categories a person held in a month.

A roster entry counts for a month when it covers at least one day of it: someone who leaves
``dibao`` on 15 March is still in ``dibao`` in March, so the living subsidy stops from April —
the month after the event, as DOMAIN.md says for every stop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from plugins.disability.rules.months import month_bounds

RosterSpan = tuple[str, dt.date, dt.date | None]
"""(category, valid_from, valid_to or None for open-ended)."""


def categories_in_month(entries: Iterable[RosterSpan], month: str) -> frozenset[str]:
    first, last = month_bounds(month)
    return frozenset(
        category
        for category, valid_from, valid_to in entries
        if valid_from <= last and (valid_to is None or valid_to >= first)
    )
