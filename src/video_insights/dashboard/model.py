"""What a page is made of: sections holding KPI cards, charts, tables and drill-down tables.

Pages are built as these plain objects first (:mod:`video_insights.dashboard.pages`) and then
rendered by the Jinja2 templates, so the numbers never pass through a template's arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from video_insights.reports.render import clean

# Human labels of the report columns; any other column shows its own name.
LABELS: dict[str, str] = {
    "count_loads": "Player impressions",
    "count_plays": "Plays",
    "unique_known_users": "Unique viewers",
    "sum_view_period": "Minutes viewed",
    "sum_time_viewed": "Minutes viewed (quartiles)",
    "avg_completion_rate": "Avg. completion rate (%)",
    "total_completion_rate": "Total completion rate (%)",
    "avg_view_drop_off": "Avg. drop-off",
    "load_play_ratio": "Play / impression ratio",
    "count_viral": "Shares",
    "engagement_ranking": "Score",
    "plays_distribution": "Plays distribution",
    "count_plays_25": "Reached 25%",
    "count_plays_50": "Reached 50%",
    "count_plays_75": "Reached 75%",
    "count_plays_100": "Reached 100%",
    "play_through_ratio": "Play-through ratio",
    "count_viewers": "Views",
    "heat_map_tier": "Heat-map tier",
    "unique_played_videos": "Videos played",
    "entry_name": "Entry",
    "entry_id": "Entry id",
    "country_name": "Country",
    "canonical_url": "Page",
    "user_name": "User",
    "count_node_plays": "Node plays",
    "node_avg_completion_rate": "Node avg. completion rate (%)",
    "count_hotspot_clicked": "Hotspot clicks",
    "avg_join_time": "Avg. join time (s)",
    "p50_join_time": "Median join time (s)",
    "p95_join_time": "95th pct join time (s)",
    "avg_buffer_time": "Avg. buffer time ratio",
    "rebuffer_per_minute": "Rebuffers per minute",
    "avg_bitrate": "Avg. bitrate (kbps)",
    "count_errors": "Errors",
    "bandwidth_gb": "Bandwidth (GB)",
    "storage_gb": "Storage (GB)",
    "transcoding_minutes": "Transcoding minutes",
    "bandwidth_share": "Bandwidth share",
    "count_plays_in_category_page": "Plays in category page",
    "count_plays_outside_category_page": "Plays outside category page",
    "category_page_play_ratio": "Category page play ratio",
    "entries_added": "Entries added",
    "unique_videos": "Videos",
}


def label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " ").capitalize())


def display(value: Any) -> str:
    """A table cell: the value the CLI prints (rounded to 6 decimals), with thousands commas."""
    value = clean(value)
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.6f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass
class Kpi:
    """A highlight card: the range's value, the previous period's and the relative change."""

    metric: str
    value: Any
    previous: Any
    change: Any

    @property
    def label(self) -> str:
        return label(self.metric)

    @property
    def shown(self) -> str:
        return display(self.value)

    @property
    def change_shown(self) -> str:
        change = clean(self.change)
        if not isinstance(change, int | float):
            return ""
        return f"{change * 100:+.1f}%"

    @property
    def direction(self) -> str:
        change = clean(self.change) or 0
        return "up" if change > 0 else "down" if change < 0 else "flat"


@dataclass
class Chart:
    """One Plotly figure; ``figure`` is the JSON-ready ``{"data": [...], "layout": {...}}``."""

    id: str
    figure: dict[str, Any]
    height: int = 360


@dataclass
class Table:
    id: str
    columns: list[str]
    rows: list[list[Any]]
    csv_href: str | None = None
    links: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> value -> href
    total_rows: int | None = None  # rows in the CSV when the page shows fewer
    csv_label: str = "Export CSV"

    @property
    def headers(self) -> list[str]:
        return [label(column) for column in self.columns]

    def cells(self) -> list[list[tuple[str, str | None, Any]]]:
        """Each row as (shown text, link or None, raw value for data-value)."""
        out = []
        for row in self.rows:
            cells = []
            for column, value in zip(self.columns, row, strict=True):
                href = self.links.get(column, {}).get(str(value))
                cells.append((display(value), href, clean(value)))
            out.append(cells)
        return out


@dataclass
class Drill:
    """A drill-down: a row of the level above, opening to the table of the level below."""

    title: str
    table: Table
    children: list[Drill] = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    note: str = ""
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    drills: list[Drill] = field(default_factory=list)
    drill_title: str = ""


@dataclass
class Page:
    slug: str  # file name without .html, relative to the partner folder
    kind: str  # overview | entry | category | interactive | qos | usage
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
