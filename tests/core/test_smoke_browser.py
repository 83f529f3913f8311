import pytest

pytestmark = pytest.mark.browser


@pytest.mark.phone
async def test_home_page_in_chromium(live_server, page):
    await page.goto(live_server.url + "/")
    assert await page.title()
    assert "婚姻登记" in await page.content()
