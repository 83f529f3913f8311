"""The plan's indicator table, gathered from every enabled plugin.

A row: ``plan`` (``14th`` or ``15th``, the plan period the year is measured against, with
``plan_years`` [first, last]), ``key``, ``name`` (Chinese) and ``name_en``, ``unit``, ``value``,
``target`` (that plan's target where it sets one: the services' 2025 targets for the 14th, the
administrator's entries for the 15th), ``comparison`` (``>=``, ``<=`` or ``none``), ``met`` (None
without a target or a value), the service's ``definition`` and chart ``series``, and
``computed_at``: when the figures were counted (``core.indicator_cache``: after a change they are
shown for up to the staleness bound while they are counted again).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import Parameter

from core.api.schemas import IndicatorOut
from core.clock import today
from core.plan import PlanPeriod, plan_indicators
from core.refusals import Refusal
from core.schemas import to_out


def indicator_row(indicator: Any, period: PlanPeriod | None = None) -> dict[str, Any]:
    return {
        "plan": period.key if period else None,
        "plan_years": [period.first_year, period.last_year] if period else None,
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
        "computed_at": indicator.computed_at,
    }


@get("/stats/indicators", opt={"permission": "core.stats.read"}, tags=["stats"])
async def indicators(
    request: Request, year: int | None = Parameter(default=None, ge=2000, le=2100)
) -> list[IndicatorOut]:
    if year is None:
        year = (await today()).year
    if not 2000 <= year <= 2100:
        raise Refusal("BAD_REQUEST", en="year out of range", kind="bad_request")
    period, rows = await plan_indicators(request.app.state.host, year)
    return to_out(list[IndicatorOut], [indicator_row(i, period) for i in rows])


ROUTES = [indicators]
