"""The grade certificate (社会组织评估等级证书) for 3A and above, drawn from its stored content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.certificates.pdf import CertificateDocument, Section, chinese_date, render_certificate
from core.certificates.service import issue_certificate
from core.contributions import CertificateTemplate
from core.settings import get_settings
from plugins.social_orgs.rules import KIND_LABELS

KIND = "org_grade"
TITLE = "社会组织评估等级证书"
PREFIX = "PG"
ISSUER = "江门市江海区民政局"


async def issue_grade_certificate(
    org: dict[str, Any],
    grade: str,
    year: int,
    valid_from: dt.date,
    valid_until: dt.date,
    issued_on: dt.date,
) -> str:
    """Number and store the certificate inside the caller's transaction; returns its number."""
    issued = await issue_certificate(
        prefix=PREFIX,
        division=get_settings().district_division,
        kind=KIND,
        plugin="social_orgs",
        title=TITLE,
        issued_on=issued_on,
        holder_names=[org["name"]],
        holder_ids=[org["uscc"]],
        content={
            "org_name": org["name"],
            "uscc": org["uscc"],
            "kind_label": KIND_LABELS[org["kind"]],
            "grade": grade,
            "year": year,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return issued.number


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def render_grade_certificate(content: dict[str, Any]) -> bytes:
    """``content`` is what the announcement stored, plus ``number``, ``verify_url``,
    ``issued_on`` and ``status`` added by the core."""
    start, end = _date(content["valid_from"]), _date(content["valid_until"])
    valid = f"{chinese_date(start)}至{chinese_date(end)}"
    rows = [
        ("组织名称 Name", content["org_name"]),
        ("统一社会信用代码 USCC", content["uscc"]),
        ("组织类型 Kind", content["kind_label"]),
        ("评估等级 Grade", f"{content['grade']}级（{content['grade']}）"),
        ("评估年度 Evaluation year", f"{content['year']}年度"),
        ("有效期 Valid", valid),
    ]
    remarks = None
    if content.get("status") == "void":
        remarks = "本证书已作废 / This certificate is void."
    return render_certificate(
        CertificateDocument(
            title=TITLE,
            title_en="Social Organization Evaluation Grade Certificate",
            number=content["number"],
            sections=[Section(None, rows)],
            issued_on=_date(content["issued_on"]),
            issuer=ISSUER,
            verify_url=content["verify_url"],
            remarks=remarks,
        )
    )


TEMPLATES = [
    CertificateTemplate(KIND, TITLE, render_grade_certificate, "Evaluation grade certificate")
]
