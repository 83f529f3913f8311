"""A small plugin that implements every hook of ``core/hookspecs.py``, for the core's own tests.

It is registered only where a test asks for it: in-process through ``PluginHost`` (see
``tests/core/conftest.py``) and in subprocesses through the ``minzheng.plugins`` entry-point
group (``support.probe_entry_point_dir``). Every broadcast hook appends to ``CALLS`` so that a
test can tell which reactions ran; ``SENDER["mode"]`` makes the notification sender fail.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from litestar import Response, get, post

from core import audit
from core.contributions import (
    AuditEventType,
    CertificateTemplate,
    CliCommand,
    Indicator,
    MenuItem,
    OutgoingMessage,
    Permission,
    PluginMeta,
    PluginRoutes,
    ScheduledJob,
    SearchResult,
)
from core.db import write_transaction
from core.hookspecs import hookimpl
from core.refusals import Refusal

PLUGIN_META = PluginMeta(
    name="probe",
    title="探针服务",
    title_en="Probe service",
    version="9.9.9",
    mount="probe",
    order=90,
)

CALLS: list[tuple[str, dict[str, Any]]] = []
"""(hook name, arguments) of every broadcast hook call, in order."""

SENDER: dict[str, Any] = {"mode": "pass", "sent": []}
"""``pass``: leave delivery to the next sender; ``fail``: raise; ``accept``: deliver here."""

REFUSED_NAME = "拒绝者"
"""A person with this name makes ``minzheng_person_died`` refuse the whole change."""


def calls(hook: str) -> list[dict[str, Any]]:
    return [kwargs for name, kwargs in CALLS if name == hook]


def reset() -> None:
    CALLS.clear()
    SENDER.update(mode="pass", sent=[])


@get("/ping", opt={"public": True}, tags=["probe"])
async def ping() -> dict[str, Any]:
    return {"plugin": "probe", "pid": os.getpid()}


@get("/secret", opt={"permission": "probe.read"}, tags=["probe"])
async def secret() -> dict[str, str]:
    return {"secret": "probe"}


@post("/things", opt={"permission": "probe.read"}, status_code=201, tags=["probe"])
async def create_thing(data: dict[str, str]) -> dict[str, str]:
    async with write_transaction():
        await audit.record("probe.thing.done", entity="thing", summary=str(data.get("name", "")))
    return data


REFUSALS = {
    "rule": lambda: Refusal("NO_ITEMS", "至少申报一项", "claim at least one item"),
    "english_first": lambda: Refusal(
        "SAME_PERSON", "对方不能是本人", "The partner must be another person", english_first=True
    ),
    "english_only": lambda: Refusal("INVALID_POLICY", "", "item codes must be unique"),
    "extra": lambda: Refusal(
        "INCOMPLETE_REPORT",
        "年度报告缺少：本年收入",
        "missing: income",
        extra={"missing": ["income"]},
    ),
    "conflict": lambda: Refusal("STATUS_CHANGED", "状态已变化", "status changed", kind="conflict"),
    "not_found": lambda: Refusal("NOT_FOUND", "未找到", "Not found", kind="not_found"),
    "service": lambda: Refusal(
        "SLOT_FULL",
        zh="该时段已约满",
        en="This slot is fully booked",
        kind="conflict",
        english_first=True,
    ),
}
"""Refusals ``GET /probe/refusals/{case}`` raises, for the tests of the one refusal handler."""


@get("/refusals/{case:str}", opt={"public": True}, tags=["probe"])
async def refuse(case: str) -> None:
    raise REFUSALS[case]()


@get("/", opt={"public": True}, include_in_schema=False)
async def probe_page() -> Response:
    return Response("<p>probe page</p>", media_type="text/html; charset=utf-8")


@hookimpl
def minzheng_route_handlers() -> PluginRoutes:
    return PluginRoutes(api=[ping, secret, create_thing, refuse], pages=[probe_page])


@hookimpl
def minzheng_permissions() -> list[Permission]:
    return [Permission("probe.read", "Read probes / 查看探针", ("reviewer",))]


@hookimpl
def minzheng_audit_event_types() -> list[AuditEventType]:
    return [
        AuditEventType("probe.thing.done", "Probe event"),
        AuditEventType("probe.certificate.issued", "Probe certificate issued"),
    ]


def _render(content: dict[str, Any]) -> bytes:
    return f"%PDF-probe {content['number']} {content.get('holder', '')}".encode()


@hookimpl
def minzheng_certificate_templates() -> list[CertificateTemplate]:
    return [CertificateTemplate("probe_cert", "探针证明", _render)]


async def _tick(today: dt.date) -> str:
    CALLS.append(("job", {"today": today}))
    return f"probe tick {today.isoformat()}"


@hookimpl
def minzheng_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("probe.tick", 60, _tick)]


def _configure(parser: Any) -> None:
    parser.add_argument("word")


async def _run(args: Any) -> int:
    print(f"probe says {args.word}")
    return 0


@hookimpl
def minzheng_cli_commands() -> list[CliCommand]:
    return [CliCommand("probe", "the probe's command", _configure, _run)]


@hookimpl
async def minzheng_load_demo(today: dt.date) -> str:
    return f"probe demo on {today.isoformat()}"


@hookimpl
def minzheng_jinja_environment(env: Any) -> None:
    env.filters["probe_shout"] = lambda text: f"{text}!"


@hookimpl
def minzheng_menu_items(user: Any) -> list[MenuItem]:
    CALLS.append(("menu_items", {"user": user}))
    return [
        MenuItem("探针", "Probe", "/probe/", 500),
        MenuItem("探针密件", "Probe secrets", "/probe/secret", 510, "probe.read"),
    ]


@hookimpl
async def minzheng_indicators(year: int) -> list[Indicator]:
    return [Indicator("probe.year", "探针年份", "Probe year", "年", year)]


@hookimpl
async def minzheng_person_died(person: Any, died_on: dt.date) -> None:
    CALLS.append(("person_died", {"person": person, "died_on": died_on}))
    if person.name == REFUSED_NAME:
        raise Refusal(
            "PROBE_REFUSED", zh="探针拒绝", en="The probe refuses this death", english_first=True
        )


@hookimpl
async def minzheng_person_death_revoked(
    person: Any, died_on: dt.date, reason: str, on: dt.date
) -> None:
    CALLS.append(
        ("person_death_revoked", {"person": person, "died_on": died_on, "reason": reason, "on": on})
    )
    if person.name == REFUSED_NAME:
        raise Refusal(
            "PROBE_REFUSED",
            zh="探针拒绝",
            en="The probe refuses this revocation",
            english_first=True,
        )


@hookimpl
async def minzheng_person_moved(person: Any, old: str | None, new: str, on: dt.date) -> None:
    CALLS.append(("person_moved", {"person": person, "old": old, "new": new, "on": on}))


@hookimpl
async def minzheng_search(query: str, user: Any) -> list[SearchResult]:
    return [SearchResult("probe", f"探针 {query}", user.username, "/probe/")]


@hookimpl
async def minzheng_send_notification(message: OutgoingMessage) -> bool | None:
    if SENDER["mode"] == "fail":
        raise ConnectionError("SMS gateway unreachable")
    if SENDER["mode"] == "accept":
        SENDER["sent"].append(message)
        return True
    return None


@hookimpl
def minzheng_plugin_switched(name: str, enabled: bool) -> None:
    CALLS.append(("plugin_switched", {"name": name, "enabled": enabled}))
