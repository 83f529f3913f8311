"""Composite unique indexes Piccolo's Unique() cannot add on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T05:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "slot and hold unique indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)

    async def add_indexes():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS marriage_slot_office_day_start "
            "ON marriage_slot (office_code, day, start_time)"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS marriage_hold_person_service "
            "ON marriage_hold (id_number, service)"
        )
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS marriage_appointment_booker_status "
            "ON marriage_appointment (booker_id_number, status)"
        )

    manager.add_raw(add_indexes)
    return manager
