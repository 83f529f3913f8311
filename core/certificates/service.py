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
from core.db import fetch, is_sqlite, json_value, write_scope, write_transaction
from core.identity import mask_name
from core.refusals import Refusal
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


@dataclass
class IssuedCertificate:
    """A certificate issued; a ``late`` one gets its ``number`` at COMMIT."""

    number: str
    issued_on: dt.date

    @property
    def verify_url(self) -> str:
        return verify_url(self.number)


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
    number_into: tuple[str, str, int] | None = None,
    late: bool = False,
) -> IssuedCertificate:
    """Number and store a certificate inside the caller's transaction; ``number_into`` is a
    (table, column, row id) that gets the number too (the registration behind it).

    The gapless counter's row stays locked until COMMIT. With ``late`` (for a caller that
    does not need the number before its transaction ends, and in a ``write_transaction()``),
    on PostgreSQL the serial is taken, the certificate stored and ``number_into`` set in one
    statement just before COMMIT (``audit.chain_with``): the counter is then locked for that
    statement and the COMMIT only, and ``number`` is filled in then. Every issuer of one
    counter must use the same way (the early way locks the counter before the other rows its
    transaction writes, the late way after them); marriage registrations (``J``) are the one
    late issuer.
    """
    key = f"{prefix}{division}-{issued_on.year}"
    stored = json.dumps(content, ensure_ascii=False, default=str)
    fields = (kind, plugin, title, holder_names, holder_ids, issued_on, stored)
    async with write_transaction():
        scope = write_scope()
        # core.idempotency stores the answer inside the transaction: the number must be known.
        if late and not is_sqlite() and scope is not None and not scope.data.get("numbers_now"):
            issued = IssuedCertificate("", issued_on)

            async def numbered(number: str | None) -> None:
                if number is None:  # the counter's first use: its row did not exist
                    number = await _number_and_store(prefix, division, key, fields, number_into)
                issued.number = number

            cte, column = _late_statement(len(audit.pending_with()), number_into)
            args = [key, key + "-", *fields] + ([number_into[2]] if number_into else [])
            audit.chain_with(cte, args, column, numbered)
            await audit.record(
                f"{plugin}.certificate.issued",
                entity="certificate",
                entity_id=lambda: issued.number,
                summary=lambda: f"签发{title} {issued.number}",
            )
            return issued
        number = await _number_and_store(prefix, division, key, fields, number_into)
        await audit.record(
            f"{plugin}.certificate.issued",
            entity="certificate",
            entity_id=number,
            summary=f"签发{title} {number}",
        )
    return IssuedCertificate(number, issued_on)


async def _number_and_store(
    prefix: str,
    division: str,
    key: str,
    fields: tuple[Any, ...],
    number_into: tuple[str, str, int] | None,
) -> str:
    serial = await next_serial(key)
    number = format_number(prefix, division, int(key.rsplit("-", 1)[1]), serial)
    kind, plugin, title, holder_names, holder_ids, issued_on, stored = fields
    await Certificate.insert(
        Certificate(
            number=number,
            kind=kind,
            plugin=plugin,
            title=title,
            holder_names=holder_names,
            holder_ids=holder_ids,
            issued_on=issued_on,
            content=stored,
        )
    )
    if number_into is not None:
        table, column, row_id = number_into
        await fetch(
            f"UPDATE {table} SET {column} = {{}} WHERE id = {{}}",  # noqa: S608
            number,
            row_id,
        )
    return number


def _late_statement(index: int, number_into: tuple[str, str, int] | None) -> tuple[str, str]:
    """PostgreSQL: the common table expressions that take the next serial, store the
    certificate and set ``number_into``, and the expression of the new number (NULL when the
    counter has no row yet: then nothing is written)."""
    s, c, u = f"serial_{index}", f"certificate_{index}", f"number_into_{index}"
    number = f"{{}} || lpad({s}.value::text, greatest(6, length({s}.value::text)), '0')"
    cte = (
        f"{s} AS (UPDATE serial_counter SET value = value + 1 WHERE key = {{}} RETURNING value), "  # noqa: S608
        f"{c} AS (INSERT INTO certificate (number, kind, plugin, title, holder_names, holder_ids, "
        f"issued_on, content) SELECT {number}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}::json "
        f"FROM {s} RETURNING number)"
    )
    if number_into is not None:
        table, column, _ = number_into
        cte += f", {u} AS (UPDATE {table} SET {column} = {c}.number "  # noqa: S608
        cte += f"FROM {c} WHERE {table}.id = {{}})"
    return cte, f"(SELECT number FROM {c})"  # noqa: S608


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
        raise Refusal.not_found(zh="查无此证书", en="No such certificate")
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
        raise Refusal.not_found(zh="无此证书模板", en="No template for this certificate kind")
    context = {
        **row["content"],
        "number": number,
        "verify_url": verify_url(number),
        "issued_on": row["issued_on"],
        "status": row["status"],
    }
    return template.render(context)
