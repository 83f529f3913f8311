"""Tables of the disability plugin: standards and policy, applications, grants, payroll.

Months are ``"YYYY-MM"`` text (they sort as text on both engines). Composite and partial unique
indexes (one open or active application per person; one payment per person, subsidy and period
month) are created by a hand-written migration: Piccolo's ``Unique()`` breaks SQLite.
"""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Standard(Table, tablename="disability_standard"):
    """Monthly amounts set by the admin for a year; years without a row use the rules' defaults."""

    year = Integer(unique=True)
    living_monthly_fen = Integer()
    nursing_monthly_fen = Integer()
    updated_by = Varchar(length=64, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class Policy(Table, tablename="disability_policy"):
    """The local extensions in force from ``effective_from`` (DOMAIN.md allows two)."""

    effective_from = Date(unique=True)
    living_for_low_income = Boolean(default=False)
    nursing_for_grades_3_4_intellectual_mental = Boolean(default=False)
    updated_by = Varchar(length=64, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class Application(Table, tablename="disability_application"):
    """An application; once approved it is the beneficiary record (same id).

    ``status``: submitted → street_approved → approved → stopped, or rejected.
    """

    id_number = Varchar(length=18, index=True)
    name = Varchar(length=64)
    card_no = Varchar(length=20)
    category = Integer()
    grade = Integer()
    requested = Varchar(length=32)  # "living,nursing"
    granted = Varchar(length=32)  # the requested subsidies the person was eligible for
    eligible_living = Boolean(default=False)
    eligible_nursing = Boolean(default=False)
    reasons = JSON(default="[]")
    work_injury_nursing = Boolean(default=False)
    orphan_support = Boolean(default=False)
    phone = Varchar(length=32, default="")
    bank_account = Varchar(length=40, default="")
    applied_on = Date()
    filed_month = Varchar(length=7)
    status = Varchar(length=16, index=True)
    submitted_by = Varchar(length=64, default="")
    office_code = Varchar(length=32, null=True, default=None)
    street_note = Text(default="")
    street_reviewed_by = Varchar(length=64, default="")
    street_reviewed_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")
    decided_by = Varchar(length=64, default="")
    decided_at = Timestamptz(null=True, default=None)
    approved_on = Date(null=True, default=None)
    starts_month = Varchar(length=7, null=True, default=None)
    last_reviewed_on = Date(null=True, default=None)
    next_review_on = Date(null=True, default=None, index=True)
    review_reminded_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Grant(Table, tablename="disability_grant"):
    """One approved subsidy of a beneficiary: due from ``start_month`` until ``stops_from``.

    ``settled_through`` is the last month a payroll has settled for this grant (paid, or found
    not payable that month): the next payroll looks only at later months.
    """

    application = ForeignKey(references=Application)
    id_number = Varchar(length=18, index=True)
    subsidy = Varchar(length=8)
    start_month = Varchar(length=7)
    stops_from = Varchar(length=7, null=True, default=None)
    stop_reason = Varchar(length=16, null=True, default=None)
    stop_note = Text(default="")
    settled_through = Varchar(length=7, null=True, default=None)


class PayrollRun(Table, tablename="disability_payroll_run"):
    """The payroll of one month; ``complete`` runs are final (a rerun returns them unchanged)."""

    month = Varchar(length=7, unique=True)
    status = Varchar(length=16, default="running")  # running | complete
    beneficiaries = Integer(default=0)
    lines = Integer(default=0)
    living_fen = BigInt(default=0)
    nursing_fen = BigInt(default=0)
    total_fen = BigInt(default=0)
    difference_fen = BigInt(default=0)  # the part of the total paid as difference lines
    provisional_standard = Boolean(default=False)  # a period year paid at a provisional standard
    run_by = Varchar(length=64, default="")
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class Payment(Table, tablename="disability_payment"):
    """One payroll line: a subsidy for one period month. A ``regular`` line is unique per
    (person, subsidy, month); a ``difference`` line (补发差额, after a standard was raised) is
    unique per (person, subsidy, month, run).

    ``run`` is the run's id without a foreign-key constraint: only the payroll writes lines, into
    a run it has just created, and a per-row constraint trigger would cost a fifth of the insert
    time on PostgreSQL.
    """

    run = Integer()
    grant_id = BigInt()
    id_number = Varchar(length=18)
    subsidy = Varchar(length=8)
    period_month = Varchar(length=7)
    amount_fen = Integer()
    kind = Varchar(length=10, default="regular")  # regular | difference
    created_at = Timestamptz(default=TimestamptzNow())


class DifferenceSettled(Table, tablename="disability_difference_settled"):
    """Per year and subsidy, the monthly standard up to which a payroll has settled differences:
    a run computes differences only where the standard its year is paid at now is higher, so an
    unchanged standard costs no scan of the paid lines."""

    year = Integer()
    subsidy = Varchar(length=8)
    target_fen = Integer()


TABLES: list[type[Table]] = [
    Standard,
    Policy,
    Application,
    Grant,
    PayrollRun,
    Payment,
    DifferenceSettled,
]
