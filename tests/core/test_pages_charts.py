"""Geometry of the SVG charts and of page numbers (pure functions behind templates/macros.html)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.web.charts import HEIGHT, WIDTH, bar_chart, format_value, line_chart, nice_step
from core.web.paging import Pager, page_number


@pytest.mark.parametrize(
    ("span", "step"),
    [(1, 0.5), (4, 1), (7, 2), (10, 5), (37, 10), (100, 50), (1234, 500), (0.3, 0.1), (0, 1)],
)
def test_axis_steps_are_round_numbers(span, step):
    assert nice_step(span) == pytest.approx(step)


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (12, "12"), (12000, "12,000"), (3.5, "3.5"), (2.25, "2.25"), (99.999, "100")],
)
def test_values_print_as_people_write_them(value, text):
    assert format_value(value) == text


def test_bars_are_proportional_and_the_tallest_stays_inside_the_plot():
    chart = bar_chart([("1月", 10), ("2月", 40), ("3月", 0), ("4月", 25)])
    heights = [b.height for b in chart.bars]
    assert heights[1] == pytest.approx(4 * heights[0]) and heights[2] == 0
    assert heights[3] == pytest.approx(2.5 * heights[0])
    top_tick = max(chart.ticks, key=lambda t: t.value)
    assert top_tick.value >= 40 and chart.bars[1].y >= top_tick.position
    assert [t.label for t in chart.ticks] == ["0", "10", "20", "30", "40"]
    assert [b.text for b in chart.bars] == ["10", "40", "0", "25"]


def test_horizontal_bars_grow_with_the_number_of_categories():
    few = bar_chart([("低保", 3), ("特困", 1)], horizontal=True)
    many = bar_chart([(f"类别{i}", i) for i in range(10)], horizontal=True)
    assert many.height > few.height
    assert few.bars[0].width == pytest.approx(3 * few.bars[1].width)


def test_an_empty_series_draws_no_marks():
    assert bar_chart([]).empty and line_chart([]).empty
    assert not bar_chart([("a", 0)]).empty


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=6),
            st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e9, allow_nan=False)),
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_every_bar_lies_inside_the_view_box(series, horizontal):
    chart = bar_chart(series, horizontal=horizontal)
    assert len(chart.bars) == len(series)
    for bar in chart.bars:
        assert bar.width >= 0 and bar.height >= 0
        assert bar.x >= 0 and bar.x + bar.width <= chart.width + 1e-6
        assert bar.y >= 0 and bar.y + bar.height <= chart.height + 1e-6


@given(
    st.lists(
        st.tuples(st.text(max_size=4), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
        min_size=1,
        max_size=60,
    )
)
def test_line_points_run_left_to_right_inside_the_plot(series):
    chart = line_chart(series)
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)
    for point in chart.points:
        assert chart.plot_left <= point.x <= chart.plot_right
        assert chart.plot_top - 1e-6 <= point.y <= chart.plot_bottom + 1e-6
    assert chart.points[-1].show_label  # the latest point is always named
    assert sum(p.show_label for p in chart.points) <= 8
    assert (chart.width, chart.height) == (WIDTH, HEIGHT)


def test_higher_values_are_drawn_higher_on_the_line():
    chart = line_chart([("Q1", 5), ("Q2", 20), ("Q3", 10)])
    low, high, middle = (p.y for p in chart.points)
    assert high < middle < low  # SVG y grows downwards


def test_months_without_data_are_gaps_not_zero():
    """Issue 14: a rate in a month without any case is not 0 %: the line breaks there."""
    chart = line_chart([("1月", 50), ("2月", None), ("3月", 80), ("4月", 75), ("5月", None)])
    assert len(chart.segments) == 2
    assert [len(s.split()) for s in chart.segments] == [1, 2]
    gap = chart.points[1]
    assert gap.missing and gap.text == "—"
    assert all(p.y < chart.plot_bottom for p in chart.points if not p.missing)
    assert line_chart([("1月", None)]).empty


async def test_dashboard_draws_a_gap_for_a_month_without_registrations():
    from core.contributions import Indicator
    from core.web.dashboard import chart_of

    rate = Indicator(
        "x.rate", "跨省通办占比", "Cross-province share", "%", 50.0,
        series=(("2026-01", 50.0), ("2026-02", None), ("2026-03", 40.0)),
    )  # fmt: skip
    chart = chart_of(rate, "zh")
    assert chart is not None and chart.series[1] == ("2月", None)
    count = Indicator("x.n", "登记数", "Registrations", "件", 3,
                      series=(("2026-01", 2), ("2026-02", None)))  # fmt: skip
    assert chart_of(count, "zh").series[1] == ("2月", 0.0)  # a count of nothing is 0


@pytest.mark.parametrize(
    ("raw", "number"), [("3", 3), ("0", 1), ("-2", 1), ("abc", 1), ("", 1), ("9" * 30, 100_000)]
)
def test_odd_page_numbers_mean_a_sensible_page(raw, number):
    assert page_number(raw) == number


def test_page_links_keep_the_filters_and_skip_long_runs():
    pager = Pager.for_request(
        "/admin/audit", {"actor": "wang", "page": "6", "entity": ""}, total=500, per_page=25
    )
    assert (pager.number, pager.pages, pager.offset) == (6, 20, 125)
    assert pager.window() == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert pager.href(7) == "/admin/audit?actor=wang&page=7"
    assert pager.href(1) == "/admin/audit?actor=wang"
    assert (pager.first_item, pager.last_item) == (126, 150)
    empty = Pager.for_request("/x", {}, total=0)
    assert empty.pages == 1 and not empty.has_next and empty.first_item == 0
