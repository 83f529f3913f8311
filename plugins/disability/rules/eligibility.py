"""Who may receive which of the two subsidies (残疾人两项补贴, 国发〔2015〕52号) in a month.

See DOMAIN.md "The two disability subsidies".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set
from dataclasses import dataclass

from core.refusals import Reason, Refusal
from plugins.disability.rules.card import CATEGORY_NAMES_ZH, GRADES
from plugins.disability.rules.standards import SUBSIDIES, SUBSIDY_NAMES_ZH, Subsidy

INTELLECTUAL, MENTAL = 5, 6


@dataclass(frozen=True)
class SubsidyPolicy:
    """The local extensions DOMAIN.md allows, both off by default."""

    living_for_low_income: bool = False
    """Living subsidy also for people in the ``low_income`` roster, not only ``dibao``."""
    nursing_for_grades_3_4_intellectual_mental: bool = False
    """Nursing subsidy also for grades 3–4 of categories 5 (智力) and 6 (精神)."""
    effective_from: dt.date = dt.date(2016, 1, 1)
    """国发〔2015〕52号 took effect on 2016-01-01."""


DEFAULT_SUBSIDY_POLICY = SubsidyPolicy()


def subsidy_policy_in_force(policies: Iterable[SubsidyPolicy], on_date: dt.date) -> SubsidyPolicy:
    """The policy with the latest ``effective_from`` on or before ``on_date`` (date of the act)."""
    candidates = [p for p in policies if p.effective_from <= on_date]
    if not candidates:
        raise Refusal("NO_POLICY", "", f"no subsidy policy in force on {on_date}")
    return max(candidates, key=lambda p: p.effective_from)


@dataclass(frozen=True)
class Eligibility:
    living: bool
    nursing: bool
    reasons: tuple[Reason, ...]

    @property
    def subsidies(self) -> frozenset[Subsidy]:
        return frozenset(s for s in SUBSIDIES if getattr(self, s))


_TEKUN = Reason(
    "TEKUN", "特困供养人员不享受两项补贴", "people in tekun support receive neither subsidy"
)
_WORK_INJURY = Reason(
    "WORK_INJURY_NURSING",
    "已享受工伤保险生活护理费，不享受两项补贴",
    "people receiving work-injury nursing allowance receive neither subsidy",
)
_ORPHAN = Reason(
    "ORPHAN_SUPPORT",
    "已享受孤儿基本生活保障，不享受困难残疾人生活补贴",
    "orphan basic-living support excludes the living subsidy",
)


def _living(roster: Set[str], orphan_support: bool, policy: SubsidyPolicy) -> tuple[bool, Reason]:
    if orphan_support:
        return False, _ORPHAN
    if "dibao" in roster:
        return True, Reason("LIVING_DIBAO", "当月为低保对象", "in the dibao roster that month")
    if policy.living_for_low_income and "low_income" in roster:
        return True, Reason(
            "LIVING_LOW_INCOME", "当月为低收入家庭成员", "in the low_income roster that month"
        )
    if policy.living_for_low_income:
        return False, Reason(
            "NOT_IN_DIBAO",
            "当月不是低保对象或低收入家庭成员，不享受生活补贴",
            "neither in dibao nor low_income that month: no living subsidy",
        )
    return False, Reason(
        "NOT_IN_DIBAO",
        "当月不是低保对象，不享受生活补贴",
        "not in dibao that month: no living subsidy",
    )


def _nursing(grade: int, category: int, policy: SubsidyPolicy) -> tuple[bool, Reason]:
    if grade in (1, 2):
        return True, Reason("NURSING_SEVERE", f"残疾等级为{grade}级", f"disability grade {grade}")
    if policy.nursing_for_grades_3_4_intellectual_mental and category in (INTELLECTUAL, MENTAL):
        return True, Reason(
            "NURSING_EXTENSION",
            f"{CATEGORY_NAMES_ZH[category]}残疾{grade}级（本地政策扩面）",
            f"category {category} grade {grade} (local extension)",
        )
    return False, Reason(
        "GRADE_NOT_SEVERE",
        f"残疾等级为{grade}级，护理补贴限一、二级",
        f"grade {grade}: the nursing subsidy needs grade 1 or 2",
    )


def nursing_possible(grade: int, category: int, policy: SubsidyPolicy) -> bool:
    """Whether the grade (and, under the extension, the category) allows the nursing subsidy."""
    return _nursing(grade, category, policy)[0]


def eligibility(
    grade: int,
    category: int,
    roster_categories_in_month: Set[str],
    work_injury_nursing: bool,
    orphan_support: bool,
    policy: SubsidyPolicy = DEFAULT_SUBSIDY_POLICY,
) -> Eligibility:
    """Which subsidies a person may receive in a month.

    ``roster_categories_in_month`` are the assistance-roster categories (``dibao``, ``tekun``, …)
    the person held in that month. Living: in ``dibao`` (or ``low_income`` when the policy says),
    any grade, not on orphan support. Nursing: grade 1 or 2 (or grades 3–4 of categories 5 and 6
    when the policy says). ``tekun`` or work-injury nursing allowance exclude both.
    """
    if grade not in GRADES or category not in CATEGORY_NAMES_ZH:
        raise ValueError(f"grade must be 1-4 and category 1-7, got {grade}, {category}")
    exclusions = []
    if "tekun" in roster_categories_in_month:
        exclusions.append(_TEKUN)
    if work_injury_nursing:
        exclusions.append(_WORK_INJURY)
    if exclusions:
        return Eligibility(living=False, nursing=False, reasons=tuple(exclusions))
    living, living_reason = _living(roster_categories_in_month, orphan_support, policy)
    nursing, nursing_reason = _nursing(grade, category, policy)
    return Eligibility(living=living, nursing=nursing, reasons=(living_reason, nursing_reason))


def residence_refusal(
    hukou_division: str | None, district_division: str, deceased: bool
) -> Reason | None:
    """Why the district cannot take the application at all: the person died, or their hukou is
    known to be in another division (the subsidies are paid where the hukou is). An unknown
    hukou is not a refusal: the clerk checks the household register at the window."""
    if deceased:
        return Reason("DECEASED", "申请人已死亡", "the applicant has died")
    if hukou_division and hukou_division != district_division:
        return Reason(
            "HUKOU_OUTSIDE_DISTRICT",
            f"户籍不在本区（{hukou_division}）",
            f"the hukou is not in this district ({hukou_division})",
        )
    return None


def granted_subsidies(result: Eligibility, requested: Iterable[Subsidy]) -> frozenset[Subsidy]:
    """The requested subsidies the person may receive; ``NOT_ELIGIBLE`` when there are none."""
    granted = result.subsidies & frozenset(requested)
    if not granted:
        asked = "、".join(SUBSIDY_NAMES_ZH[s] for s in sorted(frozenset(requested))) or "无"
        why_zh = "；".join(r.zh for r in result.reasons)
        why_en = "; ".join(r.en for r in result.reasons)
        raise Refusal(
            "NOT_ELIGIBLE",
            f"不符合所申请补贴（{asked}）的条件：{why_zh}",
            f"not eligible for the requested subsidies: {why_en}",
        )
    return granted
