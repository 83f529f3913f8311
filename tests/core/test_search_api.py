"""The clerk's global search (``GET /api/v1/search?q=``): people, certificates and organizations
from one box, each service answering through ``minzheng_search``; masked, and only what the
caller may see (issue 7 item 3)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from core.certificates.service import issue_certificate, void_certificate
from core.people.service import ensure_person
from core.search import clean_query
from tests import factories
from tests.core.support import assert_error

pytestmark = pytest.mark.db

BIRTH = dt.date(1988, 4, 2)


@pytest.fixture
async def person(id_number) -> str:
    number = id_number(BIRTH, "female", division="440704", seq=7)
    await ensure_person(number, "欧阳芳芳", hukou_division="440704")
    return number


async def search(client: httpx.AsyncClient, headers: dict, q: str) -> list[dict]:
    r = await client.get("/api/v1/search", params={"q": q}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_person_is_found_by_identity_number_masked(client, clerk, person):
    (found,) = [r for r in await search(client, clerk, person.lower()) if r["kind"] == "person"]
    assert found["title"] == f"欧**芳 {person[:6]}********{person[-4:]}"
    assert found["subtitle"] == "女 · 户籍 440704"
    assert found["href"].startswith("/search/people/") and person not in found["href"]
    assert found["plugin"] == "core"


async def test_a_person_is_found_by_part_of_the_name_and_nothing_gives_the_number_away(
    client, clerk, person
):
    r = await client.get("/api/v1/search", params={"q": "阳芳"}, headers=clerk)
    people = [item for item in r.json()["items"] if item["kind"] == "person"]
    assert [p["title"][:4] for p in people] == ["欧**芳"]
    assert person not in r.text and "欧阳芳芳" not in r.text


@pytest.mark.parametrize("q", ["芳", "%", "_", "a%b", "欧阳芳芳%"])
async def test_a_single_character_or_a_wildcard_finds_nobody(client, clerk, person, q):
    assert not [r for r in await search(client, clerk, q) if r["kind"] == "person"]


async def test_a_certificate_is_found_by_its_number_and_links_to_its_verification(client, clerk):
    issued = await issue_certificate(
        prefix="J",
        division="440704",
        kind="marriage",
        plugin="marriage",
        title="结婚证",
        issued_on=dt.date(2026, 5, 20),
        holder_names=["王强", "李芳芳"],
        holder_ids=["x", "y"],
        content={},
    )
    typed = " " + issued.number.lower() + " "
    (found,) = [r for r in await search(client, clerk, typed) if r["kind"] == "certificate"]
    assert found["title"] == f"结婚证 {issued.number}"
    assert found["subtitle"] == "2026-05-20 · 有效 · 王*、李*芳"
    check = await client.get(
        "/api/v1" + found["href"].split("?")[0], params={"c": found["href"].split("c=")[1]}
    )
    assert check.json()["valid"] is True

    await void_certificate(issued.number, "补领")
    (found,) = [r for r in await search(client, clerk, issued.number) if r["kind"] == "certificate"]
    assert "已作废" in found["subtitle"]


async def test_an_organization_is_found_by_credit_code_or_name(client, clerk):
    uscc = factories.uscc("social_service", 42)
    r = await client.post(
        "/api/v1/orgs/",
        json={
            "uscc": uscc,
            "name": "江海区星光助残服务中心",
            "kind": "social_service",
            "registered_on": "2022-03-01",
            "legal_representative": "陈志明",
            "staff_count": 4,
        },
        headers=clerk,
    )
    assert r.status_code == 201, r.text
    for q in (uscc, uscc.lower(), "星光助残"):
        orgs = [r for r in await search(client, clerk, q) if r["plugin"] == "social_orgs"]
        assert [o["title"] for o in orgs] == ["江海区星光助残服务中心"]
        assert orgs[0]["href"] == f"/orgs/{uscc}"


async def test_a_switched_off_service_answers_nothing(client, staff, clerk):
    admin = await staff("admin")
    issued = await issue_certificate(
        prefix="J",
        division="440704",
        kind="marriage",
        plugin="marriage",
        title="结婚证",
        issued_on=dt.date(2026, 5, 20),
        holder_names=["王强", "李芳"],
        holder_ids=["x", "y"],
        content={},
    )
    assert await search(client, clerk, issued.number)
    r = await client.patch("/api/v1/admin/plugins/marriage", json={"enabled": False}, headers=admin)
    assert r.status_code == 200
    assert await search(client, clerk, issued.number) == []
    await client.patch("/api/v1/admin/plugins/marriage", json={"enabled": True}, headers=admin)


@pytest.mark.parametrize("role", ["admin", "reviewer", "clerk"])
async def test_every_member_of_staff_finds_people(client, staff, person, role):
    headers = await staff(role, office_code="JH01" if role == "clerk" else None)
    assert [r["kind"] for r in await search(client, headers, person)].count("person") == 1


async def test_citizens_and_strangers_may_not_search(client, citizen, id_number, person):
    own = await citizen(id_number(dt.date(1990, 1, 1), seq=2))
    assert_error(await client.get("/api/v1/search?q=欧阳", headers=own), 403, "FORBIDDEN")
    assert_error(await client.get("/api/v1/search?q=欧阳"), 401, "UNAUTHENTICATED")


async def test_an_empty_query_answers_nothing(client, clerk, person):
    r = await client.get("/api/v1/search", params={"q": " \t "}, headers=clerk)
    assert r.json() == {"query": "", "items": []}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  王芳 ", "王芳"),
        ("王\x00芳\n", "王芳"),
        (None, ""),
        ("x" * 100, "x" * 64),
    ],
)
def test_queries_are_cleaned_before_searching(raw, clean):
    assert clean_query(raw) == clean


async def test_each_service_answers_only_those_who_may_open_its_records(client, staff, id_number):
    """A marriage certificate's number: the registry clerk also gets the registry's own result
    (with the PDF), a reviewer, who does not handle marriages, only the public verification."""
    admin = await staff("admin")
    r = await client.post(
        "/api/v1/marriage/offices",
        json={"code": "JH01", "name": "江海区婚姻登记处", "division_code": "440704"},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    clerk = await staff("clerk", office_code="JH01")
    parties = [
        (id_number(dt.date(1990, 3, 3), "male", seq=31), "王强"),
        (id_number(dt.date(1992, 4, 4), "female", seq=32), "李芳"),
    ]
    r = await client.post(
        "/api/v1/marriage/registrations",
        json={
            "kind": "marriage",
            "office_code": "JH01",
            **{
                key: {"id_number": number, "name": name, "hukou_division": "440704"}
                for key, (number, name) in zip(("party_a", "party_b"), parties, strict=True)
            },
        },
        headers=clerk,
    )
    assert r.status_code == 201, r.text
    number = r.json()["certificate_no"]
    reviewer = await staff("reviewer")
    assert {r["plugin"] for r in await search(client, clerk, number)} == {"core", "marriage"}
    assert {(r["plugin"], r["kind"]) for r in await search(client, reviewer, number)} == {
        ("core", "certificate")
    }
