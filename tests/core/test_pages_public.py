"""Pages everyone reaches: home, sign-in and sign-out, citizen sign-up, language, error pages.

Driven through the real app with a browser's ``Accept: text/html``; issue 2 item 10, issue 7 item 4.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import httpx
import pytest

from tests.core.support import form_token

pytestmark = pytest.mark.db

HTML = {"Accept": "text/html,application/xhtml+xml"}
CSRF = re.compile(r'name="_csrf" value="([0-9a-f]+)"')


async def sign_in(client, username: str, password: str, next_: str = "/"):
    return await client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": next_,
            "_csrf": await form_token(client),
        },
        headers=HTML,
    )


async def csrf_of(client, path: str = "/") -> str:
    page = await client.get(path, headers=HTML)
    match = CSRF.search(page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


async def test_home_shows_enabled_services_as_cards_and_invites_to_sign_in(client):
    from core.plugins import get_host

    page = await client.get("/", headers=HTML)
    assert page.status_code == 200
    for slug in ("marriage", "funeral", "disability", "social_orgs"):
        assert f'data-service="{slug}"' in page.text
    assert "婚姻登记" in page.text
    assert 'href="/login"' in page.text and 'href="/signup"' in page.text
    # the public marriage information is one click away for a signed-out visitor (issue 14)
    assert 'href="/marriage/"' in page.text and "办事指南" in page.text

    await get_host().switch("funeral", False)
    page = await client.get("/", headers=HTML)
    assert 'data-service="funeral"' not in page.text
    assert 'data-service="marriage"' in page.text


async def test_content_type_names_the_charset_once(client):
    """Issue 14: ``text/html; charset=utf-8; charset=utf-8`` was sent for every page."""
    for path in ("/", "/login", "/marriage/", "/no-such-page"):
        r = await client.get(path, headers=HTML)
        assert r.headers["content-type"] == "text/html; charset=utf-8", path


async def test_sign_in_greets_the_user_and_sign_out_ends_the_session(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("wang.clerk", "clerk-password-1", ["clerk"], "JH01", "王小明")
    wrong = await sign_in(client, "wang.clerk", "not-the-password")
    assert wrong.status_code == 401
    assert "用户名或密码错误" in wrong.text and 'value="wang.clerk"' in wrong.text
    assert "not-the-password" not in wrong.text

    empty = await sign_in(client, "wang.clerk", "")
    assert empty.status_code == 400 and "请填写用户名和密码" in empty.text

    ok = await sign_in(client, "wang.clerk", "clerk-password-1")
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    session = client.cookies.get("mz_session")
    assert session
    home = await client.get("/", headers=HTML)
    assert "王小明" in home.text and "退出登录" in home.text
    assert 'href="/signup"' not in home.text.split("<main")[1]  # no sign-up invitation

    refused = await client.post("/logout", headers=HTML)  # no CSRF token: refused
    assert refused.status_code == 403 and "表单已过期" in refused.text
    out = await client.post("/logout", data={"_csrf": await csrf_of(client)}, headers=HTML)
    assert out.status_code == 303
    assert "mz_session" not in client.cookies
    client.cookies.set("mz_session", session)  # the old cookie no longer signs anyone in
    again = await client.get("/", headers=HTML)
    assert "王小明" not in again.text and "退出登录<" not in again.text


async def test_sign_out_message_is_shown_once(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("li.review", "review-password-1", ["reviewer"])
    await sign_in(client, "li.review", "review-password-1")
    await client.post("/logout", data={"_csrf": await csrf_of(client)}, headers=HTML)
    first = await client.get("/", headers=HTML)
    assert "您已退出登录" in first.text
    second = await client.get("/", headers=HTML)
    assert "您已退出登录" not in second.text


async def test_sign_in_returns_to_the_page_asked_for_and_never_to_another_site(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("admin.zhao", "admin-password-1", ["admin"])
    bounce = await client.get("/admin/users?page=2", headers=HTML)
    assert bounce.status_code == 303
    assert bounce.headers["location"] == "/login?next=/admin/users%3Fpage%3D2"
    form = await client.get(bounce.headers["location"], headers=HTML)
    assert 'name="next" value="/admin/users?page=2"' in form.text
    back = await sign_in(client, "admin.zhao", "admin-password-1", "/admin/users?page=2")
    assert back.headers["location"] == "/admin/users?page=2"

    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        client.cookies.clear()
        r = await sign_in(client, "admin.zhao", "admin-password-1", evil)
        assert r.headers["location"] == "/", evil


async def test_an_api_client_still_gets_json_401_not_a_redirect(client):
    r = await client.get("/admin/users", headers={"Accept": "application/json"})
    assert r.status_code == 401 and r.json()["code"] == "UNAUTHENTICATED"


async def test_citizen_signs_up_and_is_signed_in(client, id_number):
    from core.tables import Account, AuditEvent

    number = id_number(dt.date(1994, 3, 8), "female", seq=7)
    form = await client.get("/signup", headers=HTML)
    assert form.status_code == 200 and 'name="id_number"' in form.text
    r = await client.post(
        "/signup",
        data={
            "id_number": number.lower(),
            "name": "陈晓燕",
            "phone": "13912345678",
            "password": "citizen-pass-1",
            "password_again": "citizen-pass-1",
            "next": "/",
            "_csrf": await form_token(client, "/signup"),
        },
        headers=HTML,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/account"  # next: the code sent to the phone
    home = await client.get("/account", headers=HTML)
    assert "陈晓燕" in home.text and "您的账号已创建。请输入发送到您手机的验证码。" in home.text
    account = await Account.select().where(Account.username == number).first()
    assert account["kind"] == "citizen" and account["phone"] == "13912345678"
    assert await AuditEvent.exists().where(AuditEvent.action == "core.citizen.registered")
    # Signed in now: the sign-up page sends the citizen on.
    assert (await client.get("/signup", headers=HTML)).status_code == 303


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "440704199001011234"}, "id_number", "校验位"),
        ({"id_number": "44070419900101123"}, "id_number", "应为 18 位，这里填写了 17 位"),
        ({"id_number": ""}, "id_number", "请填写身份证号码"),
        ({"name": ""}, "name", "请按身份证填写姓名"),
        ({"phone": "12345"}, "phone", "请填写 11 位手机号码"),
        ({"password": "short", "password_again": "short"}, "password", "请设置至少 8 位的密码"),
        ({"password_again": "different-1"}, "password_again", "两次输入的密码不一致"),
    ],
)
async def test_sign_up_errors_appear_next_to_their_field(
    client, id_number, changes, field, message
):
    from core.tables import Account

    data = {
        "id_number": id_number(dt.date(1988, 12, 1), "male", seq=3),
        "name": "林大伟",
        "phone": "13800138000",
        "password": "citizen-pass-1",
        "password_again": "citizen-pass-1",
        **changes,
    }
    data["_csrf"] = await form_token(client, "/signup")
    r = await client.post("/signup", data=data, headers=HTML)
    assert r.status_code in (400, 422)
    error = re.search(rf'<p class="field-error" id="f-{field}-error">([^<]*)</p>', r.text)
    assert error and message in error.group(1), r.text[-3000:]
    control = re.search(rf'<input id="f-{field}"[^>]*>', r.text).group(0)
    assert f"f-{field}-error" in control and 'aria-invalid="true"' in control
    assert "citizen-pass-1" not in r.text  # passwords are never echoed back
    if data["name"]:
        assert 'value="林大伟"' in r.text  # what was typed is kept
    assert await Account.count() == 0
    assert "mz_session" not in client.cookies


async def test_sign_up_reports_every_problem_in_one_round(client):
    """Issue 14: all fields are checked at once (not a second round after fixing the first)."""
    data = {
        "id_number": "440704199001011234",
        "name": "",
        "phone": "12345",
        "password": "short",
        "password_again": "short",
        "_csrf": await form_token(client, "/signup"),
    }
    r = await client.post("/signup", data=data, headers=HTML)
    assert r.status_code == 400
    for field in ("id_number", "name", "phone", "password"):
        assert f'id="f-{field}-error"' in r.text, field
    assert "check character" not in r.text  # no English on the Chinese page


async def test_signing_up_twice_with_one_identity_number_is_refused(client, id_number, citizen):
    number = id_number(dt.date(1979, 6, 30), "male", seq=11)
    await citizen(number, "赵强")
    r = await client.post(
        "/signup",
        data={
            "id_number": number,
            "name": "赵强",
            "phone": "13800138000",
            "password": "another-pass-1",
            "password_again": "another-pass-1",
            "_csrf": await form_token(client, "/signup"),
        },
        headers=HTML,
    )
    assert r.status_code == 409
    assert "该身份证号已注册" in r.text and 'id="f-id_number-error"' in r.text


async def test_chinese_by_default_english_on_request_and_sticky(client):
    zh = await client.get("/login", headers=HTML)
    assert '<html lang="zh-Hans">' in zh.text and "用户名或身份证号" in zh.text

    en = await client.get("/login?lang=en", headers=HTML)
    assert '<html lang="en">' in en.text and "Username or identity number" in en.text
    assert "mz_lang=en" in en.headers["set-cookie"]
    still_en = await client.get("/", headers=HTML)
    assert "Civil affairs services, online" in still_en.text
    assert 'href="/?lang=zh"' in still_en.text  # the switch leads back to Chinese

    back = await client.get("/?lang=zh", headers=HTML)
    assert "网上办理民政服务" in back.text
    client.cookies.clear()
    by_header = await client.get("/", headers={**HTML, "Accept-Language": "en-GB,en;q=0.9"})
    assert "Civil affairs services, online" in by_header.text
    by_quality = await client.get("/", headers={**HTML, "Accept-Language": "en;q=0.4,zh-CN"})
    assert "网上办理民政服务" in by_quality.text


async def test_language_switch_keeps_the_other_query_parameters(client, staff):
    headers = {**HTML, **await staff("admin")}
    page = await client.get("/admin/audit?actor=someone&page=1", headers=headers)
    switch = re.search(r'class="lang-switch" href="([^"]+)"', page.text)
    assert switch, "no language switch"
    target = httpx.URL(html.unescape(switch.group(1)))
    assert target.path == "/admin/audit"
    assert dict(target.params) == {"actor": "someone", "page": "1", "lang": "en"}


async def test_error_pages_are_html_for_browsers_and_json_for_programs(client):
    missing = await client.get("/no/such/page", headers=HTML)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "页面不存在" in missing.text and 'href="/"' in missing.text
    assert "content-security-policy" in missing.headers
    english = await client.get("/no/such/page?lang=en", headers=HTML)
    assert "Page not found" in english.text
    program = await client.get("/no/such/page", headers={"Accept": "application/json"})
    assert program.json()["code"] == "NOT_FOUND"


async def test_pages_carry_the_security_headers_and_no_inline_style_or_script(client):
    page = await client.get("/signup", headers=HTML)
    csp = page.headers["content-security-policy"]
    assert "style-src 'self'" in csp and "script-src 'self'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert " style=" not in page.text and "<style" not in page.text
    assert re.search(r"<script(?![^>]*\ssrc=)", page.text) is None
    css = await client.get("/static/css/app.css")
    assert css.status_code == 200 and "@media print" in css.text
