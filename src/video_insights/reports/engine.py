"""Build and run a report query over the published warehouse.

The SQL is assembled only from the allow-listed names of :mod:`video_insights.reports.catalog`;
every user-supplied value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError
from video_insights.reports import catalog

FACT_TABLE = "fct_daily_entry_viewer_metrics"
ENTRY_DIM = "dim_entries"
MAX_PAGE_SIZE = 10_000


class ReportError(VideoInsightsError):
    """A report request that cannot be answered; the message says which parameter and why."""


@dataclass(frozen=True)
class ReportRequest:
    report_type: str
    partner_id: int
    from_day: date
    to_day: date
    interval: Literal["days", "months"] = "days"
    filters: dict[str, list[str]] = field(default_factory=dict)
    order: str | None = None
    limit: int | None = None
    page: int = 1


@dataclass(frozen=True)
class ReportResult:
    report_type: str
    columns: list[str]
    rows: list[list[Any]]
    totals: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "report_type": self.report_type,
            "columns": self.columns,
            "rows": self.rows,
            "totals": self.totals,
        }


def _report_type(request: ReportRequest) -> catalog.ReportType:
    try:
        return catalog.REPORT_TYPES[request.report_type.upper()]
    except KeyError:
        known = ", ".join(catalog.REPORT_TYPES)
        raise ReportError(f"unknown report type {request.report_type!r} (known: {known})") from None


def _check(request: ReportRequest) -> None:
    if request.to_day < request.from_day:
        raise ReportError(f"--to-day {request.to_day} is before --from-day {request.from_day}")
    if request.interval not in ("days", "months"):
        raise ReportError(f"--interval must be days or months, not {request.interval!r}")
    if request.limit is not None and not 1 <= request.limit <= MAX_PAGE_SIZE:
        raise ReportError(f"--limit must be between 1 and {MAX_PAGE_SIZE}, not {request.limit}")
    if request.page < 1:
        raise ReportError(f"--page must be 1 or more, not {request.page}")
    for name in request.filters:
        if name in catalog.NOT_YET_SUPPORTED:
            raise ReportError(
                f"filter --{name.replace('_', '-')} needs a mart this warehouse does not build yet"
            )
        if name not in catalog.FILTERS:
            raise ReportError(f"unknown filter {name!r}")


def _time_column(request: ReportRequest) -> str:
    return "month" if request.interval == "months" else "date"


def _where(request: ReportRequest) -> tuple[str, list[Any]]:
    clauses = ["facts.partner_id = ?", "facts.report_date between ? and ?"]
    params: list[Any] = [request.partner_id, request.from_day, request.to_day]
    filters = dict(request.filters)
    # Like Kaltura, reports count VOD playback unless the request names playback types.
    filters.setdefault("playback_type_in", ["vod"])
    for name, values in sorted(filters.items()):
        clauses.append(catalog.FILTERS[name])
        params.append([str(value) for value in values])
    return " and ".join(clauses), params


def _measures(metrics: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(select list of additive parts, select list of the report's metrics)."""
    parts = [f"coalesce({sql}, 0) as {name}" for name, sql in catalog.ADDITIVE_PARTS.items()]
    outputs: list[str] = []
    for metric in metrics:
        if metric == "engagement_ranking":
            outputs.append(f"{catalog.ENGAGEMENT_RANKING} as engagement_ranking")
        elif metric in catalog.DERIVED:
            outputs.append(f"{catalog.DERIVED[metric]} as {metric}")
        elif metric in catalog.PLAIN:
            outputs.append(metric)
        else:  # pragma: no cover - the catalog is static
            raise ReportError(f"metric {metric} has no definition")
    return parts, outputs


def _query(
    request: ReportRequest, report: catalog.ReportType, *, totals: bool
) -> tuple[str, list[Any]]:
    where, params = _where(request)
    dims: list[str] = [] if totals else list(report.dimensions)
    metrics = tuple(m for m in report.metrics if not (totals and m == "engagement_ranking"))
    parts, outputs = _measures(metrics)
    # avg_completion_rate is needed by engagement_ranking even when the report does not show it
    helper = ["avg_completion_rate(sum_covered_segments, count_plays) as avg_completion_rate"]

    facts = (
        f"select facts.*, coalesce(entries.entry_name, facts.entry_id) as entry_name "
        f"from {FACT_TABLE} as facts left join {ENTRY_DIM} as entries "
        f"on entries.partner_id = facts.partner_id and entries.entry_id = facts.entry_id "
        f"where {where}"
    )
    if dims == ["time"]:
        time_col = _time_column(request)
        if request.interval == "months":
            period = "date_trunc('month', report_date)::date"
            series = (
                "select unnest(generate_series(date_trunc('month', ?::date), "
                "date_trunc('month', ?::date), interval 1 month))::date as period"
            )
            label = "strftime(periods.period, '%Y-%m')"
        else:
            period = "report_date"
            series = (
                "select unnest(generate_series(?::date, ?::date, interval 1 day))::date as period"
            )
            label = "strftime(periods.period, '%Y-%m-%d')"
        part_names = list(catalog.ADDITIVE_PARTS)
        filled = ", ".join(f"coalesce(grouped.{name}, 0) as {name}" for name in part_names)
        sql = (
            f"with facts as ({facts}), "
            f"grouped as (select {period} as period, {', '.join(parts)} from facts group by all), "
            f"periods as ({series}), "
            f"filled as (select {label} as {time_col}, {filled} from periods "
            f"left join grouped on grouped.period = periods.period), "
            f"measured as (select *, {helper[0]} from filled) "
            f"select {time_col}, {', '.join(outputs)} from measured"
        )
        params = [*params, request.from_day, request.to_day]
        return sql, params
    dim_sql = ", ".join(dims)
    group_select = f"{dim_sql}, " if dims else ""
    sql = (
        f"with facts as ({facts}), "
        f"grouped as (select {group_select}{', '.join(parts)} from facts group by all), "
        f"measured as (select *, {helper[0]} from grouped) "
        f"select {group_select}{', '.join(outputs)} from measured"
    )
    return sql, params


def _order_by(request: ReportRequest, report: catalog.ReportType, columns: list[str]) -> str:
    order = request.order or report.default_order
    descending = order.startswith("-")
    name = order.lstrip("-+")
    if name == "time":
        name = columns[0]
    if name not in columns:
        raise ReportError(
            f"--order {order!r}: {name} is not a column of {report.name} ({', '.join(columns)})"
        )
    keys = [f'"{name}" {"desc" if descending else "asc"}']
    keys += [
        f'"{column}" asc'
        for column in columns
        if column != name
        and not column.startswith(("count_", "sum_", "avg_", "unique_", "load_", "play_", "engage"))
    ]
    return ", ".join(keys)


def _connect(warehouse: WarehousePaths):
    import duckdb

    path = warehouse.published_db
    if not path.exists():
        raise ReportError(
            f"no published warehouse at {path}: run `video-insights nightly` (or the Airflow DAG) "
            "first"
        )
    return duckdb.connect(str(path), read_only=True)


def _rows(cursor) -> tuple[list[str], list[list[Any]]]:
    columns = [description[0] for description in cursor.description]
    return columns, [list(row) for row in cursor.fetchall()]


def run_report(request: ReportRequest, warehouse: WarehousePaths | Path | str) -> ReportResult:
    """Answer one report request from the published warehouse (read-only)."""
    if not isinstance(warehouse, WarehousePaths):
        warehouse = WarehousePaths.at(warehouse)
    report = _report_type(request)
    _check(request)
    with _connect(warehouse) as con:
        sql, params = _query(request, report, totals=False)
        probe = con.execute(f"select * from ({sql}) limit 0", params)
        columns = [description[0] for description in probe.description]
        order = _order_by(request, report, columns)
        paged = f"select * from ({sql}) order by {order}"
        page_params = list(params)
        if request.limit is not None:
            paged += " limit ? offset ?"
            page_params += [request.limit, (request.page - 1) * request.limit]
        columns, rows = _rows(con.execute(paged, page_params))
        total_sql, total_params = _query(request, report, totals=True)
        total_columns, total_rows = _rows(con.execute(total_sql, total_params))
    totals = dict(zip(total_columns, total_rows[0], strict=True)) if total_rows else {}
    return ReportResult(report.name, columns, rows, totals)
