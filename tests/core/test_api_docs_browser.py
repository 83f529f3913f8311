"""Issue 14 item 8: the ``/schema`` API documentation renders in a real Chromium from this
server's own files — under the CSP, with no request leaving the server (this network reaches
no CDN) — so an integrator can read the API in a browser here."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import expect

pytestmark = pytest.mark.browser


async def test_api_docs_render_offline_under_the_csp(live_server, page):
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    own = urlsplit(live_server.url).netloc
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url)
            if urlsplit(r.url).netloc not in (own, "") and not r.url.startswith("data:")
            else None
        ),
    )
    response = await page.goto(live_server.url + "/schema")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("Minzheng")
    operations = page.locator(".opblock-summary-path")
    await expect(operations.first).to_be_visible()
    paths = await operations.all_inner_texts()
    assert any("/api/v1/marriage/appointments" in p.replace("\u200b", "") for p in paths)
    assert elsewhere == []  # nothing from a CDN
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
