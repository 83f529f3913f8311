"""The waiver policy as stored: effective-dated versions, the defaults of DOMAIN.md until an
admin saves one. A new version is effective from the day it is saved; earlier decisions keep the
version they were made under (``funeral_waiver.policy_id``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from core import audit
from core.context import current_actor
from core.db import json_value, write_transaction
from core.errors import DomainError
from core.people.records import ROSTER_CATEGORIES
from plugins.funeral.rules import DEFAULT_POLICY, FeeItem, FuneralRuleError, WaiverPolicy
from plugins.funeral.schemas import PolicyIn
from plugins.funeral.tables import FuneralPolicy

_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_CAP_FEN = 10_000_000  # 100,000 yuan per unit: far above any real cap, well inside BigInt
MAX_UNITS = 100


@dataclass(frozen=True)
class StoredPolicy:
    """A policy and the row it came from (``version`` None: the built-in defaults)."""

    version: int | None
    policy: WaiverPolicy


def _from_row(row: dict[str, Any]) -> StoredPolicy:
    items = tuple(
        FeeItem(i["code"], i["name"], int(i["cap_fen"]), i["unit"], int(i["max_units"]))
        for i in json_value(row["items"])
    )
    policy = WaiverPolicy(
        items=items,
        eligible_categories=tuple(json_value(row["eligible_categories"])),
        all_local_residents=bool(row["all_local_residents"]),
        effective_from=row["effective_from"],
    )
    return StoredPolicy(row["id"], policy)


async def policy_on(day: dt.date) -> StoredPolicy:
    """The version in force on ``day`` (the latest saved on or before it; defaults if none)."""
    row = (
        await FuneralPolicy.select()
        .where(FuneralPolicy.effective_from <= day)
        .order_by(FuneralPolicy.effective_from, FuneralPolicy.id, ascending=False)
        .first()
    )
    return _from_row(row) if row else StoredPolicy(None, DEFAULT_POLICY)


async def policy_version(version: int | None) -> StoredPolicy:
    """The version a waiver was decided under (None: the defaults)."""
    if version is not None:
        row = await FuneralPolicy.select().where(FuneralPolicy.id == version).first()
        if row is not None:
            return _from_row(row)
    return StoredPolicy(None, DEFAULT_POLICY)


def policy_body(stored: StoredPolicy) -> dict[str, Any]:
    policy = stored.policy
    return {
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "cap_fen": i.cap_fen,
                "unit": i.unit,
                "max_units": i.max_units,
            }
            for i in policy.items
        ],
        "eligible_categories": list(policy.eligible_categories),
        "all_local_residents": policy.all_local_residents,
        "effective_from": policy.effective_from,
        "version": stored.version,
        "total_cap_fen": policy.total_cap_fen,
    }


def _invalid(detail: str) -> DomainError:
    return DomainError("INVALID_POLICY", detail)


def validated_policy(data: PolicyIn, effective_from: dt.date) -> WaiverPolicy:
    """The policy an admin submitted, or 422 ``INVALID_POLICY`` saying what is wrong."""
    if not data.items:
        raise _invalid("至少需要一项基本殡葬服务 / at least one item")
    items = []
    for item in data.items:
        if not _CODE.fullmatch(item.code):
            raise _invalid(f"项目代码须为小写字母、数字或下划线 / bad item code {item.code!r}")
        if not item.name.strip():
            raise _invalid(f"{item.code}: 项目名称不能为空 / name required")
        if not 0 <= item.cap_fen <= MAX_CAP_FEN or not 1 <= item.max_units <= MAX_UNITS:
            raise _invalid(
                f"{item.code}: 上限须在0至{MAX_CAP_FEN}分，数量1至{MAX_UNITS} / "
                f"cap_fen 0..{MAX_CAP_FEN}, max_units 1..{MAX_UNITS}"
            )
        try:
            items.append(
                FeeItem(item.code, item.name.strip(), item.cap_fen, item.unit, item.max_units)
            )
        except FuneralRuleError as exc:
            raise _invalid(exc.detail) from None
    unknown = [c for c in data.eligible_categories if c not in ROSTER_CATEGORIES]
    if unknown:
        raise _invalid(
            f"未知的救助类别 / unknown categories: {', '.join(unknown)} "
            f"(known: {', '.join(ROSTER_CATEGORIES)})"
        )
    try:
        return WaiverPolicy(
            items=tuple(items),
            eligible_categories=tuple(dict.fromkeys(data.eligible_categories)),
            all_local_residents=data.all_local_residents,
            effective_from=effective_from,
        )
    except FuneralRuleError as exc:
        raise _invalid(exc.detail) from None


async def save_policy(data: PolicyIn, today: dt.date) -> StoredPolicy:
    """Store a new version effective from ``today``, audited with the old and new caps."""
    policy = validated_policy(data, today)
    async with write_transaction():
        before = await policy_on(today)
        rows = await FuneralPolicy.insert(
            FuneralPolicy(
                effective_from=today,
                items=json.dumps(policy_body(StoredPolicy(None, policy))["items"]),
                eligible_categories=json.dumps(list(policy.eligible_categories)),
                all_local_residents=policy.all_local_residents,
                created_by=current_actor.get(),
            )
        ).returning(FuneralPolicy.id)
        stored = StoredPolicy(rows[0]["id"], policy)
        await audit.record(
            "funeral.policy.changed",
            entity="funeral_policy",
            entity_id=stored.version or "",
            summary=f"修改惠民殡葬减免政策，自 {today.isoformat()} 起执行",
            details={
                "before": _summary(before.policy),
                "after": _summary(policy),
                "effective_from": today.isoformat(),
            },
        )
    return stored


def _summary(policy: WaiverPolicy) -> dict[str, Any]:
    return {
        "caps": {i.code: [i.cap_fen, i.unit, i.max_units] for i in policy.items},
        "eligible_categories": list(policy.eligible_categories),
        "all_local_residents": policy.all_local_residents,
    }
