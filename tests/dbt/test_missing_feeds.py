"""The night survives missing input: no files at all, and beacons before any side feed."""

from __future__ import annotations

import duckdb
import pytest

from tests.dbt.conftest import land, land_and_build
from tests.fixtures import worked_examples
from video_insights.config import WarehousePaths
from video_insights.transform import dbt_build

REPORTS = (
    "rpt_highlights_daily",
    "rpt_performance_over_time_monthly",
    "rpt_top_content_daily",
    "rpt_content_dropoff_daily",
)


def test_an_empty_lake_builds_empty_tables_and_the_macros(tmp_path):
    paths = WarehousePaths.at(tmp_path / "warehouse")  # nothing landed, not even the folders
    result = dbt_build(paths)
    assert result.success and result.tests_failed == 0
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        for table in (
            "stg_kava__beacons",
            "fct_daily_entry_viewer_metrics",
            "dim_partners",
            *REPORTS,
        ):
            assert con.execute(f"select count(*) from {table}").fetchone() == (0,), table
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_name = 'stg_kava__beacons'"
            ).fetchall()
        )
        assert types["received_at"] == "TIMESTAMP"
        assert types["partner_id"] == "BIGINT"
        assert types["play_time_sum"] == "DOUBLE"
        assert con.execute("select load_play_ratio(3, 4)").fetchone() == (0.75,)


@pytest.fixture(scope="module")
def beacons_only(tmp_path_factory):
    """The worked examples' beacons landed before any side feed."""
    root = tmp_path_factory.mktemp("beacons-only")
    return root, land_and_build(root, feeds={})


def test_facts_flow_before_the_side_feeds_arrive(beacons_only):
    _root, build = beacons_only
    assert build.result.success and build.result.tests_failed == 0
    with build.connect() as con:
        partners = con.execute(
            "select distinct partner_name, report_timezone from dim_partners"
        ).fetchall()
        assert partners == [("Unknown", "UTC")]
        assert con.execute("select distinct entry_name from dim_entries").fetchall() == [
            ("Unknown",)
        ]
        # Chicago is not known yet: the 03:30Z play counts on its UTC day
        (day,) = con.execute(
            "select report_date from fct_plays where partner_id = ?", [worked_examples.EX8]
        ).fetchone()
        assert day.isoformat() == "2026-11-03"
        plays = con.execute("select sum(count_plays) from rpt_highlights_daily").fetchone()[0]
        assert plays == con.execute("select count(*) from fct_plays").fetchone()[0] > 0
        # without durations no segment is known: completion is 0, not an error
        assert con.execute(
            "select max(avg_completion_rate) from rpt_highlights_daily"
        ).fetchone() == (0.0,)


def test_names_and_time_zones_appear_when_the_feeds_arrive(beacons_only):
    root, build = beacons_only
    inbox = root / "inbox"
    for feed, records in worked_examples.side_feeds().items():
        worked_examples.write_jsonl(inbox / feed / f"{feed}-late.jsonl", records)
    land(inbox, build.paths)
    result = dbt_build(build.paths)
    assert result.success and result.tests_failed == 0
    with duckdb.connect(str(build.paths.build_db), read_only=True) as con:
        (name, zone) = con.execute(
            "select partner_name, report_timezone from dim_partners where partner_id = ?",
            [worked_examples.EX8],
        ).fetchone()
        assert (name, zone) == ("Example 8", "America/Chicago")
        (day,) = con.execute(
            "select report_date from fct_plays where partner_id = ?", [worked_examples.EX8]
        ).fetchone()
        assert day == worked_examples.EXPECTED["ex8"]["report_date"]
        (rate,) = con.execute(
            "select avg_completion_rate from rpt_highlights_daily where partner_id = ?",
            [worked_examples.EX1],
        ).fetchone()
        assert rate == pytest.approx(worked_examples.EXPECTED["ex1"]["avg_completion_rate"])
