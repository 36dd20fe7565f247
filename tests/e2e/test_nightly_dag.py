"""The nightly DAG end to end through real Airflow, dbt, GX and DuckDB on simulated data."""

from __future__ import annotations

import json

import duckdb

from tests.e2e.conftest import E2E_DAYS
from video_insights.reports import ReportRequest, run_report


def _lake(con: duckdb.DuckDBPyConnection, warehouse, what: str) -> str:
    return f"read_parquet('{warehouse.lake}/{what}/**/*.parquet', hive_partitioning=true)"


def test_every_night_published(airflow_warehouse):
    with duckdb.connect(str(airflow_warehouse.published_db), read_only=True) as con:
        run_day = con.execute("select run_day from warehouse_publish_info").fetchone()[0]
    assert run_day == E2E_DAYS[-1]
    for day in E2E_DAYS:
        for step in ("land", "build", "validate", "publish"):
            assert (airflow_warehouse.runs / f"{day.isoformat()}-{step}.json").exists()


def test_plays_reconcile_with_landed_beacons(airflow_warehouse, simulated_inbox):
    """Plays in the marts = PLAY beacons landed less duplicates = PLAY beacons simulated."""
    _inbox, summary = simulated_inbox
    with duckdb.connect(str(airflow_warehouse.published_db), read_only=True) as con:
        mart_plays = con.execute(
            "select sum(count_plays) from fct_daily_entry_viewer_metrics"
        ).fetchone()[0]
        fct_plays = con.execute("select count(*) from fct_plays").fetchone()[0]
    with duckdb.connect() as con:
        landed = con.execute(
            f"select count(*), count(distinct beacon_id) from "
            f"{_lake(con, airflow_warehouse, 'beacons')} where event_type = 3"
        ).fetchone()
    landed_rows, landed_distinct = landed
    assert mart_plays == fct_plays == landed_distinct
    assert landed_rows >= landed_distinct  # duplicates were injected and removed
    assert landed_distinct == summary.unique_beacons_by_type()[3]


def test_bad_lines_quarantined_with_reasons(airflow_warehouse, simulated_inbox):
    _inbox, summary = simulated_inbox
    with duckdb.connect() as con:
        rows = con.execute(
            f"select source_file, line_number, reason from "
            f"{_lake(con, airflow_warehouse, 'quarantine')}"
        ).fetchall()
    assert all(source and reason for source, _line, reason in rows)
    line_level = [row for row in rows if row[1] > 0]
    assert len(line_level) >= summary.faults.malformed_lines
    assert any("truncated" in reason for _s, _l, reason in rows)


def test_reports_answer_from_published_tables(airflow_warehouse):
    partner = 1001
    request = ReportRequest("HIGHLIGHTS", partner, E2E_DAYS[0], E2E_DAYS[-1])
    highlights = run_report(request, airflow_warehouse)
    totals = highlights.totals
    assert totals["count_plays"] > 0
    assert totals["unique_known_users"] <= totals["count_plays"]
    assert 0 <= totals["avg_completion_rate"] <= 100
    top = run_report(
        ReportRequest("TOP_CONTENT", partner, E2E_DAYS[0], E2E_DAYS[-1]), airflow_warehouse
    )
    # The entries' plays add up to the total; uniques of the range are not the sum of the rows.
    plays = top.columns.index("count_plays")
    assert sum(row[plays] for row in top.rows) == totals["count_plays"]
    assert max(row[top.columns.index("engagement_ranking")] for row in top.rows) <= 10
    json.dumps(highlights.as_dict(), default=str)
