"""The marriage pages through the real app: every page renders in Chinese and English for the
role it is made for, forms post back and redirect, and the others are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.plugins.marriage.support import (
    API,
    TODAY,
    book,
    couple,
    open_desk,
    party,
    quick_citizen,
    register,
    slots_on,
)

pytestmark = pytest.mark.db
TOMORROW = TODAY + dt.timedelta(days=1)


async def page(client, path, headers=None, lang="zh", status=200):
    url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
    r = await client.get(url, headers={**(headers or {}), "accept": "text/html"})
    client.cookies.clear()  # the language stays the page's own, not sticky for the next call
    assert r.status_code == status, (path, r.status_code, r.text[-500:])
    return r.text


async def test_citizen_booking_pages(client):
    await open_desk(client)
    man, woman = couple(1)
    citizen = await quick_citizen(man, "王强")
    assert "婚姻登记" in await page(client, "/marriage/")
    assert "Sign in to book" in await page(client, "/marriage/", lang="en")
    assert "江海区婚姻登记处" in await page(client, "/marriage/book", citizen)
    days = await page(client, "/marriage/book/JH01", citizen)
    assert f"/marriage/book/JH01/{TOMORROW.isoformat()}" in days and "星期二" in days
    assert "Tuesday" in await page(client, "/marriage/book/JH01", citizen, lang="en")
    slot = (await slots_on(client, TOMORROW))[0]
    assert f"/marriage/slot/{slot['id']}" in await page(
        client, f"/marriage/book/JH01/{TOMORROW.isoformat()}", citizen
    )
    form = await page(client, f"/marriage/slot/{slot['id']}", citizen)
    assert "对方身份证号码" in form
    r = await client.post(
        f"/marriage/slot/{slot['id']}",
        data={"service": "marriage", "partner_id_number": man, "partner_name": "李芳"},
        headers=citizen,
    )
    assert r.status_code == 422 and "这是您本人的身份证号码" in r.text  # not "missing"
    r = await client.post(
        f"/marriage/slot/{slot['id']}",
        data={"service": "marriage", "partner_id_number": woman, "partner_name": "李芳"},
        headers=citizen,
    )
    assert r.status_code == 303
    target = r.headers["location"]
    code = target.rsplit("/", 1)[1]
    detail = await page(client, target, citizen)
    assert code in detail and "已预约" in detail and "李*" in detail and woman not in detail
    assert code in await page(client, "/marriage/my", citizen)
    asked = await client.post(f"/marriage/my/{code}/cancel", headers=citizen)
    assert (
        asked.status_code == 200
        and "确定取消预约？名额将释放给他人。" in asked.text
        and code in asked.text
    )
    assert "已取消" not in await page(client, "/marriage/my", citizen)
    r = await client.post(f"/marriage/my/{code}/cancel", data={"confirmed": "yes"}, headers=citizen)
    assert r.status_code == 303
    assert "已取消" in await page(client, "/marriage/my", citizen)
    # a stranger's booking does not exist for this citizen
    other = await quick_citizen(couple(2)[0])
    await page(client, f"/marriage/my/{code}", other, status=404)
    for data in ({}, {"confirmed": "yes"}):  # nor its cancel step (the code is not confirmed)
        r = await client.post(f"/marriage/my/{code}/cancel", data=data, headers=other)
        assert r.status_code == 404 and 'name="confirmed"' not in r.text, data
    # staff do not book
    await page(client, "/marriage/book", await quick_citizen(couple(3)[0]))


async def test_workbench_check_in_register_and_print(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    booker = await quick_citizen(man, "王强")
    slot = (await slots_on(client, TOMORROW))[0]
    code = (await book(client, booker, slot["id"], woman, name="李芳")).json()["code"]
    await factories.set_today(client, desk.admin, TOMORROW)
    bench = await page(client, "/marriage/workbench", desk.clerk)
    assert code in bench and "签到" in bench and "王*" in bench and man not in bench
    assert "Check in" in await page(client, "/marriage/workbench", desk.clerk, lang="en")
    r = await client.post(f"/marriage/workbench/appointments/{code}/check-in", headers=desk.clerk)
    assert r.status_code == 303
    assert "已签到" in await page(client, "/marriage/workbench", desk.clerk)
    form = await page(client, f"/marriage/workbench/register?appointment={code}", desk.clerk)
    assert man in form and woman in form
    data = {
        "appointment_code": code,
        "a_id_number": man, "a_name": "王强", "a_hukou_division": "440704",
        "a_residence_permit_division": "",
        "b_id_number": woman, "b_name": "李芳", "b_hukou_division": "440704",
        "b_residence_permit_division": "",
    }  # fmt: skip
    r = await client.post("/marriage/workbench/register", data=data, headers=desk.clerk)
    assert r.status_code == 422 and "禁止结婚" in r.text
    data["kinship"] = "signed"
    asked = await client.post("/marriage/workbench/register", data=data, headers=desk.clerk)
    assert asked.status_code == 200 and "确定办理结婚登记并颁发结婚证？" in asked.text
    assert "王强" in asked.text and f'name="b_id_number" value="{woman}"' in asked.text
    assert "已婚" not in await page(client, f"/marriage/workbench/status?q={woman}", desk.clerk)
    r = await client.post(
        "/marriage/workbench/register", data={**data, "confirmed": "yes"}, headers=desk.clerk
    )
    assert r.status_code == 303, r.text
    result = await page(client, r.headers["location"], desk.clerk)
    assert "J440704-2026-000001" in result
    assert "/api/v1/marriage/certificates/J440704-2026-000001/pdf" in result
    status = await page(client, f"/marriage/workbench/status?q={woman}", desk.clerk)
    assert "已婚" in status and "J440704-2026-000001" in status
    assert "Married" in await page(
        client, f"/marriage/workbench/status?q={woman}", desk.clerk, lang="en"
    )
    assert "18" in await page(client, "/marriage/workbench/status?q=123", desk.clerk)
    await page(client, "/marriage/workbench", booker, status=403)


async def test_workbench_divorce_and_reissue_pages(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    number = (await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))).json()[
        "certificate_no"
    ]
    assert "冷静期" in await page(client, "/marriage/workbench/divorce", desk.clerk)
    r = await client.post(
        "/marriage/workbench/divorce",
        data={"marriage_certificate_no": "J440704-2026-999999"},
        headers=desk.clerk,
    )
    assert r.status_code == 404 and "查无此证书" in r.text
    r = await client.post(
        "/marriage/workbench/divorce", data={"marriage_certificate_no": number}, headers=desk.clerk
    )
    assert r.status_code == 303
    detail = await page(client, r.headers["location"], desk.clerk)
    assert "2026-07-01" in detail and "冷静期" in detail
    # during cooling-off there is no "register" button under "cooling-off is over" (issue 14)
    url = r.headers["location"]
    assert f"{url}/register" not in detail and ">办理离婚登记</button>" not in detail
    assert "期间双方亲自到场可办理离婚登记" in detail
    await factories.set_today(client, desk.admin, dt.date(2026, 7, 2))
    later = await page(client, url, desk.clerk)
    assert f"{url}/register" in later and f"{url}/withdraw" not in later
    await factories.set_today(client, desk.admin, TODAY)
    r = await client.post(f"{url}/register", headers=desk.clerk)
    assert r.status_code == 303 and r.headers["location"] == url
    r = await client.post(f"{url}/withdraw", data={"id_number": "123"}, headers=desk.clerk)
    assert (
        r.status_code == 422
        and "身份证号码应为 18 位，这里填写了 3 位。" in r.text
        and "error-summary" in r.text
    )
    asked = await client.post(f"{url}/withdraw", data={"id_number": woman}, headers=desk.clerk)
    assert asked.status_code == 200 and f'name="id_number" value="{woman}"' in asked.text
    assert "已撤回" not in await page(client, url, desk.clerk)
    r = await client.post(
        f"{url}/withdraw", data={"id_number": woman, "confirmed": "yes"}, headers=desk.clerk
    )
    assert r.status_code == 303
    assert "已撤回" in await page(client, url, desk.clerk)
    # both fields wrong: both named at once, in the summary and next to each field
    for lang, texts in (
        ("zh", ("请填写证书编号。", "身份证号码应为 18 位，这里填写了 5 位。")),
        ("en", ("Enter the certificate number.", "An identity number has 18 characters")),
    ):
        r = await client.post(
            f"/marriage/workbench/reissue?lang={lang}",
            data={"certificate_no": "", "id_number": "12345"},
            headers=desk.clerk,
        )
        assert r.status_code == 422
        summary = r.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
        assert 'href="#f-certificate_no"' in summary and 'href="#f-id_number"' in summary
        assert all(text in summary for text in texts)
        assert 'id="f-certificate_no-error"' in r.text and 'id="f-id_number-error"' in r.text
    # it voids the old number: asked once more, nothing issued until confirmed
    data = {"certificate_no": number, "id_number": man}
    asked = await client.post("/marriage/workbench/reissue?lang=zh", data=data, headers=desk.clerk)
    assert asked.status_code == 200 and "确定补领此证件？" in asked.text and number in asked.text
    r = await client.post(
        "/marriage/workbench/reissue", data={**data, "confirmed": "yes"}, headers=desk.clerk
    )
    assert r.status_code == 303
    assert "BJ440704-2026-000001" in await page(client, r.headers["location"], desk.clerk)


async def test_admin_offices_schedule_and_blocks_pages(client):
    desk = await open_desk(client, today=dt.date(2026, 12, 21))
    offices = await page(client, "/marriage/admin/offices", desk.admin)
    assert "JH01" in offices
    r = await client.post(
        "/marriage/admin/offices",
        data={"code": "XH01", "name": "", "division_code": "44"},
        headers=desk.admin,
    )
    assert r.status_code == 422 and "请填写登记处名称" in r.text
    r = await client.post(
        "/marriage/admin/offices",
        data={"code": "XH01", "name": "蓬江区婚姻登记处", "division_code": "440703"},
        headers=desk.admin,
    )
    assert r.status_code == 303 and r.headers["location"] == "/marriage/admin/offices/XH01"
    office = await page(client, "/marriage/admin/offices/JH01", desk.admin)
    assert "2027" in office and "节假日" in office  # the horizon reaches into 2027
    assert "Provisional holiday calendar" in await page(
        client, "/marriage/admin/offices/JH01", desk.admin, lang="en"
    )
    r = await client.post(
        "/marriage/admin/offices/XH01",
        data={"slots": "09:00-10:00 x", "open_dates": "", "closed_dates": "", "horizon_days": "7"},
        headers=desk.admin,
    )
    assert r.status_code == 422 and "第 1 行" in r.text
    r = await client.post(
        "/marriage/admin/offices/XH01",
        data={
            "slots": "09:00-10:00 3\n14:00-15:00 3",
            "open_dates": "2026-12-26",
            "closed_dates": "",
            "horizon_days": "7",
        },
        headers=desk.admin,
    )
    assert r.status_code == 303
    assert len(await slots_on(client, dt.date(2026, 12, 26), office="XH01")) == 2
    assert "暂停" in await page(client, "/marriage/admin/blocks", desk.admin)
    await page(client, "/marriage/admin/offices", desk.clerk, status=403)
    r = await client.get(f"{API}/offices")
    assert [o["code"] for o in r.json()] == ["JH01", "XH01"]
