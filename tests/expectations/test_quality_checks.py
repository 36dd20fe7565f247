"""The quality checks on hand-built warehouses: the good one passes everything; each broken
variant fails exactly the checks it should, with the observed values it should."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import duckdb
import pytest

from tests.expectations.builders import (
    DISTINCT_PLAYS,
    PLAY_ROWS,
    Fixture,
    sha,
)
from video_insights.config import WarehousePaths
from video_insights.quality import QualityError, QualityResult


def test_good_warehouse_passes_every_check(good_result: QualityResult):
    assert good_result.passed, good_result.summary()
    assert good_result.suites == ["landed_batch", "marts"]
    names = [check.name for check in good_result.checks]
    assert len(names) == len(set(names))
    assert all(check.exception is None for check in good_result.checks)
    # the checks the brief asks for are all there
    for name in (
        "landed_beacons.event_type_not_null",
        "landed_beacons.beacon_id_not_null",
        "landed_beacons.received_at_not_null",
        "landed_beacons.event_type_known",
        "landed_beacons.playback_type_known",
        "landed_beacons.rows_match_manifest",
        "landed_beacons.no_ip_address_column",
        "landed_quarantine.rows_match_manifest",
        "fct_plays.plays_match_daily_metrics",
        "fct_plays.plays_match_play_beacons",
        "int_beacons_deduped.play_beacons_match_lake",
        "rpt_highlights_daily.load_play_ratio_bounds",
        "rpt_content_dropoff_daily.play_through_ratio_bounds",
        "rpt_top_content_daily.avg_view_drop_off_bounds",
        "rpt_top_content_daily.avg_completion_rate_bounds",
        "rpt_top_content_daily.engagement_ranking_bounds",
        "rpt_content_dropoff_daily.funnel_rows_monotone",
        "rpt_content_dropoff_daily.funnel_totals_monotone",
        "rpt_highlights_daily.avg_view_drop_off_bounds",
        "rpt_highlights_daily.unique_viewers_le_plays",
        "rpt_highlights_daily.sum_view_period_bounds",
        # the report-catalog marts (docs/reports.md "Guarantees and how they are tested")
        "rpt_map_overlay_daily.plays_match_daily_metrics",
        "rpt_platforms_daily.plays_match_daily_metrics",
        "rpt_top_syndication_daily.plays_match_daily_metrics",
        "rpt_map_overlay_daily.plays_distribution_sums_to_one",
        "rpt_platforms_daily.plays_distribution_sums_to_one",
        "rpt_top_syndication_daily.plays_distribution_sums_to_one",
        "fct_daily_qoe_metrics.plays_match_qoe_plays",
        "fct_daily_qoe_metrics.plays_match_play_beacons",
        "fct_live_session_minutes.plays_match_live_play_beacons",
        "fct_daily_entry_viewer_segments.views_within_watched_intervals",
        "rpt_qoe_daily.ebvs_ratio_bounds",
        "rpt_qoe_daily.avg_session_error_rate_bounds",
        "rpt_qoe_daily.avg_buffer_time_bounds",
        "rpt_qoe_daily.p50_le_p95_join_time",
        "rpt_usage_monthly.usage_non_negative",
        "fct_daily_usage.usage_non_negative",
        "fct_daily_entry_bandwidth.usage_non_negative",
        "dim_entry_chargeback_categories.shares_sum_to_one",
        "dim_entry_chargeback_categories.plays_split_over_categories",
        "rpt_usage_by_category_monthly.usage_matches_usage_monthly",
        "rpt_usage_by_category_monthly.usage_non_negative",
    ):
        assert name in names, name
    good_result.raise_for_failure()  # no-op


def test_result_is_written_as_json(good_warehouse: Fixture, good_result: QualityResult):
    runs = good_warehouse.paths.runs
    assert good_result.record_path is not None and good_result.record_path.parent == runs
    assert good_result.record_path.name.startswith("quality-")
    record = json.loads(good_result.record_path.read_text())
    assert (runs / "quality-latest.json").read_text() == good_result.record_path.read_text()
    assert record["passed"] is True
    assert record["counts"] == {"checks": len(good_result.checks), "failed": 0}
    assert set(record["checks"][0]) == {
        "suite",
        "name",
        "success",
        "observed",
        "expected",
        "unexpected_count",
        "message",
        "table",
        "expectation_type",
        "exception",
    }
    assert {"landed_batch.validate", "marts.validate"} <= set(record["seconds"])


def _sql(statement: str) -> Callable[[Fixture], None]:
    def mutate(fixture: Fixture) -> None:
        with fixture.build() as con:
            con.execute(statement)

    return mutate


PLAY_ID = "(select min(play_id) from fct_plays)"

# name -> (mutation, suite, {failing check: (observed, unexpected_count)})
VARIANTS: dict[str, tuple[Callable[[Fixture], None], str, dict[str, tuple[Any, int]]]] = {
    "fct_plays missing a play": (
        _sql(f"delete from fct_plays where play_id = {PLAY_ID}"),
        "marts",
        {
            "fct_plays.plays_match_play_beacons": (
                [{"fct_plays": DISTINCT_PLAYS - 1, "play_beacons": DISTINCT_PLAYS, "diff": -1}],
                1,
            ),
            "fct_plays.plays_match_daily_metrics": (
                [
                    {
                        "daily_metrics_plays": DISTINCT_PLAYS,
                        "fct_plays": DISTINCT_PLAYS - 1,
                        "diff": 1,
                    }
                ],
                1,
            ),
        },
    ),
    "a duplicate PLAY beacon kept by the dedupe": (
        _sql(
            "insert into int_beacons_deduped select * from int_beacons_deduped "
            "where event_type = 3 order by beacon_id limit 1"
        ),
        "marts",
        {
            "int_beacons_deduped.beacon_id_unique": (None, 2),
            "int_beacons_deduped.play_beacons_match_lake": (
                [{"play_beacons": PLAY_ROWS, "landed_play_beacons": DISTINCT_PLAYS, "diff": 1}],
                1,
            ),
            "int_beacons_deduped.rows_match_lake": (
                [{"deduped_beacons": 24, "landed_beacons": 23, "diff": 1}],
                1,
            ),
            "fct_plays.plays_match_play_beacons": (
                [{"fct_plays": DISTINCT_PLAYS, "play_beacons": PLAY_ROWS, "diff": -1}],
                1,
            ),
            "fct_daily_qoe_metrics.plays_match_play_beacons": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "qoe_metrics_plays": 3,
                        "play_beacons": 4,
                        "diff": -1,
                    }
                ],
                1,
            ),
        },
    ),
    "funnel inversion in one row": (
        _sql(
            "update rpt_content_dropoff_daily set count_plays = 12, count_plays_25 = 3, "
            "count_plays_50 = 4 where entry_id = 'e2' and report_date = '2026-01-01'"
        ),
        "marts",
        {
            "rpt_content_dropoff_daily.funnel_rows_monotone": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "entry_id": "e2",
                        "count_plays": 12,
                        "count_plays_25": 3,
                        "count_plays_50": 4,
                        "count_plays_75": 1,
                        "count_plays_100": 1,
                    }
                ],
                1,
            )
        },
    ),
    "funnel inversion in the day's total": (
        _sql(
            "update rpt_content_dropoff_daily set count_plays = 12, count_plays_25 = 3, "
            "count_plays_50 = 6 where entry_id = 'e2' and report_date = '2026-01-01'"
        ),
        "marts",
        {
            "rpt_content_dropoff_daily.funnel_rows_monotone": (None, 1),
            "rpt_content_dropoff_daily.funnel_totals_monotone": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "count_plays": 14,
                        "count_plays_25": 5,
                        "count_plays_50": 7,
                        "count_plays_75": 1,
                        "count_plays_100": 1,
                    }
                ],
                1,
            ),
        },
    ),
    "unique viewers above plays": (
        _sql(
            "update rpt_highlights_daily set unique_known_users = count_plays + 1 "
            "where report_date = '2026-01-02'"
        ),
        "marts",
        {"rpt_highlights_daily.unique_viewers_le_plays": ([[1, 2]], 1)},
    ),
    "engagement ranking above 10": (
        _sql(
            "update rpt_top_content_daily set engagement_ranking = 12.5 "
            "where entry_id = 'e2' and report_date = '2026-01-01'"
        ),
        "marts",
        {"rpt_top_content_daily.engagement_ranking_bounds": ([12.5], 1)},
    ),
    "play-through ratio above 1": (
        _sql(
            "update rpt_content_dropoff_daily set count_plays = 12, play_through_ratio = 1.5 "
            "where entry_id = 'e1' and report_date = '2026-01-01'"
        ),
        "marts",
        {
            "rpt_content_dropoff_daily.play_through_ratio_bounds": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "entry_id": "e1",
                        "count_plays": 12,
                        "play_through_ratio": 1.5,
                    }
                ],
                1,
            )
        },
    ),
    "drop-off above 1 on a complete day": (
        _sql(
            "update rpt_highlights_daily set count_plays = 12, avg_view_drop_off = 1.25 "
            "where report_date = '2026-01-01'"
        ),
        "marts",
        {
            "rpt_highlights_daily.avg_view_drop_off_bounds": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "count_plays": 12,
                        "avg_view_drop_off": 1.25,
                    }
                ],
                1,
            )
        },
    ),
    "negative load-play ratio": (
        _sql("update rpt_highlights_daily set load_play_ratio = -0.25"),
        "marts",
        {"rpt_highlights_daily.load_play_ratio_bounds": ([-0.25], 2)},
    ),
    "completion rate NaN": (
        _sql(
            "update rpt_top_content_daily set avg_completion_rate = 'nan'::double "
            "where entry_id = 'e1' and report_date = '2026-01-01'"
        ),
        "marts",
        {
            "rpt_top_content_daily.ratios_are_numbers": (None, 1),
            "rpt_top_content_daily.avg_completion_rate_bounds": (["nan"], 1),
        },
    ),
    # the report-catalog marts
    "a country lost from the map overlay": (
        _sql("delete from rpt_map_overlay_daily where country = 'DE'"),
        "marts",
        {
            "rpt_map_overlay_daily.plays_match_daily_metrics": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "breakdown_plays": 2,
                        "day_plays": 3,
                        "diff": -1,
                    }
                ],
                1,
            ),
            "rpt_map_overlay_daily.plays_distribution_sums_to_one": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "rows": 1,
                        "count_plays": 2,
                        "distribution_sum": 2 / 3,
                        "expected_sum": 1,
                    }
                ],
                1,
            ),
        },
    ),
    "a device row counted twice": (
        _sql(
            "insert into rpt_platforms_daily select * from rpt_platforms_daily "
            "where device = 'Mobile'"
        ),
        "marts",
        {
            "rpt_platforms_daily.plays_match_daily_metrics": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "breakdown_plays": 5,
                        "day_plays": 3,
                        "diff": 2,
                    }
                ],
                1,
            ),
            "rpt_platforms_daily.plays_distribution_sums_to_one": (None, 1),
        },
    ),
    "a domain's plays off by one": (
        _sql(
            "update rpt_top_syndication_daily set count_plays = count_plays + 1 "
            "where report_date = '2026-01-02'"
        ),
        "marts",
        {
            "rpt_top_syndication_daily.plays_match_daily_metrics": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-02",
                        "breakdown_plays": 2,
                        "day_plays": 1,
                        "diff": 1,
                    }
                ],
                1,
            )
        },
    ),
    "a QOE play lost": (
        _sql(
            "delete from fct_qoe_plays where play_id = (select min(play_id) from fct_qoe_plays "
            "where report_date = '2026-01-01')"
        ),
        "marts",
        {
            "fct_daily_qoe_metrics.plays_match_qoe_plays": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "qoe_metrics_plays": 3,
                        "qoe_plays": 2,
                        "diff": 1,
                    }
                ],
                1,
            )
        },
    ),
    "live plays lost": (
        _sql("delete from fct_live_session_minutes"),
        "marts",
        {
            "fct_live_session_minutes.plays_match_live_play_beacons": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-02",
                        "live_plays": 0,
                        "live_play_beacons": 1,
                        "diff": -1,
                    }
                ],
                1,
            )
        },
    ),
    "segment views above the watched intervals": (
        _sql(
            "update fct_daily_entry_viewer_segments set count_viewers = 3 "
            "where entry_id = 'e2' and first_segment = 40"
        ),
        "marts",
        {
            "fct_daily_entry_viewer_segments.views_within_watched_intervals": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "entry_id": "e2",
                        "segment_views": 82,
                        "interval_segments": 71,
                        "diff": 11,
                    }
                ],
                1,
            )
        },
    ),
    "EBVS ratio above 1": (
        _sql("update rpt_qoe_daily set ebvs_ratio = 1.5 where device = 'Mobile'"),
        "marts",
        {"rpt_qoe_daily.ebvs_ratio_bounds": ([1.5], 1)},
    ),
    "p50 join time above p95": (
        _sql("update rpt_qoe_daily set p50_join_time = 2.0 where device = 'Mobile'"),
        "marts",
        {"rpt_qoe_daily.p50_le_p95_join_time": ([[1.2, 2.0]], 1)},
    ),
    "negative bandwidth": (
        _sql(
            "update fct_daily_entry_bandwidth set sum_delivered_kilobits = -8 "
            "where report_date = '2026-01-02'"
        ),
        "marts",
        {"fct_daily_entry_bandwidth.usage_non_negative": (None, 1)},
    ),
    "negative transcoding in the month": (
        _sql("update rpt_usage_monthly set transcoding_minutes = -1"),
        "marts",
        {"rpt_usage_monthly.usage_non_negative": (None, 1)},
    ),
    "chargeback shares not adding up to 1": (
        _sql(
            "update dim_entry_chargeback_categories set chargeback_share = 0.4 "
            "where category_id = 'c2'"
        ),
        "marts",
        {
            "dim_entry_chargeback_categories.shares_sum_to_one": (
                [{"partner_id": 101, "entry_id": "e1", "categories": 2, "share_sum": 0.9}],
                1,
            ),
            # e1's two VOD plays of 2026-01-01 are then charged 0.9 each
            "dim_entry_chargeback_categories.plays_split_over_categories": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "category_plays": pytest.approx(2.8),
                        "day_plays": 3,
                        "diff": pytest.approx(-0.2),
                    }
                ],
                1,
            ),
        },
    ),
    "an entry without categories lost from the chargeback": (
        # e2 is in no category: without its uncategorized row its plays are charged to no one
        _sql("delete from dim_entry_chargeback_categories where entry_id = 'e2'"),
        "marts",
        {
            "dim_entry_chargeback_categories.plays_split_over_categories": (
                [
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-01",
                        "category_plays": 2.0,
                        "day_plays": 3,
                        "diff": -1.0,
                    },
                    {
                        "partner_id": 101,
                        "report_date": "2026-01-02",
                        "category_plays": 0.0,
                        "day_plays": 1,
                        "diff": -1.0,
                    },
                ],
                2,
            )
        },
    ),
    "a category's usage lost from the chargeback report": (
        # c2 held half of e1: 48000 kilobits (0.006 GB) and 90 seconds (1.5 minutes)
        _sql("delete from rpt_usage_by_category_monthly where category_id = 'c2'"),
        "marts",
        {
            "rpt_usage_by_category_monthly.usage_matches_usage_monthly": (
                [
                    {
                        "partner_id": 101,
                        "report_month": "2026-01-01",
                        "category_bandwidth_gb": pytest.approx(0.012),
                        "usage_bandwidth_gb": pytest.approx(0.018),
                        "bandwidth_gb_diff": pytest.approx(-0.006),
                        "category_sum_view_period": pytest.approx(3.5),
                        "usage_sum_view_period": pytest.approx(5.0),
                        "sum_view_period_diff": pytest.approx(-1.5),
                    }
                ],
                1,
            )
        },
    ),
    "manifest count mismatch": (
        lambda fx: fx.rewrite_manifest("a", "landed_rows = landed_rows + 2"),
        "landed_batch",
        {
            "landed_beacons.rows_match_manifest": (
                [
                    {
                        "file_sha256": sha("a"),
                        "file_name": "beacons/a.jsonl.gz",
                        "manifest_landed_rows": 19,
                        "landed_beacon_rows": 17,
                        "diff": -2,
                    }
                ],
                1,
            )
        },
    ),
    "a landed file lost": (
        lambda fx: fx.beacon_file("b").unlink(),
        "landed_batch",
        {
            "landed_beacons.rows_match_manifest": (
                [
                    {
                        "file_sha256": sha("b"),
                        "file_name": "beacons/b.jsonl.gz",
                        "manifest_landed_rows": 7,
                        "landed_beacon_rows": 0,
                        "diff": -7,
                    }
                ],
                1,
            )
        },
    ),
    "unknown event type": (
        lambda fx: fx.rewrite_beacon_file(
            "a", "select * replace (if(source_line = 2, 77, event_type) as event_type) from f"
        ),
        "landed_batch",
        {"landed_beacons.event_type_known": ([77], 1)},
    ),
    "unknown playback type": (
        lambda fx: fx.rewrite_beacon_file(
            "b",
            "select * replace (if(source_line = 1, 'vr', playback_type) as playback_type) from f",
        ),
        "landed_batch",
        {"landed_beacons.playback_type_known": (["vr"], 1)},
    ),
    "required field null": (
        lambda fx: fx.rewrite_beacon_file(
            "b",
            "select * replace (if(source_line in (1, 2), null, session_id) as session_id) from f",
        ),
        "landed_batch",
        {"landed_beacons.session_id_not_null": (2, 2)},
    ),
    "quarantine count mismatch": (
        lambda fx: fx.rewrite_manifest("b", "quarantined_rows = 3"),
        "landed_batch",
        {
            "landed_quarantine.rows_match_manifest": (
                [
                    {
                        "file_sha256": sha("b"),
                        "file_name": "beacons/b.jsonl.gz",
                        "manifest_quarantined_rows": 3,
                        "quarantine_rows": 0,
                        "diff": -3,
                    }
                ],
                1,
            )
        },
    ),
    "IP address column landed": (
        lambda fx: fx.rewrite_beacon_file("b", "select *, '192.0.2.1' as ip_address from f"),
        "landed_batch",
        {"landed_beacons.no_ip_address_column": ([{"column_name": "ip_address"}], 1)},
    ),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_broken_variant_fails_exactly_its_checks(name: str, variant):
    from video_insights.quality import validate_landed, validate_marts

    mutate, suite, expected = VARIANTS[name]
    fixture = variant()
    mutate(fixture)
    run = validate_landed if suite == "landed_batch" else validate_marts
    result = run(fixture.paths)

    assert not result.passed
    failed = {check.name: check for check in result.failed}
    assert set(failed) == set(expected), result.summary()
    for check_name, (observed, unexpected_count) in expected.items():
        check = failed[check_name]
        assert check.suite == suite
        assert check.exception is None, check.exception
        assert check.unexpected_count == unexpected_count, check
        if observed is not None:
            assert check.observed == observed, check
        assert check.message and check.expected
    # the latest record on disk says the same
    record = json.loads((fixture.paths.runs / "quality-latest.json").read_text())
    assert record["passed"] is False
    assert {c["name"] for c in record["checks"] if not c["success"]} == set(expected)


def test_quartile_checks_skip_incomplete_and_small_days(variant):
    """Quartile beacons count on the day they arrive: a partner-day the data covers in part, or
    a row with few plays, may invert the funnel or exceed 4 quartiles per play legitimately."""
    from video_insights.quality import validate_marts

    fixture = variant()
    # 2026-01-03: beyond the landed data (not a complete day), with plenty of plays
    _sql(
        "insert into rpt_content_dropoff_daily values "
        "(101, date '2026-01-03', 'e1', 'e1', 0, 12, 4, 7, 5, 5, 3.0)"
    )(fixture)
    _sql(
        "insert into rpt_highlights_daily values "
        "(101, date '2026-01-03', 0, 12, 1, 1.0, 0, 50.0, 5.25, 0)"
    )(fixture)
    # 2026-01-01, entry e2: a complete day, but 1 play
    _sql(
        "update rpt_content_dropoff_daily set count_plays_25 = 0, play_through_ratio = 2.0 "
        "where entry_id = 'e2' and report_date = '2026-01-01'"
    )(fixture)
    _sql(
        "update rpt_top_content_daily set avg_view_drop_off = 3.0 "
        "where entry_id = 'e2' and report_date = '2026-01-01'"
    )(fixture)
    result = validate_marts(fixture.paths)
    assert result.passed, result.summary()


def test_raise_for_failure_lists_observed_vs_expected(variant):
    from video_insights.quality import validate_marts

    fixture = variant()
    _sql(f"delete from fct_plays where play_id = {PLAY_ID}")(fixture)
    result = validate_marts(fixture.paths)
    with pytest.raises(QualityError) as raised:
        result.raise_for_failure()
    message = str(raised.value)
    assert message.startswith("2 of ")
    assert "plays reconcile: fct_plays=4 vs PLAY beacons less duplicates=5 (diff -1)" in message
    assert "expected |fct_plays - play_beacons| <= 0" in message
    assert "fct_daily_entry_viewer_metrics.count_plays=5 vs fct_plays=4 (diff 1)" in message
    assert str(result.record_path) in message
    assert {c.name for c in raised.value.failed} == {
        "fct_plays.plays_match_play_beacons",
        "fct_plays.plays_match_daily_metrics",
    }


def test_missing_table_and_column_fail_their_presence_check(variant):
    from video_insights.quality import validate_marts

    fixture = variant()
    _sql("drop table fct_plays")(fixture)
    _sql("alter table rpt_top_content_daily drop column engagement_ranking")(fixture)
    result = validate_marts(fixture.paths)
    failed = {check.name: check for check in result.failed}
    assert set(failed) == {"fct_plays.columns_present", "rpt_top_content_daily.columns_present"}
    assert failed["fct_plays.columns_present"].observed == "table missing"
    assert failed["rpt_top_content_daily.columns_present"].observed == ["engagement_ranking"]
    # the other tables were still validated
    assert result.check("rpt_highlights_daily.unique_viewers_le_plays").success


def test_empty_warehouse_lands_clean_and_reports_the_missing_build(tmp_path):
    from video_insights.quality import validate

    paths = WarehousePaths.at(tmp_path / "empty")
    paths.ensure()
    result = validate(paths)
    assert [c.name for c in result.failed] == ["build_db.present"]
    assert all(c.success for c in result.checks if c.suite == "landed_batch")


HOLD_READ_ONLY = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("open", flush=True)
    sys.stdin.readline()
    con.close()
""")


def test_build_db_is_read_only_and_released(variant):
    """Validation works while another process reads the build DB (a writer could not open it),
    and leaves no lock behind: dbt can write the file right after."""
    from video_insights.quality import validate_marts

    fixture = variant()
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(fixture.paths.build_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        with pytest.raises(duckdb.IOException):  # a writer is locked out meanwhile...
            duckdb.connect(str(fixture.paths.build_db)).close()
        result = validate_marts(fixture.paths)  # ...but the read-only validation is not
        assert result.passed, result.summary()
    finally:
        reader.communicate("\n", timeout=30)
    with duckdb.connect(str(fixture.paths.build_db)) as con:  # released: writable again
        con.execute("create table after_validation as select 1 as x")
