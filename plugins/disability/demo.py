"""Demo data (``minzheng demo``): people with cards and rosters, applications in every state,
and the payroll of last month. Idempotent: a second call finds its people and adds nothing."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric

from core.auth.identity import CurrentUser
from core.context import current_actor
from core.db import fetch
from core.people.roster import import_roster
from plugins.disability.rules import month_of, previous_month
from plugins.disability.services.applications import (
    ApplicationInput,
    street_review,
    submit_application,
)
from plugins.disability.services.approval import approve
from plugins.disability.services.payroll import run_payroll
from plugins.disability.tables import Application

DISTRICT = "440704"
# name, birth date, sex digit parity, category, grade, in dibao, subsidies, how far it goes
PEOPLE = [
    ("陈建华", dt.date(1968, 3, 14), 1, 4, 1, True, ("living", "nursing"), "approved"),
    ("李秀英", dt.date(1975, 9, 2), 2, 1, 2, True, ("living", "nursing"), "approved"),
    ("黄志强", dt.date(1982, 6, 21), 1, 5, 3, True, ("living",), "approved"),
    ("梁美玲", dt.date(1990, 12, 5), 2, 6, 1, False, ("nursing",), "approved"),
    ("吴国荣", dt.date(1959, 1, 30), 1, 2, 4, True, ("living",), "approved"),
    ("何丽娟", dt.date(1971, 4, 18), 2, 7, 2, True, ("living", "nursing"), "street_approved"),
    ("周伟明", dt.date(1986, 8, 9), 1, 4, 2, False, ("nursing",), "street_approved"),
    ("林小燕", dt.date(1995, 2, 27), 2, 3, 3, True, ("living",), "submitted"),
    ("郑家豪", dt.date(1979, 11, 11), 1, 1, 1, True, ("living", "nursing"), "submitted"),
    ("冯淑贞", dt.date(1964, 7, 7), 2, 4, 2, False, ("nursing",), "submitted"),
]
FILED_MONTHS_AGO = (8, 6, 4, 3, 2)  # the approved applications, in PEOPLE order
DEMO_CLERK = CurrentUser(0, "clerk", "staff", ("clerk",), frozenset(), office_code="JH01")


def demo_id_number(birth: dt.date, parity: int, seq: int) -> str:
    """Jianghai's own address code exists for births from 1994; older people's numbers were
    first issued under the city's code 440700."""
    sequence = 200 + seq * 2 + (1 if parity == 1 else 0)
    division = DISTRICT if birth.year >= 1994 else "440700"
    body = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


async def load_demo(today: dt.date) -> str | None:
    numbers = [demo_id_number(p[1], p[2], n) for n, p in enumerate(PEOPLE)]
    if await Application.count().where(Application.id_number.is_in(numbers)):
        return None
    since = today.replace(day=1) - dt.timedelta(days=400)
    lines = ["id_number,name,category,valid_from,valid_to"]
    lines += [
        f"{number},{p[0]},dibao,{since.isoformat()},"
        for number, p in zip(numbers, PEOPLE, strict=True)
        if p[5]
    ]
    await import_roster("\n".join(lines).encode(), "disability-demo-roster.csv")
    token = current_actor.set("clerk")
    filed: list[int] = []
    try:
        for number, (name, _b, _s, category, grade, _d, subsidies, goal) in zip(
            numbers, PEOPLE, strict=True
        ):
            application_id = await submit_application(
                ApplicationInput(
                    id_number=number,
                    name=name,
                    card_no=f"{number}{category}{grade}",
                    category=category,
                    grade=grade,
                    subsidies=subsidies,
                    hukou_division=DISTRICT,
                    phone="1380000" + number[-4:].replace("X", "0"),
                    bank_account="6217" + number[6:18].replace("X", "0"),
                ),
                DEMO_CLERK,
            )
            if goal == "submitted":
                continue
            await street_review(application_id, True, "材料齐全，入户核查属实")
            # Filed over the past months, so coverage and arrears have a history.
            approved = goal == "approved"
            months_ago = FILED_MONTHS_AGO[len(filed)] if approved else 1
            await _back_date(application_id, _months_before(month_of(today), months_ago))
            if approved:
                filed.append(application_id)
                await approve(application_id, "符合条件")
        await run_payroll(previous_month(month_of(today)))
    finally:
        current_actor.reset(token)
    return f"{len(PEOPLE)} applications, payroll {previous_month(month_of(today))}"


def _months_before(month: str, count: int) -> str:
    for _ in range(count):
        month = previous_month(month)
    return month


async def _back_date(application_id: int, month: str) -> None:
    """Demo applications were filed in past months, so last month's payroll shows arrears."""
    await fetch(
        "UPDATE disability_application SET filed_month = {}, applied_on = {} WHERE id = {}",
        month,
        dt.date(int(month[:4]), int(month[5:]), 3),
        application_id,
    )
