"""Unique and partial indexes Piccolo's Unique() cannot add on SQLite.

``disability_payment_key`` is the database's guarantee that no (person, subsidy, period month)
is ever paid twice; ``disability_application_open_key`` allows one open or active application
per person.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T06:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payment, grant and open-application unique indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disability", description=DESCRIPTION)

    async def add_indexes():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS disability_payment_key "
            "ON disability_payment (id_number, subsidy, period_month)"
        )
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS disability_payment_run_line "
            "ON disability_payment (run, id)"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS disability_grant_key "
            "ON disability_grant (application, subsidy)"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS disability_application_open_key "
            "ON disability_application (id_number) "
            "WHERE status IN ('submitted', 'street_approved', 'approved')"
        )

    manager.add_raw(add_indexes)
    return manager
