"""A funeral home's case-by-case statement for a month, so that the home and the bureau can
reconcile every case: each approved waiver recorded in the month, and each voided in it (as a
negative line). Its totals are the home's settlement row."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from core.certificates.pdf import TableReport, chinese_date, render_table_report
from core.exports import csv_bytes
from core.identity import mask_name
from plugins.funeral.certificates import ISSUER
from plugins.funeral.rules import CATEGORY_NAMES_ZH
from plugins.funeral.services.records import deceased_label
from plugins.funeral.services.settlements import month_bounds
from plugins.funeral.tables import FuneralWaiver

CASE_COLUMNS = (
    "日期",
    "类型",
    "记录编号",
    "通知书编号",
    "逝者",
    "证件",
    "减免对象类别",
    "金额（元）",
)


async def statement_cases(month: str, funeral_home: str) -> list[dict[str, Any]]:
    """The home's lines of ``month`` in date order; personal data masked."""
    first, last = month_bounds(month)
    recorded = (FuneralWaiver.recorded_on >= first) & (FuneralWaiver.recorded_on <= last)
    voided = (FuneralWaiver.voided_on >= first) & (FuneralWaiver.voided_on <= last)
    rows = (
        await FuneralWaiver.select()
        .where(
            (FuneralWaiver.funeral_home == funeral_home.strip())
            & (FuneralWaiver.status == "approved")
            & (recorded | voided)
        )
        .order_by(FuneralWaiver.id)
    )
    cases = []
    for row in rows:
        base = {
            "waiver_id": row["id"],
            "notice_no": row["notice_no"],
            "deceased": mask_name(row["deceased_name"]),
            "deceased_id": deceased_label(row),
            "category": row["category"],
        }
        if first <= row["recorded_on"] <= last:
            cases.append(
                {
                    **base,
                    "kind": "waiver",
                    "on": row["recorded_on"],
                    "waived_fen": row["waived_fen"],
                }
            )
        if row["voided_on"] is not None and first <= row["voided_on"] <= last:
            cases.append(
                {
                    **base,
                    "kind": "correction",
                    "on": row["voided_on"],
                    "waived_fen": -row["waived_fen"],
                }
            )
    return sorted(cases, key=lambda case: (case["on"], case["waiver_id"], case["kind"]))


def _lines(cases: list[dict[str, Any]]) -> list[list[str]]:
    lines = [
        [
            case["on"].isoformat(),
            "减免" if case["kind"] == "waiver" else "更正（作废）",
            str(case["waiver_id"]),
            case["notice_no"] or "",
            case["deceased"],
            case["deceased_id"],
            CATEGORY_NAMES_ZH.get(case["category"] or "", case["category"] or ""),
            f"{case['waived_fen'] / 100:.2f}",
        ]
        for case in cases
    ]
    total = sum(case["waived_fen"] for case in cases)
    lines.append(["", "合计", "", "", f"{len(cases)} 行", "", "", f"{total / 100:.2f}"])
    return lines


def statement_csv(cases: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, for Excel."""
    return csv_bytes([CASE_COLUMNS, *_lines(cases)])


async def statement_pdf(
    month: str, funeral_home: str, cases: list[dict[str, Any]], today: dt.date
) -> bytes:
    report = TableReport(
        title="惠民殡葬减免结算明细表",
        subtitle=f"{funeral_home} · {month[:4]}年{int(month[5:])}月 · {ISSUER}",
        columns=CASE_COLUMNS,
        rows=_lines(cases),
        footer=f"金额单位为元；更正行为本月作废的减免，以负数冲减。打印日期：{chinese_date(today)}。",
    )
    return await asyncio.to_thread(render_table_report, report)
