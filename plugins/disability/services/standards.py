"""Monthly standards by year and the effective-dated extension policy (admin-editable).

The defaults of DOMAIN.md (2020 and 2021) live in the rules; a row in the database for a year
replaces the default of that year. A year without its own standard uses the latest earlier one.
"""

from __future__ import annotations

import datetime as dt

from core import audit
from core.context import current_actor
from core.db import fetch, write_transaction
from core.refusals import Refusal
from plugins.disability.rules import (
    DEFAULT_STANDARDS,
    DEFAULT_SUBSIDY_POLICY,
    Standard,
    SubsidyPolicy,
    YearStandard,
    standard_for,
    standards_by_year,
    subsidy_policy_in_force,
    year_standard,
)
from plugins.disability.tables import Policy
from plugins.disability.tables import Standard as StandardRow

FIRST_YEAR, LAST_YEAR = 2016, 2100  # 国发〔2015〕52号 took effect in 2016
MAX_MONTHLY_FEN = 1_000_000  # 10,000 yuan a month: anything above is a typing error


async def all_standards() -> list[Standard]:
    by_year = {s.year: s for s in DEFAULT_STANDARDS}
    for row in await StandardRow.select():
        by_year[row["year"]] = Standard(
            row["year"], row["living_monthly_fen"], row["nursing_monthly_fen"]
        )
    return [by_year[year] for year in sorted(by_year)]


async def standards_listing(through_year: int) -> list[YearStandard]:
    """Every year through ``through_year`` with what it is paid at; ``confirmed`` False for a
    year without its own standard (paid at the latest earlier one, provisionally)."""
    return standards_by_year(await all_standards(), through_year)


async def year_standing(year: int) -> YearStandard:
    return year_standard(await all_standards(), year)


async def standard_of_year(year: int) -> Standard:
    return standard_for(await all_standards(), year)


async def set_standard(year: int, living_monthly_fen: int, nursing_monthly_fen: int) -> Standard:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Refusal(
            "INVALID_YEAR", zh=f"年份应在{FIRST_YEAR}–{LAST_YEAR}之间", en="year out of range"
        )
    for amount in (living_monthly_fen, nursing_monthly_fen):
        if not 0 < amount <= MAX_MONTHLY_FEN:
            raise Refusal(
                "INVALID_AMOUNT",
                zh="月标准应为正数且不超过10000元",
                en="monthly amounts must be 1..1000000 fen",
            )
    before = {s.year: s for s in await all_standards()}.get(year)
    async with write_transaction():
        await fetch(
            "INSERT INTO disability_standard "
            "(year, living_monthly_fen, nursing_monthly_fen, updated_by, updated_at) "
            "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (year) DO UPDATE SET "
            "living_monthly_fen = excluded.living_monthly_fen, "
            "nursing_monthly_fen = excluded.nursing_monthly_fen, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            year,
            living_monthly_fen,
            nursing_monthly_fen,
            current_actor.get(),
            dt.datetime.now(dt.UTC),
        )
        await audit.record(
            "disability.standard.set",
            entity="standard",
            entity_id=year,
            summary=(
                f"设定{year}年两项补贴标准：生活补贴 {living_monthly_fen} 分/月，"
                f"护理补贴 {nursing_monthly_fen} 分/月"
            ),
            details={
                "year": year,
                "before": None
                if before is None
                else [before.living_monthly_fen, before.nursing_monthly_fen],
                "after": [living_monthly_fen, nursing_monthly_fen],
            },
        )
    return Standard(year, living_monthly_fen, nursing_monthly_fen)


async def all_policies() -> list[SubsidyPolicy]:
    by_date = {DEFAULT_SUBSIDY_POLICY.effective_from: DEFAULT_SUBSIDY_POLICY}
    for row in await Policy.select().order_by(Policy.effective_from):
        by_date[row["effective_from"]] = SubsidyPolicy(
            living_for_low_income=bool(row["living_for_low_income"]),
            nursing_for_grades_3_4_intellectual_mental=bool(
                row["nursing_for_grades_3_4_intellectual_mental"]
            ),
            effective_from=row["effective_from"],
        )
    return [by_date[day] for day in sorted(by_date)]


def policy_in(policies: list[SubsidyPolicy], day: dt.date) -> SubsidyPolicy:
    return subsidy_policy_in_force(policies, day)


async def policy_on(day: dt.date) -> SubsidyPolicy:
    return policy_in(await all_policies(), day)


async def set_policy(policy: SubsidyPolicy) -> SubsidyPolicy:
    if policy.effective_from < DEFAULT_SUBSIDY_POLICY.effective_from:
        raise Refusal(
            "INVALID_DATE",
            zh="政策生效日期不得早于2016-01-01",
            en="policy cannot start before 2016",
        )
    async with write_transaction():
        await fetch(
            "INSERT INTO disability_policy (effective_from, living_for_low_income, "
            "nursing_for_grades_3_4_intellectual_mental, updated_by, updated_at) "
            "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (effective_from) DO UPDATE SET "
            "living_for_low_income = excluded.living_for_low_income, "
            "nursing_for_grades_3_4_intellectual_mental = "
            "excluded.nursing_for_grades_3_4_intellectual_mental, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            policy.effective_from,
            policy.living_for_low_income,
            policy.nursing_for_grades_3_4_intellectual_mental,
            current_actor.get(),
            dt.datetime.now(dt.UTC),
        )
        await audit.record(
            "disability.policy.set",
            entity="policy",
            entity_id=policy.effective_from.isoformat(),
            summary=(
                f"两项补贴扩面政策自{policy.effective_from.isoformat()}起："
                f"低收入家庭生活补贴{'是' if policy.living_for_low_income else '否'}，"
                f"智力/精神三、四级护理补贴"
                f"{'是' if policy.nursing_for_grades_3_4_intellectual_mental else '否'}"
            ),
            details={
                "effective_from": policy.effective_from.isoformat(),
                "living_for_low_income": policy.living_for_low_income,
                "nursing_for_grades_3_4_intellectual_mental": (
                    policy.nursing_for_grades_3_4_intellectual_mental
                ),
            },
        )
    return policy
