"""The abnormal-activity list (活动异常名录) and proposals to deregister.

For one report year an organization is abnormal while its due report is unsubmitted after the
deadline; submitting late ends that (the lateness itself stays on the report). Two consecutive
report years not filed make it a candidate for deregistration, which a reviewer confirms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import pairwise

from plugins.social_orgs.rules.annual_reports import report_deadline, report_due
from plugins.social_orgs.rules.uscc import OrgKind


def is_abnormal(
    *,
    kind: OrgKind,
    registered_on: dt.date,
    year: int,
    submitted_on: dt.date | None,
    today: dt.date,
) -> bool:
    """Whether the organization is abnormal on ``today`` for report ``year``.

    A report submitted after ``today`` (looking back at an earlier day) did not yet exist then.
    """
    if not report_due(registered_on, year) or today <= report_deadline(kind, year):
        return False
    return submitted_on is None or submitted_on > today


def abnormal_years(
    *,
    kind: OrgKind,
    registered_on: dt.date,
    submitted_on: Mapping[int, dt.date],
    today: dt.date,
) -> list[int]:
    """Report years, oldest first, not filed by ``today`` although due and past the deadline.

    ``submitted_on`` maps report year → submission day; an empty result means not on the list.
    """
    return [
        year
        for year in range(registered_on.year, today.year)
        if is_abnormal(
            kind=kind,
            registered_on=registered_on,
            year=year,
            submitted_on=submitted_on.get(year),
            today=today,
        )
    ]


def proposed_for_deregistration(unfiled_years: Iterable[int]) -> tuple[int, int] | None:
    """The latest two consecutive unfiled report years, the grounds for proposing deregistration.

    ``None`` when no two unfiled years are consecutive.
    """
    years = sorted(set(unfiled_years), reverse=True)
    for later, earlier in pairwise(years):
        if later - earlier == 1:
            return earlier, later
    return None
