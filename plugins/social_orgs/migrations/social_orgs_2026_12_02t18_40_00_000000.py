"""One open task per organization, kind and person: two transactions recording the same death at
once cannot open it twice (a partial unique index, on SQLite and PostgreSQL alike)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T18:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "social_org_task: one open task per organization, kind and person"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="social_orgs", description=DESCRIPTION)

    async def add_index():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS social_org_task_open_key "
            "ON social_org_task (uscc, kind, person_id_number) WHERE status = 'open'"
        )

    manager.add_raw(add_index)
    return manager
