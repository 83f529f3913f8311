"""A registry clerk checks a booked couple in, registers their marriage, prints the certificate
and finds it again through the search box in the header (issue 7 items 3 and 5)."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from playwright.async_api import expect

from tests import factories
from tests.e2e.support import MONDAY, PASSWORD, bureau, sign_in, snapshot, unique

pytestmark = pytest.mark.browser


async def test_a_clerk_checks_a_couple_in_and_prints_their_certificate(live_server, page):
    url = live_server.url
    seq = unique()
    office = f"K{seq:03d}{MONDAY:%d}"
    clerk = f"clerk-{office.lower()}"
    man = factories.id_number(dt.date(1994, 2, 14), "male", "440704", seq)
    woman = factories.id_number(dt.date(1996, 7, 7), "female", "110105", seq)  # hukou in Beijing
    tuesday = MONDAY + dt.timedelta(days=1)
    async with bureau(live_server) as admin:
        await admin.set_today(MONDAY)
        await admin.registry(office)
        await admin.staff(clerk, "clerk", office)
        booker = await admin.citizen(man, "林志明")
        (slot, *_) = await admin.call(
            "GET", f"/api/v1/marriage/slots?office={office}&from={tuesday}&to={tuesday}"
        )
        booking = await admin.call(
            "POST",
            "/api/v1/marriage/appointments",
            booker,
            json={
                "slot_id": slot["id"],
                "service": "marriage",
                "partner": {"id_number": woman, "name": "赵雪梅"},
            },
        )
        code = booking["code"]
        await admin.set_today(tuesday)

        await sign_in(page, url, clerk, PASSWORD, "/marriage/workbench")
        row = page.locator("tr", has_text=code)
        await row.get_by_role("button", name="签到").click()
        await expect(page.locator("tr", has_text=code)).to_contain_text("已签到")
        await page.locator("tr", has_text=code).get_by_role("link", name="办理登记").click()
        await expect(page.locator("#f-a_id_number")).to_have_value(man)
        await page.fill("#f-a_hukou_division", "440704")
        await page.fill("#f-b_hukou_division", "110105")
        await page.check("input[name=kinship]")
        await page.get_by_role("button", name="登记并发证").click()
        await snapshot(page, "clerk-register-confirm")  # read back before it is issued
        await page.locator(".confirmation").get_by_role("button", name="登记并发证").click()
        await page.wait_for_url("**/marriage/workbench/registrations/*")
        await expect(page.locator("main")).to_contain_text("结婚登记已办结")
        await snapshot(page, "clerk-registered")

        link = page.locator("[data-print-certificate]")
        number = (await link.get_attribute("href")).split("/")[-2]
        fetched: list[tuple[int, str, bytes]] = []

        async def keep_the_pdf(route) -> None:
            response = await route.fetch()  # with the browser's own session
            fetched.append(
                (response.status, response.headers["content-type"], await response.body())
            )
            await route.fulfill(response=response)

        await page.route("**/certificates/*/pdf", keep_the_pdf)
        async with page.expect_event("requestfinished", lambda r: r.url.endswith("/pdf")):
            await link.click()  # the browser opens the PDF to print it
        status, media_type, body = fetched[0]
        assert status == 200 and media_type == "application/pdf"
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
        assert number in text and "林志明" in text and "赵雪梅" in text
        await page.go_back()

        # The certificate is found again from the header's search box and checks out.
        await page.get_by_role("searchbox").fill(number)
        await page.get_by_role("search").get_by_role("button", name="搜索").click()
        await page.wait_for_url("**/search?q=*")
        certificate = page.locator("[data-plugin=core] .result[data-kind=certificate] a")
        await expect(certificate).to_contain_text(number)
        await expect(page.locator("main")).not_to_contain_text("林志明")  # masked: 林*明
        await certificate.click()
        await expect(page.locator("main")).to_contain_text("该证书真实有效")
        assert (await admin.call("GET", f"/api/v1/marriage/appointments/{code}", booker))[
            "status"
        ] == "completed"
