"""The pages: which reports each panel asks the report engine for, and how it shows them.

A page's figures come only from :func:`video_insights.reports.engine.run_report` over the
published warehouse; every table is also written as CSV beside the pages (the export link).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.dashboard import figures
from video_insights.dashboard.model import Chart, Drill, Kpi, Page, Section, Table
from video_insights.reports.engine import ReportRequest, ReportResult, run_report
from video_insights.reports.render import to_csv
from video_insights.reports.types.core import HIGHLIGHT_METRICS as CORE_HIGHLIGHT_METRICS

# The HIGHLIGHTS report's metrics, in its order: the report type owns the list.
HIGHLIGHT_METRICS = list(CORE_HIGHLIGHT_METRICS)
FUNNEL = [
    "count_loads",
    "count_plays",
    "count_plays_25",
    "count_plays_50",
    "count_plays_75",
    "count_plays_100",
]
TOP = 10  # rows a top-N chart and table show (the CSV has every row)
DRILL_TOP = 5  # countries / devices / domains opened for drill-down


def previous_period(from_day: date, to_day: date) -> tuple[date, date]:
    """The period of the same length just before the range (the highlights' comparison)."""
    length = (to_day - from_day).days + 1
    return from_day - timedelta(days=length), from_day - timedelta(days=1)


@dataclass
class PageBuilder:
    """Runs a page's report requests and writes their CSV exports into ``csv_dir``."""

    warehouse: WarehousePaths
    partner_id: int
    from_day: date
    to_day: date
    slug: str
    csv_dir: Path
    csv_href: str = "csv"
    filters: dict[str, list[str]] = field(default_factory=dict)
    entry_links: dict[str, str] = field(default_factory=dict)

    @property
    def interval(self) -> str:
        return "months" if (self.to_day - self.from_day).days > 92 else "days"

    def run(
        self,
        key: str,
        report_type: str,
        *,
        filters: dict[str, list[str]] | None = None,
        compare: bool = False,
        **options: Any,
    ) -> tuple[ReportResult, str]:
        """Run one report; write its CSV; return the result and the CSV's link."""
        compare_from, compare_to = previous_period(self.from_day, self.to_day)
        request = ReportRequest(
            report_type,
            self.partner_id,
            self.from_day,
            self.to_day,
            filters={**self.filters, **(filters or {})},
            compare_from_day=compare_from if compare else None,
            compare_to_day=compare_to if compare else None,
            **options,
        )
        result = run_report(request, self.warehouse)
        name = f"{self.slug}-{key}.csv"
        self.csv_dir.mkdir(parents=True, exist_ok=True)
        (self.csv_dir / name).write_text(to_csv(result), encoding="utf-8")
        return result, f"{self.csv_href}/{name}"

    def table(
        self,
        key: str,
        result: ReportResult,
        href: str,
        columns: list[str] | None = None,
        limit: int | None = TOP,
    ) -> Table:
        columns = [c for c in columns if c in result.columns] if columns else result.columns
        index = [result.columns.index(column) for column in columns]
        rows = [[row[i] for i in index] for row in result.rows]
        links = {}
        if self.entry_links and "entry_name" in columns and "entry_id" in result.columns:
            entry_index = result.columns.index("entry_id")
            name_index = result.columns.index("entry_name")
            links["entry_name"] = {
                str(row[name_index]): self.entry_links[str(row[entry_index])]
                for row in result.rows
                if str(row[entry_index]) in self.entry_links
            }
        shown = rows[:limit] if limit else rows
        return Table(f"{self.slug}-{key}", columns, shown, href, links, len(rows))

    # --- panels shared by several pages ----------------------------------------------------

    def highlights(self, report_type: str = "HIGHLIGHTS", **options: Any) -> Section:
        result, href = self.run("highlights", report_type, compare=True, **options)
        own = [m for m in result.totals if not m.endswith(("_compare", "_change"))]
        metrics = [m for m in HIGHLIGHT_METRICS if m in own]
        metrics += [m for m in own if m not in metrics]  # e.g. a category's contributors
        compare_from, compare_to = previous_period(self.from_day, self.to_day)
        kpis = [
            Kpi(
                metric,
                result.totals.get(metric),
                result.totals.get(f"{metric}_compare"),
                result.totals.get(f"{metric}_change"),
            )
            for metric in metrics
        ]
        section = Section(
            "highlights",
            "Highlights",
            note=f"{self.from_day} to {self.to_day}, compared with {compare_from} to {compare_to}",
            kpis=kpis,
        )
        if result.rows and len(result.rows) > 1:
            section.tables.append(self.table("highlights", result, href))
        else:
            section.tables.append(Table(f"{self.slug}-highlights", [], [], href))
        return section

    def performance(self) -> Section:
        result, href = self.run("performance", "PERFORMANCE_OVER_TIME", interval=self.interval)
        time_column = result.columns[0]
        chart = figures.lines(result.columns, result.rows, time_column, HIGHLIGHT_METRICS)
        return Section(
            "performance",
            "Performance over time",
            note="Click a legend entry to show or hide a metric; hover for exact values.",
            charts=[Chart(f"{self.slug}-performance", chart)],
            tables=[self.table("performance", result, href, limit=None)],
        )

    def funnel(self) -> Section:
        result, href = self.run("funnel", "CONTENT_DROPOFF", order="-count_plays")
        values = [result.totals.get(stage, 0) for stage in FUNNEL]
        return Section(
            "funnel",
            "Engagement funnel",
            note="From player impressions to plays reaching 25, 50, 75 and 100% of the video.",
            charts=[Chart(f"{self.slug}-funnel", figures.funnel(FUNNEL, values), 320)],
            tables=[self.table("funnel", result, href, ["entry_name", *FUNNEL])],
        )

    def top_videos(self) -> Section:
        result, href = self.run("top-videos", "TOP_CONTENT", order="-engagement_ranking")
        rows = result.rows[:TOP]
        names = figures.column(rows, result.columns, "entry_name")
        plays = figures.column(rows, result.columns, "count_plays")
        return Section(
            "top-videos",
            "Top videos",
            note="Ranked by engagement score (plays, unique viewers and completion).",
            charts=[
                Chart(
                    f"{self.slug}-top-videos",
                    figures.bars(names, plays, "count_plays", horizontal=True),
                    max(220, 40 * len(rows) + 80),
                )
            ],
            tables=[self.table("top-videos", result, href)],
        )

    def _drill(
        self,
        key: str,
        report_type: str,
        parents: list[list[Any]],
        parent_columns: list[str],
        id_column: str,
        title: Callable[[list[Any]], str],
        child_columns: list[str],
    ) -> tuple[list[Drill], ReportResult | None]:
        """One drill-down level: the child rows of the first parents, in one request."""
        ids = [str(row[parent_columns.index(id_column)]) for row in parents[:DRILL_TOP]]
        if not ids:
            return [], None
        result, href = self.run(key, report_type, object_ids=ids, order="-count_plays")
        drills = []
        for parent in parents[:DRILL_TOP]:
            parent_id = parent[parent_columns.index(id_column)]
            mine = [row for row in result.rows if row[result.columns.index(id_column)] == parent_id]
            sub = ReportResult(result.report_type, result.columns, mine, {})
            drills.append(Drill(title(parent), self.table(key, sub, href, child_columns)))
        return drills, result

    def countries(self) -> Section:
        metrics = [
            "count_plays",
            "plays_distribution",
            "count_loads",
            "unique_known_users",
            "avg_completion_rate",
        ]
        result, href = self.run("countries", "MAP_OVERLAY", order="-count_plays")
        rows = result.rows[:TOP]
        chart = figures.bars(
            figures.column(rows, result.columns, "country_name"),
            figures.column(rows, result.columns, "count_plays"),
            "count_plays",
            horizontal=True,
        )
        drills, regions = self._drill(
            "regions",
            "MAP_OVERLAY",
            result.rows,
            result.columns,
            "country",
            lambda row: str(row[result.columns.index("country_name")]),
            ["region", *metrics],
        )
        if regions is not None and regions.rows:
            plays = regions.columns.index("count_plays")
            region_col = regions.columns.index("region")
            # the engine reads object ids level by level: a region spelt like a country id
            # (``Unknown``) would ask for regions again, so such regions are not drilled into
            countries = {str(row[result.columns.index("country")]) for row in result.rows}
            region_rows = sorted(
                (row for row in regions.rows if str(row[region_col]) not in countries),
                key=lambda row: -row[plays],
            )
            cities, _ = self._drill(
                "cities",
                "MAP_OVERLAY",
                region_rows,
                regions.columns,
                "region",
                lambda row: str(row[regions.columns.index("region")]),
                ["city", *metrics],
            )
            by_title = {drill.title: drill for drill in cities}
            for drill in drills:
                for row in drill.table.rows:
                    child = by_title.get(str(row[0]))
                    if child is not None:
                        drill.children.append(child)
        return Section(
            "countries",
            "Top countries",
            note="Plays by country; open a country for its regions, a region for its cities.",
            charts=[Chart(f"{self.slug}-countries", chart, max(220, 40 * len(rows) + 80))],
            tables=[self.table("countries", result, href, ["country", "country_name", *metrics])],
            drills=drills,
            drill_title="Regions and cities",
        )

    def devices(self) -> Section:
        result, href = self.run("devices", "PLATFORMS", order="-count_plays")
        chart = figures.pie(
            figures.column(result.rows, result.columns, "device"),
            figures.column(result.rows, result.columns, "count_plays"),
            "count_plays",
        )
        drills, _ = self._drill(
            "operating-systems",
            "PLATFORMS",
            result.rows,
            result.columns,
            "device",
            lambda row: str(row[0]),
            ["os", "count_plays", "plays_distribution", "sum_view_period", "avg_completion_rate"],
        )
        return Section(
            "devices",
            "Devices overview",
            note="Plays by device type; open a device for its operating systems.",
            charts=[Chart(f"{self.slug}-devices", chart, 320)],
            tables=[self.table("devices", result, href)],
            drills=drills,
            drill_title="Operating systems",
        )

    def domains(self) -> Section:
        result, href = self.run("domains", "TOP_SYNDICATION", order="-count_plays")
        rows = result.rows[:TOP]
        chart = figures.bars(
            figures.column(rows, result.columns, "domain"),
            figures.column(rows, result.columns, "count_plays"),
            "count_plays",
            horizontal=True,
        )
        drills, _ = self._drill(
            "pages",
            "TOP_SYNDICATION",
            result.rows,
            result.columns,
            "domain",
            lambda row: str(row[0]),
            ["canonical_url", "count_loads", "count_plays", "load_play_ratio", "sum_view_period"],
        )
        return Section(
            "domains",
            "Top domains",
            note="Where the player was embedded; open a domain for its pages.",
            charts=[Chart(f"{self.slug}-domains", chart, max(220, 40 * len(rows) + 80))],
            tables=[self.table("domains", result, href)],
            drills=drills,
            drill_title="Pages",
        )

    def viewers(self) -> Section:
        result, href = self.run("viewers", "USER_ENGAGEMENT", order="-count_plays")
        return Section(
            "viewers",
            "Top viewers",
            note="All anonymous viewers are the one viewer Unknown.",
            tables=[self.table("viewers", result, href)],
        )


# --- the pages --------------------------------------------------------------------------------


def overview_page(builder: PageBuilder, partner_name: str) -> Page:
    page = Page(builder.slug, "overview", f"{partner_name}: overview", _period(builder))
    page.sections = [
        builder.highlights(),
        builder.performance(),
        builder.funnel(),
        builder.top_videos(),
        builder.countries(),
        builder.devices(),
        builder.domains(),
        builder.viewers(),
    ]
    return page


def entry_page(builder: PageBuilder, entry_id: str, entry_name: str) -> Page:
    builder.filters = {**builder.filters, "entry_id_in": [entry_id]}
    page = Page(builder.slug, "entry", f"{entry_name}", f"Entry {entry_id} · {_period(builder)}")
    page.sections = [
        builder.highlights(),
        _views_over_duration(builder, entry_id),
        _heat_map(builder, entry_id),
        builder.performance(),
        builder.funnel(),
        builder.countries(),
        builder.devices(),
        builder.domains(),
    ]
    return page


def _views_over_duration(builder: PageBuilder, entry_id: str) -> Section:
    result, href = builder.run("views-over-duration", "PERCENTILES", object_ids=[entry_id])
    chart = figures.lines(
        result.columns, result.rows, "segment", ["count_viewers", "unique_known_users"]
    )
    chart["layout"]["xaxis"]["title"]["text"] = "Percent of the duration"
    return Section(
        "views-over-duration",
        "Views over the duration",
        note="Views of each percentile of the video: where viewers lost interest.",
        charts=[Chart(f"{builder.slug}-views-over-duration", chart)],
        tables=[
            Table(f"{builder.slug}-views-over-duration", [], [], href, csv_label="Export views CSV")
        ],
    )


def _heat_map(builder: PageBuilder, entry_id: str) -> Section:
    users, users_href = builder.run(
        "user-engagement", "USER_ENGAGEMENT", order="-count_plays", limit=TOP
    )
    user_ids = [str(row[users.columns.index("user_id")]) for row in users.rows]
    section = Section(
        "heat-map",
        "Engagement per user",
        note="Each viewer's heat map over the duration: not viewed, once, twice, more.",
        tables=[builder.table("user-engagement", users, users_href)],
    )
    if not user_ids:
        return section
    result, href = builder.run(
        "heat-map",
        "PERCENTILES",
        object_ids=[entry_id],
        filters={"user_ids": user_ids},
        limit=10_000,
    )
    names = {
        str(row[users.columns.index("user_id")]): str(row[users.columns.index("user_name")])
        for row in users.rows
    }
    user_col, seg_col = result.columns.index("user_id"), result.columns.index("segment")
    tier_col = result.columns.index("heat_map_tier")
    segments = sorted({row[seg_col] for row in result.rows})
    tiers = {(str(row[user_col]), row[seg_col]): row[tier_col] for row in result.rows}
    matrix = [[tiers.get((user, seg), "not viewed") for seg in segments] for user in user_ids]
    labels = [names.get(user, user) for user in user_ids]
    section.charts.append(
        Chart(
            f"{builder.slug}-heat-map",
            figures.heat_map(labels, segments, matrix),
            max(200, 36 * len(user_ids) + 100),
        )
    )
    section.tables.append(
        Table(f"{builder.slug}-heat-map", [], [], href, csv_label="Export heat-map CSV")
    )
    return section


def category_page(builder: PageBuilder, category_id: str, category_name: str) -> Page:
    page = Page(
        builder.slug, "category", category_name, f"Category {category_id} · {_period(builder)}"
    )
    highlights = builder.highlights("CATEGORY_HIGHLIGHTS", object_ids=[category_id])
    sub, sub_href = builder.run(
        "sub-categories", "SUB_CATEGORIES", object_ids=[category_id], order="-count_plays"
    )
    contributors, contributors_href = builder.run(
        "contributors", "TOP_CONTRIBUTORS", filters={"categories_ids_in": [category_id]}
    )
    builder.filters = {**builder.filters, "categories_ids_in": [category_id]}
    page.sections = [
        highlights,
        builder.performance(),
        Section(
            "sub-categories",
            "Sub-categories",
            charts=[
                Chart(
                    f"{builder.slug}-sub-categories",
                    figures.bars(
                        figures.column(sub.rows, sub.columns, "category_name"),
                        figures.column(sub.rows, sub.columns, "count_plays"),
                        "count_plays",
                    ),
                    300,
                )
            ],
            tables=[builder.table("sub-categories", sub, sub_href)],
        ),
        builder.top_videos(),
        Section(
            "contributors",
            "Top contributors",
            tables=[builder.table("contributors", contributors, contributors_href)],
        ),
        builder.countries(),
        builder.devices(),
        builder.domains(),
    ]
    return page


def interactive_page(builder: PageBuilder, root_entry_id: str | None = None) -> Page:
    scope = f"Interactive video {root_entry_id}" if root_entry_id else "Every interactive video"
    page = Page(builder.slug, "interactive", "Interactive videos", f"{scope} · {_period(builder)}")
    options: dict[str, Any] = {"object_ids": [root_entry_id]} if root_entry_id else {}
    nodes, nodes_href = builder.run("nodes", "INTERACTIVE_NODES", **options)
    hotspots, hotspots_href = builder.run("hotspots", "INTERACTIVE_HOTSPOTS", **options)
    page.sections = [
        Section(
            "nodes",
            "Videos overview (nodes)",
            note="Each video node of the branching experience.",
            charts=[
                Chart(
                    f"{builder.slug}-nodes",
                    figures.bars(
                        figures.column(nodes.rows, nodes.columns, "node_name"),
                        figures.column(nodes.rows, nodes.columns, "count_node_plays"),
                        "count_node_plays",
                    ),
                    300,
                )
            ],
            tables=[builder.table("nodes", nodes, nodes_href, limit=None)],
        ),
        Section(
            "hotspots",
            "Hotspots",
            note="Clicks per hotspot and where it leads (another node or a link).",
            charts=[
                Chart(
                    f"{builder.slug}-hotspots",
                    figures.bars(
                        figures.column(hotspots.rows, hotspots.columns, "hotspot_name"),
                        figures.column(hotspots.rows, hotspots.columns, "count_hotspot_clicked"),
                        "count_hotspot_clicked",
                        horizontal=True,
                    ),
                    max(220, 40 * len(hotspots.rows) + 80),
                )
            ],
            tables=[builder.table("hotspots", hotspots, hotspots_href, limit=None)],
        ),
    ]
    return page


QOE_LINES = ["avg_join_time", "rebuffer_per_minute", "avg_bitrate", "count_errors"]


def qos_page(builder: PageBuilder) -> Page:
    page = Page(builder.slug, "qos", "Quality of service", _period(builder))
    totals, totals_href = builder.run("qos", "QOE", compare=True)
    by_day, day_href = builder.run("qos-by-day", "QOE", dimension="day", order="date")
    sections = [
        Section(
            "qos-highlights",
            "QoS highlights",
            kpis=[
                Kpi(
                    m,
                    totals.totals.get(m),
                    totals.totals.get(f"{m}_compare"),
                    totals.totals.get(f"{m}_change"),
                )
                for m in [
                    "count_plays",
                    "avg_join_time",
                    "p95_join_time",
                    "avg_buffer_time",
                    "rebuffer_per_minute",
                    "avg_bitrate",
                    "count_errors",
                ]
                if m in totals.totals
            ],
            tables=[Table(f"{builder.slug}-qos", [], [], totals_href)],
        ),
        Section(
            "qos-over-time",
            "QoS over time",
            charts=[
                Chart(
                    f"{builder.slug}-qos-over-time",
                    figures.lines(by_day.columns, by_day.rows, "date", QOE_LINES, visible=2),
                )
            ],
            tables=[builder.table("qos-by-day", by_day, day_href, limit=None)],
        ),
    ]
    for dimension, name_column in (
        ("device", "device"),
        ("country", "country_name"),
        ("browser", "browser"),
    ):
        result, href = builder.run(
            f"qos-by-{dimension}", "QOE", dimension=dimension, order="-count_plays"
        )
        rows = result.rows[:TOP]
        sections.append(
            Section(
                f"qos-by-{dimension}",
                f"QoS by {dimension}",
                charts=[
                    Chart(
                        f"{builder.slug}-qos-by-{dimension}",
                        figures.bars(
                            figures.column(rows, result.columns, name_column),
                            figures.column(rows, result.columns, "avg_join_time"),
                            "avg_join_time",
                        ),
                        300,
                    )
                ],
                tables=[builder.table(f"qos-by-{dimension}", result, href)],
            )
        )
    page.sections = sections
    return page


def usage_page(builder: PageBuilder) -> Page:
    page = Page(builder.slug, "usage", "Usage", _period(builder))
    usage, usage_href = builder.run("usage", "USAGE", interval="months")
    chargeback, chargeback_href = builder.run("usage-by-category", "USAGE_BY_CATEGORY")
    page.sections = [
        Section(
            "usage",
            "Usage and allowance",
            charts=[
                Chart(
                    f"{builder.slug}-usage",
                    figures.lines(
                        usage.columns,
                        usage.rows,
                        usage.columns[0],
                        ["bandwidth_gb", "storage_gb", "transcoding_minutes", "sum_view_period"],
                        visible=2,
                    ),
                )
            ],
            tables=[builder.table("usage", usage, usage_href, limit=None)],
        ),
        Section(
            "usage-by-category",
            "Chargeback by category",
            charts=[
                Chart(
                    f"{builder.slug}-usage-by-category",
                    figures.pie(
                        figures.column(chargeback.rows, chargeback.columns, "category_name"),
                        figures.column(chargeback.rows, chargeback.columns, "bandwidth_gb"),
                        "bandwidth_gb",
                    ),
                    320,
                )
            ],
            tables=[builder.table("usage-by-category", chargeback, chargeback_href)],
        ),
    ]
    return page


def _period(builder: PageBuilder) -> str:
    return f"{builder.from_day} to {builder.to_day}"
