"""Marital records of people, the parties as the rules see them, and the status query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit
from core.db import defer, fetch
from core.identity import mask_id_number
from core.people.service import find_person, set_marital_status
from core.tables import Person
from plugins.marriage.rules import MaritalRecord, Party, current_spouse, marital_status
from plugins.marriage.rules.status import RecordKind
from plugins.marriage.tables import MaritalEvent, Registration


async def records_of(id_number: str) -> tuple[MaritalRecord, ...]:
    rows = (
        await MaritalEvent.select()
        .where(MaritalEvent.id_number == id_number)
        .order_by(MaritalEvent.happened_on)
        .order_by(MaritalEvent.id)
    )
    return tuple(
        MaritalRecord(
            row["kind"], row["happened_on"], row["spouse_id_number"], row["registration_id"]
        )
        for row in rows
    )


async def deaths_and_records(
    *id_numbers: str,
) -> dict[str, tuple[dt.date | None, tuple[MaritalRecord, ...]]]:
    """Each person's date of death and ``records_of``, in one query (raw SQL: every
    registration runs it); people not in the registry are left out."""
    rows = await fetch(
        "SELECT p.id_number, p.deceased_on, r.kind, r.happened_on, r.spouse_id_number, "  # noqa: S608
        "r.registration_id FROM person p LEFT JOIN marriage_record r ON r.id_number = p.id_number "
        f"WHERE p.id_number IN ({', '.join('{}' for _ in id_numbers)}) "
        "ORDER BY p.id_number, r.happened_on, r.id",
        *id_numbers,
    )
    found: dict[str, tuple[dt.date | None, list[MaritalRecord]]] = {}
    for row in rows:
        _, records = found.setdefault(row["id_number"], (row["deceased_on"], []))
        if row["kind"] is not None:
            records.append(
                MaritalRecord(
                    row["kind"], row["happened_on"], row["spouse_id_number"], row["registration_id"]
                )
            )
    return {number: (died, tuple(records)) for number, (died, records) in found.items()}


async def lock_people(*id_numbers: str) -> None:
    """Inside a write transaction: take the people's rows (PostgreSQL row locks, in a fixed order
    so two registrations never wait on each other) before reading their records."""
    now = dt.datetime.now(dt.UTC)
    for number in sorted(set(id_numbers)):
        await fetch("UPDATE person SET updated_at = {} WHERE id_number = {}", now, number)


async def party(
    id_number: str, hukou_division: str | None = None, permit: str | None = None
) -> Party:
    """The party with their death date and records; places from the clerk's entry when given,
    else from the person registry."""
    person = await find_person(id_number)
    hukou = hukou_division or (person.hukou_division if person else None) or ""
    return Party(
        id_number=id_number,
        hukou_division=hukou,
        residence_permit_division=permit
        if hukou_division
        else (person.residence_permit_division if person else None),
        deceased_on=person.deceased_on if person else None,
        marital_records=await records_of(id_number),
    )


async def add_record(
    id_number: str,
    kind: str,
    on: dt.date,
    spouse_id_number: str,
    spouse_name: str,
    registration_id: int | None,
) -> str:
    """Append a record and bring the registry's marital status in line; returns the status."""
    await MaritalEvent.insert(
        MaritalEvent(
            id_number=id_number,
            kind=kind,
            happened_on=on,
            spouse_id_number=spouse_id_number,
            spouse_name=spouse_name,
            registration_id=registration_id,
        )
    )
    status = marital_status(await records_of(id_number))
    await set_marital_status(id_number, status)
    return status


async def add_couple_records(
    kind: RecordKind, on: dt.date, couple: list[tuple[Party, str]], registration_id: int
) -> None:
    """``add_record`` for both parties of a registration (``(party, name)`` each, the party
    with the records the rules read inside this transaction): one insert, and the statuses
    computed from the records already in hand rather than read again. Both deferred
    (``core.db.defer``): nothing here needs an answer, so on PostgreSQL they travel with the
    transaction's next statement."""
    (first, first_name), (second, second_name) = couple
    pairs = ((first, second, second_name), (second, first, first_name))
    args: list[Any] = []
    for me, other, other_name in pairs:
        args += [me.id_number, kind, on, other.id_number, other_name, registration_id]
    await defer(
        "INSERT INTO marriage_record (id_number, kind, happened_on, spouse_id_number, "
        "spouse_name, registration_id) VALUES ({}, {}, {}, {}, {}, {}), ({}, {}, {}, {}, {}, {})",
        *args,
    )
    statuses: dict[str, list[str]] = {}
    for me, other, _ in pairs:
        new = MaritalRecord(kind, on, other.id_number, registration_id)
        statuses.setdefault(marital_status((*me.marital_records, new)), []).append(me.id_number)
    for status, numbers in statuses.items():
        await defer(
            "UPDATE person SET marital_status = {} "  # noqa: S608
            f"WHERE id_number IN ({', '.join('{}' for _ in numbers)})",
            status,
            *numbers,
        )


async def record_spouse_death(person_id: str, person_name: str, died_on: dt.date) -> str | None:
    """Inside the death's transaction: the surviving spouse becomes widowed."""
    spouse = current_spouse(await records_of(person_id))
    if spouse is None:
        return None
    # A death is not a registration: the record carries none.
    await add_record(spouse, "spouse_died", died_on, person_id, person_name, None)
    return spouse


async def status_of(id_number: str) -> dict[str, Any]:
    """The clerk's status query; reading the full record is audited."""
    person = await find_person(id_number)
    rows = (
        await MaritalEvent.select()
        .where(MaritalEvent.id_number == id_number)
        .order_by(MaritalEvent.happened_on)
        .order_by(MaritalEvent.id)
    )
    registration_ids = [row["registration_id"] for row in rows if row["registration_id"]]
    registrations = {
        reg["id"]: reg
        for reg in (
            await Registration.select(
                Registration.id, Registration.certificate_no, Registration.office_code
            ).where(Registration.id.is_in(registration_ids))
            if registration_ids
            else []
        )
    }
    records = [
        {
            "kind": row["kind"],
            "on": row["happened_on"],
            "spouse_id_number": row["spouse_id_number"],
            "spouse_name": row["spouse_name"],
            "registration_id": row["registration_id"],
            "certificate_no": registrations.get(row["registration_id"], {}).get("certificate_no"),
            "office": registrations.get(row["registration_id"], {}).get("office_code"),
        }
        for row in rows
    ]
    status = marital_status(await records_of(id_number))
    await audit.record(
        "marriage.status.read",
        entity="person",
        entity_id=mask_id_number(id_number),
        summary=f"查询婚姻状况 {mask_id_number(id_number)}",
    )
    return {
        "id_number": id_number,
        "name": person.name if person else None,
        "marital_status": status,
        "deceased_on": person.deceased_on if person else None,
        "records": records,
    }


async def person_name(id_number: str) -> str:
    row = await Person.select(Person.name).where(Person.id_number == id_number).first()
    return row["name"] if row else ""
