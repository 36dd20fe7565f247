"""Plotly figure specs (plain JSON) from report rows.

Values are the report's own (rounded to 6 decimals like every output format); the hover
template prints them in full, so hovering shows the exact figure of the table and the CLI.
"""

from __future__ import annotations

from typing import Any

from video_insights.dashboard.model import label
from video_insights.reports.render import clean

PALETTE = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777"]
EXACT = "%{y:,}"  # d3-format: thousands separators, no rounding beyond the value's own


def _layout(title: str = "", **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 60, "r": 20, "t": 40 if title else 20, "b": 60},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "paper_bgcolor": "rgba(0,0,0,0)",
    }
    layout.update(extra)
    return layout


def column(rows: list[list[Any]], columns: list[str], name: str) -> list[Any]:
    index = columns.index(name)
    return [clean(row[index]) for row in rows]


def lines(
    columns: list[str],
    rows: list[list[Any]],
    x: str,
    metrics: list[str],
    *,
    visible: int = 3,
    title: str = "",
) -> dict[str, Any]:
    """One line per metric over ``x`` (days, months, segments); metrics after the first
    ``visible`` start hidden (click their legend entry to show them)."""
    xs = column(rows, columns, x)
    data = []
    for number, metric in enumerate(metrics):
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label(metric),
                "meta": metric,
                "x": xs,
                "y": column(rows, columns, metric),
                "line": {"color": PALETTE[number % len(PALETTE)]},
                "visible": True if number < visible else "legendonly",
                "hovertemplate": f"%{{x}}<br>{label(metric)}: {EXACT}<extra></extra>",
            }
        )
    # days and months are labels (one tick each), not a continuous time axis
    axis_type = "category" if x in ("date", "month", "hour") else "linear"
    xaxis = {"title": {"text": label(x)}, "type": axis_type}
    return {"data": data, "layout": _layout(title, xaxis=xaxis)}


def bars(
    categories: list[Any],
    values: list[Any],
    metric: str,
    *,
    horizontal: bool = False,
    title: str = "",
    category_label: str = "",
) -> dict[str, Any]:
    names = [str(value) for value in categories]
    values = [clean(value) for value in values]
    trace: dict[str, Any] = {
        "type": "bar",
        "name": label(metric),
        "meta": metric,
        "marker": {"color": PALETTE[0]},
    }
    if horizontal:
        # first row on top
        trace |= {"x": values, "y": names, "orientation": "h"}
        trace["hovertemplate"] = f"%{{y}}<br>{label(metric)}: %{{x:,}}<extra></extra>"
        layout = _layout(
            title,
            yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
            xaxis={"title": {"text": label(metric)}},
        )
    else:
        trace |= {"x": names, "y": values}
        trace["hovertemplate"] = f"%{{x}}<br>{label(metric)}: {EXACT}<extra></extra>"
        layout = _layout(
            title,
            xaxis={"type": "category", "title": {"text": category_label}},
            yaxis={"title": {"text": label(metric)}},
        )
    return {"data": [trace], "layout": layout}


def funnel(stages: list[str], values: list[Any], *, title: str = "") -> dict[str, Any]:
    values = [clean(value) for value in values]
    trace = {
        "type": "funnel",
        "name": "Engagement funnel",
        "y": [label(stage) for stage in stages],
        "x": values,
        "meta": stages,
        "textinfo": "value+percent initial",
        "marker": {"color": PALETTE[: len(stages)]},
        "hovertemplate": "%{y}: %{x:,}<br>%{percentInitial:.1%} of impressions<extra></extra>",
    }
    return {"data": [trace], "layout": _layout(title, margin={"l": 140, "r": 20, "t": 20, "b": 20})}


def pie(names: list[Any], values: list[Any], metric: str, *, title: str = "") -> dict[str, Any]:
    trace = {
        "type": "pie",
        "labels": [str(name) for name in names],
        "values": [clean(value) for value in values],
        "meta": metric,
        "hole": 0.45,
        "sort": False,
        "marker": {"colors": PALETTE},
        "hovertemplate": f"%{{label}}<br>{label(metric)}: %{{value:,}} (%{{percent}})"
        "<extra></extra>",
    }
    return {"data": [trace], "layout": _layout(title)}


TIER_NAMES = ["not viewed", "once", "twice", "more than twice"]


def heat_map(users: list[str], segments: list[int], tiers: list[list[str]]) -> dict[str, Any]:
    """The per-user heat map: one row per user, one column per percentile of the duration,
    coloured by the tier (not viewed, once, twice, more than twice)."""
    z = [[TIER_NAMES.index(tier) if tier in TIER_NAMES else 0 for tier in row] for row in tiers]
    colours = ["#e5e7eb", "#93c5fd", "#2563eb", "#1e3a8a"]
    scale = []
    for index, colour in enumerate(colours):
        scale += [[index / 4, colour], [(index + 1) / 4, colour]]
    trace = {
        "type": "heatmap",
        "x": segments,
        "y": users,
        "z": z,
        "text": tiers,
        "zmin": -0.5,
        "zmax": 3.5,
        "colorscale": scale,
        "xgap": 1,
        "ygap": 2,
        "colorbar": {
            "tickvals": [0, 1, 2, 3],
            "ticktext": TIER_NAMES,
            "title": {"text": "Tier"},
        },
        "hovertemplate": "%{y}<br>percentile %{x}: %{text}<extra></extra>",
    }
    return {
        "data": [trace],
        "layout": _layout(
            "",
            xaxis={"title": {"text": "Percent of the duration"}},
            yaxis={"type": "category", "automargin": True},
        ),
    }
