"""The dashboard page (``/admin/dashboard``): the indicator table with met and unmet marks, the
charts, the CSV and XLSX exports, and who may open it (issue 7 item 2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from core.contributions import Indicator
from core.web.dashboard import axis_labels, chart_of, plan_years, requested_year, table_row
from tests import factories

pytestmark = pytest.mark.db

PAGE = "/admin/dashboard"


async def api_rows(client, headers: dict, year: int = 2025) -> list[dict]:
    r = await client.get(f"/api/v1/stats/indicators?year={year}", headers=headers)
    assert r.status_code == 200
    return r.json()


async def test_the_table_shows_every_indicator_with_its_verdict(client, reviewer):
    rows = await api_rows(client, reviewer)
    html = (await client.get(f"{PAGE}?year=2025", headers=reviewer)).text
    for row in rows:
        assert f'data-key="{row["key"]}"' in html
        assert row["name"] in html
    marks = dict(re.findall(r'data-key="([^"]+)"[\s\S]*?data-met="(\w+)"', html))
    expected = {True: "yes", False: "no", None: "none"}
    assert marks == {row["key"]: expected[row["met"]] for row in rows}
    assert "✗ 未达标" in html  # coverage with nobody eligible yet is no verdict; density is
    assert "≥ 6.5 个/万人" in html


async def test_every_series_is_drawn_as_an_accessible_svg_chart(client, reviewer):
    rows = [row for row in await api_rows(client, reviewer) if row["series"]]
    html = (await client.get(f"{PAGE}?year=2025", headers=reviewer)).text
    drawn = [row for row in rows if any(value is not None for _, value in row["series"])]
    assert html.count('<svg class="chart-svg"') == len(drawn)  # a rate with no data: no line
    for row in rows:
        assert f'data-chart="{row["key"]}"' in html
    assert 'aria-label="结婚登记数"' in html
    assert "style=" not in html and "<script>" not in html  # the CSP allows neither inline


async def test_the_english_page_speaks_english(client, reviewer):
    html = (await client.get(f"{PAGE}?year=2025&lang=en", headers=reviewer)).text
    assert "Plan indicators" in html and "Social organizations per 10,000 residents" in html
    assert "≥ 6.5 per 10,000 residents" in html and "Jan" in html
    assert "每万人拥有社会组织数" not in html


async def test_a_switched_off_service_leaves_the_page(client, staff, reviewer):
    admin = await staff("admin")
    await client.patch("/api/v1/admin/plugins/social_orgs", json={"enabled": False}, headers=admin)
    html = (await client.get(PAGE, headers=reviewer)).text
    assert "social_orgs." not in html and 'data-plugin="social_orgs"' not in html
    assert 'data-plugin="funeral"' in html
    await client.patch("/api/v1/admin/plugins/social_orgs", json={"enabled": True}, headers=admin)
    assert 'data-plugin="social_orgs"' in (await client.get(PAGE, headers=reviewer)).text


async def test_the_csv_export_is_the_table_in_excel_readable_utf8(client, reviewer):
    rows = await api_rows(client, reviewer)
    r = await client.get(f"{PAGE}/indicators.csv?year=2025", headers=reviewer)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="indicators-2025.csv"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert lines[0][:6] == ["指标代码", "指标", "单位", "数值", "目标值", "已达标"]
    assert [line[0] for line in lines[1:]] == [row["key"] for row in rows]
    exported = {line[0]: line for line in lines[1:]}
    for row in rows:
        assert exported[row["key"]][1] == row["name"]
        value = exported[row["key"]][3]
        assert (float(value) if value else None) == row["value"]
    density = exported["social_orgs.per_10k_residents"]
    assert density[4:6] == ["≥ 6.5 个/万人", "未达标"]


async def test_the_xlsx_export_holds_the_same_numbers(client, reviewer):
    rows = await api_rows(client, reviewer)
    r = await client.get(f"{PAGE}/indicators.xlsx?year=2025&lang=en", headers=reviewer)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:4] == ("Key", "Indicator", "Unit", "Value")
    assert [(line[0], line[1], line[3]) for line in lines[1:]] == [
        (row["key"], row["name_en"], row["value"]) for row in rows
    ]


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}/indicators.csv", f"{PAGE}/indicators.xlsx"])
async def test_clerks_may_not_open_it_and_strangers_are_sent_to_sign_in(client, staff, path):
    clerk = await staff("clerk", office_code="JH01")
    assert (await client.get(path, headers=clerk)).status_code == 403
    r = await client.get(path, headers={"accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


async def test_an_odd_year_shows_this_year_among_the_plans_years(client, staff, reviewer):
    admin = await staff("admin")
    await factories.set_today(client, admin, dt.date(2024, 5, 1))
    html = (await client.get(f"{PAGE}?year=abc", headers=reviewer)).text
    assert "2024年规划指标" in html and "数据截至 2024-05-01" in html
    years = re.findall(r'<option value="(\d+)"( selected)?', html)
    assert years == [("2021", ""), ("2022", ""), ("2023", ""), ("2024", " selected"), ("2025", "")]


# ------------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("labels", "lang", "shown"),
    [
        (["2026-01", "2026-02", "2026-12"], "zh", ["1月", "2月", "12月"]),
        (["2026-01", "2026-12"], "en", ["Jan", "Dec"]),
        (["2025-12", "2026-01"], "zh", ["2025-12", "2026-01"]),  # two years: keep the year
        (["5A", "4A"], "zh", ["5A", "4A"]),
        (["低保对象 / Subsistence allowance recipients"], "zh", ["低保对象"]),
        (
            ["低保对象 / Subsistence allowance recipients"],
            "en",
            ["Subsistence allowance recipients"],
        ),
        ([], "zh", []),
    ],
)
def test_axis_labels(labels, lang, shown):
    assert axis_labels(labels, lang) == shown


def indicator(unit: str, series, **extra) -> Indicator:
    return Indicator("k", "名称", "Name", unit, 1, series=series, **extra)


@pytest.mark.parametrize(
    ("unit", "series", "kind"),
    [
        ("%", [("2026-01", 50.0), ("2026-02", 60.0)], "line"),  # a rate over time
        ("%", [("2024", 90.0), ("2025", 95.0)], "line"),
        ("件", [("2026-01", 3), ("2026-02", 5)], "bar"),  # counts over time
        ("个", [("5A", 1), ("4A", 2)], "hbar"),  # categories
        ("元", [("低保对象", 1000.0)], "hbar"),
    ],
)
def test_each_series_gets_the_chart_people_read_best(unit, series, kind):
    chart = chart_of(indicator(unit, series), "zh")
    assert chart is not None and chart.kind == kind
    assert [value for _, value in chart.series] == [float(v) for _, v in series]


@pytest.mark.parametrize(
    ("value", "unit", "lang", "text"),
    [
        (1, "件", "zh", "1 件"),
        (1, "件", "en", "1 case"),
        (2, "件", "en", "2 cases"),
        (1200.5, "元", "en", "1,200.5 yuan"),
        (6.5, "个/万人", "en", "6.5 per 10,000 residents"),
        (2, "个", "en", "2"),
        (None, "%", "en", "—"),
    ],
)
def test_values_are_written_with_their_unit_in_the_pages_language(value, unit, lang, text):
    assert table_row(Indicator("k", "名称", "Name", unit, value), lang).value_text == text


def test_an_indicator_without_a_series_has_no_chart():
    assert chart_of(indicator("%", ()), "zh") is None


@pytest.mark.parametrize(
    ("target", "comparison", "value", "text", "met"),
    [
        (100, ">=", 100, "≥ 100%", True),
        (100, ">=", 99.5, "≥ 100%", False),
        (5, "<=", 7, "≤ 5%", False),
        (None, "none", 3, "", None),
        (100, ">=", None, "≥ 100%", None),
    ],
)
def test_table_rows_state_the_target_and_the_verdict(target, comparison, value, text, met):
    row = table_row(
        Indicator("k", "名称", "Name", "%", value, target=target, comparison=comparison), "zh"
    )
    assert (row.target_text, row.met) == (text, met)
    assert row.value_text == ("—" if value is None else f"{value}%")


@pytest.mark.parametrize(
    ("raw", "year"), [("2024", 2024), ("", 2026), ("x", 2026), ("1999", 2026), ("2101", 2026)]
)
def test_requested_year(raw, year):
    assert requested_year(raw, 2026) == year


def test_the_year_choice_covers_the_plan_and_now():
    assert plan_years(2026, 2026) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert plan_years(2023, 2019) == [2019, 2021, 2022, 2023, 2024, 2025]
