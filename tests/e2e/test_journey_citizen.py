"""A resident signs up on a phone and books a marriage registration, finding everything from the
home page and the menu (issue 7 item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.async_api import expect

from tests import factories
from tests.e2e.support import MONDAY, PASSWORD, bureau, snapshot, unique

pytestmark = [pytest.mark.browser, pytest.mark.phone]


async def test_a_resident_signs_up_and_books_on_a_phone(live_server, page):
    url = live_server.url
    seq = unique()
    office = f"C{seq:03d}{MONDAY:%d}"
    man = factories.id_number(dt.date(1996, 5, 4), "male", "440704", seq)
    woman = factories.id_number(dt.date(1998, 10, 1), "female", "440704", seq)
    async with bureau(live_server) as admin:
        await admin.set_today(MONDAY)
        await admin.registry(office)

        await page.goto(url + "/")
        await page.get_by_role("link", name="注册账号").click()
        await page.get_by_label("身份证号码").fill(man.lower())  # the x is typed small
        await page.get_by_label("姓名").fill("黄志强")
        await page.get_by_label("手机号码").fill("13912345678")
        await page.locator("#f-password").fill("short")
        await page.locator("#f-password_again").fill("short")
        await page.get_by_role("button", name="创建账号").click()
        # A refusal is shown next to its field and nothing typed is lost.
        await expect(page.locator("#f-password-error")).to_contain_text("至少 8 位")
        await expect(page.get_by_label("姓名")).to_have_value("黄志强")
        await page.locator("#f-password").fill(PASSWORD)
        await page.locator("#f-password_again").fill(PASSWORD)
        await page.get_by_role("button", name="创建账号").click()
        await expect(page.get_by_role("status")).to_contain_text("您的账号已创建")

        # The phone menu: one button opens it, the service groups its entries.
        await page.get_by_role("button", name="菜单").click()
        await page.locator("summary", has_text="婚姻登记").click()
        await page.locator("#main-nav").get_by_role("link", name="婚姻登记预约").click()
        await page.click(f"a[href='/marriage/book/{office}']")
        await page.click(f"a[href='/marriage/book/{office}/2026-06-03']")  # Wednesday
        await page.locator(".slot-grid a.slot-item").first.click()
        await page.fill("#f-partner_id_number", woman)
        await page.fill("#f-partner_name", "陈丽")
        await page.get_by_role("button", name="确认预约").click()
        code = (await page.locator("[data-booking-code]").inner_text()).strip()
        assert len(code) == 10
        await expect(page.locator("main")).to_contain_text("预约成功")
        await snapshot(page, "citizen-booked")

        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing sticks out sideways on the phone
        booker = await admin.token(man)
        booking = await admin.call("GET", f"/api/v1/marriage/appointments/{code}", booker)
        assert booking["status"] == "booked" and booking["service"] == "marriage"

        await page.goto(url + "/marriage/my")
        await expect(page.locator("main")).to_contain_text(code)
