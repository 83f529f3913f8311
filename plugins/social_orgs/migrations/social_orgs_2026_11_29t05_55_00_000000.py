"""Composite unique keys Piccolo's Unique() cannot add on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T05:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "social_orgs composite unique keys"

INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS social_org_report_key ON social_org_report (uscc, year)",
    "CREATE UNIQUE INDEX IF NOT EXISTS social_org_reminder_key "
    "ON social_org_reminder (uscc, year, days_before)",
    "CREATE UNIQUE INDEX IF NOT EXISTS social_org_deregistration_key "
    "ON social_org_deregistration (uscc, first_year, second_year)",
    "CREATE UNIQUE INDEX IF NOT EXISTS social_org_evaluation_key "
    "ON social_org_evaluation (uscc, year)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="social_orgs", description=DESCRIPTION)

    async def add_indexes():
        engine = engine_finder()
        for statement in INDEXES:
            await engine.run_ddl(statement)

    manager.add_raw(add_indexes)
    return manager
