"""Funeral basic-service fee waiver (惠民殡葬, 粤民发〔2015〕37号): pure rules.

Money is integer fen, dates are ``date``, months are ``"YYYY-MM"``; nothing here does I/O.
See DOMAIN.md "Funeral basic-service fee waiver".
"""

from plugins.funeral.rules.decision import (
    ClaimedItem,
    RosterEntry,
    Status,
    WaivedItem,
    WaiverDecision,
    decide_waiver,
    eligibility,
)
from plugins.funeral.rules.indicators import (
    CategoryFigures,
    MonthFigures,
    YearFigures,
    monthly_figures,
    waiver_figures,
)
from plugins.funeral.rules.policy import (
    CATEGORY_NAMES_EN,
    CATEGORY_NAMES_ZH,
    CATEGORY_PRIORITY,
    DEFAULT_POLICY,
    EXCLUDABLE_CATEGORIES,
    EXCLUDABLE_NAMES_EN,
    EXCLUDABLE_NAMES_ZH,
    ROSTER_ONLY_POLICY,
    UNITS,
    FeeItem,
    Unit,
    WaiverPolicy,
    category_rank,
    policy_in_force,
)
from plugins.funeral.rules.settlement import (
    LineKind,
    SettlementLine,
    WaiverRecord,
    month_of,
    settlement,
)

__all__ = [
    "CATEGORY_NAMES_EN",
    "CATEGORY_NAMES_ZH",
    "CATEGORY_PRIORITY",
    "DEFAULT_POLICY",
    "EXCLUDABLE_CATEGORIES",
    "EXCLUDABLE_NAMES_EN",
    "EXCLUDABLE_NAMES_ZH",
    "ROSTER_ONLY_POLICY",
    "UNITS",
    "CategoryFigures",
    "ClaimedItem",
    "FeeItem",
    "LineKind",
    "MonthFigures",
    "RosterEntry",
    "SettlementLine",
    "Status",
    "Unit",
    "WaivedItem",
    "WaiverDecision",
    "WaiverPolicy",
    "WaiverRecord",
    "YearFigures",
    "category_rank",
    "decide_waiver",
    "eligibility",
    "month_of",
    "monthly_figures",
    "policy_in_force",
    "settlement",
    "waiver_figures",
]
