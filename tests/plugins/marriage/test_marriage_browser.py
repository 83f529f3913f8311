"""The two flows people use most, in a real Chromium against ``minzheng serve``: a citizen books
on a phone, and a clerk registers a couple from the workbench and downloads the certificate."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import httpx
import pypdf
import pytest

from tests import factories
from tests.plugins.marriage.support import API, couple

pytestmark = pytest.mark.browser
DAY = dt.date(2026, 6, 1)  # a Monday
PASSWORD = "browser-pass-1"


async def _setup(live_server, office: str) -> tuple[httpx.AsyncClient, dict[str, str]]:
    http = httpx.AsyncClient(base_url=live_server.url, timeout=30)
    admin = await live_server.admin_headers()
    await factories.set_today(http, admin, DAY)
    r = await http.post(
        f"{API}/offices",
        json={"code": office, "name": f"江海区婚姻登记处{office}", "division_code": "440704"},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    slots = [{"start": "09:00", "end": "09:30", "capacity": 3}]
    r = await http.put(
        f"{API}/offices/{office}/schedule",
        json={"slots": slots, "horizon_days": 7},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    return http, admin


async def _citizen(http: httpx.AsyncClient, id_number: str, name: str) -> dict[str, str]:
    r = await http.post(
        "/api/v1/citizens",
        json={"id_number": id_number, "name": name, "phone": "13800000000", "password": PASSWORD},
    )
    assert r.status_code == 201, r.text
    return await factories.sign_in(http, id_number, PASSWORD)


async def _sign_in(page, live_server, username: str, target: str) -> None:
    await page.goto(f"{live_server.url}/login?next={target}")
    await page.fill("#f-username", username)
    await page.fill("#f-password", PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url(f"**{target}")


@pytest.mark.phone
async def test_a_citizen_books_and_cancels_on_a_phone(live_server, page):
    office = f"P{uuid.uuid4().hex[:6].upper()}"
    http, admin = await _setup(live_server, office)
    man, woman = couple(int(uuid.uuid4().int % 400) + 100)
    try:
        await _citizen(http, man, "王强")
        await _sign_in(page, live_server, man, "/marriage/book")
        await page.click(f"a[href='/marriage/book/{office}']")
        await page.click(f"a[href='/marriage/book/{office}/2026-06-02']")  # a Tuesday
        await page.wait_for_url(f"**/marriage/book/{office}/2026-06-02")
        await page.click(".slot-grid a.slot-item >> nth=0")
        await page.fill("#f-partner_id_number", woman)
        await page.fill("#f-partner_name", "李芳")
        await page.get_by_role("button", name="确认预约").click()
        code = (await page.locator("[data-booking-code]").inner_text()).strip()
        assert len(code) == 10
        assert "预约成功" in await page.content()
        r = await http.get(f"{API}/appointments/{code}", headers=admin)
        assert r.status_code == 404  # the admin is neither the booker nor a clerk
        await page.click("main a[href='/marriage/my']")
        assert code in await page.content()
        await page.click(f"a[href='/marriage/my/{code}']")
        await page.get_by_role("button", name="取消预约").click()
        # asked on a page of its own, in the page's language, fitting the phone
        question = page.get_by_role("heading", name="确定取消预约？名额将释放给他人。")
        await question.wait_for()
        assert code in await page.locator(".confirmation").inner_text()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.locator(".confirmation").get_by_role("button", name="取消预约").click()
        await page.wait_for_url("**/marriage/my")
        assert "已取消" in await page.content()
        # the viewport is a phone's and nothing overflows sideways
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        await factories.set_today(http, admin, None)
        await http.aclose()


async def test_a_clerk_registers_from_the_workbench_and_downloads_the_certificate(
    live_server, page
):
    office = f"W{uuid.uuid4().hex[:6].upper()}"
    http, admin = await _setup(live_server, office)
    man, woman = couple(int(uuid.uuid4().int % 400) + 500)
    clerk = f"clerk-{office.lower()}"
    try:
        r = await http.post(
            "/api/v1/admin/users",
            json={
                "username": clerk,
                "password": PASSWORD,
                "roles": ["clerk"],
                "office_code": office,
            },
            headers=admin,
        )
        assert r.status_code == 201, r.text
        booker = await _citizen(http, man, "王强")
        slot = (
            await http.get(
                f"{API}/slots", params={"office": office, "from": "2026-06-02", "to": "2026-06-02"}
            )
        ).json()[0]
        r = await http.post(
            f"{API}/appointments",
            json={
                "slot_id": slot["id"],
                "service": "marriage",
                "partner": {"id_number": woman, "name": "李芳"},
            },
            headers=booker,
        )
        code = r.json()["code"]
        await factories.set_today(http, admin, dt.date(2026, 6, 2))

        await _sign_in(page, live_server, clerk, "/marriage/workbench")
        row = page.locator("tr", has_text=code)
        await row.get_by_role("button", name="签到").click()
        await page.wait_for_url("**/marriage/workbench")
        assert "已签到" in await page.locator("tr", has_text=code).inner_text()
        await page.locator("tr", has_text=code).get_by_role("link", name="办理登记").click()
        assert await page.input_value("#f-a_id_number") == man
        assert await page.input_value("#f-b_id_number") == woman
        await page.fill("#f-a_hukou_division", "440704")
        await page.fill("#f-b_hukou_division", "110105")
        await page.get_by_role("button", name="登记并发证").click()
        assert "无禁止结婚亲属关系" in await page.content()  # the declaration is not ticked
        await page.check("input[name=kinship]")
        await page.get_by_role("button", name="登记并发证").click()
        # read back once more before the certificates are issued
        confirmation = page.locator(".confirmation")
        assert (
            "王强" in await confirmation.inner_text() and woman in await confirmation.inner_text()
        )
        await confirmation.get_by_role("button", name="登记并发证").click()
        await page.wait_for_url("**/marriage/workbench/registrations/*")
        content = await page.content()
        assert "结婚登记已办结" in content and "J440704-2026-" in content
        link = page.locator("[data-print-certificate]")
        href = await link.get_attribute("href")
        number = href.split("/")[-2]
        download = await page.context.request.get(live_server.url + href)
        assert download.status == 200
        assert download.headers["content-type"] == "application/pdf"
        text = "".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(await download.body())).pages
        )
        assert number in text and "王强" in text and "李芳" in text and woman in text
        r = await http.get(f"{API}/appointments/{code}", headers=booker)
        assert r.json()["status"] == "completed"
    finally:
        await factories.set_today(http, admin, None)
        await http.aclose()
