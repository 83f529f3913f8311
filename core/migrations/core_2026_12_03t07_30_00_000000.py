"""The indicator cache (``core.indicator_cache``): one row per year, replaced when the day, the
audit head or the context it was computed from changes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indicator cache"

COLUMNS = (
    "year INTEGER NOT NULL DEFAULT 0, day DATE NOT NULL DEFAULT CURRENT_DATE, "
    "context TEXT NOT NULL DEFAULT '', seq {bigint} NOT NULL DEFAULT 0, "
    "last_hash VARCHAR(64) NOT NULL DEFAULT '', payload TEXT NOT NULL DEFAULT '[]', "
    "computed_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            primary_key, bigint = "id INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"
        else:
            primary_key, bigint = "id SERIAL PRIMARY KEY", "BIGINT"
        columns = COLUMNS.format(bigint=bigint)
        await engine.run_ddl(
            f"CREATE TABLE IF NOT EXISTS indicator_cache ({primary_key}, {columns})"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS indicator_cache_year ON indicator_cache (year)"
        )

    manager.add_raw(create)
    return manager
