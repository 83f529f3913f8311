"""Argon2id password hashing (argon2-cffi defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy: dict[str, str] = {}


def dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so that the response time does
    not reveal it. Made on first use (not at import: the CLI should start fast) with the
    hasher's current parameters."""
    key = f"{_hasher.time_cost}:{_hasher.memory_cost}:{_hasher.parallelism}"
    if key not in _dummy:
        _dummy[key] = hash_password("not-a-real-password")
    return _dummy[key]


def password_problem(password: object) -> str | None:
    """Why a new password is refused, or None."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"Password must have at least {MIN_LENGTH} characters / 密码至少 {MIN_LENGTH} 位"
    if len(password) > 256:
        return "Password too long / 密码过长"
    return None


def __getattr__(name: str) -> str:
    # ``DUMMY_HASH`` stays importable (tests build accounts with it) without hashing at import.
    if name == "DUMMY_HASH":
        return dummy_hash()
    raise AttributeError(name)
