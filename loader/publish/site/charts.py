"""Charts as SVG, drawn with matplotlib.

Why matplotlib: it is the most widely kept plotting library of the Python world, it writes
SVG with no browser and no JavaScript (the site must open from ``file://`` with no network),
its SVG keeps text as text (searchable, crisp at any zoom), and with a fixed hash salt and no
date in the metadata the same data gives the same bytes. Vega-Lite would need a JavaScript
renderer shipped with the site; Graphviz draws graphs, not time series.

Only the non-interactive SVG canvas is used (no pyplot, no global figure state), so charts
can be drawn from any thread and nothing opens a window.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

#: Colours per measure status, readable for the common colour-vision deficiencies (Okabe–Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
#: Beyond this many points a chart stops naming each point and thins its markers.
NAMED_POINTS = 14


@dataclass(frozen=True, slots=True)
class TariffPoint:
    """One tariff on the chart: when, how high, in what state, with whom."""

    date: dt.date
    rate: float
    status: str
    direction: str  # "faces" or "imposes"
    other: str  # the other party's name


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


def tariff_chart(points: Sequence[TariffPoint], title: str) -> str:
    """An SVG chart of tariff rates over time: faced (circles) and imposed (triangles).

    Colour says the measure's status; with few points each is named by the other party.
    Returns the ``<svg>`` element (no XML prolog) for inlining into a page.
    """
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    statuses = sorted({p.status for p in points})
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(statuses)}
    many = len(points) > NAMED_POINTS
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "tradekg",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        figure = Figure(figsize=(10, 3.8), dpi=100)
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        for direction, marker in (("faces", "o"), ("imposes", "^")):
            for status in statuses:
                chosen = [p for p in points if p.direction == direction and p.status == status]
                if not chosen:
                    continue
                axes.scatter(
                    [_day(p.date) for p in chosen],
                    [p.rate for p in chosen],
                    marker=marker,
                    s=18 if many else 60,
                    alpha=0.55 if many else 0.9,
                    color=colour[status],
                    edgecolors="white",
                    linewidths=0.6,
                    zorder=3,
                )
        if not many:
            _name_points(axes, points)
        axes.set_ylabel("tariff rate (%)")
        axes.set_ylim(bottom=0, top=max(10.0, max(p.rate for p in points) * 1.18))
        axes.grid(axis="y", color="#d0d7de", linewidth=0.6)
        locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        days = [_day(p.date) for p in points]
        margin = max(45.0, (max(days) - min(days)) / 12)
        axes.set_xlim(min(days) - margin, max(days) + margin)
        axes.set_title(title, loc="left", fontsize=11)
        handles = [
            Line2D([], [], marker="o", linestyle="", color=colour[s], label=s) for s in statuses
        ]
        directions = sorted({p.direction for p in points})
        handles += [
            Line2D(
                [],
                [],
                marker="o" if d == "faces" else "^",
                linestyle="",
                color="#57606a",
                label="faced" if d == "faces" else "imposed",
            )
            for d in directions
        ]
        axes.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=9,
            title="status / direction",
            title_fontsize=9,
        )
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.find("<svg") :]


def _name_points(axes: object, points: Sequence[TariffPoint]) -> None:
    """Write the other party's name beside each point, stacking names that share a spot."""
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)
    seen: dict[tuple[dt.date, float], int] = {}
    for p in sorted(points, key=lambda p: (p.date, p.rate, p.other)):
        key = (p.date, p.rate)
        offset = seen.get(key, 0)
        seen[key] = offset + 1
        verb = "on" if p.direction == "imposes" else "by"
        axes.annotate(
            f"{p.rate:g}% {verb} {p.other}",
            (_day(p.date), p.rate),
            xytext=(8, 4 - 12 * offset),
            textcoords="offset points",
            fontsize=8,
            color="#1b1f24",
        )
