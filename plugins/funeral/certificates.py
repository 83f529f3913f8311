"""The waiver notice (惠民殡葬减免通知书): numbered, QR-verifiable, printed for the family and
the funeral home. Voiding the waiver voids the notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.certificates.pdf import CertificateDocument, Section, render_certificate
from core.certificates.service import issue_certificate
from core.contributions import CertificateTemplate
from core.settings import get_settings

KIND = "funeral_waiver"
PREFIX = "BZ"
TITLE = "惠民殡葬减免通知书"
ISSUER = "江门市江海区民政局"
STATUS_ZH = {"approved": "予以减免", "rejected": "不予减免"}


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


async def issue_notice(content: dict[str, Any], issued_on: dt.date) -> str:
    """Number and store the notice inside the caller's transaction; returns its number."""
    issued = await issue_certificate(
        prefix=PREFIX,
        division=get_settings().district_division,
        kind=KIND,
        plugin="funeral",
        title=TITLE,
        issued_on=issued_on,
        holder_names=[content["deceased_name"]],
        holder_ids=[content["deceased_id"]],
        content=content,
    )
    return issued.number


def render_notice(context: dict[str, Any]) -> bytes:
    """``context`` is the stored content plus the core's ``number``, ``verify_url``,
    ``issued_on`` and ``status`` (the certificate's: valid or void). Kept to one A4 page for
    all seven basic services."""
    deceased = [
        ("逝者 Deceased", f"{context['deceased_name']}　{context['deceased_id']}"),
        ("死亡日期 Date of death", str(context["died_on"])),
        ("殡仪馆 Funeral home", context["funeral_home"]),
        ("申请人 Applicant", f"{context['applicant_name']}（{context['applicant_relation']}）"),
    ]
    items = [
        (
            f"{line['name']}" + (f"（{line['units']}）" if line["units"] > 1 else ""),
            f"收费 {yuan(line['fee_fen'])} 元，减免 {yuan(line['waived_fen'])} 元，"
            f"自付 {yuan(line['family_pays_fen'])} 元",
        )
        for line in context["lines"]
    ]
    verdict = STATUS_ZH.get(context["decision"], context["decision"])
    if context.get("category_name"):
        verdict += f"（{context['category_name']}）"
    decision = [
        ("结论 Decision", verdict),
        (
            "金额 Amounts",
            f"减免 {yuan(context['waived_fen'])} 元；"
            f"家属自付 {yuan(context['fee_fen'] - context['waived_fen'])} 元",
        ),
    ]
    remarks = []
    if context.get("status") == "void":  # the certificate's status, set by the core
        remarks.append("本通知书已作废。")
    if context["decision"] != "approved":
        remarks.append(context["reasons"][0]["zh"])
    document = CertificateDocument(
        title=TITLE,
        title_en="Funeral Basic-Service Fee Waiver Notice",
        number=context["number"],
        sections=[
            Section("逝者信息 Deceased", deceased),
            Section("基本殡葬服务 Basic services", items),
            Section("减免结论 Decision", decision),
        ],
        issued_on=context["issued_on"],
        issuer=ISSUER,
        verify_url=context["verify_url"],
        remarks="".join(remarks) or None,
    )
    return render_certificate(document)


TEMPLATE = CertificateTemplate(KIND, TITLE, render_notice, "Funeral fee waiver notice")
