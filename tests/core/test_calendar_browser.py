"""The admin's holiday-calendar page in a real Chromium against ``minzheng serve``: a
provisional year is marked, the State Council's list is pasted, the preview is checked, then the
schedule is saved (DOMAIN.md "The working-day calendar"). A far year (2035) keeps the shared
server's nearer calendars untouched for other tests."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.core.test_pages_browser import shot, sideways_overflow, sign_in

pytestmark = pytest.mark.browser


async def test_the_admin_enters_a_years_schedule(live_server, page):
    url = live_server.url
    await sign_in(page, url, live_server.admin_username, live_server.admin_password)
    await page.goto(url + "/admin/calendar?year=2035")
    await expect(page.get_by_role("heading", name="2035年日历")).to_contain_text("暂定")
    await expect(page.get_by_role("cell", name="元旦", exact=True)).to_be_visible()
    await page.get_by_label("2035年放假安排").fill(
        "2035-01-01 休 元旦\n2035-02-07 至 2035-02-13 休 春节\n2035-02-17 班 春节"
    )
    await page.get_by_role("button", name="预览日期变更").click()
    preview = page.locator("#preview")
    await expect(preview).to_contain_text("该安排共放假 8 天，调休上班 1 天")
    await shot(page, "calendar-preview")
    await preview.get_by_role("button", name="保存放假安排").click()
    await page.wait_for_url(url + "/admin/calendar?year=2035")
    await expect(page.get_by_role("status")).to_contain_text("2035年放假安排已保存")
    await expect(page.get_by_role("heading", name="2035年日历")).to_contain_text("正式")
    await expect(page.get_by_role("cell", name="2035-02-17")).to_be_visible()
    assert await sideways_overflow(page) == 0
    await shot(page, "calendar-saved")
