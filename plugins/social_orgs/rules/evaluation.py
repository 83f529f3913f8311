"""Graded evaluation of social organizations (社会组织评估管理办法, revised, in force 2026-03-01).

Scores are whole points per indicator, out of 1000 in all; the indicator set and the grade
thresholds below are defaults an admin may edit (``check_policy`` vets an edited pair).
A result stays under public notice (公示) for 5 working days, then is announced; the grade is
valid from 1 January after the announcement to 31 December of the fifth year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType
from typing import Literal

from core.identity import age_on
from core.refusals import Refusal
from core.workdays import Workdays, add_working_days

Grade = Literal["5A", "4A", "3A", "2A", "1A"]
GRADES: tuple[Grade, ...] = ("5A", "4A", "3A", "2A", "1A")
CERTIFICATE_GRADES: frozenset[Grade] = frozenset({"5A", "4A", "3A"})

MAX_TOTAL = 1000
MIN_FULL_YEARS_REGISTERED = 2
PUBLIC_NOTICE_WORKING_DAYS = 5
VALIDITY_YEARS = 5


@dataclass(frozen=True)
class Indicator:
    """A first-level indicator: ``key`` used in score sheets, Chinese ``label``, its maximum."""

    key: str
    label: str
    max_points: int


DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    Indicator("basic_conditions", "基础条件", 60),
    Indicator("internal_governance", "内部治理", 400),
    Indicator("performance", "工作绩效", 430),
    Indicator("social_evaluation", "社会评价", 110),
)
DEFAULT_THRESHOLDS: Mapping[Grade, int] = MappingProxyType(
    {"5A": 900, "4A": 800, "3A": 700, "2A": 600, "1A": 500}
)


def _invalid_policy(zh: str, en: str) -> Refusal:
    return Refusal("INVALID_EVALUATION_POLICY", zh, en)


def check_policy(indicators: Sequence[Indicator], thresholds: Mapping[Grade, int]) -> None:
    """Refuse (``INVALID_EVALUATION_POLICY``) unless the indicators have distinct keys and positive
    maxima summing to 1000, and every grade has a threshold in 1..1000, 5A highest, each grade
    strictly above the next."""
    keys = [indicator.key for indicator in indicators]
    if len(set(keys)) != len(keys) or any(not key for key in keys):
        raise _invalid_policy("指标代码须唯一且非空", "indicator keys must be distinct")
    if any(indicator.max_points <= 0 for indicator in indicators):
        raise _invalid_policy("指标满分须为正数", "indicator maxima must be positive")
    if sum(indicator.max_points for indicator in indicators) != MAX_TOTAL:
        raise _invalid_policy(
            f"各指标满分之和须为{MAX_TOTAL}", f"indicator maxima must sum to {MAX_TOTAL}"
        )
    if set(thresholds) != set(GRADES):
        raise _invalid_policy(
            "须为5A至1A每个等级设定分数线", "every grade 5A..1A needs a threshold"
        )
    ordered = [thresholds[grade] for grade in GRADES]
    if not all(0 < points <= MAX_TOTAL for points in ordered) or any(
        higher <= lower for higher, lower in pairwise(ordered)
    ):
        raise _invalid_policy(
            "分数线须在1至1000之间且自5A至1A递减",
            "thresholds must lie in 1..1000 and decrease from 5A to 1A",
        )


def score_total(
    scores: Mapping[str, object],
    indicators: Sequence[Indicator] = DEFAULT_INDICATORS,
    *,
    complete: bool = True,
) -> int:
    """Sum of the points, or a refusal (``INVALID_SCORES``) listing every problem in its extra:
    points that are not a whole number, negative or over the indicator's maximum.

    ``complete`` (a full score sheet) also refuses an unknown or unscored indicator. Without it
    the sheet may break the points down differently (the three kinds of organization are scored
    on different indicator systems): other indicators are accepted, an unscored one counts as
    zero, and only the total is capped at 1000.
    """
    known = {indicator.key: indicator for indicator in indicators}
    problems: list[str] = []
    if complete:
        problems += [
            f"未知指标 / unknown indicator: {key}" for key in sorted(set(scores) - set(known))
        ]
    elif not scores:
        problems.append("未填写任何评分 / no scores given")
    total = 0
    others = [] if complete else sorted(set(scores) - set(known))
    for key in [*known, *others]:
        indicator = known.get(key)
        name = f"{indicator.label}（{key}）" if indicator else key
        points = scores.get(key)
        if points is None:
            if complete:
                problems.append(f"{name}未评分 / not scored")
        elif not isinstance(points, int) or isinstance(points, bool):
            problems.append(f"{name}须为整数分 / points must be a whole number")
        elif points < 0:
            problems.append(f"{name}不能为负 / points cannot be negative")
        elif indicator is not None and points > indicator.max_points:
            problems.append(
                f"{name}超过满分{indicator.max_points} / over the maximum {indicator.max_points}"
            )
        else:
            total += points
    if not problems and total > MAX_TOTAL:
        problems.append(f"总分超过{MAX_TOTAL} / total over {MAX_TOTAL}")
    if problems:
        # Each problem is already ``中文 / English``; the detail lists them all.
        raise Refusal("INVALID_SCORES", "；".join(problems), extra={"problems": problems})
    return total


def grade_for(total: int, thresholds: Mapping[Grade, int] = DEFAULT_THRESHOLDS) -> Grade | None:
    """The best grade whose threshold ``total`` reaches (threshold itself included), else None."""
    for grade in GRADES:
        if total >= thresholds[grade]:
            return grade
    return None


def is_eligible_for_evaluation(
    *, registered_on: dt.date, evaluated_on: dt.date, abnormal: bool
) -> bool:
    """Registered at least 2 full years on the evaluation day and not on the abnormal list."""
    # Full years since registration count like an age (anniversary day included).
    full_years = age_on(registered_on, evaluated_on)
    return not abnormal and full_years >= MIN_FULL_YEARS_REGISTERED


def public_notice_end(calendar: Workdays, started_on: dt.date) -> dt.date:
    """Last day of the public notice: the 5th working day after the day it is posted."""
    return add_working_days(calendar, started_on, PUBLIC_NOTICE_WORKING_DAYS)


def grade_validity(announced_on: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of validity: 1 January after the announcement year to 31 December
    of the fifth year (announced 2026 → 2027-01-01 … 2031-12-31)."""
    return (
        dt.date(announced_on.year + 1, 1, 1),
        dt.date(announced_on.year + VALIDITY_YEARS, 12, 31),
    )


def gets_certificate(grade: Grade | None) -> bool:
    """Only 3A and above receive a certificate (证书)."""
    return grade in CERTIFICATE_GRADES
