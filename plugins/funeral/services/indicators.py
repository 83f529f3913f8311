"""The plan's indicator "funeral waivers and amounts per year", by month and by category."""

from __future__ import annotations

import datetime as dt

from core.contributions import Indicator
from plugins.funeral.rules import (
    CATEGORY_NAMES_EN,
    CATEGORY_NAMES_ZH,
    WaiverRecord,
    monthly_figures,
    waiver_figures,
)
from plugins.funeral.tables import FuneralWaiver

DEFINITION = (
    "当年登记并予以减免、且未作废的惠民殡葬基本服务费减免（按登记日期计）。 / "
    "Approved funeral fee waivers recorded in the year and not voided (by the day recorded)."
)


async def year_records(year: int) -> list[WaiverRecord]:
    rows = await FuneralWaiver.select(
        FuneralWaiver.funeral_home,
        FuneralWaiver.recorded_on,
        FuneralWaiver.status,
        FuneralWaiver.category,
        FuneralWaiver.waived_fen,
        FuneralWaiver.voided_on,
    ).where(
        (FuneralWaiver.status == "approved")
        & FuneralWaiver.voided_on.is_null()
        & (FuneralWaiver.recorded_on >= dt.date(year, 1, 1))
        & (FuneralWaiver.recorded_on <= dt.date(year, 12, 31))
    )
    return [WaiverRecord(**row) for row in rows]


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def _category(code: str | None) -> str:
    """Bilingual: the dashboard shows the half in the page's language."""
    key = code or ""
    return f"{CATEGORY_NAMES_ZH.get(key, key or '—')} / {CATEGORY_NAMES_EN.get(key, key or '—')}"


async def funeral_indicators(year: int) -> list[Indicator]:
    records = await year_records(year)
    figures = waiver_figures(records, year)
    months = monthly_figures(records, year)

    def indicator(key: str, name: str, name_en: str, unit: str, value, series, order: int):
        return Indicator(
            key=key,
            name=name,
            name_en=name_en,
            unit=unit,
            value=value,
            comparison="none",
            definition=DEFINITION,
            plugin="funeral",
            order=order,
            series=tuple(series),
        )

    return [
        indicator(
            "funeral_waivers",
            "惠民殡葬减免宗数",
            "Funeral fee waivers",
            "件",
            figures.cases,
            [(m.month, m.cases) for m in months],
            300,
        ),
        indicator(
            "funeral_waived_amount",
            "惠民殡葬减免金额",
            "Funeral fees waived",
            "元",
            _yuan(figures.waived_fen),
            [(m.month, _yuan(m.waived_fen)) for m in months],
            301,
        ),
        indicator(
            "funeral_waivers_by_category",
            "惠民殡葬减免宗数（按对象类别）",
            "Funeral fee waivers by category",
            "件",
            figures.cases,
            [(_category(c.category), c.cases) for c in figures.by_category],
            302,
        ),
        indicator(
            "funeral_waived_amount_by_category",
            "惠民殡葬减免金额（按对象类别）",
            "Funeral fees waived by category",
            "元",
            _yuan(figures.waived_fen),
            [(_category(c.category), _yuan(c.waived_fen)) for c in figures.by_category],
            303,
        ),
    ]
