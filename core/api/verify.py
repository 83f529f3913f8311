"""Public certificate verification: JSON under /api/v1, HTML (or JSON on request) at /verify."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import Parameter

from core.api.schemas import CertificateCheckOut
from core.certificates.service import verify_certificate
from core.schemas import to_out


def verification_body(result: Any) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "kind": result.kind,
        "issued_on": result.issued_on,
        "holder_names_masked": result.holder_names_masked,
        "certificate_no": result.number,
        "title": result.title,
    }


@get("/verify/{certificate_no:str}", opt={"public": True}, tags=["certificates"])
async def verify_api(
    certificate_no: str, c: str | None = Parameter(default=None, max_length=64)
) -> CertificateCheckOut:
    return to_out(
        CertificateCheckOut, verification_body(await verify_certificate(certificate_no[:40], c))
    )


@get("/verify/{certificate_no:str}", opt={"public": True}, include_in_schema=False)
async def verify_page(
    request: Request, certificate_no: str, c: str | None = Parameter(default=None, max_length=64)
) -> Response:
    result = await verify_certificate(certificate_no[:40], c)
    body = verification_body(result)
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return Response(body)
    from core.web.rendering import render_page

    template = request.app.state.host.certificate_templates.get(result.kind)
    title_en = template.title_en if template else ""
    return await render_page(request, "verify.html", {"result": body, "title_en": title_en})


API_ROUTES = [verify_api]
PUBLIC_ROUTES = [verify_page]
