"""The funeral pages through the real app with a browser session: Chinese by default, English on
request, forms with the session's CSRF token."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories
from tests.core.test_pages_admin import HTML, flash_of
from tests.plugins.funeral.support import HOME, TODAY, person_number, roster

pytestmark = pytest.mark.db


@pytest.fixture
def session(client):
    """``await session("clerk")`` → the CSRF token of a browser session now held by ``client``."""

    async def sign_in(role: str, office_code: str | None = None) -> str:
        return await factories.staff_session(
            client, f"page-{role}", role, office_code=office_code, display_name=f"页面{role}"
        )

    return sign_in


def _intake_form(csrf: str, number: str, action: str) -> dict[str, str]:
    return {
        "_csrf": csrf,
        "id_number": number,
        "died_on": "2026-03-18",
        "funeral_home": HOME,
        "applicant_name": "冯明",
        "applicant_phone": "13800138000",
        "applicant_relation": "儿子",
        "fee_transport": "600",
        "fee_storage": "200",
        "units_storage": "2",
        "action": action,
        # saving is read back once first (issue 14); the step itself is tested on its own
        **({"confirmed": "yes"} if action == "save" else {}),
    }


async def test_front_page_shows_the_policy_to_everyone(client, db):
    r = await client.get("/funeral/")
    assert r.status_code == 200
    assert "遗体接运" in r.text and "480.00" in r.text and "1,540.00" in r.text
    english = await client.get("/funeral/?lang=en")
    assert "Body transport" in english.text and "Who is eligible" in english.text


async def test_clerk_previews_saves_and_reaches_the_notice(client, session, set_today):
    await set_today(TODAY)
    number = person_number(dt.date(1937, 7, 7), "male")
    await roster((number, "冯伯", "tekun", dt.date(2015, 1, 1), None))
    csrf = await session("clerk", "JH01")
    page = await client.get("/funeral/intake")
    assert page.status_code == 200 and 'name="_csrf"' in page.text
    preview = await client.post("/funeral/intake", data=_intake_form(csrf, number, "preview"))
    assert preview.status_code == 200, preview.text
    assert "冯伯" in preview.text
    assert "符合减免条件：特困供养人员" in preview.text
    assert "640.00" in preview.text  # 480 transport + 2 days × 80 storage
    unconfirmed = {**_intake_form(csrf, number, "save"), "confirmed": ""}
    asked = await client.post("/funeral/intake", data=unconfirmed)
    assert asked.status_code == 200 and "保存此减免记录？" in asked.text
    assert "予以减免" in asked.text and "640.00" in asked.text and HOME in asked.text
    assert 'name="units_storage" value="2"' in asked.text  # the same form is posted again
    listed = await client.get("/api/v1/funeral/waivers")
    assert listed.json()["total"] == 0  # nothing recorded before the confirmation
    saved = await client.post("/funeral/intake", data=_intake_form(csrf, number, "save"))
    assert saved.status_code == 303
    target = saved.headers["location"]
    assert re.fullmatch(r"/funeral/waivers/\d+", target)
    detail = await client.get(target + "?lang=en")
    assert "Print the notice (PDF)" in detail.text and "Approved" in detail.text
    notice = await client.get(f"/api/v1/funeral{target.removeprefix('/funeral')}/notice")
    assert notice.headers["content-type"] == "application/pdf"


async def test_intake_reports_every_missing_field_and_picks_no_funeral_home(
    client, session, set_today
):
    """Issue 14: one round names every missing field; the funeral home is not pre-filled."""
    await set_today(TODAY)
    csrf = await session("clerk", "JH01")
    page = await client.get("/funeral/intake")
    home_input = re.search(r'<input id="f-funeral_home"[^>]*>', page.text).group(0)
    assert 'value=""' in home_input
    r = await client.post(
        "/funeral/intake",
        data={"_csrf": csrf, "id_number": "", "died_on": "", "action": "save"},
    )
    assert r.status_code == 422
    for field in (
        "id_number",
        "died_on",
        "funeral_home",
        "applicant_name",
        "applicant_phone",
        "applicant_relation",
    ):
        assert f'id="f-{field}-error"' in r.text, field
    assert 'id="items-error"' in r.text and "data-error-summary" in r.text


async def test_intake_errors_stay_next_to_their_fields(client, session, set_today):
    await set_today(TODAY)
    csrf = await session("clerk", "JH01")
    form = _intake_form(csrf, "440704194001010011", "save")
    r = await client.post("/funeral/intake", data=form)
    assert r.status_code == 422
    assert 'id="f-id_number-error"' in r.text
    bad_fee = {
        **_intake_form(csrf, person_number(dt.date(1940, 1, 1)), "save"),
        "fee_transport": "六百",
    }
    r = await client.post("/funeral/intake", data=bad_fee)
    assert r.status_code == 422 and 'id="items-error"' in r.text
    forged = {**form, "_csrf": "forged"}
    assert (await client.post("/funeral/intake", data=forged)).status_code == 403


async def test_reviewer_settlement_page_and_confirmation(client, session, set_today):
    await set_today(dt.date(2026, 2, 10))
    clerk = await session("clerk", "JH01")
    number = person_number(dt.date(1939, 3, 3))
    await roster((number, "谢婆", "dibao", dt.date(2015, 1, 1), None))
    form = {**_intake_form(clerk, number, "save"), "died_on": "2026-02-08"}
    assert (await client.post("/funeral/intake", data=form)).status_code == 303
    await set_today(TODAY)
    client.cookies.clear()
    csrf = await session("reviewer")
    page = await client.get("/funeral/settlements?month=2026-02")
    assert page.status_code == 200
    assert HOME in page.text and "640.00" in page.text
    assert "/api/v1/funeral/settlements/2026-02/csv" in page.text
    asked = await client.post("/funeral/settlements/2026-02/confirm", data={"_csrf": csrf})
    assert asked.status_code == 200 and HOME in asked.text and "640" in asked.text
    assert "已结算" not in (await client.get("/funeral/settlements?month=2026-02")).text
    confirmed = await client.post(
        "/funeral/settlements/2026-02/confirm", data={"_csrf": csrf, "confirmed": "yes"}
    )
    assert confirmed.status_code == 303
    again = await client.get("/funeral/settlements?month=2026-02")
    assert "已结算" in again.text or "Settled" in again.text
    # a refusal goes back to the month's page as a notice in the page's language
    twice = await client.post(
        "/funeral/settlements/2026-02/confirm", data={"_csrf": csrf, "confirmed": "yes"}
    )
    assert twice.status_code == 303
    assert flash_of(await client.get(twice.headers["location"], headers=HTML)) == (
        "bad: 2026-02 已结算"
    )
    english = await client.post(
        "/funeral/settlements/2026-02/confirm",
        data={"_csrf": csrf, "confirmed": "yes"},
        headers={"Accept-Language": "en"},
    )
    shown = await client.get(english.headers["location"], headers={**HTML, "Accept-Language": "en"})
    assert flash_of(shown) == "bad: month already settled"
    bad_month = await client.post("/funeral/settlements/2026-13/confirm", data={"_csrf": csrf})
    assert bad_month.status_code == 303
    bad_page = await client.get("/funeral/settlements?month=2026-02", headers=HTML)
    assert flash_of(bad_page).startswith("bad: ")


async def test_admin_saves_a_policy_version_from_the_page(client, session, set_today):
    await set_today(TODAY)
    csrf = await session("admin")
    page = await client.get("/funeral/policy")
    assert page.status_code == 200
    fields = dict(
        re.findall(r'name="((?:code|name|cap|unit|max_units)_\d+)" value="([^"]*)"', page.text)
    )
    units = dict(re.findall(r'name="(unit_\d+)"[^>]*>.*?value="(\w+)" selected', page.text))
    data = {**fields, **units, "_csrf": csrf, "categories": ["dibao", "tekun"]}
    index = next(k for k, v in fields.items() if v == "cremation").split("_")[1]
    data[f"cap_{index}"] = "300"
    r = await client.post("/funeral/policy", data=data)
    assert r.status_code == 303, r.text
    policy = (await client.get("/api/v1/funeral/policy")).json()
    assert {i["code"]: i["cap_fen"] for i in policy["items"]}["cremation"] == 30000
    assert policy["eligible_categories"] == ["dibao", "tekun"]
    assert len(policy["items"]) == 7


async def test_pages_follow_roles_and_the_plugin_switch(client, admin, session):
    await session("reviewer")
    assert (await client.get("/funeral/intake")).status_code == 403
    assert (await client.get("/funeral/policy")).status_code == 403
    assert (await client.get("/funeral/waivers")).status_code == 200
    await client.patch("/api/v1/admin/plugins/funeral", json={"enabled": False}, headers=admin)
    try:
        assert (await client.get("/funeral/")).status_code == 404
        assert (await client.get("/api/v1/funeral/policy")).status_code == 404
    finally:
        await client.patch("/api/v1/admin/plugins/funeral", json={"enabled": True}, headers=admin)


async def test_the_scope_of_粤民发2015_37_on_the_pages(client, session, set_today):
    """Issue 11 item 3: the front page says every local resident is eligible; the admin's form
    carries the scope (local divisions, exclusions, a cap per case, the date in force)."""
    await set_today(TODAY)
    front = await client.get("/funeral/?lang=en")
    assert "Every resident whose hukou is in 440704" in front.text
    assert "户籍在440704的全体居民" in (await client.get("/funeral/?lang=zh")).text
    csrf = await session("admin")
    page = await client.get("/funeral/policy?lang=zh")
    assert 'name="local_divisions"' in page.text and 'value="440704"' in page.text
    assert 'name="excluded_categories"' in page.text and "机关事业单位人员" in page.text
    fields = dict(
        re.findall(r'name="((?:code|name|cap|unit|max_units)_\d+)" value="([^"]*)"', page.text)
    )
    units = dict(re.findall(r'name="(unit_\d+)"[^>]*>.*?value="(\w+)" selected', page.text))
    data = {
        **fields,
        **units,
        "_csrf": csrf,
        "categories": ["dibao", "tekun", "low_income", "youfu"],
        "all_local_residents": "1",
        "local_divisions": "440704，440703",
        "excluded_categories": ["public_institution"],
        "total_cap": "1780",
        "effective_from": "2026-04-01",
    }
    r = await client.post("/funeral/policy", data=data)
    assert r.status_code == 303, r.text
    policy = (await client.get("/api/v1/funeral/policy?on=2026-04-01")).json()
    assert policy["local_divisions"] == ["440704", "440703"]
    assert policy["excluded_categories"] == ["public_institution"]
    assert (policy["total_cap_fen"], policy["effective_from"]) == (178000, "2026-04-01")
    assert (await client.get("/api/v1/funeral/policy")).json()["version"] is None  # not yet
    versions = await client.get("/funeral/policy?lang=en")
    assert "Saved versions" in versions.text and "2026-04-01" in versions.text
    bad = await client.post("/funeral/policy", data={**data, "local_divisions": "4407"})
    assert bad.status_code == 422 and "440704" in bad.text


async def test_intake_asks_for_the_hukou_and_the_declared_categories(client, session, set_today):
    await set_today(TODAY)
    csrf = await session("clerk", "JH01")
    page = await client.get("/funeral/intake?lang=en")
    assert 'name="hukou_division"' in page.text and 'name="declared_categories"' in page.text
    assert "Funeral allowance paid elsewhere" in page.text
    await client.get("/funeral/intake?lang=zh")  # the rest of the journey in Chinese
    number = person_number(dt.date(1937, 7, 7), "male")
    form = _intake_form(csrf, number, "preview")
    asked = await client.post("/funeral/intake", data=form)
    assert "请填写逝者户籍所在地行政区划代码" in asked.text
    saved = await client.post(
        "/funeral/intake",
        data={
            **form,
            "action": "save",
            "hukou_division": "440704",
            "name": "冯伯",
            "confirmed": "yes",
        },
    )
    assert saved.status_code == 303, saved.text
    elsewhere = person_number(dt.date(1938, 8, 8), "male")
    refused = await client.post(
        "/funeral/intake",
        data={**_intake_form(csrf, elsewhere, "preview"), "hukou_division": "110105"},
    )
    assert "110105" in refused.text and "户籍地" in refused.text
