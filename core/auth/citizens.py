"""Citizen accounts after sign-up: confirming the phone, verification at a window, activation,
password reset by a code to the verified phone, and sign-in through the province's identity
provider. Every change is audited with the identity number masked."""

from __future__ import annotations

import re
from typing import Any

from core import audit
from core.auth.identity import CurrentUser
from core.auth.passwords import hash_password, password_problem
from core.auth.ratelimit import enforce
from core.auth.tokens import revoke_all_for
from core.auth.verification import (
    Level,
    at_least,
    consume_code,
    issue_code,
    raised,
    revoke_codes,
    wrong_code,
)
from core.db import write_transaction
from core.identity import mask_id_number
from core.notifications import enqueue
from core.people.names import same_name
from core.people.service import ensure_person, find_person, valid_id_number
from core.refusals import Refusal
from core.tables import Account

MOBILE = re.compile(r"^1[3-9]\d{9}$")
RESEND_PER_MINUTE = 1
RESEND_PER_HOUR = 5
CONFIRM_PER_HOUR = 20
RESET_REQUESTS_PER_HOUR = 3
CODE_CHECKS_PER_HOUR = 10


def identity_mismatch() -> Refusal:
    return Refusal(
        "IDENTITY_MISMATCH",
        zh="身份证号码与姓名不一致",
        en="The identity number and the name do not match our records",
        english_first=True,
    )


def valid_mobile(phone: object) -> str:
    value = phone.strip() if isinstance(phone, str) else ""
    if not MOBILE.match(value):
        raise Refusal(
            "INVALID_PHONE",
            zh="请填写 11 位手机号码",
            en="An 11-digit mobile number is needed",
            english_first=True,
        )
    return value


async def check_registry_name(number: str, name: str) -> None:
    """422 ``IDENTITY_MISMATCH`` when the registry knows ``number`` under another name (which
    part is wrong is not said: that would tell a stranger the name behind a number)."""
    person = await find_person(number)
    if person is not None and not same_name(person.name, name):
        raise identity_mismatch()


async def send_phone_code(account_id: int, phone: str) -> None:
    """A new 6-digit code to ``phone`` through the outbox (inside the caller's transaction)."""
    code = await issue_code(account_id, "phone")
    await enqueue(
        phone,
        "手机验证码 / Phone code",
        f"【民政】您的手机验证码为 {code}，10 分钟内有效，请勿告诉他人。"
        f" Your Minzheng phone code is {code}, valid for 10 minutes. Do not share it.",
    )


async def _account(account_id: int) -> dict[str, Any]:
    row = await Account.select().where(Account.id == account_id).first()
    if row is None or row["kind"] != "citizen":
        raise Refusal.forbidden()
    return row


async def confirm_phone(user: CurrentUser, code: object) -> str:
    """The code sent at sign-up (or resent) raises the account to ``phone``."""
    await enforce(f"confirm-phone:{user.id}", CONFIRM_PER_HOUR, 3600)
    row = await _account(user.id)
    if at_least(row["verification"], "phone"):
        return row["verification"]
    if not await consume_code(user.id, "phone", code):
        raise wrong_code()
    async with write_transaction():
        level = await _raise_level(user.id, row["verification"], "phone")
        await audit.record(
            "core.citizen.phone_confirmed",
            entity="account",
            entity_id=user.id,
            summary=f"确认手机号码 {user.audit_name}",
        )
    return level


async def _raise_level(account_id: int, current: str, new: Level) -> str:
    level = raised(current, new)
    await Account.update({Account.verification: level}).where(Account.id == account_id)
    return level


async def resend_phone_code(user: CurrentUser) -> None:
    row = await _account(user.id)
    if at_least(row["verification"], "phone"):
        raise Refusal(
            "ALREADY_CONFIRMED",
            zh="手机号码已确认",
            en="The phone is confirmed already",
            kind="conflict",
            english_first=True,
        )
    if not row["phone"]:
        raise Refusal(
            "INVALID_PHONE",
            zh="账号没有手机号码",
            en="No phone number on the account",
            english_first=True,
        )
    await enforce(f"phone-code:{user.id}", RESEND_PER_MINUTE, 60)
    await enforce(f"phone-code-hour:{user.id}", RESEND_PER_HOUR, 3600)
    async with write_transaction():
        await send_phone_code(user.id, row["phone"])


async def verify_identity(id_number: object, phone: object, name: object = None) -> str:
    """A clerk saw the identity card: the account of that number (created when missing) is at
    ``identity``; an existing one loses every session, token, code and its password, so whoever
    registered the number before can no longer use it. Returns the activation code."""
    number = valid_id_number(id_number)
    mobile = valid_mobile(phone)
    typed = name.strip() if isinstance(name, str) else ""
    async with write_transaction():
        person = await find_person(number)
        if person is None:
            if not typed or len(typed) > 64 or not typed.isprintable():
                raise Refusal(
                    "NAME_REQUIRED",
                    zh="人口信息中无此人，请填写身份证上的姓名",
                    en="This person is not in the registry yet: enter the name on the card",
                    english_first=True,
                )
            person = await ensure_person(number, typed)
        elif typed and not same_name(person.name, typed):
            raise identity_mismatch()
        row = await Account.select().where(Account.username == number).first()
        if row is not None and row["kind"] != "citizen":
            raise Refusal(
                "USERNAME_TAKEN",
                zh="用户名已存在",
                en="Username already exists",
                kind="conflict",
                english_first=True,
            )
        if row is None:
            account = Account(
                username=number,
                password_hash="",
                kind="citizen",
                roles=["citizen"],
                display_name=person.name,
                phone=mobile,
                verification="identity",
            )
            await account.save()
            account_id, taken_back = account.id, False
        else:
            account_id, taken_back = row["id"], True
            await Account.update(
                {
                    Account.password_hash: "",
                    Account.phone: mobile,
                    Account.display_name: person.name,
                    Account.verification: "identity",
                }
            ).where(Account.id == account_id)
            await revoke_all_for(account_id)
            await revoke_codes(account_id)
        code = await issue_code(account_id, "activation")
        what = "收回原账号，原有登录与密码失效" if taken_back else "新建账号"
        await audit.record(
            "core.citizen.identity_verified",
            entity="account",
            entity_id=account_id,
            summary=f"窗口核验身份 {mask_id_number(number)}（{what}）",
            details={"taken_back": taken_back},
        )
    return code


def _new_password(password: object, id_number: str = "") -> str:
    problem = password_problem(password, id_number=id_number)
    if problem:
        raise problem
    return str(password)


async def _citizen_by_number(number: str) -> dict[str, Any] | None:
    row = await Account.select().where(Account.username == number).first()
    return row if row is not None and row["kind"] == "citizen" else None


async def activate(id_number: object, code: object, password: object) -> dict[str, Any]:
    """The activation code handed out at the window sets the account's password."""
    number = valid_id_number(id_number)
    await enforce(f"activate:{number}", CODE_CHECKS_PER_HOUR, 3600)
    new = _new_password(password, number)
    row = await _citizen_by_number(number)
    if row is None or not await consume_code(row["id"], "activation", code):
        raise wrong_code()
    async with write_transaction():
        await Account.update({Account.password_hash: hash_password(new)}).where(
            Account.id == row["id"]
        )
        await audit.record(
            "core.citizen.activated",
            entity="account",
            entity_id=row["id"],
            summary=f"激活账号 {mask_id_number(number)}",
        )
    return {"username": number, "verification": row["verification"]}


async def request_password_reset(id_number: object) -> None:
    """Send a reset code to the account's confirmed phone. The answer is the same whether or
    not such an account exists (nobody learns who has one)."""
    number = valid_id_number(id_number)
    await enforce(f"reset-request:{number}", RESET_REQUESTS_PER_HOUR, 3600)
    row = await _citizen_by_number(number)
    if row is None or not row["active"] or not row["phone"]:
        return
    if not at_least(row["verification"], "phone"):
        return  # an unconfirmed phone may not be the person's: it cannot take over the account
    async with write_transaction():
        code = await issue_code(row["id"], "reset")
        await enqueue(
            row["phone"],
            "重置密码验证码 / Password reset code",
            f"【民政】您正在重置密码，验证码为 {code}，10 分钟内有效。如非本人操作请忽略。"
            f" Your Minzheng password reset code is {code}, valid for 10 minutes."
            " If you did not ask for it, ignore this message.",
        )
        await audit.record(
            "core.citizen.password_reset_requested",
            entity="account",
            entity_id=row["id"],
            summary=f"申请重置密码 {mask_id_number(number)}",
        )


async def reset_password(id_number: object, code: object, password: object) -> None:
    """The code sent to the phone sets a new password; every earlier session ends."""
    number = valid_id_number(id_number)
    await enforce(f"reset:{number}", CODE_CHECKS_PER_HOUR, 3600)
    new = _new_password(password, number)
    row = await _citizen_by_number(number)
    if row is None or not await consume_code(row["id"], "reset", code):
        raise wrong_code()
    async with write_transaction():
        await Account.update({Account.password_hash: hash_password(new)}).where(
            Account.id == row["id"]
        )
        await revoke_all_for(row["id"])
        await audit.record(
            "core.citizen.password_reset",
            entity="account",
            entity_id=row["id"],
            summary=f"重置密码 {mask_id_number(number)}（原有登录已失效）",
        )


async def sign_in_verified(id_number: object, name: object) -> dict[str, Any]:
    """The province's identity provider vouches for ``id_number`` and ``name``: that citizen's
    account, created when missing, is at ``identity``. An account that was below ``identity``
    is taken back as at a window (its password, phone and sessions stop working)."""
    number = valid_id_number(id_number)
    typed = name.strip() if isinstance(name, str) else ""
    if not typed:
        raise identity_mismatch()
    async with write_transaction():
        person = await find_person(number)
        if person is not None and not same_name(person.name, typed):
            raise identity_mismatch()
        person = person or await ensure_person(number, typed)
        row = await Account.select().where(Account.username == number).first()
        if row is not None and (row["kind"] != "citizen" or not row["active"]):
            raise Refusal.forbidden()
        if row is None:
            account = Account(
                username=number,
                password_hash="",
                kind="citizen",
                roles=["citizen"],
                display_name=person.name,
                verification="identity",
            )
            await account.save()
            account_id, what = account.id, "新建账号"
        elif not at_least(row["verification"], "identity"):
            account_id, what = row["id"], "收回原账号"
            await Account.update(
                {
                    Account.password_hash: "",
                    Account.phone: "",
                    Account.display_name: person.name,
                    Account.verification: "identity",
                }
            ).where(Account.id == account_id)
            await revoke_all_for(account_id)
            await revoke_codes(account_id)
        else:
            account_id, what = row["id"], ""
        if what:
            await audit.record(
                "core.citizen.identity_verified",
                entity="account",
                entity_id=account_id,
                summary=f"统一身份认证核验 {mask_id_number(number)}（{what}）",
                details={"taken_back": row is not None, "via": "oidc"},
            )
    return await Account.select().where(Account.id == account_id).first()
