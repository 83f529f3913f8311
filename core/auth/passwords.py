"""Argon2id password hashing (argon2-cffi defaults, RFC 9106 low-memory profile) and the rules
for new passwords."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 8
STAFF_MIN_LENGTH = 10


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


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (``common_passwords.txt``), lower-case."""
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(
    password: object, *, username: str = "", staff: bool = False, id_number: str = ""
) -> str | None:
    """Why a new password is refused, or None: staff need at least ``STAFF_MIN_LENGTH``
    characters, everyone ``MIN_LENGTH``; a common password, or one made of the account's own
    username or identity number, is refused for everyone."""
    minimum = STAFF_MIN_LENGTH if staff else MIN_LENGTH
    if not isinstance(password, str) or len(password) < minimum:
        return f"Password must have at least {minimum} characters / 密码至少 {minimum} 位"
    if len(password) > 256:
        return "Password too long / 密码过长"
    folded = password.strip().lower()
    if folded in common_passwords():
        return "This password is too common / 该密码过于常见，请换一个"
    own = {value.strip().lower() for value in (username, id_number) if value and value.strip()}
    if any(value in folded for value in own if len(value) >= 4):
        return (
            "The password must not contain your username or identity number / "
            "密码不能包含用户名或身份证号"
        )
    return None


def __getattr__(name: str) -> str:
    # ``DUMMY_HASH`` stays importable (tests build accounts with it) without hashing at import.
    if name == "DUMMY_HASH":
        return dummy_hash()
    raise AttributeError(name)
