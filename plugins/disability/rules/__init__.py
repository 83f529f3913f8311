"""The two disability subsidies (残疾人两项补贴, 国发〔2015〕52号): pure rules.

Money is integer fen per month, months are ``"YYYY-MM"``; nothing here does I/O.
See DOMAIN.md "The two disability subsidies".
"""

from plugins.disability.rules.card import (
    CATEGORY_NAMES_ZH,
    GRADES,
    DisabilityCard,
    check_card,
    parse_card,
)
from plugins.disability.rules.eligibility import (
    DEFAULT_SUBSIDY_POLICY,
    Eligibility,
    SubsidyPolicy,
    eligibility,
    granted_subsidies,
    nursing_possible,
    residence_refusal,
    subsidy_policy_in_force,
)
from plugins.disability.rules.indicators import coverage
from plugins.disability.rules.months import (
    month_bounds,
    month_of,
    month_range,
    next_month,
    parse_month,
    previous_month,
)
from plugins.disability.rules.payroll import (
    STOP_REASONS,
    LineKind,
    PayrollLine,
    StopReason,
    SubsidyGrant,
    apply_stop,
    difference_lines,
    due_lines,
    stop_month_after,
    subsidies_ended_by_grade,
    subsidies_stopped_by,
)
from plugins.disability.rules.review import next_review_on, review_due
from plugins.disability.rules.roster import RosterSpan, categories_in_month
from plugins.disability.rules.standards import (
    DEFAULT_STANDARDS,
    SUBSIDIES,
    SUBSIDY_NAMES_ZH,
    Standard,
    Subsidy,
    YearStandard,
    standard_for,
    standards_by_year,
    year_standard,
)

__all__ = [
    "CATEGORY_NAMES_ZH",
    "DEFAULT_STANDARDS",
    "DEFAULT_SUBSIDY_POLICY",
    "GRADES",
    "STOP_REASONS",
    "SUBSIDIES",
    "SUBSIDY_NAMES_ZH",
    "DisabilityCard",
    "Eligibility",
    "LineKind",
    "PayrollLine",
    "RosterSpan",
    "Standard",
    "StopReason",
    "Subsidy",
    "SubsidyGrant",
    "SubsidyPolicy",
    "YearStandard",
    "apply_stop",
    "categories_in_month",
    "check_card",
    "coverage",
    "difference_lines",
    "due_lines",
    "eligibility",
    "granted_subsidies",
    "month_bounds",
    "month_of",
    "month_range",
    "next_month",
    "next_review_on",
    "nursing_possible",
    "parse_card",
    "parse_month",
    "previous_month",
    "residence_refusal",
    "review_due",
    "standard_for",
    "standards_by_year",
    "stop_month_after",
    "subsidies_ended_by_grade",
    "subsidies_stopped_by",
    "subsidy_policy_in_force",
    "year_standard",
]
