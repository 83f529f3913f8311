"""Existing installations (issue 11 item 3): the migration keeps an admin's explicit policy and
moves the shipped default to 粤民发〔2015〕37号's all-residents scope. On both engines."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest

from plugins.funeral.services.policy import policy_on
from plugins.funeral.tables import FuneralPolicy

pytestmark = pytest.mark.db

DATA_STEP = "plugins.funeral.migrations.funeral_2026_12_02t18_30_01_000000"
OLD_ITEMS = [
    {"code": c, "name": n, "cap_fen": cap, "unit": u, "max_units": m}
    for c, n, cap, u, m in [
        ("transport", "遗体接运", 48000, "case", 1),
        ("disinfection", "遗体消毒", 9000, "case", 1),
        ("storage", "遗体存放", 8000, "day", 3),
        ("farewell", "告别厅租用", 23000, "case", 1),
        ("cremation", "遗体火化", 25000, "case", 1),
        ("ash_storage", "骨灰寄存", 5000, "year", 2),
        ("urn", "骨灰盒", 15000, "case", 1),
    ]
]


async def _old_row(effective_from: dt.date, created_by: str, items=OLD_ITEMS) -> None:
    await FuneralPolicy.insert(
        FuneralPolicy(
            effective_from=effective_from,
            items=json.dumps(items, ensure_ascii=False),
            eligible_categories=json.dumps(["dibao", "tekun", "low_income", "youfu"]),
            all_local_residents=False,
            local_divisions="[]",
            created_by=created_by,
        )
    )


async def _migrate() -> None:
    manager = await importlib.import_module(DATA_STEP).forwards()
    for step in manager.raw:
        await step()


async def test_no_stored_policy_moves_to_the_new_default(db):
    await _migrate()
    policy = (await policy_on(dt.date(2026, 3, 1))).policy
    assert (policy.all_local_residents, policy.local_divisions) == (True, ("440704",))


async def test_an_admins_explicit_policy_is_kept(db):
    # The admin saved the roster-only scope (even with the shipped caps): it stays in force.
    await _old_row(dt.date(2026, 1, 5), "admin-1")
    await _migrate()
    stored = await policy_on(dt.date(2026, 3, 1))
    assert stored.version is not None
    assert (stored.policy.all_local_residents, stored.policy.local_divisions) == (
        False,
        ("440704",),
    )
    # deaths before the admin's version fall under the new default
    assert (await policy_on(dt.date(2025, 12, 31))).policy.all_local_residents is True


async def test_an_unauthored_copy_of_the_old_default_moves(db):
    await _old_row(dt.date(2026, 1, 5), "")
    changed = [{**item, "cap_fen": item["cap_fen"] + 100} for item in OLD_ITEMS]
    await _old_row(dt.date(2026, 2, 5), "", items=changed)
    await _migrate()
    assert (await policy_on(dt.date(2026, 1, 10))).policy.all_local_residents is True
    # a different content is somebody's choice, kept
    assert (await policy_on(dt.date(2026, 2, 10))).policy.all_local_residents is False
