"""The directory at a province's size (issue 13 item 2): ``after=`` pages by the (name, code)
index with every organization exactly once, names are found by any two or more consecutive
characters (``core.grams``) and codes by their start, counts are right (capped under a filter)."""

from __future__ import annotations

import datetime as dt

import pytest

from plugins.social_orgs.tables import Organization

pytestmark = pytest.mark.db

WORDS = ["江海", "蓬江", "新会", "台山"]
SUFFIXES = ["协会", "商会", "联合会"]


@pytest.fixture
async def orgs(uscc) -> list[dict]:
    rows = []
    for n in range(37):
        # repeated names: the code breaks the tie, so a page never ends inside a run of them
        name = f"江门市{WORDS[n % 4]}{SUFFIXES[n % 3]}"
        rows.append(
            Organization(
                uscc=uscc("social_group", n + 1),
                name=name,
                kind="social_group",
                status="active" if n % 5 else "deregistered",
                registered_on=dt.date(2020, 1, 1),
                legal_representative="李红",
            )
        )
    await Organization.insert(*rows)
    return await Organization.select().order_by(Organization.name).order_by(Organization.uscc)


@pytest.fixture(params=["listed", "walked"])
def strategy(request, monkeypatch) -> str:
    """A name's page is found from the list of rows holding its first bigram (rare bigrams) or
    by walking the (name, code) index and testing each row (frequent ones): both give the same
    answers."""
    from plugins.social_orgs.services import registry

    monkeypatch.setattr(registry, "FREQUENT", 10**9 if request.param == "listed" else 1)
    return request.param


async def pages(client, params: dict) -> tuple[list[str], list[int]]:
    seen, totals, after = [], [], None
    while True:
        query = {**params, "limit": 4, **({"after": after} if after else {})}
        r = await client.get("/api/v1/orgs/", params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        seen += [item["uscc"] for item in body["items"]]
        totals.append(body["total"])
        after = body["next_after"]
        if after is None:
            return seen, totals


@pytest.mark.parametrize(
    ("params", "wanted"),
    [
        ({}, lambda o: True),
        ({"q": "江海"}, lambda o: "江海" in o["name"]),
        ({"q": "联合会"}, lambda o: "联合会" in o["name"]),
        ({"q": "海协"}, lambda o: "海协" in o["name"]),
        (
            {"status": "active", "q": "商会"},
            lambda o: o["status"] == "active" and "商会" in o["name"],
        ),
    ],
)
async def test_after_pages_every_matching_organization_once_in_order(
    client, orgs, strategy, params, wanted
):
    expected = [o["uscc"] for o in orgs if wanted(o)]
    seen, totals = await pages(client, params)
    assert seen == expected  # by name then code, each once
    assert set(totals) == {len(expected)}
    offsets = []
    for offset in range(0, len(expected), 4):
        query = {**params, "limit": 4, "offset": offset}
        offsets += [
            i["uscc"] for i in (await client.get("/api/v1/orgs/", params=query)).json()["items"]
        ]
    assert offsets == expected


async def test_a_code_is_found_by_its_start_and_a_filter_count_is_capped(
    client, orgs, uscc, strategy, monkeypatch
):
    from plugins.social_orgs.services import registry

    code = orgs[0]["uscc"]
    body = (await client.get("/api/v1/orgs/", params={"q": code[:12].lower()})).json()
    assert code in [i["uscc"] for i in body["items"]]
    assert all(i["uscc"].startswith(code[:12]) for i in body["items"])
    starting = [o["uscc"] for o in orgs if o["uscc"].startswith(code[:12])]
    assert body["total"] == len(starting) and body["total_capped"] is False
    monkeypatch.setattr(registry, "COUNT_CAP", 5)
    body = (await client.get("/api/v1/orgs/", params={"q": "江门", "limit": 50})).json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (5, True, 37)
    body = (await client.get("/api/v1/orgs/", params={"limit": 50})).json()
    assert (body["total"], body["total_capped"]) == (37, False)
    # a name with the digits in it is found by them, besides the codes starting with them
    monkeypatch.setattr(registry, "COUNT_CAP", 10_000)
    other = uscc("foundation", 99)
    await Organization.insert(
        Organization(
            uscc=other,
            name=f"江门市{code[:12]}基金会",
            kind="foundation",
            registered_on=dt.date(2020, 1, 1),
            legal_representative="李红",
        )
    )
    body = (await client.get("/api/v1/orgs/", params={"q": code[:12], "limit": 50})).json()
    found = [i["uscc"] for i in body["items"]]
    assert sorted(found) == sorted([*starting, other]) and body["total"] == len(found)
    # the unfiltered total is kept by the table's triggers, whoever writes the rows
    body = (await client.get("/api/v1/orgs/", params={"limit": 1})).json()
    assert (body["total"], body["total_capped"]) == (38, False)
    await Organization.delete().where(Organization.uscc.is_in([other, orgs[0]["uscc"]]))
    body = (await client.get("/api/v1/orgs/", params={"limit": 1})).json()
    assert (body["total"], body["total_capped"]) == (36, False)
