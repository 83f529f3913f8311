"""The core pages in a real Chromium against ``minzheng serve`` (issue 2 item 10, issue 7 items
4 and 5): signing in and out on a phone, a citizen signing up, an admin switching a service off
and on, and every page fitting a 360 px wide phone. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


async def shot(page: Page, name: str) -> None:
    """A full-page screenshot for people to look at (test-artifacts/<name>.png)."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def sign_in(page: Page, url: str, username: str, password: str) -> None:
    await page.goto(url + "/login")
    await page.get_by_label("用户名或身份证号").fill(username)
    await page.get_by_label(re.compile("^密码")).fill(password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(url + "/")


async def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.phone
async def test_sign_in_and_out_on_a_phone(live_server, page):
    await sign_in(page, live_server.url, live_server.admin_username, live_server.admin_password)
    nav = page.locator("#main-nav")
    menu = page.get_by_role("button", name="菜单")
    await expect(nav).to_be_hidden()  # folded away on a phone
    await menu.click()
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await expect(nav.get_by_text(live_server.admin_username)).to_be_visible()
    await expect(nav.get_by_role("link", name="系统管理")).to_be_visible()
    assert await sideways_overflow(page) == 0
    await shot(page, "pages-phone-menu-open")

    await nav.get_by_role("button", name="退出登录").click()
    await page.wait_for_url(live_server.url + "/")
    await expect(page.get_by_role("status")).to_contain_text("您已退出登录")
    await page.get_by_role("button", name="菜单").click()
    await expect(page.locator("#main-nav").get_by_role("link", name="登录")).to_be_visible()
    await page.goto(live_server.url + "/admin")
    await page.wait_for_url(re.compile(r"/login\?next=/admin$"))  # the session is over


@pytest.mark.phone
async def test_a_citizen_signs_up_on_a_phone(live_server, page, id_number):
    number = id_number(dt.date(1996, 2, 29), "female", seq=dt.datetime.now().microsecond % 400)
    await page.goto(live_server.url + "/")
    await page.get_by_role("link", name="注册账号").click()
    await page.get_by_label("身份证号码").fill(number)
    await page.get_by_label("姓名").fill("黄丽萍")
    await page.get_by_label("手机号码").fill("13712345678")
    await page.get_by_label(re.compile("^密码")).fill("citizen-pass-1")
    await page.get_by_label("确认密码").fill("citizen-pass-2")
    await page.get_by_role("button", name="创建账号").click()

    error = page.locator("#f-password_again-error")
    await expect(error).to_have_text("两次输入的密码不一致。")
    await expect(page.get_by_label("姓名")).to_have_value("黄丽萍")  # nothing typed is lost
    assert await sideways_overflow(page) == 0
    await shot(page, "pages-phone-signup-error")

    await page.get_by_label(re.compile("^密码")).fill("citizen-pass-1")
    await page.get_by_label("确认密码").fill("citizen-pass-1")
    await page.get_by_role("button", name="创建账号").click()
    # A new account lands on its account page, which asks for the code sent to the phone.
    await page.wait_for_url(live_server.url + "/account")
    await expect(page.get_by_role("status")).to_contain_text("您的账号已创建。")
    await expect(page.locator('[data-verification="unverified"]')).to_be_visible()


async def test_an_admin_switches_a_service_off_and_on(live_server, page):
    await sign_in(page, live_server.url, live_server.admin_username, live_server.admin_password)
    card = page.locator('[data-service="marriage"]')
    menu_entries = page.locator('#main-nav a[href^="/marriage"]')
    await expect(card).to_be_visible()
    entries_before = await menu_entries.count()

    await page.get_by_role("link", name="系统管理").click()
    await page.get_by_role("navigation", name="系统管理").get_by_role("link", name="服务").click()
    row = page.locator("#plugin-marriage")
    await row.get_by_role("button", name="停用").click()
    # the confirmation step (issue 14): nothing is switched until it is confirmed
    await expect(page.get_by_role("heading", name="确认停用婚姻登记？")).to_be_visible()
    await page.locator(".confirmation").get_by_role("button", name="停用").click()
    await expect(page.get_by_role("status")).to_contain_text("服务已停用")
    await expect(row).to_contain_text("已停用")
    await shot(page, "pages-desktop-admin-plugins")

    await page.goto(live_server.url + "/")
    await expect(card).to_have_count(0)
    await expect(menu_entries).to_have_count(0)
    assert (await page.request.get(live_server.url + "/api/v1/marriage/")).status == 404

    await page.goto(live_server.url + "/admin/plugins")
    await row.get_by_role("button", name="启用").click()
    await expect(page.get_by_role("status")).to_contain_text("服务已启用")
    await page.goto(live_server.url + "/")
    await expect(card).to_be_visible()
    await expect(menu_entries).to_have_count(entries_before)


PUBLIC_PAGES = ["/", "/login", "/signup", "/verify/NO-SUCH-1?c=x", "/no/such/page"]
ADMIN_PAGES = ["/", "/admin", "/admin/plugins", "/admin/users", "/admin/audit", "/admin/outbox"]


@pytest.mark.parametrize("width", [360, 1280])
async def test_every_core_page_fits_the_screen(live_server, page, width):
    await page.set_viewport_size({"width": width, "height": 800})
    visits = [("visitor", path) for path in PUBLIC_PAGES] + [("admin", p) for p in ADMIN_PAGES]
    for who, path in visits:
        if who == "admin" and path == ADMIN_PAGES[0]:
            await sign_in(
                page, live_server.url, live_server.admin_username, live_server.admin_password
            )
        await page.goto(live_server.url + path)
        await expect(page.locator("h1")).to_have_count(1)
        assert await sideways_overflow(page) == 0, path
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        await shot(page, f"pages-{width}-{who}-{name}")
    await page.goto(live_server.url + "/admin/users?lang=en")
    await expect(page.locator("h1")).to_have_text("Staff accounts")
    await shot(page, f"pages-{width}-admin-users-en")
    await page.goto(live_server.url + "/?lang=zh")


async def test_menu_groups_open_one_at_a_time_and_close_on_a_click_elsewhere(live_server, page):
    await sign_in(page, live_server.url, live_server.admin_username, live_server.admin_password)
    groups = page.locator("[data-nav-group]")
    if await groups.count() == 0:
        pytest.skip("no service offers this admin more than one menu entry")
    first = groups.first
    await first.locator("summary").click()
    await expect(first.locator("ul")).to_be_visible()
    await shot(page, "pages-desktop-menu-group-open")
    if await groups.count() > 1:
        await groups.nth(1).locator("summary").click()
        await expect(first.locator("ul")).to_be_hidden()
    await page.locator("footer").click()
    await expect(page.locator("[data-nav-group][open]")).to_have_count(0)
    await first.locator("summary").click()
    await page.keyboard.press("Escape")
    await expect(first.locator("ul")).to_be_hidden()
    await expect(first.locator("summary")).to_be_focused()


async def test_a_printout_keeps_the_content_and_drops_the_controls(live_server, page):
    await sign_in(page, live_server.url, live_server.admin_username, live_server.admin_password)
    await page.goto(live_server.url + "/admin/audit")
    await page.emulate_media(media="print")
    await expect(page.locator(".site-header")).to_be_hidden()
    await expect(page.locator("form.filters")).to_be_hidden()
    await expect(page.get_by_role("button", name="校验日志链")).to_be_hidden()
    await expect(page.locator("table.data")).to_be_visible()
    await expect(page.locator("h1")).to_have_text("审计日志")
    await shot(page, "pages-print-admin-audit")
