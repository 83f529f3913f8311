"""The search page (``/search``), the box in every staff page's header, and the full record of a
person opened from the results, which is audited (issue 7 item 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.people.roster import import_roster
from core.people.service import ensure_person
from core.tables import AuditEvent, Person

pytestmark = pytest.mark.db


@pytest.fixture
async def person(id_number) -> str:
    number = id_number(dt.date(1961, 9, 9), "male", division="440704", seq=11)
    await ensure_person(number, "司马光明", hukou_division="440704")
    await import_roster(
        f"id_number,name,category,valid_from,valid_to\n{number},司马光明,dibao,2024-01-01,\n".encode(),
        "roster.csv",
    )
    return number


async def test_results_are_grouped_by_service_and_masked(client, clerk, person):
    r = await client.get("/search", params={"q": "司马"}, headers=clerk)
    assert r.status_code == 200
    html = r.text
    assert "“司马”的搜索结果：1 条" in html
    assert re.search(r'<h3 id="group-core">人员与证书</h3>', html)
    assert "司**明" in html and "司马光明" not in html and person not in html


async def test_nothing_found_says_how_to_search(client, clerk):
    html = (await client.get("/search", params={"q": "查无此人"}, headers=clerk)).text
    assert "没有找到相关结果" in html and "至少两个汉字" in html


async def test_opening_a_person_shows_the_full_record_and_is_audited(client, clerk, person):
    row = await Person.select(Person.id).where(Person.id_number == person).first()
    before = await AuditEvent.count().where(AuditEvent.action == "core.person.read")
    r = await client.get(f"/search/people/{row['id']}", headers=clerk)
    assert r.status_code == 200
    assert person in r.text and "司马光明" in r.text and "最低生活保障（低保）" in r.text
    assert "已记入审计日志" in r.text
    events = await AuditEvent.select().where(AuditEvent.action == "core.person.read")
    assert len(events) == before + 1
    assert events[-1]["entity_id"] == f"{person[:6]}********{person[-4:]}"  # never in full


async def test_an_unknown_person_is_not_found(client, clerk):
    assert (await client.get("/search/people/987654", headers=clerk)).status_code == 404


async def test_staff_pages_carry_the_search_box_and_others_do_not(
    client, clerk, citizen, id_number
):
    assert 'role="search"' in (await client.get("/", headers=clerk)).text
    resident = await citizen(id_number(dt.date(1992, 2, 2), seq=5))
    assert 'role="search"' not in (await client.get("/", headers=resident)).text
    assert 'role="search"' not in (await client.get("/")).text


async def test_residents_may_not_open_the_search_or_a_record(client, citizen, id_number, person):
    resident = await citizen(id_number(dt.date(1992, 2, 2), seq=6))
    row = await Person.select(Person.id).where(Person.id_number == person).first()
    assert (await client.get("/search?q=司马", headers=resident)).status_code == 403
    assert (await client.get(f"/search/people/{row['id']}", headers=resident)).status_code == 403
