"""The nightly run: land, build, validate, publish.

Each step is a function of explicit arguments (paths and the run's data interval), so the Airflow
DAG (``dags/video_insights_nightly.py``) and ``video-insights nightly`` run the very same code.
Every step is idempotent: landing skips files already in the manifest, the dbt build rebuilds
from the landed files, validation only reads, and publishing swaps in a copy of the build.
A step returns a small JSON-able dict of what it did (Airflow keeps it as the task's XCom).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.errors import VideoInsightsError
from video_insights.log import log_event

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def run_day_of(interval_start: datetime | date) -> date:
    """The day a run processes: the start of its data interval (UTC)."""
    if isinstance(interval_start, datetime):
        if interval_start.tzinfo is not None:
            interval_start = interval_start.astimezone(UTC)
        return interval_start.date()
    return interval_start


def _record(warehouse: WarehousePaths, run_day: date, step: str, payload: dict[str, Any]) -> None:
    warehouse.runs.mkdir(parents=True, exist_ok=True)
    record = {
        "run_day": run_day.isoformat(),
        "step": step,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **payload,
    }
    path = warehouse.runs / f"{run_day.isoformat()}-{step}.json"
    path.write_text(json.dumps(_jsonable(record), indent=2, default=str))


def record_failure(
    warehouse: WarehousePaths, run_day: date, step: str, error: BaseException
) -> Path:
    """Write ``runs/<day>-failure.json`` (and ``runs/failure-latest.json``): which step failed,
    the message, and for a quality failure every failed check with observed vs expected."""
    checks = [
        {
            "check": check.name,
            "suite": check.suite,
            "table": check.table,
            "observed": check.observed,
            "expected": check.expected,
            "message": check.message,
        }
        for check in getattr(error, "failed", None) or []
        if hasattr(check, "expected")
    ]
    warehouse.runs.mkdir(parents=True, exist_ok=True)
    path = warehouse.runs / f"{run_day.isoformat()}-failure.json"
    record = {
        "run_day": run_day.isoformat(),
        "step": step,
        "failed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "error_type": type(error).__name__,
        "message": str(error),
        "failed_checks": checks,
        "warehouse": str(warehouse.root),
        "record_path": str(path),
    }
    text = json.dumps(_jsonable(record), indent=2, default=str)
    for target in (path, warehouse.runs / "failure-latest.json"):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, target)
    log_event(logger, "step_failed", step=step, run_day=run_day.isoformat(), checks=len(checks))
    return path


def _records_failure(step: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A step that raises leaves its failure record in ``runs/`` before the error propagates."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as error:
                bound = signature.bind(*args, **kwargs)
                try:
                    record_failure(
                        WarehousePaths.at(bound.arguments["warehouse"]),
                        run_day_of(bound.arguments["interval_start"]),
                        step,
                        error,
                    )
                except OSError as record_error:  # e.g. disk full: keep the original error
                    logger.error("could not record the failure of %s: %s", step, record_error)
                raise

        return wrapper

    return decorate


@_records_failure("land")
def land_step(
    inbox: Path,
    warehouse: Path,
    interval_start: datetime | date,
    interval_end: datetime | date | None = None,
    *,
    progress: bool = False,
) -> dict[str, Any]:
    """Land every inbox file not landed before (the manifest makes a rerun a no-op)."""
    from video_insights.landing import land_inbox

    paths = WarehousePaths.at(warehouse)
    paths.ensure()
    run_day = run_day_of(interval_start)
    summary = land_inbox(Path(inbox), paths, progress=progress)
    payload = _jsonable(summary)
    _record(paths, run_day, "land", {"summary": payload})
    return payload


@_records_failure("build")
def build_step(
    warehouse: Path,
    interval_start: datetime | date,
    interval_end: datetime | date | None = None,
    *,
    backfill: tuple[date, date] | None = None,
    full_refresh: bool = False,
    dbt_command: str = "build",
    engine: str = "duckdb",
) -> dict[str, Any]:
    """One ``dbt build`` into the build file (models and dbt tests), incremental by day partition.

    The build file first becomes the last published version when it may hold an unpublished
    night (``publish.prepare_build_file``); then ``incremental.plan_build`` picks the lake
    partitions to take in and the partner-local days to rebuild (``backfill``: a day range taken
    in and rebuilt whatever its age), passed to dbt as vars. ``engine="spark"`` builds the same
    models on Spark (docs/scaling.md), as a full rebuild: the build plan reads the DuckDB build
    file's state.
    """
    from video_insights.incremental import plan_build
    from video_insights.publish import prepare_build_file
    from video_insights.transform import dbt_build

    paths = WarehousePaths.at(warehouse)
    paths.ensure()
    run_day = run_day_of(interval_start)
    if engine != "duckdb":
        result = dbt_build(
            paths, run_day=run_day, full_refresh=True, command_name=dbt_command, engine=engine
        )
        payload = _jsonable(result)
        _record(paths, run_day, "build", {"result": payload})
        return payload
    build_file = prepare_build_file(paths)
    plan = plan_build(paths, run_day, backfill=backfill, full_refresh=full_refresh)
    result = dbt_build(
        paths,
        run_day=run_day,
        full_refresh=plan.full,
        dbt_vars=plan.dbt_vars(),
        command_name=dbt_command,
    )
    payload = _jsonable(result)
    payload["incremental"] = {
        "build_file": build_file,
        **plan.summary(),
        "rebuilt_partner_days": [[partner, day.isoformat()] for partner, day in plan.rebuild],
    }
    _record(paths, run_day, "build", {"result": payload})
    return payload


@_records_failure("validate")
def validate_step(
    warehouse: Path, interval_start: datetime | date, interval_end: datetime | date | None = None
) -> dict[str, Any]:
    """Great Expectations suites on the landed batch and the marts; raises on any failed check."""
    from video_insights.quality import validate

    paths = WarehousePaths.at(warehouse)
    run_day = run_day_of(interval_start)
    result = validate(paths)
    payload = _jsonable(result)
    _record(paths, run_day, "validate", {"result": payload})
    result.raise_for_failure()
    return payload


@_records_failure("publish")
def publish_step(
    warehouse: Path, interval_start: datetime | date, interval_end: datetime | date | None = None
) -> dict[str, Any]:
    """Swap the validated build in for readers."""
    from video_insights.publish import publish

    paths = WarehousePaths.at(warehouse)
    run_day = run_day_of(interval_start)
    payload = _jsonable(publish(paths, run_day=run_day))
    _record(paths, run_day, "publish", {"result": payload})
    return payload


class BackfillError(VideoInsightsError):
    """A backfill range that cannot be run."""


def run_backfill(warehouse: Path, from_day: date, to_day: date) -> dict[str, Any]:
    """Take in and rebuild the days ``from_day``..``to_day`` (set-aside late beacons included),
    validate and publish: ``video-insights backfill``. Idempotent: a second run changes nothing."""
    if from_day > to_day:
        raise BackfillError(f"backfill: --from-day {from_day} is after --to-day {to_day}")
    paths = WarehousePaths.at(warehouse)
    if not paths.manifest.exists() or not any(paths.manifest.glob("*.parquet")):
        raise BackfillError(f"backfill: nothing landed in {paths.lake} yet (run a night first)")
    start = datetime.combine(to_day, datetime.min.time(), tzinfo=UTC)
    steps: dict[str, Any] = {}
    steps["build"] = build_step(warehouse, start, backfill=(from_day, to_day))
    steps["validate"] = validate_step(warehouse, start)
    steps["publish"] = publish_step(warehouse, start)
    log_event(logger, "backfill_done", from_day=from_day.isoformat(), to_day=to_day.isoformat())
    return steps


def run_nightly(
    inbox: Path, warehouse: Path, day: date, *, progress: bool = False, engine: str = "duckdb"
) -> dict[str, Any]:
    """The four steps in order, without Airflow (``video-insights nightly --day``).

    On ``engine="spark"`` the night lands the same Parquet and builds the marts on Spark; the
    GX suites and the published copy are DuckDB files, so those two steps report ``skipped``
    (on a cluster they run against the engine's own catalog: docs/scaling.md).
    """
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    end = start + timedelta(days=1)
    steps: dict[str, Any] = {}
    try:
        steps["land"] = land_step(inbox, warehouse, start, end, progress=progress)
        steps["build"] = build_step(warehouse, start, end, engine=engine)
        if engine == "duckdb":
            steps["validate"] = validate_step(warehouse, start, end)
            steps["publish"] = publish_step(warehouse, start, end)
        else:
            reason = f"DuckDB-only step; the marts are on {engine}"
            skipped = {"status": "skipped", "reason": reason}
            steps["validate"] = dict(skipped)
            steps["publish"] = dict(skipped)
    except Exception as error:
        from video_insights.alerts import alert_failed_night

        alert_failed_night(warehouse, day, error)
        raise
    log_event(logger, "nightly_done", day=day.isoformat(), warehouse=warehouse, engine=engine)
    return steps
