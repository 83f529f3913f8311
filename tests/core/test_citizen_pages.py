"""Issue 12 item 1 and issue 14 item 5, pages: the citizen's account page (verification level,
confirm the phone, what to bring to a window), activation, password reset by a phone code, the
clerk's verification page, in Chinese and English."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories
from tests.core.support import form_token

pytestmark = pytest.mark.db

HTML = {"accept": "text/html"}
PASSWORD = "citizen-password-1"


async def _outbox_code(client, admin, phone: str) -> str:
    r = await client.get("/api/v1/testing/outbox", params={"recipient": phone}, headers=admin)
    return re.search(r"\b(\d{6})\b", r.json()[0]["body"]).group(1)


async def _sign_up(client, number: str, phone: str, lang: str = "zh") -> None:
    r = await client.post(
        f"/signup?lang={lang}",
        data={
            "id_number": number,
            "name": "陈晓燕",
            "phone": phone,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "next": "/",
            "_csrf": await form_token(client, "/signup"),
        },
        headers=HTML,
    )
    assert r.status_code == 303 and r.headers["location"] == "/account", r.text


async def test_a_citizen_confirms_the_phone_on_the_account_page(client, admin, id_number):
    number = id_number(dt.date(1994, 3, 8), "female", seq=21)
    await _sign_up(client, number, "13912340021")
    page = await client.get("/account", headers=HTML)
    assert "未核验" in page.text and "139****0021" in page.text
    assert "居民身份证原件" in page.text  # what to bring to a window
    assert number not in page.text  # the number is shown masked
    token = await form_token(client, "/account")
    r = await client.post("/account/phone", data={"code": "000000", "_csrf": token}, headers=HTML)
    assert r.status_code == 422 and "验证码错误或已失效" in r.text
    code = await _outbox_code(client, admin, "13912340021")
    r = await client.post("/account/phone", data={"code": code, "_csrf": token}, headers=HTML)
    assert r.status_code == 303
    page = await client.get("/account", headers=HTML)
    assert "手机号码已确认。" in page.text and "手机已确认" in page.text
    page = await client.get("/account?lang=en", headers=HTML)
    assert "Phone confirmed" in page.text and "手机" not in page.text
    assert 'action="/account/phone"' not in page.text  # nothing left to confirm
    assert "Verify your identity at a service window" in page.text


async def test_unverified_citizen_sees_how_to_verify_instead_of_records(client, id_number):
    number = id_number(dt.date(1994, 3, 9), "female", seq=22)
    await _sign_up(client, number, "13912340022")
    r = await client.get("/disability/applications", headers=HTML)
    assert r.status_code == 403
    assert 'href="/account"' in r.text and "如何核验身份" in r.text


async def test_password_reset_pages(client, admin, id_number):
    number = id_number(dt.date(1994, 3, 10), "female", seq=23)
    phone = "13912340023"
    await _sign_up(client, number, phone)
    token = await form_token(client, "/account")
    code = await _outbox_code(client, admin, phone)
    await client.post("/account/phone", data={"code": code, "_csrf": token}, headers=HTML)
    client.cookies.clear()  # signed out, forgot the password

    login = await client.get("/login", headers=HTML)
    assert 'href="/password-reset"' in login.text
    token = await form_token(client, "/password-reset")
    r = await client.post(
        "/password-reset", data={"id_number": number, "_csrf": token}, headers=HTML
    )
    assert r.status_code == 200 and 'action="/password-reset/confirm"' in r.text
    reset = await _outbox_code(client, admin, phone)
    data = {
        "id_number": number,
        "code": reset,
        "password": "brand-new-pass-1",
        "password_again": "brand-new-pass-2",
        "_csrf": token,
    }
    r = await client.post("/password-reset/confirm?lang=en", data=data, headers=HTML)
    assert r.status_code == 422 and "The two passwords are not the same." in r.text
    data["password_again"] = "brand-new-pass-1"
    r = await client.post("/password-reset/confirm", data=data, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    r = await client.post(
        "/api/v1/auth/token", json={"username": number, "password": "brand-new-pass-1"}
    )
    assert r.status_code == 200


async def test_clerk_verifies_at_the_window_and_the_citizen_activates(
    client, app, staff, id_number
):
    import httpx

    from core.auth.accounts import create_staff_user

    number = id_number(dt.date(1961, 4, 5), "male", seq=24)
    await create_staff_user("window-1", "staff-password-1", ["clerk"], "JH01")
    transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as desk:
        r = await desk.post(
            "/login",
            data={
                "username": "window-1",
                "password": "staff-password-1",
                "next": "/",
                "_csrf": await form_token(desk, "/login"),
            },
            headers=HTML,
        )
        assert r.status_code == 303, r.text
        home = await desk.get("/", headers=HTML)
        assert 'href="/citizens/verify"' in home.text
        token = await form_token(desk, "/citizens/verify")
        data = {"id_number": number, "name": "", "phone": "13900000024", "_csrf": token}
        r = await desk.post("/citizens/verify", data=data, headers=HTML)
        assert r.status_code == 422 and "人口信息中尚无此人" in r.text
        data["name"] = "孙伟"
        r = await desk.post("/citizens/verify", data=data, headers=HTML)
        assert r.status_code == 200, r.text
        code = re.search(r"data-activation-code>([A-Z0-9]+)<", r.text).group(1)
        assert number not in r.text

    token = await form_token(client, "/activate")
    data = {
        "id_number": number,
        "code": code,
        "password": "activated-pass-1",
        "password_again": "activated-pass-1",
        "_csrf": token,
    }
    r = await client.post("/activate", data=data, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    me = await client.get(
        "/api/v1/me", headers=await factories.sign_in(client, number, "activated-pass-1")
    )
    assert me.json()["verification"] == "identity"
    r = await client.post("/activate", data=data, headers=HTML)
    assert r.status_code == 422 and "验证码错误或已失效" in r.text  # used once only
