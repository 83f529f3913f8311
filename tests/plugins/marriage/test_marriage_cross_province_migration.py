"""Existing installations: registrations stored under the old "either party" definition are
recounted by the migration (DOMAIN.md "Marriage registration" 4: cross-province when NEITHER
party's hukou province is the registry's). On both engines."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from plugins.marriage.tables import Registration

pytestmark = pytest.mark.db

MIGRATION = "plugins.marriage.migrations.marriage_2026_12_02t18_20_00_000000"


def _row(serial: int, kind: str, hukou_a: str, hukou_b: str, stored: bool) -> Registration:
    return Registration(
        kind=kind,
        office_code="JH",
        registry_division="440704",
        registered_on=dt.date(2026, 3, 2),
        certificate_no=f"J440704-2026-{serial:06d}",
        party_a_id=f"A{serial}",
        party_a_name="甲",
        party_a_hukou=hukou_a,
        party_b_id=f"B{serial}",
        party_b_name="乙",
        party_b_hukou=hukou_b,
        cross_province=stored,
    )


@pytest.mark.parametrize(
    ("kind", "hukou_a", "hukou_b", "stored", "recounted"),
    [
        ("marriage", "110105", "440704", True, False),  # one local party: not a case
        ("marriage", "440703", "310101", True, False),
        ("marriage", "110105", "310101", True, True),
        ("marriage", "440704", "440781", False, False),
        ("divorce", "110105", "310101", False, False),  # divorces are not counted
    ],
)
async def test_migration_recounts_stored_registrations(
    db, kind: str, hukou_a: str, hukou_b: str, stored: bool, recounted: bool
) -> None:
    await Registration.insert(_row(1, kind, hukou_a, hukou_b, stored))
    manager = await importlib.import_module(MIGRATION).forwards()
    for step in manager.raw:
        await step()
    row = await Registration.select(Registration.cross_province).first()
    assert bool(row["cross_province"]) is recounted
