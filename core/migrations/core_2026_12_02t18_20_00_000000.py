"""The idempotency-key table: first answers of creates, replayed to retries (API.md)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T18:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency keys"

COLUMNS = (
    "key VARCHAR(200) NOT NULL, actor VARCHAR(64) NOT NULL, method VARCHAR(8) NOT NULL, "
    "path VARCHAR(300) NOT NULL, body_hash VARCHAR(64) NOT NULL, "
    "status_code INTEGER NOT NULL DEFAULT 0, response_body TEXT NOT NULL DEFAULT '', "
    "content_type VARCHAR(100) NOT NULL DEFAULT '', created_at TIMESTAMPTZ NOT NULL"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            primary_key = "id INTEGER PRIMARY KEY AUTOINCREMENT"
        else:
            primary_key = "id SERIAL PRIMARY KEY"
        await engine.run_ddl(f"CREATE TABLE IF NOT EXISTS idempotency_key ({primary_key}, {COLUMNS})")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS idempotency_key_scope "
            "ON idempotency_key (key, actor, method, path)"
        )
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS idempotency_key_created_at ON idempotency_key (created_at)"
        )

    manager.add_raw(create)
    return manager
