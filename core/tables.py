"""Core tables: accounts and tokens, audit chain, people and roster, plugins' state,
certificates and serials, notifications, rate-limit events, the test clock and job leases."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Array,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Account(Table, tablename="account"):
    """A person who signs in: staff (roles admin/clerk/reviewer), a citizen or an organization."""

    username = Varchar(length=64, unique=True)
    password_hash = Varchar(length=200)
    kind = Varchar(length=16)  # staff | citizen | org
    roles = Array(Varchar(length=32))
    display_name = Varchar(length=100, default="")
    phone = Varchar(length=32, default="")
    office_code = Varchar(length=32, null=True, default=None)
    org_uscc = Varchar(length=18, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    verification = Varchar(length=16, default="unverified")
    """Citizens only: ``unverified`` → ``phone`` (code confirmed) → ``identity`` (identity card
    seen at a window, or the province's identity provider)."""


class VerificationCode(Table, tablename="verification_code"):
    """A one-time code sent to a citizen (phone confirmation, password reset) or handed out at
    the window (activation). Only a keyed HMAC of the code is stored; ``attempts`` counts the
    wrong guesses, after five of which the code is dead."""

    account = ForeignKey(references=Account)
    purpose = Varchar(length=16)  # phone | activation | reset
    code_hash = Varchar(length=64)
    attempts = Integer(default=0)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class AuthToken(Table, tablename="auth_token"):
    """An opaque bearer token or browser session; only its SHA-256 is stored."""

    token_hash = Varchar(length=64, unique=True)
    account = ForeignKey(references=Account)
    kind = Varchar(length=16)  # api | session
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class RateEvent(Table, tablename="rate_event"):
    """One counted event (a failed login, a booking attempt) for sliding-window limits."""

    key = Varchar(length=160, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)


class AuditHead(Table, tablename="audit_head"):
    """The chain's last sequence number and hash: the single row every chaining locks (each
    transaction on SQLite, each seal on PostgreSQL, ``core.audit.service``)."""

    seq = BigInt(default=0)
    last_hash = Varchar(length=64, default="")
    keyed_since = BigInt(null=True, default=None)
    """First sequence number hashed with the audit key (HMAC); earlier ones are plain SHA-256."""
    keyed_since_mac = Varchar(length=64, default="")
    """HMAC of the switch point: it cannot be moved without the key."""


class AuditEvent(Table, tablename="audit_event"):
    """Append-only, hash-chained record of every state change and every full-record read.

    On PostgreSQL an entry is inserted unsealed and chained after its COMMIT: until then
    ``seq`` and ``prev_hash`` are NULL and ``hash`` is an HMAC of its content alone."""

    seq = BigInt(unique=True, null=True, default=None)
    at = Timestamptz()
    # Indexed with ``seq`` (a migration's ``(actor, seq)`` and the others): the listing's order.
    actor = Varchar(length=64)
    action = Varchar(length=96)
    entity = Varchar(length=64)
    entity_id = Varchar(length=64, default="")
    summary = Text(default="")
    details = JSON(default="{}")
    ip = Varchar(length=64, default="")
    prev_hash = Varchar(length=64, null=True, default=None)
    hash = Varchar(length=64)


class Person(Table, tablename="person"):
    """The shared registry of people, keyed by resident identity number."""

    id_number = Varchar(length=18, unique=True)
    name = Varchar(length=64)
    sex = Varchar(length=8)
    birth_date = Date()
    hukou_division = Varchar(length=6, null=True, default=None)
    residence_permit_division = Varchar(length=6, null=True, default=None)
    marital_status = Varchar(length=16, default="unmarried")
    deceased_on = Date(null=True, default=None)
    phone = Varchar(length=32, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class Assistance(Table, tablename="assistance"):
    """A social-assistance roster entry (低保, 特困, 低收入, 重点优抚对象) with its validity."""

    id_number = Varchar(length=18, index=True)
    category = Varchar(length=16)
    valid_from = Date()
    valid_to = Date(null=True, default=None)
    imported_at = Timestamptz(default=TimestamptzNow())


class PluginState(Table, tablename="plugin_state"):
    name = Varchar(length=32, unique=True)
    enabled = Boolean(default=True)
    changed_at = Timestamptz(default=TimestamptzNow())


class Certificate(Table, tablename="certificate"):
    """Every certificate issued by any plugin; ``content`` re-renders the same PDF."""

    number = Varchar(length=40, unique=True)
    kind = Varchar(length=32)
    plugin = Varchar(length=32)
    title = Varchar(length=64)
    holder_names = Array(Varchar(length=64))
    holder_ids = Array(Varchar(length=32))
    issued_on = Date()
    status = Varchar(length=16, default="valid")  # valid | void
    void_reason = Varchar(length=200, default="")
    replaced_by = Varchar(length=40, null=True, default=None)
    content = JSON(default="{}")
    created_at = Timestamptz(default=TimestamptzNow())


class SerialCounter(Table, tablename="serial_counter"):
    """Last serial handed out per key (``J440704-2026``), advanced by one conditional UPDATE."""

    key = Varchar(length=64, unique=True)
    value = BigInt(default=0)


class Notification(Table, tablename="notification"):
    """The outbox: every message any plugin sends, kept until delivered and afterwards."""

    recipient = Varchar(length=128, index=True)
    channel = Varchar(length=16, default="sms")
    subject = Varchar(length=200)
    body = Text()
    plugin = Varchar(length=32, default="core")
    status = Varchar(length=16, default="pending", index=True)  # pending | sent | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class ClockOverride(Table, tablename="clock_override"):
    """Only read when MINZHENG_ENV=test: the date the whole application believes it is."""

    today = Date()


class JobLease(Table, tablename="job_lease"):
    """Which process may run a scheduled job now, so several app processes never run it twice."""

    name = Varchar(length=96, unique=True)
    locked_until = Timestamptz(default=TimestamptzNow())
    last_run_at = Timestamptz(null=True, default=None)
    last_status = Varchar(length=200, default="")


class CalendarYear(Table, tablename="calendar_year"):
    """A year's official holiday schedule entered by the admin (``PUT /api/v1/calendar/{year}``);
    it wins over ``chinese-calendar`` and the statutory computation (``core.workdays``)."""

    year = Integer(unique=True)
    days = Text(default="[]")  # JSON [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]
    entered_by = Varchar(length=64, default="")
    entered_at = Timestamptz(default=TimestamptzNow())


CORE_TABLES: list[type[Table]] = [
    Account,
    AuthToken,
    RateEvent,
    AuditHead,
    AuditEvent,
    Person,
    Assistance,
    PluginState,
    Certificate,
    SerialCounter,
    Notification,
    ClockOverride,
    JobLease,
    CalendarYear,
    VerificationCode,
]


class IdempotencyRecord(Table, tablename="idempotency_key"):
    """The first answer to a create sent with an ``Idempotency-Key``, written in the same
    transaction as what it created; replayed to retries for 24 hours (core.idempotency)."""

    key = Varchar(length=200)
    actor = Varchar(length=64)
    method = Varchar(length=8)
    path = Varchar(length=300)
    body_hash = Varchar(length=64)
    status_code = Integer(default=0)
    response_body = Text(default="")
    content_type = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())


CORE_TABLES.append(IdempotencyRecord)


class PlanTarget(Table, tablename="plan_target"):
    """A target of a plan period entered by the administrator (core.plan): the 15th plan's
    (2026–2030) value, unit and direction for one indicator."""

    plan = Varchar(length=8)
    indicator_key = Varchar(length=100)
    target = DoublePrecision(null=True, default=None)
    unit = Varchar(length=20, default="")
    comparison = Varchar(length=4, default=">=")
    entered_by = Varchar(length=64, default="")
    entered_at = Timestamptz(default=TimestamptzNow())


CORE_TABLES.append(PlanTarget)


class IndicatorCache(Table, tablename="indicator_cache"):
    """The plan's indicators of a year as last computed, with what they were computed from
    (``core.indicator_cache``): one row per year."""

    year = Integer()
    day = Date()
    context = Text(default="")
    seq = BigInt()
    last_hash = Varchar(length=64, default="")
    payload = Text(default="[]")
    computed_at = Timestamptz(default=TimestamptzNow())
    refresh_until = Timestamptz(null=True, default=None)
    """A background refresh's lease (one process at a time), NULL when none runs."""


CORE_TABLES.append(IndicatorCache)
