"""marriage_appointment.rebook_until: the priority rebooking of an appointment cancelled because
an official holiday schedule closed its day."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T19:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "appointment rebook_until"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Appointment",
        tablename="marriage_appointment",
        column_name="rebook_until",
        db_column_name="rebook_until",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
