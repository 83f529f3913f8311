"""A unique index on calendar_year.year (Piccolo's Unique() cannot add one on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T18:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "calendar_year unique year"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def unique_year():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS calendar_year_year ON calendar_year (year)"
        )

    manager.add_raw(unique_year)
    return manager
