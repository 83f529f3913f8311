"""The directory at 100,000 organizations (issue 13): names in order with the code as the
tie-break (keyset paging), names found by contained characters (``core.grams``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

from core.grams import ddl

ID = "2026-12-02T19:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "organization name order and bigrams"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="social_orgs", description=DESCRIPTION)

    async def indexes():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS social_org_name_uscc ON social_org (name, uscc)"
        )
        for statement in ddl(engine.engine_type, "social_org", "name"):
            await engine.run_ddl(statement)

    manager.add_raw(indexes)
    return manager
