"""Annual review (年度复核): which beneficiaries are due for a re-check.

Rule: a beneficiary is due on the first anniversary of the later of the approval day and the last
review day, and stays due until reviewed. An anniversary on 29 February in a common year falls on
28 February (Civil Code art. 201: no corresponding day → the last day of the month).
"""

from __future__ import annotations

import calendar
import datetime as dt


def _one_year_after(day: dt.date) -> dt.date:
    year = day.year + 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def next_review_on(approved_on: dt.date, last_reviewed_on: dt.date | None) -> dt.date:
    basis = approved_on if last_reviewed_on is None else max(approved_on, last_reviewed_on)
    return _one_year_after(basis)


def review_due(approved_on: dt.date, last_reviewed_on: dt.date | None, today: dt.date) -> bool:
    return today >= next_review_on(approved_on, last_reviewed_on)
