"""Geometry of the server-rendered SVG charts (``templates/macros.html`` draws them).

Pure functions: a series ``[(label, value), ...]`` in, coordinates in a fixed view box out. The
SVG scales to the width of its container, so the same chart serves a phone and a desk screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 480
HEIGHT = 260
LEFT = 44  # room for the value axis labels
RIGHT = 24  # half of the last category label
TOP = 14
BOTTOM = 40  # room for the category labels
LABEL_ROOM = 120  # horizontal bars: room for category labels on the left

Series = Sequence[tuple[str, float | int | None]]


@dataclass(frozen=True)
class Tick:
    value: float
    label: str
    position: float  # y for vertical charts, x for horizontal bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    text: str
    x: float
    y: float
    show_label: bool

    @property
    def missing(self) -> bool:
        """No data for this label (a month without any case): a gap in the line, not a 0."""
        return self.value is None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    ticks: list[Tick]
    bars: list[Bar]
    points: list[Point]
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points if not p.missing)

    @property
    def segments(self) -> list[str]:
        """The line in pieces, broken where a point has no data."""
        pieces: list[list[Point]] = [[]]
        for point in self.points:
            if point.missing:
                pieces.append([])
            else:
                pieces[-1].append(point)
        return [" ".join(f"{p.x:.1f},{p.y:.1f}" for p in piece) for piece in pieces if piece]

    @property
    def empty(self) -> bool:
        return not self.bars and not self.points

    @property
    def values_fit(self) -> bool:
        """Whether every vertical bar's number fits above it without touching its neighbours'
        (13 px digits are about 7.5 px wide)."""
        slot = (self.plot_right - self.plot_left) / max(len(self.bars), 1)
        return all(len(bar.text) * 7.5 <= slot for bar in self.bars)


def format_value(value: float) -> str:
    """Whole numbers without decimals, others with at most two; thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def nice_step(span: float, target_ticks: int = 4) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving about ``target_ticks`` intervals over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale_max(values: Sequence[float]) -> tuple[float, float]:
    """The axis top (a multiple of the step, never below the largest value) and the step;
    whole-number data (counts) get whole-number steps."""
    top = max([0.0, *values])
    step = nice_step(top if top > 0 else 1.0)
    if all(float(v).is_integer() for v in values):
        step = max(step, 1.0)
    return max(step, math.ceil(top / step) * step), step


def _left_room(tick_values: Sequence[float]) -> float:
    """Room for the longest value-axis label (``20,000`` needs more than ``40``)."""
    longest = max((len(format_value(v)) for v in tick_values), default=1)
    return max(LEFT, 12 + 7.5 * longest)


def _clean(series: Series) -> list[tuple[str, float]]:
    return [(str(label), float(value or 0)) for label, value in series]


def bar_chart(series: Series, *, horizontal: bool = False) -> Chart:
    """Bars from zero; negative values are drawn as zero (counts and amounts are never negative)."""
    data = [(label, max(value, 0.0)) for label, value in _clean(series)]
    axis_max, step = _scale_max([v for _, v in data])
    ticks_values = [step * i for i in range(round(axis_max / step) + 1)]
    if horizontal:
        return _horizontal_bars(data, axis_max, ticks_values)
    left, right, top, bottom = _left_room(ticks_values), WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    plot_h = bottom - top
    slot = (right - left) / max(len(data), 1)
    bar_w = slot * 0.64
    bars = []
    for i, (label, value) in enumerate(data):
        h = plot_h * value / axis_max
        x = left + i * slot + (slot - bar_w) / 2
        bars.append(
            Bar(label, value, format_value(value), x, bottom - h, bar_w, h, x + bar_w / 2, bottom)
        )
    ticks = [Tick(v, format_value(v), bottom - plot_h * v / axis_max) for v in ticks_values]
    return Chart(WIDTH, HEIGHT, ticks, bars, [], left, right, top, bottom)


def _horizontal_bars(
    data: list[tuple[str, float]], axis_max: float, ticks_values: list[float]
) -> Chart:
    row = 30
    left, right, top = LABEL_ROOM, WIDTH - RIGHT - 36, TOP
    bottom = top + row * max(len(data), 1)
    height = int(bottom + 28)
    plot_w = right - left
    bars = []
    for i, (label, value) in enumerate(data):
        w = plot_w * value / axis_max
        y = top + i * row + row * 0.18
        bars.append(
            Bar(label, value, format_value(value), left, y, w, row * 0.64, left - 6, y + row * 0.45)
        )
    ticks = [Tick(v, format_value(v), left + plot_w * v / axis_max) for v in ticks_values]
    return Chart(WIDTH, height, ticks, bars, [], left, right, top, bottom)


def line_chart(series: Series, *, max_labels: int = 8) -> Chart:
    """Points joined in order; at most ``max_labels`` category labels are printed, evenly spaced
    back from the latest point, which is always labelled. A ``None`` value is a gap: no point,
    the line broken there (a month without data is not a month at 0 %)."""
    data = [(str(label), None if value is None else float(value)) for label, value in series]
    known = [v for _, v in data if v is not None]
    if not known:
        data = []
    low = min([0.0, *known])
    axis_max, step = _scale_max([v - low for v in known])
    tick_values = [low + step * i for i in range(round(axis_max / step) + 1)]
    left, right, top, bottom = _left_room(tick_values), WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    plot_w, plot_h = right - left, bottom - top
    count = len(data)
    every = max(1, math.ceil(count / max_labels))
    points = []
    for i, (label, value) in enumerate(data):
        x = left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)
        shown = (count - 1 - i) % every == 0
        if value is None:
            points.append(Point(label, None, "—", x, bottom, shown))
            continue
        y = bottom - plot_h * (value - low) / axis_max
        points.append(Point(label, value, format_value(value), x, y, shown))
    ticks = [Tick(v, format_value(v), bottom - plot_h * (v - low) / axis_max) for v in tick_values]
    return Chart(WIDTH, HEIGHT, ticks, [], points, left, right, top, bottom)
