"""Charts as SVG, drawn with matplotlib.

Why matplotlib: it is the most widely kept plotting library of the Python world, it writes
SVG with no browser and no JavaScript (the site must open from ``file://`` with no network),
its SVG keeps text as text (searchable, crisp at any zoom), and with a fixed hash salt and no
date in the metadata the same data gives the same bytes. Vega-Lite would need a JavaScript
renderer shipped with the site; Graphviz draws graphs, not time series.

Only the non-interactive SVG canvas is used (no pyplot, no global figure state), and one
figure is drawn again for every chart (new points, limits and ticks): building a figure costs
more than drawing it, and a site has a chart per party. The legend and the title are HTML
beside the chart (see :func:`legend_items`), which keeps each drawing small.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

#: Colours per measure status, readable for the common colour-vision deficiencies (Okabe–Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
#: Up to this many points a chart names each point; beyond, it thins its markers.
NAMED_POINTS = 10
_RC: Any = {
    "svg.hashsalt": "tradekg",
    "svg.fonttype": "none",
    "date.epoch": "1970-01-01T00:00:00",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class TariffPoint:
    """One tariff on the chart: when, how high, in what state, with whom."""

    date: dt.date
    rate: float
    status: str
    direction: str  # "faces" or "imposes"
    other: str  # the other party's name
    #: the measure's page (relative to the page the chart is on) and its name, for the
    #: point's link and tooltip
    href: str | None = None
    title: str | None = None


def parse_date(text: str) -> dt.date | None:
    """A date from ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` text (first day).

    >>> parse_date("2025-06"), parse_date("2025"), parse_date("2025-10-27"), parse_date("soon")
    (datetime.date(2025, 6, 1), datetime.date(2025, 1, 1), datetime.date(2025, 10, 27), None)
    """
    parts = text[:10].split("-")
    try:
        numbers = [int(p) for p in parts if p]
        if len(numbers) == 1:
            return dt.date(numbers[0], 1, 1)
        if len(numbers) == 2:
            return dt.date(numbers[0], numbers[1], 1)
        if len(numbers) == 3:
            return dt.date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None
    return None


def _day(date: dt.date) -> float:
    """Matplotlib's date number: days since its epoch, 1970-01-01."""
    return float((date - dt.date(1970, 1, 1)).days)


def status_colours(points: Sequence[TariffPoint]) -> dict[str, str]:
    """One colour per status, in the order of the statuses' names."""
    statuses = sorted({p.status for p in points})
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(statuses)}


def date_ticks(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """Tick marks for a time axis: months, quarters or years, at most about eight.

    >>> [t for _, t in date_ticks(dt.date(2025, 1, 5), dt.date(2025, 6, 1))]
    ['Feb 2025', 'Mar', 'Apr', 'May', 'Jun']
    >>> [t for _, t in date_ticks(dt.date(2019, 3, 1), dt.date(2025, 6, 1))]
    ['2020', '2021', '2022', '2023', '2024', '2025']
    """
    months = (last.year - first.year) * 12 + last.month - first.month
    step = next((s for s in (1, 3, 6, 12, 24, 60, 120) if months / s <= 8), 240)
    ticks: list[tuple[dt.date, str]] = []
    index = first.year * 12 + first.month  # the month after ``first`` (months counted from 0)
    while True:
        year, month = divmod(index, 12)
        day = dt.date(year, month + 1, 1)
        if day > last:
            return ticks
        if index % step == 0:
            if step >= 12:
                text = str(year)
            elif not ticks or month == 0:
                text = f"{MONTHS[month]} {year}"
            else:
                text = MONTHS[month]
            ticks.append((day, text))
        index += 1


def _with_titles(svg: str, points: Sequence[TariffPoint]) -> str:
    """A ``<title>`` (the browser's tooltip) in each point's link: what, how high, when."""
    for p in points:
        if not p.href:
            continue
        verb = "on" if p.direction == "imposes" else "by"
        text = f"{p.title or 'tariff'}: {p.rate:g} % {verb} {p.other}, {p.date.isoformat()}"
        # matplotlib opens the link in a new window (target="_blank"): a site's link does not
        anchor = f'<a xlink:href="{escape(p.href)}" target="_blank">'
        svg = svg.replace(
            anchor, f'<a xlink:href="{escape(p.href)}"><title>{escape(text)}</title>', 1
        )
    return svg


class TariffCharts:
    """Draws tariff charts as SVG, reusing one matplotlib figure for all of them."""

    def __init__(self) -> None:
        import matplotlib
        from matplotlib.backends.backend_svg import FigureCanvasSVG
        from matplotlib.figure import Figure

        self._matplotlib = matplotlib
        with matplotlib.rc_context(_RC):
            self.figure = Figure(figsize=(9.6, 3.4), dpi=100)
            FigureCanvasSVG(self.figure)
            self.axes = self.figure.add_subplot()
            self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.96)
            self.faced = self.axes.scatter([], [], marker="o", zorder=3)
            self.imposed = self.axes.scatter([], [], marker="^", zorder=3)
            self.axes.set_ylabel("tariff rate (%)")
            self.axes.grid(axis="y", color="#d0d7de", linewidth=0.6)
        self.count = 0

    def draw(self, points: Sequence[TariffPoint]) -> str:
        """The ``<svg>`` element (no XML prolog) of these points, coloured by status."""
        import numpy as np
        from matplotlib.ticker import FixedFormatter, FixedLocator

        colours = status_colours(points)
        many = len(points) > NAMED_POINTS
        for collection, direction in ((self.faced, "faces"), (self.imposed, "imposes")):
            chosen = [p for p in points if p.direction == direction]
            offsets = np.array([[_day(p.date), p.rate] for p in chosen], dtype=float)
            collection.set_offsets(offsets.reshape(-1, 2))
            collection.set_facecolor([colours[p.status] for p in chosen] or "none")
            collection.set_edgecolor("white")
            collection.set_sizes([34.0 if many else 64.0])
            collection.set_alpha(0.75 if many else 0.95)
            # each point links to its measure's page (matplotlib writes an <a> per point)
            collection.set_urls([p.href for p in chosen])
        first = min(p.date for p in points)
        last = max(p.date for p in points)
        margin = max(20, (last - first).days // 12)
        low, high = first - dt.timedelta(days=margin), last + dt.timedelta(days=margin)
        ticks = date_ticks(low, high)
        self.axes.xaxis.set_major_locator(FixedLocator([_day(d) for d, _ in ticks]))
        self.axes.xaxis.set_major_formatter(FixedFormatter([t for _, t in ticks]))
        self.axes.set_xlim(_day(low), _day(high))
        self.axes.set_ylim(0, max(10.0, max(p.rate for p in points) * 1.2))
        names = [] if many else self._name_points(points)
        out = io.StringIO()
        with self._matplotlib.rc_context(_RC):
            self.figure.savefig(out, format="svg", metadata={"Date": None})
        for text in names:
            text.remove()
        self.count += 1
        svg = _with_titles(out.getvalue(), points)
        return svg[svg.find("<svg") :]

    def _name_points(self, points: Sequence[TariffPoint]) -> list[Any]:
        """Write the other party's name beside each point, stacking names on one spot."""
        seen: dict[tuple[dt.date, float], int] = {}
        written = []
        for p in sorted(points, key=lambda p: (p.date, p.rate, p.other)):
            key = (p.date, p.rate)
            offset = seen.get(key, 0)
            seen[key] = offset + 1
            verb = "on" if p.direction == "imposes" else "by"
            right = _day(p.date) > sum(self.axes.get_xlim()) / 2
            written.append(
                self.axes.annotate(
                    f"{p.rate:g}% {verb} {p.other}",
                    (_day(p.date), p.rate),
                    xytext=(-8 if right else 8, 4 - 12 * offset),
                    textcoords="offset points",
                    horizontalalignment="right" if right else "left",
                    fontsize=8,
                    color="#1b1f24",
                )
            )
        return written
