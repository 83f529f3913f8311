"""marriage_office: the printer calibration of the office's window (x/y offsets in mm) for
printing certificates onto the pre-printed booklets (issue 14 item 7)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import DoublePrecision
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T19:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "office printer calibration"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Office",
        tablename="marriage_office",
        column_name="printer_offset_x_mm",
        db_column_name="printer_offset_x_mm",
        column_class_name="DoublePrecision",
        column_class=DoublePrecision,
        params={
            "default": 0.0,
            "null": False,
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
    manager.add_column(
        table_class_name="Office",
        tablename="marriage_office",
        column_name="printer_offset_y_mm",
        db_column_name="printer_offset_y_mm",
        column_class_name="DoublePrecision",
        column_class=DoublePrecision,
        params={
            "default": 0.0,
            "null": False,
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
