"""Issuing, voiding and verifying certificates of every plugin.

A certificate number is ``PREFIX`` + 6-digit division + ``-YYYY-`` + 6-digit serial. The check
code in its QR URL is an HMAC of the number under the secret key, so a forged number or a
guessed URL does not verify. The certificate's content is stored so the same PDF can be drawn
again at any time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from core import audit
from core.db import json_value, write_transaction
from core.errors import NotFound
from core.identity import mask_name
from core.serials import next_serial
from core.settings import get_settings
from core.tables import Certificate

CHECK_LENGTH = 12


def format_number(prefix: str, division: str, year: int, serial: int) -> str:
    return f"{prefix}{division}-{year:04d}-{serial:06d}"


def check_code(number: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"cert:" + number.encode(), hashlib.sha256).hexdigest()[:CHECK_LENGTH]


def verify_url(number: str) -> str:
    return f"{get_settings().public_url}/verify/{quote(number)}?c={check_code(number)}"


@dataclass(frozen=True)
class IssuedCertificate:
    number: str
    verify_url: str
    issued_on: dt.date


async def issue_certificate(
    *,
    prefix: str,
    division: str,
    kind: str,
    plugin: str,
    title: str,
    issued_on: dt.date,
    holder_names: list[str],
    holder_ids: list[str],
    content: dict[str, Any],
) -> IssuedCertificate:
    """Number and store a certificate inside the caller's transaction."""
    async with write_transaction():
        serial = await next_serial(f"{prefix}{division}-{issued_on.year}")
        number = format_number(prefix, division, issued_on.year, serial)
        await Certificate.insert(
            Certificate(
                number=number,
                kind=kind,
                plugin=plugin,
                title=title,
                holder_names=holder_names,
                holder_ids=holder_ids,
                issued_on=issued_on,
                content=json.dumps(content, ensure_ascii=False, default=str),
            )
        )
        await audit.record(
            f"{plugin}.certificate.issued",
            entity="certificate",
            entity_id=number,
            summary=f"签发{title} {number}",
        )
    return IssuedCertificate(number, verify_url(number), issued_on)


async def void_certificate(number: str, reason: str, replaced_by: str | None = None) -> None:
    async with write_transaction():
        await Certificate.update(
            {
                Certificate.status: "void",
                Certificate.void_reason: reason[:200],
                Certificate.replaced_by: replaced_by,
            }
        ).where(Certificate.number == number)
        await audit.record(
            "core.certificate.voided",
            entity="certificate",
            entity_id=number,
            summary=f"作废证书 {number}：{reason}",
        )


async def get_certificate(number: str) -> dict[str, Any]:
    row = await Certificate.select().where(Certificate.number == number).first()
    if row is None:
        raise NotFound("No such certificate / 查无此证书")
    row["content"] = json_value(row["content"] or "{}")
    return row


@dataclass(frozen=True)
class Verification:
    valid: bool
    kind: str | None
    issued_on: dt.date | None
    holder_names_masked: list[str]
    number: str
    title: str | None = None


async def verify_certificate(number: str, check: str | None) -> Verification:
    """Valid only when the number exists, is not void and the check code matches."""
    # Compared as bytes: ``compare_digest`` refuses non-ASCII text, and ``c`` is anyone's input.
    genuine = bool(check) and hmac.compare_digest(
        str(check).encode("utf-8", "surrogatepass"), check_code(number).encode()
    )
    row = await Certificate.select().where(Certificate.number == number).first()
    if row is None or not genuine:
        return Verification(False, None, None, [], number)
    return Verification(
        valid=row["status"] == "valid",
        kind=row["kind"],
        issued_on=row["issued_on"],
        holder_names_masked=[mask_name(n) for n in row["holder_names"]],
        number=number,
        title=row["title"],
    )


async def certificate_pdf(number: str) -> bytes:
    """Draw the stored certificate with its plugin's template."""
    from core.plugins import get_host

    row = await get_certificate(number)
    template = get_host().certificate_templates.get(row["kind"])
    if template is None:
        raise NotFound("No template for this certificate kind / 无此证书模板")
    context = {
        **row["content"],
        "number": number,
        "verify_url": verify_url(number),
        "issued_on": row["issued_on"],
        "status": row["status"],
    }
    return template.render(context)
