"""An organization files its annual report in a real Chromium against ``minzheng serve``:
it signs in at /login, fills the form, saves a draft, completes it and submits."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from tests import factories
from tests.e2e.support import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

PASSWORD = "org-password-1"


async def _set_up(url: str, admin: dict, n: int = 1) -> str:
    """A clerk ``e2e-clerk<n>`` registers an organization and opens its account ``e2e-org<n>``;
    the clock says April 2025. ``n`` keeps each test's people apart on the shared live server."""
    code = factories.uscc("social_group", n, series="B")
    async with httpx.AsyncClient(base_url=url) as http:
        await factories.set_today(http, admin, dt.date(2025, 4, 15))
        r = await http.post(
            "/api/v1/admin/users",
            json={
                "username": f"e2e-clerk{n}",
                "password": PASSWORD,
                "roles": ["clerk"],
                "office_code": "JH01",
            },
            headers=admin,
        )
        assert r.status_code == 201, r.text
        clerk = await factories.sign_in(http, f"e2e-clerk{n}", PASSWORD)
        r = await http.post(
            "/api/v1/orgs/",
            json={
                "uscc": code,
                "name": "江海区浏览器测试协会",
                "kind": "social_group",
                "registered_on": "2023-02-01",
                "legal_representative": "梁美玲",
                "staff_count": 3,
            },
            headers=clerk,
        )
        assert r.status_code == 201, r.text
        r = await http.post(
            f"/api/v1/orgs/{code}/accounts",
            json={"username": f"e2e-org{n}", "password": PASSWORD},
            headers=clerk,
        )
        assert r.status_code == 201, r.text
    return code


async def test_org_fills_saves_and_submits_its_report(live_server, page):
    admin = await live_server.admin_headers()
    code = await _set_up(live_server.url, admin)
    url = live_server.url

    await sign_in(page, url, "e2e-org1", PASSWORD, "/orgs/portal")
    await expect(page.get_by_role("heading", name="年度报告")).to_be_visible()

    await page.get_by_role("link", name="填写 2024 年度报告").click()
    await page.wait_for_url(url + "/orgs/portal/reports/2024")
    await page.get_by_label("业务活动情况").fill("举办社区书画展3场，开展公益培训20期。")
    await page.get_by_label("本年收入（元）").fill("86,500.50")
    await page.get_by_role("button", name="保存草稿").click()
    await expect(page.get_by_role("status")).to_contain_text("草稿已保存")
    await expect(page.get_by_label("本年收入（元）")).to_have_value("86500.50")

    await page.get_by_role("button", name="提交年度报告").click()
    await expect(page.get_by_role("alert")).to_contain_text("草稿已保存，但暂不能提交")
    await expect(page.locator("#f-expenditure_fen-error")).to_contain_text("提交前必须填写")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "social_orgs-report-form-errors.png"
    await page.screenshot(path=str(shot), full_page=True)

    await page.get_by_label("本年支出（元）").fill("80000")
    await page.get_by_label("净资产（元）").fill("15000")
    await page.get_by_label("专职工作人员数").fill("3")
    await page.get_by_label("志愿者人数").fill("45")
    await page.get_by_label("党组织建立情况").select_option("joint")
    await page.get_by_label("负责人变动情况").fill("无")
    await page.get_by_label("接受捐赠（元）").fill("0")
    await page.get_by_role("button", name="提交年度报告").click()
    # complete now, so asked once more on a page of its own: a submitted report cannot change
    await expect(page.get_by_role("heading", name=re.compile("提交后不能修改"))).to_be_visible()
    await page.locator(".confirmation").get_by_role("button", name="提交年度报告").click()
    await page.wait_for_url(url + "/orgs/portal")
    await expect(page.get_by_role("status")).to_contain_text("2024 年度报告已提交")
    await expect(page.get_by_role("link", name="查看 2024 年度报告")).to_be_visible()

    async with httpx.AsyncClient(base_url=url) as http:
        report = (await http.get(f"/api/v1/orgs/{code}/annual-reports/2024", headers=admin)).json()
    assert report["status"] == "submitted" and report["late"] is False
    assert report["revenue_fen"] == 8_650_050 and report["party_organization"] == "joint"


@pytest.mark.phone
async def test_the_registry_form_explains_every_wrong_field_on_a_phone(live_server, page):
    """Issue 14: no browser bubble stops the clerk; one answer lists every problem above the
    form (read first: it takes the focus) and next to each field, in Chinese and in English."""
    admin = await live_server.admin_headers()
    await _set_up(live_server.url, admin, n=2)
    url = live_server.url
    await sign_in(page, url, "e2e-clerk2", PASSWORD, "/orgs/registry")

    for lang, summary_title, names in (
        ("zh", "请修改以下内容", ("组织名称", "法定代表人", "工作人员数")),
        ("en", "Please correct the following", ("name", "legal representative", "staff")),
    ):
        await page.goto(f"{url}/orgs/registry?lang={lang}")
        await page.locator("#f-uscc").fill("51440700MJ0")
        await page.locator("#f-registered_on").fill("2099-01-01")
        await page.locator("#f-legal_representative_id_number").fill("4407041949")
        await page.locator("#f-staff_count").fill("many")
        await page.locator("form[action='/orgs/registry'] button[type=submit]").click()
        summary = page.locator("[data-error-summary]")
        await expect(summary).to_contain_text(summary_title)
        await expect(summary).to_be_focused()
        links = summary.get_by_role("link")
        await expect(links).to_have_count(6)  # code, name, date, representative, id, staff
        for field in ("uscc", "name", "registered_on", "legal_representative", "staff_count"):
            await expect(page.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")
        text = (await page.locator("main").inner_text()).lower()
        assert all(name.lower() in text for name in names)
        await summary.locator("a[href='#f-staff_count']").click()
        await expect(page.locator("#f-staff_count")).to_be_in_viewport()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
