"""Standards by year and the extension policy: anyone reads them, the admin sets them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import get, put

from core.clock import today
from core.refusals import Refusal
from core.schemas import to_out
from plugins.disability.rules import SubsidyPolicy
from plugins.disability.schemas import (
    StandardIn,
    SubsidyPolicyIn,
    SubsidyPolicyOut,
    SubsidyStandardOut,
)
from plugins.disability.services.standards import (
    all_policies,
    set_policy,
    set_standard,
    standards_listing,
)

TAGS = ["disability"]
SETTINGS = {"permission": "disability.settings"}


def _standard(s: Any) -> SubsidyStandardOut:
    """A stored ``Standard`` (entered, so confirmed) or a listed ``YearStandard``."""
    return SubsidyStandardOut(
        year=s.year,
        living_monthly_fen=s.living_monthly_fen,
        nursing_monthly_fen=s.nursing_monthly_fen,
        confirmed=getattr(s, "confirmed", True),
        paid_at_year=getattr(s, "paid_at_year", s.year),
    )


def _policy(p: SubsidyPolicy) -> SubsidyPolicyOut:
    return to_out(SubsidyPolicyOut, p)


@get("/standards", opt={"public": True}, tags=TAGS)
async def list_standards() -> list[SubsidyStandardOut]:
    """Monthly standards (fen) of every year from the first through this year (or the last year
    entered): a year without its own standard is listed with the latest earlier one it is paid
    at, ``confirmed: false`` and ``paid_at_year`` naming that year."""
    return [_standard(s) for s in await standards_listing((await today()).year)]


@put("/standards/{year:int}", opt=SETTINGS, tags=TAGS)
async def put_standard(year: int, data: StandardIn) -> SubsidyStandardOut:
    """Enter a year's standard (it becomes ``confirmed``). Raising a year already paid makes the
    next payroll pay the differences, month by month, as ``difference`` lines."""
    if data.year is not None and data.year != year:
        raise Refusal(
            "YEAR_MISMATCH", zh="请求体中的年份与路径不一致", en="body year differs from path"
        )
    standard = await set_standard(year, data.living_monthly_fen, data.nursing_monthly_fen)
    return _standard(standard)


@get("/policies", opt={"public": True}, tags=TAGS)
async def list_policies() -> list[SubsidyPolicyOut]:
    """The extension policy in force from each date (the latest one on a day applies)."""
    return [_policy(p) for p in await all_policies()]


@put("/policies/{effective_from:date}", opt=SETTINGS, tags=TAGS)
async def put_policy(effective_from: dt.date, data: SubsidyPolicyIn) -> SubsidyPolicyOut:
    policy = await set_policy(
        SubsidyPolicy(
            living_for_low_income=data.living_for_low_income,
            nursing_for_grades_3_4_intellectual_mental=data.nursing_for_grades_3_4_intellectual_mental,
            effective_from=effective_from,
        )
    )
    return _policy(policy)


ROUTES = [list_standards, put_standard, list_policies, put_policy]
