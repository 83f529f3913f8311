"""A social organization signs in with the account the bureau opened for it and files its annual
report (issue 7 item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.async_api import expect

from tests import factories
from tests.e2e.support import PASSWORD, bureau, sign_in, snapshot, unique

pytestmark = pytest.mark.browser


async def test_an_organization_files_its_annual_report(live_server, page):
    url = live_server.url
    seq = unique()
    code = factories.uscc("social_group", seq, series="E")
    account = f"org-{seq}-{code[-4:].lower()}"
    async with bureau(live_server) as admin:
        await admin.set_today(dt.date(2026, 4, 15))  # the 2025 report is due by 31 May
        clerk = await admin.staff(f"orgclerk-{seq}-{code[-4:].lower()}", "clerk", "JH01")
        await admin.call(
            "POST",
            "/api/v1/orgs/",
            clerk,
            json={
                "uscc": code,
                "name": f"江海区旅程{seq}号志愿服务协会",
                "kind": "social_group",
                "registered_on": "2025-03-01",
                "legal_representative": "何少芬",
                "staff_count": 2,
            },
        )
        await admin.call(
            "POST",
            f"/api/v1/orgs/{code}/accounts",
            clerk,
            json={"username": account, "password": PASSWORD},
        )

        await sign_in(page, url, account, PASSWORD, "/orgs/portal")
        await page.get_by_role("link", name="填写 2025 年度报告").click()
        await page.get_by_label("业务活动情况").fill("开展长者探访42次，组织社区义诊6场。")
        await page.get_by_label("本年收入（元）").fill("52,300")
        await page.get_by_label("本年支出（元）").fill("48000.5")
        await page.get_by_label("净资产（元）").fill("12000")
        await page.get_by_label("专职工作人员数").fill("2")
        await page.get_by_label("志愿者人数").fill("60")
        await page.get_by_label("党组织建立情况").select_option("joint")
        await page.get_by_label("负责人变动情况").fill("无")
        await page.get_by_label("接受捐赠（元）").fill("3000")
        await snapshot(page, "org-report-filled")
        await page.get_by_role("button", name="提交年度报告").click()
        # asked once more on a page of its own: a submitted report cannot change
        await page.locator(".confirmation").get_by_role("button", name="提交年度报告").click()
        await page.wait_for_url(url + "/orgs/portal")
        await expect(page.get_by_role("status")).to_contain_text("2025 年度报告已提交")

        report = await admin.call("GET", f"/api/v1/orgs/{code}/annual-reports/2025")
        assert report["status"] == "submitted" and report["late"] is False
        assert report["revenue_fen"] == 5_230_000 and report["expenditure_fen"] == 4_800_050
