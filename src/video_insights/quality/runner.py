"""Run the GX suites on a warehouse and turn GX results into :class:`QualityResult`.

``validate_landed`` checks the lake as landed (through ``<warehouse>/tmp/quality/landed.duckdb``,
views over the Parquet files); ``validate_marts`` checks the dbt build DB, opened read-only;
``validate`` runs both and writes one record. Each writes ``<warehouse>/runs/quality-<UTC
timestamp>.json`` and ``quality-latest.json``. A failed check raises nothing:
call :meth:`QualityResult.raise_for_failure`.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from video_insights.config import WarehousePaths
from video_insights.quality import suites as S
from video_insights.quality.result import Check, QualityResult

if TYPE_CHECKING:
    from great_expectations.data_context import FileDataContext

log = logging.getLogger(__name__)

SAMPLE_SIZE = 20  # values kept from GX's partial_unexpected_list
DETAIL_ROWS = 5  # offending rows fetched for a failed query check


def validate(
    warehouse: WarehousePaths | Path | str,
    run_day: date | None = None,
    *,
    data_docs: bool = True,
    scope: str = "night",
) -> QualityResult:
    """Run the ``landed_batch`` and ``marts`` checks; write one record for both.

    ``scope="night"`` (the default): after an incremental build, the checks cover the
    partitions it rebuilt and the files it took in (:mod:`video_insights.quality.scope`); after
    a full build, everything. ``scope="all"``: everything, whatever the last build was.
    ``run_day`` is only recorded. With
    ``data_docs`` (the default, so the nightly run keeps the Data Docs of its last run for the
    dashboards to link) GX Data Docs are rebuilt under ``<warehouse>/runs/data_docs`` (~0.5 s,
    every stored run; unstyled offline).
    """
    return _validate(warehouse, (S.LANDED_GROUP, S.MARTS_GROUP), run_day, data_docs, scope)


def validate_landed(
    warehouse: WarehousePaths | Path | str,
    run_day: date | None = None,
    *,
    data_docs: bool = False,
    scope: str = "night",
) -> QualityResult:
    """The ``landed_batch`` checks on the lake: required fields, codes, manifest counts, no IP."""
    return _validate(warehouse, (S.LANDED_GROUP,), run_day, data_docs, scope)


def validate_marts(
    warehouse: WarehousePaths | Path | str,
    run_day: date | None = None,
    *,
    data_docs: bool = False,
    scope: str = "night",
) -> QualityResult:
    """The ``marts`` checks on the build DB (read-only): reconciliation, bounds, funnels."""
    return _validate(warehouse, (S.MARTS_GROUP,), run_day, data_docs, scope)


def _validate(
    warehouse: WarehousePaths | Path | str,
    groups: tuple[str, ...],
    run_day: date | None,
    data_docs: bool,
    scope: str = "night",
) -> QualityResult:
    from video_insights.quality.scope import prepare_scoped, read_scope

    if scope not in ("night", "all"):
        raise ValueError(f"scope must be 'night' or 'all', not {scope!r}")
    paths = warehouse if isinstance(warehouse, WarehousePaths) else WarehousePaths.at(warehouse)
    night = read_scope(paths) if scope == "night" else None
    started = time.perf_counter()
    marts_db = lake_dir = None
    if night is not None and S.MARTS_GROUP in groups and paths.build_db.exists():
        marts_db, lake_dir = prepare_scoped(paths, night)
    scoping = time.perf_counter() - started
    context = _open(paths, marts_db, lake_dir)
    try:
        # the landed checks stay on the whole lake: a landed file lost since an earlier night
        # must fail the manifest reconciliation (docs/guarantees.md)
        results = [_run_group(context, paths, group) for group in groups]
    finally:
        _release(context)
    results[0].seconds["scope"] = scoping
    result = results[0]
    for more in results[1:]:
        result = result.merge(more)
    return _finish(result, context, paths, run_day, data_docs)


# ---------------------------------------------------------------------------------------------


def _open(
    warehouse: WarehousePaths, marts_db: Path | None = None, lake_dir: Path | None = None
) -> FileDataContext:
    from video_insights.quality.context import open_context

    started = time.perf_counter()
    context = open_context(warehouse, marts_db=marts_db, lake_dir=lake_dir)
    log.debug("GX context opened in %.2fs", time.perf_counter() - started)
    return context


def _release(context: FileDataContext) -> None:
    from video_insights.quality.context import release_connections

    release_connections(context)


def _finish(
    result: QualityResult,
    context: FileDataContext,
    warehouse: WarehousePaths,
    run_day: date | None,
    data_docs: bool,
) -> QualityResult:
    result.warehouse = str(warehouse.root)
    result.run_day = run_day.isoformat() if run_day is not None else None
    if data_docs:
        started = time.perf_counter()
        try:
            sites = context.build_data_docs(site_names=["warehouse_runs"])
            result.data_docs_path = warehouse.runs / "data_docs" / "index.html"
            log.debug("data docs: %s", sites)
        except Exception:  # Data Docs are a convenience; never fail a run on them
            log.warning("building GX Data Docs failed", exc_info=True)
        result.seconds["data_docs"] = time.perf_counter() - started
    result.finished_at = datetime.now(UTC)
    result.write(warehouse.runs)
    level = logging.INFO if result.passed else logging.WARNING
    log.log(level, "%s", result.summary())
    return result


def _run_group(context: FileDataContext, warehouse: WarehousePaths, group: str) -> QualityResult:
    from great_expectations.core.run_identifier import RunIdentifier

    started_at = datetime.now(UTC)
    started = time.perf_counter()
    checks: list[Check] = []
    specs = list(S.specs_of(group))
    if group == S.LANDED_GROUP:
        ready, pre = _prepare_landed(warehouse)
    else:
        ready, pre = _prepare_marts(warehouse)
    checks += pre
    prepared = time.perf_counter()
    run_id = RunIdentifier(
        run_name=f"quality-{group}-{started_at:%Y%m%dT%H%M%SZ}", run_time=started_at
    )
    for spec in specs:
        if spec.table not in ready:
            continue
        definition = context.validation_definitions.get(spec.name)
        try:
            suite_result = definition.run(result_format="SUMMARY", run_id=run_id)
        except Exception as error:  # a broken batch: report it as a failed check, go on
            log.exception("GX validation %s failed to run", spec.name)
            checks.append(
                Check(
                    suite=group,
                    name=f"{spec.table}.validated",
                    success=False,
                    observed=None,
                    expected="the suite runs",
                    unexpected_count=None,
                    message=f"GX could not validate {spec.table}: {error}",
                    table=spec.table,
                    exception=f"{type(error).__name__}: {error}",
                )
            )
            continue
        order = {
            (e.meta or {}).get("check"): i for i, e in enumerate(definition.suite.expectations)
        }
        suite_checks = [_to_check(group, spec, item, context) for item in suite_result.results]
        checks += sorted(suite_checks, key=lambda c: order.get(c.name, len(order)))
    finished = time.perf_counter()
    return QualityResult(
        checks=checks,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        suites=[group],
        seconds={f"{group}.prepare": prepared - started, f"{group}.validate": finished - prepared},
    )


# ---------------------------------------------------------------------------------------------
# Preparing the data


def _prepare_landed(warehouse: WarehousePaths) -> tuple[set[str], list[Check]]:
    from video_insights.quality.context import build_landed_db

    try:
        build_landed_db(warehouse)
    except Exception as error:
        return set(), [
            Check(
                suite=S.LANDED_GROUP,
                name=f"{S.LANDED_BEACONS}.readable",
                success=False,
                observed=None,
                expected="the lake's Parquet files are readable",
                unexpected_count=None,
                message=f"cannot read the lake: {error}",
                table=S.LANDED_BEACONS,
                exception=f"{type(error).__name__}: {error}",
            )
        ]
    return {S.LANDED_BEACONS, S.LANDED_QUARANTINE}, []


def _prepare_marts(warehouse: WarehousePaths) -> tuple[set[str], list[Check]]:
    """Check the build DB opens read-only and has the tables and columns the checks read."""
    import duckdb

    group = S.MARTS_GROUP
    path = warehouse.build_db
    if not path.exists():
        return set(), [
            Check(
                suite=group,
                name="build_db.present",
                success=False,
                observed=None,
                expected=str(path),
                unexpected_count=None,
                message=f"no build DB at {path} (has dbt build run?)",
            )
        ]
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            rows = con.execute(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = current_schema()"
            ).fetchall()
        finally:
            con.close()
    except Exception as error:
        return set(), [
            Check(
                suite=group,
                name="build_db.readable",
                success=False,
                observed=None,
                expected="opens read-only",
                unexpected_count=None,
                message=f"cannot open {path} read-only: {error}",
                exception=f"{type(error).__name__}: {error}",
            )
        ]
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    ready: set[str] = set()
    checks: list[Check] = []
    for table, relied in S.RELIED_COLUMNS.items():
        present = columns.get(table)
        missing = sorted(set(relied) - present) if present is not None else None
        ok = present is not None and not missing
        if ok:
            ready.add(table)
            message = f"{table}: all {len(relied)} columns the checks read are present"
        elif present is None:
            message = f"table {table} is missing from the build DB"
        else:
            message = f"{table} lacks column(s) {', '.join(missing or [])}"
        checks.append(
            Check(
                suite=group,
                name=f"{table}.columns_present",
                success=ok,
                observed="table missing" if present is None else (missing or []),
                expected=f"columns {', '.join(relied)}",
                unexpected_count=None if ok else (len(relied) if missing is None else len(missing)),
                message=message,
                table=table,
            )
        )
    return ready, checks


# ---------------------------------------------------------------------------------------------
# GX result -> Check


def _to_check(group: str, spec: S.SuiteSpec, item: Any, context: FileDataContext) -> Check:
    config = item.expectation_config
    meta = dict(config.meta or {})
    kind = config.type
    result = dict(item.result or {})
    name = meta.get("check") or f"{spec.table}.{kind}"
    expected = meta.get("expected", "")
    exception = _exception_message(item.exception_info)
    success = bool(item.success) and exception is None

    unexpected_count = result.get("unexpected_count")
    fields: dict[str, Any] = {
        "unexpected_count": unexpected_count,
        "element_count": result.get("element_count"),
        "table": spec.table,
    }
    if kind == "unexpected_rows_expectation":
        observed_rows = result.get("observed_value")
        unexpected_count = observed_rows if isinstance(observed_rows, int) else None
        fields["unexpected_count"] = unexpected_count
        rows: list[dict[str, Any]] = []
        if not success and exception is None and unexpected_count:
            rows = _fetch_rows(context, spec, config.kwargs["unexpected_rows_query"])
        observed: Any = rows
        if rows:
            fields.update(rows[0])
            fields["row"] = _row_text(rows[0])
            fields["columns"] = ", ".join(str(r.get("column_name")) for r in rows)
    elif kind == "expect_column_values_to_not_be_null":
        observed = unexpected_count
    else:
        sample = _sample(result.get("partial_unexpected_list") or [])
        observed = sample
        fields["sample"] = ", ".join(_value_text(v) for v in sample[:5])

    if exception is not None:
        message = f"{meta.get('title', name)}: could not be evaluated: {exception}"
    elif success:
        message = f"{meta.get('title', name)}: ok ({expected})"
    else:
        message = _format(meta.get("message") or f"{name} failed", fields)
    return Check(
        suite=group,
        name=name,
        success=success,
        observed=_jsonable(observed),
        expected=expected,
        unexpected_count=unexpected_count,
        message=message,
        table=spec.table,
        expectation_type=kind,
        exception=exception,
    )


def _exception_message(info: Any) -> str | None:
    if not info:
        return None
    infos = [info] if "raised_exception" in info else list(info.values())
    for entry in infos:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message") or "exception")
    return None


def _fetch_rows(context: FileDataContext, spec: S.SuiteSpec, query: str) -> list[dict[str, Any]]:
    """The first offending rows of a failed query check (GX's SUMMARY omits them)."""
    import sqlalchemy as sa

    sql = f"select * from ({query.format(batch=spec.table)}) as offending limit {DETAIL_ROWS}"
    try:
        engine = context.data_sources.get(spec.datasource).get_execution_engine()
        rows = engine.execute_query(sa.text(sql)).fetchall()
    except Exception:
        log.warning("could not fetch the offending rows of %s", spec.name, exc_info=True)
        return []
    return [dict(row._asdict()) for row in rows]


def _sample(values: list[Any]) -> list[Any]:
    """Distinct values of GX's partial_unexpected_list, in order, at most SAMPLE_SIZE."""
    seen: list[Any] = []
    for value in values:
        value = list(value) if isinstance(value, tuple) else value
        if value not in seen:
            seen.append(value)
        if len(seen) >= SAMPLE_SIZE:
            break
    return seen


def _value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_value_text(v) for v in value) + ")"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _row_text(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={_value_text(v)}" for k, v in row.items()) + "}"


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _format(template: str, fields: dict[str, Any]) -> str:
    shown = _Fields({k: (_value_text(v) if v is not None else "NULL") for k, v in fields.items()})
    try:
        return template.format_map(shown)
    except (ValueError, IndexError):
        return template


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "nan", "inf": JSON has no NaN
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    try:
        return float(value) if hasattr(value, "__float__") else str(value)
    except (TypeError, ValueError):
        return str(value)
