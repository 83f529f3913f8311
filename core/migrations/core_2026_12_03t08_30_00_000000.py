"""The indicator cache's refresh lease (``core.indicator_cache``): one background refresh of a
year's figures at a time across processes and hosts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T08:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indicator cache refresh lease"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def add():
        await engine_finder().run_ddl(
            "ALTER TABLE indicator_cache ADD COLUMN refresh_until TIMESTAMPTZ NULL"
        )

    manager.add_raw(add)
    return manager
