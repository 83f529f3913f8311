"""Divorce by agreement with a cooling-off period (离婚冷静期), DOMAIN.md "Marriage registration" 7.

民法典 第1077条 and 民发〔2020〕116号: day 0 is the day the application is accepted. The cooling-off
period is 30 days from day 0; the registration period is the 30 days after cooling-off ends.
Periods are counted as 第201条/第203条 say (``core.workdays.period_end``): from the next day, and
a last day that is not a working day (on the given working-day calendar) moves to the next
working day.

A period's last day runs until 24:00 (第203条), so on the day cooling-off ends a spouse may still
withdraw and the divorce cannot be registered yet; registration is possible from the next day
through ``register_by`` inclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, NamedTuple

from core.refusals import Refusal
from core.workdays import Workdays, kept_promise, period_end
from plugins.marriage.rules.eligibility import Party, is_dead_on
from plugins.marriage.rules.refusals import refusal
from plugins.marriage.rules.status import RegistrationRef, is_latest_registration

COOLING_OFF_DAYS = 30
REGISTRATION_PERIOD_DAYS = 30

# ``cooling_off`` is the stored status of an open application through both periods (API.md);
# ``closed`` ends one the registry cannot finish (a spouse died, the marriage ended otherwise).
DivorceStatus = Literal["cooling_off", "withdrawn", "registered", "expired", "closed"]


class DivorceDates(NamedTuple):
    cooling_off_ends: dt.date
    register_by: dt.date


@dataclass(frozen=True)
class DivorceApplication:
    status: DivorceStatus
    cooling_off_ends: dt.date
    register_by: dt.date
    spouse_id_numbers: tuple[str, str]


def divorce_dates(calendar: Workdays, applied_on: dt.date) -> DivorceDates:
    """Last day of cooling-off and last day to register, for an application accepted that day."""
    cooling_off_ends = period_end(calendar, applied_on, COOLING_OFF_DAYS)
    return DivorceDates(
        cooling_off_ends, period_end(calendar, cooling_off_ends, REGISTRATION_PERIOD_DAYS)
    )


def recomputed_divorce_dates(
    calendar: Workdays, applied_on: dt.date, told: DivorceDates, today: dt.date
) -> DivorceDates:
    """The dates on a newly entered calendar, keeping the promise (DOMAIN.md "The working-day
    calendar"): a date already passed stays as it was; a date to come moves later, never earlier
    than told. Register-by is counted from the (kept) end of cooling-off."""
    fresh = period_end(calendar, applied_on, COOLING_OFF_DAYS)
    cooling_off_ends = told.cooling_off_ends
    if cooling_off_ends >= today:
        cooling_off_ends = kept_promise(cooling_off_ends, fresh)
    register_by = told.register_by
    if register_by >= today:
        fresh_by = period_end(calendar, cooling_off_ends, REGISTRATION_PERIOD_DAYS)
        register_by = kept_promise(register_by, fresh_by)
    return DivorceDates(cooling_off_ends, register_by)


def divorce_application_refusal(
    marriage: RegistrationRef, spouse_a: Party, spouse_b: Party, applied_on: dt.date
) -> Refusal | None:
    """``NOT_MARRIED`` unless the marriage is still in effect on ``applied_on``: both spouses alive
    and that marriage registration is still each one's latest record."""
    for party in (spouse_a, spouse_b):
        if is_dead_on(party, applied_on) or not is_latest_registration(
            party.marital_records, marriage
        ):
            return refusal("NOT_MARRIED", "The marriage is not in effect", "该婚姻关系已不存续")
    return None


def current_divorce_status(application: DivorceApplication, today: dt.date) -> DivorceStatus:
    """The stored status, except that an open application past ``register_by`` has expired and is
    deemed withdrawn (for the deadline sweep and for display)."""
    if application.status == "cooling_off" and today > application.register_by:
        return "expired"
    return application.status


def cooling_off_over() -> Refusal:
    """``NOT_IN_COOLING_OFF``: the application is no longer open to withdrawal."""
    return refusal("NOT_IN_COOLING_OFF", "Withdrawal only during cooling-off", "只能在冷静期内撤回")


def withdraw_refusal(
    application: DivorceApplication, id_number: str, today: dt.date
) -> Refusal | None:
    """Either spouse may withdraw while cooling-off lasts, its last day included."""
    if id_number not in application.spouse_id_numbers:
        return refusal("NOT_A_PARTY", "Only a spouse may withdraw", "只有当事人一方可以撤回")
    if application.status != "cooling_off" or today > application.cooling_off_ends:
        return cooling_off_over()
    return None


def register_refusal(application: DivorceApplication, today: dt.date) -> Refusal | None:
    """The divorce may be registered from the day after cooling-off ends through ``register_by``.

    ``EXPIRED`` once ``register_by`` has passed (the application is then deemed withdrawn);
    ``APPLICATION_CLOSED`` (409) for an application already withdrawn or registered;
    ``COOLING_OFF`` before, with ``extra.ends``.
    """
    status = current_divorce_status(application, today)
    if status == "expired":
        return refusal(
            "EXPIRED",
            "The period to register has passed; the application is deemed withdrawn",
            "已超过办理期限，视为撤回离婚登记申请",
        )
    if status != "cooling_off":
        return refusal(
            "APPLICATION_CLOSED",
            f"The application is {application.status}",
            "申请已办结",
            kind="conflict",
        )
    if today <= application.cooling_off_ends:
        return refusal(
            "COOLING_OFF",
            "The cooling-off period has not ended",
            "离婚冷静期尚未届满",
            extra={"ends": application.cooling_off_ends},
        )
    return None
