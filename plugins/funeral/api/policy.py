"""The waiver policy (API.md "Funeral": ``GET/PUT /policy``), effective-dated versions."""

from __future__ import annotations

import datetime as dt

from litestar import get, put

from core.clock import today
from core.schemas import to_out
from plugins.funeral.api.common import TAGS
from plugins.funeral.schemas import WaiverPolicyIn, WaiverPolicyOut
from plugins.funeral.services.policy import (
    StoredPolicy,
    policy_body,
    policy_on,
    policy_versions,
    save_policy,
)


def _out(stored: StoredPolicy) -> WaiverPolicyOut:
    return to_out(WaiverPolicyOut, policy_body(stored))


@get("/policy", opt={"public": True}, tags=TAGS)
async def read_policy(on: dt.date | None = None) -> WaiverPolicyOut:
    """The waiver policy in force today, or ``on`` a given day (a day of death): the defaults of
    DOMAIN.md (粤民发〔2015〕37号) until an admin saves a version."""
    return _out(await policy_on(on or await today()))


@get("/policy/versions", opt={"public": True}, tags=TAGS)
async def read_policy_versions() -> list[WaiverPolicyOut]:
    """Every saved version, the earliest in force first (the defaults apply before them)."""
    return [_out(stored) for stored in await policy_versions()]


@put("/policy", opt={"permission": "funeral.policy.write"}, tags=TAGS)
async def write_policy(data: WaiverPolicyIn) -> WaiverPolicyOut:
    """A new policy version, effective from ``effective_from`` (default today); it applies to
    deaths on or after that day, and waivers already decided keep theirs."""
    return _out(await save_policy(data, await today()))


ROUTES = [read_policy, read_policy_versions, write_policy]
