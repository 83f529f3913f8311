"""Citizen verification levels (核验等级) and one-time codes.

A citizen account is ``unverified`` when signed up, ``phone`` once the 6-digit code sent to its
phone came back, ``identity`` once a clerk saw the identity card at a window or the province's
identity provider vouched for it. Records about the person need ``identity`` (API.md).

Codes are random, stored only as an HMAC keyed with the secret key (a stolen database does not
yield them, not even by trying all million 6-digit values), compared in constant time, expire,
and die after five wrong guesses. Counting a guess is one conditional UPDATE, so parallel
guesses cannot exceed the limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Literal

from core.db import fetch
from core.refusals import Refusal
from core.settings import get_settings
from core.tables import VerificationCode

Level = Literal["unverified", "phone", "identity"]
Purpose = Literal["phone", "activation", "reset"]
LEVELS: tuple[Level, ...] = ("unverified", "phone", "identity")
MAX_ATTEMPTS = 5
TTL: dict[str, dt.timedelta] = {
    "phone": dt.timedelta(minutes=10),
    "reset": dt.timedelta(minutes=10),
    "activation": dt.timedelta(days=3),
}
ACTIVATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
ACTIVATION_LENGTH = 10


def at_least(level: str, required: Level) -> bool:
    """Whether ``level`` reaches ``required`` (an unknown level reaches nothing)."""
    if level not in LEVELS:
        return False
    return LEVELS.index(level) >= LEVELS.index(required)  # type: ignore[arg-type]


def raised(current: str, new: Level) -> Level:
    """The level after a successful check: never lower than before."""
    return new if not at_least(current, new) else current  # type: ignore[return-value]


def identity_not_verified() -> Refusal:
    return Refusal(
        "IDENTITY_NOT_VERIFIED",
        zh="本人记录须在窗口核验身份或经省统一身份认证登录后查看",
        en="Records about a person are shown once the account's identity is verified at a "
        "service window or through the province's identity provider",
        kind="forbidden",
        english_first=True,
    )


def wrong_code() -> Refusal:
    return Refusal(
        "WRONG_CODE",
        zh="验证码错误或已失效",
        en="The code is wrong or no longer valid",
        english_first=True,
    )


def require_identity(user: object) -> None:
    """The one rule for every route returning records about the person: a citizen account below
    ``identity`` is refused with 403 ``IDENTITY_NOT_VERIFIED``. Staff and organizations are
    governed by their permissions alone."""
    if user is None:
        raise Refusal.forbidden()
    if getattr(user, "kind", None) == "citizen" and not at_least(
        getattr(user, "verification", "unverified"), "identity"
    ):
        raise identity_not_verified()


def new_code(purpose: Purpose) -> str:
    if purpose == "activation":
        return "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(ACTIVATION_LENGTH))
    return f"{secrets.randbelow(1_000_000):06d}"


def normalize_code(code: object) -> str:
    """What a person types: spaces and dashes dropped, letters upper-case."""
    if not isinstance(code, str):
        return ""
    return "".join(c for c in code if c not in " -\t").upper()[:32]


def code_digest(account_id: int, purpose: str, code: str) -> str:
    key = get_settings().secret_key.encode()
    message = f"code:{purpose}:{account_id}:{normalize_code(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def issue_code(account_id: int, purpose: Purpose) -> str:
    """A fresh code for ``purpose``; every earlier unused code of that purpose stops working."""
    now = dt.datetime.now(dt.UTC)
    await VerificationCode.update({VerificationCode.used_at: now}).where(
        (VerificationCode.account == account_id)
        & (VerificationCode.purpose == purpose)
        & VerificationCode.used_at.is_null()
    )
    code = new_code(purpose)
    await VerificationCode.insert(
        VerificationCode(
            account=account_id,
            purpose=purpose,
            code_hash=code_digest(account_id, purpose, code),
            expires_at=now + TTL[purpose],
        )
    )
    return code


async def revoke_codes(account_id: int) -> None:
    await VerificationCode.update({VerificationCode.used_at: dt.datetime.now(dt.UTC)}).where(
        (VerificationCode.account == account_id) & VerificationCode.used_at.is_null()
    )


async def consume_code(account_id: int, purpose: Purpose, code: object) -> bool:
    """Spend one try on the live code of ``purpose``; True (and the code used up) when it
    matches. Call outside a rolled-back transaction: a wrong try must stay counted."""
    now = dt.datetime.now(dt.UTC)
    rows = await fetch(
        "UPDATE verification_code SET attempts = attempts + 1 "
        "WHERE id = (SELECT MAX(id) FROM verification_code WHERE account = {} AND purpose = {} "
        "AND used_at IS NULL) AND attempts < {} AND expires_at > {} "
        "RETURNING id, code_hash",
        account_id,
        purpose,
        MAX_ATTEMPTS,
        now,
    )
    if not rows:
        return False
    expected = rows[0]["code_hash"].encode()
    given = code_digest(account_id, purpose, normalize_code(code)).encode()
    if not hmac.compare_digest(expected, given):
        return False
    used = await fetch(
        "UPDATE verification_code SET used_at = {} WHERE id = {} AND used_at IS NULL RETURNING id",
        now,
        rows[0]["id"],
    )
    return bool(used)
