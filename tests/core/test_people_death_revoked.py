"""Issue 11 item 6: ``POST /api/v1/people/{id}/death/revoke`` (死亡登记更正). A reviewer revokes a
death recorded in error, with a reason; every enabled plugin hears ``minzheng_person_death_revoked``
in the same transaction; a plugin's refusal undoes the whole revocation."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.core import probe_plugin
from tests.core.support import assert_error

pytestmark = pytest.mark.db


@pytest.fixture
async def person(id_number):
    from core.people.service import ensure_person

    number = id_number(dt.date(1950, 3, 1), "male", division="440704", seq=35)
    await ensure_person(number, "钱老伯", hukou_division="440704")
    return number


async def _die(client, staff, number, on="2025-06-30"):
    clerk = await staff("clerk", office_code="JH01")
    r = await client.patch(f"/api/v1/people/{number}", json={"deceased_on": on}, headers=clerk)
    assert r.status_code == 200, r.text


async def test_hook_person_death_revoked_is_announced_and_audited(probe_client, staff, person):
    from core.clock import today
    from core.people.service import find_person
    from core.tables import AuditEvent

    await _die(probe_client, staff, person)
    reviewer = await staff("reviewer")
    r = await probe_client.post(
        f"/api/v1/people/{person}/death/revoke",
        json={"reason": f"误报：{person} 的死亡证明属于他人"},
        headers=reviewer,
    )
    assert r.status_code == 200, r.text
    assert r.json()["deceased_on"] is None
    assert (await find_person(person)).deceased_on is None
    [call] = probe_plugin.calls("person_death_revoked")
    assert call["person"].id_number == person and call["person"].deceased_on is None
    assert call["died_on"] == dt.date(2025, 6, 30)
    assert call["on"] == await today()
    assert call["reason"].startswith("误报")
    [event] = await AuditEvent.select().where(AuditEvent.action == "core.person.death_revoked")
    assert person not in event["summary"] and person not in str(event["details"])
    assert "2025-06-30" in event["summary"]
    # Revoking again: nothing is recorded any more.
    r = await probe_client.post(
        f"/api/v1/people/{person}/death/revoke", json={"reason": "再次"}, headers=reviewer
    )
    assert_error(r, 422, "NOT_DECEASED")
    assert len(probe_plugin.calls("person_death_revoked")) == 1


async def test_hook_person_death_revoked_refusal_undoes_the_whole_revocation(
    probe_client, staff, id_number
):
    from core.people.service import ensure_person, find_person
    from core.tables import AuditEvent, Person

    number = id_number(dt.date(1941, 1, 1), "female", seq=37)
    await ensure_person(number, probe_plugin.REFUSED_NAME, hukou_division="440704")
    clerk = await staff("clerk", office_code="JH01")
    r = await probe_client.patch(
        f"/api/v1/people/{number}", json={"deceased_on": "2025-01-01"}, headers=clerk
    )
    assert_error(r, 422, "PROBE_REFUSED")  # the probe refuses her death too: record it directly
    await Person.update({Person.deceased_on: dt.date(2025, 1, 1)}).where(Person.id_number == number)
    reviewer = await staff("reviewer")
    before = await AuditEvent.count()
    r = await probe_client.post(
        f"/api/v1/people/{number}/death/revoke", json={"reason": "误登记"}, headers=reviewer
    )
    assert_error(r, 422, "PROBE_REFUSED")
    assert (await find_person(number)).deceased_on == dt.date(2025, 1, 1)
    assert await AuditEvent.count() == before


async def test_only_a_reviewer_revokes_and_a_reason_is_required(client, staff, person, id_number):
    await _die(client, staff, person)
    url = f"/api/v1/people/{person}/death/revoke"
    clerk = await staff("clerk", office_code="JH01")
    assert_error(await client.post(url, json={"reason": "x"}), 401, "UNAUTHENTICATED")
    assert_error(await client.post(url, json={"reason": "x"}, headers=clerk), 403, "FORBIDDEN")
    reviewer = await staff("reviewer")
    for body in ({"reason": ""}, {"reason": "   "}):
        assert_error(await client.post(url, json=body, headers=reviewer), 422, "REASON_REQUIRED")
    for body in ({}, {"reason": 5}, [1]):
        assert_error(await client.post(url, json=body, headers=reviewer), 400, "BAD_REQUEST")
    unknown = id_number(dt.date(1960, 5, 5), seq=41)
    r = await client.post(
        f"/api/v1/people/{unknown}/death/revoke", json={"reason": "x"}, headers=reviewer
    )
    assert_error(r, 404, "NOT_FOUND")
    r = await client.post(
        "/api/v1/people/110105199001010000/death/revoke", json={"reason": "x"}, headers=reviewer
    )
    assert_error(r, 422, "INVALID_ID_NUMBER")
    r = await client.get(f"/api/v1/people/{person}", headers=reviewer)
    assert r.json()["deceased_on"] == "2025-06-30"  # nothing changed by the refusals


async def test_a_living_person_is_not_deceased(client, staff, person):
    r = await client.post(
        f"/api/v1/people/{person}/death/revoke",
        json={"reason": "误登记"},
        headers=await staff("reviewer"),
    )
    assert_error(r, 422, "NOT_DECEASED")


async def test_a_reviewer_revokes_a_death_from_the_person_page(client, staff, person):
    from core.people.service import find_person
    from core.tables import Person

    await _die(client, staff, person)
    row = await Person.select(Person.id).where(Person.id_number == person).first()
    csrf = await factories.staff_session(client, "page-reviewer", "reviewer")
    url = f"/search/people/{row['id']}"
    page = await client.get(url, headers={"accept-language": "zh"})
    assert page.status_code == 200 and "死亡登记更正" in page.text
    refused = await client.post(
        f"{url}/death/revoke",
        data={"_csrf": csrf, "reason": " "},
        headers={"accept-language": "zh"},
    )
    # the form comes back with the refusal next to the reason (issue 14's one form pattern)
    assert refused.status_code == 422 and "请填写撤销死亡登记的原因" in refused.text
    assert (await find_person(person)).deceased_on == dt.date(2025, 6, 30)
    ask = await client.post(f"{url}/death/revoke", data={"_csrf": csrf, "reason": "误登记"})
    assert ask.status_code == 200 and "2025-06-30" in ask.text and "误登记" in ask.text
    assert (await find_person(person)).deceased_on == dt.date(2025, 6, 30)  # not yet
    done = await client.post(
        f"{url}/death/revoke", data={"_csrf": csrf, "reason": "误登记", "confirmed": "yes"}
    )
    assert done.status_code == 303 and done.headers["location"] == url
    assert (await find_person(person)).deceased_on is None
    page = await client.get(url, headers={"accept-language": "zh"})
    assert "死亡登记已撤销" in page.text and 'action="' + url + '/death/revoke"' not in page.text
