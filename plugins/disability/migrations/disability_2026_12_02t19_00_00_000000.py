"""Disability standards over time (issue 11 item 4): payroll lines get a ``kind`` (``regular`` or
``difference``, 补发差额), runs record ``difference_fen`` and ``provisional_standard``, and
``disability_difference_settled`` remembers per year and subsidy the standard up to which
differences were settled. The indexes follow in ``disability_2026_12_02t19_00_01_000000``."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Boolean, Integer, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payment kind, run difference and provisional flags, difference settlement"


def _params(default, length: int | None = None) -> dict:
    params = {
        "default": default,
        "null": False,
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


COLUMNS = (
    ("Payment", "disability_payment", "kind", Varchar, _params("regular", 10)),
    ("PayrollRun", "disability_payroll_run", "difference_fen", BigInt, _params(0)),
    ("PayrollRun", "disability_payroll_run", "provisional_standard", Boolean, _params(False)),
    ("DifferenceSettled", "disability_difference_settled", "year", Integer, _params(0)),
    ("DifferenceSettled", "disability_difference_settled", "subsidy", Varchar, _params("", 8)),
    ("DifferenceSettled", "disability_difference_settled", "target_fen", Integer, _params(0)),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disability", description=DESCRIPTION)
    manager.add_table(
        class_name="DifferenceSettled",
        tablename="disability_difference_settled",
        schema=None,
        columns=None,
    )
    for class_name, tablename, name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
