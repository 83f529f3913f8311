"""The plan_target table: the administrator's targets of a plan period (core.plan)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T18:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "plan targets"

COLUMNS = (
    "plan VARCHAR(8) NOT NULL, indicator_key VARCHAR(100) NOT NULL, "
    "target DOUBLE PRECISION NULL, unit VARCHAR(20) NOT NULL DEFAULT '', "
    "comparison VARCHAR(4) NOT NULL DEFAULT '>=', entered_by VARCHAR(64) NOT NULL DEFAULT '', "
    "entered_at TIMESTAMPTZ NOT NULL"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            primary_key = "id INTEGER PRIMARY KEY AUTOINCREMENT"
        else:
            primary_key = "id SERIAL PRIMARY KEY"
        await engine.run_ddl(f"CREATE TABLE IF NOT EXISTS plan_target ({primary_key}, {COLUMNS})")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS plan_target_plan_key "
            "ON plan_target (plan, indicator_key)"
        )

    manager.add_raw(create)
    return manager
