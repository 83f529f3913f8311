"""The plan's indicator table, gathered from every enabled plugin.

A row: ``key``, ``name`` (Chinese) and ``name_en``, ``unit``, ``value``, ``target`` (the plan's
2025 target where it sets one), ``comparison`` (``>=``, ``<=`` or ``none``), ``met`` (None
without a target or a value), and the service's ``definition`` and chart ``series``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import Parameter

from core.clock import today
from core.errors import DomainError


def indicator_row(indicator: Any) -> dict[str, Any]:
    return {
        "key": indicator.key,
        "name": indicator.name,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "value": indicator.value,
        "target": indicator.target,
        "comparison": indicator.comparison,
        "met": indicator.met,
        "plugin": indicator.plugin,
        "definition": indicator.definition,
        "series": [list(point) for point in indicator.series],
    }


@get("/stats/indicators", opt={"permission": "core.stats.read"}, tags=["stats"])
async def indicators(
    request: Request, year: int | None = Parameter(default=None, ge=2000, le=2100)
) -> list[dict[str, Any]]:
    if year is None:
        year = (await today()).year
    if not 2000 <= year <= 2100:
        raise DomainError("BAD_REQUEST", "year out of range", status_code=400)
    rows = await request.app.state.host.indicators(year)
    return [indicator_row(i) for i in rows]


ROUTES = [indicators]
