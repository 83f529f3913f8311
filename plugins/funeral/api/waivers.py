"""Waivers: preview, record, list, read, notice, void and correct (API.md "Funeral")."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import Parameter

from core import audit
from core.certificates.service import certificate_pdf
from core.clock import today
from core.pagination import Page, page_params
from core.refusals import Refusal
from core.schemas import to_out
from plugins.funeral.api.common import AMEND, CREATE, PDF, READ, TAGS, actor_of, download
from plugins.funeral.schemas import (
    CorrectionIn,
    PreviewIn,
    VoidIn,
    WaiverIn,
    WaiverOut,
    WaiverPreviewOut,
    WaiverSummaryOut,
)
from plugins.funeral.services import listing, records
from plugins.funeral.services.amend import correct_waiver, void_waiver
from plugins.funeral.services.records import waiver_row
from plugins.funeral.services.waivers import preview_waiver, record_waiver


@post("/waivers/preview", opt=CREATE, status_code=200, tags=TAGS)
async def preview(data: PreviewIn) -> WaiverPreviewOut:
    """The person, their roster entries and the decision, without saving anything."""
    return to_out(WaiverPreviewOut, await preview_waiver(data, await today()))


@post("/waivers", opt={**CREATE, "idempotent": True}, status_code=201, tags=TAGS)
async def create_waiver(request: Request, data: WaiverIn) -> WaiverOut:
    body = await record_waiver(data, today=await today(), actor=actor_of(request))
    return to_out(WaiverOut, body)


@get("/waivers", opt=READ, tags=TAGS)
async def waivers(
    month: str | None = None,
    funeral_home: str | None = None,
    status: str | None = Parameter(default=None, pattern="^(approved|rejected|voided)$"),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[WaiverSummaryOut]:
    """Paginated, newest first, personal data masked; ``month`` is the month recorded."""
    found = await listing.list_waivers(
        page_params(limit, offset), month=month, funeral_home=funeral_home, status=status
    )
    return to_out(Page[WaiverSummaryOut], found)


@get("/waivers/{waiver_id:int}", opt=READ, tags=TAGS)
async def read_waiver(waiver_id: int) -> WaiverOut:
    """The full record (identity number, applicant); the read is audited."""
    return to_out(WaiverOut, await records.read_waiver(waiver_id))


@get("/waivers/{waiver_id:int}/notice", opt=READ, tags=TAGS, media_type=PDF)
async def waiver_notice(waiver_id: int) -> Response[bytes]:
    """The waiver notice PDF (marked void once the waiver is voided)."""
    row = await waiver_row(waiver_id)
    if not row["notice_no"]:
        raise Refusal.not_found(zh="该记录无通知书", en="No notice for this waiver")
    pdf = await certificate_pdf(row["notice_no"])
    await audit.record(
        "funeral.waiver.notice_printed",
        entity="funeral_waiver",
        entity_id=waiver_id,
        summary=f"打印惠民殡葬减免通知书 {row['notice_no']}",
    )
    return download(pdf, PDF, f"{row['notice_no']}.pdf", f"{row['notice_no']}.pdf")


@post("/waivers/{waiver_id:int}/void", opt=AMEND, status_code=200, tags=TAGS)
async def void(request: Request, waiver_id: int, data: VoidIn) -> WaiverOut:
    body = await void_waiver(waiver_id, data.reason, today=await today(), actor=actor_of(request))
    return to_out(WaiverOut, body)


@post(
    "/waivers/{waiver_id:int}/correct",
    opt={**AMEND, "idempotent": True},
    status_code=201,
    tags=TAGS,
)
async def correct(request: Request, waiver_id: int, data: CorrectionIn) -> WaiverOut:
    """Voids the waiver and records the corrected one (the new record is returned)."""
    body = await correct_waiver(
        waiver_id, data, data.reason, today=await today(), actor=actor_of(request)
    )
    return to_out(WaiverOut, body)


@get("/funeral-homes", opt=READ, tags=TAGS)
async def funeral_homes() -> list[str]:
    return await listing.funeral_homes()


ROUTES = [preview, create_waiver, waivers, read_waiver, waiver_notice, void, correct, funeral_homes]
