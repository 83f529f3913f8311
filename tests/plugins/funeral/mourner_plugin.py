"""A small plugin that only listens for deaths, to check that a funeral waiver announces one.

Installed next to the built-in plugins by ``test_funeral_death_event.py``; ``HEARD`` keeps every
``minzheng_person_died`` it received. A deceased named ``REFUSED_NAME`` makes it refuse the
change, as a plugin may (hookspecs: "Raise Refusal to refuse the whole change").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.contributions import PluginMeta
from core.hookspecs import hookimpl
from core.refusals import Refusal

PLUGIN_META = PluginMeta(
    name="mourner",
    title="治丧测试",
    title_en="Mourner (test)",
    version="0.0.1",
    mount="mourner",
    order=99,
)

HEARD: list[tuple[str, str, dt.date]] = []
REFUSED_NAME = "拒绝者"


@hookimpl
async def minzheng_person_died(person: Any, died_on: dt.date) -> None:
    HEARD.append((person.id_number, person.name, died_on))
    if person.name == REFUSED_NAME:
        raise Refusal(
            "MOURNER_REFUSED",
            zh="测试插件拒绝",
            en="The mourner refuses this death",
            english_first=True,
        )
