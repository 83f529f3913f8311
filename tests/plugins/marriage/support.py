"""Shared helpers of the marriage HTTP tests: the clock, offices, citizens, parties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx

from core.refusals import Refusal
from tests import factories

API = "/api/v1/marriage"
# Monday 2026-06-01; Dragon Boat Festival is Fri 2026-06-19.
TODAY = dt.date(2026, 6, 1)
PATTERN = [
    {"start": "09:00", "end": "09:30", "capacity": 2},
    {"start": "14:00", "end": "14:30", "capacity": 2},
]


def person_number(birth: dt.date, sex: str = "male", seq: int = 1, division: str = "110105") -> str:
    """A valid identity number (GB 11643-1999) for ``birth`` and ``sex``."""
    return factories.id_number(birth, sex, division, seq)


def couple(seq: int, *, man_born: dt.date = dt.date(1995, 3, 1)) -> tuple[str, str]:
    """A man and a woman of marriageable age, distinct for each ``seq``."""
    return (
        person_number(man_born, "male", seq),
        person_number(dt.date(1997, 8, 15), "female", seq),
    )


def party(id_number: str, name: str, hukou: str = "440704", permit: str | None = None) -> dict:
    body: dict[str, Any] = {"id_number": id_number, "name": name, "hukou_division": hukou}
    if permit:
        body["residence_permit_division"] = permit
    return body


async def add_office(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    code: str = "JH01",
    division: str = "440704",
    name: str = "江海区婚姻登记处",
) -> None:
    r = await client.post(
        f"{API}/offices",
        json={"code": code, "name": name, "division_code": division},
        headers=admin,
    )
    assert r.status_code == 201, r.text


async def put_schedule(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    code: str = "JH01",
    slots: list[dict] | None = None,
    horizon: int = 14,
    **extra: Any,
) -> dict:
    body = {"slots": slots if slots is not None else PATTERN, "horizon_days": horizon, **extra}
    r = await client.put(f"{API}/offices/{code}/schedule", json=body, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()


async def slots_on(
    client: httpx.AsyncClient, day: dt.date, office: str = "JH01"
) -> list[dict[str, Any]]:
    r = await client.get(
        f"{API}/slots", params={"office": office, "from": day.isoformat(), "to": day.isoformat()}
    )
    assert r.status_code == 200, r.text
    return r.json()


async def places_of(slot_id: int) -> list[tuple[int, str | None]]:
    """The slot's place rows: (place, appointment code or None when free), in place order."""
    from core.db import fetch

    rows = await fetch(
        "SELECT place, appointment_code FROM marriage_slot_place WHERE slot_id = {} ORDER BY place",
        slot_id,
    )
    return [(row["place"], row["appointment_code"]) for row in rows]


PASSWORD = "test-password-1"


@cache
def _password_hash() -> str:
    from core.auth.passwords import hash_password

    return hash_password(PASSWORD)


async def _account(**fields: Any) -> dict[str, str]:
    """An account and a bearer token written straight to the tables: the sign-up and sign-in
    endpoints spend ~0.25 s each on Argon2, too slow for hundreds of bookers (the core's own
    tests cover them). The password is ``PASSWORD``."""
    from core.auth.tokens import issue_token
    from core.tables import Account

    rows = await Account.insert(Account(password_hash=_password_hash(), **fields)).returning(
        Account.id
    )
    raw, _ = await issue_token(rows[0]["id"], "api")
    return {"Authorization": f"Bearer {raw}"}


async def quick_citizen(
    id_number: str, name: str = "张三", *, verification: str = "unverified"
) -> dict[str, str]:
    """A citizen account; ``verification="identity"`` for one whose card was seen at a window
    (needed to read records about the person, such as certificate PDFs; booking needs none)."""
    from core.people.service import ensure_person

    await ensure_person(id_number, name)
    return await _account(
        username=id_number,
        kind="citizen",
        roles=["citizen"],
        display_name=name,
        phone="13800000000",
        verification=verification,
    )


_staff_counter = iter(range(1, 1_000_000))


@dataclass
class Desk:
    """What most tests start from: an admin, an office JH01 with slots, and its clerk."""

    admin: dict[str, str]
    clerk: dict[str, str]


async def open_desk(client: httpx.AsyncClient, today: dt.date = TODAY) -> Desk:
    n = next(_staff_counter)
    admin = await factories.staff_user(client, f"desk-admin-{n}", "admin")
    clerk = await factories.staff_user(client, f"desk-clerk-{n}", "clerk", office_code="JH01")
    await factories.set_today(client, admin, today)
    await add_office(client, admin)
    await put_schedule(client, admin)
    return Desk(admin, clerk)


async def book(
    client: httpx.AsyncClient,
    booker: dict[str, str],
    slot_id: int,
    partner: str,
    service: str = "marriage",
    name: str = "李四",
) -> httpx.Response:
    return await client.post(
        f"{API}/appointments",
        json={
            "slot_id": slot_id,
            "service": service,
            "partner": {"id_number": partner, "name": name},
        },
        headers=booker,
    )


async def register(
    client: httpx.AsyncClient,
    clerk: dict[str, str],
    a: dict,
    b: dict,
    office: str = "JH01",
    **extra: Any,
) -> httpx.Response:
    body = {"kind": "marriage", "office_code": office, "party_a": a, "party_b": b, **extra}
    return await client.post(f"{API}/registrations", json=body, headers=clerk)


@dataclass
class Rush:
    """``attempts`` citizens pressing "book" at once on tomorrow's one slot of ``capacity``."""

    desk: Desk
    slot: dict
    bookers: list[dict[str, str]]
    responses: list[httpx.Response]

    def outcomes(self) -> dict[tuple[int, str], int]:
        counts: dict[tuple[int, str], int] = {}
        for r in self.responses:
            key = (r.status_code, r.json().get("code") if r.status_code != 201 else "booked")
            counts[key] = counts.get(key, 0) + 1
        return counts


async def rush_one_slot(client: httpx.AsyncClient, attempts: int, capacity: int) -> Rush:
    import asyncio

    desk = await open_desk(client)
    await put_schedule(
        client, desk.admin, slots=[{"start": "09:00", "end": "10:00", "capacity": capacity}]
    )
    slot = (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]
    people = [couple(seq) for seq in range(attempts)]
    bookers = [await quick_citizen(man) for man, _ in people]
    responses = await asyncio.gather(
        *(
            book(client, booker, slot["id"], woman)
            for booker, (_, woman) in zip(bookers, people, strict=True)
        )
    )
    return Rush(desk, slot, bookers, list(responses))


def refusal_code(refusal: Refusal | None) -> str | None:
    """The code of a rule's answer: rule tables list codes, the texts are the rule's own."""
    return None if refusal is None else refusal.code
