"""Printing at the window: the certificate on the pre-printed booklet (套打) with the office
printer's calibration, the two forms the couple signs, and the admin's calibration (offsets and
a test-print grid). PDFs open in the browser's viewer and print from there."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from core import audit
from core.auth.guards import require_user
from core.certificates.service import get_certificate
from core.identity import birth_date_of, sex_of
from core.refusals import Refusal
from core.web.forms import N_, read_form
from core.web.redirects import redirect_after_form, redirect_refused
from plugins.marriage.certificates import NATIONALITY, SEX_LABELS
from plugins.marriage.printing import (
    render_booklet,
    render_calibration_grid,
    render_declaration,
    render_review_form,
)
from plugins.marriage.services.offices import get_office, set_printer_offsets
from plugins.marriage.services.registration import scoped_registration

REGISTER = {"permission": "marriage.register"}
OFFICES = {"permission": "marriage.offices.manage"}


def _pdf(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "content-disposition": f'inline; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


async def _scoped(request: Request, registration_id: int, what: str) -> dict[str, Any]:
    """The registration of the clerk's own office (others: 404); the print is audited."""
    row = await scoped_registration(require_user(request), registration_id)
    await audit.record(
        "marriage.registration.printed",
        entity="registration",
        entity_id=row["id"],
        summary=f"打印{what} {row['certificate_no']}",
    )
    return row


def _parties(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Both parties as the forms print them, the man first."""
    parties = []
    for side in ("a", "b"):
        number = row[f"party_{side}_id"]
        sex = sex_of(number)
        parties.append(
            {
                "role": "男方" if sex == "male" else "女方",
                "name": row[f"party_{side}_name"],
                "sex": SEX_LABELS[sex],
                "nationality": NATIONALITY,
                "birth_date": birth_date_of(number).isoformat(),
                "id_number": number,
                "hukou_division": row[f"party_{side}_hukou"],
            }
        )
    return sorted(parties, key=lambda p: p["role"] != "男方")


@get(
    "/workbench/registrations/{registration_id:int}/booklet.pdf",
    opt=REGISTER,
    include_in_schema=False,
)
async def booklet_pdf(request: Request, registration_id: int) -> Response:
    row = await _scoped(request, registration_id, "套打证书")
    office = await get_office(row["office_code"])
    certificate = await get_certificate(row["certificate_no"])
    body = render_booklet(
        row["kind"],
        certificate["content"],
        row["certificate_no"],
        offset_x_mm=office["printer_offset_x_mm"] or 0.0,
        offset_y_mm=office["printer_offset_y_mm"] or 0.0,
        when=row["created_at"],
    )
    return _pdf(body, f"booklet-{row['certificate_no']}.pdf")


@get(
    "/workbench/registrations/{registration_id:int}/declaration.pdf",
    opt=REGISTER,
    include_in_schema=False,
)
async def declaration_pdf(request: Request, registration_id: int) -> Response:
    row = await _scoped(request, registration_id, "申请结婚登记声明书")
    if row["kind"] != "marriage":
        raise Refusal.not_found(
            zh="仅结婚登记有此声明书", en="Only a marriage has this declaration"
        )
    body = render_declaration(row, _parties(row), row["created_at"])
    return _pdf(body, f"declaration-{row['certificate_no']}.pdf")


@get(
    "/workbench/registrations/{registration_id:int}/review.pdf",
    opt=REGISTER,
    include_in_schema=False,
)
async def review_pdf(request: Request, registration_id: int) -> Response:
    row = await _scoped(request, registration_id, "婚姻登记审查处理表")
    office = await get_office(row["office_code"])
    body = render_review_form(row, _parties(row), office, row["clerk"], row["created_at"])
    return _pdf(body, f"review-{row['certificate_no']}.pdf")


@get("/admin/offices/{code:str}/printer-test.pdf", opt=OFFICES, include_in_schema=False)
async def printer_test_pdf(code: str, kind: str = "marriage") -> Response:
    office = await get_office(code)
    body = render_calibration_grid(
        kind if kind in ("marriage", "divorce") else "marriage",
        offset_x_mm=office["printer_offset_x_mm"] or 0.0,
        offset_y_mm=office["printer_offset_y_mm"] or 0.0,
    )
    return _pdf(body, f"printer-test-{code}.pdf")


@post("/admin/offices/{code:str}/printer", opt=OFFICES, include_in_schema=False)
async def printer_offsets(request: Request, code: str) -> Response:
    form = await read_form(request)
    target = f"/marriage/admin/offices/{code}"
    try:
        try:
            x_mm = float(form.get("offset_x_mm") or 0)
            y_mm = float(form.get("offset_y_mm") or 0)
        except ValueError:
            raise Refusal(
                "INVALID_OFFSET",
                zh="偏移量应为毫米数，如 -1.5",
                en="offsets are millimetres, e.g. -1.5",
            ) from None
        await set_printer_offsets(code, x_mm, y_mm)
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        return redirect_refused(request, target, exc)
    return redirect_after_form(request, target, N_("The printer calibration is saved."))


ROUTES = [booklet_pdf, declaration_pdf, review_pdf, printer_test_pdf, printer_offsets]
