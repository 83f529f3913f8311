"""Audit entries may wait to be chained: ``audit_event.seq`` and ``prev_hash`` become nullable.

On PostgreSQL a write transaction inserts its entries unsealed and ``core.audit.sealing`` chains
them after its COMMIT (a NULL ``seq`` collides with no other in the unique index). SQLite chains
them in their transaction as before; its schema follows the definitions all the same. SQLite
cannot drop NOT NULL from a column, so the table is rebuilt (the rows copied as they are).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-04T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit entries sealed after COMMIT: seq and prev_hash nullable"

# As Piccolo created it (core_2026_11_29t05_37_15_448541), seq and prev_hash nullable.
SQLITE_TABLE = (
    "CREATE TABLE audit_event_sealable (id INTEGER PRIMARY KEY NOT NULL, "
    "seq INTEGER UNIQUE NULL DEFAULT NULL, at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "
    "actor VARCHAR(64) NOT NULL DEFAULT '', action VARCHAR(96) NOT NULL DEFAULT '', "
    "entity VARCHAR(64) NOT NULL DEFAULT '', entity_id VARCHAR(64) NOT NULL DEFAULT '', "
    "summary TEXT NOT NULL DEFAULT '', details JSON NOT NULL DEFAULT '{}', "
    "ip VARCHAR(64) NOT NULL DEFAULT '', prev_hash VARCHAR(64) NULL DEFAULT NULL, "
    "hash VARCHAR(64) NOT NULL DEFAULT '')"
)
INDEXES = [
    *(f"CREATE INDEX audit_event_{c} ON audit_event ({c})" for c in ("actor", "action", "entity")),
    *(
        f"CREATE INDEX audit_event_{c}_seq ON audit_event ({c}, seq)"
        for c in ("actor", "action", "entity")
    ),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def nullable():
        engine = engine_finder()
        if engine.engine_type != "sqlite":
            await engine.run_ddl(
                "ALTER TABLE audit_event ALTER COLUMN seq DROP NOT NULL, "
                "ALTER COLUMN seq DROP DEFAULT, ALTER COLUMN prev_hash DROP NOT NULL, "
                "ALTER COLUMN prev_hash DROP DEFAULT"
            )
            return
        # SQLite's procedure for other schema changes (sqlite.org/lang_altertable.html).
        await engine.run_ddl(SQLITE_TABLE)
        await engine.run_ddl("INSERT INTO audit_event_sealable SELECT * FROM audit_event")
        await engine.run_ddl("DROP TABLE audit_event")
        await engine.run_ddl("ALTER TABLE audit_event_sealable RENAME TO audit_event")
        for statement in INDEXES:
            await engine.run_ddl(statement)

    manager.add_raw(nullable)
    return manager
