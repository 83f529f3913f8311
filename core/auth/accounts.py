"""Creating accounts and signing in."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence

from core import audit
from core.auth.identity import STAFF_ROLES, STAFF_ROLES_ZH, audit_actor
from core.auth.passwords import dummy_hash, hash_password, password_problem, verify_password
from core.auth.ratelimit import rate_store
from core.auth.tokens import TokenKind, issue_token
from core.db import write_transaction
from core.identity import mask_id_number
from core.people.service import ensure_person, valid_id_number
from core.refusals import Refusal
from core.tables import Account

LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW = 15 * 60
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
ID_NUMBER_SHAPE = re.compile(r"^[0-9]{17}[0-9Xx]$")


def invalid_credentials() -> Refusal:
    return Refusal(
        "INVALID_CREDENTIALS",
        zh="用户名或密码错误",
        en="Wrong username or password",
        kind="unauthenticated",
        english_first=True,
    )


def _check_password(password: object, username: str = "", *, staff: bool = False) -> str:
    problem = password_problem(password, username=username, staff=staff)
    if problem:
        raise problem
    return str(password)


async def _insert_account(account: Account) -> Account:
    if await Account.exists().where(Account.username == account.username):
        raise Refusal(
            "USERNAME_TAKEN",
            zh="用户名已存在",
            en="Username already exists",
            kind="conflict",
            english_first=True,
        )
    await account.save()
    return account


async def create_staff_user(
    username: str,
    password: str,
    roles: Sequence[str],
    office_code: str | None = None,
    display_name: str = "",
) -> Account:
    if not USERNAME.match(username or ""):
        raise Refusal(
            "INVALID_USERNAME",
            zh="用户名须为 3–64 位字母、数字或 ._-",
            en="3–64 letters, digits, . _ -",
            english_first=True,
        )
    bad = [r for r in roles if r not in STAFF_ROLES]
    if not roles or bad:
        raise Refusal(
            "INVALID_ROLE",
            zh=f"角色无效: {bad}",
            en=f"Roles must be among {', '.join(STAFF_ROLES)}",
            english_first=True,
        )
    if "clerk" in roles and not office_code:
        raise Refusal(
            "OFFICE_REQUIRED",
            zh="窗口人员须绑定办公点",
            en="A clerk is bound to an office",
            english_first=True,
        )
    async with write_transaction():
        account = await _insert_account(
            Account(
                username=username,
                password_hash=hash_password(_check_password(password, username, staff=True)),
                kind="staff",
                roles=sorted(set(roles)),
                office_code=office_code,
                display_name=display_name or username,
            )
        )
        await audit.record(
            "core.user.created",
            entity="account",
            entity_id=account.id,
            summary=(
                f"创建工作人员账号 {username}"
                f"（{'、'.join(STAFF_ROLES_ZH.get(r, r) for r in sorted(set(roles)))}）"
            ),
        )
    return account


async def register_citizen(id_number: object, name: str, phone: str, password: str) -> Account:
    from core.auth.citizens import check_registry_name, send_phone_code, valid_mobile
    from core.clock import today

    number = valid_id_number(id_number, await today())
    name = (name or "").strip()
    if not name or len(name) > 64 or not name.isprintable():
        raise Refusal("INVALID_NAME", zh="请填写姓名", en="Name is required", english_first=True)
    mobile = valid_mobile(phone)
    async with write_transaction():
        await check_registry_name(number, name)
        if await Account.exists().where(Account.username == number):
            raise Refusal(
                "ALREADY_REGISTERED",
                zh="该身份证号已注册",
                en="This identity number is registered",
                kind="conflict",
                english_first=True,
            )
        await ensure_person(number, name)
        account = Account(
            username=number,
            password_hash=hash_password(_check_password(password, number)),
            kind="citizen",
            roles=["citizen"],
            display_name=name,
            phone=mobile,
            verification="unverified",
        )
        await account.save()
        await send_phone_code(account.id, mobile)
        await audit.record(
            "core.citizen.registered",
            entity="account",
            entity_id=account.id,
            summary=f"公众注册 {mask_id_number(number)}",
        )
    return account


async def create_org_account(username: str, password: str, uscc: str, display_name: str) -> Account:
    if not USERNAME.match(username or ""):
        raise Refusal(
            "INVALID_USERNAME",
            zh="用户名格式无效",
            en="3–64 letters, digits, . _ -",
            english_first=True,
        )
    async with write_transaction():
        account = await _insert_account(
            Account(
                username=username,
                password_hash=hash_password(_check_password(password, username)),
                kind="org",
                roles=["org"],
                org_uscc=uscc,
                display_name=display_name,
            )
        )
        await audit.record(
            "core.org_account.created",
            entity="account",
            entity_id=account.id,
            summary=f"创建社会组织账号 {username}（{uscc}）",
        )
    return account


async def authenticate(
    username: object, password: object, kind: TokenKind
) -> tuple[dict, str, dt.datetime]:
    """Check the password and issue a token; 5 failures in 15 minutes lock the username."""
    if not isinstance(username, str) or not isinstance(password, str):
        raise Refusal("BAD_REQUEST", en="username and password are required", kind="bad_request")
    username = username.strip()
    if ID_NUMBER_SHAPE.match(username):
        username = username.upper()  # citizens sign in with their number, X in either case
    failure_key = await _refuse_while_locked(username)
    row = await Account.select().where(Account.username == username).first()
    ok = verify_password(row["password_hash"] if row else dummy_hash(), password)
    if row is None or not ok or not row["active"]:
        await rate_store().add(failure_key)
        shown = mask_id_number(username) if len(username) == 18 else username[:64]
        await audit.record(
            "core.login.failed",
            entity="account",
            entity_id=row["id"] if row else "",
            summary=f"登录失败 {shown}",
            actor="anonymous",
        )
        raise invalid_credentials()
    raw, expires_at = await _issue(row["id"], row["username"], kind)
    return row, raw, expires_at


async def sign_in_new_citizen(account: Account) -> tuple[str, dt.datetime]:
    """A browser session for an account just registered with its password: no second Argon2
    verification of what was hashed a moment ago, but the username's lockout still applies."""
    await _refuse_while_locked(account.username)
    return await _issue(account.id, account.username, "session")


async def _refuse_while_locked(username: str) -> str:
    """429 while ``username`` has 5 failed sign-ins in 15 minutes; returns its failure key."""
    # Names longer than any account's still count against a (bounded) key of their own.
    key_name = (
        username.lower() if len(username) <= 64 else hashlib.sha256(username.encode()).hexdigest()
    )
    failure_key = f"login-failure:{key_name}"
    wait = await rate_store().retry_after(failure_key, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW)
    if wait is not None:
        raise Refusal.rate_limited(wait)
    return failure_key


async def _issue(account_id: int, username: str, kind: TokenKind) -> tuple[str, dt.datetime]:
    async with write_transaction():
        raw, expires_at = await issue_token(account_id, kind)
        actor = audit_actor(username, account_id)
        await audit.record(
            "core.login.succeeded",
            entity="account",
            entity_id=account_id,
            summary=f"登录 {actor}（{'浏览器' if kind == 'session' else 'API'}）",
            actor=actor,
        )
    return raw, expires_at


async def set_active(account_id: int, active: bool, *, by: int | None = None) -> None:
    """Switch an account on or off; ``by`` is the acting account, which may not switch itself
    off (a bureau could lose its last administrator by one click)."""
    from core.auth.tokens import revoke_all_for

    if not active and by == account_id:
        raise Refusal(
            "SELF_DEACTIVATION",
            zh="不能停用自己的账号",
            en="You cannot deactivate your own account",
            kind="conflict",
        )
    async with write_transaction():
        await Account.update({Account.active: active}).where(Account.id == account_id)
        if not active:
            await revoke_all_for(account_id)
        await audit.record(
            "core.user.activated" if active else "core.user.deactivated",
            entity="account",
            entity_id=account_id,
        )
