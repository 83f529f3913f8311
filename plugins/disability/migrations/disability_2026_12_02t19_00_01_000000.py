"""Indexes for difference lines (after the columns of ``disability_2026_12_02t19_00_00_000000``).

``disability_payment_key`` becomes partial: no (person, subsidy, period month) is paid twice as a
regular line; ``disability_payment_difference_key`` allows one difference line per (person,
subsidy, period month) and run — a later raise of the same year's standard pays the further
difference in a later run, never the same one twice (the amount is the standard minus everything
already paid for that month). One settled target per (year, subsidy).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T19:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "partial unique indexes for regular and difference payroll lines"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disability", description=DESCRIPTION)

    async def indexes():
        engine = engine_finder()
        await engine.run_ddl("UPDATE disability_payment SET kind = 'regular' WHERE kind IS NULL")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS disability_payment_regular_key "
            "ON disability_payment (id_number, subsidy, period_month) WHERE kind = 'regular'"
        )
        await engine.run_ddl("DROP INDEX IF EXISTS disability_payment_key")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS disability_payment_difference_key "
            "ON disability_payment (id_number, subsidy, period_month, run) "
            "WHERE kind = 'difference'"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS disability_difference_settled_key "
            "ON disability_difference_settled (year, subsidy)"
        )

    manager.add_raw(indexes)
    return manager
