"""The dashboard's SVG charts (pure functions)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from factcheck.desk.charts import (
    FALLBACK_COLOUR,
    Series,
    daily_chart,
    describe_daily,
    describe_distribution,
    distribution_chart,
    nice_ceiling,
    safe_colour,
)

SVG = "{http://www.w3.org/2000/svg}"
DAYS = [date(2026, 3, 1) + timedelta(days=n) for n in range(30)]


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314  our own output, built by the test


def _bars(root) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]


def test_daily_chart_draws_one_bar_per_nonzero_count_with_its_day_in_a_title():
    triaged = [0] * 30
    triaged[0], triaged[10] = 3, 6
    approved = [0] * 30
    approved[10] = 2
    root = _parse(daily_chart(DAYS, [Series("Claims triaged", triaged, "#2563eb"),
                                     Series("Verdicts approved", approved, "#15803d")],
                              title="Activity", chart_id="chart-a"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-a-title chart-a-desc"
    assert root.find(f"{SVG}title").text == "Activity"
    desc = root.find(f"{SVG}desc").text
    assert "Claims triaged: 9 in all, most on 2026-03-11 (6)." in desc
    assert "Verdicts approved: 2 in all" in desc
    titles = sorted(bar.find(f"{SVG}title").text for bar in _bars(root))
    assert titles == ["2026-03-01: 3 claims triaged", "2026-03-11: 2 verdicts approved",
                      "2026-03-11: 6 claims triaged"]
    heights = {bar.find(f"{SVG}title").text: float(bar.get("height")) for bar in _bars(root)}
    assert heights["2026-03-11: 6 claims triaged"] == pytest.approx(
        2 * heights["2026-03-01: 3 claims triaged"], rel=0.01)
    assert "style=" not in str(daily_chart(DAYS, [], title="x", chart_id="c"))


def test_empty_daily_chart_says_so_in_words():
    root = _parse(daily_chart(DAYS, [Series("Claims triaged", [0] * 30, "#2563eb")],
                              title="Activity", chart_id="chart-a"))
    assert _bars(root) == []
    assert root.find(f"{SVG}desc").text.endswith("Claims triaged: none.")
    assert describe_daily([], []) == "No days to show."


def test_series_must_match_the_days():
    with pytest.raises(ValueError, match="has 2 counts for 30 days"):
        daily_chart(DAYS, [Series("x", [1, 2], "#000000")], title="t", chart_id="c")


def test_distribution_chart_in_the_given_order_with_counts_and_shares():
    items = [("True", 3, "#15803d"), ("False", 1, "#b91c1c"), ("Unproven", 0, "#4b5563")]
    root = _parse(distribution_chart(items, title="Verdicts", chart_id="chart-v"))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[:2] == ["True", "3"]
    assert labels[2:4] == ["False", "1"]
    assert labels[4:6] == ["Unproven", "0"]
    bars = _bars(root)
    assert [b.get("fill") for b in bars] == ["#15803d", "#b91c1c"]  # no bar for zero
    assert float(bars[0].get("width")) == pytest.approx(3 * float(bars[1].get("width")), abs=0.2)
    assert root.find(f"{SVG}desc").text == "4 verdicts. True: 3 (75%); False: 1 (25%)."
    assert describe_distribution([("True", 0, "#15803d")]) == "No verdicts yet."
    empty = _parse(distribution_chart([], title="Verdicts", chart_id="chart-v"))
    assert "No rating labels." in [t.text for t in empty.iter(f"{SVG}text")]


HOSTILE = '<script>alert("x")</script> & </svg><img src=x onerror=alert(1)>'


def test_labels_and_titles_are_escaped():
    markup = str(daily_chart(DAYS, [Series(HOSTILE, [1] * 30, "#2563eb")], title=HOSTILE,
                             chart_id="chart-a"))
    markup += str(distribution_chart([(HOSTILE, 2, "#15803d")], title=HOSTILE,
                                     chart_id="chart-b"))
    assert "<script" not in markup
    assert "<img" not in markup
    assert markup.count("</svg>") == 2
    for svg in re.findall(r"<svg.*?</svg>", markup, re.S):
        root = _parse(svg)
        assert root.find(f"{SVG}title").text == HOSTILE


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "url(#x)", '"/><script>',
                                    None, "#GGGGGG"])
def test_colours_other_than_rrggbb_fall_back(colour):
    assert safe_colour(colour) == FALLBACK_COLOUR
    markup = str(distribution_chart([("A", 1, colour)], title="t", chart_id="c"))
    assert f'fill="{FALLBACK_COLOUR}"' in markup
    assert "<script" not in markup


def test_chart_ids_are_checked():
    for bad in ("", "1a", 'a" onload="x', "A"):
        with pytest.raises(ValueError, match="chart id"):
            distribution_chart([], title="t", chart_id=bad)


@pytest.mark.parametrize(("value", "expected"), [(0, 1), (1, 1), (2, 2), (3, 5), (6, 10),
                                                 (11, 20), (21, 50), (99, 100), (101, 200)])
def test_nice_ceiling(value, expected):
    assert nice_ceiling(value) == expected
