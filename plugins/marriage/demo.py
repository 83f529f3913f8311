"""The marriage service's part of ``minzheng demo``: the Jianghai registry with a published
schedule, a year of registrations (some cross-province), a divorce in cooling-off, and a citizen
with an upcoming booking. Idempotent: nothing is added once the registry exists."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from core.auth.accounts import register_citizen
from core.auth.identity import CurrentUser
from core.demo import demo_id_number
from core.refusals import Refusal
from plugins.marriage.rules import SlotTemplate
from plugins.marriage.services import booking, divorce
from plugins.marriage.services.offices import ScheduleInput, create_office, save_schedule
from plugins.marriage.services.registration import PartyInput, register_marriage
from plugins.marriage.tables import Office, Slot

OFFICE = ("JH01", "江门市江海区民政局婚姻登记处", "440704")
MORNING = [(dt.time(9, 0), dt.time(9, 30)), (dt.time(9, 30), dt.time(10, 0)),
           (dt.time(10, 0), dt.time(10, 30)), (dt.time(10, 30), dt.time(11, 0)),
           (dt.time(11, 0), dt.time(11, 30))]  # fmt: skip
AFTERNOON = [(dt.time(14, 30), dt.time(15, 0)), (dt.time(15, 0), dt.time(15, 30)),
             (dt.time(15, 30), dt.time(16, 0)), (dt.time(16, 0), dt.time(16, 30)),
             (dt.time(16, 30), dt.time(17, 0))]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁谢"
MEN = "伟强磊军洋勇杰涛明超刚建国志华"
WOMEN = "芳娜敏静丽艳娟秀霞桂英红梅兰婷"
SERVICES = ("marriage",) * 8 + ("divorce", "reissue")
HUKOU = ["440704"] * 6 + ["440703", "440705", "440781", "450102", "430104", "360102"]
CLERK = CurrentUser(
    id=0,
    username="demo",
    kind="staff",
    roles=("clerk",),
    permissions=frozenset({"marriage.register", "marriage.appointments.manage"}),
    display_name="演示",
    office_code=OFFICE[0],
)


def _person(rng: random.Random, male: bool, on: dt.date) -> PartyInput:
    birth = dt.date(on.year - rng.randint(24, 36), rng.randint(1, 12), rng.randint(1, 28))
    name = rng.choice(SURNAMES) + rng.choice(MEN if male else WOMEN)
    hukou = rng.choice(HUKOU)
    permit = OFFICE[2] if hukou[:2] != "44" else None
    return PartyInput(demo_id_number(rng, birth, male, "440700"), name, hukou, permit)


async def load_demo(today: dt.date) -> str:
    if await Office.exists().where(Office.code == OFFICE[0]):
        return "registry JH01 already loaded"
    await create_office(*OFFICE)
    pattern = [SlotTemplate(start, end, 4) for start, end in MORNING + AFTERNOON]
    await save_schedule(OFFICE[0], ScheduleInput(slots=pattern, horizon_days=30))
    rng = random.Random(520)
    year_start = dt.date(today.year, 1, 1)
    days = sorted(
        year_start + dt.timedelta(days=rng.randint(0, max((today - year_start).days - 1, 0)))
        for _ in range(24)
    )
    registered = []
    for day in days:
        try:
            result = await register_marriage(
                CLERK,
                office_code=OFFICE[0],
                party_a=_person(rng, True, day),
                party_b=_person(rng, False, day),
                registered_on=day,
            )
        except Refusal:  # a rare clash of generated numbers: skip that couple
            continue
        registered.append(result["certificate_no"])
    if registered:
        await divorce.apply(CLERK, marriage_certificate_no=registered[0], office_code=OFFICE[0])
    login = await _citizen_with_booking(rng, today)
    booked = await _month_of_bookings(rng, today)
    return (
        f"registry JH01, {len(registered)} marriages, 1 divorce in cooling-off, "
        f"{booked} bookings over the coming month; {login}"
    )


async def _month_of_bookings(rng: random.Random, today: dt.date) -> int:
    """Two to five couples a working day over the published month, booked through the booking
    service as residents would (each from its own documentation-range address)."""
    slots = await (
        Slot.select(Slot.id, Slot.day)
        .where((Slot.office_code == OFFICE[0]) & (Slot.day >= today))
        .order_by(Slot.day)
        .order_by(Slot.start_time)
    )
    by_day: dict[dt.date, list[int]] = {}
    for slot in slots:
        by_day.setdefault(slot["day"], []).append(slot["id"])
    booked = 0
    for day, ids in by_day.items():
        for slot_id in rng.sample(ids, min(len(ids), rng.randint(2, 5))):
            man, woman = _person(rng, True, day), _person(rng, False, day)
            service = rng.choice(SERVICES)
            resident = CurrentUser(
                id=0,
                username=man.id_number,
                kind="citizen",
                roles=("citizen",),
                permissions=frozenset({"marriage.book"}),
                display_name=man.name,
            )
            try:
                await booking.book(
                    resident,
                    slot_id=slot_id,
                    service=service,
                    partner_id_number=None if service == "reissue" else woman.id_number,
                    partner_name="" if service == "reissue" else woman.name,
                    ip=f"192.0.2.{booked % 250 + 1}",
                )
            except Refusal:  # a slot of today already begun, a clash of generated numbers
                continue
            booked += 1
    return booked


async def _citizen_with_booking(rng: random.Random, today: dt.date) -> str:
    man = _person(rng, True, today)
    woman = _person(rng, False, today)
    password = secrets.token_urlsafe(9)
    account = await register_citizen(man.id_number, man.name, "13800138000", password)
    user = CurrentUser(
        id=account.id,
        username=account.username,
        kind="citizen",
        roles=("citizen",),
        permissions=frozenset({"marriage.book"}),
        display_name=man.name,
    )
    slot = await (
        Slot.select(Slot.id)
        .where((Slot.office_code == OFFICE[0]) & (Slot.day > today))
        .order_by(Slot.day)
        .order_by(Slot.start_time)
        .first()
    )
    if slot is not None:
        await booking.book(
            user,
            slot_id=slot["id"],
            service="marriage",
            partner_id_number=woman.id_number,
            partner_name=woman.name,
            ip="127.0.0.1",
        )
    return f"citizen {man.id_number} password {password} (booked a marriage registration)"
