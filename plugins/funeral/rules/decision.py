"""Deciding one waiver: who is eligible on the day of death, and how much each item waives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from plugins.funeral.rules.errors import FuneralRuleError
from plugins.funeral.rules.policy import CATEGORY_NAMES_ZH, FeeItem, WaiverPolicy, category_rank

Status = Literal["approved", "rejected"]
_UNIT_ZH = {"case": "次", "day": "天", "year": "年"}


@dataclass(frozen=True)
class Reason:
    """Why a decision came out as it did: a stable code plus Chinese and English text."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class WaivedItem:
    code: str
    name: str
    fee_fen: int
    units: int
    waived_fen: int
    family_pays_fen: int


@dataclass(frozen=True)
class WaiverDecision:
    status: Status
    category: str | None
    lines: tuple[WaivedItem, ...]
    waived_fen: int
    reasons: tuple[Reason, ...]


RosterEntry = tuple[str, dt.date, dt.date | None]
ClaimedItem = tuple[str, int, int]


def _valid_on(entry: RosterEntry, day: dt.date) -> bool:
    _, valid_from, valid_to = entry
    return valid_from <= day and (valid_to is None or day <= valid_to)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _checked_items(
    policy: WaiverPolicy, items: Sequence[ClaimedItem]
) -> list[tuple[FeeItem, int, int]]:
    if not items:
        raise FuneralRuleError("NO_ITEMS", "至少申报一项基本殡葬服务 / claim at least one item")
    checked: list[tuple[FeeItem, int, int]] = []
    seen: set[str] = set()
    for code, fee_fen, units in items:
        item = policy.item(code)
        if item is None:
            raise FuneralRuleError("UNKNOWN_ITEM", f"不属于基本殡葬服务 / unknown item: {code}")
        if code in seen:
            raise FuneralRuleError("DUPLICATE_ITEM", f"同一项目只能申报一次 / item twice: {code}")
        if fee_fen < 0 or units < 1:
            raise FuneralRuleError(
                "INVALID_AMOUNT", f"{code}: 费用不能为负，数量至少为1 / fee >= 0 and units >= 1"
            )
        seen.add(code)
        checked.append((item, fee_fen, units))
    return checked


def _eligible_category(
    policy: WaiverPolicy,
    died_on: dt.date,
    roster_entries: Iterable[RosterEntry],
    is_local_resident: bool,
    unidentified_police_certified: bool,
) -> str | None:
    valid = [
        e[0] for e in roster_entries if e[0] in policy.eligible_categories and _valid_on(e, died_on)
    ]
    if valid:
        return min(valid, key=category_rank)
    if unidentified_police_certified:
        return "unidentified"
    if policy.all_local_residents and is_local_resident:
        return "local_resident"
    return None


def _rejection(policy: WaiverPolicy, died_on: dt.date, entries: list[RosterEntry]) -> Reason:
    if any(e[0] in policy.eligible_categories for e in entries):
        return Reason(
            "ROSTER_NOT_VALID_ON_DEATH_DAY",
            f"救助名册资格在死亡当日（{died_on.isoformat()}）不在有效期内",
            f"the roster entry was not valid on the day of death ({died_on.isoformat()})",
        )
    names = [
        CATEGORY_NAMES_ZH.get(c, c) for c in sorted(policy.eligible_categories, key=category_rank)
    ]
    zh = "、".join([*names, CATEGORY_NAMES_ZH["unidentified"]])
    en = ", ".join([*sorted(policy.eligible_categories, key=category_rank), "unidentified"])
    if policy.all_local_residents:
        zh += "、" + CATEGORY_NAMES_ZH["local_resident"]
        en += ", local_resident"
    return Reason(
        "NOT_ELIGIBLE",
        f"死亡当日不属于减免对象（{zh}）",
        f"not eligible on the day of death (eligible: {en})",
    )


def eligibility(
    policy: WaiverPolicy,
    died_on: dt.date,
    roster_entries: Iterable[RosterEntry],
    is_local_resident: bool,
    unidentified_police_certified: bool,
) -> tuple[str | None, Reason]:
    """The category that makes the deceased eligible on the day of death (None: not eligible),
    with the reason shown to the clerk. Used alone to preview a case before fees are known."""
    entries = list(roster_entries)
    category = _eligible_category(
        policy, died_on, entries, is_local_resident, unidentified_police_certified
    )
    if category is None:
        return None, _rejection(policy, died_on, entries)
    return category, Reason(
        "ELIGIBLE",
        f"死亡当日属于减免对象：{CATEGORY_NAMES_ZH.get(category, category)}",
        f"eligible on the day of death: {category}",
    )


def decide_waiver(
    policy: WaiverPolicy,
    died_on: dt.date,
    today: dt.date,
    roster_entries: Iterable[RosterEntry],
    is_local_resident: bool,
    unidentified_police_certified: bool,
    items: Sequence[ClaimedItem],
) -> WaiverDecision:
    """Decide a waiver for one deceased person.

    ``roster_entries`` are the person's ``(category, valid_from, valid_to)`` rows; they count only
    when valid on the day of death (both ends inclusive, ``valid_to`` None = open). ``items`` are
    ``(code, fee_fen, units)``: the fee charged for the item in total and the days or years.
    Per item, waived = ``min(fee_fen, cap_fen × min(units, max_units))``; a rejection waives 0.
    Raises ``FuneralRuleError`` with ``DIED_IN_FUTURE``, ``NO_ITEMS``, ``UNKNOWN_ITEM``,
    ``DUPLICATE_ITEM`` or ``INVALID_AMOUNT``.
    """
    if died_on > today:
        raise FuneralRuleError(
            "DIED_IN_FUTURE", f"死亡日期晚于今天 / died_on {died_on} is after today"
        )
    claimed = _checked_items(policy, items)
    category, verdict = eligibility(
        policy, died_on, roster_entries, is_local_resident, unidentified_police_certified
    )
    approved = category is not None
    lines: list[WaivedItem] = []
    capped: list[Reason] = []
    for item, fee_fen, units in claimed:
        waived = min(fee_fen, item.cap_fen * min(units, item.max_units)) if approved else 0
        lines.append(WaivedItem(item.code, item.name, fee_fen, units, waived, fee_fen - waived))
        if approved and waived < fee_fen:
            capped.append(_capped_reason(item))
    return WaiverDecision(
        status="approved" if approved else "rejected",
        category=category,
        lines=tuple(lines),
        waived_fen=sum(line.waived_fen for line in lines),
        reasons=(verdict, *capped),
    )


def _capped_reason(item: FeeItem) -> Reason:
    limit_zh = f"{_yuan(item.cap_fen)}元/{_UNIT_ZH[item.unit]}"
    limit_en = f"{_yuan(item.cap_fen)} yuan per {item.unit}"
    if item.unit != "case":
        limit_zh += f"，最多{item.max_units}{_UNIT_ZH[item.unit]}"
        limit_en += f", at most {item.max_units} {item.unit}(s)"
    return Reason(
        "ITEM_CAPPED",
        f"{item.name}减免上限{limit_zh}，超出部分由家属自付",
        f"{item.code} waived up to {limit_en}; the family pays the rest",
    )
