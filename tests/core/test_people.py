"""Issue #2 item 6: the person registry over HTTP. A recorded death or hukou move is announced to
enabled plugins through ``minzheng_person_died`` / ``minzheng_person_moved`` in the same
transaction; a plugin's refusal undoes the whole change."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.core import probe_plugin
from tests.core.support import assert_error

pytestmark = pytest.mark.db


@pytest.fixture
async def person(id_number):
    from core.people.service import ensure_person

    number = id_number(dt.date(1948, 2, 29), "male", division="440704", seq=31)
    await ensure_person(number, "周大爷", hukou_division="440704")
    return number


async def test_clerk_reviewer_and_admin_read_a_full_record(client, staff, person):
    from core.tables import Assistance

    await Assistance.insert(
        Assistance(id_number=person, category="dibao", valid_from=dt.date(2024, 1, 1))
    )
    for roles in (("clerk",), ("reviewer",), ("admin",)):
        headers = await staff(*roles, office_code="JH01" if roles == ("clerk",) else None)
        r = await client.get(f"/api/v1/people/{person}", headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body == {
            **body,
            "id_number": person,
            "name": "周大爷",
            "sex": "male",
            "birth_date": "1948-02-29",
            "hukou_division": "440704",
            "marital_status": "unmarried",
            "deceased_on": None,
            "assistance": [{"category": "dibao", "valid_from": "2024-01-01", "valid_to": None}],
        }


async def test_unknown_and_invalid_numbers(client, staff, id_number):
    clerk = await staff("clerk", office_code="JH01")
    unknown = id_number(dt.date(1990, 1, 1), seq=40)
    assert_error(await client.get(f"/api/v1/people/{unknown}", headers=clerk), 404, "NOT_FOUND")
    r = await client.get("/api/v1/people/110105199001010000", headers=clerk)
    assert_error(r, 422, "INVALID_ID_NUMBER")
    r = await client.patch(
        f"/api/v1/people/{unknown}", json={"hukou_division": "440704"}, headers=clerk
    )
    assert_error(r, 404, "NOT_FOUND")


async def test_lower_case_x_in_the_path_finds_the_person(client, staff):
    from core.people.service import ensure_person

    await ensure_person("11010519491231002X", "老王")
    clerk = await staff("clerk", office_code="JH01")
    r = await client.get("/api/v1/people/11010519491231002x", headers=clerk)
    assert r.status_code == 200 and r.json()["id_number"] == "11010519491231002X"


async def test_hook_person_moved_is_announced_with_old_and_new_division(
    probe_client, staff, person
):
    from core.clock import today

    clerk = await staff("clerk", office_code="JH01")
    r = await probe_client.patch(
        f"/api/v1/people/{person}", json={"hukou_division": "440703"}, headers=clerk
    )
    assert r.status_code == 200, r.text
    assert r.json()["hukou_division"] == "440703"
    [call] = probe_plugin.calls("person_moved")
    assert (call["person"].id_number, call["old"], call["new"]) == (person, "440704", "440703")
    assert call["person"].hukou_division == "440703"
    assert call["on"] == await today()
    # Moving to where the person already is announces nothing.
    await probe_client.patch(
        f"/api/v1/people/{person}", json={"hukou_division": "440703"}, headers=clerk
    )
    assert len(probe_plugin.calls("person_moved")) == 1


async def test_hook_person_died_is_announced_once(probe_client, staff, person):
    from core.tables import AuditEvent

    clerk = await staff("clerk", office_code="JH01")
    for _ in range(2):
        r = await probe_client.patch(
            f"/api/v1/people/{person}", json={"deceased_on": "2025-06-30"}, headers=clerk
        )
        assert r.status_code == 200, r.text
        assert r.json()["deceased_on"] == "2025-06-30"
    [call] = probe_plugin.calls("person_died")
    assert call["died_on"] == dt.date(2025, 6, 30)
    assert call["person"].deceased_on == dt.date(2025, 6, 30)
    died = await AuditEvent.select().where(AuditEvent.action == "core.person.died")
    assert len(died) == 1 and person not in died[0]["summary"]


async def test_hook_person_died_refusal_undoes_the_whole_change(probe_client, staff, id_number):
    from core.people.service import ensure_person, find_person
    from core.tables import AuditEvent

    number = id_number(dt.date(1940, 1, 1), "female", seq=33)
    await ensure_person(number, probe_plugin.REFUSED_NAME, hukou_division="440704")
    clerk = await staff("clerk", office_code="JH01")
    before = await AuditEvent.count()
    r = await probe_client.patch(
        f"/api/v1/people/{number}",
        json={"hukou_division": "440705", "deceased_on": "2025-01-01"},
        headers=clerk,
    )
    assert_error(r, 422, "PROBE_REFUSED")
    person = await find_person(number)
    assert (person.deceased_on, person.hukou_division) == (None, "440704")
    assert await AuditEvent.count() == before


async def test_a_death_in_the_future_changes_nothing(client, staff, person):
    from core.clock import today
    from core.people.service import find_person

    clerk = await staff("clerk", office_code="JH01")
    tomorrow = (await today()) + dt.timedelta(days=1)
    r = await client.patch(
        f"/api/v1/people/{person}",
        json={"hukou_division": "440705", "deceased_on": tomorrow.isoformat()},
        headers=clerk,
    )
    assert_error(r, 422, "DIED_IN_FUTURE")
    record = await find_person(person)
    assert (record.deceased_on, record.hukou_division) == (None, "440704")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "BAD_REQUEST"),
        ({"hukou_division": "4407"}, 422, "INVALID_DIVISION"),
        ({"hukou_division": "44070A"}, 422, "INVALID_DIVISION"),
        ({"hukou_division": 440704}, 400, "BAD_REQUEST"),
        ({"deceased_on": "2025-02-30"}, 400, "BAD_REQUEST"),
    ],
)
async def test_patch_refusals(client, staff, person, body, status, code):
    clerk = await staff("clerk", office_code="JH01")
    assert_error(
        await client.patch(f"/api/v1/people/{person}", json=body, headers=clerk), status, code
    )


async def test_hook_indicators_are_gathered_for_the_year(probe_client, staff):
    from core.clock import today

    reviewer = await staff("reviewer")
    r = await probe_client.get("/api/v1/stats/indicators?year=2031", headers=reviewer)
    assert r.status_code == 200
    rows = {row["key"]: row for row in r.json()}
    assert rows["probe.year"]["value"] == 2031
    assert {"key", "name", "unit", "value", "target"} <= set(rows["probe.year"])
    r = await probe_client.get("/api/v1/stats/indicators", headers=reviewer)
    year = (await today()).year
    assert {row["key"]: row for row in r.json()}["probe.year"]["value"] == year
