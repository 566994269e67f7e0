"""The trend chart: matching reports per year and their share of all reports,
laid out here as plain numbers and drawn by templates/_trend.html as inline
SVG, so it needs no JavaScript, no network and no font download.

Bars are the matching reports (left scale); the line is the share of that
year's reports that match (right scale, 0 to the largest share rounded up),
because at national scale a few dozen matches among tens of thousands of
reports would be an invisible sliver of a stacked bar. Text in the SVG goes
through the template's autoescape like everything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from search_service.search.trend import TrendPoint

WIDTH = 640
HEIGHT = 220
LEFT = 40  # room for the count scale
RIGHT = 44  # room for the share scale
TOP = 22
BOTTOM = 30  # room for the year labels


@dataclass(frozen=True)
class Bar:
    year: int
    matching: int
    total: int
    share: float
    x: float
    y: float
    width: float
    height: float
    share_x: float
    share_y: float
    chosen: bool
    href: str

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def percent(self) -> str:
        return _percent(self.share)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    bars: list[Bar]
    count_ticks: list[Tick]
    share_ticks: list[Tick]
    share_path: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def label_every(self) -> int:
        """Label every n-th year so that labels do not collide."""
        return max(1, math.ceil(len(self.bars) / 16))


def _percent(share: float) -> str:
    value = share * 100
    if value == 0:
        return "0%"
    if value < 1:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k not below value (value > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-12:
            return candidate
    return 10 ** (exponent + 1)


def trend_chart(points: list[TrendPoint], chosen_years: set[int], year_href: dict[int, str]) -> TrendChart | None:
    """Geometry of the chart for points (years in order); None when there is
    nothing to draw."""
    points = [p for p in points if isinstance(p.value, int)]
    if not points or not any(p.matching for p in points):
        return None
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    max_count = max(p.matching for p in points)
    count_top = max(1, math.ceil(_nice_ceiling(max_count))) if max_count > 4 else max(max_count, 1)
    share_top = min(1.0, _nice_ceiling(max(p.share for p in points)))
    slot = plot_w / len(points)
    bar_w = max(2.0, min(48.0, slot * 0.6))
    bars = []
    for i, p in enumerate(points):
        height = plot_h * p.matching / count_top
        x = LEFT + slot * i + (slot - bar_w) / 2
        bars.append(
            Bar(
                year=int(p.value),
                matching=p.matching,
                total=p.total,
                share=p.share,
                x=round(x, 1),
                y=round(TOP + plot_h - height, 1),
                width=round(bar_w, 1),
                height=round(height, 1),
                share_x=round(LEFT + slot * i + slot / 2, 1),
                share_y=round(TOP + plot_h - plot_h * p.share / share_top, 1),
                chosen=int(p.value) in chosen_years,
                href=year_href[int(p.value)],
            )
        )
    share_path = "M" + " L".join(f"{b.share_x},{b.share_y}" for b in bars)
    count_ticks = [
        Tick(round(TOP + plot_h - plot_h * f, 1), str(round(count_top * f)))
        for f in ((0, 0.5, 1) if count_top > 1 else (0, 1))
        if f == 0 or round(count_top * f) == count_top * f
    ]
    share_ticks = [Tick(round(TOP + plot_h - plot_h * f, 1), _percent(share_top * f)) for f in (0, 0.5, 1)]
    return TrendChart(bars, count_ticks, share_ticks, share_path)
