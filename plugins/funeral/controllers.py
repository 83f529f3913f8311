"""The funeral API (``/api/v1/funeral``, API.md "Funeral"): parse, call a service, shape."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post, put
from litestar.params import Parameter

from core import audit
from core.auth.guards import require_user
from core.certificates.service import certificate_pdf
from core.clock import today
from core.errors import NotFound
from core.pagination import page_params
from plugins.funeral.schemas import CorrectionIn, PolicyIn, PreviewIn, VoidIn, WaiverIn
from plugins.funeral.services import listing, records, settlements, statement
from plugins.funeral.services.amend import correct_waiver, void_waiver
from plugins.funeral.services.deciding import Actor
from plugins.funeral.services.policy import (
    policy_body,
    policy_on,
    policy_versions,
    save_policy,
)
from plugins.funeral.services.records import waiver_row
from plugins.funeral.services.waivers import preview_waiver, record_waiver

TAGS = ["funeral"]
CREATE = {"permission": "funeral.waiver.create"}
READ = {"permission": "funeral.waiver.read"}
AMEND = {"permission": "funeral.waiver.amend"}
SETTLE_READ = {"permission": "funeral.settlement.read"}
SETTLE_CONFIRM = {"permission": "funeral.settlement.confirm"}


def actor_of(request: Request) -> Actor:
    user = require_user(request)
    return Actor(user.username, user.office_code)


def download(content: bytes, media_type: str, filename: str, ascii_name: str) -> Response:
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@get("/policy", opt={"public": True}, tags=TAGS)
async def read_policy(on: dt.date | None = None) -> dict[str, Any]:
    """The waiver policy in force today, or ``on`` a given day (a day of death): the defaults of
    DOMAIN.md (粤民发〔2015〕37号) until an admin saves a version."""
    return policy_body(await policy_on(on or await today()))


@get("/policy/versions", opt={"public": True}, tags=TAGS)
async def read_policy_versions() -> list[dict[str, Any]]:
    """Every saved version, the earliest in force first (the defaults apply before them)."""
    return [policy_body(stored) for stored in await policy_versions()]


@put("/policy", opt={"permission": "funeral.policy.write"}, tags=TAGS)
async def write_policy(data: PolicyIn) -> dict[str, Any]:
    """A new policy version, effective from ``effective_from`` (default today); it applies to
    deaths on or after that day, and waivers already decided keep theirs."""
    return policy_body(await save_policy(data, await today()))


@post("/waivers/preview", opt=CREATE, status_code=200, tags=TAGS)
async def preview(data: PreviewIn) -> dict[str, Any]:
    """The person, their roster entries and the decision, without saving anything."""
    return await preview_waiver(data, await today())


@post("/waivers", opt={**CREATE, "idempotent": True}, status_code=201, tags=TAGS)
async def create_waiver(request: Request, data: WaiverIn) -> dict[str, Any]:
    return await record_waiver(data, today=await today(), actor=actor_of(request))


@get("/waivers", opt=READ, tags=TAGS)
async def waivers(
    month: str | None = None,
    funeral_home: str | None = None,
    status: str | None = Parameter(default=None, pattern="^(approved|rejected|voided)$"),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> dict[str, Any]:
    """Paginated, newest first, personal data masked; ``month`` is the month recorded."""
    return await listing.list_waivers(
        page_params(limit, offset), month=month, funeral_home=funeral_home, status=status
    )


@get("/waivers/{waiver_id:int}", opt=READ, tags=TAGS)
async def read_waiver(waiver_id: int) -> dict[str, Any]:
    """The full record (identity number, applicant); the read is audited."""
    return await records.read_waiver(waiver_id)


@get("/waivers/{waiver_id:int}/notice", opt=READ, tags=TAGS)
async def waiver_notice(waiver_id: int) -> Response:
    """The waiver notice PDF (marked void once the waiver is voided)."""
    row = await waiver_row(waiver_id)
    if not row["notice_no"]:
        raise NotFound("No notice for this waiver / 该记录无通知书")
    pdf = await certificate_pdf(row["notice_no"])
    await audit.record(
        "funeral.waiver.notice_printed",
        entity="funeral_waiver",
        entity_id=waiver_id,
        summary=f"打印惠民殡葬减免通知书 {row['notice_no']}",
    )
    return download(pdf, "application/pdf", f"{row['notice_no']}.pdf", f"{row['notice_no']}.pdf")


@post("/waivers/{waiver_id:int}/void", opt=AMEND, status_code=200, tags=TAGS)
async def void(request: Request, waiver_id: int, data: VoidIn) -> dict[str, Any]:
    return await void_waiver(waiver_id, data.reason, today=await today(), actor=actor_of(request))


@post(
    "/waivers/{waiver_id:int}/correct",
    opt={**AMEND, "idempotent": True},
    status_code=201,
    tags=TAGS,
)
async def correct(request: Request, waiver_id: int, data: CorrectionIn) -> dict[str, Any]:
    """Voids the waiver and records the corrected one (the new record is returned)."""
    return await correct_waiver(
        waiver_id, data, data.reason, today=await today(), actor=actor_of(request)
    )


@get("/funeral-homes", opt=READ, tags=TAGS)
async def funeral_homes() -> list[str]:
    return await listing.funeral_homes()


@get("/settlements/{month:str}", opt=SETTLE_READ, tags=TAGS)
async def settlement(month: str) -> list[dict[str, Any]]:
    """One row per funeral home: ``cases``/``waived_fen`` net of corrections, which are also
    given apart (``waiver_*``, ``correction_*``)."""
    rows, confirmed = await settlements.settlement_rows(month)
    return [{**row, "month": month, "settled": confirmed is not None} for row in rows]


@get("/settlements/{month:str}/csv", opt=SETTLE_READ, tags=TAGS)
async def settlement_csv(month: str) -> Response:
    rows, _ = await settlements.settlement_rows(month)
    return download(
        settlements.settlement_csv(month, rows),
        "text/csv",
        f"殡葬减免结算-{month}.csv",
        f"funeral-settlement-{month}.csv",
    )


@get("/settlements/{month:str}/pdf", opt=SETTLE_READ, tags=TAGS)
async def settlement_pdf(month: str) -> Response:
    rows, confirmed = await settlements.settlement_rows(month)
    pdf = await settlements.settlement_pdf(month, rows, confirmed, await today())
    return download(
        pdf, "application/pdf", f"殡葬减免结算-{month}.pdf", f"funeral-settlement-{month}.pdf"
    )


@get("/settlements/{month:str}/cases", opt=SETTLE_READ, tags=TAGS)
async def settlement_cases(month: str, funeral_home: str) -> list[dict[str, Any]]:
    """One home's statement case by case (masked): the month's waivers, and voids as negative
    lines; the amounts add up to that home's settlement row."""
    return await statement.statement_cases(month, funeral_home)


@get("/settlements/{month:str}/cases/csv", opt=SETTLE_READ, tags=TAGS)
async def settlement_cases_csv(month: str, funeral_home: str) -> Response:
    cases = await statement.statement_cases(month, funeral_home)
    return download(
        statement.statement_csv(cases),
        "text/csv",
        f"殡葬减免结算明细-{funeral_home}-{month}.csv",
        f"funeral-statement-{month}.csv",
    )


@get("/settlements/{month:str}/cases/pdf", opt=SETTLE_READ, tags=TAGS)
async def settlement_cases_pdf(month: str, funeral_home: str) -> Response:
    cases = await statement.statement_cases(month, funeral_home)
    pdf = await statement.statement_pdf(month, funeral_home.strip(), cases, await today())
    return download(
        pdf,
        "application/pdf",
        f"殡葬减免结算明细-{funeral_home}-{month}.pdf",
        f"funeral-statement-{month}.pdf",
    )


@get("/settlements/{month:str}/confirmation", opt=SETTLE_READ, tags=TAGS)
async def settlement_confirmation(month: str) -> dict[str, Any]:
    settlements.month_bounds(month)
    return settlements.confirmation_body(month, await settlements.confirmation(month))


@post("/settlements/{month:str}/confirm", opt=SETTLE_CONFIRM, status_code=201, tags=TAGS)
async def confirm_settlement(month: str) -> dict[str, Any]:
    """Freeze a month that is over (reviewer); it never changes afterwards."""
    return await settlements.confirm_settlement(month, await today())


ROUTES = [
    read_policy,
    read_policy_versions,
    write_policy,
    preview,
    create_waiver,
    waivers,
    read_waiver,
    waiver_notice,
    void,
    correct,
    funeral_homes,
    settlement,
    settlement_csv,
    settlement_pdf,
    settlement_cases,
    settlement_cases_csv,
    settlement_cases_pdf,
    settlement_confirmation,
    confirm_settlement,
]
