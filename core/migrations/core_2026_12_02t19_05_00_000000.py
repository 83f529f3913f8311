"""Indexes for a province's data (issue 13): people found by contained characters of their name
(``core.grams``), audit filters by actor, action and entity in sequence order."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

from core.grams import ddl

ID = "2026-12-02T19:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "person name bigrams, audit filter indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def indexes():
        engine = engine_finder()
        for column in ("actor", "action", "entity"):
            await engine.run_ddl(
                f"CREATE INDEX IF NOT EXISTS audit_event_{column}_seq "
                f"ON audit_event ({column}, seq)"
            )
        for statement in ddl(engine.engine_type, "person", "name"):
            await engine.run_ddl(statement)

    manager.add_raw(indexes)
    return manager
