"""The report catalog: marts, metrics and report types (reports.md), as data.

* A :class:`Mart` is a published fact table with additive parts, the dimensions it can group by
  and the filters it can apply (each a SQL predicate with ONE bound list parameter).
* :data:`DERIVED` holds every ratio and score as a call of the DuckDB macros that dbt creates
  from ``dbt_project/macros/metric_formulas.sql``: one place for each formula, used by the
  ``rpt_`` tables and by every report request alike.
* A :class:`ReportType` names a mart, its drill-down levels (the dimension columns of each level
  and the column an ``--object-ids`` value of that level filters on) and its metrics. Report types
  whose rows are not a plain group-by (views over segments, percentiles, peaks) give a ``custom``
  builder instead; the engine still orders, pages, totals and compares their results.

Report types register themselves from the modules of :mod:`video_insights.reports.types`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from video_insights.reports.engine import ReportRequest


# Every dimension join a mart's source makes, by its SQL text -> the alias it binds. Each is a
# LEFT join on the dimension's whole primary key (tested unique by dbt), so it never adds or drops
# a fact row: a query reading none of the alias's columns gives the same answer without it, and
# the engine leaves such joins out (see ``prune_dim_joins``).
DIM_JOINS: dict[str, str] = {}


def dim_join(table: str, alias: str, keys: dict[str, str]) -> str:
    """``left join <table> as <alias> on ...`` on the dimension's primary key; ``keys`` maps each
    key column of the dimension to the fact expression it equals."""
    condition = " and ".join(f"{alias}.{column} = {fact}" for column, fact in keys.items())
    sql = f"left join {table} as {alias} on {condition}"
    DIM_JOINS[sql] = alias
    return sql


def entries_join(entry_column: str = "facts.entry_id") -> str:
    """dim_entries is keyed by (partner_id, entry_id)."""
    return dim_join(
        "dim_entries", "entries", {"partner_id": "facts.partner_id", "entry_id": entry_column}
    )


def prune_dim_joins(sql: str) -> str:
    """``sql`` without the dimension joins (:data:`DIM_JOINS`) whose alias nothing else reads.

    A report over the viewer facts with no entry filter or entry column need not hash-join
    dim_entries at all: at a year of marts that join was half of a HIGHLIGHTS request's time."""
    for join, alias in DIM_JOINS.items():
        if join in sql and not re.search(rf"\b{alias}\.", sql.replace(join, "")):
            sql = sql.replace(f" {join}", "").replace(join, "")
    return sql


@dataclass(frozen=True)
class Mart:
    """A fact table a report reads, with the SQL names the engine may use on it.

    ``source`` is a FROM clause whose rows carry ``partner_id`` and ``report_date`` (aliased
    ``facts``), ``parts`` the additive aggregates, ``dimensions`` output column -> SQL
    expression, ``filters`` filter name -> predicate with one ``?`` (a list of strings).
    """

    name: str
    source: str
    parts: dict[str, str]
    dimensions: dict[str, str]
    filters: dict[str, str]
    default_filters: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Level:
    """One drill-down level: the columns of its rows, and the column that a value of this level
    (given as ``--object-ids``) filters on when drilling into the next level."""

    dimensions: tuple[str, ...]
    drill_column: str | None = None


Builder = Callable[["ReportRequest", "ReportType", bool], tuple[str, list[Any]]]


@dataclass(frozen=True)
class ReportType:
    name: str
    description: str
    mart: Mart
    metrics: tuple[str, ...]
    levels: tuple[Level, ...] = (Level(()),)
    default_order: str = "-count_plays"
    time_dimension: bool = False  # rows are days or months (--interval), every period present
    custom: Builder | None = None  # (request, report, totals) -> (sql, params)
    object_ids_required: bool = False


# Ratios and scores over additive parts (names of metrics.md); DuckDB macros of
# metric_formulas.sql. Window metrics (over the rows of one result) are in WINDOW_METRICS.
DERIVED: dict[str, str] = {
    "load_play_ratio": "load_play_ratio(count_plays, count_loads)",
    "play_through_ratio": "play_through_ratio(count_plays_100, count_plays)",
    "avg_view_drop_off": (
        "avg_view_drop_off(count_plays_25, count_plays_50, count_plays_75, count_plays_100,"
        " count_plays)"
    ),
    "sum_view_period": "sum_view_period(sum_view_period_secs)",
    "avg_view_period_time": "avg_view_period_time(sum_view_period_secs, count_plays)",
    "sum_time_viewed": "sum_time_viewed(sum_time_viewed_secs)",
    "avg_time_viewed": "avg_time_viewed(sum_time_viewed_secs, count_plays)",
    "avg_completion_rate": "avg_completion_rate(sum_covered_segments, count_plays)",
}

WINDOW_METRICS: dict[str, str] = {
    # engagement_ranking: the maxima over the entries of the same result (metrics.md)
    "engagement_ranking": (
        "engagement_ranking(count_plays, max(count_plays) over (), unique_known_users,"
        " max(unique_known_users) over (), avg_completion_rate)"
    ),
    "plays_distribution": "plays_distribution(count_plays, sum(count_plays) over ())",
}

# Metrics that are not meaningful on a totals row (they compare rows of one result).
ROW_ONLY_METRICS = frozenset({"engagement_ranking"})

REPORT_TYPES: dict[str, ReportType] = {}


def register(*report_types: ReportType) -> None:
    for report_type in report_types:
        if report_type.name in REPORT_TYPES:
            raise ValueError(f"report type {report_type.name} registered twice")
        REPORT_TYPES[report_type.name] = report_type


def report_types() -> dict[str, ReportType]:
    """Every registered report type (importing the type modules registers them)."""
    import video_insights.reports.types  # noqa: F401  (registers on import)

    return REPORT_TYPES
