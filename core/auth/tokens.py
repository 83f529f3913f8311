"""Opaque bearer tokens and browser sessions.

The client holds 32 random bytes; the database holds only their SHA-256, the owner, the expiry
and the revocation time. Logging out revokes; so does deactivating the account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Literal

from core import audit
from core.auth.identity import CurrentUser
from core.db import fetch_one, is_sqlite, write_transaction
from core.settings import get_settings
from core.tables import AuthToken

TokenKind = Literal["api", "session"]


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def issue_token(account_id: int, kind: TokenKind) -> tuple[str, dt.datetime]:
    raw = secrets.token_urlsafe(32)
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=get_settings().token_ttl_hours)
    await AuthToken.insert(
        AuthToken(
            token_hash=token_digest(raw), account=account_id, kind=kind, expires_at=expires_at
        )
    )
    return raw, expires_at


async def revoke_token(raw: str) -> None:
    """Log out: revoke this token, audited in the same transaction."""
    async with write_transaction():
        rows = (
            await AuthToken.update({AuthToken.revoked_at: dt.datetime.now(dt.UTC)})
            .where((AuthToken.token_hash == token_digest(raw)) & AuthToken.revoked_at.is_null())
            .returning(AuthToken.account)
        )
        if rows:
            await audit.record(
                "core.logout", entity="account", entity_id=rows[0]["account"], summary="退出登录"
            )


async def revoke_all_for(account_id: int) -> None:
    await AuthToken.update({AuthToken.revoked_at: dt.datetime.now(dt.UTC)}).where(
        (AuthToken.account == account_id) & AuthToken.revoked_at.is_null()
    )


# Raw SQL: every authenticated request runs this; Piccolo's join builder cost ~1.5 ms a call.
_RESOLVE = (
    "SELECT t.expires_at, t.revoked_at, a.id, a.username, a.kind, {roles} AS roles, "
    "a.display_name, a.phone, a.office_code, a.org_uscc, a.active, a.created_at, a.verification "
    "FROM auth_token t JOIN account a ON a.id = t.account "
    "WHERE t.token_hash = {{}} AND t.kind = {{}}"
)
# On PostgreSQL as ``text[]``: asyncpg decodes that at once, but looks ``varchar[]`` up in the
# catalog on each new connection, ~10 ms of the server's CPU each (measured), which a pool
# growing under a morning's rush paid on the hottest query of all.
_RESOLVE_SQLITE = _RESOLVE.format(roles="a.roles")
_RESOLVE_POSTGRES = _RESOLVE.format(roles="CAST(a.roles AS text[])")


async def resolve_token(raw: str, kind: TokenKind) -> dict | None:
    """The active account row behind a live token of ``kind``, or None."""
    resolve = _RESOLVE_SQLITE if is_sqlite() else _RESOLVE_POSTGRES
    row = await fetch_one(resolve, token_digest(raw), kind)
    if row is None or row["revoked_at"] is not None:
        return None
    if row["expires_at"] <= dt.datetime.now(dt.UTC) or not row["active"]:
        return None
    return row


def csrf_token_for(raw_session: str) -> str:
    """The CSRF token of a browser session: an HMAC of it, so nothing extra is stored."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"csrf:" + raw_session.encode(), hashlib.sha256).hexdigest()


def user_from_row(row: dict, permissions: frozenset[str], *, via_session: bool) -> CurrentUser:
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        kind=row["kind"],
        roles=tuple(row["roles"] or ()),
        permissions=permissions,
        display_name=row.get("display_name") or "",
        office_code=row.get("office_code"),
        org_uscc=row.get("org_uscc"),
        via_session=via_session,
        verification=row.get("verification") or "unverified",
    )
