"""The ``video-insights`` command line.

Each command is a thin shell over a function of the package; expected failures print one clear
message (file, line, field or check) and exit non-zero, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from video_insights import log
from video_insights.cli_support import (
    csv_list,
    friendly_errors,
    inbox_option,
    parse_day,
    warehouse_option,
)
from video_insights.config import default_inbox, default_warehouse

DEMO_START = date(2026, 11, 1)


_friendly_errors = friendly_errors
_day = parse_day
_csv_list = csv_list


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def main(verbose: bool) -> None:
    """An open-source video analytics warehouse over KAVA player beacons."""
    import logging

    log.configure(logging.DEBUG if verbose else logging.INFO)


@main.command()
@click.option("--partners", default=2, show_default=True, type=click.IntRange(1, 50))
@click.option(
    "--entries", default=30, show_default=True, type=click.IntRange(1), help="Entries per partner."
)
@click.option("--days", default=3, show_default=True, type=click.IntRange(1))
@click.option("--beacons-per-day", default=20_000, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--start-day", default=DEMO_START.isoformat(), show_default=True, callback=_day)
@click.option(
    "--duplicates",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Fault: share of beacons delivered twice.",
)
@click.option(
    "--late-files",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Fault: files holding beacons of earlier days.",
)
@click.option(
    "--malformed-lines",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Fault: bad lines (not JSON, missing or mistyped fields, unknown codes).",
)
@click.option("--truncated-gzip", is_flag=True, help="Fault: one truncated gzip file.")
@inbox_option
@_friendly_errors
def simulate(
    partners: int,
    entries: int,
    days: int,
    beacons_per_day: int,
    seed: int,
    start_day: date,
    duplicates: float,
    late_files: int,
    malformed_lines: int,
    truncated_gzip: bool,
    inbox: Path | None,
) -> None:
    """Write realistic KAVA beacon files and side feeds into an inbox."""
    from video_insights.simulate import FaultConfig, SimulationConfig
    from video_insights.simulate import simulate as run_simulation

    config = SimulationConfig(
        inbox=inbox or default_inbox(),
        partners=partners,
        entries=entries,
        days=days,
        beacons_per_day=beacons_per_day,
        seed=seed,
        start_day=start_day,
        faults=FaultConfig(
            duplicate_rate=duplicates,
            late_files=late_files,
            malformed_lines=malformed_lines,
            truncated_gzip=truncated_gzip,
        ),
    )
    summary = run_simulation(config)
    click.echo(json.dumps(_plain(summary), indent=2, default=str))


@main.command()
@inbox_option
@warehouse_option
@_friendly_errors
def land(inbox: Path | None, warehouse: Path | None) -> None:
    """Land new inbox files: validate, quarantine bad lines, enrich, write Parquet."""
    from video_insights.pipeline import land_step

    payload = land_step(
        inbox or default_inbox(),
        warehouse or default_warehouse(),
        date.today(),
        progress=sys.stderr.isatty(),
    )
    click.echo(json.dumps(payload, indent=2, default=str))


def _step_command(name: str, doc: str) -> None:
    @main.command(name=name, help=doc)
    @click.option(
        "--day",
        callback=_day,
        default=None,
        help="The night (YYYY-MM-DD) the step belongs to (default: yesterday).",
    )
    @warehouse_option
    @_friendly_errors
    def command(day: date | None, warehouse: Path | None) -> None:
        from video_insights import pipeline

        step = getattr(pipeline, f"{name}_step")
        run_day = day or date.today() - timedelta(days=1)
        click.echo(
            json.dumps(step(warehouse or default_warehouse(), run_day), indent=2, default=str)
        )


_step_command("build", "Run `dbt build` over the landed files into the build file.")
_step_command("validate", "Run the Great Expectations suites on the landed batch and the marts.")
_step_command("publish", "Publish the validated build to readers (atomic swap).")


@main.command()
@click.option("--day", callback=_day, required=True, help="The night to run (YYYY-MM-DD).")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Where dbt builds the marts (spark: docs/scaling.md).",
)
@inbox_option
@warehouse_option
@_friendly_errors
def nightly(day: date, engine: str, inbox: Path | None, warehouse: Path | None) -> None:
    """Land, build, validate and publish one night, without Airflow."""
    from video_insights.pipeline import run_nightly

    steps = run_nightly(
        inbox or default_inbox(),
        warehouse or default_warehouse(),
        day,
        progress=sys.stderr.isatty(),
        engine=engine,
    )
    click.echo(json.dumps({name: _step_status(step) for name, step in steps.items()}, indent=2))


def _step_status(step: Any) -> str:
    return "skipped" if isinstance(step, dict) and step.get("status") == "skipped" else "ok"


@main.command(name="airflow-run")
@click.option("--from-day", callback=_day, required=True)
@click.option("--to-day", callback=_day, required=True)
@click.option(
    "--airflow-home",
    type=click.Path(path_type=Path),
    default=Path("data/airflow"),
    show_default=True,
)
@inbox_option
@warehouse_option
@_friendly_errors
def airflow_run(
    from_day: date, to_day: date, airflow_home: Path, inbox: Path | None, warehouse: Path | None
) -> None:
    """Run the nightly Airflow DAG (`airflow dags test`) for each day of a range, in order."""
    from video_insights.orchestration import run_days

    days = [from_day + timedelta(days=n) for n in range((to_day - from_day).days + 1)]
    run_days(
        days,
        inbox=inbox or default_inbox(),
        warehouse=warehouse or default_warehouse(),
        airflow_home=airflow_home,
    )
    click.echo(f"ran {len(days)} nights: {days[0]} .. {days[-1]}")


def _report_filters() -> tuple[str, ...]:
    from video_insights.reports.engine import ALL_FILTERS

    return ALL_FILTERS


def _filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for name in reversed(_report_filters()):
        func = click.option(
            f"--{name.replace('_', '-')}", name, default=None, help="Comma-separated values."
        )(func)
    return func


@main.command()
@click.argument("report_type")
@click.option("--partner-id", required=True, type=int)
@click.option("--from-day", callback=_day, required=True)
@click.option("--to-day", callback=_day, required=True)
@click.option(
    "--interval", type=click.Choice(["days", "months"]), default="days", show_default=True
)
@_filter_options
@click.option("--order", default=None, help="A column, `-` for descending: -count_plays.")
@click.option("--limit", type=int, default=None, help="Page size.")
@click.option("--page", type=int, default=1, show_default=True, help="Page index, from 1.")
@click.option("--object-ids", default=None, help="Drill-down value(s), comma-separated.")
@click.option(
    "--dimension",
    default=None,
    help="Rows by one dimension, for report types that offer it (QOE: device, os, browser, "
    "country, entry, day).",
)
@click.option(
    "--compare-from-day",
    callback=_day,
    default=None,
    help="A second range to compare with: each row gains its values and the change.",
)
@click.option("--compare-to-day", callback=_day, default=None)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@warehouse_option
@_friendly_errors
def report(
    report_type: str,
    partner_id: int,
    from_day: date,
    to_day: date,
    interval: str,
    order: str | None,
    limit: int | None,
    page: int,
    object_ids: str | None,
    dimension: str | None,
    compare_from_day: date | None,
    compare_to_day: date | None,
    output: str,
    warehouse: Path | None,
    **filters: str | None,
) -> None:
    """Print a report; `video-insights report-types` lists the types, levels and metrics."""
    from video_insights.reports import ReportRequest, run_report

    request = ReportRequest(
        report_type=report_type.upper(),
        partner_id=partner_id,
        from_day=from_day,
        to_day=to_day,
        interval=interval,  # type: ignore[arg-type]
        filters={
            name: _csv_list(value) or [] for name, value in filters.items() if value is not None
        },
        order=order,
        limit=limit,
        page=page,
        object_ids=_csv_list(object_ids),
        compare_from_day=compare_from_day,
        compare_to_day=compare_to_day,
        dimension=dimension.strip().lower() if dimension else None,
    )
    result = run_report(request, warehouse or default_warehouse())
    _print_result(
        result, output, title=f"{result.report_type} partner {partner_id} {from_day}..{to_day}"
    )


@main.command(name="report-types")
def report_types_command() -> None:
    """List the report types with their drill-down levels and metrics."""
    from video_insights.reports import report_types
    from video_insights.reports.engine import DIMENSION_CHOICES

    for name, report_type in report_types().items():
        levels = " > ".join("/".join(level.dimensions) or "total" for level in report_type.levels)
        click.echo(f"{name}: {report_type.description}")
        click.echo(f"    rows: {'date|month' if report_type.time_dimension else levels}")
        if name in DIMENSION_CHOICES:
            click.echo(f"    --dimension: {'|'.join(DIMENSION_CHOICES[name])}")
        click.echo(f"    metrics: {', '.join(report_type.metrics)}")
        click.echo(f"    filters: {', '.join(sorted(report_type.mart.filters))}")


def _print_result(result: Any, output: str, *, title: str) -> None:
    from video_insights.reports import render

    if output == "json":
        click.echo(render.to_json(result))
    elif output == "csv":
        click.echo(render.to_csv(result), nl=False)
    else:
        from rich.console import Console

        console = Console()
        if not console.is_terminal:  # piped or captured: do not squeeze into 80 columns
            console = Console(width=200)
        console.print(render.to_table(result, title=title))


@main.command()
@click.option(
    "--dir",
    "base",
    type=click.Path(path_type=Path),
    default=Path("data/demo"),
    show_default=True,
    help="Where the demo inbox, warehouse and Airflow home go.",
)
@click.option("--days", default=3, show_default=True, type=click.IntRange(1))
@click.option("--beacons-per-day", default=20_000, show_default=True, type=click.IntRange(1))
@click.option("--partner-id", default=None, type=int, help="Partner whose reports to print.")
@_friendly_errors
def demo(base: Path, days: int, beacons_per_day: int, partner_id: int | None) -> None:
    """Simulate days of beacons for two partners, run the nightly DAG, print reports."""
    import shutil

    from rich.console import Console

    from video_insights.orchestration import run_days
    from video_insights.reports import ReportRequest, run_report
    from video_insights.simulate import SimulationConfig
    from video_insights.simulate import simulate as run_simulation

    console = Console()
    if base.exists():
        shutil.rmtree(base)
    inbox, warehouse, airflow_home = base / "inbox", base / "warehouse", base / "airflow"
    day_list = [DEMO_START + timedelta(days=n) for n in range(days)]
    console.rule(f"{days} nights: the collector delivers a day of beacons, the DAG runs")
    for day in day_list:
        # Each night the inbox receives that day's files (the same bytes a longer simulation
        # writes for that day); the side-feed snapshots repeat and land once.
        summary = _plain(
            run_simulation(
                SimulationConfig(
                    inbox=inbox,
                    partners=2,
                    days=1,
                    beacons_per_day=beacons_per_day,
                    start_day=day,
                )
            )
        )
        with console.status(f"airflow dags test video_insights_nightly for {day} ..."):
            run_days([day], inbox=inbox, warehouse=warehouse, airflow_home=airflow_home)
        console.print(_night_summary(warehouse, day, summary.get("beacons_written", 0)))
    console.print(f"published: {warehouse / 'published' / 'warehouse.duckdb'}")
    partner = partner_id or _first_partner(warehouse)
    console.rule(f"reports of partner {partner}")
    for report_type in ("HIGHLIGHTS", "TOP_CONTENT"):
        result = run_report(
            ReportRequest(
                report_type=report_type,
                partner_id=partner,
                from_day=day_list[0],
                to_day=day_list[-1],
                limit=10 if report_type == "TOP_CONTENT" else None,
            ),
            warehouse,
        )
        _print_result(
            result, "table", title=f"{report_type} partner {partner} {day_list[0]}..{day_list[-1]}"
        )
    console.print(
        "Ask for more: .venv/bin/video-insights report PERFORMANCE_OVER_TIME "
        f"--partner-id {partner} --from-day {day_list[0]} --to-day {day_list[-1]} "
        f"--warehouse {warehouse} --format json   (README: opening the tables in SQL)"
    )


def _night_summary(warehouse: Path, day: date, simulated: int) -> str:
    """One line per night from the run records the steps wrote."""
    runs = Path(warehouse) / "runs"

    def record(step: str) -> dict[str, Any]:
        path = runs / f"{day.isoformat()}-{step}.json"
        return json.loads(path.read_text()) if path.exists() else {}

    land = record("land").get("summary", {})
    build = record("build").get("result", {})
    checks = record("validate").get("result", {}).get("checks", [])
    passed = sum(1 for check in checks if check.get("success"))
    return (
        f"night {day}: simulated {simulated:,} beacons; landed {land.get('files_landed', 0)} "
        f"files, {land.get('rows_landed', 0):,} beacons, {land.get('rows_quarantined', 0)} "
        f"quarantined; dbt built {build.get('models_built', 0)} models, "
        f"{build.get('tests_passed', 0)} tests passed; GX {passed}/{len(checks)} checks passed; "
        "published"
    )


def _first_partner(warehouse: Path) -> int:
    import duckdb

    from video_insights.config import WarehousePaths

    with duckdb.connect(str(WarehousePaths.at(warehouse).published_db), read_only=True) as con:
        row = con.execute("select min(partner_id) from dim_partners").fetchone()
    return int(row[0])


def _plain(value: Any) -> Any:
    from video_insights.pipeline import _jsonable

    return _jsonable(value)


if __name__ == "__main__":  # pragma: no cover
    main()


def _add_area_commands() -> None:
    from video_insights.commands import discover

    for command in discover():
        main.add_command(command)


_add_area_commands()
