"""Lists and searches that stay fast at a province's size (issue 13 item 2), on both engines:
names found by any two or more consecutive characters through the bigram index
(``core.grams``, kept by triggers whoever writes the row), identity numbers by their start, the
audit log paged by ``after=`` with every entry exactly once, its total from the chain's head and
capped counts under a filter. ``bench/scale.py`` times them at 1,000,000 rows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.db import fetch
from core.people.service import ensure_person

pytestmark = pytest.mark.db

NAMES = ["王德华", "李王德", "欧阳德华", "王小明", "张德", "司马王德明"]


@pytest.fixture
async def people(id_number) -> dict[str, str]:
    numbers = {}
    for seq, name in enumerate(NAMES, start=1):
        number = id_number(dt.date(1980 + seq, 3, 4), "male", division="440703", seq=seq)
        await ensure_person(number, name, hukou_division="440703")
        numbers[name] = number
    return numbers


async def found(client, headers: dict, q: str) -> list[str]:
    r = await client.get("/api/v1/search", params={"q": q}, headers=headers)
    assert r.status_code == 200, r.text
    return [i["title"] for i in r.json()["items"] if i["kind"] == "person"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("王德", ["李王德", "司马王德明", "王德华"]),  # at the start, the end, the middle
        ("德华", ["欧阳德华", "王德华"]),
        ("王德明", ["司马王德明"]),
        ("阳德华", ["欧阳德华"]),
        ("小明", ["王小明"]),
        ("德明王", []),
        ("赵钱", []),
    ],
)
async def test_a_name_is_found_by_any_consecutive_characters(client, clerk, people, q, expected):
    titles = await found(client, clerk, q)
    numbers = {people[name][-4:] for name in expected}
    assert {t[-4:] for t in titles} == numbers and len(titles) == len(expected)


async def test_a_renamed_person_is_found_by_the_new_name_only(client, clerk, people):
    await fetch("UPDATE person SET name = {} WHERE id_number = {}", "赵钱孙", people["王小明"])
    assert len(await found(client, clerk, "钱孙")) == 1
    assert await found(client, clerk, "小明") == []
    await fetch("DELETE FROM person WHERE id_number = {}", people["张德"])
    assert await found(client, clerk, "张德") == []
    grams = await fetch("SELECT COUNT(*) AS n FROM person_name_gram")
    names = await fetch("SELECT name FROM person")
    assert grams[0]["n"] == sum(len({n[i : i + 2] for i in range(len(n) - 1)}) for n in
                                (r["name"] for r in names))  # fmt: skip


async def test_an_identity_number_is_found_by_its_start(client, clerk, people, id_number):
    other = id_number(dt.date(1990, 1, 1), "female", division="110105", seq=3)
    await ensure_person(other, "钱芳")
    assert len(await found(client, clerk, "440703")) == len(NAMES)
    assert len(await found(client, clerk, "44070319830304")) == 1
    assert len(await found(client, clerk, "1101")) == 1
    assert await found(client, clerk, "4407049") == []
    assert await found(client, clerk, "440") == []  # too short to be a prefix search


async def test_the_audit_log_pages_by_cursor_with_every_entry_once(client, admin, monkeypatch):
    from core.audit import listing, record
    from core.context import current_actor

    token = current_actor.set("clerk-zhou")
    try:
        for n in range(23):
            action = "marriage.appointment.booked" if n % 2 else "funeral.waiver.recorded"
            await record(action, entity="thing", entity_id=str(n))
    finally:
        current_actor.reset(token)
    url = "/api/v1/admin/audit"
    head = (await fetch("SELECT seq FROM audit_head"))[0]["seq"]
    for params, expected in (
        ({}, head),  # every entry, the staff account's creation included
        ({"actor": "clerk-zhou"}, 23),
        ({"action": "marriage."}, 11),
        ({"action": "funeral.waiver.recorded"}, 12),
    ):
        seen, after = [], None
        while True:
            query = {**params, "limit": 5, **({"after": after} if after else {})}
            body = (await client.get(url, params=query, headers=admin)).json()
            assert body["total"] == expected and body["total_capped"] is False
            seen += [item["seq"] for item in body["items"]]
            after = body["next_after"]
            if after is None:
                break
        assert len(seen) == len(set(seen)) == expected
        assert seen == sorted(seen, reverse=True)
    all_seqs = [r["seq"] for r in await fetch("SELECT seq FROM audit_event ORDER BY seq DESC")]
    body = (await client.get(url, params={"limit": 500}, headers=admin)).json()
    assert [i["seq"] for i in body["items"]] == all_seqs and body["total"] == len(all_seqs)
    # a filter's count stops at the cap, and says so
    monkeypatch.setattr(listing, "COUNT_CAP", 10)
    body = (await client.get(url, params={"actor": "clerk-zhou"}, headers=admin)).json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (10, True, 23)


@pytest.mark.parametrize("merged", [True, False])
async def test_a_namespace_pages_like_the_whole_log_filtered(client, admin, monkeypatch, merged):
    """``action=marriage.`` is answered from each of the namespace's actions' newest entries,
    merged (up to ``MERGE_LIMIT`` deep), or from the range: the same pages either way, with
    ``offset``, ``after=`` and another filter."""
    from core.audit import listing, record
    from core.context import current_actor

    if not merged:
        monkeypatch.setattr(listing, "MERGE_LIMIT", 0)
    actions = [
        "marriage.appointment.booked",
        "funeral.waiver.recorded",
        "marriage.registration.created",
        "marriage.appointment.cancelled",
        "marriage.office.created",
    ]
    for n in range(31):
        token = current_actor.set("clerk-zhou" if n % 3 else "clerk-li")
        try:
            await record(actions[(n * n) % 5], entity="thing", entity_id=str(n))
        finally:
            current_actor.reset(token)
    url = "/api/v1/admin/audit"
    zhou = "action LIKE 'marriage.%' AND actor = 'clerk-zhou'"
    for params, where in (
        ({"action": "marriage."}, "action LIKE 'marriage.%'"),
        ({"action": "marriage.", "actor": "clerk-zhou"}, zhou),
        ({"action": "marriage.appointment."}, "action LIKE 'marriage.appointment.%'"),
        ({"action": "marriage.nothing."}, "1 = 0"),
    ):  # fmt: skip
        expected = [
            r["seq"]
            for r in await fetch(f"SELECT seq FROM audit_event WHERE {where} ORDER BY seq DESC")  # noqa: S608
        ]
        by_offset = []
        for offset in range(0, len(expected) + 4, 4):
            query = {**params, "limit": 4, "offset": offset}
            body = (await client.get(url, params=query, headers=admin)).json()
            assert body["total"] == len(expected)
            by_offset += [item["seq"] for item in body["items"]]
        by_cursor, after = [], None
        while True:
            query = {**params, "limit": 4, **({"after": after} if after else {})}
            body = (await client.get(url, params=query, headers=admin)).json()
            by_cursor += [item["seq"] for item in body["items"]]
            after = body["next_after"]
            if after is None:
                break
        assert by_offset == by_cursor == expected


def test_a_prefix_range_ends_after_every_string_with_the_prefix():
    from core.audit.listing import prefix_end

    assert prefix_end("marriage.") == "marriage/"
    for action in ("marriage.", "marriage.x", "marriage.appointment.booked", "marriage.~~"):
        assert "marriage." <= action < prefix_end("marriage.")
    for action in ("marriage", "marriagf", "marriage/", "funeral.x"):
        assert not "marriage." <= action < prefix_end("marriage.")


@given(st.text(min_size=1, max_size=6), st.text(max_size=6), st.text(max_size=6))
def test_every_prefix_has_an_end_a_database_can_hold(prefix, rest, other):
    """Whatever an administrator types (the audit page matches any text by its start): the
    range's end is text without surrogates, above every string with the prefix and below the
    others after it (code point order: SQLite's and the C collation's)."""
    from core.audit.listing import prefix_end

    end = prefix_end(prefix)  # (hypothesis draws no surrogates: neither does a query string)
    end.encode("utf-8")
    if prefix.strip(chr(0x10FFFF)):
        assert prefix <= prefix + rest < end
    if other > prefix and not other.startswith(prefix):
        assert other >= end
