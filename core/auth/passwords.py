"""Argon2id password hashing (argon2-cffi defaults, RFC 9106 low-memory profile) and the rules
for new passwords."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.refusals import Refusal

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


def _weak(zh: str, en: str) -> Refusal:
    return Refusal("WEAK_PASSWORD", zh, en, english_first=True)


def password_problem(
    password: object, *, username: str = "", staff: bool = False, id_number: str = ""
) -> Refusal | None:
    """Why a new password is refused, or None: staff need at least ``STAFF_MIN_LENGTH``
    characters, everyone ``MIN_LENGTH``; a common password, or one made of the account's own
    username or identity number, is refused for everyone."""
    minimum = STAFF_MIN_LENGTH if staff else MIN_LENGTH
    if not isinstance(password, str) or len(password) < minimum:
        return _weak(f"密码至少 {minimum} 位", f"Password must have at least {minimum} characters")
    if len(password) > 256:
        return _weak("密码过长", "Password too long")
    folded = password.strip().lower()
    if folded in common_passwords():
        return _weak("该密码过于常见，请换一个", "This password is too common")
    own = {value.strip().lower() for value in (username, id_number) if value and value.strip()}
    if any(value in folded for value in own if len(value) >= 4):
        return _weak(
            "密码不能包含用户名或身份证号",
            "The password must not contain your username or identity number",
        )
    return None


def __getattr__(name: str) -> str:
    # ``DUMMY_HASH`` stays importable (tests build accounts with it) without hashing at import.
    if name == "DUMMY_HASH":
        return dummy_hash()
    raise AttributeError(name)
