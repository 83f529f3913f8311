"""The directory's unfiltered total without counting 100,000 organizations on every page: their
count kept by triggers (``core.row_counts``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

from core.row_counts import ddl

ID = "2026-12-03T07:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "organization count"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="social_orgs", description=DESCRIPTION)

    async def counter():
        engine = engine_finder()
        for statement in ddl(engine.engine_type, "social_org"):
            await engine.run_ddl(statement)

    manager.add_raw(counter)
    return manager
