"""Tables of the social_orgs plugin (社会组织): registry, annual reports, enforcement, spot checks,
graded evaluation.

Organizations are referred to by their unified social credit code everywhere (it is public and
never changes). Composite unique keys are added by the hand-written migration
``social_orgs_2026_11_29t05_55_00_000000`` (Piccolo's ``Unique()`` breaks SQLite).
"""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Organization(Table, tablename="social_org"):
    """A registered social group, social service organization or foundation."""

    uscc = Varchar(length=18, unique=True)
    name = Varchar(length=200)
    kind = Varchar(length=16)  # social_group | social_service | foundation
    status = Varchar(length=16, default="active", index=True)  # active | deregistered
    registered_on = Date()
    legal_representative = Varchar(length=64)
    # The legal representative as a person of the core registry (optional; issue 11 item 7).
    legal_representative_id_number = Varchar(length=18, null=True, default=None, index=True)
    staff_count = Integer(default=0)
    contact_phone = Varchar(length=32, default="")
    deregistered_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class AnnualReport(Table, tablename="social_org_report"):
    """One organization's annual work report for one year (unique on uscc, year).

    ``submitted_on`` is the first submission: it decides lateness and ends the abnormal listing;
    a correction after a clerk returned the report does not make it late again.
    """

    uscc = Varchar(length=18, index=True)
    year = Integer()
    status = Varchar(length=16, default="draft")  # draft | submitted | returned
    content = JSON(default="{}")
    deadline = Date()
    submitted_on = Date(null=True, default=None)
    resubmitted_on = Date(null=True, default=None)
    late = Boolean(default=False)
    return_reason = Text(default="")
    inspection_result = Varchar(length=24, null=True, default=None)
    inspection_note = Text(default="")
    inspected_on = Date(null=True, default=None)
    inspected_by = Varchar(length=64, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class SentReminder(Table, tablename="social_org_reminder"):
    """A deadline reminder already sent (unique on uscc, year, days_before): never twice."""

    uscc = Varchar(length=18)
    year = Integer()
    days_before = Integer()
    sent_on = Date()


class DeregistrationDecision(Table, tablename="social_org_deregistration"):
    """A reviewer's decision on a deregistration proposal, keyed by its grounds (the two
    consecutive unfiled years; unique on uscc, first_year, second_year)."""

    uscc = Varchar(length=18, index=True)
    first_year = Integer()
    second_year = Integer()
    decision = Varchar(length=16)  # confirmed | rejected
    note = Text(default="")
    decided_on = Date()
    decided_by = Varchar(length=64)


class SpotCheck(Table, tablename="social_org_spot_check"):
    """A published random draw (双随机一公开): its seed, the set it drew from and the result."""

    year = Integer(index=True)
    seed = Varchar(length=300)  # JSON text of the seed as given: 42 or "abc"
    requested_count = Integer(null=True, default=None)
    active_count = Integer()
    active_usccs = JSON(default="[]")
    inspector_pool = JSON(default="[]")
    assignments = JSON(default="[]")  # [{"uscc": ..., "inspectors": [a, b]}]
    drawn_on = Date()
    drawn_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class EvaluationPolicy(Table, tablename="social_org_evaluation_policy"):
    """Grade thresholds and indicator maxima from ``effective_from`` on (admin-edited)."""

    effective_from = Date(index=True)
    thresholds = JSON(default="{}")
    indicators = JSON(default="[]")
    changed_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class Evaluation(Table, tablename="social_org_evaluation"):
    """A graded evaluation (unique on uscc, year): public notice, then announcement."""

    uscc = Varchar(length=18, index=True)
    year = Integer()
    scores = JSON(default="{}")
    total = Integer()
    grade = Varchar(length=4, null=True, default=None)
    thresholds = JSON(default="{}")
    status = Varchar(length=16, default="public_notice")  # public_notice | announced | withdrawn
    evaluated_on = Date()
    notice_ends_on = Date()
    announced_on = Date(null=True, default=None)
    valid_from = Date(null=True, default=None)
    valid_until = Date(null=True, default=None)
    certificate_no = Varchar(length=40, null=True, default=None)
    evaluated_by = Varchar(length=64)
    withdrawn_reason = Text(default="")


class OrgTask(Table, tablename="social_org_task"):
    """Open work on an organization for a clerk, shown in its portal too.

    ``legal_representative_change``: the legal representative (``person_id_number``) died on
    ``died_on``; closed when a clerk records the new legal representative (变更登记), or when that
    death is revoked as recorded in error.
    """

    uscc = Varchar(length=18, index=True)
    kind = Varchar(length=32)
    status = Varchar(length=16, default="open", index=True)  # open | closed
    opened_on = Date()
    reason = Text(default="")
    person_id_number = Varchar(length=18, null=True, default=None, index=True)
    died_on = Date(null=True, default=None)
    closed_on = Date(null=True, default=None)
    closed_by = Varchar(length=64, default="")
    close_note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


TABLES: list[type[Table]] = [
    Organization,
    AnnualReport,
    SentReminder,
    DeregistrationDecision,
    SpotCheck,
    EvaluationPolicy,
    Evaluation,
    OrgTask,
]
