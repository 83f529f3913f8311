"""marriage_slot_place: a slot's places as rows (plugins/marriage/services/places.py), so that
the winners of one slot lock a row each instead of queueing on the slot's counter. Filled, and
the counter dropped, by the next migration."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "slot places"


def _params(**params: object) -> dict[str, object]:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **params,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)
    manager.add_table(
        class_name="SlotPlace", tablename="marriage_slot_place", schema=None, columns=None
    )
    columns = [
        ("slot_id", Integer, _params(default=0)),
        ("place", Integer, _params(default=0)),
        (
            "appointment_code",
            Varchar,
            _params(length=16, default=None, null=True, index=True),
        ),
    ]
    for name, column_class, params in columns:
        manager.add_column(
            table_class_name="SlotPlace",
            tablename="marriage_slot_place",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
