"""The clerk's application form in a real Chromium against ``minzheng serve``: eligibility shown
while typing (before submitting), filing, the street review, then the reviewer's approval."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from tests import factories
from tests.plugins.disability.conftest import district_id

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


async def _setup(live_server) -> tuple[dict[str, str], str]:
    """Staff accounts, the test clock and a roster entry, through the live server's API."""
    headers = await live_server.admin_headers()
    suffix = secrets.token_hex(3)
    users = {"clerk": f"dclerk{suffix}", "reviewer": f"dreviewer{suffix}"}
    number = district_id(dt.date(1996, 8, 8), "female", int(suffix, 16) % 400)
    async with httpx.AsyncClient(base_url=live_server.url, headers=headers) as http:
        for role, username in users.items():
            r = await http.post(
                "/api/v1/admin/users",
                json={
                    "username": username,
                    "password": "browser-password-1",
                    "roles": [role],
                    "office_code": "JH01",
                },
            )
            assert r.status_code == 201, r.text
        await factories.set_today(http, headers, dt.date(2026, 6, 8))
        roster = f"id_number,name,category,valid_from,valid_to\n{number},林小燕,dibao,2025-01-01,\n"
        r = await http.post(
            "/api/v1/rosters/import", files={"file": ("roster.csv", roster.encode(), "text/csv")}
        )
        assert r.status_code in (200, 201) and r.json()["imported"] == 1, r.text
    return users, number


async def _sign_in(page: Page, url: str, username: str, target: str) -> None:
    await page.goto(f"{url}/login?next={target}")
    await page.fill("#f-username", username)
    await page.fill("#f-password", "browser-password-1")
    await page.locator("form[action='/login'] button[type=submit]").click()
    await page.wait_for_url(url + target)


async def test_application_form_preview_review_and_approval(live_server, page) -> None:
    users, number = await _setup(live_server)
    url = live_server.url
    await _sign_in(page, url, users["clerk"], "/disability/apply")

    await page.fill("#f-id_number", number)
    await page.fill("#f-name", "林小燕")
    await page.select_option("#f-category", "5")
    await page.select_option("#f-grade", "3")
    await page.fill("#f-disability_card_no", f"{number}53")
    result = page.locator("#eligibility-body")
    # Shown while typing, before anything is submitted: living yes (dibao), nursing no (grade 3).
    await expect(result).to_contain_text("当月为低保对象")
    await expect(result).to_contain_text("护理补贴限一、二级")
    await expect(result).to_contain_text("可以提交申请")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "disability_apply_preview.png"), full_page=True)

    await page.fill("#f-disability_card_no", f"{number}54")  # a card that disagrees
    await expect(result).to_contain_text("残疾人证号与身份证号、残疾类别或等级不一致")
    await page.fill("#f-disability_card_no", f"{number}53")
    await expect(result).to_contain_text("可以提交申请")

    await page.get_by_role("button", name="提交申请").click()
    await page.wait_for_url(f"{url}/disability/applications/*")
    await expect(page.locator("main")).to_contain_text("待街道审核")
    application_path = page.url.removeprefix(url)

    await page.get_by_label("审核意见（入户核查、材料核对情况）").fill("入户核查属实")
    await page.get_by_role("button", name="街道审核通过").click()
    # a verdict: read back on a page of its own before it is recorded
    await expect(page.locator(".confirmation")).to_contain_text("入户核查属实")
    await page.locator(".confirmation").get_by_role("button", name="街道审核通过").click()
    await expect(page.locator("main")).to_contain_text("待区级审批")

    await page.context.clear_cookies()
    await _sign_in(page, url, users["reviewer"], "/disability/applications")
    await page.goto(url + application_path)
    await page.get_by_role("button", name="批准").click()
    await page.locator(".confirmation").get_by_role("button", name="批准").click()
    await expect(page.locator("main")).to_contain_text("已批准：自申请当月起发放")
    await expect(page.locator("main")).to_contain_text("2026-06")
    await expect(page.locator("main")).to_contain_text("发放中")

    # the payroll's form lines up under its heading (a centred form sat apart from it)
    await page.goto(url + "/disability/payroll")
    heading = await page.locator("#run-title").bounding_box()
    form = await page.locator("#payroll-form").bounding_box()
    assert heading is not None and form is not None
    assert abs(form["x"] - heading["x"]) <= 1, (heading, form)
