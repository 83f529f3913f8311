"""The person registry: find or create people, record deaths and hukou moves.

A death or a move is announced to every enabled plugin through the hooks, inside the same
transaction, so a plugin's reaction and the change itself are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterable

from core import audit
from core.clock import today
from core.db import defer, write_transaction
from core.identity import (
    ID_NUMBER_PROBLEMS,
    InvalidIdNumber,
    birth_date_of,
    mask_id_number,
    normalize_id_number,
    sex_of,
)
from core.people.records import PersonRecord, RosterEntry
from core.refusals import Refusal
from core.tables import Assistance, Person

DIVISION_LENGTH = 6


def valid_id_number(value: object, on: dt.date | None = None) -> str:
    """The normalized number, or 422 ``INVALID_ID_NUMBER``; ``on`` is the day of the act (a
    birth date after it is refused, as is one before 1900)."""
    try:
        return normalize_id_number(value, on)
    except InvalidIdNumber as exc:
        chinese, english = ID_NUMBER_PROBLEMS[exc.reason]
        raise Refusal(
            "INVALID_ID_NUMBER", zh=chinese, en=f"Invalid identity number: {english}"
        ) from None


def valid_division(value: object, field: str) -> str:
    if (
        not isinstance(value, str)
        or len(value) != DIVISION_LENGTH
        or not value.isascii()
        or not value.isdigit()
    ):
        raise Refusal(
            "INVALID_DIVISION",
            zh=f"{field} 须为6位行政区划代码",
            en=f"{field} must be a 6-digit division code",
            english_first=True,
        )
    return value


async def find_person(id_number: str) -> PersonRecord | None:
    row = await Person.select().where(Person.id_number == id_number).first()
    return PersonRecord.from_row(row) if row else None


async def catch_up(
    id_numbers: Iterable[str], deceased: bool, react: Callable[[PersonRecord], Awaitable[None]]
) -> None:
    """Replay a death (``deceased``) or its revocation to a plugin that missed it while it was
    disabled (hooks reach enabled plugins only): each person is read again in a transaction of
    their own and handed to ``react`` only while the registry still says so."""
    for number in id_numbers:
        async with write_transaction():
            person = await find_person(number)
            if person is not None and (person.deceased_on is not None) is deceased:
                await react(person)


async def get_person(id_number: str) -> PersonRecord:
    person = await find_person(id_number)
    if person is None:
        raise Refusal.not_found(zh="查无此人", en="No such person")
    return person


async def ensure_person(
    id_number: str,
    name: str,
    *,
    hukou_division: str | None = None,
    residence_permit_division: str | None = None,
) -> PersonRecord:
    """Find the person or create them from the number; fills a missing name or division."""
    row = await Person.select().where(Person.id_number == id_number).first()
    if row is None:
        await Person.insert(
            Person(
                id_number=id_number,
                name=name,
                sex=sex_of(id_number),
                birth_date=birth_date_of(id_number),
                hukou_division=hukou_division,
                residence_permit_division=residence_permit_division,
            )
        )
    else:
        changes = {}
        if hukou_division and not row["hukou_division"]:
            changes[Person.hukou_division] = hukou_division
        if residence_permit_division:
            changes[Person.residence_permit_division] = residence_permit_division
        if changes:
            await Person.update(changes).where(Person.id_number == id_number)
    return await get_person(id_number)


async def ensure_people_locked(people: list[tuple[str, str, str | None, str | None]]) -> None:
    """Inside a write transaction: find or create each (identity number, name, hukou division,
    residence permit division) as ``ensure_person`` does and lock their rows (PostgreSQL row
    locks, taken in identity-number order so that two writers never wait on each other), in
    one statement. Deferred (``core.db.defer``: on PostgreSQL it travels with the BEGIN), so
    read the people, and whatever hangs on them, in a later statement: that one sees every
    change committed before the locks were taken."""
    now = dt.datetime.now(dt.UTC)
    values, args = [], []
    unique = {number: (number, name, hukou, permit) for number, name, hukou, permit in people}
    for number, name, hukou, permit in sorted(unique.values()):
        values.append("({}, {}, {}, {}, {}, {}, {})")
        args += [number, name, sex_of(number), birth_date_of(number), hukou, permit, now]
    await defer(
        "INSERT INTO person (id_number, name, sex, birth_date, hukou_division, "  # noqa: S608
        f"residence_permit_division, updated_at) VALUES {', '.join(values)} "
        "ON CONFLICT (id_number) DO UPDATE SET "
        "hukou_division = COALESCE(NULLIF(person.hukou_division, ''), excluded.hukou_division), "
        "residence_permit_division = "
        "COALESCE(excluded.residence_permit_division, person.residence_permit_division), "
        "updated_at = excluded.updated_at",
        *args,
    )


async def roster_entries(id_number: str) -> list[RosterEntry]:
    rows = (
        await Assistance.select()
        .where(Assistance.id_number == id_number)
        .order_by(Assistance.valid_from)
    )
    return [RosterEntry(r["category"], r["valid_from"], r["valid_to"]) for r in rows]


async def set_marital_status(id_number: str, status: str) -> None:
    await Person.update({Person.marital_status: status}).where(Person.id_number == id_number)


def _source_zh(source: str) -> str:
    """Who recorded a death, as the audit summary names it: the window, or a service by title."""
    from core.plugins import get_host

    if source == "clerk":
        return "窗口登记"
    return next((m.title for m in get_host().metas if m.name == source), source)


async def record_death(id_number: str, died_on: dt.date, *, source: str) -> PersonRecord:
    """Mark the person deceased and tell every enabled plugin. Call inside a write transaction."""
    from core.plugins import get_host

    if died_on > await today():
        raise Refusal(
            "DIED_IN_FUTURE",
            zh="死亡日期晚于今天",
            en="Date of death is in the future",
            english_first=True,
        )
    async with write_transaction():
        person = await get_person(id_number)
        if person.deceased_on is not None and person.deceased_on == died_on:
            return person
        await Person.update(
            {Person.deceased_on: died_on, Person.updated_at: dt.datetime.now(dt.UTC)}
        ).where(Person.id_number == id_number)
        person = await get_person(id_number)
        await get_host().person_died(person, died_on)
        await audit.record(
            "core.person.died",
            entity="person",
            entity_id=mask_id_number(id_number),
            summary=(
                f"登记死亡 {mask_id_number(id_number)} 于 {died_on.isoformat()}"
                f"（{_source_zh(source)}）"
            ),
        )
    return person


MAX_REASON = 500


def _not_deceased() -> Refusal:
    return Refusal(
        "NOT_DECEASED",
        zh="此人未登记死亡",
        en="No death is recorded for this person",
        english_first=True,
    )


ID_LIKE = re.compile(r"\b\d{17}[\dXx]\b")


async def revoke_death(id_number: str, reason: str) -> PersonRecord:
    """Revoke a death recorded in error (死亡登记更正): the person is alive again and every enabled
    plugin undoes its reaction (``minzheng_person_death_revoked``), all in one transaction.

    422 ``REASON_REQUIRED`` without a reason, 422 ``NOT_DECEASED`` when no death is recorded.
    """
    from core.plugins import get_host

    text = (reason or "").strip()
    if not text:
        raise Refusal(
            "REASON_REQUIRED", zh="请填写更正原因", en="A reason is required", english_first=True
        )
    if len(text) > MAX_REASON:
        raise Refusal(
            "REASON_TOO_LONG",
            zh="原因过长",
            en=f"The reason is over {MAX_REASON} characters",
            english_first=True,
        )
    text = ID_LIKE.sub(lambda m: mask_id_number(m.group()), text)  # never a full number logged
    on = await today()
    async with write_transaction():
        person = await get_person(id_number)
        died_on = person.deceased_on
        if died_on is None:
            raise _not_deceased()
        revoked = (
            await Person.update(
                {Person.deceased_on: None, Person.updated_at: dt.datetime.now(dt.UTC)}
            )
            .where((Person.id_number == id_number) & Person.deceased_on.is_not_null())
            .returning(Person.id)
        )
        if not revoked:  # a concurrent revocation won
            raise _not_deceased()
        person = await get_person(id_number)
        await get_host().person_death_revoked(person, died_on, text, on)
        await audit.record(
            "core.person.death_revoked",
            entity="person",
            entity_id=mask_id_number(id_number),
            summary=(
                f"撤销误登记的死亡 {mask_id_number(id_number)}（原登记死亡日期 "
                f"{died_on.isoformat()}）：{text}"
            ),
            details={"died_on": died_on.isoformat(), "reason": text},
        )
    return person


async def move_hukou(id_number: str, new_division: str, on: dt.date) -> PersonRecord:
    from core.plugins import get_host

    async with write_transaction():
        person = await get_person(id_number)
        old = person.hukou_division
        if old == new_division:
            return person
        await Person.update(
            {Person.hukou_division: new_division, Person.updated_at: dt.datetime.now(dt.UTC)}
        ).where(Person.id_number == id_number)
        person = await get_person(id_number)
        await get_host().person_moved(person, old, new_division, on)
        await audit.record(
            "core.person.moved",
            entity="person",
            entity_id=mask_id_number(id_number),
            summary=f"户籍迁移 {mask_id_number(id_number)}: {old or '-'} → {new_division}",
        )
    return person
