"""Annual work reports (年度工作报告): content, who must file for a year, deadline, inspection.

A report is a plain mapping from field name to value; amounts are integer fen.
``party_organization`` is how the organization's Party organization is set up, as on the
report form (单独建立 / 联合建立 / 未建立): ``"standalone"``, ``"joint"`` or ``"none"`` —
richer than a yes/no, and still one value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Literal, TypeGuard

from core.refusals import Refusal
from plugins.social_orgs.rules.uscc import OrgKind

PartyOrganization = Literal["standalone", "joint", "none"]
PARTY_ORGANIZATION_LABELS: dict[PartyOrganization, str] = {
    "standalone": "单独建立党组织",
    "joint": "联合建立党组织",
    "none": "未建立党组织",
}

InspectionResult = Literal["qualified", "basically_qualified", "unqualified"]
INSPECTION_RESULT_LABELS: dict[InspectionResult, str] = {
    "qualified": "合格",
    "basically_qualified": "基本合格",
    "unqualified": "不合格",
}


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_integer(value: object) -> TypeGuard[int]:
    # bool is an int subclass; True is not an amount.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_non_negative(value: object) -> bool:
    return _is_integer(value) and value >= 0


def _is_party_organization(value: object) -> bool:
    return isinstance(value, str) and value in PARTY_ORGANIZATION_LABELS


# Field name → (label on the form, check of a filled-in value), in form order.
_FIELDS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "activities": ("业务活动情况", _is_text),
    "revenue_fen": ("本年收入", _is_non_negative),
    "expenditure_fen": ("本年支出", _is_non_negative),
    "net_assets_fen": ("净资产", _is_integer),
    "full_time_staff": ("专职工作人员数", _is_non_negative),
    "volunteers": ("志愿者人数", _is_non_negative),
    "party_organization": ("党组织建立情况", _is_party_organization),
    "officer_changes": ("负责人变动情况（无变动填“无”）", _is_text),
    "donations_received_fen": ("接受捐赠", _is_non_negative),
}
REPORT_FIELDS: tuple[str, ...] = tuple(_FIELDS)
REPORT_FIELD_LABELS: dict[str, str] = {name: label for name, (label, _) in _FIELDS.items()}


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def invalid_fields(report: Mapping[str, object]) -> list[str]:
    """Fields filled in with a wrong value, in form order; blanks are fine in a draft."""
    return [
        name
        for name, (_, is_valid) in _FIELDS.items()
        if not _is_blank(report.get(name)) and not is_valid(report.get(name))
    ]


def missing_fields(report: Mapping[str, object]) -> list[str]:
    """Fields missing, blank or invalid, in form order; empty when the report can be submitted."""
    return [name for name, (_, is_valid) in _FIELDS.items() if not is_valid(report.get(name))]


def require_complete(report: Mapping[str, object]) -> None:
    """Refuse (``INCOMPLETE_REPORT``) naming every field still to fix in ``extra["missing"]``."""
    fields = missing_fields(report)
    if fields:
        labels = "、".join(REPORT_FIELD_LABELS[name] for name in fields)
        raise Refusal(
            "INCOMPLETE_REPORT",
            f"年度报告缺少或填写有误：{labels}",
            f"missing or invalid: {', '.join(fields)}",
            extra={"missing": fields},
        )


def report_due(registered_on: dt.date, year: int) -> bool:
    """Whether an organization files a report for ``year``: registered on or before 30 June."""
    return registered_on <= dt.date(year, 6, 30)


def report_deadline(kind: OrgKind, year: int) -> dt.date:
    """Last day to submit the report for ``year``: 31 March next year (foundations), else 31 May.

    A fixed calendar date (期日), not a counted period, so a weekend does not move it.
    """
    if kind == "foundation":
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 5, 31)


def is_late(submitted_on: dt.date, deadline: dt.date) -> bool:
    """Submitted after the deadline day (the deadline day itself is on time)."""
    return submitted_on > deadline
