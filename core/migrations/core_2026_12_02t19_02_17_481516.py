"""The audit chain becomes keyed (HMAC-SHA256 with the audit key kept outside the database).

Existing entries stay as they are, plain SHA-256; the switch point ``keyed_since`` (the next
sequence number) is recorded with its own HMAC, so it cannot be moved without the key. The
first keyed entry's HMAC covers the last plain hash, which seals the history before it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T19:02:17:481516"
VERSION = "1.38.0"
DESCRIPTION = "audit chain keyed from the next entry on"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def switch_to_keyed():
        from core.audit.chain import switch_point_mac
        from core.settings import get_settings

        engine = engine_finder()
        integer = "INTEGER" if engine.engine_type == "sqlite" else "BIGINT"  # Piccolo's BigInt
        await engine.run_ddl(f"ALTER TABLE audit_head ADD COLUMN keyed_since {integer}")
        await engine.run_ddl(
            "ALTER TABLE audit_head ADD COLUMN keyed_since_mac VARCHAR(64) NOT NULL DEFAULT ''"
        )
        rows = await engine.run_ddl("SELECT seq FROM audit_head WHERE id = 1")
        if rows:
            keyed_since = int(rows[0]["seq"]) + 1
            mac = switch_point_mac(get_settings().audit_key, keyed_since)
            await engine.run_ddl(
                f"UPDATE audit_head SET keyed_since = {keyed_since}, "  # noqa: S608 (integers)
                f"keyed_since_mac = '{mac}' WHERE id = 1"
            )

    manager.add_raw(switch_to_keyed)
    return manager
