"""Build and run a report query over the published warehouse.

The SQL is assembled only from the allow-listed names of :mod:`video_insights.reports.catalog`;
every value a user supplies is a bound parameter.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError
from video_insights.reports import catalog
from video_insights.reports.catalog import (
    DERIVED,
    WINDOW_METRICS,
    Mart,
    ReportType,
    prune_dim_joins,
)

MAX_PAGE_SIZE = 10_000

# Every filter of reports.md, by its CLI/API name (kebab case on the command line).
ALL_FILTERS = (
    "entry_id_in",
    "categories_ids_in",
    "playback_context_ids_in",
    "country_in",
    "region_in",
    "city_in",
    "device_in",
    "os_in",
    "browser_in",
    "domain_in",
    "canonical_url_in",
    "user_ids",
    "playback_type_in",
    "media_type_in",
    "tags_in",
)


# Report types that accept `--dimension` (rows grouped by ONE chosen dimension, e.g. QOE by
# device) register their choices here: report type name -> allowed values. Every other report
# type rejects the option.
DIMENSION_CHOICES: dict[str, tuple[str, ...]] = {}


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
    object_ids: list[str] | None = None
    compare_from_day: date | None = None
    compare_to_day: date | None = None
    dimension: str | None = None  # --dimension: see DIMENSION_CHOICES


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


def report_type_of(request: ReportRequest) -> ReportType:
    types = catalog.report_types()
    try:
        return types[request.report_type.upper()]
    except KeyError:
        known = ", ".join(types)
        raise ReportError(f"unknown report type {request.report_type!r} (known: {known})") from None


def check_request(request: ReportRequest, report: ReportType) -> None:
    if request.to_day < request.from_day:
        raise ReportError(f"--to-day {request.to_day} is before --from-day {request.from_day}")
    if (request.compare_from_day is None) != (request.compare_to_day is None):
        raise ReportError("--compare-from-day and --compare-to-day go together")
    if request.compare_from_day and request.compare_to_day < request.compare_from_day:
        raise ReportError(
            f"--compare-to-day {request.compare_to_day} is before "
            f"--compare-from-day {request.compare_from_day}"
        )
    if request.interval not in ("days", "months"):
        raise ReportError(f"--interval must be days or months, not {request.interval!r}")
    if request.limit is not None and not 1 <= request.limit <= MAX_PAGE_SIZE:
        raise ReportError(f"--limit must be between 1 and {MAX_PAGE_SIZE}, not {request.limit}")
    if request.page < 1:
        raise ReportError(f"--page must be 1 or more, not {request.page}")
    if request.dimension is not None:
        choices = DIMENSION_CHOICES.get(report.name, ())
        if not choices:
            raise ReportError(f"--dimension does not apply to {report.name}")
        if request.dimension not in choices:
            raise ReportError(
                f"--dimension must be one of {', '.join(choices)} for {report.name}, "
                f"not {request.dimension!r}"
            )
    if report.object_ids_required and not request.object_ids:
        raise ReportError(f"{report.name} needs --object-ids")
    for name in request.filters:
        if name not in report.mart.filters:
            if name in ALL_FILTERS:
                raise ReportError(
                    f"filter --{name.replace('_', '-')} does not apply to {report.name}"
                )
            raise ReportError(f"unknown filter {name!r}")


def where_clause(
    request: ReportRequest, mart: Mart, *, from_day: date | None = None, to_day: date | None = None
) -> tuple[str, list[Any]]:
    """Partner, date range and filters of a request as a predicate over ``facts``."""
    clauses = ["facts.partner_id = ?", "facts.report_date between ? and ?"]
    params: list[Any] = [request.partner_id, from_day or request.from_day, to_day or request.to_day]
    filters = {**mart.default_filters, **request.filters}
    for name, values in sorted(filters.items()):
        clauses.append(mart.filters[name])
        params.append([str(value) for value in values])
    return " and ".join(clauses), params


def _resolve_level(
    con: Any, request: ReportRequest, report: ReportType
) -> tuple[int, str | None, list[str]]:
    """Which drill-down level the object ids ask for: the level below the first level whose
    drill column holds one of them (a country -> its regions, a region -> its cities)."""
    if not request.object_ids or len(report.levels) == 1:
        return 0, None, []
    ids = [str(value) for value in request.object_ids]
    for index, level in enumerate(report.levels[:-1]):
        column = report.mart.dimensions[level.drill_column]  # type: ignore[index]
        hit = con.execute(
            prune_dim_joins(
                f"select 1 from {report.mart.source} where facts.partner_id = ? "
                f"and {column} in (select unnest(?)) limit 1"
            ),
            [request.partner_id, ids],
        ).fetchone()
        if hit:
            return index + 1, column, ids
    first = report.mart.dimensions[report.levels[0].drill_column]  # type: ignore[index]
    return 1, first, ids  # unknown ids: the next level, filtered to nothing


def _metric_sql(report: ReportType, totals: bool) -> tuple[list[str], list[str]]:
    """(derived columns for the `measured` step, output expressions)."""
    metrics = [m for m in report.metrics if not (totals and m in catalog.ROW_ONLY_METRICS)]
    needed = {m for m in metrics if m in DERIVED}
    if "engagement_ranking" in metrics:
        needed.add("avg_completion_rate")
    derived = [f"{DERIVED[name]} as {name}" for name in DERIVED if name in needed]
    outputs = []
    for metric in metrics:
        if metric in WINDOW_METRICS:
            outputs.append(f"{WINDOW_METRICS[metric]} as {metric}")
        elif metric in DERIVED or metric in report.mart.parts:
            outputs.append(metric)
        else:
            raise ReportError(f"metric {metric} has no definition in {report.mart.name}")
    return derived, outputs


def generic_query(
    request: ReportRequest,
    report: ReportType,
    *,
    totals: bool,
    level: int = 0,
    drill: tuple[str | None, list[str]] = (None, []),
    from_day: date | None = None,
    to_day: date | None = None,
) -> tuple[str, list[Any]]:
    """Group the mart's filtered rows by the level's dimensions; ratios over the groups."""
    mart = report.mart
    where, params = where_clause(request, mart, from_day=from_day, to_day=to_day)
    drill_column, drill_ids = drill
    if drill_column:
        where += f" and {drill_column} in (select unnest(?))"
        params.append(drill_ids)
    dims = [] if totals else list(report.levels[level].dimensions)
    parts = [f"coalesce({sql}, 0) as {name}" for name, sql in mart.parts.items()]
    derived, outputs = _metric_sql(report, totals)
    measured = "select *" + "".join(f", {column}" for column in derived)

    if report.time_dimension and not totals:
        time_col = "month" if request.interval == "months" else "date"
        first, last = from_day or request.from_day, to_day or request.to_day
        if request.interval == "months":
            period = "date_trunc('month', facts.report_date)::date"
            series = (
                "select unnest(generate_series(date_trunc('month', ?::date), "
                "date_trunc('month', ?::date), interval 1 month))::date as period"
            )
            label = "strftime(periods.period, '%Y-%m')"
        else:
            period = "facts.report_date"
            series = (
                "select unnest(generate_series(?::date, ?::date, interval 1 day))::date as period"
            )
            label = "strftime(periods.period, '%Y-%m-%d')"
        filled = ", ".join(f"coalesce(grouped.{name}, 0) as {name}" for name in mart.parts)
        sql = (
            f"with facts as (select facts.*, {period} as period__ from {mart.source} "
            f"where {where}), "
            f"grouped as (select period__ as period, {', '.join(parts)} from facts group by all), "
            f"periods as ({series}), "
            f"filled as (select {label} as {time_col}, {filled} from periods "
            f"left join grouped on grouped.period = periods.period), "
            f"measured as ({measured} from filled) "
            f"select {time_col}, {', '.join(outputs)} from measured"
        )
        return sql, [*params, first, last]

    dim_exprs = "".join(f", {mart.dimensions[dim]} as dim__{dim}" for dim in dims)
    group_select = "".join(f"dim__{dim} as {dim}, " for dim in dims)
    out_dims = "".join(f"{dim}, " for dim in dims)
    sql = (
        f"with facts as (select facts.*{dim_exprs} from {mart.source} where {where}), "
        f"grouped as (select {group_select}{', '.join(parts)} from facts group by all), "
        f"measured as ({measured} from grouped) "
        f"select {out_dims}{', '.join(outputs)} from measured"
    )
    return sql, params


def _order_by(
    request: ReportRequest, report: ReportType, columns: list[str], dims: list[str]
) -> str:
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
    keys += [f'"{dim}" asc' for dim in dims if dim != name]
    return ", ".join(keys)


def _connect(warehouse: WarehousePaths) -> Any:
    import duckdb

    path = warehouse.published_db
    if not path.exists():
        raise ReportError(
            f"no published warehouse at {path}: run `video-insights nightly` (or the Airflow DAG) "
            "first"
        )
    return duckdb.connect(str(path), read_only=True)


def _fetch(con: Any, sql: str, params: list[Any]) -> tuple[list[str], list[list[Any]]]:
    cursor = con.execute(prune_dim_joins(sql), params)
    columns = [description[0] for description in cursor.description]
    return columns, [list(row) for row in cursor.fetchall()]


_ASIDE: ThreadPoolExecutor | None = None


def _fetch_aside(asides: list[Future], con: Any, sql: str, params: list[Any]) -> Future:
    """``_fetch`` on a cursor of its own (a DuckDB connection serves one thread), in a worker
    thread: a request's totals and compared range run while its rows do (DuckDB releases the
    GIL), so a request costs about its longest query rather than the sum of them."""
    global _ASIDE
    if _ASIDE is None:
        _ASIDE = ThreadPoolExecutor(max_workers=3, thread_name_prefix="report-query")
    # a cursor starts in the instance's default catalog: follow the connection's `use`
    catalog_name, schema = con.execute("select current_database(), current_schema()").fetchone()
    cursor = con.cursor()
    quoted = ".".join('"' + name.replace('"', '""') + '"' for name in (catalog_name, schema))
    cursor.execute(f"use {quoted}")

    def run() -> tuple[list[str], list[list[Any]]]:
        try:
            return _fetch(cursor, sql, params)
        finally:
            cursor.close()

    future = _ASIDE.submit(run)
    asides.append(future)
    return future


# Output columns of each report query's SQL text (values are bound, so the text repeats across
# requests of one shape). Planning the `limit 0` probe cost as much as running a small query;
# a cached entry is checked against the columns the real query returns (``_answer``).
_COLUMNS: dict[str, list[str]] = {}
_COLUMNS_MAX = 1024


def _columns_of(con: Any, sql: str, params: list[Any], *, fresh: bool = False) -> list[str]:
    if not fresh and sql in _COLUMNS:
        return _COLUMNS[sql]
    probe = con.execute(f"select * from ({prune_dim_joins(sql)}) limit 0", params)
    columns = [description[0] for description in probe.description]
    if len(_COLUMNS) >= _COLUMNS_MAX:
        _COLUMNS.clear()
    _COLUMNS[sql] = columns
    return columns


def relative_change(current: Any, previous: Any) -> Any:
    """(current - previous) / previous; 0 when previous is 0 (metrics.md: zero denominators)."""
    if not isinstance(current, int | float) or not isinstance(previous, int | float):
        return None
    return (current - previous) / previous if previous else 0.0


def _period_index(label: Any, start: date) -> Any:
    """Position of a period label ('YYYY-MM-DD' or 'YYYY-MM') counted from the range's start."""
    text = str(label)
    if len(text) == 7:  # a month
        year, month = int(text[:4]), int(text[5:7])
        return (year - start.year) * 12 + month - start.month
    return (date.fromisoformat(text[:10]) - start).days


def _with_comparison(
    columns: list[str],
    rows: list[list[Any]],
    compare_rows: list[list[Any]],
    dims: list[str],
    metrics: list[str],
    periods: tuple[date, date] | None,
) -> tuple[list[str], list[list[Any]]]:
    """Each row gains the compared range's values and the relative change. Rows pair up by their
    dimension values; periods (days, months) pair up by their position in their own range
    (``periods`` = the two range starts), so Monday-Tuesday compares with the previous week's
    Monday-Tuesday."""
    index = {column: n for n, column in enumerate(columns)}

    def key(row: list[Any], start: date | None) -> tuple[Any, ...]:
        values = [row[index[d]] for d in dims]
        if start is not None:
            values[0] = _period_index(values[0], start)
        return tuple(values)

    start, compare_start = periods if periods else (None, None)
    keyed = {key(row, compare_start): row for row in compare_rows}
    new_columns = columns + [f"{m}_compare" for m in metrics] + [f"{m}_change" for m in metrics]
    out = []
    for row in rows:
        other = keyed.get(key(row, start))
        previous = [other[index[m]] if other else 0 for m in metrics]
        changes = [
            relative_change(row[index[m]], prev) for m, prev in zip(metrics, previous, strict=True)
        ]
        out.append(row + previous + changes)
    return new_columns, out


def run_report(
    request: ReportRequest, warehouse: WarehousePaths | Path | str, *, connection: Any = None
) -> ReportResult:
    """Answer one report request from the published warehouse (read-only).

    ``connection``: an open read-only connection to the published file to use instead of opening
    one (the report API keeps one per published night); it is left open.
    """
    if not isinstance(warehouse, WarehousePaths):
        warehouse = WarehousePaths.at(warehouse)
    report = report_type_of(request)
    check_request(request, report)
    if connection is not None:
        return _answer(connection, request, report)
    with _connect(warehouse) as con:
        return _answer(con, request, report)


def _answer(con: Any, request: ReportRequest, report: ReportType) -> ReportResult:
    """The report of one checked request over an open connection."""
    asides: list[Future] = []
    try:
        return _compose(con, request, report, asides)
    finally:
        # a request that fails (a bad --order, say) must not return while its side queries run:
        # their cursors belong to `con`, which the caller closes next ("connection is busy")
        for future in asides:
            future.exception()


def _compose(
    con: Any, request: ReportRequest, report: ReportType, asides: list[Future]
) -> ReportResult:
    level, drill_column, drill_ids = _resolve_level(con, request, report)
    drill = (drill_column, drill_ids)

    def query(totals: bool, from_day: date | None = None, to_day: date | None = None):
        if report.custom is not None:
            ranged = (
                request
                if from_day is None
                else dataclasses.replace(request, from_day=from_day, to_day=to_day)
            )
            return report.custom(ranged, report, totals)
        return generic_query(
            request,
            report,
            totals=totals,
            level=level,
            drill=drill,
            from_day=from_day,
            to_day=to_day,
        )

    compare = request.compare_from_day is not None
    totals_aside = _fetch_aside(asides, con, *query(totals=True))
    compare_totals_aside = (
        _fetch_aside(asides, con, *query(True, request.compare_from_day, request.compare_to_day))
        if compare
        else None
    )
    sql, params = query(totals=False)
    for fresh in (False, True):
        probed = _columns_of(con, sql, params, fresh=fresh)
        metric_names = [m for m in probed if m in report.metrics]
        dims = [c for c in probed if c not in report.metrics]
        order = _order_by(request, report, probed, dims)
        paged, page_params = f"select * from ({sql}) order by {order}", list(params)
        if request.limit is not None:
            paged += " limit ? offset ?"
            page_params += [request.limit, (request.page - 1) * request.limit]
        if compare:
            csql, cparams = query(False, request.compare_from_day, request.compare_to_day)
            compare_sql = f"select * from ({csql}) order by {order}"
            compare_aside = _fetch_aside(asides, con, compare_sql, cparams)
        columns, rows = _fetch(con, paged, page_params)
        if columns == probed:
            break
    total_columns, total_rows = totals_aside.result()
    totals = dict(zip(total_columns, total_rows[0], strict=True)) if total_rows else {}

    if compare:
        _c, compare_rows = compare_aside.result()
        columns_before = columns
        columns, rows = _with_comparison(
            columns,
            rows,
            compare_rows,
            dims,
            metric_names,
            periods=(request.from_day, request.compare_from_day)
            if dims[:1] in (["date"], ["month"])
            else None,
        )
        tcols, trows = compare_totals_aside.result()  # type: ignore[union-attr]
        compare_totals = dict(zip(tcols, trows[0], strict=True)) if trows else {}
        for metric in [m for m in columns_before if m in totals]:
            totals[f"{metric}_compare"] = compare_totals.get(metric, 0)
            totals[f"{metric}_change"] = relative_change(
                totals[metric], compare_totals.get(metric, 0)
            )
    return ReportResult(report.name, columns, rows, totals)
