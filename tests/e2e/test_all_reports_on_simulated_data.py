"""Every report type answers on the simulated warehouse the real DAG built, in every format, and
the reports agree with each other (the same plays seen through every dimension)."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from tests.e2e.conftest import E2E_DAYS
from video_insights.cli import main
from video_insights.reports import report_types

PARTNER = 1001


def run(warehouse, report_type: str, *options: str, output: str = "json"):
    args = [
        "report",
        report_type,
        "--partner-id",
        str(PARTNER),
        "--from-day",
        E2E_DAYS[0].isoformat(),
        "--to-day",
        E2E_DAYS[-1].isoformat(),
        "--warehouse",
        str(warehouse.root),
        "--format",
        output,
        *options,
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, f"{report_type} {options}: {result.output}"
    if output == "csv":
        return list(csv.reader(io.StringIO(result.output)))
    payload = json.loads(result.output)
    payload["records"] = [
        dict(zip(payload["columns"], row, strict=True)) for row in payload["rows"]
    ]
    return payload


@pytest.fixture(scope="module")
def picks(airflow_warehouse) -> dict[str, str]:
    """Objects to drill into, chosen from the published data (any would do)."""
    with duckdb.connect(str(airflow_warehouse.published_db), read_only=True) as con:
        entry = con.execute(
            "select entry_id from fct_plays where partner_id = ? and playback_type = 'vod' "
            "group by all order by count(*) desc, entry_id limit 1",
            [PARTNER],
        ).fetchone()[0]
        category = con.execute(
            "select category_id from dim_categories where partner_id = ? "
            "order by category_id limit 1",
            [PARTNER],
        ).fetchone()[0]
    return {"entry": entry, "category": str(category)}


def _options(report_type: str, picks: dict[str, str]) -> tuple[str, ...]:
    if report_type == "PERCENTILES":
        return ("--object-ids", picks["entry"])
    if report_type == "CATEGORY_HIGHLIGHTS":
        return ("--object-ids", picks["category"])
    return ()


def test_every_report_type_answers_in_every_format(airflow_warehouse, picks):
    for report_type in report_types():
        options = _options(report_type, picks)
        payload = run(airflow_warehouse, report_type, *options)
        assert payload["report_type"] == report_type
        assert payload["columns"], report_type
        rows = run(airflow_warehouse, report_type, *options, output="csv")
        assert rows[0] == payload["columns"]
        assert len(rows) - 1 == len(payload["rows"])


def test_the_same_plays_through_every_dimension(airflow_warehouse):
    total = run(airflow_warehouse, "HIGHLIGHTS")["totals"]
    plays, viewers = total["count_plays"], total["unique_known_users"]
    assert plays > 0
    for report_type in (
        "TOP_CONTENT",
        "MAP_OVERLAY",
        "PLATFORMS",
        "TOP_SYNDICATION",
        "TOP_PLAYBACK_CONTEXT",
        "USER_ENGAGEMENT",
        "PERFORMANCE_OVER_TIME",
    ):
        payload = run(airflow_warehouse, report_type)
        assert sum(r["count_plays"] for r in payload["records"]) == plays, report_type
        assert payload["totals"]["count_plays"] == plays, report_type
        if "unique_known_users" in payload["totals"]:
            # exact uniques: the total is the distinct count, never the sum of the rows
            assert payload["totals"]["unique_known_users"] == viewers, report_type
            assert sum(r["unique_known_users"] for r in payload["records"]) >= viewers
        if "plays_distribution" in payload["columns"]:
            # each row is rounded to 6 decimals in the output
            shares = sum(r["plays_distribution"] for r in payload["records"])
            assert shares == pytest.approx(1, abs=1e-4)
    qoe = run(airflow_warehouse, "QOE")
    assert qoe["totals"]["count_plays"] == plays


def test_drill_downs_partition_their_parent(airflow_warehouse):
    countries = run(airflow_warehouse, "MAP_OVERLAY")["records"]
    top = countries[0]
    regions = run(airflow_warehouse, "MAP_OVERLAY", "--object-ids", top["country"])["records"]
    assert sum(r["count_plays"] for r in regions) == top["count_plays"]
    devices = run(airflow_warehouse, "PLATFORMS")["records"]
    systems = run(airflow_warehouse, "PLATFORMS", "--object-ids", devices[0]["device"])["records"]
    assert sum(r["count_plays"] for r in systems) == devices[0]["count_plays"]


def test_percentiles_cover_every_segment(airflow_warehouse, picks):
    payload = run(airflow_warehouse, "PERCENTILES", "--object-ids", picks["entry"])
    assert [r["segment"] for r in payload["records"]] == list(range(1, 101))
