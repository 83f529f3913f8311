"""Monthly settlement per funeral home: JSON rows, the CSV for Excel, the PDF statement.

Each home's row nets the month's approved waivers against the corrections (waivers of any month
voided in this one), so the row is what the bureau pays. A month a reviewer confirmed is read
from its frozen copy; waivers are dated the day they are recorded or voided, and nothing may be
dated into a confirmed month, so the two never differ.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from core import audit
from core.certificates.pdf import TableReport, chinese_date, render_table_report
from core.context import current_actor
from core.db import is_unique_violation, json_value, write_transaction
from core.exports import csv_bytes
from core.refusals import Refusal
from plugins.funeral.certificates import ISSUER, yuan
from plugins.funeral.rules import WaiverRecord, month_of, settlement
from plugins.funeral.tables import FuneralSettlement, FuneralWaiver

CSV_COLUMNS = (
    "结算月份",
    "殡仪馆",
    "当月减免宗数",
    "当月减免金额（元）",
    "更正宗数",
    "更正金额（元）",
    "应结算宗数",
    "应结算金额（元）",
)

NUMBERS = (
    "waiver_cases",
    "waiver_fen",
    "correction_cases",
    "correction_fen",
    "cases",
    "waived_fen",
)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-MM``, or 422 ``INVALID_MONTH``."""
    settlement([], month)  # the rule's own check of the month's format
    first = dt.date(int(month[:4]), int(month[5:]), 1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


async def month_records(month: str) -> list[WaiverRecord]:
    """Approved waivers recorded or voided within ``month``: all its settlement depends on."""
    first, last = month_bounds(month)
    rows = await FuneralWaiver.select(
        FuneralWaiver.funeral_home,
        FuneralWaiver.recorded_on,
        FuneralWaiver.status,
        FuneralWaiver.category,
        FuneralWaiver.waived_fen,
        FuneralWaiver.voided_on,
    ).where(
        (FuneralWaiver.status == "approved")
        & (
            ((FuneralWaiver.recorded_on >= first) & (FuneralWaiver.recorded_on <= last))
            | ((FuneralWaiver.voided_on >= first) & (FuneralWaiver.voided_on <= last))
        )
    )
    return [WaiverRecord(**row) for row in rows]


def rows_of(records: list[WaiverRecord], month: str) -> list[dict[str, Any]]:
    """One row per funeral home: the contract's ``cases``/``waived_fen`` are the net claim; the
    month's own waivers and the corrections are given apart."""
    homes: dict[str, dict[str, Any]] = {}
    for line in settlement(records, month):
        row = homes.setdefault(
            line.funeral_home,
            {
                "funeral_home": line.funeral_home,
                "cases": 0,
                "waived_fen": 0,
                "waiver_cases": 0,
                "waiver_fen": 0,
                "correction_cases": 0,
                "correction_fen": 0,
            },
        )
        prefix = "waiver" if line.kind == "waivers" else "correction"
        row[f"{prefix}_cases"] += line.cases
        row[f"{prefix}_fen"] += line.waived_fen
        row["cases"] += line.cases
        row["waived_fen"] += line.waived_fen
    return list(homes.values())


async def confirmation(month: str) -> dict[str, Any] | None:
    return await FuneralSettlement.select().where(FuneralSettlement.month == month).first()


async def settlement_rows(month: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The month's rows (frozen ones if confirmed) and the confirmation, if any."""
    month_bounds(month)
    confirmed = await confirmation(month)
    if confirmed is not None:
        return json_value(confirmed["lines"]), confirmed
    return rows_of(await month_records(month), month), None


async def confirm_settlement(month: str, today: dt.date) -> dict[str, Any]:
    """Freeze a month that is over; 409 ``ALREADY_SETTLED`` the second time."""
    month_bounds(month)
    if month >= month_of(today):
        raise Refusal(
            "MONTH_NOT_OVER", zh=f"{month} 尚未结束，不能结算", en="the month is not over yet"
        )
    try:
        async with write_transaction():
            if await confirmation(month) is not None:
                raise Refusal(
                    "ALREADY_SETTLED",
                    zh=f"{month} 已结算",
                    en="month already settled",
                    kind="conflict",
                )
            rows = rows_of(await month_records(month), month)
            await FuneralSettlement.insert(
                FuneralSettlement(
                    month=month,
                    lines=json.dumps(rows, ensure_ascii=False),
                    confirmed_by=current_actor.get(),
                )
            )
            await audit.record(
                "funeral.settlement.confirmed",
                entity="funeral_settlement",
                entity_id=month,
                summary=(
                    f"确认 {month} 殡葬减免结算：{sum(r['cases'] for r in rows)} 宗，"
                    f"{yuan(sum(r['waived_fen'] for r in rows))} 元"
                ),
                details={"rows": rows},
            )
    except Exception as exc:
        if is_unique_violation(exc):
            raise Refusal(
                "ALREADY_SETTLED", zh=f"{month} 已结算", en="month already settled", kind="conflict"
            ) from None
        raise
    return confirmation_body(month, await confirmation(month))


def confirmation_body(month: str, confirmed: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "month": month,
        "settled": confirmed is not None,
        "confirmed_by": confirmed["confirmed_by"] if confirmed else None,
        "confirmed_at": confirmed["confirmed_at"] if confirmed else None,
    }


def _table(month: str, rows: list[dict[str, Any]]) -> list[list[str]]:
    def money(fen: int) -> str:
        return f"{fen / 100:.2f}"

    lines = [
        [
            month,
            r["funeral_home"],
            str(r["waiver_cases"]),
            money(r["waiver_fen"]),
            str(r["correction_cases"]),
            money(r["correction_fen"]),
            str(r["cases"]),
            money(r["waived_fen"]),
        ]
        for r in rows
    ]
    totals = [sum(r[key] for r in rows) for key in NUMBERS]
    lines.append(
        [
            month,
            "合计",
            str(totals[0]),
            money(totals[1]),
            str(totals[2]),
            money(totals[3]),
            str(totals[4]),
            money(totals[5]),
        ]
    )
    return lines


def settlement_csv(month: str, rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the Chinese correctly), CRLF lines."""
    return csv_bytes([CSV_COLUMNS, *_table(month, rows)])


async def settlement_pdf(
    month: str, rows: list[dict[str, Any]], confirmed: dict[str, Any] | None, today: dt.date
) -> bytes:
    status = (
        f"已于 {chinese_date(confirmed['confirmed_at'].date())} 确认结算"
        if confirmed
        else "未确认（数据截至打印日）"
    )
    report = TableReport(
        title="惠民殡葬基本服务费减免结算表",
        subtitle=f"{month[:4]}年{int(month[5:])}月 · {ISSUER} · {status}",
        columns=CSV_COLUMNS[1:],
        rows=[line[1:] for line in _table(month, rows)],
        footer=(
            "说明：金额单位为元。更正为本月作废的减免（含以前月份已结算的减免），以负数冲减，"
            f"不改动原结算月份。打印日期：{chinese_date(today)}。"
        ),
    )
    return await asyncio.to_thread(render_table_report, report)
