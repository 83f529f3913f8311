"""Issue 14: forms that explain themselves. The registration form reports every problem of both
parties at once, each naming its party; an identity number is refused in our own words (never a
library's English on a Chinese page); booking tells a wrong check digit from a wrong length and the
booker's own number from a missing one."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from tests.plugins.marriage.support import (
    API,
    TODAY,
    couple,
    open_desk,
    person_number,
    quick_citizen,
    slots_on,
)

pytestmark = pytest.mark.db
TOMORROW = TODAY + dt.timedelta(days=1)
HTML = {"accept": "text/html"}


def wrong_check(number: str) -> str:
    """The same 18 characters with another check character."""
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def field_error(text: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="f-{field}-error">(.*?)</p>', text, re.S)
    return html.unescape(match.group(1)) if match else ""


async def post_register(client, clerk, lang="zh", **fields):
    data = {
        "appointment_code": "",
        "a_id_number": "", "a_name": "", "a_hukou_division": "", "a_residence_permit_division": "",
        "b_id_number": "", "b_name": "", "b_hukou_division": "", "b_residence_permit_division": "",
        **fields,
    }  # fmt: skip
    r = await client.post(
        f"/marriage/workbench/register?lang={lang}", data=data, headers={**clerk, **HTML}
    )
    client.cookies.clear()
    return r


async def test_registration_reports_every_problem_of_both_parties_at_once(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    r = await post_register(
        client,
        desk.clerk,
        a_id_number=wrong_check(man),
        a_name="王强",
        a_hukou_division="4407",
        b_id_number=woman[:17],
        b_hukou_division="440704",
    )
    assert r.status_code == 422
    assert (
        field_error(r.text, "a_id_number")
        == "当事人一：身份证号码最后一位（校验位）与前 17 位不符，请逐位核对。"
    )
    assert field_error(r.text, "a_hukou_division").startswith("当事人一：")
    assert (
        field_error(r.text, "b_id_number") == "当事人二：身份证号码应为 18 位，这里填写了 17 位。"
    )
    assert field_error(r.text, "b_name").startswith("当事人二：")
    assert field_error(r.text, "kinship")
    summary = r.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert summary.count("<li>") == 5  # one line per problem, each linking to its field
    assert 'href="#f-a_id_number"' in summary and 'href="#f-b_name"' in summary
    assert "wrong check" not in r.text and "characters" not in r.text  # no library English

    english = await post_register(client, desk.clerk, lang="en", a_id_number=wrong_check(man))
    assert field_error(english.text, "a_id_number").startswith("Party A: The last character")
    assert not re.search(r"[\u4e00-\u9fff]", field_error(english.text, "b_id_number"))


async def test_registration_refusal_names_the_party_it_concerns(client):
    desk = await open_desk(client)
    man, _ = couple(1)
    girl = person_number(TODAY.replace(year=TODAY.year - 19), "female", 7)
    r = await post_register(
        client,
        desk.clerk,
        a_id_number=man, a_name="王强", a_hukou_division="440704",
        b_id_number=girl, b_name="李芳", b_hukou_division="440704",
        kinship="signed",
    )  # fmt: skip
    assert r.status_code == 422
    assert (
        field_error(r.text, "b_id_number") == "当事人二：未达法定婚龄（男 22 周岁，女 20 周岁）。"
    )
    assert field_error(r.text, "a_id_number") == ""


async def test_api_refusal_lists_the_parties_and_speaks_our_words(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    body = {
        "kind": "marriage",
        "office_code": "JH01",
        "party_a": {"id_number": wrong_check(man), "name": "王强", "hukou_division": "440704"},
        "party_b": {"id_number": woman, "name": "李芳", "hukou_division": "440704"},
    }
    r = await client.post("/api/v1/marriage/registrations", json=body, headers=desk.clerk)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_ID_NUMBER"
    assert r.json()["detail"].startswith("身份证号码校验位不正确")
    young = person_number(TODAY.replace(year=TODAY.year - 19), "female", 8)
    body["party_a"]["id_number"] = man
    body["party_b"]["id_number"] = young
    r = await client.post("/api/v1/marriage/registrations", json=body, headers=desk.clerk)
    assert r.json()["code"] == "UNDERAGE" and r.json()["extra"] == {"parties": ["party_b"]}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("wrong_check", "身份证号码最后一位（校验位）与前 17 位不符，请逐位核对。"),
        ("short", "身份证号码应为 18 位，这里填写了 16 位。"),
        ("own", "这是您本人的身份证号码，请填写对方的身份证号码。"),
        ("blank", "请填写对方的身份证号码。"),
    ],
)
async def test_booking_says_what_is_wrong_with_the_partner_number(client, typed, expected):
    await open_desk(client)
    man, woman = couple(1)
    citizen = await quick_citizen(man, "王强")
    slot = (await slots_on(client, TOMORROW))[0]
    number = {"wrong_check": wrong_check(woman), "short": woman[:16], "own": man.lower()}
    r = await client.post(
        f"/marriage/slot/{slot['id']}",
        data={
            "service": "marriage",
            "partner_id_number": number.get(typed, ""),
            "partner_name": "",
        },
        headers={**citizen, **HTML},
    )
    assert r.status_code == 422
    assert field_error(r.text, "partner_id_number") == expected
    assert field_error(r.text, "partner_name") == "请填写对方的姓名。"  # in the same round


SCHEDULE = {"slots": "09:00-10:00 3", "open_dates": "", "closed_dates": "", "horizon_days": "7"}


@pytest.mark.parametrize(
    ("typed", "field", "zh", "en"),
    [
        ({"slots": "09:00-10:00 x"}, "slots", "第 1 行格式应为", "Line 1: write 09:00-09:30 4"),
        ({"slots": "09:00-10:00 3\n09:30-11:00 3"}, "slots", "时段重叠", "slots overlap"),
        ({"slots": "09:00-10:00 1001"}, "slots", "名额", "capacity must be 1 to 1000"),
        ({"horizon_days": "soon"}, "horizon_days", "预约天数须为数字", "Days ahead is a number"),
        ({"horizon_days": "400"}, "horizon_days", "0 至 366", "horizon_days must be 0..366"),
        ({"open_dates": "5月20日"}, "open_dates", "YYYY-MM-DD", "Dates are YYYY-MM-DD"),
        ({"closed_dates": "2026-13-01"}, "closed_dates", "YYYY-MM-DD", "Dates are YYYY-MM-DD"),
    ],
)
async def test_a_refused_schedule_says_what_is_wrong_next_to_its_field(
    client, typed, field, zh, en
):
    """The admin's schedule form: the reason is shown at the field it concerns (and linked from
    the summary above the form), in the page's language, with what was typed kept."""
    desk = await open_desk(client)
    for lang, expected in (("zh", zh), ("en", en)):
        r = await client.post(
            f"/marriage/admin/offices/JH01?lang={lang}",
            data={**SCHEDULE, **typed},
            headers={**desk.admin, **HTML},
        )
        client.cookies.clear()
        assert r.status_code == 422, r.text[-300:]
        assert expected in field_error(r.text, field), (lang, field)
        assert f'href="#f-{field}"' in r.text  # the summary leads to the field
        others = [f for f in SCHEDULE if f != field]
        assert not any(field_error(r.text, other) for other in others)
        assert html.escape(typed[field]) in r.text  # nothing typed is lost


async def test_refused_office_details_are_shown_at_their_field_as_typed(client):
    desk = await open_desk(client)
    typed = {"address": "江海区", "opening_hours": "", "phone": "1" * 40, "directions": "二楼"}
    r = await client.post(
        "/marriage/admin/offices/JH01/details", data=typed, headers={**desk.admin, **HTML}
    )
    assert r.status_code == 422
    assert field_error(r.text, "phone") == "联系电话过长（最多 32 字）"
    assert not field_error(r.text, "address")
    assert 'href="#f-phone"' in r.text and "1" * 40 in r.text and "二楼" in r.text
    english = await client.post(
        "/marriage/admin/offices/JH01/details?lang=en", data=typed, headers={**desk.admin, **HTML}
    )
    client.cookies.clear()
    assert field_error(english.text, "phone") == (
        "The phone number (phone) is longer than 32 characters"
    )


async def test_only_an_admin_may_send_the_registry_forms(client):
    """The schedule and details forms are the admin's: a clerk or a citizen sending them is
    refused and changes nothing."""
    desk = await open_desk(client)
    man, _ = couple(1)
    citizen = await quick_citizen(man)
    before = await client.get(f"{API}/offices/JH01/schedule", headers=desk.admin)
    for headers in (desk.clerk, citizen):
        for path, data in (
            ("/marriage/admin/offices/JH01", {**SCHEDULE, "slots": "08:00-09:00 9"}),
            ("/marriage/admin/offices/JH01/details", {"address": "别处"}),
        ):
            r = await client.post(path, data=data, headers={**headers, **HTML})
            assert r.status_code == 403, (path, r.status_code)
    after = await client.get(f"{API}/offices/JH01/schedule", headers=desk.admin)
    assert after.json() == before.json()
    offices = (await client.get(f"{API}/offices")).json()
    assert all(office["address"] != "别处" for office in offices)
