"""The bureau's admin switches a service off, sees it leave the menu and the dashboard, and
switches it on again (issue 7 items 2, 4 and 5)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.support import bureau, sign_in, snapshot

pytestmark = pytest.mark.browser


async def test_an_admin_switches_a_service_off_and_on(live_server, page):
    url = live_server.url
    nav = page.locator("#main-nav")
    funeral_rows = page.locator("tr[data-key^='funeral']")
    async with bureau(live_server) as admin:
        try:
            await sign_in(
                page, url, live_server.admin_username, live_server.admin_password, "/admin"
            )
            await nav.get_by_role("link", name="规划指标").click()
            await expect(page.get_by_role("heading", name="规划指标", exact=True)).to_be_visible()
            await expect(funeral_rows.first).to_be_visible()
            await expect(page.locator("section[data-plugin=funeral] svg").first).to_be_visible()
            await expect(nav.get_by_role("link", name="殡葬减免政策")).to_be_visible()

            await nav.get_by_role("link", name="系统管理").click()
            await page.locator(".subnav").get_by_role("link", name="服务").click()
            await page.locator("#plugin-funeral").get_by_role("button", name="停用").click()
            await page.locator(".confirmation").get_by_role("button", name="停用").click()
            await expect(page.get_by_role("status")).to_contain_text("服务已停用")
            await expect(nav.get_by_role("link", name="殡葬减免政策")).to_have_count(0)

            await nav.get_by_role("link", name="规划指标").click()
            await expect(page.locator("tr[data-key]").first).to_be_visible()
            await expect(funeral_rows).to_have_count(0)
            await expect(page.locator("section[data-plugin=funeral]")).to_have_count(0)
            await snapshot(page, "admin-dashboard-without-funeral")
            response = await page.goto(url + "/funeral/policy")
            assert response is not None and response.status == 404

            await page.goto(url + "/admin/plugins")
            await page.locator("#plugin-funeral").get_by_role("button", name="启用").click()
            await expect(page.get_by_role("status")).to_contain_text("服务已启用")
            await expect(nav.get_by_role("link", name="殡葬减免政策")).to_be_visible()
            await nav.get_by_role("link", name="规划指标").click()
            await expect(funeral_rows.first).to_be_visible()
        finally:
            await admin.call("PATCH", "/api/v1/admin/plugins/funeral", json={"enabled": True})
