"""Deadline reminders for annual reports: which reminder is due on a given day.

The scheduled job sends each (organization, report year, reminder) at most once; this decides
which one applies, so a job that did not run for a while sends only the most urgent reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

REMINDER_DAYS: tuple[int, ...] = (30, 7)
"""Days before the deadline at which the organization is reminded."""


def reminder_due(
    deadline: dt.date, today: dt.date, days: Sequence[int] = REMINDER_DAYS
) -> int | None:
    """The reminder for ``today``: the closest of ``days`` (days before the deadline) already
    reached, or None after the deadline or while it is further away than every reminder."""
    left = (deadline - today).days
    if left < 0:
        return None
    reached = [before for before in days if left <= before]
    return min(reached) if reached else None
