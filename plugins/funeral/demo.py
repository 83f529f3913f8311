"""Demo data of the funeral plugin: Jianghai residents (most also on the assistance roster) and a
few residents of other places who died in recent months, their waivers at three funeral homes
(粤民发〔2015〕37号: local hukou or the roster makes a death eligible), a void with its correction,
and settled months.

Idempotent: nothing is added when any waiver exists. Waivers are recorded on the days they
would have been (the month they are claimed in), by the demo clerk.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric

from core.context import current_actor
from core.people.roster import import_roster
from plugins.funeral.rules import month_of
from plugins.funeral.schemas import ApplicantIn, DeceasedIn, ItemIn, WaiverIn
from plugins.funeral.services.amend import correct_waiver, void_waiver
from plugins.funeral.services.deciding import Actor
from plugins.funeral.services.settlements import confirm_settlement
from plugins.funeral.services.waivers import record_waiver
from plugins.funeral.tables import FuneralWaiver

HOMES = ("江门市殡仪馆", "江门市殡仪馆", "江门市殡仪馆", "鹤山市殡仪馆", "台山市殡仪馆")
CATEGORIES = ("dibao", "dibao", "tekun", "low_income", "youfu")
SURNAMES = "梁黄陈李张吴林何谭甄伍余区邓冯"
GIVEN = ("秀英", "桂芳", "玉兰", "伯华", "志强", "国强", "少芬", "锦棠", "带娣", "炳南", "惠珍")
RELATIONS = ("儿子", "女儿", "配偶", "侄子", "孙子")
CASES = 36
CLERK = Actor("clerk", "JH01")


def _number(rng: random.Random, birth: dt.date) -> str:
    body = f"440704{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _items(rng: random.Random) -> list[ItemIn]:
    items = [
        ItemIn(code="transport", fee_fen=rng.choice((45000, 52000, 60000))),
        ItemIn(code="disinfection", fee_fen=9000),
        ItemIn(code="storage", fee_fen=8000 * (days := rng.randint(1, 5)), units=days),
        ItemIn(code="cremation", fee_fen=rng.choice((25000, 28000))),
        ItemIn(code="urn", fee_fen=rng.choice((15000, 38000, 80000))),
    ]
    if rng.random() < 0.6:
        items.append(ItemIn(code="farewell", fee_fen=rng.choice((23000, 36000))))
    if rng.random() < 0.4:
        items.append(
            ItemIn(code="ash_storage", fee_fen=5000 * (years := rng.randint(1, 3)), units=years)
        )
    return items


def _case_days(today: dt.date, rng: random.Random) -> list[dt.date]:
    """Days of the recent months' cases, spread over the three months before this one and the
    days of this month so far."""
    first = (today.replace(day=1) - dt.timedelta(days=85)).replace(day=1)
    span = (today - first).days
    return sorted(first + dt.timedelta(days=rng.randint(0, span)) for _ in range(CASES))


async def load_demo(today: dt.date) -> str:
    if await FuneralWaiver.count() > 0:
        return "funeral waivers already loaded"
    rng = random.Random(4407040)
    days = _case_days(today, rng)
    people, roster_lines = [], ["id_number,name,category,valid_from,valid_to"]
    for index, recorded_on in enumerate(days):
        birth = dt.date(rng.randint(1926, 1958), rng.randint(1, 12), rng.randint(1, 28))
        number = _number(rng, birth)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        died_on = recorded_on - dt.timedelta(days=rng.randint(0, 3))
        # Every ninth person's roster entry ended before the death and their hukou is in Taishan
        # (440781), not the district: rejected at the counter (HUKOU_ELSEWHERE).
        elsewhere = index % 9 == 4
        people.append((number, name, died_on, recorded_on, "440781" if elsewhere else "440704"))
        start = dt.date(rng.randint(2016, 2023), rng.randint(1, 12), 1)
        ended = (died_on - dt.timedelta(days=40)).isoformat() if elsewhere else ""
        if index % 12 != 7:  # and a few were never on a roster (eligible as local residents)
            category = CATEGORIES[index % len(CATEGORIES)]
            roster_lines.append(f"{number},{name},{category},{start.isoformat()},{ended}")
    await import_roster("\n".join(roster_lines).encode(), "funeral-demo-roster.csv")

    token = current_actor.set(CLERK.username)
    try:
        saved = []
        for number, name, died_on, recorded_on, hukou in people:
            data = WaiverIn(
                deceased=DeceasedIn(
                    id_number=number, name=name, died_on=died_on, hukou_division=hukou
                ),
                funeral_home=rng.choice(HOMES),
                applicant=ApplicantIn(
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    phone=f"13{rng.randrange(10**8, 10**9)}",
                    relation=rng.choice(RELATIONS),
                ),
                items=_items(rng),
            )
            saved.append((await record_waiver(data, today=recorded_on, actor=CLERK), data))
        unidentified = WaiverIn(
            deceased=DeceasedIn(
                unidentified_police_certificate_no=f"江公（刑）认字〔{today.year}〕21号",
                died_on=days[5],
            ),
            funeral_home=HOMES[0],
            applicant=ApplicantIn(name="江海公安分局", phone="0750-3861110", relation="公安机关"),
            items=[
                ItemIn(code="transport", fee_fen=48000),
                ItemIn(code="cremation", fee_fen=25000),
            ],
        )
        await record_waiver(unidentified, today=days[5], actor=CLERK)
        corrected = await _void_and_correct(saved, today)
        settled = await _settle(days, today)
    finally:
        current_actor.reset(token)
    return (
        f"{len(saved) + 1} funeral waivers at {len(set(HOMES))} homes, "
        f"{corrected} voided and corrected, {settled} month(s) settled"
    )


async def _void_and_correct(saved: list, today: dt.date) -> int:
    """The first approved waiver was entered with a wrong fee: corrected today. The second was
    claimed twice by mistake: voided today (a correction line in this month's settlement)."""
    approved = [(w, data) for w, data in saved if w["status"] == "approved"]
    if len(approved) < 2:
        return 0
    (first, data), (second, _) = approved[0], approved[1]
    fixed = [
        ItemIn(code=i.code, fee_fen=i.fee_fen + (2000 if i.code == "urn" else 0), units=i.units)
        for i in data.items
    ]
    fixed_data = WaiverIn(
        deceased=data.deceased,
        funeral_home=data.funeral_home,
        applicant=data.applicant,
        items=fixed,
    )
    await correct_waiver(first["id"], fixed_data, "骨灰盒收费录入有误", today=today, actor=CLERK)
    await void_waiver(second["id"], "殡仪馆重复申报", today=today, actor=CLERK)
    return 2


async def _settle(days: list[dt.date], today: dt.date) -> int:
    """The reviewer has confirmed every month before last."""
    months = sorted({month_of(day) for day in days if month_of(day) < month_of(today)})
    token = current_actor.set("reviewer")
    try:
        for month in months[:-1]:
            await confirm_settlement(month, today)
    finally:
        current_actor.reset(token)
    return len(months[:-1])
