"""The clerk's intake form in a real Chromium against ``minzheng serve`` (issue 4 item 5): look
the deceased up, see the roster and the decision before saving, save, reach the notice PDF."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import httpx
import pytest
from playwright.async_api import expect

from tests.plugins.funeral.support import HOME, person_number

pytestmark = pytest.mark.browser


async def _clerk_and_roster(live_server, number: str) -> tuple[str, str]:
    """A clerk account and a roster entry, set up through the server's own API."""
    username, password = f"funeral-clerk-{secrets.token_hex(3)}", "clerk-password-1"
    admin = await live_server.admin_headers()
    async with httpx.AsyncClient(base_url=live_server.url, headers=admin) as http:
        r = await http.post(
            "/api/v1/admin/users",
            json={
                "username": username,
                "password": password,
                "roles": ["clerk"],
                "office_code": "JH01",
            },
        )
        assert r.status_code == 201, r.text
        roster = f"id_number,name,category,valid_from,valid_to\n{number},邓伯,dibao,2020-01-01,\n"
        r = await http.post(
            "/api/v1/rosters/import", files={"file": ("roster.csv", roster.encode(), "text/csv")}
        )
        assert r.json()["imported"] == 1, r.text
    return username, password


async def _sideways_overflow(page) -> int:
    return await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.phone
async def test_clerk_intake_form_in_chromium(live_server, page):
    number = person_number(dt.date(1936, 10, 1), "male", seq=secrets.randbelow(400))
    died_on = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    username, password = await _clerk_and_roster(live_server, number)

    await page.goto(live_server.url + "/login?next=/funeral/intake")
    await page.get_by_label("用户名或身份证号").fill(username)
    await page.get_by_label(re.compile("^密码")).fill(password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(live_server.url + "/funeral/intake")

    await page.get_by_label("身份证号码", exact=True).fill(number)
    await page.get_by_label(re.compile("^死亡日期")).fill(died_on)
    await page.get_by_role("button", name="查询并核对资格").click()
    verdict = page.locator("#verdict")
    await expect(verdict).to_contain_text("符合减免条件：低保对象")
    await expect(page.locator("#preview")).to_contain_text("邓伯")
    await expect(page.locator("#preview").get_by_text("有效", exact=True)).to_be_visible()

    await page.get_by_label(re.compile("^殡仪馆")).fill(HOME)
    await page.get_by_label(re.compile("^申请人 ?\\*?$")).fill("邓明")
    await page.get_by_label(re.compile("^申请人电话")).fill("13800138000")
    await page.get_by_label(re.compile("^与逝者关系")).fill("儿子")
    await page.get_by_label("遗体接运", exact=True).fill("600")
    await page.get_by_label("遗体火化", exact=True).fill("250")
    await page.get_by_role("button", name="预览减免金额").click()
    await expect(page.locator("#preview")).to_contain_text("730.00")  # 480 + 250
    await expect(page.get_by_label("遗体接运", exact=True)).to_have_value("600")  # kept
    assert await _sideways_overflow(page) == 0  # the form fits a phone

    await page.get_by_role("button", name="保存减免记录").click()
    confirmation = page.locator(".confirmation")  # the decision and amount, read back once more
    await expect(confirmation).to_contain_text("730.00")
    assert await _sideways_overflow(page) == 0
    await confirmation.get_by_role("button", name="保存减免记录").click()
    await page.wait_for_url(re.compile(r"/funeral/waivers/\d+$"))
    await expect(page.get_by_role("status").first).to_contain_text("已保存：予以减免")
    notice = page.get_by_role("link", name="打印减免通知书（PDF）")
    response = await page.request.get(live_server.url + await notice.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert await _sideways_overflow(page) == 0
