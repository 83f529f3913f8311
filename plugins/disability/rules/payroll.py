"""Which (subsidy, month) lines a beneficiary is due in a payroll, and when payment stops.

A small reference implementation of DOMAIN.md's payroll rule, for tests and single cases; the
real payroll applies the same rule set-wise in SQL. Payment is due from the month the application
was filed and stops from the month after a stop event. No (subsidy, month) is paid twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set
from dataclasses import dataclass, replace
from typing import Literal

from plugins.disability.rules.eligibility import Eligibility, SubsidyPolicy, nursing_possible
from plugins.disability.rules.months import (
    month_of,
    month_range,
    next_month,
    parse_month,
    previous_month,
)
from plugins.disability.rules.standards import Standard, Subsidy, standard_for

StopReason = Literal["death", "hukou_moved_out", "left_dibao", "grade_change", "fraud", "request"]
STOP_REASONS: tuple[StopReason, ...] = (
    "death",
    "hukou_moved_out",
    "left_dibao",
    "grade_change",
    "fraud",
    "request",
)


@dataclass(frozen=True)
class SubsidyGrant:
    """An approved subsidy: due from ``start_month`` up to, not including, ``stops_from``."""

    subsidy: Subsidy
    start_month: str
    stops_from: str | None = None


LineKind = Literal["regular", "difference"]


@dataclass(frozen=True)
class PayrollLine:
    subsidy: Subsidy
    period_month: str
    amount_fen: int
    kind: LineKind = "regular"


def stop_month_after(event_date: dt.date) -> str:
    """The first month not paid after a stop event: the month after the event's month."""
    return next_month(month_of(event_date))


def subsidies_stopped_by(
    reason: StopReason,
    held: Iterable[Subsidy],
    still_eligible: Eligibility | None = None,
) -> frozenset[Subsidy]:
    """Which of the ``held`` subsidies a stop event ends.

    Leaving ``dibao`` ends the living subsidy only. A grade change ends what the new grade no
    longer allows: pass ``still_eligible``, the eligibility computed with the new grade. Every
    other event ends all of them.
    """
    held_set = frozenset(held)
    if reason == "left_dibao":
        return held_set & {"living"}
    if reason == "grade_change":
        if still_eligible is None:
            raise ValueError("a grade change needs the eligibility under the new grade")
        return held_set - still_eligible.subsidies
    return held_set


def subsidies_ended_by_grade(
    held: Iterable[Subsidy], new_grade: int, category: int, policy: SubsidyPolicy
) -> frozenset[Subsidy]:
    """Which of the ``held`` subsidies a re-assessed grade ends.

    Only the nursing subsidy depends on the grade (the living subsidy is for any grade and is
    checked against the roster every month), so only it can end here.
    """
    held_set = frozenset(held)
    if "nursing" in held_set and not nursing_possible(new_grade, category, policy):
        return frozenset({"nursing"})
    return frozenset()


def apply_stop(
    grants: Iterable[SubsidyGrant], stopped: Set[Subsidy], event_date: dt.date
) -> tuple[SubsidyGrant, ...]:
    """The grants with the ``stopped`` subsidies ending from the month after ``event_date``.

    An earlier stop already recorded stays: a later event never resumes payment.
    """
    stop = stop_month_after(event_date)
    updated = []
    for grant in grants:
        if grant.subsidy in stopped and (grant.stops_from is None or stop < grant.stops_from):
            grant = replace(grant, stops_from=stop)
        updated.append(grant)
    return tuple(updated)


def due_lines(
    grants: Iterable[SubsidyGrant],
    paid: Iterable[tuple[Subsidy, str]],
    payroll_month: str,
    standards: Iterable[Standard],
) -> list[PayrollLine]:
    """The lines the payroll of ``payroll_month`` pays: every due month ≤ it not yet paid.

    Arrears come in the same run, each line naming its period month and paid at that month's
    year's standard. ``paid`` are the (subsidy, month) pairs earlier runs already paid.
    """
    parse_month(payroll_month)
    standards = tuple(standards)
    paid_set = set(paid)
    due: set[tuple[Subsidy, str]] = set()
    for grant in grants:
        last = payroll_month
        if grant.stops_from is not None:
            last = min(last, previous_month(grant.stops_from))
        due.update((grant.subsidy, m) for m in month_range(grant.start_month, last))
    lines = []
    for subsidy, month in sorted(due - paid_set, key=lambda pair: (pair[1], pair[0])):
        standard = standard_for(standards, int(month[:4]))
        lines.append(PayrollLine(subsidy, month, standard.monthly_fen(subsidy)))
    return lines


def difference_lines(
    paid: Iterable[tuple[Subsidy, str, int]],
    payroll_month: str,
    standards: Iterable[Standard],
) -> list[PayrollLine]:
    """The difference lines (补发差额) the payroll of ``payroll_month`` pays.

    ``paid`` are the ``(subsidy, period_month, amount_fen)`` lines paid so far, regular and
    difference alike. For each (subsidy, month ≤ ``payroll_month``) already paid, when what was
    paid in total is below the standard its year is paid at now, the difference is due; once
    paid, it is part of what was paid, so it is never paid twice. A lower standard takes nothing
    back.
    """
    parse_month(payroll_month)
    standards = tuple(standards)
    totals: dict[tuple[Subsidy, str], int] = {}
    for subsidy, month, amount in paid:
        if month <= payroll_month:
            totals[(subsidy, month)] = totals.get((subsidy, month), 0) + amount
    lines = []
    for (subsidy, month), total in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        target = standard_for(standards, int(month[:4])).monthly_fen(subsidy)
        if total < target:
            lines.append(PayrollLine(subsidy, month, target - total, "difference"))
    return lines
