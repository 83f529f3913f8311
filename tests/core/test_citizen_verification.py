"""Issue 12 item 1 and issue 14 item 5: citizen verification levels (unverified → phone →
identity), the phone code through the outbox, a clerk taking a squatted number back at the
window, activation, password reset by a code to the verified phone, and the test outbox."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.people.names import same_name
from tests import factories
from tests.core.support import assert_error

pytestmark = pytest.mark.db

PASSWORD = "citizen-password-1"
PHONE = "13912345678"


def _signup(number: str, name: str = "王芳", phone: str = PHONE) -> dict:
    return {"id_number": number, "name": name, "phone": phone, "password": PASSWORD}


async def _codes(client, admin, phone: str) -> list[str]:
    """The codes in the messages queued for ``phone``, newest first (the test outbox)."""
    r = await client.get("/api/v1/testing/outbox", params={"recipient": phone}, headers=admin)
    assert r.status_code == 200, r.text
    return [
        m
        for msg in r.json()
        for m in re.findall(r"(?<![0-9A-Z])[0-9]{6}(?![0-9])", msg["body"])[:1]
    ]


async def _person(number: str, name: str) -> None:
    from core.people.service import ensure_person

    await ensure_person(number, name)


# ---------------------------------------------------------------------------------------------
# Names (pure)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "typed", "same"),
    [
        ("王芳", "王芳", True),
        ("王芳", " 王 芳 ", True),
        ("买买提·艾力", "买买提•艾力", True),
        ("买买提·艾力", "买买提.艾力", True),
        ("John Smith", "john smith", True),
        ("王芳", "王方", False),
        ("王芳", "", False),
        ("王芳", "王芳芳", False),
    ],
)
def test_names_compare_as_people_write_them(registered, typed, same):
    assert same_name(registered, typed) is same


@given(st.text(min_size=1, max_size=8).filter(lambda s: s.strip()), st.integers(0, 8))
def test_white_space_never_makes_a_difference(name, at):
    assert same_name(name, name[:at] + " " + name[at:])


# ---------------------------------------------------------------------------------------------
# Sign-up and the phone code
# ---------------------------------------------------------------------------------------------


async def test_sign_up_with_another_name_for_a_known_number_is_refused(client, id_number):
    number = id_number(dt.date(1990, 5, 1), "female", seq=3)
    await _person(number, "王芳")
    body = assert_error(
        await client.post("/api/v1/citizens", json=_signup(number, "李娜")),
        422,
        "IDENTITY_MISMATCH",
    )
    assert "王芳" not in body["detail"] and number not in body["detail"]
    r = await client.post("/api/v1/citizens", json=_signup(number, " 王 芳"))
    assert r.status_code == 201, r.text
    assert r.json() == {"username": number, "verification": "unverified"}


async def test_phone_code_raises_the_account_to_phone(client, admin, id_number):
    number = id_number(dt.date(1991, 2, 3), "male", seq=4)
    assert (await client.post("/api/v1/citizens", json=_signup(number))).status_code == 201
    me = await factories.sign_in(client, number, PASSWORD)
    assert (await client.get("/api/v1/me", headers=me)).json()["verification"] == "unverified"
    [code] = await _codes(client, admin, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    assert_error(
        await client.post("/api/v1/citizens/confirm-phone", json={"code": wrong}, headers=me),
        422,
        "WRONG_CODE",
    )
    r = await client.post("/api/v1/citizens/confirm-phone", json={"code": code}, headers=me)
    assert r.status_code == 200, r.text
    assert r.json() == {"verification": "phone"}
    assert (await client.get("/api/v1/me", headers=me)).json()["verification"] == "phone"
    # Staff are not citizens: no verification level on /me.
    assert "verification" not in (await client.get("/api/v1/me", headers=admin)).json()


async def test_five_wrong_tries_kill_the_code_and_a_new_one_works(client, admin, id_number):
    number = id_number(dt.date(1992, 3, 4), "female", seq=5)
    await client.post("/api/v1/citizens", json=_signup(number))
    me = await factories.sign_in(client, number, PASSWORD)
    [code] = await _codes(client, admin, PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        r = await client.post("/api/v1/citizens/confirm-phone", json={"code": wrong}, headers=me)
        assert_error(r, 422, "WRONG_CODE")
    r = await client.post("/api/v1/citizens/confirm-phone", json={"code": code}, headers=me)
    assert_error(r, 422, "WRONG_CODE")  # the right code, too late
    r = await client.post("/api/v1/citizens/phone-code", headers=me)
    assert r.status_code == 202, r.text
    codes = await _codes(client, admin, PHONE)
    assert len(codes) == 2
    r = await client.post("/api/v1/citizens/confirm-phone", json={"code": codes[0]}, headers=me)
    assert r.json() == {"verification": "phone"}
    # A second resend within the minute would have been refused.
    assert_error(await client.post("/api/v1/citizens/phone-code", headers=me), 409)


async def test_resending_is_rate_limited(client, id_number):
    number = id_number(dt.date(1992, 3, 5), "female", seq=6)
    await client.post("/api/v1/citizens", json=_signup(number))
    me = await factories.sign_in(client, number, PASSWORD)
    assert (await client.post("/api/v1/citizens/phone-code", headers=me)).status_code == 202
    r = await client.post("/api/v1/citizens/phone-code", headers=me)
    assert_error(r, 429, "RATE_LIMITED")
    assert int(r.headers["retry-after"]) > 0


async def test_codes_expire_and_are_stored_only_as_a_keyed_hash(client, admin, id_number):
    from core.tables import VerificationCode

    number = id_number(dt.date(1993, 4, 5), "male", seq=7)
    await client.post("/api/v1/citizens", json=_signup(number))
    me = await factories.sign_in(client, number, PASSWORD)
    [code] = await _codes(client, admin, PHONE)
    rows = await VerificationCode.select()
    assert len(rows) == 1 and code not in str(rows)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await VerificationCode.update({VerificationCode.expires_at: past}).where(
        VerificationCode.id == rows[0]["id"]
    )
    r = await client.post("/api/v1/citizens/confirm-phone", json={"code": code}, headers=me)
    assert_error(r, 422, "WRONG_CODE")


async def test_confirm_phone_is_for_citizens(client, admin):
    r = await client.post("/api/v1/citizens/confirm-phone", json={"code": "123456"}, headers=admin)
    assert_error(r, 403, "FORBIDDEN")
    r = await client.post("/api/v1/citizens/confirm-phone", json={"code": "123456"})
    assert_error(r, 401, "UNAUTHENTICATED")


# ---------------------------------------------------------------------------------------------
# The window takes a squatted number back
# ---------------------------------------------------------------------------------------------


async def test_window_takes_a_squatted_number_back(client, staff, admin, id_number):
    from core.tables import AuditEvent

    number = id_number(dt.date(1985, 7, 8), "female", seq=8)
    await client.post("/api/v1/citizens", json=_signup(number, "王芳", "13700000001"))
    squatter = await factories.sign_in(client, number, PASSWORD)
    assert (await client.get("/api/v1/me", headers=squatter)).status_code == 200

    clerk = await staff("clerk", office_code="JH01")
    # Only a clerk may say they saw the card.
    r = await client.post(
        f"/api/v1/citizens/{number}/verify-identity", json={"phone": PHONE}, headers=squatter
    )
    assert_error(r, 403, "FORBIDDEN")
    r = await client.post(
        f"/api/v1/citizens/{number}/verify-identity", json={"phone": PHONE}, headers=clerk
    )
    assert r.status_code == 200, r.text
    assert r.json()["verification"] == "identity"
    activation = r.json()["activation_code"]
    assert len(activation) >= 8

    # The squatter's session and password are gone.
    assert_error(await client.get("/api/v1/me", headers=squatter), 401, "UNAUTHENTICATED")
    r = await client.post("/api/v1/auth/token", json={"username": number, "password": PASSWORD})
    assert_error(r, 401, "INVALID_CREDENTIALS")

    body = {"id_number": number, "activation_code": "WRONGCODE2", "password": "new-password-9"}
    assert_error(await client.post("/api/v1/citizens/activate", json=body), 422, "WRONG_CODE")
    body["activation_code"] = activation.lower()  # typed as people type
    r = await client.post("/api/v1/citizens/activate", json=body)
    assert r.status_code == 200, r.text
    me = await factories.sign_in(client, number, "new-password-9")
    assert (await client.get("/api/v1/me", headers=me)).json()["verification"] == "identity"
    # The code works once.
    assert_error(await client.post("/api/v1/citizens/activate", json=body), 422, "WRONG_CODE")

    events = await AuditEvent.select().where(AuditEvent.action == "core.citizen.identity_verified")
    assert len(events) == 1
    assert number not in str(events) and number[:6] in events[0]["summary"]


async def test_window_creates_the_account_when_none_exists(client, staff, id_number):
    number = id_number(dt.date(1960, 1, 2), "male", seq=9)
    clerk = await staff("clerk", office_code="JH01")
    url = f"/api/v1/citizens/{number}/verify-identity"
    r = await client.post(url, json={"phone": PHONE}, headers=clerk)
    assert_error(r, 422, "NAME_REQUIRED")  # not in the registry: the name on the card is needed
    r = await client.post(url, json={"phone": "12345"}, headers=clerk)
    assert_error(r, 422, "INVALID_PHONE")
    r = await client.post(url, json={"phone": PHONE, "name": "赵六"}, headers=clerk)
    assert r.status_code == 200, r.text
    body = {"id_number": number, "activation_code": r.json()["activation_code"], "password": "x"}
    assert_error(await client.post("/api/v1/citizens/activate", json=body), 422, "WEAK_PASSWORD")
    body["password"] = "long-enough-1"
    assert (await client.post("/api/v1/citizens/activate", json=body)).status_code == 200
    me = await factories.sign_in(client, number, "long-enough-1")
    assert (await client.get("/api/v1/me", headers=me)).json()["verification"] == "identity"


async def test_records_about_the_person_need_identity(client, verified_citizen, id_number):
    number = id_number(dt.date(1980, 1, 1), "female", seq=10)
    other = id_number(dt.date(1980, 1, 2), "female", seq=11)
    await client.post("/api/v1/citizens", json=_signup(number))
    unverified = await factories.sign_in(client, number, PASSWORD)
    verified = await verified_citizen(other, "李娜")
    r = await client.get("/api/v1/disability/applications", headers=unverified)
    body = assert_error(r, 403, "IDENTITY_NOT_VERIFIED")
    assert "window" in body["detail"]
    r = await client.get("/api/v1/disability/applications", headers=verified)
    assert r.status_code == 200, r.text
    r = await client.get(
        "/api/v1/marriage/certificates/J440704-2026-000001/pdf", headers=unverified
    )
    assert_error(r, 403, "IDENTITY_NOT_VERIFIED")
    # Booking needs only an account.
    r = await client.get("/api/v1/marriage/appointments", headers=unverified)
    assert r.status_code == 200, r.text


# ---------------------------------------------------------------------------------------------
# Every citizen-facing route is either about the person (identity needed) or about the account
# ---------------------------------------------------------------------------------------------

ACCOUNT_ONLY = {
    # Signing out, reading one's own account, confirming one's phone.
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/citizens/confirm-phone"),
    ("POST", "/api/v1/citizens/phone-code"),
    ("GET", "/account"),
    ("POST", "/account/phone"),
    ("POST", "/account/phone/resend"),
    # Booking, cancelling and reading one's own appointments (API.md: an account is enough).
    ("POST", "/api/v1/marriage/appointments"),
    ("GET", "/api/v1/marriage/appointments"),
    ("GET", "/api/v1/marriage/appointments/{code:str}"),
    ("DELETE", "/api/v1/marriage/appointments/{code:str}"),
    ("GET", "/api/v1/marriage/appointments/{code:str}/ics"),
    ("POST", "/api/v1/marriage/appointments/{code:str}/rebook"),
    ("GET", "/marriage/book"),
    ("GET", "/marriage/book/{code:str}"),
    ("GET", "/marriage/book/{code:str}/{day:date}"),
    ("GET", "/marriage/slot/{slot_id:int}"),
    ("POST", "/marriage/slot/{slot_id:int}"),
    ("GET", "/marriage/my"),
    ("GET", "/marriage/my/{code:str}"),
    ("POST", "/marriage/my/{code:str}/cancel"),
    # A redirect to the applications list (which itself needs identity).
    ("GET", "/disability"),
    # An organization's own reports and evaluation certificates (org accounts, not persons).
    ("GET", "/api/v1/orgs/evaluations/{evaluation_id:int}/certificate"),
    ("GET", "/api/v1/orgs/{uscc:str}/annual-reports"),
    ("GET", "/api/v1/orgs/{uscc:str}/annual-reports/{year:int}"),
}


def test_every_route_a_citizen_reaches_is_classified(app):
    """A new route a citizen can call must either carry ``person_data`` or be listed above as
    needing no more than an account: nothing about a person leaks below ``identity`` by
    omission."""
    from core.auth.guards import PERSON_DATA

    citizen = app.state.host.permissions_for_roles(["citizen"])
    unclassified = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            opt = handler.opt
            if opt.get("public") or opt.get("static"):
                continue
            if not (opt.get("auth") or opt.get("permission") in citizen):
                continue
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                if not opt.get(PERSON_DATA) and (method, route.path) not in ACCOUNT_ONLY:
                    unclassified.append((method, route.path))
    assert unclassified == []


# ---------------------------------------------------------------------------------------------
# Password reset by a code to the verified phone (issue 14 item 5)
# ---------------------------------------------------------------------------------------------


async def test_password_reset_by_a_code_to_the_confirmed_phone(client, admin, id_number):
    from core.tables import AuditEvent

    number = id_number(dt.date(1988, 8, 8), "male", seq=12)
    await client.post("/api/v1/citizens", json=_signup(number, phone="13600000002"))
    session = await factories.sign_in(client, number, PASSWORD)
    [code] = await _codes(client, admin, "13600000002")
    await client.post("/api/v1/citizens/confirm-phone", json={"code": code}, headers=session)

    r = await client.post("/api/v1/citizens/password-reset", json={"id_number": number})
    assert r.status_code == 202 and r.json() == {"sent": True}
    reset = (await _codes(client, admin, "13600000002"))[0]
    body = {"id_number": number, "code": "999999" if reset != "999999" else "000000"}
    body["password"] = "brand-new-pass-3"
    r = await client.post("/api/v1/citizens/password-reset/confirm", json=body)
    assert_error(r, 422, "WRONG_CODE")
    body["code"] = reset
    r = await client.post("/api/v1/citizens/password-reset/confirm", json=body)
    assert r.status_code == 200, r.text
    assert_error(await client.get("/api/v1/me", headers=session), 401)  # sessions ended
    await factories.sign_in(client, number, "brand-new-pass-3")
    r = await client.post("/api/v1/auth/token", json={"username": number, "password": PASSWORD})
    assert_error(r, 401, "INVALID_CREDENTIALS")
    actions = {e["action"] for e in await AuditEvent.select(AuditEvent.action)}
    assert {"core.citizen.password_reset_requested", "core.citizen.password_reset"} <= actions


async def test_password_reset_tells_nobody_who_has_an_account(client, admin, id_number):
    unknown = id_number(dt.date(1970, 1, 1), "male", seq=13)
    unconfirmed = id_number(dt.date(1970, 1, 2), "male", seq=14)
    await client.post("/api/v1/citizens", json=_signup(unconfirmed, phone="13600000003"))
    for number in (unknown, unconfirmed):
        r = await client.post("/api/v1/citizens/password-reset", json={"id_number": number})
        assert r.status_code == 202 and r.json() == {"sent": True}
    # An unconfirmed phone gets no reset code (only its sign-up code).
    assert len(await _codes(client, admin, "13600000003")) == 1
    body = {"id_number": unknown, "code": "123456", "password": "brand-new-pass-3"}
    r = await client.post("/api/v1/citizens/password-reset/confirm", json=body)
    assert_error(r, 422, "WRONG_CODE")


async def test_password_reset_requests_are_rate_limited(client, id_number):
    number = id_number(dt.date(1970, 1, 3), "male", seq=15)
    for _ in range(3):
        r = await client.post("/api/v1/citizens/password-reset", json={"id_number": number})
        assert r.status_code == 202
    r = await client.post("/api/v1/citizens/password-reset", json={"id_number": number})
    assert_error(r, 429, "RATE_LIMITED")


# ---------------------------------------------------------------------------------------------
# The test outbox
# ---------------------------------------------------------------------------------------------


async def test_outbox_lists_messages_newest_first_for_admins_only(client, admin, staff):
    from core.db import write_transaction
    from core.notifications import enqueue

    async with write_transaction():
        await enqueue("13500000000", "first", "one")
        await enqueue("13500000000", "second", "two")
        await enqueue("13500000009", "other", "three")
    r = await client.get(
        "/api/v1/testing/outbox", params={"recipient": "13500000000"}, headers=admin
    )
    assert r.status_code == 200, r.text
    messages = r.json()
    assert [m["subject"] for m in messages] == ["second", "first"]
    assert set(messages[0]) == {"channel", "recipient", "subject", "body", "queued_at"}
    assert messages[0]["channel"] == "sms" and messages[0]["recipient"] == "13500000000"
    clerk = await staff("clerk", office_code="JH01")
    r = await client.get("/api/v1/testing/outbox", params={"recipient": "1"}, headers=clerk)
    assert_error(r, 403, "FORBIDDEN")


async def test_outside_the_test_environment_the_outbox_does_not_exist(client, admin, env_var):
    import httpx

    from core.app import create_app
    from core.plugins import get_host, set_host
    from core.settings import get_settings

    env_var("MINZHENG_ENV", "production")
    previous = get_host()
    try:
        production = create_app(get_settings(), host=previous)
    finally:
        set_host(previous)
    transport = httpx.ASGITransport(app=production)
    async with httpx.AsyncClient(transport=transport, base_url="http://prod.local") as http:
        r = await http.get("/api/v1/testing/outbox", params={"recipient": "1"}, headers=admin)
        assert_error(r, 404, "NOT_FOUND")
