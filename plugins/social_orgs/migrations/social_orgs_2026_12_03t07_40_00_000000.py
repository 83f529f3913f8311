"""Indexes for a province's directory and indicators (issue 13).

- PostgreSQL: the ``(name, uscc)`` index also carries the row id (``INCLUDE``), so a page
  skipped by ``offset`` or walked for a frequent name is read from the index alone (SQLite's
  indexes carry the row id already).
- The organizations' kind and registration dates by code, and the reports' year, submission
  and inspection: the indicators count them from these indexes instead of the tables.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T07:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes for the directory and the indicators"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="social_orgs", description=DESCRIPTION)

    async def indexes():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl(
                "CREATE INDEX IF NOT EXISTS social_org_name_uscc_id "
                "ON social_org (name, uscc) INCLUDE (id)"
            )
            await engine.run_ddl("DROP INDEX IF EXISTS social_org_name_uscc")
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS social_org_dates "
            "ON social_org (uscc, kind, registered_on, deregistered_on)"
        )
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS social_org_report_year "
            "ON social_org_report (year, submitted_on, inspection_result, uscc)"
        )

    manager.add_raw(indexes)
    return manager
