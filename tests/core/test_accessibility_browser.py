"""Accessibility as a person with a screen reader, a phone or weak eyes meets it (issue 14, "How it
is checked"): every role of the authorization world (tests/core/authz_world.py, the personas of
tests/core/test_one_language_per_page.py) walks a representative page of each shape — home,
lists, detail pages, forms, a form sent back with its error summary, a confirmation step — in a
real Chromium, on a desktop and a phone, in Chinese and in English. axe-core (the copy bundled by
the ``axe-playwright-python`` package) checks each page; any ``critical`` or ``serious`` finding
fails, named by rule, element and page. On a phone no page may scroll sideways.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from tests.core import authz_world as W
from tests.core.test_one_language_per_page import refused_forms
from tests.e2e.support import sign_in

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}
MISTYPED = "/no-such-page"
SERIOUS = {"critical", "serious"}


def walks(world: W.World) -> dict[str, list[str]]:
    """persona → the pages it walks: one of each shape its role is shown (``path -> selector``:
    that page, then the one its first link matching ``selector`` leads to)."""
    ids = world.ids
    return {
        "anonymous": [
            "/",
            "/login",
            "/signup",
            "/password-reset",
            "/marriage/",
            "/orgs/",
            "/funeral/",
            "{0.path}?{0.query}".format(urlsplit(ids["registration_verify_url"])),
            MISTYPED,
        ],
        "citizen_a": [
            "/",
            "/account",
            "/marriage/book",
            f"/marriage/book/{W.OFFICE_X}",
            f"/marriage/book/{W.OFFICE_X}/2026-06-02",
            f"/marriage/slot/{ids['slots'][1]}",
            "/marriage/my",
            f"/marriage/my/{ids['appointment']}",
            "/disability/",
            "/disability/apply",
        ],
        "citizen_unverified": ["/", "/activate"],
        "org_a": ["/", "/orgs/portal", "/orgs/portal/reports/2025"],
        "clerk_x": [
            "/",
            "/marriage/workbench",
            "/marriage/workbench/register",
            f"/marriage/workbench/registrations/{ids['registration']}",
            f"/marriage/workbench/divorce/{ids['divorce']}",
            "/marriage/workbench/tasks",
            "/marriage/workbench/divorce",
            "/marriage/workbench/reissue",
            "/marriage/workbench/status",
            "/orgs/inspections",
            "/orgs/abnormal",
            "/orgs/tasks",
            f"/orgs/reports/{W.ORG_A}/2024",
            "/disability/applications",
            "/disability/beneficiaries",
            "/funeral/intake",
            "/funeral/waivers",
            f"/funeral/waivers/{ids['waiver']}",
            "/orgs/registry",
            "/disability/reviews",
            f"/disability/applications/{ids['disability']}",
            f"/search?q={W.A} -> a[href^='/search/people/']",
        ],
        "reviewer": [
            "/",
            "/orgs/evaluations",
            f"/orgs/{W.ORG_A}",
            "/orgs/spot-checks",
            "/funeral/settlements",
            "/disability/payroll",
            f"/disability/payroll/{W.MONTH}",
        ],
        "admin": [
            "/",
            "/admin",
            "/admin/users",
            "/admin/plugins",
            "/admin/audit",
            "/admin/dashboard",
            "/admin/calendar?year=2026",
            f"/marriage/admin/offices -> a[href='/marriage/admin/offices/{W.OFFICE_X}']",
            "/admin/plan",
            "/admin/outbox",
            "/marriage/admin/blocks",
            "/funeral/policy",
            "/disability/standards",
        ],
    }


@pytest.fixture(scope="module")
async def walk(live_server_factory) -> tuple[str, W.World]:
    """A server of its own holding the authorization world, built through its API (and, for
    what the world makes directly in the database, through this process bound to its database)."""
    from core import db as core_db
    from tests.fixtures.engines import use_url

    server = live_server_factory()
    url = server.env["MINZHENG_DATABASE_URL"]
    use_url(url)
    core_db.use_database(url)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        world = await W.build(http)
    return server.url, world


async def visit(page: Page, url: str) -> None:
    response = await page.goto(url)
    assert response is not None, url
    # every page walked is one the role is shown, but for the page of a mistyped address
    assert response.status == (404 if url.endswith(MISTYPED) else 200), (url, response.status)


# Fill the form holding the first field with what a person typed, and send it.
FILL_AND_SEND = """(data) => {
  const form = document.querySelector(`main form [name="${Object.keys(data)[0]}"]`).form;
  for (const [name, value] of Object.entries(data)) {
    for (const field of form.querySelectorAll(`[name="${name}"]`)) {
      const choice = field.type === 'checkbox' || field.type === 'radio';
      if (choice) field.checked = field.value === value; else field.value = value;
    }
  }
  form.querySelector('button[type=submit], button:not([type]), input[type=submit]').click();
}"""


async def send_back(page: Page, data: dict[str, str]) -> None:
    """A form filled in wrongly and sent: the page that answers is the form with its problems."""
    async with page.expect_navigation():
        await page.evaluate(FILL_AND_SEND, data)


# How far the page is wider than the screen, and elements sticking out: outside a table's own
# scroll region, or placed absolutely (which escapes it).
SIDEWAYS = """() => {
  const wider = document.documentElement.scrollWidth - window.innerWidth;
  if (wider <= 0) return null;
  const out = [...document.body.querySelectorAll('*')].filter((el) =>
    el.getBoundingClientRect().right > window.innerWidth + 1 &&
    (!el.closest('.table-wrap') || getComputedStyle(el).position === 'absolute'));
  return [wider, ...out.slice(-3).map((el) => el.outerHTML.slice(0, 80))];
}"""


async def open_menu(page: Page, phone: bool) -> bool:
    """Unfold the menu as a person does: the phone's menu button, or a group of the desktop's
    menu. False when there is nothing to unfold."""
    toggle = page.locator("[data-nav-toggle]") if phone else page.locator("[data-nav-group]")
    if not await toggle.count() or not await toggle.first.is_visible():
        return False
    await (toggle if phone else toggle.first.locator("summary")).first.click()
    return True


async def check(page: Page, axe: Axe, lang: str, where: str, phone: bool) -> list[str]:
    """The page's serious accessibility findings (and, on a phone, a sideways scroll)."""
    assert (await page.get_attribute("html", "lang") or "").startswith(lang), where
    results = await axe.run(page)
    findings = [
        f"{where}: {v['id']} ({v['impact']}) at {', '.join(map(str, node['target']))} — {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
        for node in v["nodes"]
    ]
    if phone and (wider := await page.evaluate(SIDEWAYS)):
        findings.append(f"{where}: scrolls sideways by {wider[0]}px at {', '.join(wider[1:])}")
    return findings


@dataclass
class Walker:
    """One persona's tab in one viewport and language, and what it found."""

    page: Page
    axe: Axe
    viewport: str
    lang: str
    persona: str
    walked: int = 0
    findings: list[str] = field(default_factory=list)

    async def look(self, what: str) -> None:
        where = f"{self.viewport} {self.lang} {self.persona} {what}"
        self.findings += await check(
            self.page, self.axe, self.lang, where, self.viewport == "phone"
        )
        self.walked += 1


async def walk_as(browser, base: str, world: W.World, persona: str, viewport: str, lang: str):
    context = await browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    page = await context.new_page()
    if persona != "anonymous":
        await sign_in(page, base, *world.credentials[persona], "/")
    await context.add_cookies([{"name": "mz_lang", "value": lang, "url": base}])
    walker = Walker(page, Axe(), viewport, lang, persona)
    for entry in walks(world)[persona]:
        path, _, link = entry.partition(" -> ")
        await visit(page, base + path)
        await walker.look(path)
        if path == "/" and await open_menu(page, viewport == "phone"):
            await walker.look("menu")
        if link:  # and a record that list links to
            record = await page.locator(link).first.get_attribute("href")
            await visit(page, base + record)
            await walker.look(record)
    for path, data in refused_forms(world).get(persona, []):
        await page.goto(base + path)
        await send_back(page, data)
        summary = page.locator(".error-summary, [role=alert]").first
        assert await summary.is_visible(), (persona, path, "no error summary")
        await walker.look(f"POST {path}")
    if persona == "admin":  # a confirmation step: switching a service off asks first
        await page.goto(base + "/admin/plugins")
        await page.locator("#plugin-funeral form button[type=submit]").first.click()
        await page.locator(".confirmation").wait_for()
        await walker.look("confirm")
    await context.close()
    return walker


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_every_role_walks_pages_without_serious_accessibility_findings(
    walk, browser, viewport, lang
):
    base, world = walk
    # the roles walk side by side, each in its own browser context (Chromium uses every core)
    walkers = await asyncio.gather(
        *(walk_as(browser, base, world, persona, viewport, lang) for persona in walks(world))
    )
    walked = sum(w.walked for w in walkers)
    print(f"{viewport} {lang}: {walked} pages walked")
    assert walked >= 70
    findings = [finding for w in walkers for finding in w.findings]
    assert not findings, "\n".join(findings)
