"""The single-column indexes on ``audit_event`` (actor, action, entity) dropped: the
``(actor, seq)``, ``(action, seq)`` and ``(entity, seq)`` indexes answer every lookup they did,
and each entry written (on PostgreSQL, once inserted and once sealed) updated three indexes
fewer."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-04T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event single-column indexes dropped"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def drop():
        engine = engine_finder()
        for column in ("actor", "action", "entity"):
            await engine.run_ddl(f"DROP INDEX IF EXISTS audit_event_{column}")

    manager.add_raw(drop)
    return manager
