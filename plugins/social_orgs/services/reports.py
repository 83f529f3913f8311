"""Annual reports: drafts and submission by the organization, return for correction and
inspection by a clerk.

A report is editable while ``draft`` or ``returned``; once ``submitted`` it changes only when a
clerk returns it for correction (audited). Every transition is one conditional UPDATE on the
report's status, so two requests racing cannot both win.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit, notifications
from core.clock import today
from core.db import json_value, write_transaction
from core.pagination import PageParams, page
from core.refusals import Refusal
from plugins.social_orgs.rules import (
    INSPECTION_RESULT_LABELS,
    REPORT_FIELD_LABELS,
    REPORT_FIELDS,
    invalid_fields,
    is_late,
    missing_fields,
    report_deadline,
    require_complete,
)
from plugins.social_orgs.services.common import (
    SLUG,
    dumps,
    get_org,
    org_recipient,
    require_active,
)
from plugins.social_orgs.tables import AnnualReport, Organization

EDITABLE = ("draft", "returned")


def _check_year(org: dict[str, Any], year: int, on: dt.date) -> None:
    if not org["registered_on"].year <= year <= on.year:
        raise Refusal(
            "INVALID_REPORT_YEAR",
            zh=f"年度须在{org['registered_on'].year}年至{on.year}年之间",
            en=f"the report year must lie between {org['registered_on'].year} and {on.year}",
        )


def _clean(content: dict[str, Any]) -> dict[str, Any]:
    """Only the report's own fields; blank text counts as not filled in."""
    cleaned = {}
    for name in REPORT_FIELDS:
        value = content.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value is not None and value != "":
            cleaned[name] = value
    return cleaned


def report_out(row: dict[str, Any], org_name: str = "") -> dict[str, Any]:
    content = json_value(row["content"]) or {}
    fields = {name: content.get(name) for name in REPORT_FIELDS}
    inspection = None
    if row["inspection_result"]:
        inspection = {
            "result": row["inspection_result"],
            "result_label": INSPECTION_RESULT_LABELS[row["inspection_result"]],
            "note": row["inspection_note"],
            "inspected_on": row["inspected_on"],
            "inspected_by": row["inspected_by"],
        }
    return {
        **fields,
        "uscc": row["uscc"],
        "org_name": org_name,
        "year": row["year"],
        "status": row["status"],
        "deadline": row["deadline"],
        "submitted_on": row["submitted_on"],
        "resubmitted_on": row["resubmitted_on"],
        "late": row["late"],
        "return_reason": row["return_reason"],
        "content": fields,
        "missing_fields": missing_fields(content),
        "inspection": inspection,
    }


async def _row(uscc: str, year: int) -> dict[str, Any] | None:
    return (
        await AnnualReport.select()
        .where((AnnualReport.uscc == uscc) & (AnnualReport.year == year))
        .first()
    )


def _already_submitted() -> Refusal:
    return Refusal(
        "REPORT_ALREADY_SUBMITTED",
        zh="年度报告已提交，不能修改；如需更正请联系登记机关退回",
        en="the report is submitted and can no longer change unless a clerk returns it",
        kind="conflict",
    )


async def _save(org: dict[str, Any], year: int, content: dict[str, Any]) -> None:
    """Create or replace the draft, inside the caller's transaction."""
    bad = invalid_fields(content)
    if bad:
        labels = "、".join(REPORT_FIELD_LABELS[name] for name in bad)
        raise Refusal(
            "INVALID_REPORT",
            zh=f"以下内容填写有误：{labels}",
            en=f"invalid values: {', '.join(bad)}",
            extra={"invalid": bad},
        )
    await AnnualReport.insert(
        AnnualReport(
            uscc=org["uscc"],
            year=year,
            status="draft",
            content="{}",
            deadline=report_deadline(org["kind"], year),
        )
    ).on_conflict(target=(AnnualReport.uscc, AnnualReport.year), action="DO NOTHING")
    updated = (
        await AnnualReport.update(
            {
                AnnualReport.content: dumps(content),
                AnnualReport.updated_at: dt.datetime.now(dt.UTC),
            }
        )
        .where(
            (AnnualReport.uscc == org["uscc"])
            & (AnnualReport.year == year)
            & AnnualReport.status.is_in(list(EDITABLE))
        )
        .returning(AnnualReport.id)
    )
    if not updated:
        raise _already_submitted()


async def save_draft(uscc: str, year: int, content: dict[str, Any]) -> dict[str, Any]:
    """Save the report as a draft (blank fields allowed, wrong values refused)."""
    org = await get_org(uscc)
    require_active(org)
    _check_year(org, year, await today())
    content = _clean(content)
    async with write_transaction():
        await _save(org, year, content)
        await audit.record(
            "social_orgs.report.saved",
            entity="social_org_report",
            entity_id=f"{org['uscc']}-{year}",
            summary=f"保存{year}年度报告草稿（{org['name']}）",
            details={"filled": sorted(content)},
        )
    return await _report_of(org, year)


async def submit(uscc: str, year: int, content: dict[str, Any] | None = None) -> dict[str, Any]:
    """Submit the saved draft (or ``content``, saved first). 422 ``INCOMPLETE_REPORT`` names every
    field still missing; a submission after the deadline is marked late."""
    org = await get_org(uscc)
    require_active(org)
    on = await today()
    _check_year(org, year, on)
    async with write_transaction():
        if content is not None:
            await _save(org, year, _clean(content))
        row = await _row(org["uscc"], year)
        if row is not None and row["status"] == "submitted":
            raise _already_submitted()
        require_complete(json_value(row["content"]) if row else {})
        assert row is not None
        first = row["submitted_on"] or on
        late = is_late(first, row["deadline"])
        updated = (
            await AnnualReport.update(
                {
                    AnnualReport.status: "submitted",
                    AnnualReport.submitted_on: first,
                    AnnualReport.resubmitted_on: on if row["submitted_on"] else None,
                    AnnualReport.late: late,
                    AnnualReport.updated_at: dt.datetime.now(dt.UTC),
                }
            )
            .where((AnnualReport.id == row["id"]) & AnnualReport.status.is_in(list(EDITABLE)))
            .returning(AnnualReport.id)
        )
        if not updated:
            raise _already_submitted()
        again = row["submitted_on"] is not None
        await audit.record(
            "social_orgs.report.resubmitted" if again else "social_orgs.report.submitted",
            entity="social_org_report",
            entity_id=f"{org['uscc']}-{year}",
            summary=f"{'重新' if again else ''}提交{year}年度报告（{org['name']}）"
            + ("，逾期" if late else ""),
            details={"late": late, "deadline": row["deadline"].isoformat()},
        )
    return await _report_of(org, year)


async def return_for_correction(uscc: str, year: int, reason: str) -> dict[str, Any]:
    """A clerk sends a submitted report back to the organization to correct (audited); its
    inspection, if any, is cleared: the corrected report is inspected again."""
    org = await get_org(uscc)
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("REASON_REQUIRED", zh="请填写退回原因", en="a reason is required")
    async with write_transaction():
        await _update_submitted(
            org["uscc"],
            year,
            {
                AnnualReport.status: "returned",
                AnnualReport.return_reason: reason[:2000],
                AnnualReport.inspection_result: None,
                AnnualReport.inspection_note: "",
                AnnualReport.inspected_on: None,
                AnnualReport.inspected_by: "",
                AnnualReport.updated_at: dt.datetime.now(dt.UTC),
            },
        )
        recipient, channel = org_recipient(org)
        await notifications.enqueue(
            recipient,
            f"{year}年度报告已退回更正",
            f"{org['name']}：您提交的{year}年度报告已被登记机关退回更正，原因：{reason}。"
            "请登录江海区民政局网上服务平台修改后重新提交。",
            channel=channel,
            plugin=SLUG,
        )
        await audit.record(
            "social_orgs.report.returned",
            entity="social_org_report",
            entity_id=f"{org['uscc']}-{year}",
            summary=f"退回{year}年度报告更正（{org['name']}）",
            details={"reason": reason[:500]},
        )
    return await _report_of(org, year)


async def _update_submitted(uscc: str, year: int, values: dict[Any, Any]) -> None:
    """Change the report of ``year`` only while it is submitted; otherwise REPORT_NOT_SUBMITTED."""
    updated = (
        await AnnualReport.update(values)
        .where(
            (AnnualReport.uscc == uscc)
            & (AnnualReport.year == year)
            & (AnnualReport.status == "submitted")
        )
        .returning(AnnualReport.id)
    )
    if not updated:
        raise _not_submitted(year)


def _not_submitted(year: int) -> Refusal:
    return Refusal(
        "REPORT_NOT_SUBMITTED",
        zh=f"{year}年度报告尚未提交",
        en=f"the {year} report is not submitted",
    )


async def inspect(uscc: str, year: int, result: str, note: str, inspector: str) -> dict[str, Any]:
    """Record the annual inspection (年检) of a submitted report; a later inspection of the same
    report supersedes the earlier one (both are in the audit log)."""
    if result not in INSPECTION_RESULT_LABELS:
        raise Refusal(
            "INVALID_INSPECTION_RESULT",
            zh="年检结论应为 qualified、basically_qualified 或 unqualified",
            en="unknown result",
        )
    org = await get_org(uscc)
    on = await today()
    async with write_transaction():
        row = await _row(org["uscc"], year)
        await _update_submitted(
            org["uscc"],
            year,
            {
                AnnualReport.inspection_result: result,
                AnnualReport.inspection_note: (note or "").strip()[:2000],
                AnnualReport.inspected_on: on,
                AnnualReport.inspected_by: inspector,
            },
        )
        label = INSPECTION_RESULT_LABELS[result]  # type: ignore[index]
        await audit.record(
            "social_orgs.report.inspected",
            entity="social_org_report",
            entity_id=f"{org['uscc']}-{year}",
            summary=f"{year}年度检查结论：{label}（{org['name']}）",
            details={"result": result, "previous": row["inspection_result"] if row else None},
        )
    return await _report_of(org, year)


async def get_report(uscc: str, year: int) -> dict[str, Any]:
    return await _report_of(await get_org(uscc), year)


async def _report_of(org: dict[str, Any], year: int) -> dict[str, Any]:
    row = await _row(org["uscc"], year)
    if row is None:
        raise Refusal.not_found(
            zh=f"尚无{year}年度报告", en=f"no report for {year}", english_first=False
        )
    return report_out(row, org["name"])


async def reports_of(uscc: str) -> list[dict[str, Any]]:
    """Every report of one organization, newest year first (a short, bounded list)."""
    org = await get_org(uscc)
    rows = await (
        AnnualReport.select()
        .where(AnnualReport.uscc == org["uscc"])
        .order_by(AnnualReport.year, ascending=False)
    )
    return [report_out(row, org["name"]) for row in rows]


async def report_list(
    params: PageParams,
    *,
    year: int | None = None,
    status: str | None = None,
    inspected: bool | None = None,
) -> dict[str, Any]:
    """Reports for staff, oldest submission first (the inspection queue is
    ``status=submitted&inspected=false``)."""
    where = AnnualReport.id.is_not_null()
    if year is not None:
        where &= AnnualReport.year == year
    if status:
        where &= AnnualReport.status == status
    if inspected is not None:
        where &= (
            AnnualReport.inspection_result.is_not_null()
            if inspected
            else AnnualReport.inspection_result.is_null()
        )
    rows = await (
        AnnualReport.select()
        .where(where)
        .order_by(AnnualReport.submitted_on)
        .order_by(AnnualReport.uscc)
        .limit(params.limit)
        .offset(params.offset)
    )
    total = await AnnualReport.count().where(where)
    names = {
        row["uscc"]: row["name"]
        for row in await Organization.select(Organization.uscc, Organization.name).where(
            Organization.uscc.is_in([row["uscc"] for row in rows] or [""])
        )
    }
    return page([report_out(row, names.get(row["uscc"], "")) for row in rows], total)
