"""Recount cross-province marriage registrations with the corrected definition (DOMAIN.md
"Marriage registration" 4): a registration is a 跨省通办 case when NEITHER party's hukou province
is the registry's province. Rows stored under the old "either party" rule are recomputed from the
hukou divisions kept on each registration."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T18:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cross_province: neither party's hukou province is the registry's"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)

    async def recount():
        engine = engine_finder()
        await engine.run_ddl(
            "UPDATE marriage_registration SET cross_province = "
            "(substr(party_a_hukou, 1, 2) <> substr(registry_division, 1, 2) "
            "AND substr(party_b_hukou, 1, 2) <> substr(registry_division, 1, 2)) "
            "WHERE kind = 'marriage'"
        )

    manager.add_raw(recount)
    return manager
