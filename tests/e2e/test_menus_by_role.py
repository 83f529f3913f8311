"""Each kind of user gets the menu of their work, built from every enabled service's
``minzheng_menu_items``, and every entry opens a page (issue 7 item 4)."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from tests import factories
from tests.core.support import form_token
from tests.e2e.support import PASSWORD, bureau, unique

pytestmark = pytest.mark.browser

EXPECTED = {
    "citizen": {"/account", "/marriage/book", "/marriage/my", "/disability/apply", "/orgs/"},
    "org": {"/orgs/portal"},
    "clerk": {
        "/marriage/workbench",
        "/funeral/intake",
        "/disability/applications",
        "/orgs/registry",
        "/citizens/verify",
    },
    "reviewer": {
        "/admin/dashboard",
        "/funeral/settlements",
        "/disability/payroll",
        "/orgs/evaluations",
    },
    "admin": {"/admin", "/admin/dashboard", "/marriage/admin/offices", "/funeral/policy"},
}
STAFF_ONLY = {"/admin", "/admin/dashboard", "/marriage/workbench", "/funeral/intake"}


async def _accounts(admin, seq: int) -> dict[str, str]:
    """username per role, each with PASSWORD."""
    names = {role: f"menu-{role}-{seq}" for role in ("clerk", "reviewer", "admin")}
    office = f"M{seq:03d}"
    await admin.registry(office)  # the clerk's own registry
    for role, username in names.items():
        await admin.staff(username, role, office if role == "clerk" else None)
    citizen = factories.id_number(dt.date(1980, 1, 1), "male", "440703", seq)
    await admin.citizen(citizen, "梁建新")
    # Verified at a window: the citizen's menu also leads to records about the person.
    await admin.verify_at_window(names["clerk"], citizen)
    code = factories.uscc("social_group", 500 + seq, series="E")
    await admin.call(
        "POST",
        "/api/v1/orgs/",
        await admin.token(names["clerk"]),
        json={
            "uscc": code,
            "name": f"江海区菜单测试{seq}号协会",
            "kind": "social_group",
            "registered_on": "2024-01-05",
            "legal_representative": "邓翠萍",
            "staff_count": 1,
        },
    )
    await admin.call(
        "POST",
        f"/api/v1/orgs/{code}/accounts",
        await admin.token(names["clerk"]),
        json={"username": f"menu-org-{seq}", "password": PASSWORD},
    )
    return {**names, "citizen": citizen, "org": f"menu-org-{seq}"}


def menu_links(html: str) -> dict[str, str]:
    nav = html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    return dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav))


async def test_every_role_sees_its_own_menu_and_every_entry_opens(live_server):
    async with bureau(live_server) as admin:
        accounts = await _accounts(admin, unique())
        for role, username in accounts.items():
            async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as browser:
                token = await form_token(browser)
                r = await browser.post(
                    "/login", data={"username": username, "password": PASSWORD, "_csrf": token}
                )
                assert r.status_code == 303, (role, r.text[:300])
                home = (await browser.get("/")).text
                links = menu_links(home)
                assert EXPECTED[role] <= set(links), (role, links)
                if role in ("citizen", "org"):
                    assert not STAFF_ONLY & set(links), (role, links)
                    assert 'role="search"' not in home
                else:
                    assert 'role="search"' in home
                for href, label in links.items():
                    page = await browser.get(href)
                    assert page.status_code == 200, (role, label, href, page.status_code)
                    assert "<h1" in page.text, (role, href)
