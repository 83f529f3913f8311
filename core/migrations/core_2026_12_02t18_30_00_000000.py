"""The admin-entered official holiday schedules (table ``calendar_year``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T18:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "calendar_year: official holiday schedules entered by the admin"


def _params(default, **extra):
    return {
        "default": default,
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_table(
        class_name="CalendarYear", tablename="calendar_year", schema=None, columns=None
    )
    columns = [
        ("year", "Integer", Integer, _params(0)),
        ("days", "Text", Text, _params("[]")),
        ("entered_by", "Varchar", Varchar, _params("", length=64)),
        ("entered_at", "Timestamptz", Timestamptz, _params(TimestamptzNow())),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="CalendarYear",
            tablename="calendar_year",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )

    return manager
