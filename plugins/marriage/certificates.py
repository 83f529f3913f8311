"""How marriage and divorce certificates (结婚证, 离婚证) are drawn from their stored content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.certificates.pdf import CertificateDocument, Section, chinese_date, render_certificate
from core.certificates.service import IssuedCertificate, issue_certificate
from core.contributions import CertificateTemplate
from core.identity import birth_date_of, sex_of
from plugins.marriage.rules.certificate_numbers import REGISTRATION_PREFIX

NATIONALITY = "中国"
SEX_LABELS = {"male": "男", "female": "女"}
TITLES = {
    "marriage": ("结婚证", "Marriage Certificate"),
    "divorce": ("离婚证", "Divorce Certificate"),
}
STANDARD_REMARKS = {
    "marriage": (
        "男女双方自愿结婚，经审查符合《中华人民共和国民法典》关于结婚的规定，予以登记，发给此证。"
    ),
    "divorce": (
        "男女双方自愿离婚，经审查符合《中华人民共和国民法典》关于离婚的规定，准予登记，发给此证。"
    ),
}


async def issue_registration_certificate(
    kind: str,
    office: dict[str, Any],
    day: dt.date,
    parties: list[tuple[str, str]],
    number_into: tuple[str, str, int] | None = None,
    late: bool = False,
) -> IssuedCertificate:
    """The 结婚证 (J) or 离婚证 (L) of a registration on ``day`` at ``office``, numbered inside
    the caller's transaction; ``parties`` are (name, identity number); ``number_into`` as
    ``issue_certificate``'s, and so is ``late`` (only marriage registrations, ``J``: one
    counter, one way of taking it)."""
    return await issue_certificate(
        prefix=REGISTRATION_PREFIX[kind],
        division=office["division_code"],
        kind=kind,
        plugin="marriage",
        title=TITLES[kind][0],
        issued_on=day,
        holder_names=[name for name, _ in parties],
        holder_ids=[number for _, number in parties],
        content=certificate_content(
            kind,
            parties=[party_content(name, number) for name, number in parties],
            registered_on=day,
            registry=office["name"],
            registry_division=office["division_code"],
        ),
        number_into=number_into,
        late=late,
    )


def party_content(name: str, id_number: str) -> dict[str, str]:
    """What the certificate says about one party; sex and birth date come from the number."""
    sex = sex_of(id_number)
    return {
        "role": "男方" if sex == "male" else "女方",
        "name": name,
        "sex": SEX_LABELS[sex],
        "nationality": NATIONALITY,
        "birth_date": birth_date_of(id_number).isoformat(),
        "id_number": id_number,
    }


def certificate_content(
    kind: str,
    *,
    parties: list[dict[str, Any]],
    registered_on: dt.date,
    registry: str,
    registry_division: str,
    registration_id: int | None = None,
    remarks: str = "",
) -> dict[str, Any]:
    """The stored content: parties are ``party_content`` dicts, the man first as on the booklet."""
    ordered = sorted(parties, key=lambda p: p["role"] != "男方")
    return {
        "kind": kind,
        "holder": "、".join(p["name"] for p in ordered),
        "registered_on": registered_on.isoformat(),
        "registry": registry,
        "registry_division": registry_division,
        "parties": ordered,
        "registration_id": registration_id,
        "remarks": remarks or STANDARD_REMARKS[kind],
    }


def _document(context: dict[str, Any]) -> CertificateDocument:
    title, title_en = TITLES[context["kind"]]
    registered_on = dt.date.fromisoformat(str(context["registered_on"]))
    issued_on = context["issued_on"]
    if isinstance(issued_on, str):
        issued_on = dt.date.fromisoformat(issued_on)
    sections = [
        Section(
            "登记信息 Registration",
            [
                ("持证人 Holder", context["holder"]),
                ("登记日期 Date of registration", chinese_date(registered_on)),
                ("登记机关 Registry", context["registry"]),
            ],
        )
    ]
    for party in context["parties"]:
        role_en = "Man" if party["role"] == "男方" else "Woman"
        sections.append(
            Section(
                f"{party['role']} {role_en}",
                [
                    ("姓名 Name", party["name"]),
                    ("性别 / 国籍 Sex / Nationality", f"{party['sex']} / {party['nationality']}"),
                    (
                        "出生日期 Date of birth",
                        chinese_date(dt.date.fromisoformat(party["birth_date"])),
                    ),
                    ("身份证件号 Identity number", party["id_number"]),
                ],
            )
        )
    if context.get("status") == "void":
        sections.append(Section("状态 Status", [("本证已作废 Void", context.get("number", ""))]))
    return CertificateDocument(
        title=title,
        title_en=title_en,
        number=context["number"],
        sections=sections,
        issued_on=issued_on,
        issuer=context.get("issuer") or context["registry"],
        verify_url=context["verify_url"],
        remarks=context["remarks"],
    )


def render(context: dict[str, Any]) -> bytes:
    return render_certificate(_document(context))


TEMPLATES = [
    CertificateTemplate("marriage", "结婚证", render, "Marriage certificate"),
    CertificateTemplate("divorce", "离婚证", render, "Divorce certificate"),
]
