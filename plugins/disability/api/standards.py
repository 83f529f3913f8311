"""Standards by year and the extension policy: anyone reads them, the admin sets them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import get, put

from core.errors import DomainError
from plugins.disability.rules import SubsidyPolicy
from plugins.disability.schemas import PolicyIn, StandardIn
from plugins.disability.services.standards import (
    all_policies,
    all_standards,
    set_policy,
    set_standard,
)

TAGS = ["disability"]
SETTINGS = {"permission": "disability.settings"}


def _standard(s: Any) -> dict[str, int]:
    return {
        "year": s.year,
        "living_monthly_fen": s.living_monthly_fen,
        "nursing_monthly_fen": s.nursing_monthly_fen,
    }


def _policy(p: SubsidyPolicy) -> dict[str, Any]:
    return {
        "effective_from": p.effective_from,
        "living_for_low_income": p.living_for_low_income,
        "nursing_for_grades_3_4_intellectual_mental": p.nursing_for_grades_3_4_intellectual_mental,
    }


@get("/standards", opt={"public": True}, tags=TAGS)
async def list_standards() -> list[dict[str, int]]:
    """Monthly standards (fen) by year; a later year without its own row uses the latest one."""
    return [_standard(s) for s in await all_standards()]


@put("/standards/{year:int}", opt=SETTINGS, tags=TAGS)
async def put_standard(year: int, data: StandardIn) -> dict[str, int]:
    if data.year is not None and data.year != year:
        raise DomainError(
            "YEAR_MISMATCH", "请求体中的年份与路径不一致 / body year differs from path"
        )
    standard = await set_standard(year, data.living_monthly_fen, data.nursing_monthly_fen)
    return _standard(standard)


@get("/policies", opt={"public": True}, tags=TAGS)
async def list_policies() -> list[dict[str, Any]]:
    """The extension policy in force from each date (the latest one on a day applies)."""
    return [_policy(p) for p in await all_policies()]


@put("/policies/{effective_from:date}", opt=SETTINGS, tags=TAGS)
async def put_policy(effective_from: dt.date, data: PolicyIn) -> dict[str, Any]:
    policy = await set_policy(
        SubsidyPolicy(
            living_for_low_income=data.living_for_low_income,
            nursing_for_grades_3_4_intellectual_mental=data.nursing_for_grades_3_4_intellectual_mental,
            effective_from=effective_from,
        )
    )
    return _policy(policy)


ROUTES = [list_standards, put_standard, list_policies, put_policy]
