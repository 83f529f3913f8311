"""Plan periods (五年规划) the dashboard measures indicators against.

The 14th five-year plan (2021–2025) sets the targets the services' indicators carry (their
``target``: the plan's 2025 targets). From 2026 the 15th plan (2026–2030) applies: its targets,
units and directions are entered by the bureau's administrator (``/admin/plan``), stored in
``plan_target`` and audited; an indicator without an entered target has no verdict (it is never
measured against the previous plan's figure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from core import audit
from core.contributions import Indicator
from core.db import write_transaction
from core.refusals import Refusal

Comparison = Literal[">=", "<=", "none"]
COMPARISONS: tuple[Comparison, ...] = (">=", "<=", "none")


@dataclass(frozen=True)
class PlanPeriod:
    key: str
    name: str
    name_en: str
    first_year: int
    last_year: int

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def title_in(self, lang: str) -> str:
        return self.name if lang == "zh" else self.name_en

    def label_in(self, lang: str) -> str:
        return f"{self.title_in(lang)} {self.first_year}–{self.last_year}"


FOURTEENTH = PlanPeriod("14th", "“十四五”规划", "14th Five-Year Plan", 2021, 2025)
FIFTEENTH = PlanPeriod("15th", "“十五五”规划", "15th Five-Year Plan", 2026, 2030)
PERIODS = (FOURTEENTH, FIFTEENTH)
ENTERED = {FIFTEENTH.key}  # periods whose targets the administrator enters


@dataclass(frozen=True)
class PlanTargetEntry:
    indicator_key: str
    target: float | None
    unit: str
    comparison: Comparison


def period_of(year: int) -> PlanPeriod | None:
    """The plan a year belongs to; years before 2021 are read against the 14th plan (the first
    the platform knows), years after 2030 against none."""
    if year < FOURTEENTH.first_year:
        return FOURTEENTH
    return next((p for p in PERIODS if year in p.years), None)


def period_by_key(key: str) -> PlanPeriod:
    for period in PERIODS:
        if period.key == key:
            return period
    raise Refusal(
        "UNKNOWN_PLAN",
        zh="无此规划期",
        en=f"no plan period {key!r}",
        kind="not_found",
        english_first=True,
    )


def measured_against(
    indicators: Sequence[Indicator],
    period: PlanPeriod | None,
    entered: Mapping[str, PlanTargetEntry],
) -> list[Indicator]:
    """The indicators with the targets of ``period``: the services' own (the 14th plan's) for
    the 14th; the administrator's entries for a later plan, none where nothing was entered."""
    if period is FOURTEENTH:
        return list(indicators)
    out = []
    for indicator in indicators:
        entry = entered.get(indicator.key) if period is not None else None
        if entry is None or entry.target is None or entry.comparison == "none":
            out.append(replace(indicator, target=None, comparison="none"))
        else:
            out.append(replace(indicator, target=entry.target, comparison=entry.comparison))
    return out


def parse_target(text: str) -> float | None:
    """A typed target: blank is none; ``1,234.5`` and ``85%`` are numbers; else ValueError."""
    cleaned = text.replace(",", "").replace("%", "").strip()
    if not cleaned:
        return None
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


# -- storage ---------------------------------------------------------------------------------


async def entered_targets(period: PlanPeriod) -> dict[str, PlanTargetEntry]:
    from core.tables import PlanTarget

    rows = await PlanTarget.select().where(PlanTarget.plan == period.key)
    return {
        row["indicator_key"]: PlanTargetEntry(
            row["indicator_key"], row["target"], row["unit"], row["comparison"]
        )
        for row in rows
    }


async def set_targets(
    period: PlanPeriod, entries: Sequence[PlanTargetEntry], actor: str
) -> list[str]:
    """Store the administrator's targets of ``period``; returns the keys that changed, each
    changed key audited (``core.plan.target_set``) in the same transaction."""
    from core.tables import PlanTarget

    if period.key not in ENTERED:
        raise Refusal(
            "PLAN_FIXED",
            zh=f"{period.name}的目标由各业务模块给出，不能修改",
            en=f"the {period.name_en}'s targets are fixed",
        )
    for entry in entries:
        if entry.comparison not in COMPARISONS:
            raise Refusal(
                "INVALID_COMPARISON", zh="方向应为 >=、<= 或 none", en="unknown direction"
            )
    changed: list[str] = []
    async with write_transaction():
        before = await entered_targets(period)
        for entry in entries:
            old = before.get(entry.indicator_key)
            if old == entry or (old is None and _describe(entry) == "—"):
                continue  # unchanged, or "no target" where none was ever entered
            now = dt.datetime.now(dt.UTC)
            if old is None:
                await PlanTarget.insert(
                    PlanTarget(
                        plan=period.key,
                        indicator_key=entry.indicator_key,
                        target=entry.target,
                        unit=entry.unit[:20],
                        comparison=entry.comparison,
                        entered_by=actor,
                        entered_at=now,
                    )
                )
            else:
                await PlanTarget.update(
                    {
                        PlanTarget.target: entry.target,
                        PlanTarget.unit: entry.unit[:20],
                        PlanTarget.comparison: entry.comparison,
                        PlanTarget.entered_by: actor,
                        PlanTarget.entered_at: now,
                    }
                ).where(
                    (PlanTarget.plan == period.key)
                    & (PlanTarget.indicator_key == entry.indicator_key)
                )
            await audit.record(
                "core.plan.target_set",
                entity="plan_target",
                entity_id=f"{period.key}:{entry.indicator_key}",
                summary=f"{period.name}目标 {entry.indicator_key}: "
                f"{_describe(old)} → {_describe(entry)}",
                details={"plan": period.key, "before": _as_dict(old), "after": _as_dict(entry)},
                actor=actor,
            )
            changed.append(entry.indicator_key)
    return changed


def _describe(entry: PlanTargetEntry | None) -> str:
    if entry is None or entry.target is None or entry.comparison == "none":
        return "—"
    return f"{entry.comparison} {entry.target:g}{entry.unit}"


def _as_dict(entry: PlanTargetEntry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {"target": entry.target, "unit": entry.unit, "comparison": entry.comparison}


async def plan_indicators(host: Any, year: int) -> tuple[PlanPeriod | None, list[Indicator]]:
    """The enabled services' indicators of ``year``, measured against its plan period."""
    period = period_of(year)
    raw = await host.indicators(year)
    entered = await entered_targets(period) if period is not None and period.key in ENTERED else {}
    return period, measured_against(raw, period, entered)
