"""The disability pages through the real app: forms, queues, lists, payroll, standards; Chinese
and English; every English message id has its Chinese translation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core import clock

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "disability"


def test_every_message_id_has_a_chinese_translation() -> None:
    """DOMAIN/house rule: pages are Chinese with English msgids; a missing entry would show
    English to a Chinese reader."""
    method_map = [("templates/**.html", "jinja2"), ("pages/**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    used = {
        message if isinstance(message, str) else message[0]
        for _f, _l, message, _c, _x in extract_from_dir(
            str(PLUGIN), method_map, keywords={"_": None, "N_": None}, options_map=options
        )
    }
    with (PLUGIN / "locales/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    assert len(used) > 100
    missing = sorted(m for m in used if not catalog.get(m))
    assert missing == []


async def test_apply_form_previews_then_files(desk) -> None:
    await desk.today(dt.date(2026, 5, 6))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2026, 1, 1), None))
    r = await desk.client.get("/disability/apply", headers=desk.clerk)
    assert r.status_code == 200
    assert "残疾人两项补贴申请" in r.text and 'name="_csrf"' in r.text
    form = {
        "id_number": number,
        "name": "王建国",
        "disability_card_no": f"{number}43",
        "category": "4",
        "grade": "3",
        "subsidies": ["living", "nursing"],
        "hukou_division": "440704",
        "action": "preview",
    }
    r = await desk.client.post("/disability/apply", data=form, headers=desk.clerk)
    assert r.status_code == 200
    assert "当月为低保对象" in r.text  # the living reason, in Chinese
    assert "护理补贴限一、二级" in r.text  # grade 3: no nursing subsidy
    assert "可以提交申请" in r.text
    r = await desk.client.get(f"{desk_api()}/applications", headers=desk.clerk)
    assert r.json()["total"] == 0  # a preview files nothing

    r = await desk.client.post(
        "/disability/apply", data={**form, "action": "submit"}, headers=desk.clerk
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert re.fullmatch(r"/disability/applications/\d+", location)
    r = await desk.client.get(location, headers=desk.clerk)
    assert "待街道审核" in r.text and "街道审核通过" in r.text  # the street-review form


async def test_preview_uses_and_shows_the_registry_hukou(desk) -> None:
    """Issue 14: the registry's hukou overrides the form's; the preview says which it used and
    never says "eligible" for subsidies it then refuses for residence."""
    from core.people.service import ensure_person

    await desk.today(dt.date(2026, 5, 6))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2026, 1, 1), None))
    await ensure_person(number, "王建国", hukou_division="440106")  # Guangzhou, not Jianghai
    form = {
        "id_number": number,
        "name": "王建国",
        "disability_card_no": f"{number}41",
        "category": "4",
        "grade": "1",
        "subsidies": ["living", "nursing"],
        "hukou_division": "440704",
        "action": "preview",
    }
    r = await desk.client.post("/disability/apply", data=form, headers=desk.clerk)
    assert r.status_code == 200
    assert "核对所用户籍：440106（人口信息库）" in r.text
    verdicts = r.text.split('class="eligibility-list"', 1)[1].split("</ul>", 1)[0]
    assert "符合" not in verdicts.replace("不符合", "")  # not "eligible", then refused
    assert "不能提交申请：" in r.text
    api = await desk.client.post(
        f"{desk_api()}/eligibility",
        json={k: v for k, v in form.items() if k != "action"} | {"category": 4, "grade": 1},
        headers=desk.clerk,
    )
    body = api.json()
    assert body["eligible"] == {"living": False, "nursing": False}
    assert body["hukou_division"] == "440106" and body["hukou_source"] == "registry"
    assert body["can_apply"] is False


async def test_apply_form_shows_the_refusal_next_to_the_form(desk) -> None:
    number = desk.new_id()
    form = {
        "id_number": number,
        "name": "王建国",
        "disability_card_no": f"{number}41",
        "category": "4",
        "grade": "2",
        "subsidies": "nursing",
        "action": "submit",
    }
    r = await desk.client.post("/disability/apply", data=form, headers=desk.clerk)
    assert r.status_code == 422
    assert "残疾等级与残疾人证不一致" in r.text
    r = await desk.client.post("/disability/apply?lang=en", data=form, headers=desk.clerk)
    assert "the grade differs from the card" in r.text


async def test_queues_detail_and_decisions_through_pages(desk) -> None:
    await desk.today(dt.date(2026, 5, 6))
    number = desk.new_id()
    r = await desk.apply(number, subsidies=["nursing"])
    application_id = r.json()["id"]
    r = await desk.client.get("/disability/applications", headers=desk.clerk)
    assert r.status_code == 200 and f"/disability/applications/{application_id}" in r.text
    assert number not in r.text  # masked in the list

    r = await desk.client.post(
        f"/disability/applications/{application_id}/decision",
        data={"approve": "1"},
        headers=desk.reviewer,
    )
    assert r.status_code == 422 and "street_approved" in r.text  # out of order, shown on page

    asked = await desk.client.post(
        f"/disability/applications/{application_id}/street-review",
        data={"approve": "1", "note": "入户核查属实"},
        headers=desk.clerk,
    )
    assert asked.status_code == 200 and "通过街道审核？" in asked.text and number in asked.text
    assert 'name="note" value="入户核查属实"' in asked.text
    r = await desk.client.get("/disability/applications", headers=desk.reviewer)
    assert f"/disability/applications/{application_id}" not in r.text  # nothing recorded yet
    r = await desk.client.post(
        f"/disability/applications/{application_id}/street-review",
        data={"approve": "1", "note": "入户核查属实", "confirmed": "yes"},
        headers=desk.clerk,
    )
    assert r.status_code == 303
    r = await desk.client.get("/disability/applications", headers=desk.reviewer)
    assert f"/disability/applications/{application_id}" in r.text  # the district queue
    asked = await desk.client.post(
        f"/disability/applications/{application_id}/decision?lang=en",
        data={"approve": "1", "note": "同意"},
        headers=desk.reviewer,
    )
    assert asked.status_code == 200 and "Approve this application? Payment starts." in asked.text
    assert f'action="/disability/applications/{application_id}/decision"' in asked.text
    r = await desk.client.post(
        f"/disability/applications/{application_id}/decision",
        data={"approve": "1", "note": "同意", "confirmed": "yes"},
        headers=desk.reviewer,
    )
    assert r.status_code == 303
    r = await desk.client.get(
        f"/disability/applications/{application_id}?lang=zh", headers=desk.reviewer
    )
    assert "发放中" in r.text and "停发补贴" in r.text  # the reviewer may stop payment
    assert '<option value="">请选择</option>' in r.text.split('name="grade"', 1)[1][:200]

    stop = f"/disability/applications/{application_id}/stop"
    for lang, texts in (
        ("zh", ("请选择停发原因。", "请填写事由发生日期")),
        ("en", ("Choose the reason for stopping payment.", "Enter the date of the event")),
    ):
        r = await desk.client.post(
            f"{stop}?lang={lang}", data={"reason": "", "effective_on": "May"}, headers=desk.reviewer
        )
        assert r.status_code == 422  # both named at once, above the forms and at each field
        summary = r.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
        assert all(text in summary for text in texts)
        assert 'id="f-reason-error"' in r.text and 'id="f-effective_on-error"' in r.text
    await desk.client.get("/disability/applications?lang=zh", headers=desk.reviewer)

    here = f"/disability/applications/{application_id}/grade"
    grade = {"grade": "2", "assessed_on": "2026-05-06"}
    asked = await desk.client.post(here, data=grade, headers=desk.reviewer)
    assert asked.status_code == 200 and "确定记录此等级？" in asked.text and "2级" in asked.text
    unchosen = await desk.client.post(here, data={"assessed_on": "soon"}, headers=desk.reviewer)
    assert unchosen.status_code == 422  # each problem linked to its field, in the page's words
    assert '<a href="#f-grade">请选择新的等级。</a>' in unchosen.text
    assert '<a href="#f-assessed_on">请填写评定日期' in unchosen.text
    undated = await desk.client.post(here, data={"grade": "2"}, headers=desk.reviewer)
    today = (await clock.today()).isoformat()  # a blank date is recorded as today's
    assert f"<dt>评定日期</dt><dd>{today}</dd>" in undated.text
    r = await desk.client.post(here, data={**grade, "confirmed": "yes"}, headers=desk.reviewer)
    assert r.status_code == 303

    r = await desk.client.get("/disability/beneficiaries?subsidy=nursing", headers=desk.clerk)
    assert r.status_code == 200 and "重度残疾人护理补贴" in r.text
    r = await desk.client.get("/disability/beneficiaries?status=stopped", headers=desk.clerk)
    assert f"/disability/applications/{application_id}" not in r.text
    r = await desk.client.get("/disability/reviews?lang=en", headers=desk.clerk)
    assert r.status_code == 200 and "Due for the annual review" in r.text


async def test_payroll_and_standards_pages(desk) -> None:
    await desk.today(dt.date(2026, 5, 6))
    await desk.approved(desk.new_id(), subsidies=["nursing"])
    page = await desk.client.get("/disability/payroll", headers=desk.reviewer)
    assert 'name="month" type="month" value=""' in page.text  # no month is chosen for you
    blank = await desk.client.post("/disability/payroll", data={"month": ""}, headers=desk.reviewer)
    assert blank.status_code == 422 and "请填写发放月份" in blank.text
    ask = await desk.client.post(
        "/disability/payroll", data={"month": "2026-05"}, headers=desk.reviewer
    )
    assert ask.status_code == 200 and "2026-05" in ask.text and "确认" in ask.text
    assert 'name="confirmed" value="yes"' in ask.text
    assert (await desk.client.get("/api/v1/disability/payroll", headers=desk.reviewer)).json()[
        "total"
    ] == 0  # nothing paid before the confirmation
    r = await desk.client.post(
        "/disability/payroll", data={"month": "2026-05", "confirmed": "yes"}, headers=desk.reviewer
    )
    assert r.status_code == 303 and r.headers["location"] == "/disability/payroll/2026-05"
    r = await desk.client.get("/disability/payroll/2026-05", headers=desk.reviewer)
    assert "243.00" in r.text and "/api/v1/disability/payroll/2026-05/csv" in r.text
    r = await desk.client.post(
        "/disability/payroll", data={"month": "2026-13"}, headers=desk.reviewer
    )
    assert r.status_code == 422 and "YYYY-MM" in r.text

    r = await desk.client.get("/disability/standards", headers=desk.admin)
    assert r.status_code == 200 and "181.00" in r.text
    # each table says what it lists (a screen reader announced both as "table")
    assert "<caption>历年月补贴标准</caption>" in r.text and "本地扩面政策（按施行日期）" in r.text
    for lang, texts in (
        ("zh", ("请填写年份", "请填写生活补贴", "请填写护理补贴")),
        ("en", ("Enter the year", "Enter the living subsidy", "Enter the nursing subsidy")),
    ):
        r = await desk.client.post(
            f"/disability/standards?lang={lang}",
            data={"year": "next", "living_yuan": "", "nursing_yuan": "-3"},
            headers=desk.admin,
        )
        assert r.status_code == 422  # all three named at once, with what was typed kept
        summary = r.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
        assert all(text in summary for text in texts)
        for field in ("year", "living_yuan", "nursing_yuan"):
            assert f'href="#f-{field}"' in summary and f'id="f-{field}-error"' in r.text
        assert 'value="next"' in r.text
    standard = {"year": "2027", "living_yuan": "190", "nursing_yuan": "255.5"}
    asked = await desk.client.post(
        "/disability/standards?lang=zh", data=standard, headers=desk.admin
    )
    assert (
        asked.status_code == 200 and "保存 2027 年度标准？" in asked.text and "255.5" in asked.text
    )
    r = await desk.client.get("/api/v1/disability/standards")
    assert 2027 not in [row["year"] for row in r.json()]  # nothing saved before the confirmation
    r = await desk.client.post(
        "/disability/standards", data={**standard, "confirmed": "yes"}, headers=desk.admin
    )
    assert r.status_code == 303
    r = await desk.client.get("/api/v1/disability/standards")
    assert {
        "year": 2027,
        "living_monthly_fen": 19000,
        "nursing_monthly_fen": 25550,
        "confirmed": True,
        "paid_at_year": 2027,
    } in r.json()


@pytest.mark.parametrize(
    ("path", "permission_holder"),
    [
        ("/disability/apply", "reviewer"),
        ("/disability/payroll", "clerk"),
        ("/disability/standards", "reviewer"),
    ],
)
async def test_pages_refuse_roles_and_send_visitors_to_sign_in(desk, path, permission_holder):
    browser = {"accept": "text/html"}
    r = await desk.client.get(path, headers=browser)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = await desk.client.get(path, headers={**browser, **getattr(desk, permission_holder)})
    assert r.status_code == 403


def desk_api() -> str:
    return "/api/v1/disability"
