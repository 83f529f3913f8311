"""``minzheng demo``: a realistic data set for trying the system (idempotent).

Core creates the staff accounts (random passwords, printed and kept in
``MINZHENG_DATA_DIR/demo-logins.txt`` with mode 0600) and a social-assistance roster; each
plugin then adds its own part through ``minzheng_load_demo``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
from pathlib import Path

from stdnum.cn import ric

from core.auth.accounts import create_staff_user
from core.clock import today
from core.people.records import ROSTER_CATEGORIES
from core.settings import get_settings
from core.tables import Account, Assistance, Person

DEMO_STAFF = (
    ("admin", ("admin",), None, "系统管理员"),
    ("clerk", ("clerk",), "JH01", "李窗口"),
    ("clerk2", ("clerk",), "JH01", "陈窗口"),
    ("reviewer", ("reviewer",), None, "王审核"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁谢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红梅兰"
DIVISIONS = ("440704", "440703", "440705", "440781", "440783")


def demo_id_number(rng: random.Random, birth: dt.date, male: bool, division: str) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def demo_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


async def _staff(logins_file: Path) -> list[str]:
    saved = {}
    if logins_file.exists():
        for line in logins_file.read_text().splitlines():
            name, _, password = line.partition(" ")
            saved[name] = password
    lines = []
    for username, roles, office, display in DEMO_STAFF:
        if await Account.exists().where(Account.username == username):
            password = saved.get(username, "(unchanged)")
        else:
            password = secrets.token_urlsafe(9)
            await create_staff_user(username, password, list(roles), office, display)
            saved[username] = password
        lines.append(f"  {username:<9} {password:<14} {', '.join(roles)}")
    logins_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(logins_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(f"{name} {pw}\n" for name, pw in saved.items()))
    return lines


async def _roster(day: dt.date) -> int:
    """300 local residents, about a third on an assistance roster (some entries ended)."""
    if await Assistance.count() > 0:
        return 0
    rng = random.Random(20261129)
    people, entries = [], []
    categories = list(ROSTER_CATEGORIES)
    for _ in range(300):
        birth = dt.date(rng.randint(1935, 2004), rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.5
        number = demo_id_number(rng, birth, male, "440704")
        if any(p.id_number == number for p in people):
            continue
        people.append(
            Person(
                id_number=number,
                name=demo_name(rng),
                sex="male" if male else "female",
                birth_date=birth,
                hukou_division=rng.choice(DIVISIONS[:1] * 4 + DIVISIONS[1:]),
            )
        )
        if rng.random() < 0.35:
            start = day - dt.timedelta(days=rng.randint(60, 1500))
            ended = rng.random() < 0.15
            entries.append(
                Assistance(
                    id_number=number,
                    category=rng.choice(categories),
                    valid_from=start,
                    valid_to=day - dt.timedelta(days=rng.randint(1, 50)) if ended else None,
                )
            )
    await Person.insert(*people)
    await Assistance.insert(*entries)
    return len(entries)


async def load_demo() -> list[str]:
    from core.plugins import get_host

    settings = get_settings()
    day = await today()
    lines = ["Demo logins (also in " + str(settings.data_dir / "demo-logins.txt") + "):"]
    lines += await _staff(settings.data_dir / "demo-logins.txt")
    added = await _roster(day)
    lines.append(f"core: {added} roster entries" if added else "core: roster already loaded")
    lines += await get_host().load_demo(day)
    lines.append(f"Open {settings.public_url}/ and sign in.")
    return lines
