"""Monthly settlements with funeral homes: figures, CSV/PDF, cases, confirmation."""

from __future__ import annotations

from litestar import Response, get, post

from core.clock import today
from core.schemas import to_out
from plugins.funeral.api.common import CSV, PDF, SETTLE_CONFIRM, SETTLE_READ, TAGS, download
from plugins.funeral.schemas import SettlementConfirmationOut, SettlementRowOut, StatementCaseOut
from plugins.funeral.services import settlements, statement


@get("/settlements/{month:str}", opt=SETTLE_READ, tags=TAGS)
async def settlement(month: str) -> list[SettlementRowOut]:
    """One row per funeral home: ``cases``/``waived_fen`` net of corrections, which are also
    given apart (``waiver_*``, ``correction_*``)."""
    rows, confirmed = await settlements.settlement_rows(month)
    return to_out(
        list[SettlementRowOut],
        [{**row, "month": month, "settled": confirmed is not None} for row in rows],
    )


@get("/settlements/{month:str}/csv", opt=SETTLE_READ, tags=TAGS, media_type=CSV)
async def settlement_csv(month: str) -> Response[bytes]:
    rows, _ = await settlements.settlement_rows(month)
    return download(
        settlements.settlement_csv(month, rows),
        CSV,
        f"殡葬减免结算-{month}.csv",
        f"funeral-settlement-{month}.csv",
    )


@get("/settlements/{month:str}/pdf", opt=SETTLE_READ, tags=TAGS, media_type=PDF)
async def settlement_pdf(month: str) -> Response[bytes]:
    rows, confirmed = await settlements.settlement_rows(month)
    pdf = await settlements.settlement_pdf(month, rows, confirmed, await today())
    return download(pdf, PDF, f"殡葬减免结算-{month}.pdf", f"funeral-settlement-{month}.pdf")


@get("/settlements/{month:str}/cases", opt=SETTLE_READ, tags=TAGS)
async def settlement_cases(month: str, funeral_home: str) -> list[StatementCaseOut]:
    """One home's statement case by case (masked): the month's waivers, and voids as negative
    lines; the amounts add up to that home's settlement row."""
    return to_out(list[StatementCaseOut], await statement.statement_cases(month, funeral_home))


@get("/settlements/{month:str}/cases/csv", opt=SETTLE_READ, tags=TAGS, media_type=CSV)
async def settlement_cases_csv(month: str, funeral_home: str) -> Response[bytes]:
    cases = await statement.statement_cases(month, funeral_home)
    return download(
        statement.statement_csv(cases),
        CSV,
        f"殡葬减免结算明细-{funeral_home}-{month}.csv",
        f"funeral-statement-{month}.csv",
    )


@get("/settlements/{month:str}/cases/pdf", opt=SETTLE_READ, tags=TAGS, media_type=PDF)
async def settlement_cases_pdf(month: str, funeral_home: str) -> Response[bytes]:
    cases = await statement.statement_cases(month, funeral_home)
    pdf = await statement.statement_pdf(month, funeral_home.strip(), cases, await today())
    return download(
        pdf,
        PDF,
        f"殡葬减免结算明细-{funeral_home}-{month}.pdf",
        f"funeral-statement-{month}.pdf",
    )


@get("/settlements/{month:str}/confirmation", opt=SETTLE_READ, tags=TAGS)
async def settlement_confirmation(month: str) -> SettlementConfirmationOut:
    settlements.month_bounds(month)
    body = settlements.confirmation_body(month, await settlements.confirmation(month))
    return to_out(SettlementConfirmationOut, body)


@post("/settlements/{month:str}/confirm", opt=SETTLE_CONFIRM, status_code=201, tags=TAGS)
async def confirm_settlement(month: str) -> SettlementConfirmationOut:
    """Freeze a month that is over (reviewer); it never changes afterwards."""
    body = await settlements.confirm_settlement(month, await today())
    return to_out(SettlementConfirmationOut, body)


ROUTES = [
    settlement,
    settlement_csv,
    settlement_pdf,
    settlement_cases,
    settlement_cases_csv,
    settlement_cases_pdf,
    settlement_confirmation,
    confirm_settlement,
]
