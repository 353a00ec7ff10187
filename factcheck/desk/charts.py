"""Small charts drawn on the server as SVG: no chart service, no JavaScript.

Pure: plain values in, markup out (no Flask, no database). The SVG is built
only from literal ``Markup`` templates whose ``format`` escapes every value
put in (MarkupSafe's rule), so no text can break out; colours must be
``#rrggbb``, and
each chart carries a ``<title>`` and a ``<desc>`` that say in words what it
shows (``role="img"`` with ``aria-labelledby``), plus a ``<title>`` on every
bar for the pointer. The page puts the same figures in a table as well.

Styling uses presentation attributes (``fill``), never ``style=``: the CSP
refuses inline styles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CHART_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
FALLBACK_COLOUR = "#6b7280"
AXIS_COLOUR = "#9ca3af"
TEXT_COLOUR = "#374151"


@dataclass(frozen=True)
class Series:
    """One row of figures in a daily chart: a name, one count a day, a colour."""

    name: str
    counts: Sequence[int]
    colour: str


def safe_colour(colour: str | None) -> str:
    """``colour`` when it is ``#rrggbb``, else a neutral grey."""
    return colour if isinstance(colour, str) and COLOUR.match(colour) else FALLBACK_COLOUR


def _check_id(chart_id: str) -> str:
    if not CHART_ID.match(chart_id):
        raise ValueError(f"chart id must match {CHART_ID.pattern}: {chart_id!r}")
    return chart_id


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that is at least ``value`` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _open_svg(chart_id: str, width: int, height: int, title: str,
              description: str) -> list[Markup]:
    return [
        Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
               'height="{h}" role="img" class="chart-svg" '
               'aria-labelledby="{id}-title {id}-desc">').format(w=width, h=height, id=chart_id),
        Markup('<title id="{}-title">{}</title>').format(chart_id, title),
        Markup('<desc id="{}-desc">{}</desc>').format(chart_id, description),
    ]


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _text_at(x: float, y: float, text: object, *, anchor: str = "start",
             size: int = 11) -> Markup:
    return Markup('<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}">{}</text>'
                  ).format(_num(x), _num(y), size, anchor, TEXT_COLOUR, text)


def _bar(x: float, y: float, width: float, height: float, colour: str | None,
         tooltip: str) -> Markup:
    return Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
                  ).format(_num(x), _num(y), _num(width), _num(height), safe_colour(colour),
                           tooltip)


def _close(parts: list[Markup]) -> Markup:
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def describe_daily(days: Sequence[date], series: Sequence[Series]) -> str:
    """The daily chart in words: the period, each series' total and its busiest day."""
    if not days:
        return "No days to show."
    parts = [f"From {days[0].isoformat()} to {days[-1].isoformat()}:"]
    for one in series:
        total = sum(one.counts)
        if total:
            best = max(range(len(one.counts)), key=lambda i: (one.counts[i], i))
            parts.append(f"{one.name}: {total} in all, most on {days[best].isoformat()} "
                         f"({one.counts[best]}).")
        else:
            parts.append(f"{one.name}: none.")
    return " ".join(parts)


def daily_chart(days: Sequence[date], series: Sequence[Series], *, title: str,
                chart_id: str, width: int = 480, height: int = 200) -> Markup:
    """Grouped bars, one group a day, one bar a series, with a legend and a few date labels."""
    chart_id = _check_id(chart_id)
    for one in series:
        if len(one.counts) != len(days):
            raise ValueError(f"series {one.name!r} has {len(one.counts)} counts "
                             f"for {len(days)} days")
    left, right, top, bottom = 34, 8, 28, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_ceiling(max([c for one in series for c in one.counts] or [0]))
    parts = _open_svg(chart_id, width, height, title, describe_daily(days, series))

    # legend
    x = left
    for one in series:
        parts.append(Markup('<rect x="{}" y="6" width="12" height="12" fill="{}"/>').format(
            x, safe_colour(one.colour)))
        parts.append(_text_at(x + 16, 16, one.name, size=13))
        x += 28 + 8 * len(one.name)
    # axis and the scale
    base_y = top + plot_h
    parts.append(Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>').format(
        left, base_y, left + plot_w, base_y, AXIS_COLOUR))
    for value in sorted({0, top_value // 2, top_value}):
        y = base_y - plot_h * value / top_value
        parts.append(_text_at(left - 6, y + 4, value, anchor="end", size=12))
        if value:
            parts.append(Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                                'stroke-dasharray="2 3" stroke-width="0.5"/>').format(
                left, _num(y), left + plot_w, _num(y), AXIS_COLOUR))
    if days:
        slot = plot_w / len(days)
        bar_w = max(1.0, (slot - 2) / max(1, len(series)))
        for index, day in enumerate(days):
            x0 = left + index * slot + 1
            for position, one in enumerate(series):
                count = one.counts[index]
                if count > 0:
                    bar_h = plot_h * count / top_value
                    parts.append(_bar(x0 + position * bar_w, base_y - bar_h, bar_w, bar_h,
                                      one.colour,
                                      f"{day.isoformat()}: {count} {one.name.lower()}"))
            if (len(days) - 1 - index) % 7 == 0:  # the last day, and each week back
                last = index == len(days) - 1
                parts.append(_text_at(x0 + slot if last else x0 + slot / 2, base_y + 17,
                                      day.strftime("%d %b"), anchor="end" if last else "middle",
                                      size=12))
    return _close(parts)


def describe_distribution(items: Sequence[tuple[str, int, str]]) -> str:
    """The distribution in words: each label with its count and share."""
    total = sum(count for _label, count, _colour in items)
    if not total:
        return "No verdicts yet."
    shares = [f"{label}: {count} ({round(100 * count / total)}%)"
              for label, count, _colour in items if count]
    return f"{total} verdicts. " + "; ".join(shares) + "."


def distribution_chart(items: Sequence[tuple[str, int, str]], *, title: str, chart_id: str,
                       width: int = 480) -> Markup:
    """Horizontal bars, one a label (label, count, colour), in the order given."""
    chart_id = _check_id(chart_id)
    row_h, label_w, right = 26, 130, 40
    height = max(1, len(items)) * row_h + 8
    top_value = max([count for _label, count, _colour in items] or [0]) or 1
    plot_w = width - label_w - right
    parts = _open_svg(chart_id, width, height, title, describe_distribution(items))
    if not items:
        parts.append(_text_at(0, 18, "No rating labels.", size=12))
    for index, (label, count, colour) in enumerate(items):
        y = 4 + index * row_h
        shown = label if len(label) <= 18 else label[:17] + "…"
        parts.append(_text_at(label_w - 8, y + 17, shown, anchor="end", size=13))
        bar_w = plot_w * count / top_value
        if count:
            parts.append(_bar(label_w, y + 4, bar_w, row_h - 8, colour, f"{label}: {count}"))
        parts.append(_text_at(label_w + bar_w + 6, y + 17, count, size=13))
    return _close(parts)
