"""Seed the audit chain's head row and add indexes Piccolo's Unique() cannot add on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T05:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit head row, assistance and rate_event indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def seed_and_index():
        engine = engine_finder()
        await engine.run_ddl("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '')")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS assistance_entry_key "
            "ON assistance (id_number, category, valid_from)"
        )
        await engine.run_ddl("CREATE INDEX IF NOT EXISTS rate_event_key_at ON rate_event (key, at)")

    manager.add_raw(seed_and_index)
    return manager
