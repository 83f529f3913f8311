"""The admin's holiday-calendar page: a year's calendar (provisional or official), the State
Council's list pasted as text, a preview of what moves, then the confirmed save. DOMAIN.md "The
working-day calendar"; through the real app on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.core.test_pages_admin import HTML, flash_of

pytestmark = pytest.mark.db
SCHEDULE = """# 国务院办公厅关于2027年部分节假日安排的通知（示例）
2027-01-01 至 2027-01-03 休 元旦
2027-02-05 至 2027-02-11 休 春节
2027-02-14 班 春节
"""


async def test_the_page_shows_a_provisional_year(client, set_today):
    await factories.staff_session(client, "boss", "admin")
    await set_today(dt.date(2026, 12, 2))
    page = await client.get("/admin/calendar", headers=HTML)  # next year by default
    assert page.status_code == 200
    assert "2027年日历" in page.text and "暂定" in page.text
    assert "2027-01-01" in page.text and "New Year" not in page.text  # names are Chinese
    assert "劳动节（补假）" in page.text
    page = await client.get("/admin/calendar?year=2026", headers=HTML)
    assert "正式" in page.text and "2026-10-10" in page.text


async def test_preview_then_confirm(client):
    token = await factories.staff_session(client, "boss", "admin")
    form = {"_csrf": token, "year": "2027", "schedule": SCHEDULE}
    preview = await client.post("/admin/calendar", data=form, headers=HTML)
    assert preview.status_code == 200, preview.text
    assert "保存前请核对" in preview.text
    assert "已告知群众的日期均不变。" in preview.text
    assert "该安排共放假 10 天，调休上班 1 天" in preview.text
    r = await client.get("/api/v1/calendar/2027")
    assert r.json()["source"] == "statutory"  # nothing saved by the preview

    saved = await client.post("/admin/calendar", data={**form, "confirmed": "yes"}, headers=HTML)
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/calendar?year=2027"
    page = await client.get(saved.headers["location"], headers=HTML)
    assert flash_of(page) == "ok: 2027年放假安排已保存；已告知群众的日期变更 0 项。"
    body = (await client.get("/api/v1/calendar/2027")).json()
    assert body["source"] == "official" and len(body["days"]) == 11
    assert {"date": "2027-02-14", "kind": "workday", "name": "春节"} in body["days"]


@pytest.mark.parametrize(
    "text",
    [
        "2027-13-01 holiday 元旦",
        "2027-01-01 rest 元旦",
        "元旦 2027-01-01",
        "2028-01-01 休 元旦",
        "",
    ],
)
async def test_a_list_that_cannot_be_read_is_not_saved(client, text):
    token = await factories.staff_session(client, "boss", "admin")
    r = await client.post(
        "/admin/calendar",
        data={"_csrf": token, "year": "2027", "schedule": text, "confirmed": "yes"},
        headers=HTML,
    )
    assert r.status_code == 422 and "未保存" in r.text
    assert (await client.get("/api/v1/calendar/2027")).json()["source"] == "statutory"


async def test_only_admins_and_only_with_the_form_token(client, staff):
    headers = {**HTML, **await staff("clerk", office_code="JH01")}
    assert (await client.get("/admin/calendar", headers=headers)).status_code in (403, 404)
    await factories.staff_session(client, "boss", "admin")
    r = await client.post(
        "/admin/calendar",
        data={"year": "2027", "schedule": SCHEDULE, "confirmed": "yes"},
        headers=HTML,
    )
    assert r.status_code == 403
    assert (await client.get("/api/v1/calendar/2027")).json()["source"] == "statutory"
