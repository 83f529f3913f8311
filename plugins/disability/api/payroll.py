"""The monthly payroll: run, read with its lines, the bank CSV and the PDF summary."""

from __future__ import annotations

from litestar import Response, get, post
from litestar.params import Parameter
from litestar.response import Stream

from core.pagination import Page, page, page_params
from core.schemas import to_out
from plugins.disability.schemas import PayrollRunOut, PayrollRunWithLinesOut
from plugins.disability.services.payroll import list_runs, run_payroll
from plugins.disability.services.payroll_report import bank_file, run_with_lines, summary_pdf

TAGS = ["disability"]
PAYROLL = {"permission": "disability.payroll"}


@get("/payroll", opt=PAYROLL, tags=TAGS)
async def runs(
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[PayrollRunOut]:
    params = page_params(limit, offset)
    items, total = await list_runs(params.limit, params.offset)
    return to_out(Page[PayrollRunOut], page(items, total))


# The run commits in batches of its own and is idempotent by month: its answer is stored after it.
@post("/payroll/{month:str}", opt={**PAYROLL, "idempotent": "after"}, status_code=200, tags=TAGS)
async def run(month: str) -> PayrollRunOut:
    """Run the month; running it again returns the same run and pays nobody twice."""
    return to_out(PayrollRunOut, await run_payroll(month))


@get("/payroll/{month:str}", opt=PAYROLL, tags=TAGS)
async def read(
    month: str,
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> PayrollRunWithLinesOut:
    """The run's totals and one page of its lines (``lines: {items, total}``; ``?limit=``
    default 50, max 500, ``?offset=``), identity numbers masked. The full list is the CSV."""
    return to_out(PayrollRunWithLinesOut, await run_with_lines(month, limit, offset))


@get("/payroll/{month:str}/csv", opt=PAYROLL, tags=TAGS, media_type="text/csv")
async def csv_file(month: str) -> Stream:
    """The bank file: one row per line, full identity numbers (the export is audited)."""
    return Stream(
        await bank_file(month),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="disability-payroll-{month}.csv"'},
    )


@get("/payroll/{month:str}/pdf", opt=PAYROLL, tags=TAGS, media_type="application/pdf")
async def pdf_summary(month: str) -> Response[bytes]:
    return Response(
        await summary_pdf(month),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="disability-payroll-{month}.pdf"'},
    )


ROUTES = [runs, run, read, csv_file, pdf_summary]
