"""Random spot checks (双随机一公开): draw, record, publish.

The draw stores the seed, the active organizations and the inspector pool it drew from, so
anyone can repeat it from the published record; the same seed on the same sets gives the same
selection and the same inspector pairs.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from core import audit
from core.db import json_value, write_transaction
from core.pagination import PageParams, page
from core.refusals import Refusal
from core.tables import Account
from plugins.social_orgs.rules import draw_spot_check
from plugins.social_orgs.services.common import dumps
from plugins.social_orgs.tables import Organization, SpotCheck

INSPECTOR_ROLES = frozenset({"clerk", "reviewer"})
MAX_SEED = 100


def _seed(seed: int | str | None) -> int | str:
    if seed is None:
        return secrets.token_hex(8)
    if isinstance(seed, str) and not 0 < len(seed.strip()) <= MAX_SEED:
        raise Refusal(
            "INVALID_SEED",
            zh=f"种子须为1至{MAX_SEED}个字符",
            en=f"the seed must be 1..{MAX_SEED} characters",
        )
    return seed.strip() if isinstance(seed, str) else seed


async def inspector_pool() -> list[str]:
    """Usernames of active staff who may inspect: clerks and reviewers."""
    rows = await Account.select(Account.username, Account.roles).where(
        (Account.kind == "staff") & (Account.active == True)  # noqa: E712 (a SQL comparison)
    )
    return sorted(row["username"] for row in rows if INSPECTOR_ROLES & set(row["roles"] or ()))


async def active_usccs(on: dt.date) -> list[str]:
    rows = await Organization.select(Organization.uscc).where(
        (Organization.status == "active") & (Organization.registered_on <= on)
    )
    return sorted(row["uscc"] for row in rows)


def spot_check_out(row: dict[str, Any]) -> dict[str, Any]:
    assignments = json_value(row["assignments"])
    return {
        "id": row["id"],
        "year": row["year"],
        "seed": json.loads(row["seed"]),
        "count": row["requested_count"],
        "active_count": row["active_count"],
        "selected": [item["uscc"] for item in assignments],
        "assignments": assignments,
        "inspector_pool": json_value(row["inspector_pool"]),
        "drawn_on": row["drawn_on"],
        "drawn_by": row["drawn_by"],
    }


async def draw(
    year: int, count: int | None, seed: int | str | None, reviewer: str, on: dt.date
) -> dict[str, Any]:
    """Draw at least 3% (or ``count``) of active organizations, each with two inspectors."""
    if not 2000 <= year <= on.year + 1:
        raise Refusal("INVALID_YEAR", zh="年度无效", en=f"year must lie in 2000..{on.year + 1}")
    if count is not None and count < 0:
        raise Refusal("INVALID_COUNT", zh="抽查数量不能为负", en="count cannot be negative")
    chosen_seed = _seed(seed)
    orgs = await active_usccs(on)
    if not orgs:
        raise Refusal(
            "NO_ACTIVE_ORGANIZATIONS",
            zh="没有可抽查的社会组织",
            en="no active organization to draw",
        )
    pool = await inspector_pool()
    drawn = draw_spot_check(orgs, count, chosen_seed, pool)
    assignments = [{"uscc": a.uscc, "inspectors": list(a.inspectors)} for a in drawn]
    async with write_transaction():
        rows = await SpotCheck.insert(
            SpotCheck(
                year=year,
                seed=json.dumps(chosen_seed, ensure_ascii=False),
                requested_count=count,
                active_count=len(orgs),
                active_usccs=dumps(orgs),
                inspector_pool=dumps(pool),
                assignments=dumps(assignments),
                drawn_on=on,
                drawn_by=reviewer,
            )
        ).returning(SpotCheck.id)
        await audit.record(
            "social_orgs.spot_check.drawn",
            entity="social_org_spot_check",
            entity_id=rows[0]["id"],
            summary=f"{year}年度双随机抽查：{len(orgs)}家中抽取{len(drawn)}家，种子{chosen_seed}",
            details={"seed": chosen_seed, "selected": [a["uscc"] for a in assignments]},
        )
    return await get_spot_check(rows[0]["id"])


async def get_spot_check(spot_check_id: int) -> dict[str, Any]:
    row = await SpotCheck.select().where(SpotCheck.id == spot_check_id).first()
    if row is None:
        raise Refusal.not_found(zh="查无此次抽查", en="No such draw")
    return spot_check_out(row)


async def spot_checks(params: PageParams, year: int | None = None) -> dict[str, Any]:
    """Every draw, newest first: the public record (一公开)."""
    where = SpotCheck.id.is_not_null() if year is None else SpotCheck.year == year
    rows = await (
        SpotCheck.select()
        .where(where)
        .order_by(SpotCheck.id, ascending=False)
        .limit(params.limit)
        .offset(params.offset)
    )
    return page([spot_check_out(row) for row in rows], await SpotCheck.count().where(where))


STAFF_VIEW = ("social_orgs.spot_check.draw", "social_orgs.inspect")


def for_reader(draw: dict[str, Any], user: Any) -> dict[str, Any]:
    """A draw as ``user`` may read it: staff login names stay inside the bureau; anyone else
    reads how many inspectors each organization has (``inspector_count``) and the pool's size
    (``inspector_pool_size``), not who they are nor who drew."""
    if user is not None and any(user.has(permission) for permission in STAFF_VIEW):
        return draw
    assignments = [
        {"uscc": a["uscc"], "inspector_count": len(a["inspectors"])} for a in draw["assignments"]
    ]
    public = {k: v for k, v in draw.items() if k not in ("inspector_pool", "drawn_by")}
    pool_size = len(draw["inspector_pool"])
    return {**public, "assignments": assignments, "inspector_pool_size": pool_size}
