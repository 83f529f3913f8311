"""Tables of the marriage plugin: offices and their slots, appointments, registrations, marital
records, divorce applications and reissues.

Composite unique indexes (a slot per office, day and start; a place number per slot; one active
hold per person and service) and the partial index on free places are created by hand-written
migrations: Piccolo's ``Unique()`` breaks SQLite.
"""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Office(Table, tablename="marriage_office"):
    """A marriage registry (婚姻登记处); its province is the first two digits of its division."""

    code = Varchar(length=32, unique=True)
    name = Varchar(length=100)
    division_code = Varchar(length=6)
    created_at = Timestamptz(default=TimestamptzNow())
    address = Varchar(length=200, default="")
    opening_hours = Varchar(length=200, default="")
    phone = Varchar(length=32, default="")
    directions = Text(default="")
    """How to get there in words (bus stops, entrance, floor): no map is needed."""
    printer_offset_x_mm = DoublePrecision(default=0.0)
    printer_offset_y_mm = DoublePrecision(default=0.0)
    """The window printer's calibration for the booklets (plugins.marriage.printing)."""


class Schedule(Table, tablename="marriage_schedule"):
    """The office's daily slot pattern and its open/closed dates, as the admin last saved it."""

    office_code = Varchar(length=32, unique=True)
    pattern = JSON(default="[]")  # [{"start": "09:00", "end": "09:30", "capacity": 6}]
    open_dates = JSON(default="[]")
    closed_dates = JSON(default="[]")
    horizon_days = Integer(default=30)
    updated_at = Timestamptz(default=TimestamptzNow())


class Slot(Table, tablename="marriage_slot"):
    """One bookable period on one day; its places are ``SlotPlace`` rows.

    ``open`` is false for a booked slot the admin's new schedule no longer has: its bookings
    stay valid, but nobody else can book it and it is not listed.
    """

    office_code = Varchar(length=32, index=True)
    day = Date(index=True)
    start_time = Varchar(length=5)  # "HH:MM", China time
    end_time = Varchar(length=5)
    capacity = Integer()
    open = Boolean(default=True)


class SlotPlace(Table, tablename="marriage_slot_place"):
    """One place of a slot: free, or taken by the appointment ``appointment_code`` (from its
    booking until it is cancelled). An open slot has ``capacity`` places, more only while its
    capacity is below its bookings; a closed one keeps only its taken places. See
    plugins/marriage/services/places.py."""

    slot_id = Integer()
    place = Integer()  # 1, 2, …: a booking takes the lowest free one
    appointment_code = Varchar(length=16, null=True, default=None, index=True)


class Appointment(Table, tablename="marriage_appointment"):
    """A booking: the booker (a citizen account) and the partner they named."""

    code = Varchar(length=16, unique=True)
    slot_id = Integer(index=True)
    office_code = Varchar(length=32, index=True)
    day = Date(index=True)
    start_time = Varchar(length=5)
    end_time = Varchar(length=5)
    service = Varchar(length=16)  # marriage | divorce | reissue
    booker_account = Varchar(length=64, index=True)
    booker_id_number = Varchar(length=18, index=True)
    booker_name = Varchar(length=64)
    partner_id_number = Varchar(length=18, null=True, default=None)
    partner_name = Varchar(length=64, default="")
    status = Varchar(length=16, default="booked", index=True)
    # booked | checked_in | completed | cancelled | no_show
    # Set when an official holiday schedule closed the booked day: the booker may rebook with
    # priority until then (plugins/marriage/services/calendar_moves.py).
    rebook_until = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    changed_at = Timestamptz(default=TimestamptzNow())


class Hold(Table, tablename="marriage_hold"):
    """One active booking per person and service: a row per person of every active appointment,
    unique on (id_number, service); deleted when the appointment is cancelled, completed or
    marked no-show."""

    id_number = Varchar(length=18)
    service = Varchar(length=16)
    appointment_code = Varchar(length=16, index=True)


class BlockLift(Table, tablename="marriage_block_lift"):
    """An admin lifted a person's no-show block: no-shows up to ``lifted_on`` no longer count."""

    id_number = Varchar(length=18, index=True)
    lifted_on = Date()
    lifted_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class Registration(Table, tablename="marriage_registration"):
    """A marriage or divorce registration with both parties as they stood on the day."""

    kind = Varchar(length=16)  # marriage | divorce
    office_code = Varchar(length=32, index=True)
    registry_division = Varchar(length=6)
    registered_on = Date(index=True)
    certificate_no = Varchar(length=40, unique=True)
    party_a_id = Varchar(length=18, index=True)
    party_a_name = Varchar(length=64)
    party_a_hukou = Varchar(length=6)
    party_a_permit = Varchar(length=6, null=True, default=None)
    party_b_id = Varchar(length=18, index=True)
    party_b_name = Varchar(length=64)
    party_b_hukou = Varchar(length=6)
    party_b_permit = Varchar(length=6, null=True, default=None)
    cross_province = Boolean(default=False)
    kinship_declaration_signed = Boolean(default=False)
    appointment_code = Varchar(length=16, null=True, default=None)
    marriage_id = Integer(null=True, default=None)  # the marriage a divorce ended
    clerk = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class MaritalEvent(Table, tablename="marriage_record"):
    """One fact of a person's marital history (``rules.status.MaritalRecord``)."""

    id_number = Varchar(length=18, index=True)
    kind = Varchar(length=16)  # married | divorced | spouse_died
    happened_on = Date()
    spouse_id_number = Varchar(length=18)
    spouse_name = Varchar(length=64, default="")
    registration_id = Integer(null=True, default=None)


class DivorceApplication(Table, tablename="marriage_divorce_application"):
    """An application for divorce by agreement, through cooling-off to registration."""

    marriage_id = Integer(index=True)
    marriage_certificate_no = Varchar(length=40)
    office_code = Varchar(length=32, index=True)
    spouse_a_id = Varchar(length=18, index=True)
    spouse_b_id = Varchar(length=18, index=True)
    applied_on = Date()
    cooling_off_ends = Date()
    register_by = Date(index=True)
    status = Varchar(length=16, default="cooling_off", index=True)
    # cooling_off | withdrawn | registered | expired | closed
    closed_on = Date(null=True, default=None)
    close_reason = Text(default="")
    divorce_id = Integer(null=True, default=None)


class Reissue(Table, tablename="marriage_reissue"):
    """A certificate reissued (补领): the old number was voided and replaced by the new one."""

    registration_id = Integer(index=True)
    old_no = Varchar(length=40, index=True)
    new_no = Varchar(length=40, unique=True)
    id_number = Varchar(length=18)
    office_code = Varchar(length=32)
    reissued_on = Date()


class MarriageTask(Table, tablename="marriage_task"):
    """Work for a clerk the system cannot decide alone.

    ``revoked_death_remarried``: a death recorded in error was revoked, but the surviving spouse
    (``id_number``) had remarried since; the earlier marriage to ``other_id_number`` needs a
    clerk's handling (the records are left as they are until then).
    """

    kind = Varchar(length=32)
    id_number = Varchar(length=18, index=True)
    other_id_number = Varchar(length=18, index=True)
    opened_on = Date()
    reason = Text(default="")
    status = Varchar(length=16, default="open", index=True)  # open | closed
    closed_on = Date(null=True, default=None)
    closed_by = Varchar(length=64, default="")
    close_note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


TABLES: list[type[Table]] = [
    Office,
    Schedule,
    Slot,
    SlotPlace,
    Appointment,
    Hold,
    BlockLift,
    Registration,
    MaritalEvent,
    DivorceApplication,
    Reissue,
    MarriageTask,
]
