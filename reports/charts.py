"""Server-rendered SVG charts: geometry here, markup in templates/reports/includes/.

Numbers are formatted here as plain strings, so that a language with a decimal comma
cannot break an SVG attribute. Every chart is drawn next to a data table that holds
the same figures (and the links to the records behind them).
"""

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format


def _f(value: float) -> str:
    return f"{value:.1f}"


def nice_ceiling(value: float) -> tuple[float, float]:
    """A round axis maximum at or above `value`, and its tick step (1, 2 or 5 × 10ⁿ)."""
    if value <= 0:
        return 1, 1
    raw_step = value / 4
    magnitude = 10 ** math.floor(math.log10(raw_step))
    for multiple in (1, 2, 5, 10):
        step = multiple * magnitude
        if step >= raw_step:
            break
    if step < 1 and float(value).is_integer():
        step = 1
    return step * math.ceil(value / step), step


@dataclass
class Bar:
    x: str
    y: str
    width: str
    height: str
    label: str
    value_text: str
    label_x: str = ""
    label_y: str = ""
    value_x: str = ""
    value_y: str = ""
    show_label: bool = True


@dataclass
class Tick:
    position: str
    label: str


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # "columns" (over time or scores) or "rows" (categories)
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick] = field(default_factory=list)
    plot_left: str = "0"
    plot_right: str = "0"
    plot_top: str = "0"
    plot_bottom: str = "0"
    axis_label: str = ""

    values: list[float] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(self.values)


def _value_text(value: float, percent: bool) -> str:
    if percent:
        return f"{number_format(value, 1)} %"
    return number_format(value, 0 if float(value).is_integer() else 1)


def column_chart(
    chart_id: str,
    title: str,
    points: list[tuple[str, float]],
    *,
    width: int = 360,
    height: int = 190,
    percent: bool = False,
    axis_label: str = "",
) -> Chart:
    """Vertical bars, one per point, left to right (time, course weeks, scores)."""
    longest = max((len(label) for label, _v in points), default=1)
    # Room on the right for half of the last label, which is centred under its bar.
    left, right, top, bottom = 44, width - max(8, longest * 3), 16, height - 34
    top_value, step = nice_ceiling(max((v for _l, v in points), default=0))
    if percent:
        top_value, step = 100, 25
    ticks = []
    n_ticks = round(top_value / step)
    for i in range(n_ticks + 1):
        value = step * i
        y = bottom - (bottom - top) * value / top_value
        ticks.append(Tick(position=_f(y), label=_value_text(value, percent)))
    band = (right - left) / max(len(points), 1)
    # As many labels under the axis as fit without overlapping (about 6 px per character).
    fit = max(1, int((right - left) / (longest * 6 + 8)))
    every = max(1, math.ceil(len(points) / fit))
    bars = []
    for i, (label, value) in enumerate(points):
        h = (bottom - top) * value / top_value
        x = left + band * i + band * 0.15
        w = band * 0.7
        bars.append(
            Bar(
                x=_f(x),
                y=_f(bottom - h),
                width=_f(w),
                height=_f(h),
                label=label,
                value_text=_value_text(value, percent),
                label_x=_f(x + w / 2),
                label_y=_f(bottom + 14),
                value_x=_f(x + w / 2),
                value_y=_f(bottom - h - 3),
                show_label=i % every == 0,
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        kind="columns",
        width=width,
        height=height,
        bars=bars,
        ticks=ticks,
        plot_left=_f(left),
        plot_right=_f(right),
        plot_top=_f(top),
        plot_bottom=_f(bottom),
        axis_label=axis_label,
        values=[v for _l, v in points],
    )


def row_chart(
    chart_id: str,
    title: str,
    points: list[tuple[str, float]],
    *,
    width: int = 360,
    row_height: int = 22,
    label_width: int = 130,
    percent: bool = False,
) -> Chart:
    """Horizontal bars, one row per category, labelled on the left, value at the bar's end."""
    top = 4
    height = top + row_height * len(points) + 4
    left, right = label_width, width - 44
    top_value = max((v for _l, v in points), default=0) or 1
    if percent:
        top_value = 100
    bars = []
    for i, (label, value) in enumerate(points):
        w = (right - left) * value / top_value
        y = top + row_height * i
        bars.append(
            Bar(
                x=_f(left),
                y=_f(y + 3),
                width=_f(w),
                height=_f(row_height - 6),
                label=label,
                value_text=_value_text(value, percent),
                label_x=_f(left - 6),
                label_y=_f(y + row_height / 2 + 4),
                value_x=_f(left + w + 4),
                value_y=_f(y + row_height / 2 + 4),
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        kind="rows",
        width=width,
        height=height,
        bars=bars,
        plot_left=_f(left),
        plot_right=_f(right),
        plot_top=_f(top),
        plot_bottom=_f(height - 4),
        values=[v for _l, v in points],
    )
