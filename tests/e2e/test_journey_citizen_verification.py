"""A resident's account from sign-up to verified identity, in real Chromium (issue 12 item 1,
issue 14 item 5): the phone code, the records that wait for a window check, the clerk's
verification page, activation, and a password reset by a code to the phone, in English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import expect

from tests import factories
from tests.e2e.support import PASSWORD, bureau, sign_in, snapshot, unique

pytestmark = [pytest.mark.browser]


async def _code(admin, phone: str) -> str:
    messages = await admin.call("GET", "/api/v1/testing/outbox", params={"recipient": phone})
    return re.search(r"\b(\d{6})\b", messages[0]["body"]).group(1)


async def test_a_resident_is_verified_at_the_window_and_recovers_the_password(
    live_server, page, browser
):
    url = live_server.url
    seq = unique()
    number = factories.id_number(dt.date(1987, 9, 9), "female", "440704", seq + 300)
    phone = f"139{seq:04d}{seq % 10:04d}"
    clerk = f"verifier-{seq}"
    async with bureau(live_server) as admin:
        office = f"V{seq:03d}"
        await admin.registry(office)
        await admin.staff(clerk, "clerk", office)

        # Sign-up leads to the account page, which asks for the phone code.
        await page.goto(url + "/signup")
        await page.get_by_label("身份证号码").fill(number)
        await page.get_by_label("姓名").fill("林小红")
        await page.get_by_label("手机号码").fill(phone)
        await page.locator("#f-password").fill(PASSWORD)
        await page.locator("#f-password_again").fill(PASSWORD)
        await page.get_by_role("button", name="创建账号").click()
        await page.wait_for_url(url + "/account")
        await expect(page.locator("[data-verification]")).to_contain_text("未核验")
        await page.get_by_label("验证码").fill(
            "000000" if await _code(admin, phone) != "000000" else "111111"
        )
        await page.get_by_role("button", name="确认手机号码").click()
        await expect(page.locator("#f-code-error")).to_contain_text("验证码错误")
        await page.get_by_label("验证码").fill(await _code(admin, phone))
        await page.get_by_role("button", name="确认手机号码").click()
        await expect(page.locator("[data-verification]")).to_contain_text("手机已确认")
        await expect(page.locator("main")).to_contain_text("居民身份证原件")
        await snapshot(page, "citizen-phone-confirmed")

        # Records about the person wait for the window check; the refusal says how to get it.
        await page.goto(url + "/disability/apply")
        await page.get_by_role("link", name="如何核验身份").click()
        await page.wait_for_url(url + "/account")

        # The clerk sees the identity card and hands out an activation code.
        desk = await browser.new_context(locale="zh-CN")
        clerk_page = await desk.new_page()
        await sign_in(clerk_page, url, clerk, PASSWORD, "/citizens/verify")
        await clerk_page.get_by_label("身份证号码").fill(number)
        await clerk_page.get_by_label("手机号码").fill(phone)
        await clerk_page.get_by_role("button", name="核验并生成激活码").click()
        code = (await clerk_page.locator("[data-activation-code]").inner_text()).strip()
        assert len(code) == 10
        await snapshot(clerk_page, "clerk-verified-identity")
        await desk.close()

        # The earlier session has ended; the resident activates with the code.
        await page.goto(url + "/account")
        await page.wait_for_url(re.compile(r".*/login.*"))
        await page.get_by_role("link", name="我有激活码").click()
        await page.get_by_label("身份证号码").fill(number)
        await page.get_by_label("激活码").fill(code.lower())
        await page.locator("#f-password").fill("activated-pass-1")
        await page.locator("#f-password_again").fill("activated-pass-1")
        await page.get_by_role("button", name="激活账号").click()
        await page.wait_for_url(re.compile(r".*/login$"))
        await sign_in(page, url, number, "activated-pass-1", "/account")
        await expect(page.locator("[data-verification]")).to_contain_text("身份已核验")
        response = await page.goto(url + "/disability/apply")
        assert response.status == 200

        # Forgot the password: a code to the phone, in English.
        await page.get_by_role("button", name="退出").click()
        await page.goto(url + "/login?lang=en")
        await page.get_by_role("link", name="Forgot your password?").click()
        await page.get_by_label("Identity number").fill(number)
        await page.get_by_role("button", name="Send the code").click()
        await page.get_by_label("Code").fill(await _code(admin, phone))
        await page.locator("#f-password").fill("recovered-pass-1")
        await page.locator("#f-password_again").fill("recovered-pass-1")
        await page.get_by_role("button", name="Change password").click()
        await expect(page.get_by_role("status")).to_contain_text("Your password is changed")
        await page.get_by_label("Username or identity number").fill(number)
        await page.get_by_label("Password").fill("recovered-pass-1")
        await page.get_by_role("button", name="Sign in").click()
        await page.goto(url + "/account")
        await expect(page.locator("[data-verification]")).to_contain_text("Identity verified")
