"""The waiver policy as stored: effective-dated versions, the defaults of DOMAIN.md until an
admin saves one. A version is effective from its ``effective_from`` (default: the day it is
saved); a waiver is decided under the version in force on the day of death, and keeps it
(``funeral_waiver.policy_id``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from typing import Any

from core import audit
from core.context import current_actor
from core.db import json_value, write_transaction
from core.people.records import ROSTER_CATEGORIES
from core.people.service import valid_division
from core.refusals import Refusal
from core.settings import get_settings
from plugins.funeral.rules import (
    DEFAULT_POLICY,
    EXCLUDABLE_CATEGORIES,
    FeeItem,
    WaiverPolicy,
)
from plugins.funeral.schemas import WaiverPolicyIn
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
        local_divisions=tuple(json_value(row["local_divisions"])),
        excluded_categories=tuple(json_value(row["excluded_categories"])),
        total_cap_fen=None if row["total_cap_fen"] is None else int(row["total_cap_fen"]),
    )
    return StoredPolicy(row["id"], policy)


def default_policy() -> WaiverPolicy:
    """DOMAIN.md's default, local to this installation's district."""
    district = get_settings().district_division
    if district in DEFAULT_POLICY.local_divisions:
        return DEFAULT_POLICY
    return replace(DEFAULT_POLICY, local_divisions=(district,))


async def policy_on(day: dt.date) -> StoredPolicy:
    """The version in force on ``day`` (the day of death for a waiver): the latest effective on or
    before it, of two effective the same day the later saved; the defaults if none."""
    row = (
        await FuneralPolicy.select()
        .where(FuneralPolicy.effective_from <= day)
        .order_by(FuneralPolicy.effective_from, FuneralPolicy.id, ascending=False)
        .first()
    )
    return _from_row(row) if row else StoredPolicy(None, default_policy())


async def policy_versions() -> list[StoredPolicy]:
    """Every stored version, the earliest effective first."""
    rows = await FuneralPolicy.select().order_by(FuneralPolicy.effective_from, FuneralPolicy.id)
    return [_from_row(row) for row in rows]


async def policy_version(version: int | None) -> StoredPolicy:
    """The version a waiver was decided under (None: the defaults)."""
    if version is not None:
        row = await FuneralPolicy.select().where(FuneralPolicy.id == version).first()
        if row is not None:
            return _from_row(row)
    return StoredPolicy(None, default_policy())


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
        "local_divisions": list(policy.local_divisions),
        "excluded_categories": list(policy.excluded_categories),
        "total_cap_fen": policy.total_cap_fen,
        "max_case_waiver_fen": policy.max_case_waiver_fen,
        "effective_from": policy.effective_from,
        "version": stored.version,
    }


def _invalid(zh: str, en: str) -> Refusal:
    return Refusal("INVALID_POLICY", zh, en)


EARLIEST_EFFECTIVE = dt.date(2015, 1, 1)  # 粤民发〔2015〕37号


def validated_policy(data: WaiverPolicyIn, effective_from: dt.date) -> WaiverPolicy:
    """The policy an admin submitted, or 422 ``INVALID_POLICY`` saying what is wrong."""
    if effective_from < EARLIEST_EFFECTIVE:
        raise _invalid(
            zh=f"生效日期不能早于{EARLIEST_EFFECTIVE.isoformat()}",
            en=(f"effective_from must be on or after {EARLIEST_EFFECTIVE.isoformat()}"),
        )
    if data.local_divisions is None:
        local = default_policy().local_divisions
    else:
        checked = (valid_division(d.strip(), "local_divisions") for d in data.local_divisions)
        local = tuple(dict.fromkeys(checked))
    if data.all_local_residents and not local:
        raise _invalid(
            zh="覆盖全体本地户籍居民时须至少填写一个本地行政区划",
            en=("all_local_residents needs at least one local division"),
        )
    excluded = [c for c in data.excluded_categories if c not in EXCLUDABLE_CATEGORIES]
    if excluded:
        raise _invalid(
            zh="未知的排除类别",
            en=(
                f"unknown excluded categories: {', '.join(excluded)} "
                f"(known: {', '.join(EXCLUDABLE_CATEGORIES)})"
            ),
        )
    if data.total_cap_fen is not None and not 0 < data.total_cap_fen <= MAX_CAP_FEN * MAX_UNITS:
        raise _invalid(
            zh=f"每宗减免总额上限须在1至{MAX_CAP_FEN * MAX_UNITS}分之间，或不设",
            en=(f"total_cap_fen 1..{MAX_CAP_FEN * MAX_UNITS} or null"),
        )
    if not data.items:
        raise _invalid(zh="至少需要一项基本殡葬服务", en="at least one item")
    items = []
    for item in data.items:
        if not _CODE.fullmatch(item.code):
            raise _invalid(
                zh="项目代码须为小写字母、数字或下划线", en=f"bad item code {item.code!r}"
            )
        if not item.name.strip():
            raise _invalid(zh=f"{item.code}: 项目名称不能为空", en="name required")
        if not 0 <= item.cap_fen <= MAX_CAP_FEN or not 1 <= item.max_units <= MAX_UNITS:
            raise _invalid(
                zh=f"{item.code}: 上限须在0至{MAX_CAP_FEN}分，数量1至{MAX_UNITS}",
                en=f"cap_fen 0..{MAX_CAP_FEN}, max_units 1..{MAX_UNITS}",
            )
        items.append(FeeItem(item.code, item.name.strip(), item.cap_fen, item.unit, item.max_units))
    unknown = [c for c in data.eligible_categories if c not in ROSTER_CATEGORIES]
    if unknown:
        raise _invalid(
            zh="未知的救助类别",
            en=(
                f"unknown categories: {', '.join(unknown)} (known: {', '.join(ROSTER_CATEGORIES)})"
            ),
        )
    return WaiverPolicy(
        items=tuple(items),
        eligible_categories=tuple(dict.fromkeys(data.eligible_categories)),
        all_local_residents=data.all_local_residents,
        effective_from=effective_from,
        local_divisions=local,
        excluded_categories=tuple(dict.fromkeys(data.excluded_categories)),
        total_cap_fen=data.total_cap_fen,
    )


async def save_policy(data: WaiverPolicyIn, today: dt.date) -> StoredPolicy:
    """Store a new version effective from ``data.effective_from`` (default ``today``), audited
    with the version it replaces on that day and the new one. Waivers already decided keep the
    version they were decided under."""
    effective = data.effective_from or today
    policy = validated_policy(data, effective)
    async with write_transaction():
        before = await policy_on(effective)
        rows = await FuneralPolicy.insert(
            FuneralPolicy(
                effective_from=effective,
                items=json.dumps(policy_body(StoredPolicy(None, policy))["items"]),
                eligible_categories=json.dumps(list(policy.eligible_categories)),
                all_local_residents=policy.all_local_residents,
                local_divisions=json.dumps(list(policy.local_divisions)),
                excluded_categories=json.dumps(list(policy.excluded_categories)),
                total_cap_fen=policy.total_cap_fen,
                created_by=current_actor.get(),
            )
        ).returning(FuneralPolicy.id)
        stored = StoredPolicy(rows[0]["id"], policy)
        await audit.record(
            "funeral.policy.changed",
            entity="funeral_policy",
            entity_id=stored.version or "",
            summary=f"修改惠民殡葬减免政策，自 {effective.isoformat()} 起执行",
            details={
                "before": _summary(before.policy),
                "after": _summary(policy),
                "effective_from": effective.isoformat(),
            },
        )
    return stored


def _summary(policy: WaiverPolicy) -> dict[str, Any]:
    return {
        "caps": {i.code: [i.cap_fen, i.unit, i.max_units] for i in policy.items},
        "eligible_categories": list(policy.eligible_categories),
        "all_local_residents": policy.all_local_residents,
        "local_divisions": list(policy.local_divisions),
        "excluded_categories": list(policy.excluded_categories),
        "total_cap_fen": policy.total_cap_fen,
    }
