"""Funeral eligibility per 粤民发〔2015〕37号 (issue 11 item 3), the data step after the columns
of ``funeral_2026_12_02t18_30_00_000000`` exist.

Existing installations: the shipped default was never stored (it lives in code), so moving it to
the new all-residents default needs no row; every stored version is an admin's explicit policy and
is kept exactly as it was (its scope, roster-only or all residents, unchanged), with the district's
own division as its local division. The one exception is a version nobody chose: a row with no
author whose content is the old shipped default, which moves to the new default like the code.
Waivers decided before record the hukou the registry knew.
"""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T18:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "funeral policy: keep admins' versions, move the shipped default"

OLD_DEFAULT_ITEMS = [
    ["transport", 48000, "case", 1],
    ["disinfection", 9000, "case", 1],
    ["storage", 8000, "day", 3],
    ["farewell", 23000, "case", 1],
    ["cremation", 25000, "case", 1],
    ["ash_storage", 5000, "year", 2],
    ["urn", 15000, "case", 1],
]
OLD_DEFAULT_CATEGORIES = {"dibao", "tekun", "low_income", "youfu"}


def _loads(value):
    return json.loads(value) if isinstance(value, str) else value


def is_old_shipped_default(row: dict) -> bool:
    items = [
        [i["code"], int(i["cap_fen"]), i["unit"], int(i["max_units"])] for i in _loads(row["items"])
    ]
    return (
        not (row["created_by"] or "").strip()
        and not row["all_local_residents"]
        and items == OLD_DEFAULT_ITEMS
        and set(_loads(row["eligible_categories"])) == OLD_DEFAULT_CATEGORIES
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="funeral", description=DESCRIPTION)

    async def keep_explicit_move_default():
        from core.settings import get_settings

        engine = engine_finder()
        district = get_settings().district_division
        if not (len(district) == 6 and district.isdigit()):
            district = "440704"
        await engine.run_ddl(f"UPDATE funeral_policy SET local_divisions = '[\"{district}\"]'")
        rows = await engine.run_ddl(
            "SELECT id, items, eligible_categories, all_local_residents, created_by "
            "FROM funeral_policy"
        )
        for row in rows or []:
            if is_old_shipped_default(row):
                moved = int(row["id"])
                await engine.run_ddl(
                    f"UPDATE funeral_policy SET all_local_residents = TRUE WHERE id = {moved}"
                )
        # Waivers decided before: the hukou the registry knew is the one they were decided on.
        await engine.run_ddl(
            "UPDATE funeral_waiver SET hukou_division = (SELECT person.hukou_division FROM person "
            "WHERE person.id_number = funeral_waiver.id_number) "
            "WHERE hukou_division IS NULL AND id_number IS NOT NULL"
        )

    manager.add_raw(keep_explicit_move_default)
    return manager
