"""The bureau's dashboard (``/admin/dashboard``): the plan's indicator table with met and unmet
marks, a chart for every indicator that brings a series, and the table as CSV or XLSX.

Everything comes from the enabled services' ``minzheng_indicators``; a service switched off
takes its rows and charts with it. Admins and reviewers (``core.stats.read``) see it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core import clock
from core.contributions import Indicator, PluginMeta
from core.exports import append_xlsx_row, csv_bytes
from core.i18n import bilingual, gettext_for, text_in
from core.plan import FOURTEENTH, PlanPeriod, period_of, plan_indicators
from core.web.charts import format_value
from core.web.forms import N_
from core.web.rendering import render_page, request_language

STATS = {"permission": "core.stats.read"}
PLAN_FIRST_YEAR, PLAN_LAST_YEAR = 2021, 2025  # the 14th five-year plan (十四五)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR = re.compile(r"^\d{4}$")
UNITS_EN = {
    "件": "cases",
    "元": "yuan",
    "个": "",
    "个/万人": "per 10,000 residents",
    "人": "people",
}
SINGULAR_EN = {"cases": "case", "people": "person"}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
COMPARISONS = {">=": "≥", "<=": "≤"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_HEADERS = (
    N_("Key"),
    N_("Indicator"),
    N_("Unit"),
    N_("Value"),
    N_("Target"),
    N_("Met"),
    N_("Definition"),
)


@dataclass(frozen=True)
class Row:
    """One line of the indicator table, in the page's language."""

    key: str
    name: str
    unit: str
    value: float | int | None
    value_text: str
    target_text: str
    met: bool | None
    definition: str
    plugin: str


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    unit: str
    kind: str
    """``line`` (a rate over time), ``bar`` (counts or amounts over time) or ``hbar``
    (categories such as grades or assistance categories)."""
    series: list[tuple[str, float | None]]


@dataclass(frozen=True)
class Section:
    plugin: str
    title: str
    charts: list[Chart]


def unit_in(unit: str, lang: str) -> str:
    return UNITS_EN.get(unit, unit) if lang == "en" else unit


def with_unit(number: float | int | None, unit: str) -> str:
    if number is None:
        return "—"
    text = format_value(number)
    if not unit:
        return text
    if number == 1:
        unit = SINGULAR_EN.get(unit, unit)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def table_row(indicator: Indicator, lang: str) -> Row:
    unit = unit_in(indicator.unit, lang)
    target = ""
    if indicator.target is not None and indicator.comparison in COMPARISONS:
        target = f"{COMPARISONS[indicator.comparison]} {with_unit(indicator.target, unit)}"
    return Row(
        key=indicator.key,
        name=indicator.name if lang == "zh" else indicator.name_en,
        unit=unit,
        value=indicator.value,
        value_text=with_unit(indicator.value, unit),
        target_text=target,
        met=indicator.met,
        definition=text_in(indicator.definition, lang),
        plugin=indicator.plugin,
    )


def axis_labels(labels: Sequence[str], lang: str) -> list[str]:
    """Months of one year print as ``3月`` / ``Mar`` (twelve ``2026-03`` would collide on a
    phone); a bilingual category ``低保对象 / Subsistence allowance`` prints in the page's
    language; anything else stays as it is."""
    months = [MONTH.match(label) for label in labels]
    if not labels or not all(months) or len({m.group(1) for m in months if m}) != 1:
        return [bilingual(label, lang) for label in labels]
    numbers = [int(m.group(2)) for m in months if m]
    return [f"{n}月" if lang == "zh" else MONTHS_EN[n - 1] for n in numbers]


def chart_of(indicator: Indicator, lang: str) -> Chart | None:
    if not indicator.series:
        return None
    labels = [str(label) for label, _ in indicator.series]
    over_time = all(MONTH.match(label) or YEAR.match(label) for label in labels)
    kind = ("line" if indicator.unit == "%" else "bar") if over_time else "hbar"
    # a rate has no value in a month without cases: a gap in the line, never 0 %
    values: list[float | None] = [
        None if value is None and kind == "line" else float(value or 0)
        for _, value in indicator.series
    ]
    return Chart(
        key=indicator.key,
        title=indicator.name if lang == "zh" else indicator.name_en,
        unit=unit_in(indicator.unit, lang),
        kind=kind,
        series=list(zip(axis_labels(labels, lang), values, strict=True)),
    )


def sections(
    indicators: Sequence[Indicator], metas: Sequence[PluginMeta], lang: str
) -> list[Section]:
    """Charts grouped by service, in the services' order."""
    out = []
    for meta in metas:
        charts = [c for i in indicators if i.plugin == meta.name and (c := chart_of(i, lang))]
        if charts:
            out.append(Section(meta.name, meta.title_in(lang), charts))
    return out


def plan_years(current: int, shown: int) -> list[int]:
    """The plans' years from the 14th plan's first, up to this year, and the year shown if it
    lies outside them."""
    return sorted({*range(PLAN_FIRST_YEAR, max(current, PLAN_LAST_YEAR) + 1), shown})


def requested_year(raw: str | None, current: int) -> int:
    """``?year=``; anything that is not a year from 2000 to 2100 shows this year."""
    try:
        year = int(str(raw))
    except ValueError:
        return current
    return year if 2000 <= year <= 2100 else current


def _met_text(met: bool | None, lang: str) -> str:
    _ = gettext_for(lang)
    return "" if met is None else _("Met") if met else _("Not met")


def export_table(rows: Sequence[Row], lang: str) -> list[list[Any]]:
    _ = gettext_for(lang)
    lines: list[list[Any]] = [[_(header) for header in EXPORT_HEADERS]]
    for row in rows:
        lines.append(
            [
                row.key,
                row.name,
                row.unit,
                row.value,
                row.target_text,
                _met_text(row.met, lang),
                row.definition,
            ]
        )
    return lines


def indicators_csv(rows: Sequence[Row], lang: str) -> bytes:
    """UTF-8 with a byte-order mark: Excel on the bureau's desks then reads the Chinese."""
    return csv_bytes(export_table(rows, lang))


def indicators_xlsx(rows: Sequence[Row], lang: str, year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}"
    for line in export_table(rows, lang):
        append_xlsx_row(sheet, line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (34, 36, 14, 12, 14, 10, 80), strict=True):
        sheet.column_dimensions[column].width = width
    for (cell,) in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _rows(request: Request) -> tuple[int, int, list[Indicator], str]:
    current = (await clock.today()).year
    year = requested_year(request.query_params.get("year"), current)
    _period, indicators = await plan_indicators(request.app.state.host, year)
    return year, current, indicators, request_language(request)


@dataclass(frozen=True)
class HistoryCell:
    text: str
    met: bool | None


@dataclass(frozen=True)
class HistoryRow:
    key: str
    name: str
    cells: list[HistoryCell]


@dataclass(frozen=True)
class History:
    """Year by year, across plan periods: each year measured against its own plan."""

    years: list[int]
    periods: list[tuple[str, int]]  # (label, number of years) for the header row
    rows: list[HistoryRow]


async def history(
    host: Any,
    years: Sequence[int],
    lang: str,
    known: Mapping[int, tuple[PlanPeriod | None, list[Indicator]]],
) -> History:
    """``known``: years already measured (the year shown), not computed again."""
    by_year = {year: known.get(year) or await plan_indicators(host, year) for year in years}
    keys: dict[str, str] = {}
    for _, indicators in by_year.values():
        for i in indicators:
            keys.setdefault(i.key, i.name if lang == "zh" else i.name_en)
    rows = []
    for key, name in keys.items():
        cells = []
        for year in years:
            found = next((i for i in by_year[year][1] if i.key == key), None)
            unit = unit_in(found.unit, lang) if found else ""
            text = with_unit(found.value, unit) if found else "—"
            cells.append(HistoryCell(text, found.met if found else None))
        rows.append(HistoryRow(key, name, cells))
    periods: list[tuple[str, int]] = []
    for year in years:
        period = by_year[year][0]
        label = period.label_in(lang) if period else "—"
        if periods and periods[-1][0] == label:
            periods[-1] = (label, periods[-1][1] + 1)
        else:
            periods.append((label, 1))
    return History(list(years), periods, rows)


@get("/admin/dashboard", opt=STATS, include_in_schema=False)
async def dashboard_page(request: Request) -> Response:
    year, current, indicators, lang = await _rows(request)
    period = period_of(year)
    rows = [table_row(i, lang) for i in indicators]
    targeted = [r for r in rows if r.met is not None]
    metas = request.app.state.host.metas
    return await render_page(
        request,
        "dashboard.html",
        {
            "year": year,
            "year_options": [(y, str(y)) for y in plan_years(current, year)],
            "as_of": await clock.today() if year == current else dt.date(year, 12, 31),
            # when the figures were counted (core.indicator_cache may show them a little old)
            "computed_at": max((i.computed_at for i in indicators if i.computed_at), default=None),
            "rows": rows,
            "met_count": sum(r.met is True for r in targeted),
            "targeted_count": len(targeted),
            "sections": sections(indicators, metas, lang),
            "service_titles": {m.name: m.title_in(lang) for m in metas},
            "period": period,
            "plan_label": period.label_in(lang) if period else "",
            "history": await history(
                request.app.state.host,
                list(range(FOURTEENTH.first_year, current + 1)),
                lang,
                known={year: (period, indicators)},
            ),
        },
    )


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


@get("/admin/dashboard/indicators.csv", opt=STATS, include_in_schema=False)
async def export_csv(request: Request) -> Response:
    year, _current, indicators, lang = await _rows(request)
    rows = [table_row(i, lang) for i in indicators]
    return _download(indicators_csv(rows, lang), "text/csv", f"indicators-{year}.csv")


@get("/admin/dashboard/indicators.xlsx", opt=STATS, include_in_schema=False)
async def export_xlsx(request: Request) -> Response:
    year, _current, indicators, lang = await _rows(request)
    rows = [table_row(i, lang) for i in indicators]
    return _download(indicators_xlsx(rows, lang, year), XLSX, f"indicators-{year}.xlsx")


ROUTES = [dashboard_page, export_csv, export_xlsx]
