"""Funeral eligibility per 粤民发〔2015〕37号 (issue 11 item 3).

Policy versions gain ``local_divisions``, ``excluded_categories`` and ``total_cap_fen``; waivers
record the deceased's ``hukou_division`` and ``declared_categories``.
The data step (keeping admins' versions, moving the shipped default) is the next migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON, BigInt, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T18:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "funeral policy: local divisions, excluded categories, total cap; waiver hukou"

def _params(default, null: bool, length: int | None = None) -> dict:
    params = {
        "default": default,
        "null": null,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    if length is not None:
        params["length"] = length
    return params


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="funeral", description=DESCRIPTION)
    for name, column_class, params in (
        ("local_divisions", JSON, _params('["440704"]', False)),
        ("excluded_categories", JSON, _params("[]", False)),
        ("total_cap_fen", BigInt, _params(None, True)),
    ):
        manager.add_column(
            table_class_name="FuneralPolicy",
            tablename="funeral_policy",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    for name, column_class, params in (
        ("hukou_division", Varchar, _params(None, True, 6)),
        ("declared_categories", JSON, _params("[]", False)),
    ):
        manager.add_column(
            table_class_name="FuneralWaiver",
            tablename="funeral_waiver",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )

    return manager
