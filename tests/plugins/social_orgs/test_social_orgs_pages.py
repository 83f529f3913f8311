"""The plugin's pages through the real app: who sees what, and that every form does its job.

Forms are posted with bearer tokens here (no CSRF needed); the Chromium test covers a real
browser session with its CSRF token.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.db

D = dt.date
ZH = {"Accept-Language": "zh-CN"}


async def test_public_directory_and_profile(client, new_org):
    code = await new_org("foundation", name="江海区慈善基金会")
    page = await client.get("/orgs/", headers=ZH)
    assert page.status_code == 200
    assert "江海区慈善基金会" in page.text and "基金会" in page.text
    english = await client.get("/orgs/?lang=en")
    assert "Foundation" in english.text and "Social organizations" in english.text
    profile = await client.get(f"/orgs/{code}", headers=ZH)
    assert profile.status_code == 200 and code in profile.text and "陈志明" in profile.text
    missing = await client.get("/orgs/51440704MJ9999999X", headers={"Accept": "text/html"})
    assert missing.status_code == 404


async def test_signed_out_visitors_are_sent_to_sign_in(client, clerk):
    r = await client.get("/orgs/portal", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/orgs/portal")
    r = await client.get("/orgs/portal", headers={"Accept": "text/html", **clerk})
    assert r.status_code == 403


async def test_org_portal_drafts_and_submits(client, set_today, new_org, org_login):
    code = await new_org(registered_on=D(2023, 3, 1))
    org = await org_login(code)
    await set_today(D(2025, 4, 1))
    portal = await client.get("/orgs/portal", headers={**org, **ZH})
    assert portal.status_code == 200
    assert "/orgs/portal/reports/2024" in portal.text and "/orgs/portal/reports/2023" in portal.text

    form = await client.get("/orgs/portal/reports/2024", headers={**org, **ZH})
    assert form.status_code == 200 and "业务活动情况" in form.text and "2025-05-31" in form.text

    draft = {"activities": "开展敬老活动", "revenue_fen": "1,234.50", "action": "save"}
    r = await client.post("/orgs/portal/reports/2024", data=draft, headers=org)
    assert r.status_code == 303 and r.headers["location"] == "/orgs/portal/reports/2024"
    saved = (await client.get(f"/api/v1/orgs/{code}/annual-reports/2024", headers=org)).json()
    assert saved["status"] == "draft" and saved["revenue_fen"] == 123450

    r = await client.post(
        "/orgs/portal/reports/2024", data={**draft, "action": "submit"}, headers={**org, **ZH}
    )
    assert r.status_code == 422 and "提交前必须填写" in r.text  # the missing fields are marked

    bad = await client.post(
        "/orgs/portal/reports/2024",
        data={"volunteers": "many", "action": "save"},
        headers={**org, **ZH},
    )
    assert bad.status_code == 422 and "请输入数字" in bad.text

    complete = {
        "activities": "开展敬老活动",
        "revenue_fen": "1234.50",
        "expenditure_fen": "1000",
        "net_assets_fen": "-20.5",
        "full_time_staff": "3",
        "volunteers": "40",
        "party_organization": "joint",
        "officer_changes": "无",
        "donations_received_fen": "0",
        "action": "submit",
    }
    asked = await client.post("/orgs/portal/reports/2024", data=complete, headers={**org, **ZH})
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.text
    assert 'name="net_assets_fen" value="-20.5"' in asked.text  # the same report is posted again
    still = (await client.get(f"/api/v1/orgs/{code}/annual-reports/2024", headers=org)).json()
    assert still["status"] == "draft"
    r = await client.post(
        "/orgs/portal/reports/2024", data={**complete, "confirmed": "yes"}, headers=org
    )
    assert r.status_code == 303 and r.headers["location"] == "/orgs/portal"
    report = (await client.get(f"/api/v1/orgs/{code}/annual-reports/2024", headers=org)).json()
    assert report["status"] == "submitted" and report["net_assets_fen"] == -2050
    view = await client.get("/orgs/portal/reports/2024", headers={**org, **ZH})
    assert "联合建立党组织" in view.text and 'name="action"' not in view.text
    assert (await client.get("/orgs/portal/reports/2030", headers=org)).status_code == 404


async def test_clerk_registry_page(client, clerk, uscc):
    page = await client.get("/orgs/registry", headers={**clerk, **ZH})
    assert page.status_code == 200 and "统一社会信用代码" in page.text
    form = {
        "uscc": uscc("social_service", 42),
        "name": "江海区启智康复中心",
        "kind": "social_group",  # the code says social service
        "registered_on": "2022-05-06",
        "legal_representative": "吴敏",
        "staff_count": "12",
    }
    r = await client.post("/orgs/registry", data=form, headers={**clerk, **ZH})
    assert r.status_code == 422 and "江海区启智康复中心" in r.text  # kept, with the error
    r = await client.post("/orgs/registry", data={**form, "kind": "social_service"}, headers=clerk)
    assert r.status_code == 303, r.text[-3000:]
    r = await client.post(
        "/orgs/registry/accounts",
        data={"account_uscc": form["uscc"], "username": "qizhi", "password": "Tree-planting-2026"},
        headers=clerk,
    )
    assert r.status_code == 303
    token = await client.post(
        "/api/v1/auth/token", json={"username": "qizhi", "password": "Tree-planting-2026"}
    )
    assert token.status_code == 200


async def test_clerk_inspects_from_the_queue(
    client, clerk, set_today, new_org, org_login, file_report
):
    code = await new_org(registered_on=D(2023, 3, 1), name="江海区围棋协会")
    await set_today(D(2025, 4, 1))
    await file_report(code, 2024, await org_login(code))
    queue = await client.get("/orgs/inspections", headers={**clerk, **ZH})
    assert "江海区围棋协会" in queue.text and f"/orgs/reports/{code}/2024" in queue.text
    review = await client.get(f"/orgs/reports/{code}/2024", headers={**clerk, **ZH})
    assert review.status_code == 200 and "基本合格" in review.text
    # no verdict is preselected: the first option is the blank "choose" one
    assert re.search(r'<select id="f-result"[^>]*>\s*<option value="">', review.text)
    assert " selected" not in review.text.split('id="f-result"')[1].split("</select>")[0]
    missing = await client.post(
        f"/orgs/reports/{code}/2024/inspection", data={"note": "x"}, headers={**clerk, **ZH}
    )
    assert missing.status_code == 422 and "请选择年检结论" in missing.text
    ask = await client.post(
        f"/orgs/reports/{code}/2024/inspection",
        data={"result": "basically_qualified", "note": "会计档案不全"},
        headers={**clerk, **ZH},
    )
    assert ask.status_code == 200 and "确认" in ask.text and "基本合格" in ask.text
    assert 'name="confirmed" value="yes"' in ask.text
    unrecorded = (await client.get(f"/api/v1/orgs/{code}")).json()
    assert unrecorded["latest_inspection"] is None  # nothing recorded before the confirmation
    r = await client.post(
        f"/orgs/reports/{code}/2024/inspection",
        data={"result": "basically_qualified", "note": "会计档案不全", "confirmed": "yes"},
        headers=clerk,
    )
    assert r.status_code == 303
    profile = (await client.get(f"/api/v1/orgs/{code}")).json()
    assert profile["latest_inspection"]["result"] == "basically_qualified"
    assert "江海区围棋协会" not in (await client.get("/orgs/inspections", headers=clerk)).text
    r = await client.post(f"/orgs/reports/{code}/2024/return", data={"reason": ""}, headers=clerk)
    assert r.status_code == 422
    r = await client.post(
        f"/orgs/reports/{code}/2024/return", data={"reason": "补充附件"}, headers=clerk
    )
    assert r.status_code == 303


async def test_reviewer_abnormal_page_and_decision(client, clerk, reviewer, set_today, new_org):
    code = await new_org(registered_on=D(2021, 3, 1), name="江海区长期未年报协会")
    await set_today(D(2024, 6, 5))
    page = await client.get("/orgs/abnormal?year=2023", headers={**clerk, **ZH})
    assert page.status_code == 200 and "江海区长期未年报协会" in page.text
    assert "确认撤销登记" not in page.text  # clerks see the queue but do not decide
    page = await client.get("/orgs/abnormal", headers={**reviewer, **ZH})
    assert "确认撤销登记" in page.text
    asked = await client.post(
        f"/orgs/deregistration/{code}", data={"decision": "confirm"}, headers={**reviewer, **ZH}
    )
    assert asked.status_code == 200 and "江海区长期未年报协会" in asked.text
    assert 'name="decision" value="confirm"' in asked.text
    assert (await client.get(f"/api/v1/orgs/{code}")).json()["status"] != "deregistered"
    r = await client.post(
        f"/orgs/deregistration/{code}",
        data={"decision": "confirm", "confirmed": "yes"},
        headers=reviewer,
    )
    assert r.status_code == 303
    assert (await client.get(f"/api/v1/orgs/{code}")).json()["status"] == "deregistered"
    # deciding again: the rule's refusal above the queue, in the page's language
    again = await client.post(
        f"/orgs/deregistration/{code}",
        data={"decision": "confirm", "confirmed": "yes"},
        headers={**reviewer, **ZH},
    )
    assert again.status_code == 422 and "该组织没有待决定的撤销登记建议" in again.text
    r = await client.post(
        f"/orgs/deregistration/{code}", data={"decision": "confirm"}, headers=clerk
    )
    assert r.status_code == 403


async def test_spot_check_page(client, reviewer, staff, new_org):
    await staff("clerk", office_code="JH01")
    for _ in range(5):
        await new_org()
    assert 'name="seed"' not in (await client.get("/orgs/spot-checks")).text
    asked = await client.post(
        "/orgs/spot-checks", data={"year": "2025", "seed": "公开摇号"}, headers={**reviewer, **ZH}
    )
    assert asked.status_code == 200 and 'name="seed" value="公开摇号"' in asked.text
    # a blank count is the 3% rule, and a blank seed a random one: the step says so, not "—"
    blank = await client.post(
        "/orgs/spot-checks", data={"year": "2025"}, headers={**reviewer, **ZH}
    )
    assert "不少于正常存续社会组织的 3%" in blank.text and "随机生成" in blank.text
    assert "<dd>—</dd>" not in blank.text.replace(" ", "")
    assert "公开摇号" not in (await client.get("/orgs/spot-checks", headers=ZH)).text
    r = await client.post(
        "/orgs/spot-checks",
        data={"year": "2025", "seed": "公开摇号", "confirmed": "yes"},
        headers=reviewer,
    )
    assert r.status_code == 303
    public = await client.get("/orgs/spot-checks", headers=ZH)
    assert "公开摇号" in public.text
    r = await client.post(
        "/orgs/spot-checks", data={"year": "twenty", "count": "a few"}, headers={**reviewer, **ZH}
    )
    assert r.status_code == 422  # both fields named at once, under each field and above the form
    linked, inline = _summary_and_inline(r.text)
    assert linked == inline == {"year": "请填写年度。", "count": "抽查数量请填写整数。"}


async def test_evaluation_page(client, reviewer, set_today, new_org, org_login, file_report):
    code = await new_org(registered_on=D(2022, 1, 5))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    for year in (2022, 2023, 2024):
        await file_report(code, year, org)
    await set_today(D(2025, 6, 3))
    page = await client.get("/orgs/evaluations", headers={**reviewer, **ZH})
    assert page.status_code == 200 and "内部治理" in page.text
    form = {
        "uscc": code,
        "year": "2025",
        "score_basic_conditions": "50",
        "score_internal_governance": "350",
        "score_performance": "",
        "score_social_evaluation": "100",
    }
    r = await client.post("/orgs/evaluations", data=form, headers={**reviewer, **ZH})
    assert r.status_code == 422
    linked, inline = _summary_and_inline(r.text)  # the summary says which score is missing
    assert linked == inline == {"score_performance": "请填写“工作绩效”的整数分。"}
    unknown = {**form, "uscc": "51440704MJ0000000X", "score_performance": "400"}
    r = await client.post("/orgs/evaluations", data=unknown, headers={**reviewer, **ZH})
    assert r.status_code == 422  # told before the step, which could not name an organization
    linked, inline = _summary_and_inline(r.text)
    assert linked == inline == {"uscc": "请填写已登记社会组织的统一社会信用代码。"}
    form["score_performance"] = "400"
    asked = await client.post("/orgs/evaluations", data=form, headers={**reviewer, **ZH})
    assert asked.status_code == 200 and "确定评定此组织的等级并公示？" in asked.text
    assert "工作绩效" in asked.text and 'name="score_performance" value="400"' in asked.text
    listed = (await client.get("/api/v1/orgs/evaluations", headers=reviewer)).json()
    assert listed["items"] == []  # nothing graded before the confirmation
    r = await client.post("/orgs/evaluations", data={**form, "confirmed": "yes"}, headers=reviewer)
    assert r.status_code == 303
    evaluation = (await client.get("/api/v1/orgs/evaluations", headers=reviewer)).json()["items"][0]
    assert (evaluation["total"], evaluation["grade"]) == (900, "5A")
    await set_today(D(2025, 6, 11))
    here = f"/orgs/evaluations/{evaluation['id']}/announce"
    asked = await client.post(here, headers={**reviewer, **ZH})
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.text
    assert "PG440704-2025-" not in (await client.get("/orgs/evaluations", headers=reviewer)).text
    r = await client.post(here, data={"confirmed": "yes"}, headers=reviewer)
    assert r.status_code == 303
    page = await client.get("/orgs/evaluations", headers={**reviewer, **ZH})
    assert "PG440704-2025-" in page.text


def _summary_and_inline(html: str) -> tuple[dict[str, str], dict[str, str]]:
    """``{field: message}`` of the error summary's links and of the messages under the fields."""
    summary = re.search(r"data-error-summary>(.*?)</div>", html, re.S)
    linked = dict(re.findall(r'<a href="#f-([\w-]+)">([^<]*)</a>', summary.group(1)))
    inline = dict(re.findall(r'<p class="field-error" id="f-([\w-]+)-error">([^<]*)</p>', html))
    return linked, inline


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ZH,
            {"uscc": "代码", "name": "名称", "registered_on": "日期", "staff_count": "工作人员数"},
        ),
        (
            {"Accept-Language": "en"},
            {"uscc": "code", "name": "name", "registered_on": "date", "staff_count": "staff"},
        ),
    ],
    ids=["zh", "en"],
)
async def test_the_registry_form_names_every_wrong_field_at_once(client, clerk, headers, expected):
    """Issue 14: one answer lists every problem, in the summary and next to each field, in the
    page's language — not one error per round, not the library's words."""
    bad = {
        "uscc": "51440700MJ000000",  # too short
        "name": "",
        "kind": "social_group",
        "registered_on": "2099-01-01",  # in the future
        "legal_representative": "",
        "legal_representative_id_number": "44070419491231002",  # 17 characters
        "staff_count": "many",
    }
    r = await client.post("/orgs/registry", data=bad, headers={**clerk, **headers})
    assert r.status_code == 422
    linked, inline = _summary_and_inline(r.text)
    fields = {*expected, "legal_representative", "legal_representative_id_number"}
    assert set(linked) == set(inline) == fields
    assert linked == inline  # the summary says what the field says
    for field, word in expected.items():
        assert word in inline[field].lower()
    english = headers is not ZH
    assert all(bool(re.search(r"[\u4e00-\u9fff]", m)) != english for m in inline.values())
    assert "stdnum" not in r.text and "ValidationError" not in r.text
    assert 'value="44070419491231002"' in r.text  # what was typed stays
