"""Indexes that keep one waiver per deceased and one confirmed settlement per month.

Partial unique indexes (both SQLite and PostgreSQL support them): a voided waiver no longer
counts, so a corrected waiver for the same person can be recorded.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T05:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique waiver per deceased and per police certificate; one settlement per month"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="funeral", description=DESCRIPTION)

    async def indexes():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS funeral_waiver_one_per_deceased "
            "ON funeral_waiver (id_number) WHERE voided_on IS NULL"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS funeral_waiver_one_per_police_certificate "
            "ON funeral_waiver (police_certificate_no) WHERE voided_on IS NULL"
        )
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS funeral_waiver_id_number ON funeral_waiver (id_number)"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS funeral_settlement_month "
            "ON funeral_settlement (month)"
        )

    manager.add_raw(indexes)
    return manager
