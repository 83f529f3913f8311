"""Tables of the funeral plugin: policy versions, waivers, confirmed monthly settlements.

Money is integer fen in ``BigInt`` columns. The unique indexes that make "one waiver per
deceased" and "one settlement per month" hold under concurrency are added by a hand-written
migration (Piccolo's ``Unique()`` breaks SQLite).
"""

from piccolo.columns import JSON, BigInt, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class FuneralPolicy(Table, tablename="funeral_policy"):
    """One version of the waiver policy, in force from ``effective_from`` until a later one."""

    effective_from = Date(index=True)
    items = JSON(default="[]")
    eligible_categories = JSON(default="[]")
    all_local_residents = Boolean(default=False)
    local_divisions = JSON(default='["440704"]')
    excluded_categories = JSON(default="[]")
    total_cap_fen = BigInt(null=True, default=None)
    created_by = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class FuneralWaiver(Table, tablename="funeral_waiver"):
    """A decided waiver (approved or rejected), kept for ever; voiding only marks it.

    A deceased person is known by ``id_number``, or, for an unidentified body, by the police
    certificate number (``police_certificate_no``); exactly one of the two is set.
    """

    id_number = Varchar(length=18, null=True, default=None)
    police_certificate_no = Varchar(length=64, null=True, default=None)
    deceased_name = Varchar(length=64)
    died_on = Date()
    hukou_division = Varchar(length=6, null=True, default=None)
    declared_categories = JSON(default="[]")
    funeral_home = Varchar(length=100, index=True)
    applicant_name = Varchar(length=64)
    applicant_phone = Varchar(length=32)
    applicant_relation = Varchar(length=32)
    status = Varchar(length=16)  # approved | rejected (the decision; voiding does not change it)
    category = Varchar(length=32, null=True, default=None)
    fee_fen = BigInt(default=0)
    waived_fen = BigInt(default=0)
    lines = JSON(default="[]")
    reasons = JSON(default="[]")
    policy_id = Integer(null=True, default=None)
    recorded_on = Date(index=True)
    recorded_by = Varchar(length=64)
    office_code = Varchar(length=32, null=True, default=None)
    notice_no = Varchar(length=40, null=True, default=None)
    voided_on = Date(null=True, default=None, index=True)
    voided_by = Varchar(length=64, null=True, default=None)
    void_reason = Text(default="")
    replaces_id = Integer(null=True, default=None)
    replaced_by_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class FuneralSettlement(Table, tablename="funeral_settlement"):
    """A month a reviewer confirmed: the lines as they stood then, frozen."""

    month = Varchar(length=7)
    lines = JSON(default="[]")
    confirmed_by = Varchar(length=64)
    confirmed_at = Timestamptz(default=TimestamptzNow())


TABLES: list[type[Table]] = [FuneralPolicy, FuneralWaiver, FuneralSettlement]
