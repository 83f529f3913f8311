"""What a payroll run produced: its lines (paginated), the bank file and the PDF summary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from core import audit
from core.certificates.pdf import TableReport, render_table_report
from core.db import fetch, fetch_one
from core.exports import csv_bytes, csv_text
from core.identity import mask_id_number, mask_name
from core.pagination import page, page_params
from core.refusals import Refusal
from core.web.rendering import fen_to_yuan
from plugins.disability.rules import SUBSIDY_NAMES_ZH
from plugins.disability.services.payroll import find_run, run_summary, valid_month

CSV_BATCH = 2000
CSV_COLUMNS = (
    "line",
    "id_number",
    "name",
    "bank_account",
    "subsidy",
    "period_month",
    "amount_fen",
    "amount_yuan",
    "kind",
)
KIND_NAMES_ZH = {"regular": "", "difference": "（补发差额）"}

# The name and bank account come from the person's latest application (the beneficiary record).
_LINES = """
SELECT p.id, p.id_number, p.subsidy, p.period_month, p.amount_fen, p.kind,
       a.name, a.bank_account
FROM disability_payment p
JOIN disability_grant g ON g.id = p.grant_id
JOIN disability_application a ON a.id = g.application
WHERE p.run = {} AND p.id > {}
ORDER BY p.id LIMIT {}
"""


async def _run(month: str) -> dict[str, Any]:
    run = await find_run(valid_month(month))
    if run is None:
        raise Refusal.not_found(
            zh=f"{month}尚未发放", en=f"no payroll run for {month}", english_first=False
        )
    return run


async def run_with_lines(month: str, limit: int | None, offset: int | None) -> dict[str, Any]:
    """The run and one page of its lines (``?limit=`` ≤ 500, ``?offset=``), masked."""
    run = await _run(month)
    params = page_params(limit, offset)
    rows = await fetch(
        "SELECT p.id, p.id_number, p.subsidy, p.period_month, p.amount_fen, p.kind, a.name "
        "FROM disability_payment p JOIN disability_grant g ON g.id = p.grant_id "
        "JOIN disability_application a ON a.id = g.application "
        "WHERE p.run = {} ORDER BY p.id LIMIT {} OFFSET {}",
        run["id"],
        params.limit,
        params.offset,
    )
    lines = [
        {
            "id_number": mask_id_number(r["id_number"]),
            "name": mask_name(r["name"]),
            "subsidy": r["subsidy"],
            "period_month": r["period_month"],
            "amount_fen": int(r["amount_fen"]),
            "kind": r["kind"],
        }
        for r in rows
    ]
    count = await fetch_one(
        "SELECT COUNT(*) AS n FROM disability_payment WHERE run = {}", run["id"]
    )
    return {**run_summary(run), "lines": page(lines, int(count["n"]) if count else 0)}


async def bank_file(month: str) -> AsyncIterator[bytes]:
    """The bank file as CSV (UTF-8 with BOM, which Excel and the banks' tools expect), streamed
    in keyset batches so memory does not grow with the payroll. Full identity numbers: the
    bank matches accounts by them; the export is audited."""
    run = await _run(month)
    await audit.record(
        "disability.payroll.exported",
        entity="payroll",
        entity_id=month,
        summary=f"导出{month}两项补贴银行发放文件（{run['lines']}笔）",
    )

    async def rows() -> AsyncIterator[bytes]:
        yield csv_bytes([CSV_COLUMNS])
        after, number = 0, 0
        while batch := await fetch(_LINES, run["id"], after, CSV_BATCH):
            lines = []
            for r in batch:
                number += 1
                lines.append(
                    (
                        number,
                        r["id_number"],
                        r["name"],
                        r["bank_account"],
                        r["subsidy"],
                        r["period_month"],
                        int(r["amount_fen"]),
                        fen_to_yuan(int(r["amount_fen"])).replace(",", ""),
                        r["kind"],
                    )
                )
            after = int(batch[-1]["id"])
            yield csv_text(lines).encode()

    return rows()


async def summary_pdf(month: str) -> bytes:
    """One row per period month and subsidy (people, lines, amount), totals in the footer."""
    run = await _run(month)
    groups = await fetch(
        "SELECT period_month, subsidy, kind, COUNT(DISTINCT id_number) AS people, "
        "COUNT(*) AS lines, SUM(amount_fen) AS amount FROM disability_payment WHERE run = {} "
        "GROUP BY period_month, subsidy, kind ORDER BY kind DESC, period_month, subsidy",
        run["id"],
    )
    status = await fetch_one("SELECT status FROM disability_payroll_run WHERE id = {}", run["id"])
    rows = [
        [
            g["period_month"],
            SUBSIDY_NAMES_ZH[g["subsidy"]] + KIND_NAMES_ZH.get(g["kind"], ""),
            str(int(g["people"])),
            str(int(g["lines"])),
            fen_to_yuan(int(g["amount"])),
        ]
        for g in groups
    ]
    complete = status is not None and status["status"] == "complete"
    report = TableReport(
        title=f"残疾人两项补贴发放汇总表（{month}）",
        subtitle=(
            "江门市江海区民政局 · Disability subsidies payroll summary"
            + ("" if complete else " · 未完成 / NOT COMPLETE")
        ),
        columns=["所属月份 Period", "补贴 Subsidy", "人数 People", "笔数 Lines", "金额(元) Yuan"],
        rows=rows,
        footer=(
            f"合计 Total：{run['beneficiaries']} 人 people，{run['lines']} 笔 lines；"
            f"生活补贴 living {fen_to_yuan(int(run['living_fen']))} 元，"
            f"护理补贴 nursing {fen_to_yuan(int(run['nursing_fen']))} 元，"
            f"总计 total {fen_to_yuan(int(run['total_fen']))} 元"
            + (
                f"（其中补发差额 incl. differences {fen_to_yuan(int(run['difference_fen']))} 元）"
                if run["difference_fen"]
                else ""
            )
            + (
                "；部分月份按暂定标准发放 provisional standard"
                if run["provisional_standard"]
                else ""
            )
        ),
    )
    return render_table_report(report)
