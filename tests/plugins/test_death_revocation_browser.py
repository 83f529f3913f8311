"""Issue 11 items 6 and 7 in a real Chromium against ``minzheng serve``: a clerk records a change
of legal representative from the tasks page; a reviewer revokes a death recorded in error from the
person's page (reason and confirmation), and the task that death opened disappears."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import expect

from tests import factories
from tests.e2e.support import PASSWORD, Bureau, bureau, sign_in

pytestmark = pytest.mark.browser


async def _set_up(b: Bureau) -> tuple[str, str, str, str]:
    first = factories.id_number(dt.date(1958, 1, 2), "male", "440704", 7)
    second = factories.id_number(dt.date(1961, 3, 4), "male", "440704", 8)
    code_a, code_b = (factories.uscc("social_group", n, series="D") for n in (1, 2))
    await b.set_today(dt.date(2026, 3, 20))
    clerk = await b.staff("br-clerk", "clerk", "JH01")
    await b.staff("br-reviewer", "reviewer", "JH01")
    for code, org, rep, rep_name in (
        (code_a, "江海区书画协会", first, "黄德明"),
        (code_b, "江海区侨联之友会", second, "梁志强"),
    ):
        body = {
            "uscc": code,
            "name": org,
            "kind": "social_group",
            "registered_on": "2018-06-01",
            "legal_representative": rep_name,
            "legal_representative_id_number": rep,
            "staff_count": 2,
        }
        await b.call("POST", "/api/v1/orgs/", clerk, json=body)
        await b.call("PATCH", f"/api/v1/people/{rep}", clerk, json={"deceased_on": "2026-03-18"})
    return code_a, code_b, first, second


async def _sign_in(page, url: str, username: str, target: str) -> None:
    await page.context.clear_cookies()
    await sign_in(page, url, username, PASSWORD, target)


async def test_tasks_page_and_revoking_a_death_from_the_person_page(live_server, page):
    url = live_server.url
    async with bureau(live_server) as b:  # the test clock is cleared afterwards
        code_a, code_b, _first, second = await _set_up(b)

        # The clerk sees both tasks and records the change for the first organization.
        await _sign_in(page, url, "br-clerk", "/orgs/tasks")
        await expect(page.get_by_role("heading", name="社会组织待办")).to_be_visible()
        panel = page.locator("section", has_text=code_a)
        await expect(page.locator("section", has_text=code_b)).to_be_visible()
        await panel.get_by_label("新任法定代表人").fill("陈美华")
        await panel.get_by_role("button", name="办理变更登记").click()
        await expect(page.locator(".confirmation")).to_contain_text("陈美华")  # asked once more
        await page.locator(".confirmation").get_by_role("button", name="办理变更登记").click()
        await expect(page.get_by_text("法定代表人变更登记已办理。")).to_be_visible()
        await expect(page.locator("section", has_text=code_a)).to_have_count(0)

        # The reviewer finds the second representative and revokes the death recorded in error.
        await _sign_in(page, url, "br-reviewer", f"/search?q={second}")
        await page.get_by_role("link", name=re.compile("梁\\*强")).first.click()
        await expect(page.get_by_role("heading", name="死亡登记更正")).to_be_visible()
        await page.get_by_label("原因").fill("误将他人的死亡证明登记在其名下")
        await page.get_by_role("button", name="撤销死亡登记").click()
        # It cannot be undone from the page: asked once more, with the reason shown.
        await expect(page.get_by_text("误将他人的死亡证明登记在其名下")).to_be_visible()
        await page.get_by_role("button", name="撤销死亡登记").click()
        await expect(page.get_by_text("死亡登记已撤销")).to_be_visible()
        await expect(page.get_by_role("heading", name="死亡登记更正")).to_have_count(0)

        # The task that death opened is gone.
        await _sign_in(page, url, "br-clerk", "/orgs/tasks")
        await expect(page.get_by_text("没有待办事项。")).to_be_visible()
