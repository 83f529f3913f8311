"""Recording waivers over HTTP: API.md "Funeral", DOMAIN.md "Funeral basic-service fee waiver"."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.plugins.funeral.support import TODAY, person_number, roster, waiver

pytestmark = pytest.mark.db

DIED = dt.date(2026, 3, 18)


async def test_dibao_on_the_day_of_death_is_approved_and_the_death_recorded(client, clerk):
    number = person_number(dt.date(1940, 5, 1))
    await roster((number, "李秀英", "dibao", dt.date(2020, 1, 1), None))
    body = waiver(
        number,
        DIED,
        items=[
            {"code": "transport", "fee_fen": 50000},
            {"code": "storage", "fee_fen": 40000, "units": 5},
            {"code": "cremation", "fee_fen": 20000},
        ],
    )
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "approved"
    assert out["category"] == "dibao"
    # transport capped at 480 yuan, storage 80 yuan/day for at most 3 days, cremation in full.
    assert out["waived_fen"] == 48000 + 24000 + 20000
    assert out["reasons"][0]["code"] == "ELIGIBLE"
    assert {r["code"] for r in out["reasons"][1:]} == {"ITEM_CAPPED"}
    assert out["notice_no"].startswith("BZ440704-2026-")
    person = await client.get(f"/api/v1/people/{number}", headers=clerk)
    assert person.json()["deceased_on"] == DIED.isoformat()


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "status"),
    [
        # DOMAIN.md: eligible by the roster "on the day of death"; both ends count.
        (dt.date(2025, 1, 1), DIED, "approved"),
        (DIED, None, "approved"),
        (dt.date(2025, 1, 1), DIED - dt.timedelta(days=1), "rejected"),
        (DIED + dt.timedelta(days=1), None, "rejected"),
    ],
)
async def test_roster_boundaries_on_the_day_of_death(client, clerk, valid_from, valid_to, status):
    number = person_number(dt.date(1950, 2, 3), "male")
    await roster((number, "周国强", "tekun", valid_from, valid_to))
    # a resident of elsewhere (Beijing): only the roster on the day of death can make him eligible
    body = waiver(number, DIED, hukou_division="110105")
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == status
    if status == "approved":
        assert (out["category"], out["waived_fen"]) == ("tekun", 25000)
    else:
        # A rejected case is recorded too, waiving nothing, and says why.
        assert (out["category"], out["waived_fen"]) == (None, 0)
        assert out["reasons"][0]["code"] == "HUKOU_ELSEWHERE"
        listed = await client.get("/api/v1/funeral/waivers?status=rejected", headers=clerk)
        assert [w["id"] for w in listed.json()["items"]] == [out["id"]]


async def test_resident_of_elsewhere_is_rejected_but_the_death_is_recorded(client, clerk):
    number = person_number(dt.date(1945, 7, 9))
    body = waiver(number, DIED, hukou_division="110105")
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert r.status_code == 201
    assert (r.json()["status"], r.json()["reasons"][0]["code"]) == ("rejected", "HUKOU_ELSEWHERE")
    person = await client.get(f"/api/v1/people/{number}", headers=clerk)
    assert (person.json()["name"], person.json()["deceased_on"]) == ("李秀英", DIED.isoformat())


async def test_second_waiver_for_the_same_deceased_is_refused(client, clerk):
    number = person_number(dt.date(1945, 7, 9))
    await roster((number, "李秀英", "dibao", dt.date(2020, 1, 1), None))
    first = await client.post("/api/v1/funeral/waivers", json=waiver(number, DIED), headers=clerk)
    again = await client.post(
        "/api/v1/funeral/waivers",
        json=waiver(number.lower(), DIED, home="鹤山市殡仪馆"),
        headers=clerk,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "DUPLICATE_WAIVER"
    assert again.json()["extra"] == {"waiver_id": first.json()["id"]}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"died_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "DIED_IN_FUTURE"),
        ({"died_on": "1939-12-31"}, "DIED_BEFORE_BIRTH"),
        ({"id_number": "440704194001010011"}, "INVALID_ID_NUMBER"),
        ({"id_number": "4407041940"}, "INVALID_ID_NUMBER"),
        ({"id_number": None}, "INVALID_ID_NUMBER"),
        ({"unidentified_police_certificate_no": "江公证字2026第1号"}, "AMBIGUOUS_DECEASED"),
        ({"hukou_division": "4407"}, "INVALID_DIVISION"),
    ],
)
async def test_refusals_about_the_deceased(client, clerk, change, code):
    body = waiver(person_number(dt.date(1940, 1, 1)), DIED)
    body["deceased"].update(change)
    body["deceased"] = {k: v for k, v in body["deceased"].items() if v is not None}
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert (r.status_code, r.json()["code"]) == (422, code), r.text
    listed = await client.get("/api/v1/funeral/waivers", headers=clerk)
    assert listed.json()["total"] == 0


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{"code": "embalming", "fee_fen": 1000}], "UNKNOWN_ITEM"),
        ([], "NO_ITEMS"),
        ([{"code": "urn", "fee_fen": 100}, {"code": "urn", "fee_fen": 100}], "DUPLICATE_ITEM"),
        ([{"code": "urn", "fee_fen": -1}], "INVALID_AMOUNT"),
        ([{"code": "storage", "fee_fen": 100, "units": 0}], "INVALID_AMOUNT"),
        ([{"code": "urn", "fee_fen": 10**15}], "INVALID_AMOUNT"),
    ],
)
async def test_refusals_about_the_items(client, clerk, items, code):
    body = waiver(person_number(dt.date(1940, 1, 1)), DIED, items=items)
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert (r.status_code, r.json()["code"]) == (422, code), r.text


async def test_malformed_bodies_are_400_not_500(client, clerk):
    number = person_number(dt.date(1940, 1, 1))
    bad = [
        {"deceased": {"id_number": number}},
        {**waiver(number, DIED), "items": [{"code": "urn", "fee_fen": "lots"}]},
        {**waiver(number, DIED), "funeral_home": "殡" * 101},
        {
            **waiver(number, dt.date(2026, 1, 1))
            | {"deceased": {"id_number": number, "died_on": "2026-02-30"}}
        },
        {**waiver(number, DIED), "funeral_home": "   "},
    ]
    for body in bad:
        r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
        assert (r.status_code, r.json()["code"]) == (400, "BAD_REQUEST"), (body, r.text)


async def test_unidentified_body_certified_by_police(client, clerk):
    body = waiver(None, DIED, name="", certificate="江公（刑）认字〔2026〕18号")
    r = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["status"], out["category"], out["waived_fen"]) == (
        "approved",
        "unidentified",
        25000,
    )
    assert out["deceased"]["name"] == "无名氏"
    assert out["deceased"]["id_number"] is None
    again = await client.post("/api/v1/funeral/waivers", json=body, headers=clerk)
    assert (again.status_code, again.json()["code"]) == (409, "DUPLICATE_WAIVER")


async def test_who_may_record(client, clerk, staff):
    body = waiver(person_number(dt.date(1940, 1, 1)), DIED)
    assert (await client.post("/api/v1/funeral/waivers", json=body)).status_code == 401
    for role in ("reviewer", "admin"):
        r = await client.post("/api/v1/funeral/waivers", json=body, headers=await staff(role))
        assert (r.status_code, r.json()["code"]) == (403, "FORBIDDEN")
    r = await client.post(
        "/api/v1/funeral/waivers/preview", json=body, headers=await staff("reviewer")
    )
    assert r.status_code == 403


async def test_preview_shows_roster_and_eligibility_before_saving(client, clerk):
    number = person_number(dt.date(1939, 9, 9), "male")
    await roster(
        (number, "何伯", "low_income", dt.date(2018, 1, 1), dt.date(2025, 12, 31)),
        (number, "何伯", "youfu", dt.date(2024, 1, 1), None),
    )
    ask = {"deceased": {"id_number": number, "died_on": DIED.isoformat()}}
    r = await client.post("/api/v1/funeral/waivers/preview", json=ask, headers=clerk)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["person"]["name"] == "何伯"
    assert [(a["category"], a["valid_on_death_day"]) for a in out["assistance"]] == [
        ("low_income", False),
        ("youfu", True),
    ]
    assert (out["eligible"], out["category"], out["items"]) == (True, "youfu", [])
    priced = await client.post(
        "/api/v1/funeral/waivers/preview",
        json={**ask, "items": [{"code": "storage", "fee_fen": 30000, "units": 4}]},
        headers=clerk,
    )
    assert priced.json()["waived_fen"] == 24000
    assert priced.json()["items"][0]["family_pays_fen"] == 6000
    # Nothing was saved, and the person is not marked deceased by a preview.
    assert (await client.get("/api/v1/funeral/waivers", headers=clerk)).json()["total"] == 0
    person = await client.get(f"/api/v1/people/{number}", headers=clerk)
    assert person.json()["deceased_on"] is None
    saved = await client.post("/api/v1/funeral/waivers", json=waiver(number, DIED), headers=clerk)
    again = await client.post("/api/v1/funeral/waivers/preview", json=ask, headers=clerk)
    assert again.json()["existing_waiver"]["id"] == saved.json()["id"]
    future = {"deceased": {"id_number": number, "died_on": "2026-12-01"}}
    refused = await client.post("/api/v1/funeral/waivers/preview", json=future, headers=clerk)
    assert (refused.status_code, refused.json()["code"]) == (422, "DIED_IN_FUTURE")
