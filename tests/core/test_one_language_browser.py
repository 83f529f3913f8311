"""One language per page as a person sees it (issue 14 item 3): in Chromium, the English pages
that used to mix in Chinese (the audit log, the holiday calendar, the public marriage page) show
no Chinese character outside what the page marks as data (``translate="no"``) or as another
language (``lang``). tests/core/test_one_language_per_page.py crawls every page over HTTP; this
checks the rendered page: only text a reader can see counts."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.core.test_pages_browser import shot, sign_in

pytestmark = pytest.mark.browser

OFFICE = {"code": "LG01", "name": "江海区单语检查婚姻登记处", "division_code": "440704"}

# Visible text nodes and the visible labels of elements (title, aria-label, placeholder, alt),
# leaving out data and text marked as another language than the page's.
VISIBLE_TEXT = """() => {
  const page = document.documentElement.lang;
  const outside = (el) => !el.closest('[translate="no"]') &&
    !el.closest(`[lang]:not([lang="${page}"])`) && el.checkVisibility();
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (node.textContent.trim() && !['SCRIPT', 'STYLE'].includes(el.tagName) && outside(el)) {
      texts.push(node.textContent.trim());
    }
  }
  for (const el of document.body.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    if (outside(el)) {
      for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
        if (el.getAttribute(name)) texts.push(el.getAttribute(name));
      }
    }
  }
  return texts;
}"""
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


async def chinese_outside_data(page: Page) -> list[str]:
    return [text for text in await page.evaluate(VISIBLE_TEXT) if CJK.search(text)]


async def test_english_pages_show_chinese_only_as_data(live_server, page):
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        r = await http.post(
            "/api/v1/marriage/offices", json=OFFICE, headers=await live_server.admin_headers()
        )
        assert r.status_code in (201, 409), r.text  # 409: an earlier run on this server
    await sign_in(page, live_server.url, live_server.admin_username, live_server.admin_password)
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")

    for path in ("/admin/audit", "/admin/calendar?year=2026", "/marriage/"):
        await page.goto(live_server.url + path)
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        assert await chinese_outside_data(page) == [], path
        await shot(page, "one-language-en" + re.sub(r"\W+", "-", path).rstrip("-"))

    # the check sees data: the office's name is on the page, marked, and nothing else is Chinese
    office = page.locator('[translate="no"]', has_text=OFFICE["name"]).first
    await expect(office).to_be_visible()
    await page.goto(live_server.url + "/admin/audit")
    await expect(page.get_by_role("cell", name="Registry office added").first).to_be_visible()
