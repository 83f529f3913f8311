"""Deciding one waiver: who is eligible on the day of death, and how much each item waives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from core.refusals import Reason, Refusal
from plugins.funeral.rules.policy import (
    CATEGORY_NAMES_ZH,
    EXCLUDABLE_NAMES_ZH,
    FeeItem,
    WaiverPolicy,
    category_rank,
)

Status = Literal["approved", "rejected"]
_UNIT_ZH = {"case": "次", "day": "天", "year": "年"}


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
        raise Refusal("NO_ITEMS", "至少申报一项基本殡葬服务", "claim at least one item")
    checked: list[tuple[FeeItem, int, int]] = []
    seen: set[str] = set()
    for code, fee_fen, units in items:
        item = policy.item(code)
        if item is None:
            raise Refusal("UNKNOWN_ITEM", "不属于基本殡葬服务", f"unknown item: {code}")
        if code in seen:
            raise Refusal("DUPLICATE_ITEM", "同一项目只能申报一次", f"item twice: {code}")
        if fee_fen < 0 or units < 1:
            raise Refusal(
                "INVALID_AMOUNT", f"{code}: 费用不能为负，数量至少为1", "fee >= 0 and units >= 1"
            )
        seen.add(code)
        checked.append((item, fee_fen, units))
    return checked


def _eligible_category(
    policy: WaiverPolicy,
    died_on: dt.date,
    roster_entries: Iterable[RosterEntry],
    hukou_division: str | None,
    unidentified_police_certified: bool,
    declared_categories: Iterable[str],
) -> str | None:
    valid = [
        e[0] for e in roster_entries if e[0] in policy.eligible_categories and _valid_on(e, died_on)
    ]
    if valid:
        return min(valid, key=category_rank)
    if unidentified_police_certified:
        return "unidentified"
    if (
        policy.all_local_residents
        and hukou_division is not None
        and policy.is_local(hukou_division)
        and not set(declared_categories) & set(policy.excluded_categories)
    ):
        return "local_resident"
    return None


def _eligible_names(policy: WaiverPolicy) -> tuple[str, str]:
    names = [
        CATEGORY_NAMES_ZH.get(c, c) for c in sorted(policy.eligible_categories, key=category_rank)
    ]
    zh = "、".join([*names, CATEGORY_NAMES_ZH["unidentified"]])
    en = ", ".join([*sorted(policy.eligible_categories, key=category_rank), "unidentified"])
    if policy.all_local_residents:
        zh += "、" + CATEGORY_NAMES_ZH["local_resident"]
        en += ", local_resident"
    return zh, en


def _rejection(
    policy: WaiverPolicy,
    died_on: dt.date,
    entries: list[RosterEntry],
    hukou_division: str | None,
    declared_categories: Iterable[str],
) -> Reason:
    """Why nobody in the policy's scope: the most specific explanation first."""
    excluded = sorted(set(declared_categories) & set(policy.excluded_categories))
    if policy.all_local_residents:
        if hukou_division is None:
            return Reason(
                "HUKOU_UNKNOWN",
                "户籍地未知：请填写逝者户籍所在地行政区划代码（本地户籍居民均可减免）",
                "the deceased's hukou division is unknown: enter it (every local resident is "
                "eligible)",
            )
        if not policy.is_local(hukou_division):
            return Reason(
                "HUKOU_ELSEWHERE",
                f"逝者户籍（{hukou_division}）不在本地（{'、'.join(policy.local_divisions)}），"
                "且死亡当日不在救助名册内；请向户籍地申请减免",
                f"the hukou ({hukou_division}) is not local "
                f"({', '.join(policy.local_divisions)}) and the deceased was on no eligible roster "
                "on the day of death; the hukou place reimburses",
            )
        if excluded:
            zh = "、".join(EXCLUDABLE_NAMES_ZH.get(c, c) for c in excluded)
            return Reason(
                "EXCLUDED_CATEGORY",
                f"属于政策排除的人员（{zh}，已由单位或养老保险支付丧葬补助金）",
                f"in a category the policy excludes ({', '.join(excluded)}: a funeral allowance "
                "is paid by the employer or pension scheme)",
            )
    if any(e[0] in policy.eligible_categories for e in entries):
        return Reason(
            "ROSTER_NOT_VALID_ON_DEATH_DAY",
            f"救助名册资格在死亡当日（{died_on.isoformat()}）不在有效期内",
            f"the roster entry was not valid on the day of death ({died_on.isoformat()})",
        )
    zh, en = _eligible_names(policy)
    return Reason(
        "NOT_ELIGIBLE",
        f"死亡当日不属于减免对象（{zh}）",
        f"not eligible on the day of death (eligible: {en})",
    )


def eligibility(
    policy: WaiverPolicy,
    died_on: dt.date,
    roster_entries: Iterable[RosterEntry],
    hukou_division: str | None,
    unidentified_police_certified: bool,
    declared_categories: Iterable[str] = (),
) -> tuple[str | None, Reason]:
    """The category that makes the deceased eligible on the day of death (None: not eligible),
    with the reason shown to the clerk. Used alone to preview a case before fees are known.

    ``policy`` is the one in force on the day of death; ``hukou_division`` the deceased's hukou
    (None: unknown); ``declared_categories`` what the clerk declared that a policy may exclude
    (``EXCLUDABLE_CATEGORIES``). A rejection's reason code is ``HUKOU_UNKNOWN``,
    ``HUKOU_ELSEWHERE``, ``EXCLUDED_CATEGORY``, ``ROSTER_NOT_VALID_ON_DEATH_DAY`` or
    ``NOT_ELIGIBLE``.
    """
    entries = list(roster_entries)
    declared = tuple(declared_categories)
    category = _eligible_category(
        policy, died_on, entries, hukou_division, unidentified_police_certified, declared
    )
    if category is None:
        return None, _rejection(policy, died_on, entries, hukou_division, declared)
    return category, Reason(
        "ELIGIBLE",
        f"死亡当日属于减免对象：{CATEGORY_NAMES_ZH.get(category, category)}",
        f"eligible on the day of death: {category}",
    )


def _within_total_cap(lines: list[WaivedItem], total_cap_fen: int) -> list[WaivedItem]:
    """Lower the waived amounts, from the last line back, until they add up to the case cap."""
    excess = sum(line.waived_fen for line in lines) - total_cap_fen
    capped = list(lines)
    for index in range(len(capped) - 1, -1, -1):
        if excess <= 0:
            break
        line = capped[index]
        cut = min(line.waived_fen, excess)
        capped[index] = replace(
            line, waived_fen=line.waived_fen - cut, family_pays_fen=line.family_pays_fen + cut
        )
        excess -= cut
    return capped


def decide_waiver(
    policy: WaiverPolicy,
    died_on: dt.date,
    today: dt.date,
    roster_entries: Iterable[RosterEntry],
    hukou_division: str | None,
    unidentified_police_certified: bool,
    items: Sequence[ClaimedItem],
    declared_categories: Iterable[str] = (),
) -> WaiverDecision:
    """Decide a waiver for one deceased person under ``policy`` (the one in force on the day of
    death).

    ``roster_entries`` are the person's ``(category, valid_from, valid_to)`` rows; they count only
    when valid on the day of death (both ends inclusive, ``valid_to`` None = open). ``items`` are
    ``(code, fee_fen, units)``: the fee charged for the item in total and the days or years.
    Per item, waived = ``min(fee_fen, cap_fen × min(units, max_units))``; then, when the policy
    has a ``total_cap_fen``, the case's total is held to it. A rejection waives 0.
    Raises ``Refusal`` with ``DIED_IN_FUTURE``, ``NO_ITEMS``, ``UNKNOWN_ITEM``,
    ``DUPLICATE_ITEM`` or ``INVALID_AMOUNT``.
    """
    if died_on > today:
        raise Refusal("DIED_IN_FUTURE", "死亡日期晚于今天", f"died_on {died_on} is after today")
    claimed = _checked_items(policy, items)
    category, verdict = eligibility(
        policy,
        died_on,
        roster_entries,
        hukou_division,
        unidentified_police_certified,
        declared_categories,
    )
    approved = category is not None
    lines: list[WaivedItem] = []
    capped: list[Reason] = []
    for item, fee_fen, units in claimed:
        waived = min(fee_fen, item.cap_fen * min(units, item.max_units)) if approved else 0
        lines.append(WaivedItem(item.code, item.name, fee_fen, units, waived, fee_fen - waived))
        if approved and waived < fee_fen:
            capped.append(_capped_reason(item))
    cap = policy.total_cap_fen
    if approved and cap is not None and sum(line.waived_fen for line in lines) > cap:
        lines = _within_total_cap(lines, cap)
        capped.append(
            Reason(
                "TOTAL_CAPPED",
                f"每宗减免总额上限{_yuan(cap)}元，超出部分由家属自付",
                f"a case is waived at most {_yuan(cap)} yuan in total; the family pays the rest",
            )
        )
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
