"""Pure rules of the social-organizations service (社会团体, 社会服务机构, 基金会).

No I/O: dates, codes, reports and scores in; decisions out. See DOMAIN.md "Social organizations".
"""

from plugins.social_orgs.rules.abnormal_list import (
    abnormal_years,
    is_abnormal,
    proposed_for_deregistration,
)
from plugins.social_orgs.rules.annual_reports import (
    INSPECTION_RESULT_LABELS,
    PARTY_ORGANIZATION_LABELS,
    REPORT_FIELD_LABELS,
    REPORT_FIELDS,
    InspectionResult,
    PartyOrganization,
    invalid_fields,
    is_late,
    missing_fields,
    report_deadline,
    report_due,
    require_complete,
)
from plugins.social_orgs.rules.evaluation import (
    CERTIFICATE_GRADES,
    DEFAULT_INDICATORS,
    DEFAULT_THRESHOLDS,
    GRADES,
    Grade,
    Indicator,
    check_policy,
    gets_certificate,
    grade_for,
    grade_validity,
    is_eligible_for_evaluation,
    public_notice_end,
    score_total,
)
from plugins.social_orgs.rules.indicators import (
    ORGS_PER_10K_TARGET,
    PASSING_RESULTS,
    filing_rate,
    orgs_per_10k_residents,
    pass_rate,
)
from plugins.social_orgs.rules.reminders import REMINDER_DAYS, reminder_due
from plugins.social_orgs.rules.spot_checks import (
    SpotCheckAssignment,
    draw_spot_check,
    spot_check_size,
)
from plugins.social_orgs.rules.uscc import (
    KIND_DIGITS,
    KIND_LABELS,
    OrgKind,
    normalize_uscc,
    uscc_named_by,
)

__all__ = [
    "CERTIFICATE_GRADES",
    "DEFAULT_INDICATORS",
    "DEFAULT_THRESHOLDS",
    "GRADES",
    "INSPECTION_RESULT_LABELS",
    "KIND_DIGITS",
    "KIND_LABELS",
    "ORGS_PER_10K_TARGET",
    "PARTY_ORGANIZATION_LABELS",
    "PASSING_RESULTS",
    "REMINDER_DAYS",
    "REPORT_FIELDS",
    "REPORT_FIELD_LABELS",
    "Grade",
    "Indicator",
    "InspectionResult",
    "OrgKind",
    "PartyOrganization",
    "SpotCheckAssignment",
    "abnormal_years",
    "check_policy",
    "draw_spot_check",
    "filing_rate",
    "gets_certificate",
    "grade_for",
    "grade_validity",
    "invalid_fields",
    "is_abnormal",
    "is_eligible_for_evaluation",
    "is_late",
    "missing_fields",
    "normalize_uscc",
    "orgs_per_10k_residents",
    "pass_rate",
    "proposed_for_deregistration",
    "public_notice_end",
    "reminder_due",
    "report_deadline",
    "report_due",
    "require_complete",
    "score_total",
    "spot_check_size",
    "uscc_named_by",
]
