"""Pure parts of the dashboards: the comparison period and the figures' JSON."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from video_insights.dashboard import figures
from video_insights.dashboard.model import Kpi, display
from video_insights.dashboard.pages import previous_period


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 400))
def test_previous_period_has_the_same_length_and_ends_the_day_before(start, days):
    end = start + timedelta(days=days)
    before_from, before_to = previous_period(start, end)
    assert before_to == start - timedelta(days=1)
    assert (before_to - before_from) == (end - start)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_table_cell_is_the_cli_value(value):
    # the CLI rounds every float to 6 decimals; the page shows that number, with commas
    shown = display(value)
    assert float(shown.replace(",", "")) == round(value, 6) or round(value, 6) == 0


def test_kpi_change_reads_as_a_percentage():
    # metrics.md: a relative change; 0 when the previous value is 0
    assert Kpi("count_plays", 6, 4, 0.5).change_shown == "+50.0%"
    assert Kpi("count_plays", 2, 4, -0.5).direction == "down"
    assert Kpi("count_plays", 6, 0, 0.0).change_shown == "+0.0%"


def test_hover_templates_print_the_exact_value():
    figure = figures.lines(["date", "count_plays"], [["2026-11-02", 6]], "date", ["count_plays"])
    (trace,) = figure["data"]
    assert trace["x"] == ["2026-11-02"] and trace["y"] == [6]
    assert "%{y:,}" in trace["hovertemplate"]
    assert figure["layout"]["xaxis"]["type"] == "category"
    heat = figures.heat_map(["alice"], [1, 2], [["twice", "not viewed"]])
    assert heat["data"][0]["z"] == [[2, 0]]
